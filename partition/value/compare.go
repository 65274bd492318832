package value

import (
	"bytes"
	"maps"
	"slices"
	"strings"
)

// Equal reports whether a and b are equal the way DynamoDB's "=" and
// "<>" comparators and its condition checks see them: same type and same
// value. Numbers compare numerically ("1" equals "1.0"); strings and
// binaries byte by byte (a nil and an empty binary are equal); sets as sets,
// regardless of member order; maps by keys and values; lists element by
// element, in order. Values of different types are never equal, and neither
// are values of an invalid Type. Values nested deeper than walkDepthLimit
// compare unequal (no valid value is that deep).
func Equal(a, b Value) bool { return equal(a, b, 0) }

func equal(a, b Value, depth int) bool {
	if a.Type != b.Type || depth > walkDepthLimit {
		return false
	}
	switch a.Type {
	case TypeS:
		return a.S == b.S
	case TypeN:
		return a.N == b.N
	case TypeB:
		return bytes.Equal(a.B, b.B)
	case TypeBOOL:
		return a.BOOL == b.BOOL
	case TypeNULL:
		return true
	case TypeM:
		if len(a.M) != len(b.M) {
			return false
		}
		for k, av := range a.M {
			bv, ok := b.M[k]
			if !ok || !equal(av, bv, depth+1) {
				return false
			}
		}
		return true
	case TypeL:
		if len(a.L) != len(b.L) {
			return false
		}
		for i := range a.L {
			if !equal(a.L[i], b.L[i], depth+1) {
				return false
			}
		}
		return true
	case TypeSS:
		return sameMembers(a.SS, b.SS, func(s string) string { return s })
	case TypeNS:
		return sameMembers(a.NS, b.NS, func(n Number) Number { return n })
	case TypeBS:
		return sameMembers(a.BS, b.BS, func(b []byte) string { return string(b) })
	}
	return false
}

// sameMembers reports whether a and b hold the same members with the same
// multiplicities, in any order. key maps a member to a comparable identity.
func sameMembers[T any, K comparable](a, b []T, key func(T) K) bool {
	if len(a) != len(b) {
		return false
	}
	counts := make(map[K]int, len(a))
	for _, m := range a {
		counts[key(m)]++
	}
	for _, m := range b {
		k := key(m)
		if counts[k] == 0 {
			return false
		}
		counts[k]--
	}
	return true
}

// Compare orders a and b the way DynamoDB's "<", "<=", ">", ">=" and
// BETWEEN comparators and sort keys do: strings by their UTF-8 bytes,
// numbers numerically, binaries by unsigned bytes. It returns -1, 0 or +1
// and ok=true when a and b have the same type and that type is S, N or B;
// otherwise it returns 0, false (DynamoDB's comparators are then false).
func Compare(a, b Value) (int, bool) {
	if a.Type != b.Type {
		return 0, false
	}
	switch a.Type {
	case TypeS:
		return strings.Compare(a.S, b.S), true
	case TypeN:
		return a.N.Cmp(b.N), true
	case TypeB:
		return bytes.Compare(a.B, b.B), true
	}
	return 0, false
}

// Clone returns a deep copy of v: no map or slice of the copy is shared with
// v, so the copy may be changed freely. Parts of v nested deeper than
// walkDepthLimit (never the case for a valid value) are shared, not copied.
func (v Value) Clone() Value { return v.clone(0) }

func (v Value) clone(depth int) Value {
	if depth > walkDepthLimit {
		return v
	}
	switch v.Type {
	case TypeB:
		v.B = bytes.Clone(v.B)
	case TypeM:
		if v.M != nil {
			m := make(map[string]Value, len(v.M))
			for k, e := range v.M {
				m[k] = e.clone(depth + 1)
			}
			v.M = m
		}
	case TypeL:
		if v.L != nil {
			l := make([]Value, len(v.L))
			for i, e := range v.L {
				l[i] = e.clone(depth + 1)
			}
			v.L = l
		}
	case TypeSS:
		v.SS = slices.Clone(v.SS)
	case TypeNS:
		v.NS = slices.Clone(v.NS)
	case TypeBS:
		if v.BS != nil {
			bs := make([][]byte, len(v.BS))
			for i, b := range v.BS {
				bs[i] = bytes.Clone(b)
			}
			v.BS = bs
		}
	}
	return v
}

// Clone returns a deep copy of it (see Value.Clone); nil for a nil item.
func (it Item) Clone() Item {
	if it == nil {
		return nil
	}
	c := make(Item, len(it))
	for k, v := range it {
		c[k] = v.Clone()
	}
	return c
}

// sortedNames returns the attribute names of it in ascending byte order.
func sortedNames(it Item) []string { return slices.Sorted(maps.Keys(it)) }
