package value

import (
	"strings"
	"testing"
)

// nested returns inner wrapped in levels-1 maps, so that inner sits at
// nesting level `levels` when the result is a top-level attribute value.
func nested(levels int, inner Value) Value {
	v := inner
	for range levels - 1 {
		v = M(map[string]Value{"a": v})
	}
	return v
}

func nestedLists(levels int, inner Value) Value {
	v := inner
	for range levels - 1 {
		v = L(v)
	}
	return v
}

func num(s string) Number { return MustParseNumber(s) }

func TestValueValidate(t *testing.T) {
	const nestingMsg = "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit"
	tests := []struct {
		name string
		v    Value
		want string // "" for valid
	}{
		{"string", S("x"), ""},
		{"empty string", S(""), ""},
		{"number", N(num("1.5")), ""},
		{"zero number", N(Number{}), ""},
		{"binary", B([]byte{0, 1}), ""},
		{"empty binary", B(nil), ""},
		{"bool", Bool(false), ""},
		{"null", Null(), ""},
		{"empty map", M(nil), ""},
		{"empty list", L(), ""},
		{"string set", SS("a", "b"), ""},
		{"string set with empty member", SS("", "a"), ""},
		{"number set", NS(num("1"), num("2")), ""},
		{"binary set", BS([]byte("a"), []byte("b")), ""},
		{"binary set with empty member", BS([]byte{}, []byte("a")), ""},
		{"invalid type", Value{}, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
		{"invalid type nested", L(S("a"), Value{Type: 42}), "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
		{"empty string set", SS(), "One or more parameter values were invalid: An string set  may not be empty"},
		{"empty number set", NS(), "One or more parameter values were invalid: An number set  may not be empty"},
		{"empty binary set", BS(), "One or more parameter values were invalid: Binary sets should not be empty"},
		{"empty set in map", M(map[string]Value{"s": SS()}), "One or more parameter values were invalid: An string set  may not be empty"},
		{"empty set in list", L(S("x"), NS()), "One or more parameter values were invalid: An number set  may not be empty"},
		{"duplicate strings", SS("a", "b", "a"), "One or more parameter values were invalid: Input collection [a, b, a] contains duplicates."},
		{"duplicate empty strings", SS("", ""), "One or more parameter values were invalid: Input collection [, ] contains duplicates."},
		{"duplicate numbers", NS(num("1"), num("2"), num("1")), "Input collection contains duplicates"},
		{"numerically duplicate numbers", NS(num("1"), num("1.0")), "Input collection contains duplicates"},
		{"duplicate binaries", BS([]byte("A"), []byte("B"), []byte("A")), "One or more parameter values were invalid: Input collection [QQ==, Qg==, QQ==]of type BS contains duplicates."},
		{"map at depth 32", nested(32, M(nil)), ""},
		{"scalar at depth 32", nested(32, S("x")), ""},
		{"list at depth 32", nestedLists(32, L()), ""},
		{"map at depth 33", nested(33, M(nil)), nestingMsg},
		{"scalar at depth 33", nested(33, S("x")), nestingMsg},
		{"list at depth 33", nestedLists(33, N(num("1"))), nestingMsg},
		{"very deep", nestedLists(10000, Null()), nestingMsg},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.v.Validate()
			if tt.want == "" {
				if err != nil {
					t.Errorf("Validate() = %v, want nil", err)
				}
				return
			}
			wantValidation(t, "Validate()", err, tt.want)
		})
	}
}

func TestValidateItem(t *testing.T) {
	big := strings.Repeat("x", MaxItemSize-1) // with a 1-byte name: exactly MaxItemSize
	tests := []struct {
		name string
		it   Item
		want string
	}{
		{"empty item", Item{}, ""},
		{"nil item", nil, ""},
		{"valid", Item{"pk": S("a"), "n": N(num("3")), "m": M(map[string]Value{"l": L(Null())})}, ""},
		{"exactly the limit", Item{"a": S(big)}, ""},
		{"one byte over", Item{"ab": S(big)}, "Item size has exceeded the maximum allowed size"},
		{"name counts", Item{strings.Repeat("n", 10): S(strings.Repeat("x", MaxItemSize-9))}, "Item size has exceeded the maximum allowed size"},
		{"bad value", Item{"a": S("x"), "s": SS()}, "One or more parameter values were invalid: An string set  may not be empty"},
		{"first bad attribute by name", Item{"b": NS(), "a": SS()}, "One or more parameter values were invalid: An string set  may not be empty"},
		{"value error before size", Item{"ab": S(big), "s": BS()}, "One or more parameter values were invalid: Binary sets should not be empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateItem(tt.it)
			if tt.want == "" {
				if err != nil {
					t.Errorf("ValidateItem() = %v, want nil", err)
				}
				return
			}
			wantValidation(t, "ValidateItem()", err, tt.want)
		})
	}
}

func TestValidateKeyValue(t *testing.T) {
	tests := []struct {
		name string
		v    Value
		want Type
		role KeyRole
		msg  string
	}{
		{"string", S("a"), TypeS, PartitionKeyRole, ""},
		{"number", N(num("-1.5")), TypeN, SortKeyRole, ""},
		{"zero number", N(Number{}), TypeN, PartitionKeyRole, ""},
		{"binary", B([]byte{0}), TypeB, SortKeyRole, ""},
		{"type mismatch", N(num("1")), TypeS, PartitionKeyRole, "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"},
		{"type mismatch set", SS("a"), TypeS, SortKeyRole, "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: SS"},
		{"empty string", S(""), TypeS, PartitionKeyRole, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk"},
		{"empty string sort", S(""), TypeS, SortKeyRole, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk"},
		{"empty binary", B(nil), TypeB, PartitionKeyRole, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: pk"},
		{"partition key at limit", S(strings.Repeat("x", 2048)), TypeS, PartitionKeyRole, ""},
		{"partition key over limit", S(strings.Repeat("x", 2049)), TypeS, PartitionKeyRole, "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes"},
		{"partition binary over limit", B(make([]byte, 2049)), TypeB, PartitionKeyRole, "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes"},
		{"multibyte partition key over limit", S(strings.Repeat("é", 1025)), TypeS, PartitionKeyRole, "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes"},
		{"sort key at limit", S(strings.Repeat("x", 1024)), TypeS, SortKeyRole, ""},
		{"sort key over limit", S(strings.Repeat("x", 1025)), TypeS, SortKeyRole, "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes"},
		{"sort binary over limit", B(make([]byte, 1025)), TypeB, SortKeyRole, "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateKeyValue("pk", tt.v, tt.want, tt.role)
			if tt.msg == "" {
				if err != nil {
					t.Errorf("ValidateKeyValue(%q) = %v, want nil", "pk", err)
				}
				return
			}
			wantValidation(t, "ValidateKeyValue(pk)", err, tt.msg)
		})
	}
}
