package value

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sampleValues returns values of every type, two of most, keyed by name;
// no two are equal.
func sampleValues() map[string]Value {
	return map[string]Value{
		"S a":      S("a"),
		"S empty":  S(""),
		"N 1":      N(num("1")),
		"N -2.5":   N(num("-2.5")),
		"B 01":     B([]byte{1}),
		"B empty":  B(nil),
		"BOOL t":   Bool(true),
		"BOOL f":   Bool(false),
		"NULL":     Null(),
		"M a":      M(map[string]Value{"a": S("x")}),
		"M empty":  M(nil),
		"L a":      L(S("x")),
		"L empty":  L(),
		"SS a b":   SS("a", "b"),
		"NS 1 2":   NS(num("1"), num("2")),
		"BS 01 02": BS([]byte{1}, []byte{2}),
	}
}

func TestEqualPairings(t *testing.T) {
	samples := sampleValues()
	for an, a := range samples {
		for bn, b := range samples {
			want := an == bn
			if got := Equal(a, b); got != want {
				t.Errorf("Equal(%s, %s) = %v, want %v", an, bn, got, want)
			}
		}
	}
}

func TestEqual(t *testing.T) {
	tests := []struct {
		name string
		a, b Value
		want bool
	}{
		{"numbers numerically", N(num("1")), N(num("1.00")), true},
		{"numbers differ", N(num("1")), N(num("-1")), false},
		{"string case", S("a"), S("A"), false},
		{"nil and empty binary", B(nil), B([]byte{}), true},
		{"binary differ", B([]byte{1}), B([]byte{1, 0}), false},
		{"string vs number", S("1"), N(num("1")), false},
		{"string vs string set", S("a"), SS("a"), false},
		{"list vs string set", L(S("a")), SS("a"), false},
		{"SS order", SS("a", "b", "c"), SS("c", "a", "b"), true},
		{"SS subset", SS("a", "b"), SS("a"), false},
		{"SS different", SS("a", "b"), SS("a", "c"), false},
		{"SS multiplicity", SS("a", "a", "b"), SS("a", "b", "b"), false},
		{"NS order and form", NS(num("1"), num("2.50")), NS(num("2.5"), num("1.0")), true},
		{"NS different", NS(num("1")), NS(num("2")), false},
		{"BS order", BS([]byte("x"), []byte("y")), BS([]byte("y"), []byte("x")), true},
		{"BS different", BS([]byte("x")), BS([]byte("z")), false},
		{"list order matters", L(S("a"), S("b")), L(S("b"), S("a")), false},
		{"list length", L(S("a")), L(S("a"), S("a")), false},
		{"list deep", L(M(map[string]Value{"n": N(num("10"))})), L(M(map[string]Value{"n": N(num("1e1"))})), true},
		{"map nil and empty", M(nil), M(map[string]Value{}), true},
		{"map missing key", M(map[string]Value{"a": Null()}), M(map[string]Value{"b": Null()}), false},
		{"map value differs", M(map[string]Value{"a": Bool(true)}), M(map[string]Value{"a": Bool(false)}), false},
		{"map extra key", M(map[string]Value{"a": Null()}), M(map[string]Value{"a": Null(), "b": Null()}), false},
		{"map deep", M(map[string]Value{"a": L(SS("x", "y"))}), M(map[string]Value{"a": L(SS("y", "x"))}), true},
		{"invalid types", Value{}, Value{}, false},
		{"deep at limit", nestedLists(32, S("x")), nestedLists(32, S("x")), true},
		{"deeper than walk limit", nestedLists(walkDepthLimit+5, S("x")), nestedLists(walkDepthLimit+5, S("x")), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Equal(tt.a, tt.b); got != tt.want {
				t.Errorf("Equal(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
			if got := Equal(tt.b, tt.a); got != tt.want {
				t.Errorf("Equal(%v, %v) = %v, want %v (symmetry)", tt.b, tt.a, got, tt.want)
			}
		})
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name   string
		a, b   Value
		want   int
		wantOK bool
	}{
		{"strings", S("a"), S("b"), -1, true},
		{"strings equal", S("x"), S("x"), 0, true},
		{"string prefix", S("ab"), S("a"), 1, true},
		{"strings by bytes not case", S("B"), S("a"), -1, true},
		{"strings by UTF-8 bytes", S("\uffff"), S("\U00010000"), -1, true},
		{"empty string first", S(""), S("a"), -1, true},
		{"numbers", N(num("10")), N(num("9")), 1, true},
		{"numbers equal forms", N(num("10")), N(num("1e1")), 0, true},
		{"negative numbers", N(num("-10")), N(num("-9")), -1, true},
		{"binary unsigned", B([]byte{0x80}), B([]byte{0x7f}), 1, true},
		{"binary prefix", B([]byte{1}), B([]byte{1, 0}), -1, true},
		{"binary equal", B(nil), B([]byte{}), 0, true},
		{"string vs number", S("1"), N(num("1")), 0, false},
		{"number vs binary", N(num("1")), B([]byte{1}), 0, false},
		{"bools", Bool(false), Bool(true), 0, false},
		{"nulls", Null(), Null(), 0, false},
		{"lists", L(S("a")), L(S("b")), 0, false},
		{"maps", M(nil), M(nil), 0, false},
		{"string sets", SS("a"), SS("b"), 0, false},
		{"number sets", NS(num("1")), NS(num("2")), 0, false},
		{"binary sets", BS([]byte{1}), BS([]byte{2}), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Compare(tt.a, tt.b)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Compare(%v, %v) = %d, %v, want %d, %v", tt.a, tt.b, got, ok, tt.want, tt.wantOK)
			}
			if !tt.wantOK {
				return
			}
			if rev, ok := Compare(tt.b, tt.a); rev != -tt.want || !ok {
				t.Errorf("Compare(%v, %v) = %d, %v, want %d, true", tt.b, tt.a, rev, ok, -tt.want)
			}
		})
	}
}

func TestComparePairings(t *testing.T) {
	samples := sampleValues()
	for an, a := range samples {
		for bn, b := range samples {
			_, ok := Compare(a, b)
			want := a.Type == b.Type && (a.Type == TypeS || a.Type == TypeN || a.Type == TypeB)
			if ok != want {
				t.Errorf("Compare(%s, %s) ok = %v, want %v", an, bn, ok, want)
			}
		}
	}
}

// numberComparer lets cmp compare Numbers (unexported fields) by value.
var numberComparer = cmp.Comparer(func(a, b Number) bool { return a == b })

func TestClone(t *testing.T) {
	orig := Item{
		"s":  S("x"),
		"n":  N(num("1.5")),
		"b":  B([]byte{1, 2}),
		"m":  M(map[string]Value{"l": L(B([]byte{3}), SS("a"), NS(num("2")), BS([]byte{4}))}),
		"ss": SS("a", "b"),
		"ns": NS(num("1")),
		"bs": BS([]byte{5}),
	}
	c := orig.Clone()
	if diff := cmp.Diff(orig, c, numberComparer); diff != "" {
		t.Fatalf("Item.Clone() differs (-orig +clone):\n%s", diff)
	}
	// Change every mutable part of the clone; the original must not move.
	want := Item{
		"s":  S("x"),
		"n":  N(num("1.5")),
		"b":  B([]byte{1, 2}),
		"m":  M(map[string]Value{"l": L(B([]byte{3}), SS("a"), NS(num("2")), BS([]byte{4}))}),
		"ss": SS("a", "b"),
		"ns": NS(num("1")),
		"bs": BS([]byte{5}),
	}
	c["b"].B[0] = 9
	l := c["m"].M["l"].L
	l[0].B[0] = 9
	l[1].SS[0] = "z"
	l[2].NS[0] = num("9")
	l[3].BS[0][0] = 9
	c["m"].M["new"] = Null()
	c["ss"].SS[0] = "z"
	c["ns"].NS[0] = num("9")
	c["bs"].BS[0][0] = 9
	c["extra"] = Null()
	if diff := cmp.Diff(want, orig, numberComparer); diff != "" {
		t.Errorf("changing the clone changed the original (-want +got):\n%s", diff)
	}
}

func TestCloneNilsAndDeep(t *testing.T) {
	if got := Item(nil).Clone(); got != nil {
		t.Errorf("Item(nil).Clone() = %v, want nil", got)
	}
	for _, v := range []Value{M(nil), L(), B(nil), SS(), Value{}} {
		if diff := cmp.Diff(v, v.Clone(), numberComparer); diff != "" {
			t.Errorf("%v.Clone() differs:\n%s", v, diff)
		}
	}
	// Beyond walkDepthLimit Clone shares instead of copying, but the value
	// keeps its whole shape.
	const levels = walkDepthLimit + 10
	got := nestedLists(levels, S("x")).Clone()
	depth := 1
	for got.Type == TypeL && len(got.L) == 1 {
		got = got.L[0]
		depth++
	}
	if depth != levels || got.Type != TypeS || got.S != "x" {
		t.Errorf("Clone of %d nested lists = %d levels ending in %v, want %d ending in S x", levels, depth, got, levels)
	}
}
