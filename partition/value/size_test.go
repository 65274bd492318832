package value

import (
	"strings"
	"testing"
)

func TestValueSize(t *testing.T) {
	tests := []struct {
		name string
		v    Value
		want int
	}{
		{"string", S("abc"), 3},
		{"empty string", S(""), 0},
		{"string counts UTF-8 bytes", S("é€😀"), 2 + 3 + 4},
		{"binary counts raw bytes", B([]byte{0, 1, 2}), 3},
		{"empty binary", B(nil), 0},
		{"bool", Bool(false), 1},
		{"null", Null(), 1},
		// Numbers: 1 byte + 1 per base-100 digit pair (+1 if negative).
		{"zero", N(num("0")), 1},
		{"one digit", N(num("7")), 2},
		{"guide example 27", N(num("27")), 2},
		{"guide example -27", N(num("-27")), 3},
		{"guide example 461", N(num("461")), 3},
		{"ten-digit timestamp", N(num("1786461547")), 6},
		{"trailing zeros trimmed", N(num("100")), 2},
		{"large power of ten", N(num("1e125")), 2},
		{"leading zeros trimmed", N(num("0.05")), 2},
		{"fraction pair alignment", N(num("0.005")), 2},
		{"pairs aligned on the point", N(num("1.5")), 3},
		{"12.3", N(num("12.3")), 3},
		{"38 digits even alignment", N(num(digits38)), 20},
		{"38 digits odd alignment", N(num("1.2345678901234567890123456789012345678")), 21},
		{"38 digits odd alignment negative", N(num("-1.2345678901234567890123456789012345678")), 22},
		{"empty map", M(nil), 3},
		{"empty list", L(), 3},
		{"map element", M(map[string]Value{"a": S("x")}), 3 + 1 + 1 + 1},
		{"map key UTF-8", M(map[string]Value{"é": Null()}), 3 + 2 + 1 + 1},
		{"list elements", L(S("x"), Null()), 3 + (1 + 1) + (1 + 1)},
		{"nested", L(M(map[string]Value{"k": L()})), 3 + 1 + (3 + 1 + 1 + 3)},
		{"string set", SS("a", "bb", ""), 3},
		{"number set", NS(num("1"), num("-27")), 2 + 3},
		{"binary set", BS([]byte{1}, []byte{2, 3}), 3},
		{"invalid type", Value{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.v.Size(); got != tt.want {
				t.Errorf("Size(%v) = %d, want %d", tt.v, got, tt.want)
			}
		})
	}
}

func TestValueSizeTooDeep(t *testing.T) {
	// A value nested beyond walkDepthLimit can never pass the item size check.
	v := nestedLists(walkDepthLimit+5, S("x"))
	if got := v.Size(); got <= MaxItemSize {
		t.Errorf("Size(%d nested lists) = %d, want more than %d", walkDepthLimit+5, got, MaxItemSize)
	}
	if err := CheckItemSize(Item{"a": v}); err == nil {
		t.Errorf("CheckItemSize(%d nested lists) = nil, want the item size error", walkDepthLimit+5)
	}
}

func TestItemSize(t *testing.T) {
	tests := []struct {
		name string
		it   Item
		want int
	}{
		{"nil", nil, 0},
		{"empty", Item{}, 0},
		{"names count", Item{"id": N(num("1")), "name": S("ab")}, (2 + 2) + (4 + 2)},
		{"multibyte name", Item{"ñ": Bool(true)}, 2 + 1},
		{"list attribute", Item{"l": L(N(num("27")), S("abc"))}, 1 + 3 + (1 + 2) + (1 + 3)},
		{"at the limit", Item{"a": S(strings.Repeat("x", MaxItemSize-1))}, MaxItemSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.it.Size(); got != tt.want {
				t.Errorf("Item.Size(%v) = %d, want %d", tt.it, got, tt.want)
			}
		})
	}
}

// TestNumberSizeBounds checks, for numbers of every digit count and
// alignment, that the size stays between the guide's approximation and the
// 21-byte maximum (22 when negative).
func TestNumberSizeBounds(t *testing.T) {
	for d := 1; d <= MaxNumberDigits; d++ {
		digits := strings.Repeat("7", d)
		for _, exp := range []string{"", "e1", "e-1", "e-7", "e8"} {
			for _, sign := range []string{"", "-"} {
				s := sign + digits + exp
				n := num(s)
				approx := 1 + (d+1)/2
				got := n.size()
				max := approx + 1
				if sign == "-" {
					approx++
					max++
				}
				if got < approx || got > max || got > 22 {
					t.Errorf("Number(%q).size() = %d, want between %d and %d", s, got, approx, max)
				}
			}
		}
	}
}
