package expr

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/atolldb/atoll/partition/value"
)

// These tests run translated legacy parameters through the evaluator, to
// check that each translation keeps DynamoDB's legacy semantics.

func legacyItem() value.Item {
	return value.Item{
		"pk":   value.S("k"),
		"s":    value.S("hello world"),
		"n":    lnum("7"),
		"b":    value.B([]byte{1, 2, 3}),
		"ss":   value.SS("red", "green"),
		"ns":   value.NS(value.MustParseNumber("1"), value.MustParseNumber("2")),
		"l":    value.L(lnum("4"), value.S("x"), value.Bool(true)),
		"flag": value.Bool(true),
		"nul":  value.Null(),
	}
}

func TestLegacyFilterEval(t *testing.T) {
	c := func(op string, args ...value.Value) Condition {
		return Condition{ComparisonOperator: op, AttributeValueList: args}
	}
	tests := []struct {
		name string
		attr string
		cond Condition
		want bool
	}{
		{"EQ S match", "s", c("EQ", value.S("hello world")), true},
		{"EQ other type", "n", c("EQ", value.S("7")), false},
		{"EQ missing", "missing", c("EQ", value.S("x")), false},
		{"EQ BOOL", "flag", c("EQ", value.Bool(true)), true},
		{"EQ set any order", "ss", c("EQ", value.SS("green", "red")), true},
		{"NE missing is true", "missing", c("NE", value.S("x")), true},
		{"NE equal is false", "n", c("NE", lnum("7.0")), false},
		{"NE other type is true", "n", c("NE", value.S("7")), true},
		{"LT N", "n", c("LT", lnum("8")), true},
		{"GE N", "n", c("GE", lnum("8")), false},
		{"GT S", "s", c("GT", value.S("hello")), true},
		{"LE missing", "missing", c("LE", lnum("1")), false},
		{"NOT_NULL present", "nul", c("NOT_NULL"), true},
		{"NOT_NULL missing", "missing", c("NOT_NULL"), false},
		{"NULL missing", "missing", c("NULL"), true},
		{"NULL present NULL value", "nul", c("NULL"), false},
		{"CONTAINS substring", "s", c("CONTAINS", value.S("lo wo")), true},
		{"CONTAINS SS member", "ss", c("CONTAINS", value.S("red")), true},
		{"CONTAINS SS non-member", "ss", c("CONTAINS", value.S("blue")), false},
		{"CONTAINS NS member", "ns", c("CONTAINS", lnum("2")), true},
		{"CONTAINS list element", "l", c("CONTAINS", lnum("4")), true},
		{"CONTAINS list BOOL", "l", c("CONTAINS", value.Bool(true)), true},
		{"CONTAINS binary", "b", c("CONTAINS", value.B([]byte{2, 3})), true},
		{"CONTAINS missing", "missing", c("CONTAINS", value.S("x")), false},
		{"NOT_CONTAINS missing is false", "missing", c("NOT_CONTAINS", value.S("x")), false},
		{"NOT_CONTAINS SS non-member", "ss", c("NOT_CONTAINS", value.S("blue")), true},
		{"NOT_CONTAINS SS member", "ss", c("NOT_CONTAINS", value.S("red")), false},
		{"NOT_CONTAINS other type", "n", c("NOT_CONTAINS", value.S("7")), true},
		{"BEGINS_WITH S", "s", c("BEGINS_WITH", value.S("hell")), true},
		{"BEGINS_WITH B", "b", c("BEGINS_WITH", value.B([]byte{1, 2})), true},
		{"BEGINS_WITH other type", "n", c("BEGINS_WITH", value.S("7")), false},
		{"IN match", "n", c("IN", lnum("1"), lnum("7")), true},
		{"IN no match", "n", c("IN", lnum("1"), lnum("2")), false},
		{"IN missing", "missing", c("IN", lnum("1")), false},
		{"BETWEEN inside", "n", c("BETWEEN", lnum("7"), lnum("9")), true},
		{"BETWEEN outside", "n", c("BETWEEN", lnum("8"), lnum("9")), false},
		{"BETWEEN other type", "s", c("BETWEEN", lnum("1"), lnum("9")), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cond, err := FilterToCond(ParamScanFilter, map[string]Condition{tt.attr: tt.cond}, "")
			if err != nil {
				t.Fatalf("FilterToCond() error = %v", err)
			}
			got, err := EvalFilter(cond, legacyItem())
			if err != nil {
				t.Fatalf("EvalFilter(%s %s) error = %v", tt.attr, tt.cond.ComparisonOperator, err)
			}
			if got != tt.want {
				t.Errorf("EvalFilter(%s %s) = %v, want %v", tt.attr, tt.cond.ComparisonOperator, got, tt.want)
			}
		})
	}
}

func TestLegacyExpectedEval(t *testing.T) {
	tests := []struct {
		name     string
		expected map[string]ExpectedAttribute
		op       string
		item     value.Item
		want     bool
	}{
		{"value equals", map[string]ExpectedAttribute{"n": {Value: lptr(lnum("7"))}}, "", legacyItem(), true},
		{"value differs", map[string]ExpectedAttribute{"n": {Value: lptr(lnum("8"))}}, "", legacyItem(), false},
		{"exists false on missing", map[string]ExpectedAttribute{"zz": {Exists: lbool(false)}}, "", legacyItem(), true},
		{"exists false on present", map[string]ExpectedAttribute{"n": {Exists: lbool(false)}}, "", legacyItem(), false},
		{"exists false on no item", map[string]ExpectedAttribute{"pk": {Exists: lbool(false)}}, "", nil, true},
		{"AND one false", map[string]ExpectedAttribute{
			"n": {Value: lptr(lnum("7"))},
			"s": {ComparisonOperator: "NULL"},
		}, "AND", legacyItem(), false},
		{"OR one true", map[string]ExpectedAttribute{
			"n": {Value: lptr(lnum("7"))},
			"s": {ComparisonOperator: "NULL"},
		}, "OR", legacyItem(), true},
		{"NE on no item", map[string]ExpectedAttribute{"v": {ComparisonOperator: "NE", Value: lptr(lnum("1"))}}, "", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cond, err := ExpectedToCond(tt.expected, tt.op)
			if err != nil {
				t.Fatalf("ExpectedToCond() error = %v", err)
			}
			got, err := EvalCondition(cond, tt.item)
			if err != nil {
				t.Fatalf("EvalCondition() error = %v", err)
			}
			if got != tt.want {
				t.Errorf("EvalCondition(%v) = %v, want %v", cond, got, tt.want)
			}
		})
	}
}

func TestLegacyUpdateEval(t *testing.T) {
	base := value.Item{"pk": value.S("k"), "n": lnum("5"), "ss": value.SS("a", "b"), "l": value.L(value.S("x")), "s": value.S("old")}
	tests := []struct {
		name    string
		updates map[string]AttributeUpdate
		item    value.Item
		want    value.Item
	}{
		{"ADD to missing number", map[string]AttributeUpdate{"c": {Action: "ADD", Value: lptr(lnum("3"))}},
			value.Item{"pk": value.S("k")}, value.Item{"pk": value.S("k"), "c": lnum("3")}},
		{"ADD to existing number", map[string]AttributeUpdate{"n": {Action: "ADD", Value: lptr(lnum("-2"))}},
			base, value.Item{"pk": value.S("k"), "n": lnum("3"), "ss": value.SS("a", "b"), "l": value.L(value.S("x")), "s": value.S("old")}},
		{"ADD to set", map[string]AttributeUpdate{"ss": {Action: "ADD", Value: lptr(value.SS("c"))}},
			value.Item{"ss": value.SS("a")}, value.Item{"ss": value.SS("a", "c")}},
		{"ADD list to missing", map[string]AttributeUpdate{"l": {Action: "ADD", Value: lptr(value.L(lnum("1")))}},
			value.Item{"pk": value.S("k")}, value.Item{"pk": value.S("k"), "l": value.L(lnum("1"))}},
		{"ADD list appends", map[string]AttributeUpdate{"l": {Action: "ADD", Value: lptr(value.L(value.S("y")))}},
			value.Item{"l": value.L(value.S("x"))}, value.Item{"l": value.L(value.S("x"), value.S("y"))}},
		{"DELETE removes attribute", map[string]AttributeUpdate{"s": {Action: "DELETE"}},
			value.Item{"pk": value.S("k"), "s": value.S("old")}, value.Item{"pk": value.S("k")}},
		{"DELETE from set", map[string]AttributeUpdate{"ss": {Action: "DELETE", Value: lptr(value.SS("a"))}},
			value.Item{"ss": value.SS("a", "b")}, value.Item{"ss": value.SS("b")}},
		{"PUT replaces", map[string]AttributeUpdate{"s": {Value: lptr(value.S("new"))}},
			value.Item{"s": value.S("old")}, value.Item{"s": value.S("new")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := AttributeUpdatesToUpdate(tt.updates)
			if err != nil {
				t.Fatalf("AttributeUpdatesToUpdate() error = %v", err)
			}
			got, _, err := ApplyUpdate(u, tt.item)
			if err != nil {
				t.Fatalf("ApplyUpdate() error = %v", err)
			}
			opts := cmp.Options{legacyCmp, cmp.Comparer(func(a, b value.Value) bool { return value.Equal(a, b) })}
			if diff := cmp.Diff(tt.want, got, opts); diff != "" {
				t.Errorf("ApplyUpdate() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLegacyProjectionEval(t *testing.T) {
	p, err := AttributesToGetToProjection([]string{"n", "missing", "a.b"})
	if err != nil {
		t.Fatalf("AttributesToGetToProjection() error = %v", err)
	}
	item := value.Item{"n": lnum("1"), "s": value.S("x"), "a.b": value.S("dotted"), "a": value.M(map[string]value.Value{"b": value.S("nested")})}
	got := p.Apply(item)
	want := value.Item{"n": lnum("1"), "a.b": value.S("dotted")}
	if diff := cmp.Diff(want, got, legacyCmp); diff != "" {
		t.Errorf("Projection.Apply() mismatch (-want +got):\n%s", diff)
	}
}
