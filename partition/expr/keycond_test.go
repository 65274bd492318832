package expr

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/atolldb/atoll/partition/value"
)

// ptKeyCond compiles s as a KeyConditionExpression with values :a, :b
// (strings), :n (number) and :t (the type name "S"), then applies KeyConditionFor.
func ptKeyCond(t *testing.T, s, pk, sk string) (*KeyCondition, error) {
	t.Helper()
	c := ptCompiler(t, 0)
	values := map[string]value.Value{":a": value.S("a"), ":b": value.S("b"), ":n": ptNum("1"), ":t": value.S("S")}
	used := map[string]value.Value{}
	for k, v := range values {
		if containsWord(s, k) {
			used[k] = v
		}
	}
	if len(used) == 0 {
		used = nil
	}
	compiled, err := c.Compile(Request{KeyCondition: s, Values: used})
	if err != nil {
		t.Fatalf("Compile(%q) error = %v", s, err)
	}
	return KeyConditionFor(compiled.KeyCondition, pk, sk)
}

// containsWord reports whether placeholder p occurs in s not followed by
// another identifier character.
func containsWord(s, p string) bool {
	for i := 0; i+len(p) <= len(s); i++ {
		if s[i:i+len(p)] == p && (i+len(p) == len(s) || !isIdentPart(s[i+len(p)])) {
			return true
		}
	}
	return false
}

func TestKeyConditionFor(t *testing.T) {
	a, b, n := value.S("a"), value.S("b"), ptNum("1")
	tests := []struct {
		name, in string
		want     *KeyCondition
	}{
		{"partition only", "pk = :a", &KeyCondition{PartitionKey: "pk", PartitionValue: a}},
		{"value first", ":a = pk", &KeyCondition{PartitionKey: "pk", PartitionValue: a}},
		{"sort equal", "pk = :a AND sk = :b", &KeyCondition{PartitionKey: "pk", PartitionValue: a, SortKey: "sk", SortOp: KeyEQ, SortValues: []value.Value{b}}},
		{"sort first", "sk < :n and pk = :a", &KeyCondition{PartitionKey: "pk", PartitionValue: a, SortKey: "sk", SortOp: KeyLT, SortValues: []value.Value{n}}},
		{"flipped", "pk = :a AND :n <= sk", &KeyCondition{PartitionKey: "pk", PartitionValue: a, SortKey: "sk", SortOp: KeyGE, SortValues: []value.Value{n}}},
		{"greater", "pk = :a AND sk > :n", &KeyCondition{PartitionKey: "pk", PartitionValue: a, SortKey: "sk", SortOp: KeyGT, SortValues: []value.Value{n}}},
		{"between", "pk = :a AND sk BETWEEN :a AND :b", &KeyCondition{PartitionKey: "pk", PartitionValue: a, SortKey: "sk", SortOp: KeyBetween, SortValues: []value.Value{a, b}}},
		{"begins_with", "pk = :a AND begins_with(sk, :b)", &KeyCondition{PartitionKey: "pk", PartitionValue: a, SortKey: "sk", SortOp: KeyBeginsWith, SortValues: []value.Value{b}}},
		{"parenthesized", "(pk = :a) AND (sk >= :n)", &KeyCondition{PartitionKey: "pk", PartitionValue: a, SortKey: "sk", SortOp: KeyGE, SortValues: []value.Value{n}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ptKeyCond(t, tt.in, "pk", "sk")
			if err != nil {
				t.Fatalf("KeyConditionFor(%q) error = %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got, ptCmpOpts); diff != "" {
				t.Errorf("KeyConditionFor(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestKeyConditionForErrors(t *testing.T) {
	tests := []struct {
		name, in, sk, want string
	}{
		{"or", "a > b and size(b) > c or a > c", "sk", "Invalid operator used in KeyConditionExpression: OR"},
		{"in", "a in (b, size(c), d)", "sk", "Invalid operator used in KeyConditionExpression: IN"},
		{"attribute_exists", "attribute_exists(a)", "sk", "Invalid operator used in KeyConditionExpression: attribute_exists"},
		{"attribute_not_exists", "attribute_not_exists(a)", "sk", "Invalid operator used in KeyConditionExpression: attribute_not_exists"},
		{"attribute_type", "attribute_type(a, :t)", "sk", "Invalid operator used in KeyConditionExpression: attribute_type"},
		{"contains", "contains(a.d, b)", "sk", "Invalid operator used in KeyConditionExpression: contains"},
		{"not", "not a > b", "sk", "Invalid operator used in KeyConditionExpression: NOT"},
		{"not equal", "a <> b", "sk", "Invalid operator used in KeyConditionExpression: <>"},
		{"between value first", ":a between size(b) and size(a) and b > :b", "sk", "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand"},
		{"begins_with value first", "begins_with(:a, b) and a > :b", "sk", "Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand"},
		{"nested operation", "size(b) > a AND a.b > b AND b > c", "sk", "KeyConditionExpressions cannot contain nested operations"},
		{"nested size operand", "a > size(b.d)", "sk", "KeyConditionExpressions cannot contain nested operations"},
		{"multiple names", "b > a.b", "sk", "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"},
		{"multiple names between", "b between c[1] and d", "sk", "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"},
		{"nested attribute", "a.d > c", "sk", "KeyConditionExpressions cannot have conditions on nested attributes"},
		{"indexed attribute", "b[0] > a", "sk", "KeyConditionExpressions cannot have conditions on nested attributes"},
		{"no attribute", ":b > :a AND a < :b", "sk", "Invalid condition in KeyConditionExpression: No key attribute specified"},
		{"one per key", "b > :a AND b < :a and c = :a and d = :a", "sk", "KeyConditionExpressions must only contain one condition per key"},
		{"missed partition key", "sk = :a", "sk", "Query condition missed key schema element: pk"},
		{"non-key attribute", "pk = :a AND status_x = :b", "sk", "Query key condition not supported"},
		{"partition key range", "pk > :a", "sk", "Query key condition not supported"},
		{"partition begins_with", "begins_with(pk, :a)", "sk", "Query key condition not supported"},
		{"sort key without schema", "pk = :a AND sk = :b", "", "Query key condition not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ptKeyCond(t, tt.in, "pk", tt.sk)
			if got := ptMessage(t, err); got != tt.want {
				t.Errorf("KeyConditionFor(%q) error = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
