package expr

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/atolldb/atoll/partition/value"
)

// evItemCmp compares items and values the way DynamoDB does (value.Equal).
var evItemCmp = cmp.Comparer(value.Equal)

func evSet(p Path, v Operand) SetAction { return SetAction{Path: p, Value: v} }

func evList(vals ...string) value.Value {
	l := make([]value.Value, len(vals))
	for i, s := range vals {
		l[i] = evN(s)
	}
	return value.L(l...)
}

func TestApplyUpdate(t *testing.T) {
	base := func() value.Item {
		return value.Item{
			"pk":  value.S("k"),
			"n":   evN("10"),
			"s":   value.S("str"),
			"l":   evList("2", "3", "4", "5", "6", "7"),
			"m":   value.M(map[string]value.Value{"a": evN("1"), "inner": value.M(map[string]value.Value{"z": value.Bool(true)}), "list": evList("0")}),
			"ss":  value.SS("a", "b"),
			"ns":  value.NS(evNum("1"), evNum("2")),
			"bs":  value.BS([]byte{1}),
			"doc": value.M(map[string]value.Value{"c": value.L(value.S("hi"), value.M(map[string]value.Value{"x": value.M(map[string]value.Value{"y": evList("3", "5", "7")}), "q": evN("2")}))}),
		}
	}
	with := func(changes map[string]value.Value, removed ...string) value.Item {
		it := base()
		for k, v := range changes {
			it[k] = v
		}
		for _, k := range removed {
			delete(it, k)
		}
		return it
	}
	tests := []struct {
		name      string
		u         *Update
		item      value.Item
		want      value.Item
		wantPaths []Path
	}{
		{
			name:      "SET new top-level",
			u:         &Update{Set: []SetAction{evSet(evPath("x"), evV(value.S("new")))}},
			item:      base(),
			want:      with(map[string]value.Value{"x": value.S("new")}),
			wantPaths: []Path{evPath("x")},
		},
		{
			name:      "SET replaces with another type",
			u:         &Update{Set: []SetAction{evSet(evPath("m"), evV(evN("7")))}},
			item:      base(),
			want:      with(map[string]value.Value{"m": evN("7")}),
			wantPaths: []Path{evPath("m")},
		},
		{
			name:      "SET on a new item",
			u:         &Update{Set: []SetAction{evSet(evPath("a"), evV(value.S("x")))}},
			item:      nil,
			want:      value.Item{"a": value.S("x")},
			wantPaths: []Path{evPath("a")},
		},
		{
			name:      "SET copies a path",
			u:         &Update{Set: []SetAction{evSet(evPath("copy"), evP("doc", "c", 1, "x", "y", 1))}},
			item:      base(),
			want:      with(map[string]value.Value{"copy": evN("5")}),
			wantPaths: []Path{evPath("copy")},
		},
		{
			name: "SET operands read the original item",
			u: &Update{Set: []SetAction{
				evSet(evPath("n"), evP("s")),
				evSet(evPath("s"), evP("n")),
			}},
			item:      base(),
			want:      with(map[string]value.Value{"n": value.S("str"), "s": evN("10")}),
			wantPaths: []Path{evPath("n"), evPath("s")},
		},
		{
			name:      "SET n + 1",
			u:         &Update{Set: []SetAction{evSet(evPath("n"), ArithOperand{Op: '+', Left: evP("n"), Right: evV(evN("1.5"))})}},
			item:      base(),
			want:      with(map[string]value.Value{"n": evN("11.5")}),
			wantPaths: []Path{evPath("n")},
		},
		{
			name:      "SET n - big exactly",
			u:         &Update{Set: []SetAction{evSet(evPath("n"), ArithOperand{Op: '-', Left: evP("n"), Right: evV(evN("0.0000000000000000000000000000001"))})}},
			item:      base(),
			want:      with(map[string]value.Value{"n": evN("9.9999999999999999999999999999999")}),
			wantPaths: []Path{evPath("n")},
		},
		{
			name:      "SET constant arithmetic",
			u:         &Update{Set: []SetAction{evSet(evPath("x"), ArithOperand{Op: '-', Left: evV(evN("1")), Right: evV(evN("3"))})}},
			item:      nil,
			want:      value.Item{"x": evN("-2")},
			wantPaths: []Path{evPath("x")},
		},
		{
			name: "SET if_not_exists missing and present",
			u: &Update{Set: []SetAction{
				evSet(evPath("x"), FuncOperand{Name: "if_not_exists", Args: []Operand{evP("x"), evV(evN("0"))}}),
				evSet(evPath("n"), FuncOperand{Name: "if_not_exists", Args: []Operand{evP("n"), evV(evN("0"))}}),
			}},
			item:      base(),
			want:      with(map[string]value.Value{"x": evN("0")}),
			wantPaths: []Path{evPath("x"), evPath("n")},
		},
		{
			name: "SET counter with if_not_exists",
			u: &Update{Set: []SetAction{
				evSet(evPath("c"), ArithOperand{Op: '+', Left: FuncOperand{Name: "if_not_exists", Args: []Operand{evP("c"), evV(evN("100"))}}, Right: evV(evN("1"))}),
			}},
			item:      nil,
			want:      value.Item{"c": evN("101")},
			wantPaths: []Path{evPath("c")},
		},
		{
			name: "SET list_append both ways",
			u: &Update{Set: []SetAction{
				evSet(evPath("l"), FuncOperand{Name: "list_append", Args: []Operand{evP("l"), evV(evList("8"))}}),
				evSet(evPath("m", "list"), FuncOperand{Name: "list_append", Args: []Operand{evV(evList("-1")), evP("m", "list")}}),
			}},
			item: base(),
			want: with(map[string]value.Value{
				"l": evList("2", "3", "4", "5", "6", "7", "8"),
				"m": value.M(map[string]value.Value{"a": evN("1"), "inner": value.M(map[string]value.Value{"z": value.Bool(true)}), "list": evList("-1", "0")}),
			}),
			wantPaths: []Path{evPath("l"), evPath("m", "list")},
		},
		{
			name: "SET list_append with if_not_exists",
			u: &Update{Set: []SetAction{
				evSet(evPath("x"), FuncOperand{Name: "list_append", Args: []Operand{FuncOperand{Name: "if_not_exists", Args: []Operand{evP("x"), evV(value.L())}}, evV(evList("1"))}}),
			}},
			item:      nil,
			want:      value.Item{"x": evList("1")},
			wantPaths: []Path{evPath("x")},
		},
		{
			name:      "SET nested map key",
			u:         &Update{Set: []SetAction{evSet(evPath("m", "inner", "new"), evV(value.S("v")))}},
			item:      base(),
			want:      with(map[string]value.Value{"m": value.M(map[string]value.Value{"a": evN("1"), "inner": value.M(map[string]value.Value{"z": value.Bool(true), "new": value.S("v")}), "list": evList("0")})}),
			wantPaths: []Path{evPath("m", "inner", "new")},
		},
		{
			name:      "SET deep path with indexes",
			u:         &Update{Set: []SetAction{evSet(evPath("doc", "c", 1, "x", "y", 1), evV(evN("9")))}},
			item:      base(),
			want:      with(map[string]value.Value{"doc": value.M(map[string]value.Value{"c": value.L(value.S("hi"), value.M(map[string]value.Value{"x": value.M(map[string]value.Value{"y": evList("3", "9", "7")}), "q": evN("2")}))})}),
			wantPaths: []Path{evPath("doc", "c", 1, "x", "y", 1)},
		},
		{
			name:      "SET list element",
			u:         &Update{Set: []SetAction{evSet(evPath("l", 0), evV(value.S("first")))}},
			item:      base(),
			want:      with(map[string]value.Value{"l": value.L(value.S("first"), evN("3"), evN("4"), evN("5"), evN("6"), evN("7"))}),
			wantPaths: []Path{evPath("l", 0)},
		},
		{
			name:      "SET past the end appends",
			u:         &Update{Set: []SetAction{evSet(evPath("l", 100), evV(evN("8")))}},
			item:      base(),
			want:      with(map[string]value.Value{"l": evList("2", "3", "4", "5", "6", "7", "8")}),
			wantPaths: []Path{evPath("l", 6)},
		},
		{
			name: "SET several past the end append in index order",
			u: &Update{Set: []SetAction{
				evSet(evPath("m", "list", 84), evV(evN("84"))),
				evSet(evPath("m", "list", 37), evV(evN("37"))),
				evSet(evPath("m", "list", 17), evV(evN("17"))),
				evSet(evPath("m", "list", 50), evV(evN("50"))),
			}},
			item:      base(),
			want:      with(map[string]value.Value{"m": value.M(map[string]value.Value{"a": evN("1"), "inner": value.M(map[string]value.Value{"z": value.Bool(true)}), "list": evList("0", "17", "37", "50", "84")})}),
			wantPaths: []Path{evPath("m", "list", 4), evPath("m", "list", 2), evPath("m", "list", 1), evPath("m", "list", 3)},
		},
		{
			name:      "REMOVE top-level",
			u:         &Update{Remove: []Path{evPath("s"), evPath("nope")}},
			item:      base(),
			want:      with(nil, "s"),
			wantPaths: []Path{evPath("s")},
		},
		{
			name:      "REMOVE on a new item is a no-op",
			u:         &Update{Remove: []Path{evPath("a"), evPath("x", "y"), evPath("x", 0)}},
			item:      nil,
			want:      value.Item{},
			wantPaths: []Path{},
		},
		{
			name:      "REMOVE list elements shifts, by original positions",
			u:         &Update{Remove: []Path{evPath("l", 1), evPath("l", 3), evPath("l", 0)}},
			item:      base(),
			want:      with(map[string]value.Value{"l": evList("4", "6", "7")}),
			wantPaths: []Path{evPath("l", 1), evPath("l", 3), evPath("l", 0)},
		},
		{
			name:      "REMOVE past the end is a no-op",
			u:         &Update{Remove: []Path{evPath("l", 17)}},
			item:      base(),
			want:      base(),
			wantPaths: []Path{},
		},
		{
			name: "REMOVE a[1] and SET a[3] use original positions",
			u: &Update{
				Set:    []SetAction{evSet(evPath("l", 3), evV(evN("17")))},
				Remove: []Path{evPath("l", 1)},
			},
			item:      base(),
			want:      with(map[string]value.Value{"l": evList("2", "4", "17", "6", "7")}),
			wantPaths: []Path{evPath("l", 3), evPath("l", 1)},
		},
		{
			name:      "REMOVE nested",
			u:         &Update{Remove: []Path{evPath("doc", "c", 1, "x", "y", 1), evPath("doc", "c", 1, "q")}},
			item:      base(),
			want:      with(map[string]value.Value{"doc": value.M(map[string]value.Value{"c": value.L(value.S("hi"), value.M(map[string]value.Value{"x": value.M(map[string]value.Value{"y": evList("3", "7")})}))})}),
			wantPaths: []Path{evPath("doc", "c", 1, "x", "y", 1), evPath("doc", "c", 1, "q")},
		},
		{
			name:      "REMOVE the only map member leaves an empty map",
			u:         &Update{Remove: []Path{evPath("m", "inner", "z")}},
			item:      base(),
			want:      with(map[string]value.Value{"m": value.M(map[string]value.Value{"a": evN("1"), "inner": value.M(map[string]value.Value{}), "list": evList("0")})}),
			wantPaths: []Path{evPath("m", "inner", "z")},
		},
		{
			name:      "REMOVE missing map key",
			u:         &Update{Remove: []Path{evPath("m", "nope")}},
			item:      base(),
			want:      base(),
			wantPaths: []Path{},
		},
		{
			name: "ADD to numbers",
			u: &Update{Add: []AddAction{
				{Path: evPath("n"), Value: evV(evN("-10.5"))},
				{Path: evPath("new"), Value: evV(evN("3"))},
				{Path: evPath("m", "a"), Value: evV(evN("1"))},
			}},
			item:      base(),
			want:      with(map[string]value.Value{"n": evN("-0.5"), "new": evN("3"), "m": value.M(map[string]value.Value{"a": evN("2"), "inner": value.M(map[string]value.Value{"z": value.Bool(true)}), "list": evList("0")})}),
			wantPaths: []Path{evPath("n"), evPath("new"), evPath("m", "a")},
		},
		{
			name:      "ADD number to a new item",
			u:         &Update{Add: []AddAction{{Path: evPath("count"), Value: evV(evN("1"))}}},
			item:      nil,
			want:      value.Item{"count": evN("1")},
			wantPaths: []Path{evPath("count")},
		},
		{
			name: "ADD to sets",
			u: &Update{Add: []AddAction{
				{Path: evPath("ss"), Value: evV(value.SS("b", "c"))},
				{Path: evPath("ns"), Value: evV(value.NS(evNum("2.0"), evNum("3")))},
				{Path: evPath("bs"), Value: evV(value.BS([]byte{1}, []byte{2}))},
				{Path: evPath("newset"), Value: evV(value.SS("x"))},
			}},
			item: base(),
			want: with(map[string]value.Value{
				"ss":     value.SS("a", "b", "c"),
				"ns":     value.NS(evNum("1"), evNum("2"), evNum("3")),
				"bs":     value.BS([]byte{1}, []byte{2}),
				"newset": value.SS("x"),
			}),
			wantPaths: []Path{evPath("ss"), evPath("ns"), evPath("bs"), evPath("newset")},
		},
		{
			name: "DELETE from sets",
			u: &Update{Delete: []DeleteAction{
				{Path: evPath("ss"), Value: evV(value.SS("a", "zzz"))},
				{Path: evPath("ns"), Value: evV(value.NS(evNum("1.00")))},
				{Path: evPath("missing"), Value: evV(value.SS("a"))},
			}},
			item:      base(),
			want:      with(map[string]value.Value{"ss": value.SS("b"), "ns": value.NS(evNum("2"))}),
			wantPaths: []Path{evPath("ss"), evPath("ns")},
		},
		{
			name:      "DELETE emptying a set removes it",
			u:         &Update{Delete: []DeleteAction{{Path: evPath("bs"), Value: evV(value.BS([]byte{1}))}}},
			item:      base(),
			want:      with(nil, "bs"),
			wantPaths: []Path{evPath("bs")},
		},
		{
			name: "all four clauses",
			u: &Update{
				Set:    []SetAction{evSet(evPath("s"), evV(value.S("new")))},
				Remove: []Path{evPath("l")},
				Add:    []AddAction{{Path: evPath("n"), Value: evV(evN("1"))}},
				Delete: []DeleteAction{{Path: evPath("ss"), Value: evV(value.SS("a"))}},
			},
			item:      base(),
			want:      with(map[string]value.Value{"s": value.S("new"), "n": evN("11"), "ss": value.SS("b")}, "l"),
			wantPaths: []Path{evPath("s"), evPath("l"), evPath("n"), evPath("ss")},
		},
		{
			name:      "empty update",
			u:         &Update{},
			item:      base(),
			want:      base(),
			wantPaths: []Path{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var before value.Item
			if tc.item != nil {
				before = tc.item.Clone()
			}
			got, paths, err := ApplyUpdate(tc.u, tc.item)
			if err != nil {
				t.Fatalf("ApplyUpdate() error = %v", err)
			}
			if diff := cmp.Diff(tc.want, got, evItemCmp); diff != "" {
				t.Errorf("ApplyUpdate() item mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantPaths, paths, cmp.Comparer(func(a, b Path) bool { return compareDocPaths(a, b) == 0 })); diff != "" {
				t.Errorf("ApplyUpdate() paths mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, tc.item, evItemCmp); diff != "" {
				t.Errorf("ApplyUpdate() modified its input (-before +after):\n%s", diff)
			}
		})
	}
}

func TestApplyUpdateErrors(t *testing.T) {
	item := value.Item{
		"pk": value.S("k"),
		"n":  evN("1"),
		"s":  value.S("str"),
		"l":  evList("1", "2"),
		"m":  value.M(map[string]value.Value{"a": evN("1")}),
		"ss": value.SS("a"),
		"ns": value.NS(evNum("1")),
		"t":  value.Bool(true),
	}
	const (
		missingAttr = "The provided expression refers to an attribute that does not exist in the item"
		badOperand  = "An operand in the update expression has an incorrect data type"
		badPath     = "The document path provided in the update expression is invalid for update"
	)
	tests := []struct {
		name string
		u    *Update
		item value.Item
		want string
	}{
		{"SET from missing attribute", &Update{Set: []SetAction{evSet(evPath("x"), evP("nope"))}}, item, missingAttr},
		{"SET + missing attribute", &Update{Set: []SetAction{evSet(evPath("n"), ArithOperand{Op: '+', Left: evP("nope"), Right: evV(evN("1"))})}}, item, missingAttr},
		{"SET + on a new item", &Update{Set: []SetAction{evSet(evPath("n"), ArithOperand{Op: '+', Left: evP("n"), Right: evV(evN("1"))})}}, nil, missingAttr},
		{"SET + string attribute", &Update{Set: []SetAction{evSet(evPath("n"), ArithOperand{Op: '+', Left: evP("s"), Right: evV(evN("1"))})}}, item, badOperand},
		{"SET - set attribute", &Update{Set: []SetAction{evSet(evPath("n"), ArithOperand{Op: '-', Left: evP("n"), Right: evP("ns")})}}, item, badOperand},
		{"SET + string value", &Update{Set: []SetAction{evSet(evPath("n"), ArithOperand{Op: '+', Left: evP("n"), Right: evV(value.S("1"))})}}, item,
			"Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S"},
		{"static error before missing attribute", &Update{Set: []SetAction{
			evSet(evPath("x"), evP("nope")),
			evSet(evPath("y"), ArithOperand{Op: '-', Left: evP("n"), Right: evV(value.Bool(true))}),
		}}, item, "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: -, operand type: BOOL"},
		{"SET + overflow", &Update{Set: []SetAction{evSet(evPath("n"), ArithOperand{Op: '+', Left: evV(evN("9.9999999999999999999999999999999999999E+125")), Right: evV(evN("9.9999999999999999999999999999999999999E+125"))})}}, item,
			"Number overflow. Attempting to store a number with magnitude larger than supported range"},
		{"list_append non-list attribute", &Update{Set: []SetAction{evSet(evPath("l"), FuncOperand{Name: "list_append", Args: []Operand{evP("s"), evV(evList("1"))}})}}, item, badOperand},
		{"list_append missing attribute", &Update{Set: []SetAction{evSet(evPath("l"), FuncOperand{Name: "list_append", Args: []Operand{evP("nope"), evV(evList("1"))}})}}, item, missingAttr},
		{"list_append map value", &Update{Set: []SetAction{evSet(evPath("l"), FuncOperand{Name: "list_append", Args: []Operand{evP("l"), evV(item["m"])}})}}, item,
			"Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: M"},
		{"if_not_exists needs a path", &Update{Set: []SetAction{evSet(evPath("l"), FuncOperand{Name: "if_not_exists", Args: []Operand{evV(evN("1")), evV(evN("2"))}})}}, item,
			"Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists"},
		{"size in update", &Update{Set: []SetAction{evSet(evPath("x"), FuncOperand{Name: "size", Args: []Operand{evP("s")}})}}, item,
			"Invalid UpdateExpression: The function is not allowed in an update expression; function: size"},
		{"unbound value", &Update{Set: []SetAction{evSet(evPath("x"), ValueOperand{Placeholder: ":v"})}}, item,
			"Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :v"},
		{"SET under missing map", &Update{Set: []SetAction{evSet(evPath("nope", "c"), evV(evN("1")))}}, item, badPath},
		{"SET under string", &Update{Set: []SetAction{evSet(evPath("s", "c"), evV(evN("1")))}}, item, badPath},
		{"SET key under list", &Update{Set: []SetAction{evSet(evPath("l", "c"), evV(evN("1")))}}, item, badPath},
		{"SET index under map", &Update{Set: []SetAction{evSet(evPath("m", 0), evV(evN("1")))}}, item, badPath},
		{"SET index under string", &Update{Set: []SetAction{evSet(evPath("s", 0), evV(evN("1")))}}, item, badPath},
		{"SET index under missing", &Update{Set: []SetAction{evSet(evPath("nope", 0), evV(evN("1")))}}, item, badPath},
		{"SET under element past the end", &Update{Set: []SetAction{evSet(evPath("l", 5, "x"), evV(evN("1")))}}, item, badPath},
		{"SET nested on a new item", &Update{Set: []SetAction{evSet(evPath("c", "c"), evV(evN("1")))}}, nil, badPath},
		{"REMOVE under missing", &Update{Remove: []Path{evPath("nope", "c")}}, item, badPath},
		{"REMOVE key under string", &Update{Remove: []Path{evPath("s", "c")}}, item, badPath},
		{"REMOVE key under list", &Update{Remove: []Path{evPath("l", "c")}}, item, badPath},
		{"REMOVE index under string", &Update{Remove: []Path{evPath("s", 0)}}, item, badPath},
		{"REMOVE index under map", &Update{Remove: []Path{evPath("m", 0)}}, item, badPath},
		{"ADD string", &Update{Add: []AddAction{{Path: evPath("s"), Value: evV(value.S("x"))}}}, item,
			"Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND"},
		{"ADD map", &Update{Add: []AddAction{{Path: evPath("m"), Value: evV(item["m"])}}}, item,
			"Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: MAP, typeSet: ALLOWED_FOR_ADD_OPERAND"},
		{"ADD list", &Update{Add: []AddAction{{Path: evPath("l"), Value: evV(item["l"])}}}, item,
			"Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: LIST, typeSet: ALLOWED_FOR_ADD_OPERAND"},
		{"ADD BOOL", &Update{Add: []AddAction{{Path: evPath("t"), Value: evV(value.Bool(false))}}}, item,
			"Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: BOOLEAN, typeSet: ALLOWED_FOR_ADD_OPERAND"},
		{"ADD number to set", &Update{Add: []AddAction{{Path: evPath("ns"), Value: evV(evN("1"))}}}, item, badOperand},
		{"ADD number to string", &Update{Add: []AddAction{{Path: evPath("s"), Value: evV(evN("1"))}}}, item, badOperand},
		{"ADD set to number", &Update{Add: []AddAction{{Path: evPath("n"), Value: evV(value.NS(evNum("1")))}}}, item, badOperand},
		{"ADD set of other type", &Update{Add: []AddAction{{Path: evPath("ss"), Value: evV(value.NS(evNum("1")))}}}, item, badOperand},
		{"ADD under missing", &Update{Add: []AddAction{{Path: evPath("nope", "x"), Value: evV(evN("1"))}}}, item, badPath},
		{"DELETE number", &Update{Delete: []DeleteAction{{Path: evPath("n"), Value: evV(evN("1"))}}}, item,
			"Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND"},
		{"DELETE string", &Update{Delete: []DeleteAction{{Path: evPath("ss"), Value: evV(value.S("a"))}}}, item,
			"Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: STRING, typeSet: ALLOWED_FOR_DELETE_OPERAND"},
		{"DELETE set of other type", &Update{Delete: []DeleteAction{{Path: evPath("ss"), Value: evV(value.NS(evNum("1")))}}}, item, badOperand},
		{"DELETE from a non-set", &Update{Delete: []DeleteAction{{Path: evPath("s"), Value: evV(value.SS("s"))}}}, item, badOperand},
		{"DELETE under string", &Update{Delete: []DeleteAction{{Path: evPath("s", "x"), Value: evV(value.SS("s"))}}}, item, badPath},
		{"DELETE under missing", &Update{Delete: []DeleteAction{{Path: evPath("nope", "x"), Value: evV(value.SS("s"))}}}, item, badPath},
		{"item too large", &Update{Set: []SetAction{evSet(evPath("big"), evV(value.S(strings.Repeat("x", value.MaxItemSize))))}}, item,
			"Item size to update has exceeded the maximum allowed size"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var before value.Item
			if tc.item != nil {
				before = tc.item.Clone()
			}
			got, paths, err := ApplyUpdate(tc.u, tc.item)
			if got != nil || paths != nil {
				t.Errorf("ApplyUpdate() = %v, %v with an error, want nil, nil", got, paths)
			}
			evWantErr(t, "ApplyUpdate", err, tc.want)
			if diff := cmp.Diff(before, tc.item, evItemCmp); diff != "" {
				t.Errorf("ApplyUpdate() modified its input (-before +after):\n%s", diff)
			}
		})
	}
}

func TestApplyUpdateNestingLimit(t *testing.T) {
	// A map nested 31 levels deep under "a" (a itself is level 1).
	deep := value.S("leaf")
	for range value.MaxNestingDepth - 1 {
		deep = value.M(map[string]value.Value{"d": deep})
	}
	item := value.Item{"pk": value.S("k"), "a": deep}
	if err := deep.Validate(); err != nil {
		t.Fatalf("test setup: Validate() = %v", err)
	}
	p := evPath("a")
	for range value.MaxNestingDepth - 2 {
		p = append(p, PathElem{Name: "d"})
	}
	// Replacing a leaf-level value by another scalar stays within the limit.
	ok := append(append(Path{}, p...), PathElem{Name: "d"})
	if _, _, err := ApplyUpdate(&Update{Set: []SetAction{evSet(ok, evV(value.S("x")))}}, item); err != nil {
		t.Fatalf("ApplyUpdate(SET at the deepest level) error = %v", err)
	}
	// A map there adds one level too many.
	tooDeep := &Update{Set: []SetAction{evSet(ok, evV(value.M(map[string]value.Value{"e": value.S("x")})))}}
	_, _, err := ApplyUpdate(tooDeep, item)
	evWantErr(t, "ApplyUpdate", err, "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit")
}

func TestCheckKeyUpdate(t *testing.T) {
	tests := []struct {
		name string
		u    *Update
		want string
	}{
		{"no key", &Update{Set: []SetAction{evSet(evPath("a"), evV(evN("1")))}, Remove: []Path{evPath("b")}}, ""},
		{"nil", nil, ""},
		{"SET partition key", &Update{Set: []SetAction{evSet(evPath("pk"), evV(value.S("x")))}}, "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"},
		{"REMOVE sort key", &Update{Remove: []Path{evPath("a"), evPath("sk")}}, "One or more parameter values were invalid: Cannot update attribute sk. This attribute is part of the key"},
		{"ADD sort key", &Update{Add: []AddAction{{Path: evPath("sk"), Value: evV(evN("1"))}}}, "One or more parameter values were invalid: Cannot update attribute sk. This attribute is part of the key"},
		{"DELETE partition key", &Update{Delete: []DeleteAction{{Path: evPath("pk"), Value: evV(value.SS("x"))}}}, "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"},
		{"nested under key", &Update{Set: []SetAction{evSet(evPath("pk", "x"), evV(evN("1")))}}, "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"},
		{"key name nested elsewhere", &Update{Set: []SetAction{evSet(evPath("m", "pk"), evV(evN("1")))}}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckKeyUpdate(tc.u, "pk", "sk")
			if tc.want == "" {
				if err != nil {
					t.Fatalf("CheckKeyUpdate() = %v, want nil", err)
				}
				return
			}
			evWantErr(t, "CheckKeyUpdate", err, tc.want)
		})
	}
}

func BenchmarkApplyUpdate(b *testing.B) {
	item := value.Item{
		"pk":    value.S("user#123"),
		"name":  value.S("Ada"),
		"count": evN("41"),
		"tags":  value.SS("a", "b", "c"),
		"addr":  value.M(map[string]value.Value{"city": value.S("London"), "zip": value.S("N1")}),
		"log":   evList("1", "2", "3", "4"),
	}
	u := &Update{
		Set: []SetAction{
			evSet(evPath("name"), evV(value.S("Grace"))),
			evSet(evPath("addr", "city"), evV(value.S("Paris"))),
			evSet(evPath("count"), ArithOperand{Op: '+', Left: evP("count"), Right: evV(evN("1"))}),
		},
		Remove: []Path{evPath("log", 0)},
		Add:    []AddAction{{Path: evPath("tags"), Value: evV(value.SS("d"))}},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ApplyUpdate(u, item); err != nil {
			b.Fatal(err)
		}
	}
}
