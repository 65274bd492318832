package expr

import (
	"errors"
	"fmt"
	"testing"

	"github.com/atolldb/atoll/partition/value"
)

// Helpers shared by the evaluator's tests (eval, update, project, fuzz). They
// build bound trees by hand so the tests do not depend on the parser.

func evNum(s string) value.Number { return value.MustParseNumber(s) }

func evN(s string) value.Value { return value.N(evNum(s)) }

// evPath builds a path from names (string) and list indexes (int).
func evPath(elems ...any) Path {
	p := make(Path, 0, len(elems))
	for _, e := range elems {
		switch e := e.(type) {
		case string:
			p = append(p, PathElem{Name: e})
		case int:
			p = append(p, PathElem{Index: e, IsIndex: true})
		default:
			panic(fmt.Sprintf("evPath: bad element %T", e))
		}
	}
	return p
}

func evP(elems ...any) Operand { return PathOperand{Path: evPath(elems...)} }

func evV(v value.Value) Operand { return ValueOperand{Placeholder: ":v", Value: v} }

func evSize(o Operand) Operand { return FuncOperand{Name: "size", Args: []Operand{o}} }

func evFn(name string, args ...Operand) Cond { return Func{Name: name, Args: args} }

func evCmp(l Operand, op CompareOp, r Operand) Cond { return Compare{Op: op, Left: l, Right: r} }

// evWantErr checks that err is a *value.ValidationError with message want.
func evWantErr(t *testing.T, call string, err error, want string) {
	t.Helper()
	var ve *value.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("%s error = %v (%T), want *value.ValidationError %q", call, err, err, want)
	}
	if ve.Message != want {
		t.Fatalf("%s error = %q, want %q", call, ve.Message, want)
	}
}

// evSamples holds one attribute of each of the ten types.
func evSamples() value.Item {
	return value.Item{
		"s":    value.S("hello"),
		"n":    evN("42"),
		"b":    value.B([]byte{1, 2, 3}),
		"bool": value.Bool(true),
		"null": value.Null(),
		"m":    value.M(map[string]value.Value{"x": evN("1"), "y": value.S("why")}),
		"l":    value.L(value.S("a"), evN("2"), value.M(map[string]value.Value{"k": value.S("v")})),
		"ss":   value.SS("a", "b"),
		"ns":   value.NS(evNum("1"), evNum("2.5")),
		"bs":   value.BS([]byte{1}, []byte{2, 2}),
	}
}

var evTypeAttrs = []string{"s", "n", "b", "bool", "null", "m", "l", "ss", "ns", "bs"}

func TestEvalConditionCrossTypes(t *testing.T) {
	item := evSamples()
	// Every attribute compared with a value of every other type, and with a
	// missing attribute: "=" is false, "<>" true, ordering and BETWEEN
	// false, IN false.
	for _, a := range append(evTypeAttrs, "missing") {
		for _, b := range evTypeAttrs {
			if a == b {
				continue
			}
			other := item[b]
			cases := []struct {
				name string
				c    Cond
				want bool
			}{
				{"=", evCmp(evP(a), OpEQ, evV(other)), false},
				{"<>", evCmp(evP(a), OpNE, evV(other)), true},
				{"<", evCmp(evP(a), OpLT, evV(other)), false},
				{"<=", evCmp(evP(a), OpLE, evV(other)), false},
				{">", evCmp(evP(a), OpGT, evV(other)), false},
				{">=", evCmp(evP(a), OpGE, evV(other)), false},
				{"reversed =", evCmp(evV(other), OpEQ, evP(a)), false},
				{"reversed <>", evCmp(evV(other), OpNE, evP(a)), true},
				{"BETWEEN", Between{Operand: evP(a), Low: evV(other), High: evV(other)}, false},
				{"IN", In{Operand: evP(a), List: []Operand{evV(other)}}, false},
			}
			for _, tc := range cases {
				t.Run(a+" "+tc.name+" "+b, func(t *testing.T) {
					got, err := EvalCondition(tc.c, item)
					if err != nil || got != tc.want {
						t.Fatalf("EvalCondition(%s %s :%s) = %v, %v, want %v", a, tc.name, b, got, err, tc.want)
					}
				})
			}
		}
	}
}

func TestEvalConditionSameType(t *testing.T) {
	item := evSamples()
	tests := []struct {
		name string
		c    Cond
		want bool
	}{
		// Every type equals itself and is not unequal to itself.
		{"S = S", evCmp(evP("s"), OpEQ, evV(value.S("hello"))), true},
		{"N = N numerically", evCmp(evP("n"), OpEQ, evV(evN("42.0"))), true},
		{"B = B", evCmp(evP("b"), OpEQ, evV(value.B([]byte{1, 2, 3}))), true},
		{"BOOL = BOOL", evCmp(evP("bool"), OpEQ, evV(value.Bool(true))), true},
		{"BOOL = other BOOL", evCmp(evP("bool"), OpEQ, evV(value.Bool(false))), false},
		{"NULL = NULL", evCmp(evP("null"), OpEQ, evV(value.Null())), true},
		{"NULL <> NULL", evCmp(evP("null"), OpNE, evV(value.Null())), false},
		{"M = M", evCmp(evP("m"), OpEQ, evV(value.M(map[string]value.Value{"y": value.S("why"), "x": evN("1.0")}))), true},
		{"M = smaller M", evCmp(evP("m"), OpEQ, evV(value.M(map[string]value.Value{"x": evN("1")}))), false},
		{"L = L", evCmp(evP("l"), OpEQ, evV(item["l"])), true},
		{"L = reordered L", evCmp(evP("l"), OpEQ, evV(value.L(evN("2"), value.S("a"), item["l"].L[2]))), false},
		{"SS = reordered SS", evCmp(evP("ss"), OpEQ, evV(value.SS("b", "a"))), true},
		{"SS <> SS", evCmp(evP("ss"), OpNE, evV(value.SS("a"))), true},
		{"NS = reordered NS", evCmp(evP("ns"), OpEQ, evV(value.NS(evNum("2.50"), evNum("1")))), true},
		{"BS = reordered BS", evCmp(evP("bs"), OpEQ, evV(value.BS([]byte{2, 2}, []byte{1}))), true},
		{"path = path", evCmp(evP("m", "x"), OpEQ, evP("ns", "missing")), false},
		{"missing <> missing", evCmp(evP("nope"), OpNE, evP("nada")), true},
		{"missing = missing", evCmp(evP("nope"), OpEQ, evP("nada")), false},

		// Ordering: strings by UTF-8 bytes, numbers numerically, binaries
		// by unsigned bytes.
		{"S < S", evCmp(evP("s"), OpLT, evV(value.S("help"))), true},
		{"S < S prefix", evCmp(evV(value.S("hell")), OpLT, evP("s")), true},
		{"S upper before lower", evCmp(evV(value.S("Z")), OpLT, evV(value.S("a"))), true},
		{"S bytes not code points", evCmp(evV(value.S("\uffff")), OpLT, evV(value.S("\U00010000"))), true},
		{"S <= equal", evCmp(evP("s"), OpLE, evV(value.S("hello"))), true},
		{"S > S", evCmp(evP("s"), OpGT, evV(value.S("hello"))), false},
		{"S >= S", evCmp(evP("s"), OpGE, evV(value.S("hello"))), true},
		{"N numeric not lexical", evCmp(evV(evN("9")), OpLT, evV(evN("10"))), true},
		{"N negative", evCmp(evV(evN("-1")), OpLT, evV(evN("0"))), true},
		{"N > N", evCmp(evP("n"), OpGT, evV(evN("41.99999"))), true},
		{"N >= equal", evCmp(evP("n"), OpGE, evV(evN("4.2E1"))), true},
		{"B unsigned", evCmp(evV(value.B([]byte{0x01})), OpLT, evV(value.B([]byte{0xff}))), true},
		{"B prefix", evCmp(evV(value.B([]byte{1})), OpLT, evV(value.B([]byte{1, 0}))), true},
		{"B > B", evCmp(evP("b"), OpGT, evV(value.B([]byte{1, 2}))), true},
		{"BOOL ordering", evCmp(evP("bool"), OpGE, evV(value.Bool(true))), false},
		{"NULL ordering", evCmp(evP("null"), OpLE, evV(value.Null())), false},
		{"M ordering", evCmp(evP("m"), OpLE, evV(item["m"])), false},
		{"L ordering", evCmp(evP("l"), OpGE, evV(item["l"])), false},
		{"SS ordering", evCmp(evP("ss"), OpLE, evV(item["ss"])), false},
		{"NS ordering", evCmp(evP("ns"), OpGE, evV(item["ns"])), false},
		{"BS ordering", evCmp(evP("bs"), OpLE, evV(item["bs"])), false},

		// BETWEEN is inclusive at both ends.
		{"BETWEEN inside", Between{Operand: evP("n"), Low: evV(evN("1")), High: evV(evN("100"))}, true},
		{"BETWEEN low end", Between{Operand: evP("n"), Low: evV(evN("42")), High: evV(evN("100"))}, true},
		{"BETWEEN high end", Between{Operand: evP("n"), Low: evV(evN("1")), High: evV(evN("42.00"))}, true},
		{"BETWEEN below", Between{Operand: evP("n"), Low: evV(evN("43")), High: evV(evN("100"))}, false},
		{"BETWEEN above", Between{Operand: evP("n"), Low: evV(evN("1")), High: evV(evN("41"))}, false},
		{"BETWEEN S", Between{Operand: evP("s"), Low: evV(value.S("h")), High: evV(value.S("i"))}, true},
		{"BETWEEN B", Between{Operand: evP("b"), Low: evV(value.B([]byte{1})), High: evV(value.B([]byte{2}))}, true},
		{"BETWEEN mixed bounds", Between{Operand: evP("n"), Low: evV(evN("1")), High: evV(value.S("z"))}, false},
		{"BETWEEN BOOL", Between{Operand: evP("bool"), Low: evV(value.Bool(true)), High: evV(value.Bool(true))}, false},
		{"BETWEEN missing bound path", Between{Operand: evP("n"), Low: evP("nope"), High: evV(evN("100"))}, false},

		// IN compares by equality, with any type.
		{"IN hit", In{Operand: evP("n"), List: []Operand{evV(value.S("42")), evV(evN("42"))}}, true},
		{"IN miss", In{Operand: evP("n"), List: []Operand{evV(evN("41")), evV(evN("43"))}}, false},
		{"IN set", In{Operand: evP("ss"), List: []Operand{evV(value.SS("b", "a"))}}, true},
		{"IN map", In{Operand: evP("m"), List: []Operand{evV(item["m"])}}, true},
		{"IN missing", In{Operand: evP("nope"), List: []Operand{evV(evN("1"))}}, false},
		{"IN missing list element", In{Operand: evP("n"), List: []Operand{evP("nope"), evV(evN("42"))}}, true},

		// Nested paths.
		{"nested map", evCmp(evP("m", "x"), OpEQ, evV(evN("1"))), true},
		{"nested list", evCmp(evP("l", 1), OpEQ, evV(evN("2"))), true},
		{"nested list map", evCmp(evP("l", 2, "k"), OpEQ, evV(value.S("v"))), true},
		{"index out of range", evCmp(evP("l", 3), OpNE, evV(evN("2"))), true},
		{"index on map", evCmp(evP("m", 0), OpEQ, evV(evN("1"))), false},
		{"key on list", evCmp(evP("l", "x"), OpEQ, evV(evN("1"))), false},
		{"key on scalar", evCmp(evP("s", "x"), OpEQ, evV(evN("1"))), false},

		// Logic.
		{"AND", And{Left: evFn("attribute_exists", evP("s")), Right: evFn("attribute_exists", evP("n"))}, true},
		{"AND false", And{Left: evFn("attribute_exists", evP("s")), Right: evFn("attribute_exists", evP("x"))}, false},
		{"OR", Or{Left: evFn("attribute_exists", evP("x")), Right: evFn("attribute_exists", evP("n"))}, true},
		{"OR false", Or{Left: evFn("attribute_exists", evP("x")), Right: evFn("attribute_exists", evP("y"))}, false},
		{"NOT", Not{Cond: evFn("attribute_exists", evP("x"))}, true},
		{"NOT of missing comparison", Not{Cond: evCmp(evP("x"), OpLT, evV(evN("1")))}, true},
		{"pointer nodes", &And{Left: &Not{Cond: &Compare{Op: OpEQ, Left: &PathOperand{Path: evPath("s")}, Right: &ValueOperand{Value: value.S("x")}}}, Right: &Func{Name: "attribute_exists", Args: []Operand{PathOperand{Path: evPath("n")}}}}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := EvalCondition(tc.c, item)
			if err != nil || got != tc.want {
				t.Fatalf("EvalCondition(%+v) = %v, %v, want %v", tc.c, got, err, tc.want)
			}
		})
	}
}

func TestEvalConditionFunctions(t *testing.T) {
	item := evSamples()
	item["u"] = value.S("é𝄞")
	item["empty"] = value.S("")
	tests := []struct {
		name string
		c    Cond
		want bool
	}{
		{"attribute_exists", evFn("attribute_exists", evP("s")), true},
		{"attribute_exists NULL", evFn("attribute_exists", evP("null")), true},
		{"attribute_exists missing", evFn("attribute_exists", evP("x")), false},
		{"attribute_exists nested", evFn("attribute_exists", evP("l", 2, "k")), true},
		{"attribute_exists past end", evFn("attribute_exists", evP("l", 3)), false},
		{"attribute_not_exists", evFn("attribute_not_exists", evP("x")), true},
		{"attribute_not_exists present", evFn("attribute_not_exists", evP("m", "y")), false},

		{"begins_with S", evFn("begins_with", evP("s"), evV(value.S("he"))), true},
		{"begins_with S whole", evFn("begins_with", evP("s"), evV(value.S("hello"))), true},
		{"begins_with S empty", evFn("begins_with", evP("s"), evV(value.S(""))), true},
		{"begins_with S no", evFn("begins_with", evP("s"), evV(value.S("hello!"))), false},
		{"begins_with B", evFn("begins_with", evP("b"), evV(value.B([]byte{1, 2}))), true},
		{"begins_with B no", evFn("begins_with", evP("b"), evV(value.B([]byte{2}))), false},
		{"begins_with S and B", evFn("begins_with", evP("s"), evV(value.B([]byte("he")))), false},
		{"begins_with N attribute", evFn("begins_with", evP("n"), evV(value.S("4"))), false},
		{"begins_with SS attribute", evFn("begins_with", evP("ss"), evV(value.S("a"))), false},
		{"begins_with missing", evFn("begins_with", evP("x"), evV(value.S("a"))), false},

		{"contains S", evFn("contains", evP("s"), evV(value.S("ell"))), true},
		{"contains S no", evFn("contains", evP("s"), evV(value.S("elo"))), false},
		{"contains S with N", evFn("contains", evP("s"), evV(evN("1"))), false},
		{"contains B", evFn("contains", evP("b"), evV(value.B([]byte{2, 3}))), true},
		{"contains B no", evFn("contains", evP("b"), evV(value.B([]byte{3, 2}))), false},
		{"contains SS", evFn("contains", evP("ss"), evV(value.S("b"))), true},
		{"contains SS no", evFn("contains", evP("ss"), evV(value.S("c"))), false},
		{"contains SS substring is not membership", evFn("contains", evP("ss"), evV(value.S(""))), false},
		{"contains SS with SS", evFn("contains", evP("ss"), evV(value.SS("a"))), false},
		{"contains NS numerically", evFn("contains", evP("ns"), evV(evN("2.50"))), true},
		{"contains NS with S", evFn("contains", evP("ns"), evV(value.S("1"))), false},
		{"contains BS", evFn("contains", evP("bs"), evV(value.B([]byte{2, 2}))), true},
		{"contains BS no", evFn("contains", evP("bs"), evV(value.B([]byte{2}))), false},
		{"contains L scalar", evFn("contains", evP("l"), evV(value.S("a"))), true},
		{"contains L number", evFn("contains", evP("l"), evV(evN("2.0"))), true},
		{"contains L map", evFn("contains", evP("l"), evV(value.M(map[string]value.Value{"k": value.S("v")}))), true},
		{"contains L no", evFn("contains", evP("l"), evV(value.S("b"))), false},
		{"contains M", evFn("contains", evP("m"), evV(value.S("x"))), false},
		{"contains N", evFn("contains", evP("n"), evV(evN("4"))), false},
		{"contains missing", evFn("contains", evP("x"), evV(value.S("a"))), false},
		{"contains path operand", evFn("contains", evP("ss"), evP("l", 0)), true},

		{"size S", evCmp(evSize(evP("s")), OpEQ, evV(evN("5"))), true},
		{"size S UTF-16 units", evCmp(evSize(evP("u")), OpEQ, evV(evN("3"))), true},
		{"size empty S", evCmp(evSize(evP("empty")), OpEQ, evV(evN("0"))), true},
		{"size B", evCmp(evSize(evP("b")), OpEQ, evV(evN("3"))), true},
		{"size SS", evCmp(evSize(evP("ss")), OpEQ, evV(evN("2"))), true},
		{"size NS", evCmp(evSize(evP("ns")), OpEQ, evV(evN("2"))), true},
		{"size BS", evCmp(evSize(evP("bs")), OpEQ, evV(evN("2"))), true},
		{"size L", evCmp(evSize(evP("l")), OpEQ, evV(evN("3"))), true},
		{"size M", evCmp(evSize(evP("m")), OpEQ, evV(evN("2"))), true},
		{"size nested", evCmp(evSize(evP("l", 2)), OpLT, evV(evN("2"))), true},
		{"size N has none", evCmp(evSize(evP("n")), OpGE, evV(evN("0"))), false},
		{"size BOOL has none", evCmp(evSize(evP("bool")), OpNE, evV(evN("1"))), true},
		{"size NULL has none", evCmp(evSize(evP("null")), OpEQ, evV(evN("1"))), false},
		{"size missing", evCmp(evSize(evP("x")), OpLE, evV(evN("100"))), false},
		{"size compared with size", evCmp(evSize(evP("ss")), OpLT, evSize(evP("l"))), true},
		{"size BETWEEN", Between{Operand: evSize(evP("s")), Low: evV(evN("5")), High: evV(evN("5"))}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := EvalCondition(tc.c, item)
			if err != nil || got != tc.want {
				t.Fatalf("EvalCondition(%+v) = %v, %v, want %v", tc.c, got, err, tc.want)
			}
		})
	}
}

func TestEvalConditionAttributeType(t *testing.T) {
	item := evSamples()
	names := []string{"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"}
	for i, attr := range evTypeAttrs {
		for j, typ := range names {
			want := i == j
			t.Run(attr+" "+typ, func(t *testing.T) {
				c := evFn("attribute_type", evP(attr), evV(value.S(typ)))
				got, err := EvalCondition(c, item)
				if err != nil || got != want {
					t.Fatalf("EvalCondition(attribute_type(%s, %s)) = %v, %v, want %v", attr, typ, got, err, want)
				}
			})
		}
	}
	t.Run("missing", func(t *testing.T) {
		got, err := EvalCondition(evFn("attribute_type", evP("x"), evV(value.S("S"))), item)
		if err != nil || got {
			t.Fatalf("EvalCondition(attribute_type(x, S)) = %v, %v, want false", got, err)
		}
	})
}

func TestEvalConditionErrors(t *testing.T) {
	item := evSamples()
	tests := []struct {
		name string
		c    Cond
		item value.Item
		want string
	}{
		{"attribute_type bad name", evFn("attribute_type", evP("s"), evV(value.S("STRING"))), item,
			"Invalid ConditionExpression: Invalid attribute type name found; type: STRING, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"},
		{"attribute_type bad name missing item", evFn("attribute_type", evP("s"), evV(value.S("s"))), nil,
			"Invalid ConditionExpression: Invalid attribute type name found; type: s, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"},
		{"attribute_type N operand", evFn("attribute_type", evP("s"), evV(evN("1"))), item,
			"Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N"},
		{"attribute_type type from a path", evFn("attribute_type", evP("s"), evP("s")), item,
			"Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: {NS,SS,L,BS,N,M,B,BOOL,NULL,S}"},
		{"begins_with size operand", evFn("begins_with", evP("s"), evSize(evP("s"))), item,
			"Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
		{"begins_with N operand", evFn("begins_with", evP("s"), evV(evN("1"))), item,
			"Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
		{"size of N constant", evCmp(evSize(evV(evN("1"))), OpEQ, evV(evN("1"))), item,
			"Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: N"},
		{"unknown function", evFn("ends_with", evP("s"), evV(value.S("o"))), item,
			"Invalid ConditionExpression: Invalid function name; function: ends_with"},
		{"size as condition", evFn("size", evP("s")), item,
			"Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size"},
		{"list_append as condition", evFn("list_append", evP("l"), evP("l")), item,
			"Invalid ConditionExpression: The function is not allowed in a condition expression; function: list_append"},
		{"if_not_exists operand", evCmp(FuncOperand{Name: "if_not_exists", Args: []Operand{evP("s"), evV(value.S("x"))}}, OpEQ, evV(value.S("x"))), item,
			"Invalid ConditionExpression: The function is not allowed in a condition expression; function: if_not_exists"},
		{"boolean function as operand", evCmp(FuncOperand{Name: "contains", Args: []Operand{evP("s"), evV(value.S("x"))}}, OpEQ, evV(value.Bool(true))), item,
			"Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: contains"},
		{"unknown function as operand", evCmp(FuncOperand{Name: "length", Args: []Operand{evP("s")}}, OpEQ, evV(evN("1"))), item,
			"Invalid ConditionExpression: Invalid function name; function: length"},
		{"operand count", evFn("contains", evP("s")), item,
			"Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: contains, number of operands: 1"},
		{"attribute_exists of value", evFn("attribute_exists", evV(value.S("s"))), item,
			"Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists"},
		{"unbound value", evCmp(evP("s"), OpEQ, ValueOperand{Placeholder: ":nope"}), item,
			"Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :nope"},
		{"error on the side OR does not need", Or{Left: evFn("attribute_exists", evP("s")), Right: evFn("attribute_type", evP("s"), evV(value.S("X")))}, item,
			"Invalid ConditionExpression: Invalid attribute type name found; type: X, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"},
		{"nil condition", nil, item, "Invalid ConditionExpression: The expression is incomplete"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := EvalCondition(tc.c, tc.item)
			if got {
				t.Errorf("EvalCondition(%+v) = true with an error", tc.c)
			}
			evWantErr(t, "EvalCondition", err, tc.want)
		})
	}
}

func TestEvalFilterNamesFilterExpression(t *testing.T) {
	_, err := EvalFilter(evFn("attribute_type", evP("s"), evV(value.S("Q"))), nil)
	evWantErr(t, "EvalFilter", err, "Invalid FilterExpression: Invalid attribute type name found; type: Q, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}")
}

func TestEvalConditionMissingItem(t *testing.T) {
	tests := []struct {
		name string
		c    Cond
		want bool
	}{
		{"attribute_not_exists", evFn("attribute_not_exists", evP("pk")), true},
		{"attribute_exists", evFn("attribute_exists", evP("pk")), false},
		{"<>", evCmp(evP("a"), OpNE, evV(value.S("x"))), true},
		{"=", evCmp(evP("a"), OpEQ, evV(value.S("x"))), false},
		{"constants", evCmp(evV(evN("1")), OpLT, evV(evN("2"))), true},
	}
	for _, tc := range tests {
		for _, item := range []value.Item{nil, {}} {
			t.Run(fmt.Sprintf("%s/%v", tc.name, item == nil), func(t *testing.T) {
				got, err := EvalCondition(tc.c, item)
				if err != nil || got != tc.want {
					t.Fatalf("EvalCondition(%+v, %v) = %v, %v, want %v", tc.c, item, got, err, tc.want)
				}
			})
		}
	}
}

func TestEvalConditionDepthBound(t *testing.T) {
	var c Cond = evFn("attribute_exists", evP("a"))
	for range maxDepth + 10 {
		c = Not{Cond: c}
	}
	_, err := EvalCondition(c, value.Item{"a": value.S("x")})
	var ve *value.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("EvalCondition(deep NOT chain) error = %v, want a *value.ValidationError", err)
	}
}

func TestMatchSort(t *testing.T) {
	kc := func(op KeyOp, vals ...value.Value) *KeyCondition {
		return &KeyCondition{PartitionKey: "pk", PartitionValue: value.S("p"), SortKey: "sk", SortOp: op, SortValues: vals}
	}
	tests := []struct {
		name string
		k    *KeyCondition
		v    value.Value
		want bool
	}{
		{"no sort condition", &KeyCondition{PartitionKey: "pk", PartitionValue: value.S("p")}, value.S("x"), true},
		{"nil condition", nil, value.S("x"), true},
		{"EQ", kc(KeyEQ, evN("10")), evN("10.0"), true},
		{"EQ no", kc(KeyEQ, evN("10")), evN("11"), false},
		{"EQ other type", kc(KeyEQ, evN("10")), value.S("10"), false},
		{"LT", kc(KeyLT, value.S("b")), value.S("a"), true},
		{"LT equal", kc(KeyLT, value.S("b")), value.S("b"), false},
		{"LE equal", kc(KeyLE, value.S("b")), value.S("b"), true},
		{"GT", kc(KeyGT, value.B([]byte{0x7f})), value.B([]byte{0x80}), true},
		{"GT no", kc(KeyGT, evN("9")), evN("-10"), false},
		{"GE", kc(KeyGE, evN("9")), evN("9"), true},
		{"BETWEEN", kc(KeyBetween, evN("1"), evN("10")), evN("5"), true},
		{"BETWEEN ends", kc(KeyBetween, evN("1"), evN("10")), evN("10"), true},
		{"BETWEEN below", kc(KeyBetween, evN("1"), evN("10")), evN("0.5"), false},
		{"BETWEEN above", kc(KeyBetween, evN("1"), evN("10")), evN("10.5"), false},
		{"BETWEEN one value", kc(KeyBetween, evN("1")), evN("5"), false},
		{"begins_with S", kc(KeyBeginsWith, value.S("ab")), value.S("abc"), true},
		{"begins_with S no", kc(KeyBeginsWith, value.S("ab")), value.S("a"), false},
		{"begins_with B", kc(KeyBeginsWith, value.B([]byte{1})), value.B([]byte{1, 2}), true},
		{"begins_with N", kc(KeyBeginsWith, evN("1")), evN("12"), false},
		{"no values", kc(KeyEQ), value.S("a"), false},
		{"bad op", kc(KeyOp(99), value.S("a")), value.S("a"), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.k.MatchSort(tc.v); got != tc.want {
				t.Fatalf("MatchSort(%v) = %v, want %v", tc.v, got, tc.want)
			}
		})
	}
}

func BenchmarkEvalCondition(b *testing.B) {
	item := evSamples()
	c := And{
		Left: Or{
			Left:  evFn("attribute_not_exists", evP("pk")),
			Right: evCmp(evP("m", "x"), OpLT, evV(evN("10"))),
		},
		Right: And{
			Left:  evFn("begins_with", evP("s"), evV(value.S("he"))),
			Right: evCmp(evSize(evP("l")), OpGE, evV(evN("2"))),
		},
	}
	b.ReportAllocs()
	for b.Loop() {
		ok, err := EvalCondition(c, item)
		if err != nil || !ok {
			b.Fatalf("EvalCondition = %v, %v", ok, err)
		}
	}
}
