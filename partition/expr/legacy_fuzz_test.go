package expr

import (
	"errors"
	"fmt"
	"testing"

	"github.com/atolldb/atoll/partition/value"
)

// legacyFuzzOps are the comparison operators the fuzzer draws from, including
// invalid ones.
var legacyFuzzOps = []string{
	"EQ", "NE", "LE", "LT", "GE", "GT", "NOT_NULL", "NULL", "CONTAINS",
	"NOT_CONTAINS", "BEGINS_WITH", "IN", "BETWEEN", "", "FOO",
}

// legacyFuzzActions are the AttributeUpdates actions the fuzzer draws from.
var legacyFuzzActions = []string{"", "PUT", "ADD", "DELETE", "REMOVE"}

// legacyFuzzValues is the palette of argument values, one of each type plus
// an empty (invalid) value.
func legacyFuzzValues() []value.Value {
	return []value.Value{
		value.S("a"), value.S("b"), lnum("1"), lnum("2"), value.B([]byte{1}),
		value.B([]byte{2}), value.Bool(true), value.Null(), value.SS("a"),
		value.NS(value.MustParseNumber("1")), value.BS([]byte{1}),
		value.M(map[string]value.Value{"k": value.S("a")}), value.L(lnum("1")), {},
	}
}

// legacyFuzzReader hands out the fuzz input a byte at a time (zero when
// exhausted).
type legacyFuzzReader []byte

func (r *legacyFuzzReader) next(n int) int {
	if len(*r) == 0 {
		return 0
	}
	b := (*r)[0]
	*r = (*r)[1:]
	return int(b) % n
}

// checkLegacyErr fails unless err is nil or a *value.ValidationError.
func checkLegacyErr(t *testing.T, call string, err error) {
	t.Helper()
	var ve *value.ValidationError
	if err != nil && !errors.As(err, &ve) {
		t.Fatalf("%s error = %v (%T), want *value.ValidationError", call, err, err)
	}
	if err != nil && ve.Message == "" {
		t.Fatalf("%s returned an empty message", call)
	}
}

// FuzzLegacy translates arbitrary legacy parameters and checks that
// translation never panics, fails only with validation errors, returns a
// tree exactly when it succeeds on a non-empty map, and that the evaluator
// accepts what it returns without panicking.
func FuzzLegacy(f *testing.F) {
	f.Add([]byte{2, 0, 0, 1, 0, 1, 1, 1, 2}, "")
	f.Add([]byte{3, 0, 12, 2, 2, 3, 1, 9, 1, 2, 7, 0}, "OR")
	f.Add([]byte{1, 0, 10, 1, 1}, "AND")
	f.Add([]byte{4, 0, 11, 3, 0, 1, 2, 1, 8, 1, 4, 2, 6, 0, 3, 5, 1, 13}, "XOR")
	f.Add([]byte{}, "OR")
	palette := legacyFuzzValues()
	item := legacyItem()
	f.Fuzz(func(t *testing.T, data []byte, condOp string) {
		r := legacyFuzzReader(data)
		conds := make(map[string]Condition)
		expected := make(map[string]ExpectedAttribute)
		updates := make(map[string]AttributeUpdate)
		var names []string
		for range r.next(6) {
			name := fmt.Sprintf("a%d", r.next(4))
			names = append(names, name)
			var args []value.Value
			for range r.next(4) {
				args = append(args, palette[r.next(len(palette))])
			}
			op := legacyFuzzOps[r.next(len(legacyFuzzOps))]
			conds[name] = Condition{ComparisonOperator: op, AttributeValueList: args}

			e := ExpectedAttribute{ComparisonOperator: op}
			switch r.next(4) {
			case 1:
				e.AttributeValueList = args
			case 2:
				if len(args) > 0 {
					e.Value = &args[0]
				}
			case 3:
				e.Exists = new(bool)
				*e.Exists = r.next(2) == 1
				e.ComparisonOperator = ""
				if len(args) > 0 && r.next(2) == 1 {
					e.Value = &args[0]
				}
			}
			expected[name] = e

			u := AttributeUpdate{Action: legacyFuzzActions[r.next(len(legacyFuzzActions))]}
			if len(args) > 0 {
				u.Value = &args[0]
			}
			updates[name] = u
		}

		c, err := FilterToCond(ParamScanFilter, conds, condOp)
		checkLegacyErr(t, "FilterToCond()", err)
		if err == nil && (c == nil) != (len(conds) == 0) {
			t.Fatalf("FilterToCond(%d conditions) = %v, nil", len(conds), c)
		}
		if c != nil {
			_, _ = EvalFilter(c, item)
		}

		c, err = ExpectedToCond(expected, condOp)
		checkLegacyErr(t, "ExpectedToCond()", err)
		if err == nil && (c == nil) != (len(expected) == 0) {
			t.Fatalf("ExpectedToCond(%d elements) = %v, nil", len(expected), c)
		}
		if c != nil {
			_, _ = EvalCondition(c, item)
		}

		kc, err := KeyConditionsToKeyCondition(conds, "a0", "a1")
		checkLegacyErr(t, "KeyConditionsToKeyCondition()", err)
		if err == nil && (kc == nil || kc.PartitionKey != "a0") {
			t.Fatalf("KeyConditionsToKeyCondition() = %+v, want partition key a0", kc)
		}

		u, err := AttributeUpdatesToUpdate(updates)
		checkLegacyErr(t, "AttributeUpdatesToUpdate()", err)
		if u != nil {
			_, _, _ = ApplyUpdate(u, item)
		}

		p, err := AttributesToGetToProjection(names)
		checkLegacyErr(t, "AttributesToGetToProjection()", err)
		if err == nil && len(p) != len(names) {
			t.Fatalf("AttributesToGetToProjection(%q) has %d paths", names, len(p))
		}

		checkLegacyErr(t, "CheckMixed()", CheckMixed(names, []string{condOp}))
	})
}
