package expr

import (
	"strings"

	"github.com/atolldb/atoll/partition/value"
)

// This file resolves document paths against items and values. Every walk is
// a loop over the path's elements, so its cost and depth are bounded by the
// path's length, never by the shape of the data.

// resolveDocPath returns the value at path p of item and whether it exists. A path
// that does not resolve (missing attribute or key, a step into a value of the
// wrong type, a list index out of range) has no value.
func resolveDocPath(item value.Item, p Path) (value.Value, bool) {
	if len(p) == 0 || p[0].IsIndex {
		return value.Value{}, false
	}
	v, ok := item[p[0].Name]
	if !ok {
		return value.Value{}, false
	}
	return resolveDocPathIn(v, p[1:])
}

// resolveDocPathIn walks the steps of rest from v.
func resolveDocPathIn(v value.Value, rest Path) (value.Value, bool) {
	for _, e := range rest {
		if e.IsIndex {
			if v.Type != value.TypeL || e.Index < 0 || e.Index >= len(v.L) {
				return value.Value{}, false
			}
			v = v.L[e.Index]
			continue
		}
		if v.Type != value.TypeM {
			return value.Value{}, false
		}
		next, ok := v.M[e.Name]
		if !ok {
			return value.Value{}, false
		}
		v = next
	}
	return v, true
}

// compareDocPaths orders paths element by element: list indexes numerically,
// names bytewise, and a name before an index at the same position (a bound
// update never holds both under one parent). A path sorts after its
// prefixes.
func compareDocPaths(a, b Path) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		switch {
		case x.IsIndex && y.IsIndex:
			if x.Index != y.Index {
				if x.Index < y.Index {
					return -1
				}
				return 1
			}
		case x.IsIndex:
			return 1
		case y.IsIndex:
			return -1
		default:
			if c := strings.Compare(x.Name, y.Name); c != 0 {
				return c
			}
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}
