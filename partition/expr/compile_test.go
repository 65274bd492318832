package expr

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/atolldb/atoll/partition/value"
)

func ptNum(s string) value.Value { return value.N(value.MustParseNumber(s)) }

func ptCompiler(t testing.TB, size int) *Compiler {
	t.Helper()
	c, err := New(Config{CacheSize: size})
	if err != nil {
		t.Fatalf("New(CacheSize %d) error = %v", size, err)
	}
	return c
}

func TestCompileBinds(t *testing.T) {
	c := ptCompiler(t, 16)
	got, err := c.Compile(Request{
		Condition:  "attribute_not_exists(#pk) OR #v < :v",
		Update:     "SET #v = #v + :one REMOVE tmp",
		Projection: "#v, a.#pk",
		Names:      map[string]string{"#pk": "pk", "#v": "version"},
		Values:     map[string]value.Value{":v": ptNum("3"), ":one": ptNum("1")},
	})
	if err != nil {
		t.Fatalf("Compile error = %v", err)
	}
	version := PathOperand{Path: Path{{Name: "version", Placeholder: true}}}
	want := &Compiled{
		Condition: Or{
			Left:  Func{Name: "attribute_not_exists", Args: []Operand{PathOperand{Path: Path{{Name: "pk", Placeholder: true}}}}},
			Right: Compare{Op: OpLT, Left: version, Right: ValueOperand{Placeholder: ":v", Value: ptNum("3")}},
		},
		Update: &Update{
			Set: []SetAction{{Path: version.Path, Value: ArithOperand{Op: '+', Left: version,
				Right: ValueOperand{Placeholder: ":one", Value: ptNum("1")}}}},
			Remove: []Path{{{Name: "tmp"}}},
		},
		Projection: Projection{version.Path, {{Name: "a"}, {Name: "pk", Placeholder: true}}},
	}
	if diff := cmp.Diff(want, got, ptCmpOpts); diff != "" {
		t.Errorf("Compile mismatch (-want +got):\n%s", diff)
	}
}

// TestCompileDoesNotModifyCachedTree guards the contract that parsed trees
// are shared: binding must copy, never write through.
func TestCompileDoesNotModifyCachedTree(t *testing.T) {
	c := ptCompiler(t, 16)
	r := Request{Filter: "#a = :v", Names: map[string]string{"#a": "x"}, Values: map[string]value.Value{":v": value.S("1")}}
	if _, err := c.Compile(r); err != nil {
		t.Fatalf("Compile error = %v", err)
	}
	p, ok := c.cache.get(KindFilter, r.Filter)
	if !ok {
		t.Fatalf("cache.get(%q) missing after Compile", r.Filter)
	}
	want := ptCmp(ptP("#a"), OpEQ, ptV(":v"))
	if diff := cmp.Diff(want, p.cond, ptCmpOpts); diff != "" {
		t.Errorf("cached tree changed by binding (-want +got):\n%s", diff)
	}
}

func TestCompileErrors(t *testing.T) {
	s := value.S
	tests := []struct {
		name string
		req  Request
		want string
	}{
		{"names without expression", Request{Names: map[string]string{"#a": "a"}},
			"ExpressionAttributeNames can only be specified when using expressions"},
		{"values without expression", Request{Projection: "a", Values: map[string]value.Value{":a": s("x")}, Accepts: []Kind{KindUpdate, KindCondition}},
			"ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null"},
		{"values without expression one kind", Request{Values: map[string]value.Value{":a": s("x")}, Accepts: []Kind{KindCondition}},
			"ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null"},
		{"names empty", Request{KeyCondition: "a = :v", Names: map[string]string{}, Values: map[string]value.Value{}},
			"ExpressionAttributeNames must not be empty"},
		{"names empty with empty expression", Request{Empty: []Kind{KindKeyCondition}, Names: map[string]string{}},
			"ExpressionAttributeNames must not be empty"},
		{"names bad key", Request{Condition: "a = :v", Names: map[string]string{"a": "a"}},
			`ExpressionAttributeNames contains invalid key: Syntax error; key: "a"`},
		{"names key too long", Request{Condition: "a = :v", Names: map[string]string{"#" + strings.Repeat("n", 255): "a"}},
			`ExpressionAttributeNames contains invalid key: Syntax error; key: "#` + strings.Repeat("n", 255) + `"`},
		{"names empty value", Request{Condition: "#DE = :v", Names: map[string]string{"#DE": ""}},
			"ExpressionAttributeNames contains invalid value: Empty attribute name for key #DE"},
		{"values empty", Request{Condition: "a = :v", Values: map[string]value.Value{}},
			"ExpressionAttributeValues must not be empty"},
		{"values bad key", Request{Condition: "a = :v", Values: map[string]value.Value{":a-b": s("x")}},
			`ExpressionAttributeValues contains invalid key: Syntax error; key: ":a-b"`},
		{"empty expression", Request{Empty: []Kind{KindFilter}, Projection: "a"},
			"Invalid FilterExpression: The expression can not be empty;"},
		{"update checked before condition", Request{Condition: "(", Update: "SET"},
			`Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "SET"`},
		{"key condition before filter", Request{KeyCondition: "a", Filter: "b"},
			`Invalid KeyConditionExpression: Syntax error; token: "<EOF>", near: "a"`},
		{"undefined name", Request{Condition: "#a = :v", Values: map[string]value.Value{":v": s("x")}},
			"Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #a"},
		{"undefined value", Request{Condition: "a = :v"},
			"Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :v"},
		{"condition reports first undefined", Request{Condition: "a = :v AND #b = :w", Values: map[string]value.Value{":w": s("x")}},
			"Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :v"},
		{"update reports names first", Request{Update: "SET a = :v, #b = :w", Values: map[string]value.Value{":w": s("x")}},
			"Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #b"},
		{"projection undefined", Request{Projection: "#missing"},
			"Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #missing"},
		{"unused names", Request{Projection: "#ok", Names: map[string]string{"#ok": "ok", "#z": "z", "#unused": "u"}},
			"Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused, #z}"},
		{"unused values", Request{Condition: "a = :a", Values: map[string]value.Value{":a": s("x"), ":b": s("y")}},
			"Value provided in ExpressionAttributeValues unused in expressions: keys: {:b}"},
		{"unused names before values", Request{Condition: "a = :a", Names: map[string]string{"#n": "n"}, Values: map[string]value.Value{":a": s("x"), ":b": s("y")}},
			"Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}"},
		{"operand count", Request{Condition: "attribute_exists(a, b)"},
			"Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2"},
		{"size operand count", Request{Condition: "size(a, b) > c"},
			"Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: size, number of operands: 2"},
		{"requires path", Request{Condition: "attribute_exists(:v)", Values: map[string]value.Value{":v": s("x")}},
			"Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists"},
		{"not distinct", Request{Condition: "a.b = a.b"},
			"Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a, b]"},
		{"not distinct function", Request{Condition: "contains(#x, x)", Names: map[string]string{"#x": "x"}},
			"Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [x]"},
		{"between order", Request{Condition: "a BETWEEN :hi AND :lo", Values: map[string]value.Value{":hi": ptNum("10"), ":lo": ptNum("1")}},
			"Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:10}, upper bound operand: AttributeValue: {N:1}"},
		{"between types", Request{KeyCondition: "a between :b and :a", Values: map[string]value.Value{":a": s("a"), ":b": ptNum("1")}},
			"Invalid KeyConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:a}"},
		{"between strings", Request{KeyCondition: "a between :b and :a", Values: map[string]value.Value{":a": s("a"), ":b": s("b")}},
			"Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {S:b}, upper bound operand: AttributeValue: {S:a}"},
		{"in too many", Request{Filter: "a IN (" + strings.Repeat(":v, ", 100) + ":v)", Values: map[string]value.Value{":v": s("x")}},
			"Invalid FilterExpression: The IN operator is provided with too many operands; number of operands: 101"},
		{"begins_with type", Request{Condition: "begins_with(a, :n)", Values: map[string]value.Value{":n": ptNum("1")}},
			"Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
		{"attribute_type type", Request{Condition: "attribute_type(a, :n)", Values: map[string]value.Value{":n": ptNum("1")}},
			"Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N"},
		{"attribute_type path", Request{KeyCondition: "attribute_type(a, b)"},
			"Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: {NS,SS,L,BS,N,M,B,BOOL,NULL,S}"},
		{"attribute_type name", Request{Condition: "attribute_type(a, :t)", Values: map[string]value.Value{":t": s("STRING")}},
			"Invalid ConditionExpression: Invalid attribute type name found; type: STRING, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"},
		{"size type", Request{Condition: "size(:n) > a", Values: map[string]value.Value{":n": ptNum("1")}},
			"Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: N"},
		{"update overlap", Request{Update: "SET a.b = :v REMOVE a", Values: map[string]value.Value{":v": s("x")}},
			"Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]"},
		{"update overlap through names", Request{Update: "SET #a = :v, #b = :v", Names: map[string]string{"#a": "x", "#b": "x"}, Values: map[string]value.Value{":v": s("x")}},
			"Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [x], path two: [x]"},
		{"update overlap in clause order", Request{Update: "REMOVE a[1] SET a[1].b = :v", Values: map[string]value.Value{":v": s("x")}},
			"Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, [1]], path two: [a, [1], b]"},
		{"update conflict", Request{Update: "SET a[1] = :v, a.b = :v", Values: map[string]value.Value{":v": s("x")}},
			"Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [1]], path two: [a, b]"},
		{"overlap wins over earlier conflict", Request{Update: "SET a[1] = :v, a.b = :v, c = :v REMOVE c", Values: map[string]value.Value{":v": s("x")}},
			"Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [c], path two: [c]"},
		{"projection overlap", Request{Projection: "a, b, a.c"},
			"Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, c]"},
		{"projection conflict", Request{Projection: "a.b, a[0]"},
			"Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [0]]"},
		{"add string", Request{Update: "ADD a :s", Values: map[string]value.Value{":s": s("x")}},
			"Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND"},
		{"delete number", Request{Update: "DELETE a :n", Values: map[string]value.Value{":n": ptNum("1")}},
			"Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND"},
		{"list_append type", Request{Update: "SET a = list_append(a, :s)", Values: map[string]value.Value{":s": s("x")}},
			"Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: S"},
		{"plus type", Request{Update: "SET a = a + :s", Values: map[string]value.Value{":s": s("x")}},
			"Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S"},
		{"if_not_exists count", Request{Update: "SET a = if_not_exists(a)"},
			"Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: if_not_exists, number of operands: 1"},
		{"if_not_exists path", Request{Update: "SET a = if_not_exists(:v, a)", Values: map[string]value.Value{":v": s("x")}},
			"Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists"},
		{"add type after overlap", Request{Update: "ADD a :s, a :s", Values: map[string]value.Value{":s": s("x")}},
			"Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
	}
	c := ptCompiler(t, 64)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Compile(tt.req)
			if got := ptMessage(t, err); got != tt.want {
				t.Errorf("Compile(%+v) error = %q, want %q", tt.req, got, tt.want)
			}
		})
	}
}

func TestCompileAllowed(t *testing.T) {
	c := ptCompiler(t, 0)
	for _, tt := range []struct {
		name string
		req  Request
	}{
		{"set size from if_not_exists", Request{Update: "SET c = if_not_exists(c, :z) + :one", Values: map[string]value.Value{":z": ptNum("0"), ":one": ptNum("1")}}},
		{"add set", Request{Update: "ADD tags :t DELETE gone :t", Values: map[string]value.Value{":t": value.SS("a")}}},
		{"sibling paths", Request{Update: "SET a.b = :v, a.c = :v, l[0] = :v REMOVE b[1], b[2]", Values: map[string]value.Value{":v": value.S("x")}}},
		{"between equal bounds", Request{Condition: "a BETWEEN :x AND :x", Values: map[string]value.Value{":x": ptNum("1")}}},
		{"projection only names", Request{Projection: "#a", Names: map[string]string{"#a": "a"}}},
		{"names used across expressions", Request{Condition: "attribute_exists(#a)", Projection: "#b", Names: map[string]string{"#a": "a", "#b": "b"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := c.Compile(tt.req); err != nil {
				t.Errorf("Compile(%+v) error = %v, want nil", tt.req, err)
			}
		})
	}
}

func TestConfig(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Errorf("DefaultConfig().Validate() = %v, want nil", err)
	}
	if DefaultConfig().CacheSize <= 0 {
		t.Errorf("DefaultConfig().CacheSize = %d, want > 0", DefaultConfig().CacheSize)
	}
	if _, err := New(Config{CacheSize: -1}); err == nil {
		t.Errorf("New(CacheSize -1) error = nil, want an error")
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{
		KindCondition: "ConditionExpression", KindFilter: "FilterExpression", KindKeyCondition: "KeyConditionExpression",
		KindUpdate: "UpdateExpression", KindProjection: "ProjectionExpression",
	} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", k, got, want)
		}
	}
}
