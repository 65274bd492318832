package expr

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/atolldb/atoll/partition/value"
)

var legacyCmp = cmp.Options{cmp.AllowUnexported(value.Number{})}

func lnum(s string) value.Value { return value.N(value.MustParseNumber(s)) }

func lpath(name string) PathOperand { return PathOperand{Path: Path{{Name: name}}} }

func lval(v value.Value) ValueOperand { return ValueOperand{Value: v} }

func lptr(v value.Value) *value.Value { return &v }

func lbool(b bool) *bool { return &b }

// wantValidation checks that err is a *value.ValidationError with message want.
func wantValidation(t *testing.T, call string, err error, want string) {
	t.Helper()
	var ve *value.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("%s error = %v (%T), want *value.ValidationError %q", call, err, err, want)
	}
	if ve.Message != want {
		t.Errorf("%s error = %q, want %q", call, ve.Message, want)
	}
}

func TestFilterToCondOperators(t *testing.T) {
	s, n, b := value.S("x"), lnum("5"), value.B([]byte{1, 2})
	ss := value.SS("a", "b")
	tests := []struct {
		name string
		op   string
		args []value.Value
		want Cond
	}{
		{"EQ S", "EQ", []value.Value{s}, Compare{Op: OpEQ, Left: lpath("a"), Right: lval(s)}},
		{"EQ N", "EQ", []value.Value{n}, Compare{Op: OpEQ, Left: lpath("a"), Right: lval(n)}},
		{"EQ SS", "EQ", []value.Value{ss}, Compare{Op: OpEQ, Left: lpath("a"), Right: lval(ss)}},
		{"EQ BOOL", "EQ", []value.Value{value.Bool(true)}, Compare{Op: OpEQ, Left: lpath("a"), Right: lval(value.Bool(true))}},
		{"EQ L", "EQ", []value.Value{value.L(s)}, Compare{Op: OpEQ, Left: lpath("a"), Right: lval(value.L(s))}},
		{"NE B", "NE", []value.Value{b}, Compare{Op: OpNE, Left: lpath("a"), Right: lval(b)}},
		{"NE NULL", "NE", []value.Value{value.Null()}, Compare{Op: OpNE, Left: lpath("a"), Right: lval(value.Null())}},
		{"LT N", "LT", []value.Value{n}, Compare{Op: OpLT, Left: lpath("a"), Right: lval(n)}},
		{"LE S", "LE", []value.Value{s}, Compare{Op: OpLE, Left: lpath("a"), Right: lval(s)}},
		{"GT B", "GT", []value.Value{b}, Compare{Op: OpGT, Left: lpath("a"), Right: lval(b)}},
		{"GE N", "GE", []value.Value{n}, Compare{Op: OpGE, Left: lpath("a"), Right: lval(n)}},
		{"NOT_NULL", "NOT_NULL", nil, Func{Name: "attribute_exists", Args: []Operand{lpath("a")}}},
		{"NULL", "NULL", nil, Func{Name: "attribute_not_exists", Args: []Operand{lpath("a")}}},
		{"CONTAINS S", "CONTAINS", []value.Value{s}, Func{Name: "contains", Args: []Operand{lpath("a"), lval(s)}}},
		{"CONTAINS N", "CONTAINS", []value.Value{n}, Func{Name: "contains", Args: []Operand{lpath("a"), lval(n)}}},
		{"CONTAINS BOOL", "CONTAINS", []value.Value{value.Bool(false)}, Func{Name: "contains", Args: []Operand{lpath("a"), lval(value.Bool(false))}}},
		{"CONTAINS NULL", "CONTAINS", []value.Value{value.Null()}, Func{Name: "contains", Args: []Operand{lpath("a"), lval(value.Null())}}},
		{"NOT_CONTAINS B", "NOT_CONTAINS", []value.Value{b}, And{
			Left:  Func{Name: "attribute_exists", Args: []Operand{lpath("a")}},
			Right: Not{Cond: Func{Name: "contains", Args: []Operand{lpath("a"), lval(b)}}},
		}},
		{"BEGINS_WITH S", "BEGINS_WITH", []value.Value{s}, Func{Name: "begins_with", Args: []Operand{lpath("a"), lval(s)}}},
		{"BEGINS_WITH B", "BEGINS_WITH", []value.Value{b}, Func{Name: "begins_with", Args: []Operand{lpath("a"), lval(b)}}},
		{"IN one", "IN", []value.Value{s}, In{Operand: lpath("a"), List: []Operand{lval(s)}}},
		{"IN many N", "IN", []value.Value{lnum("1"), lnum("2"), lnum("3")}, In{Operand: lpath("a"), List: []Operand{lval(lnum("1")), lval(lnum("2")), lval(lnum("3"))}}},
		{"BETWEEN N", "BETWEEN", []value.Value{lnum("-1"), lnum("10")}, Between{Operand: lpath("a"), Low: lval(lnum("-1")), High: lval(lnum("10"))}},
		{"BETWEEN equal S", "BETWEEN", []value.Value{s, s}, Between{Operand: lpath("a"), Low: lval(s), High: lval(s)}},
		{"BETWEEN B", "BETWEEN", []value.Value{value.B([]byte{1}), value.B([]byte{0xff})}, Between{Operand: lpath("a"), Low: lval(value.B([]byte{1})), High: lval(value.B([]byte{0xff}))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conds := map[string]Condition{"a": {ComparisonOperator: tt.op, AttributeValueList: tt.args}}
			got, err := FilterToCond(ParamScanFilter, conds, "")
			if err != nil {
				t.Fatalf("FilterToCond(%s) error = %v", tt.op, err)
			}
			if diff := cmp.Diff(tt.want, got, legacyCmp); diff != "" {
				t.Errorf("FilterToCond(%s) mismatch (-want +got):\n%s", tt.op, diff)
			}
		})
	}
}

func TestFilterToCondJoin(t *testing.T) {
	eq := func(name string) Cond {
		return Compare{Op: OpEQ, Left: lpath(name), Right: lval(value.S(name))}
	}
	cond := func(name string) Condition {
		return Condition{ComparisonOperator: "EQ", AttributeValueList: []value.Value{value.S(name)}}
	}
	tests := []struct {
		name  string
		conds map[string]Condition
		op    string
		want  Cond
	}{
		{"empty", nil, "", nil},
		{"single", map[string]Condition{"a": cond("a")}, "", eq("a")},
		{"two default AND", map[string]Condition{"b": cond("b"), "a": cond("a")}, "", And{Left: eq("a"), Right: eq("b")}},
		{"two explicit AND", map[string]Condition{"b": cond("b"), "a": cond("a")}, "AND", And{Left: eq("a"), Right: eq("b")}},
		{"two OR", map[string]Condition{"b": cond("b"), "a": cond("a")}, "OR", Or{Left: eq("a"), Right: eq("b")}},
		{"three sorted and balanced", map[string]Condition{"c": cond("c"), "a": cond("a"), "b": cond("b")}, "",
			And{Left: eq("a"), Right: And{Left: eq("b"), Right: eq("c")}}},
		{"four balanced OR", map[string]Condition{"d": cond("d"), "c": cond("c"), "a": cond("a"), "b": cond("b")}, "OR",
			Or{Left: Or{Left: eq("a"), Right: eq("b")}, Right: Or{Left: eq("c"), Right: eq("d")}}},
		{"dotted name is one element", map[string]Condition{"a.b[0]": cond("a.b[0]")}, "", eq("a.b[0]")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FilterToCond(ParamQueryFilter, tt.conds, tt.op)
			if err != nil {
				t.Fatalf("FilterToCond() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, got, legacyCmp); diff != "" {
				t.Errorf("FilterToCond() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFilterToCondDepth guards against a linear AND chain: a filter with many
// conditions must give a tree of logarithmic depth.
func TestFilterToCondDepth(t *testing.T) {
	conds := make(map[string]Condition)
	for i := range 1000 {
		conds[fmt.Sprintf("a%04d", i)] = Condition{ComparisonOperator: "NOT_NULL"}
	}
	got, err := FilterToCond(ParamScanFilter, conds, "OR")
	if err != nil {
		t.Fatalf("FilterToCond() error = %v", err)
	}
	var depth func(c Cond) int
	depth = func(c Cond) int {
		if o, ok := c.(Or); ok {
			return 1 + max(depth(o.Left), depth(o.Right))
		}
		return 1
	}
	if d := depth(got); d > 11 {
		t.Errorf("FilterToCond(1000 conditions) depth = %d, want <= 11", d)
	}
}

func TestFilterToCondErrors(t *testing.T) {
	const enumSet = "[IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"
	s := value.S("x")
	one := func(op string, args ...value.Value) map[string]Condition {
		return map[string]Condition{"a": {ComparisonOperator: op, AttributeValueList: args}}
	}
	tests := []struct {
		name  string
		param string
		conds map[string]Condition
		op    string
		want  string
	}{
		{"unknown operator", ParamScanFilter, one("FOO", s), "",
			"1 validation error detected: Value 'FOO' at 'scanFilter.a.member.comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: " + enumSet},
		{"lower-case operator", ParamQueryFilter, one("eq", s), "",
			"1 validation error detected: Value 'eq' at 'queryFilter.a.member.comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: " + enumSet},
		{"missing operator", ParamScanFilter, one("", s), "",
			"1 validation error detected: Value null at 'scanFilter.a.member.comparisonOperator' failed to satisfy constraint: Member must not be null"},
		{"two enum errors", ParamScanFilter, map[string]Condition{"b": {ComparisonOperator: "X"}, "a": {ComparisonOperator: "Y"}}, "",
			"2 validation errors detected: Value 'X' at 'scanFilter.b.member.comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: " + enumSet +
				"; Value 'Y' at 'scanFilter.a.member.comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: " + enumSet},
		{"enum and null errors with conditional operator", ParamScanFilter, map[string]Condition{"a": {}, "b": {ComparisonOperator: "Z"}}, "AN",
			"3 validation errors detected: Value 'Z' at 'scanFilter.b.member.comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: " + enumSet +
				"; Value null at 'scanFilter.a.member.comparisonOperator' failed to satisfy constraint: Member must not be null" +
				"; Value 'AN' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [OR, AND]"},
		{"bad conditional operator", ParamScanFilter, one("NULL"), "XOR",
			"1 validation error detected: Value 'XOR' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [OR, AND]"},
		{"conditional operator without filter", ParamScanFilter, nil, "AND",
			"ConditionalOperator cannot be used without Filter or Expected"},
		{"conditional operator with one element", ParamScanFilter, one("NULL"), "OR",
			"ConditionalOperator can only be used when Filter or Expected has two or more elements"},
		{"EQ no args", ParamScanFilter, one("EQ"), "", "One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator"},
		{"EQ two args", ParamScanFilter, one("EQ", s, s), "", "One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator"},
		{"NE no args", ParamScanFilter, one("NE"), "", "One or more parameter values were invalid: Invalid number of argument(s) for the NE ComparisonOperator"},
		{"LT two args", ParamScanFilter, one("LT", s, s), "", "One or more parameter values were invalid: Invalid number of argument(s) for the LT ComparisonOperator"},
		{"CONTAINS no args", ParamScanFilter, one("CONTAINS"), "", "One or more parameter values were invalid: Invalid number of argument(s) for the CONTAINS ComparisonOperator"},
		{"BEGINS_WITH two args", ParamScanFilter, one("BEGINS_WITH", s, s), "", "One or more parameter values were invalid: Invalid number of argument(s) for the BEGINS_WITH ComparisonOperator"},
		{"NULL one arg", ParamScanFilter, one("NULL", s), "", "One or more parameter values were invalid: Invalid number of argument(s) for the NULL ComparisonOperator"},
		{"NOT_NULL one arg", ParamScanFilter, one("NOT_NULL", s), "", "One or more parameter values were invalid: Invalid number of argument(s) for the NOT_NULL ComparisonOperator"},
		{"IN no args", ParamScanFilter, one("IN"), "", "One or more parameter values were invalid: Invalid number of argument(s) for the IN ComparisonOperator"},
		{"BETWEEN one arg", ParamScanFilter, one("BETWEEN", s), "", "One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN ComparisonOperator"},
		{"BETWEEN three args", ParamScanFilter, one("BETWEEN", s, s, s), "", "One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN ComparisonOperator"},
		{"LT BOOL", ParamScanFilter, one("LT", value.Bool(true)), "", "One or more parameter values were invalid: ComparisonOperator LT is not valid for BOOL AttributeValue type"},
		{"LE NULL", ParamScanFilter, one("LE", value.Null()), "", "One or more parameter values were invalid: ComparisonOperator LE is not valid for NULL AttributeValue type"},
		{"GT SS", ParamScanFilter, one("GT", value.SS("a")), "", "One or more parameter values were invalid: ComparisonOperator GT is not valid for SS AttributeValue type"},
		{"GE M", ParamScanFilter, one("GE", value.M(map[string]value.Value{})), "", "One or more parameter values were invalid: ComparisonOperator GE is not valid for M AttributeValue type"},
		{"IN L", ParamScanFilter, one("IN", value.L()), "", "One or more parameter values were invalid: ComparisonOperator IN is not valid for L AttributeValue type"},
		{"CONTAINS SS", ParamScanFilter, one("CONTAINS", value.SS("a")), "", "One or more parameter values were invalid: ComparisonOperator CONTAINS is not valid for SS AttributeValue type"},
		{"NOT_CONTAINS L", ParamScanFilter, one("NOT_CONTAINS", value.L()), "", "One or more parameter values were invalid: ComparisonOperator NOT_CONTAINS is not valid for L AttributeValue type"},
		{"BEGINS_WITH N", ParamScanFilter, one("BEGINS_WITH", lnum("1")), "", "One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type"},
		{"BEGINS_WITH BOOL", ParamScanFilter, one("BEGINS_WITH", value.Bool(true)), "", "One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid for BOOL AttributeValue type"},
		{"BETWEEN BOOL", ParamScanFilter, one("BETWEEN", value.Bool(true), value.Bool(true)), "", "One or more parameter values were invalid: ComparisonOperator BETWEEN is not valid for BOOL AttributeValue type"},
		{"BETWEEN N and NULL", ParamScanFilter, one("BETWEEN", lnum("5"), value.Null()), "", "One or more parameter values were invalid: ComparisonOperator BETWEEN is not valid for NULL AttributeValue type"},
		{"BETWEEN mixed types", ParamScanFilter, one("BETWEEN", lnum("5"), s), "", "One or more parameter values were invalid: AttributeValues inside AttributeValueList must be of same type"},
		{"IN mixed types", ParamScanFilter, one("IN", s, lnum("1")), "", "One or more parameter values were invalid: AttributeValues inside AttributeValueList must be of same type"},
		{"BETWEEN reversed N", ParamScanFilter, one("BETWEEN", lnum("10"), lnum("9")), "", "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"},
		{"BETWEEN reversed S", ParamScanFilter, one("BETWEEN", value.S("b"), value.S("a")), "", "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"},
		{"empty value", ParamScanFilter, one("EQ", value.Value{}), "", "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
		{"first error in name order", ParamScanFilter, map[string]Condition{"z": {ComparisonOperator: "EQ"}, "m": {ComparisonOperator: "LT"}}, "",
			"One or more parameter values were invalid: Invalid number of argument(s) for the LT ComparisonOperator"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FilterToCond(tt.param, tt.conds, tt.op)
			if got != nil {
				t.Errorf("FilterToCond() = %v, want nil on error", got)
			}
			wantValidation(t, "FilterToCond()", err, tt.want)
		})
	}
}

func TestFilterToCondTooManyEnumErrors(t *testing.T) {
	conds := make(map[string]Condition)
	for i := range 12 {
		conds[fmt.Sprintf("a%02d", i)] = Condition{ComparisonOperator: "BAD"}
	}
	_, err := FilterToCond(ParamScanFilter, conds, "")
	var ve *value.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("FilterToCond() error = %v, want *value.ValidationError", err)
	}
	const prefix = "10 validation errors detected: Value 'BAD' at 'scanFilter.a11.member.comparisonOperator'"
	if len(ve.Message) < len(prefix) || ve.Message[:len(prefix)] != prefix {
		t.Errorf("FilterToCond() error = %q, want prefix %q", ve.Message, prefix)
	}
}

func TestCheckQueryFilterKeys(t *testing.T) {
	conds := map[string]Condition{"pk": {ComparisonOperator: "NULL"}, "x": {ComparisonOperator: "NULL"}}
	wantValidation(t, "CheckQueryFilterKeys()", CheckQueryFilterKeys(conds, "pk", "sk"),
		"QueryFilter can only contain non-primary key attributes: Primary key attribute: pk")
	if err := CheckQueryFilterKeys(conds, "id"); err != nil {
		t.Errorf("CheckQueryFilterKeys(no key) = %v, want nil", err)
	}
}

func TestExpectedToCond(t *testing.T) {
	s, n := value.S("x"), lnum("3")
	tests := []struct {
		name     string
		expected map[string]ExpectedAttribute
		op       string
		want     Cond
	}{
		{"none", nil, "", nil},
		{"value means EQ", map[string]ExpectedAttribute{"a": {Value: lptr(s)}}, "",
			Compare{Op: OpEQ, Left: lpath("a"), Right: lval(s)}},
		{"exists true with value", map[string]ExpectedAttribute{"a": {Value: lptr(n), Exists: lbool(true)}}, "",
			Compare{Op: OpEQ, Left: lpath("a"), Right: lval(n)}},
		{"exists false", map[string]ExpectedAttribute{"a": {Exists: lbool(false)}}, "",
			Func{Name: "attribute_not_exists", Args: []Operand{lpath("a")}}},
		{"operator with Value", map[string]ExpectedAttribute{"a": {ComparisonOperator: "GT", Value: lptr(n)}}, "",
			Compare{Op: OpGT, Left: lpath("a"), Right: lval(n)}},
		{"operator with list", map[string]ExpectedAttribute{"a": {ComparisonOperator: "BETWEEN", AttributeValueList: []value.Value{lnum("1"), n}}}, "",
			Between{Operand: lpath("a"), Low: lval(lnum("1")), High: lval(n)}},
		{"NOT_NULL", map[string]ExpectedAttribute{"a": {ComparisonOperator: "NOT_NULL"}}, "",
			Func{Name: "attribute_exists", Args: []Operand{lpath("a")}}},
		{"NULL with empty list", map[string]ExpectedAttribute{"a": {ComparisonOperator: "NULL", AttributeValueList: []value.Value{}}}, "",
			Func{Name: "attribute_not_exists", Args: []Operand{lpath("a")}}},
		{"NE", map[string]ExpectedAttribute{"a": {ComparisonOperator: "NE", AttributeValueList: []value.Value{s}}}, "",
			Compare{Op: OpNE, Left: lpath("a"), Right: lval(s)}},
		{"OR of two", map[string]ExpectedAttribute{
			"b": {Exists: lbool(false)},
			"a": {ComparisonOperator: "CONTAINS", Value: lptr(s)},
		}, "OR", Or{
			Left:  Func{Name: "contains", Args: []Operand{lpath("a"), lval(s)}},
			Right: Func{Name: "attribute_not_exists", Args: []Operand{lpath("b")}},
		}},
		{"AND of two", map[string]ExpectedAttribute{
			"b": {Value: lptr(s)},
			"a": {Value: lptr(n)},
		}, "AND", And{
			Left:  Compare{Op: OpEQ, Left: lpath("a"), Right: lval(n)},
			Right: Compare{Op: OpEQ, Left: lpath("b"), Right: lval(s)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ExpectedToCond(tt.expected, tt.op)
			if err != nil {
				t.Fatalf("ExpectedToCond() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, got, legacyCmp); diff != "" {
				t.Errorf("ExpectedToCond() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExpectedToCondErrors(t *testing.T) {
	s := value.S("x")
	one := func(e ExpectedAttribute) map[string]ExpectedAttribute { return map[string]ExpectedAttribute{"a": e} }
	tests := []struct {
		name     string
		expected map[string]ExpectedAttribute
		op       string
		want     string
	}{
		{"exists and operator", one(ExpectedAttribute{Exists: lbool(true), ComparisonOperator: "EQ", Value: lptr(s)}), "",
			"One or more parameter values were invalid: Exists and ComparisonOperator cannot be used together for Attribute: a"},
		{"value and list", one(ExpectedAttribute{Value: lptr(s), AttributeValueList: []value.Value{}}), "",
			"One or more parameter values were invalid: Value and AttributeValueList cannot be used together for Attribute: a"},
		{"list without operator", one(ExpectedAttribute{AttributeValueList: []value.Value{s}}), "",
			"One or more parameter values were invalid: AttributeValueList can only be used with a ComparisonOperator for Attribute: a"},
		{"value with exists false", one(ExpectedAttribute{Value: lptr(s), Exists: lbool(false)}), "",
			"One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: a"},
		{"operator without values", one(ExpectedAttribute{ComparisonOperator: "LT"}), "",
			"One or more parameter values were invalid: Value or AttributeValueList must be used with ComparisonOperator: LT for Attribute: a"},
		{"nothing", one(ExpectedAttribute{}), "",
			"One or more parameter values were invalid: Value must be provided when Exists is null for Attribute: a"},
		{"exists true without value", one(ExpectedAttribute{Exists: lbool(true)}), "",
			"One or more parameter values were invalid: Value must be provided when Exists is true for Attribute: a"},
		{"NULL with Value", one(ExpectedAttribute{ComparisonOperator: "NULL", Value: lptr(s)}), "",
			"One or more parameter values were invalid: Invalid number of argument(s) for the NULL ComparisonOperator"},
		{"BETWEEN with Value", one(ExpectedAttribute{ComparisonOperator: "BETWEEN", Value: lptr(s)}), "",
			"One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN ComparisonOperator"},
		{"EQ with empty list", one(ExpectedAttribute{ComparisonOperator: "EQ", AttributeValueList: []value.Value{}}), "",
			"One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator"},
		{"BETWEEN with NULL", one(ExpectedAttribute{ComparisonOperator: "BETWEEN", AttributeValueList: []value.Value{lnum("5"), value.Null()}}), "",
			"One or more parameter values were invalid: ComparisonOperator BETWEEN is not valid for NULL AttributeValue type"},
		{"unknown operator", one(ExpectedAttribute{ComparisonOperator: "LIKE", Value: lptr(s)}), "",
			"1 validation error detected: Value 'LIKE' at 'expected.a.member.comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"},
		{"bad conditional operator", one(ExpectedAttribute{Value: lptr(s)}), "and",
			"1 validation error detected: Value 'and' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [OR, AND]"},
		{"conditional operator without expected", nil, "OR",
			"ConditionalOperator cannot be used without Filter or Expected"},
		{"conditional operator with one element", one(ExpectedAttribute{Value: lptr(s)}), "AND",
			"ConditionalOperator can only be used when Filter or Expected has two or more elements"},
		{"empty value", one(ExpectedAttribute{Value: &value.Value{}}), "",
			"Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ExpectedToCond(tt.expected, tt.op)
			if got != nil {
				t.Errorf("ExpectedToCond() = %v, want nil on error", got)
			}
			wantValidation(t, "ExpectedToCond()", err, tt.want)
		})
	}
}

func TestKeyConditionsToKeyCondition(t *testing.T) {
	pv, s1, s2 := value.S("p"), lnum("1"), lnum("2")
	eqP := Condition{ComparisonOperator: "EQ", AttributeValueList: []value.Value{pv}}
	tests := []struct {
		name   string
		conds  map[string]Condition
		sortKy string
		want   *KeyCondition
	}{
		{"hash only table", map[string]Condition{"pk": eqP}, "",
			&KeyCondition{PartitionKey: "pk", PartitionValue: pv}},
		{"sort key unconstrained", map[string]Condition{"pk": eqP}, "sk",
			&KeyCondition{PartitionKey: "pk", PartitionValue: pv}},
		{"sort EQ", map[string]Condition{"pk": eqP, "sk": {ComparisonOperator: "EQ", AttributeValueList: []value.Value{s1}}}, "sk",
			&KeyCondition{PartitionKey: "pk", PartitionValue: pv, SortKey: "sk", SortOp: KeyEQ, SortValues: []value.Value{s1}}},
		{"sort LT", map[string]Condition{"pk": eqP, "sk": {ComparisonOperator: "LT", AttributeValueList: []value.Value{s1}}}, "sk",
			&KeyCondition{PartitionKey: "pk", PartitionValue: pv, SortKey: "sk", SortOp: KeyLT, SortValues: []value.Value{s1}}},
		{"sort LE", map[string]Condition{"pk": eqP, "sk": {ComparisonOperator: "LE", AttributeValueList: []value.Value{s1}}}, "sk",
			&KeyCondition{PartitionKey: "pk", PartitionValue: pv, SortKey: "sk", SortOp: KeyLE, SortValues: []value.Value{s1}}},
		{"sort GT", map[string]Condition{"pk": eqP, "sk": {ComparisonOperator: "GT", AttributeValueList: []value.Value{s1}}}, "sk",
			&KeyCondition{PartitionKey: "pk", PartitionValue: pv, SortKey: "sk", SortOp: KeyGT, SortValues: []value.Value{s1}}},
		{"sort GE", map[string]Condition{"pk": eqP, "sk": {ComparisonOperator: "GE", AttributeValueList: []value.Value{s1}}}, "sk",
			&KeyCondition{PartitionKey: "pk", PartitionValue: pv, SortKey: "sk", SortOp: KeyGE, SortValues: []value.Value{s1}}},
		{"sort BETWEEN", map[string]Condition{"pk": eqP, "sk": {ComparisonOperator: "BETWEEN", AttributeValueList: []value.Value{s1, s2}}}, "sk",
			&KeyCondition{PartitionKey: "pk", PartitionValue: pv, SortKey: "sk", SortOp: KeyBetween, SortValues: []value.Value{s1, s2}}},
		{"sort BEGINS_WITH", map[string]Condition{"pk": eqP, "sk": {ComparisonOperator: "BEGINS_WITH", AttributeValueList: []value.Value{value.S("ab")}}}, "sk",
			&KeyCondition{PartitionKey: "pk", PartitionValue: pv, SortKey: "sk", SortOp: KeyBeginsWith, SortValues: []value.Value{value.S("ab")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := KeyConditionsToKeyCondition(tt.conds, "pk", tt.sortKy)
			if err != nil {
				t.Fatalf("KeyConditionsToKeyCondition() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, got, legacyCmp); diff != "" {
				t.Errorf("KeyConditionsToKeyCondition() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestKeyConditionsToKeyConditionErrors(t *testing.T) {
	pv := value.S("p")
	eqP := Condition{ComparisonOperator: "EQ", AttributeValueList: []value.Value{pv}}
	tests := []struct {
		name   string
		conds  map[string]Condition
		sortKy string
		want   string
	}{
		{"empty", map[string]Condition{}, "sk", "Conditions can be of length 1 or 2 only"},
		{"three", map[string]Condition{"pk": eqP, "sk": eqP, "x": eqP}, "sk", "Conditions can be of length 1 or 2 only"},
		{"missing hash", map[string]Condition{"sk": eqP}, "sk", "Query condition missed key schema element: pk"},
		{"non-key only", map[string]Condition{"x": eqP}, "", "Query condition missed key schema element: pk"},
		{"missing sort with two", map[string]Condition{"pk": eqP, "x": eqP}, "sk", "Query condition missed key schema element: sk"},
		{"two on hash-only table", map[string]Condition{"pk": eqP, "x": eqP}, "", "Query key condition not supported"},
		{"hash LT", map[string]Condition{"pk": {ComparisonOperator: "LT", AttributeValueList: []value.Value{pv}}}, "sk", "Query key condition not supported"},
		{"hash BEGINS_WITH", map[string]Condition{"pk": {ComparisonOperator: "BEGINS_WITH", AttributeValueList: []value.Value{pv}}}, "", "Query key condition not supported"},
		{"hash NULL", map[string]Condition{"pk": {ComparisonOperator: "NULL"}}, "", "Attempted conditional constraint is not an indexable operation"},
		{"hash NE", map[string]Condition{"pk": {ComparisonOperator: "NE", AttributeValueList: []value.Value{pv}}}, "", "Attempted conditional constraint is not an indexable operation"},
		{"hash IN", map[string]Condition{"pk": {ComparisonOperator: "IN", AttributeValueList: []value.Value{pv}}}, "", "Attempted conditional constraint is not an indexable operation"},
		{"sort CONTAINS", map[string]Condition{"pk": eqP, "sk": {ComparisonOperator: "CONTAINS", AttributeValueList: []value.Value{pv}}}, "sk", "Attempted conditional constraint is not an indexable operation"},
		{"sort NOT_NULL", map[string]Condition{"pk": eqP, "sk": {ComparisonOperator: "NOT_NULL"}}, "sk", "Attempted conditional constraint is not an indexable operation"},
		{"sort BEGINS_WITH N", map[string]Condition{"pk": eqP, "sk": {ComparisonOperator: "BEGINS_WITH", AttributeValueList: []value.Value{lnum("1")}}}, "sk",
			"One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type"},
		{"hash EQ no value", map[string]Condition{"pk": {ComparisonOperator: "EQ"}}, "", "One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator"},
		{"unknown operator", map[string]Condition{"pk": {ComparisonOperator: "eq", AttributeValueList: []value.Value{pv}}}, "",
			"1 validation error detected: Value 'eq' at 'keyConditions.pk.member.comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"},
		{"missing operator", map[string]Condition{"pk": {AttributeValueList: []value.Value{pv}}}, "",
			"1 validation error detected: Value null at 'keyConditions.pk.member.comparisonOperator' failed to satisfy constraint: Member must not be null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := KeyConditionsToKeyCondition(tt.conds, "pk", tt.sortKy)
			if got != nil {
				t.Errorf("KeyConditionsToKeyCondition() = %+v, want nil on error", got)
			}
			wantValidation(t, "KeyConditionsToKeyCondition()", err, tt.want)
		})
	}
}

func TestAttributeUpdatesToUpdate(t *testing.T) {
	s, n := value.S("x"), lnum("2")
	ns, l := value.NS(value.MustParseNumber("1")), value.L(value.S("e"))
	tests := []struct {
		name    string
		updates map[string]AttributeUpdate
		want    *Update
	}{
		{"none", nil, nil},
		{"default PUT", map[string]AttributeUpdate{"a": {Value: lptr(s)}},
			&Update{Set: []SetAction{{Path: Path{{Name: "a"}}, Value: lval(s)}}}},
		{"PUT", map[string]AttributeUpdate{"a": {Action: "PUT", Value: lptr(value.M(map[string]value.Value{"k": s}))}},
			&Update{Set: []SetAction{{Path: Path{{Name: "a"}}, Value: lval(value.M(map[string]value.Value{"k": s}))}}}},
		{"DELETE attribute", map[string]AttributeUpdate{"a": {Action: "DELETE"}},
			&Update{Remove: []Path{{{Name: "a"}}}}},
		{"DELETE from set", map[string]AttributeUpdate{"a": {Action: "DELETE", Value: lptr(value.SS("q"))}},
			&Update{Delete: []DeleteAction{{Path: Path{{Name: "a"}}, Value: lval(value.SS("q"))}}}},
		{"ADD number", map[string]AttributeUpdate{"a": {Action: "ADD", Value: lptr(n)}},
			&Update{Add: []AddAction{{Path: Path{{Name: "a"}}, Value: lval(n)}}}},
		{"ADD set", map[string]AttributeUpdate{"a": {Action: "ADD", Value: lptr(ns)}},
			&Update{Add: []AddAction{{Path: Path{{Name: "a"}}, Value: lval(ns)}}}},
		{"ADD list appends", map[string]AttributeUpdate{"a": {Action: "ADD", Value: lptr(l)}},
			&Update{Set: []SetAction{{Path: Path{{Name: "a"}}, Value: FuncOperand{Name: "list_append", Args: []Operand{
				FuncOperand{Name: "if_not_exists", Args: []Operand{lpath("a"), lval(value.Value{Type: value.TypeL, L: []value.Value{}})}},
				lval(l),
			}}}}}},
		{"mixed in name order", map[string]AttributeUpdate{
			"d": {Action: "DELETE"},
			"c": {Action: "ADD", Value: lptr(n)},
			"b": {Value: lptr(s)},
			"a": {Action: "PUT", Value: lptr(n)},
		}, &Update{
			Set:    []SetAction{{Path: Path{{Name: "a"}}, Value: lval(n)}, {Path: Path{{Name: "b"}}, Value: lval(s)}},
			Remove: []Path{{{Name: "d"}}},
			Add:    []AddAction{{Path: Path{{Name: "c"}}, Value: lval(n)}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AttributeUpdatesToUpdate(tt.updates)
			if err != nil {
				t.Fatalf("AttributeUpdatesToUpdate() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, got, legacyCmp); diff != "" {
				t.Errorf("AttributeUpdatesToUpdate() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAttributeUpdatesToUpdateErrors(t *testing.T) {
	one := func(u AttributeUpdate) map[string]AttributeUpdate { return map[string]AttributeUpdate{"a": u} }
	tests := []struct {
		name    string
		updates map[string]AttributeUpdate
		want    string
	}{
		{"PUT without value", one(AttributeUpdate{Action: "PUT"}),
			"One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified"},
		{"default without value", one(AttributeUpdate{}),
			"One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified"},
		{"ADD without value", one(AttributeUpdate{Action: "ADD"}),
			"One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified"},
		{"unknown action", one(AttributeUpdate{Action: "REMOVE"}),
			"1 validation error detected: Value 'REMOVE' at 'attributeUpdates.a.member.action' failed to satisfy constraint: Member must satisfy enum value set: [ADD, DELETE, PUT]"},
		{"empty value", one(AttributeUpdate{Value: &value.Value{}}),
			"Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
	}
	for _, typ := range []value.Value{value.S("s"), lnum("1"), value.B([]byte{1}), value.Null(), value.Bool(true), value.M(nil), value.L()} {
		tests = append(tests, struct {
			name    string
			updates map[string]AttributeUpdate
			want    string
		}{"DELETE " + typ.Type.String(), one(AttributeUpdate{Action: "DELETE", Value: lptr(typ)}),
			"One or more parameter values were invalid: DELETE action with value is not supported for the type " + typ.Type.String()})
	}
	for _, typ := range []value.Value{value.S("s"), value.B([]byte{1}), value.Null(), value.Bool(true), value.M(nil)} {
		tests = append(tests, struct {
			name    string
			updates map[string]AttributeUpdate
			want    string
		}{"ADD " + typ.Type.String(), one(AttributeUpdate{Action: "ADD", Value: lptr(typ)}),
			"One or more parameter values were invalid: ADD action is not supported for the type " + typ.Type.String()})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AttributeUpdatesToUpdate(tt.updates)
			if got != nil {
				t.Errorf("AttributeUpdatesToUpdate() = %+v, want nil on error", got)
			}
			wantValidation(t, "AttributeUpdatesToUpdate()", err, tt.want)
		})
	}
}

func TestAttributesToGetToProjection(t *testing.T) {
	got, err := AttributesToGetToProjection([]string{"b", "a.b", "c"})
	if err != nil {
		t.Fatalf("AttributesToGetToProjection() error = %v", err)
	}
	want := Projection{{{Name: "b"}}, {{Name: "a.b"}}, {{Name: "c"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AttributesToGetToProjection() mismatch (-want +got):\n%s", diff)
	}
	if p, err := AttributesToGetToProjection(nil); p != nil || err != nil {
		t.Errorf("AttributesToGetToProjection(nil) = %v, %v, want nil, nil", p, err)
	}

	errTests := []struct {
		name  string
		names []string
		want  string
	}{
		{"duplicate", []string{"a", "b", "a"}, "One or more parameter values were invalid: Duplicate value in attribute name: a"},
		{"empty list", []string{}, "1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy constraint: Member must have length greater than or equal to 1"},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := AttributesToGetToProjection(tt.names)
			if p != nil {
				t.Errorf("AttributesToGetToProjection(%q) = %v, want nil on error", tt.names, p)
			}
			wantValidation(t, fmt.Sprintf("AttributesToGetToProjection(%q)", tt.names), err, tt.want)
		})
	}
}

func TestCheckMixed(t *testing.T) {
	const prefix = "Can not use both expression and non-expression parameters in the same request: "
	tests := []struct {
		name   string
		legacy []string
		exprs  []string
		want   string // "" means no error
	}{
		{"none", nil, nil, ""},
		{"legacy only", []string{ParamExpected, ParamConditionalOperator}, nil, ""},
		{"expressions only", nil, []string{ParamConditionExpression}, ""},
		{"projection", []string{ParamAttributesToGet}, []string{ParamProjectionExpression},
			prefix + "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}"},
		{"update", []string{ParamExpected, ParamAttributeUpdates}, []string{ParamConditionExpression, ParamUpdateExpression},
			prefix + "Non-expression parameters: {AttributeUpdates, Expected} Expression parameters: {UpdateExpression, ConditionExpression}"},
		{"scan ordering", []string{ParamConditionalOperator, ParamScanFilter, ParamAttributesToGet}, []string{ParamFilterExpression, ParamProjectionExpression},
			prefix + "Non-expression parameters: {AttributesToGet, ScanFilter, ConditionalOperator} Expression parameters: {ProjectionExpression, FilterExpression}"},
		{"KeyConditions with FilterExpression is allowed", []string{ParamKeyConditions}, []string{ParamFilterExpression}, ""},
		{"KeyConditions with KeyConditionExpression", []string{ParamKeyConditions, ParamQueryFilter}, []string{ParamKeyConditionExpression},
			prefix + "Non-expression parameters: {QueryFilter, KeyConditions} Expression parameters: {KeyConditionExpression}"},
		{"KeyConditions dropped but QueryFilter kept", []string{ParamKeyConditions, ParamQueryFilter}, []string{ParamProjectionExpression},
			prefix + "Non-expression parameters: {QueryFilter} Expression parameters: {ProjectionExpression}"},
		{"duplicates collapse", []string{ParamExpected, ParamExpected}, []string{ParamConditionExpression, ParamConditionExpression},
			prefix + "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckMixed(tt.legacy, tt.exprs)
			if tt.want == "" {
				if err != nil {
					t.Errorf("CheckMixed(%q, %q) = %v, want nil", tt.legacy, tt.exprs, err)
				}
				return
			}
			wantValidation(t, fmt.Sprintf("CheckMixed(%q, %q)", tt.legacy, tt.exprs), err, tt.want)
		})
	}
}

// TestLegacyDeterministic guards the replicated apply path: translating the
// same map many times (Go randomises map iteration) must give the same tree.
func TestLegacyDeterministic(t *testing.T) {
	conds := make(map[string]Condition)
	updates := make(map[string]AttributeUpdate)
	for i := range 20 {
		name := fmt.Sprintf("k%d", i)
		conds[name] = Condition{ComparisonOperator: "EQ", AttributeValueList: []value.Value{value.S(name)}}
		updates[name] = AttributeUpdate{Value: lptr(value.S(name))}
	}
	firstC, err := FilterToCond(ParamScanFilter, conds, "OR")
	if err != nil {
		t.Fatalf("FilterToCond() error = %v", err)
	}
	firstU, err := AttributeUpdatesToUpdate(updates)
	if err != nil {
		t.Fatalf("AttributeUpdatesToUpdate() error = %v", err)
	}
	for range 20 {
		c, _ := FilterToCond(ParamScanFilter, conds, "OR")
		if diff := cmp.Diff(firstC, c, legacyCmp); diff != "" {
			t.Fatalf("FilterToCond() not deterministic (-first +now):\n%s", diff)
		}
		u, _ := AttributeUpdatesToUpdate(updates)
		if diff := cmp.Diff(firstU, u, legacyCmp); diff != "" {
			t.Fatalf("AttributeUpdatesToUpdate() not deterministic (-first +now):\n%s", diff)
		}
	}
}
