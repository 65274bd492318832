package expr

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/atolldb/atoll/partition/value"
)

// ptPath builds a path: strings are names ("#x" is a placeholder), ints are
// list indexes.
func ptPath(elems ...any) Path {
	var p Path
	for _, e := range elems {
		switch e := e.(type) {
		case int:
			p = append(p, PathElem{Index: e, IsIndex: true})
		case string:
			p = append(p, PathElem{Name: e, Placeholder: strings.HasPrefix(e, "#")})
		}
	}
	return p
}

// ptCmpOpts compares Numbers by value (their fields are unexported).
var ptCmpOpts = cmp.Comparer(func(a, b value.Number) bool { return a == b })

func ptP(elems ...any) Operand { return PathOperand{Path: ptPath(elems...)} }

func ptV(name string) Operand { return ValueOperand{Placeholder: name} }

func ptCmp(l Operand, op CompareOp, r Operand) Cond { return Compare{Op: op, Left: l, Right: r} }

// ptMessage returns the ValidationError message of err, or a description
// of a wrong error type.
func ptMessage(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return "<nil>"
	}
	var ve *value.ValidationError
	if !errors.As(err, &ve) {
		return "not a *value.ValidationError: " + err.Error()
	}
	return ve.Message
}

func TestParseCondition(t *testing.T) {
	a, b := ptP("a"), ptP("b")
	tests := []struct {
		name string
		in   string
		want Cond
	}{
		{"equal", "a = :v", ptCmp(a, OpEQ, ptV(":v"))},
		{"not equal", "a <> :v", ptCmp(a, OpNE, ptV(":v"))},
		{"less", "a < :v", ptCmp(a, OpLT, ptV(":v"))},
		{"less or equal", "a<=:v", ptCmp(a, OpLE, ptV(":v"))},
		{"greater", ":v > a", ptCmp(ptV(":v"), OpGT, a)},
		{"greater or equal", "a >= b", ptCmp(a, OpGE, b)},
		{"placeholder path", "#a.#b = :v", ptCmp(ptP("#a", "#b"), OpEQ, ptV(":v"))},
		{"nested path", "a[1][2].b = :v", ptCmp(ptP("a", 1, 2, "b"), OpEQ, ptV(":v"))},
		{"spaces in path", "a . b [ 3 ] = :v", ptCmp(ptP("a", "b", 3), OpEQ, ptV(":v"))},
		{"underscore inside name", "a_1 = :v", ptCmp(ptP("a_1"), OpEQ, ptV(":v"))},
		{"between", "a BETWEEN :lo AND :hi", Between{Operand: a, Low: ptV(":lo"), High: ptV(":hi")}},
		{"between lower case", "a between :lo and :hi", Between{Operand: a, Low: ptV(":lo"), High: ptV(":hi")}},
		{"in", "a IN (:x, b, :y)", In{Operand: a, List: []Operand{ptV(":x"), b, ptV(":y")}}},
		{"in one", "a in (:x)", In{Operand: a, List: []Operand{ptV(":x")}}},
		{"attribute_exists", "attribute_exists(a)", Func{Name: "attribute_exists", Args: []Operand{a}}},
		{"attribute_not_exists", "attribute_not_exists (#a)", Func{Name: "attribute_not_exists", Args: []Operand{ptP("#a")}}},
		{"attribute_type", "attribute_type(a, :t)", Func{Name: "attribute_type", Args: []Operand{a, ptV(":t")}}},
		{"begins_with", "begins_with(a, :p)", Func{Name: "begins_with", Args: []Operand{a, ptV(":p")}}},
		{"contains", "contains(a, b)", Func{Name: "contains", Args: []Operand{a, b}}},
		{"size", "size(a) > :n", ptCmp(FuncOperand{Name: "size", Args: []Operand{a}}, OpGT, ptV(":n"))},
		{"parenthesized operand", "(a) = (:v)", ptCmp(a, OpEQ, ptV(":v"))},
		{"parenthesized size", "(size(a)) = :v", ptCmp(FuncOperand{Name: "size", Args: []Operand{a}}, OpEQ, ptV(":v"))},
		{"parenthesized condition", "(a = :v)", ptCmp(a, OpEQ, ptV(":v"))},
		{"parenthesized function", "(attribute_exists(a))", Func{Name: "attribute_exists", Args: []Operand{a}}},
		{"not", "NOT a = :v", Not{Cond: ptCmp(a, OpEQ, ptV(":v"))}},
		{"not not", "not not attribute_exists(a)", Not{Cond: Not{Cond: Func{Name: "attribute_exists", Args: []Operand{a}}}}},
		{"and", "a = :v AND b = :w", And{Left: ptCmp(a, OpEQ, ptV(":v")), Right: ptCmp(b, OpEQ, ptV(":w"))}},
		{"or", "a = :v or b = :w", Or{Left: ptCmp(a, OpEQ, ptV(":v")), Right: ptCmp(b, OpEQ, ptV(":w"))}},
		{
			"and binds tighter than or", "a = :v OR b = :v AND c = :v",
			Or{Left: ptCmp(a, OpEQ, ptV(":v")), Right: And{Left: ptCmp(b, OpEQ, ptV(":v")), Right: ptCmp(ptP("c"), OpEQ, ptV(":v"))}},
		},
		{
			"not binds tighter than and", "NOT a = :v AND b = :v",
			And{Left: Not{Cond: ptCmp(a, OpEQ, ptV(":v"))}, Right: ptCmp(b, OpEQ, ptV(":v"))},
		},
		{
			"parentheses group", "(a = :v OR b = :v) AND c = :v",
			And{Left: Or{Left: ptCmp(a, OpEQ, ptV(":v")), Right: ptCmp(b, OpEQ, ptV(":v"))}, Right: ptCmp(ptP("c"), OpEQ, ptV(":v"))},
		},
		{
			"and is left associative", "a = :v AND b = :v AND c = :v",
			And{Left: And{Left: ptCmp(a, OpEQ, ptV(":v")), Right: ptCmp(b, OpEQ, ptV(":v"))}, Right: ptCmp(ptP("c"), OpEQ, ptV(":v"))},
		},
		{
			"between inside and", "a BETWEEN :x AND :y AND b = :v",
			And{Left: Between{Operand: a, Low: ptV(":x"), High: ptV(":y")}, Right: ptCmp(b, OpEQ, ptV(":v"))},
		},
		{"whitespace", " \t\na\r\n=\t:v ", ptCmp(a, OpEQ, ptV(":v"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCondition(KindCondition, tt.in)
			if err != nil {
				t.Fatalf("ParseCondition(%q) error = %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got, ptCmpOpts); diff != "" {
				t.Errorf("ParseCondition(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseConditionErrors(t *testing.T) {
	tests := []struct {
		name string
		kind Kind
		in   string
		want string
	}{
		{"empty", KindCondition, "", "Invalid ConditionExpression: The expression can not be empty;"},
		{"empty filter", KindFilter, "", "Invalid FilterExpression: The expression can not be empty;"},
		{"too long", KindFilter, "a = :v OR " + strings.Repeat("a = :v OR ", 409) + "a = :v",
			"Invalid FilterExpression: Expression size has exceeded the maximum allowed size; expression size: 4106"},
		{"bare path", KindCondition, "foo", `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "foo"`},
		{"unclosed call", KindFilter, "contains (themes, :theme", `Invalid FilterExpression: Syntax error; token: "<EOF>", near: ":theme"`},
		{"open call", KindCondition, "attribute_not_exists(", `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "("`},
		{"no arguments", KindCondition, "attribute_type()", `Invalid ConditionExpression: Syntax error; token: ")", near: "()"`},
		{"hyphen", KindKeyCondition, "CourseId-Index = :v", `Invalid KeyConditionExpression: Syntax error; token: "-", near: "CourseId-Index"`},
		{"index not a number", KindCondition, "l[a] = :v", `Invalid ConditionExpression: Syntax error; token: "a", near: "[a]"`},
		{"negative index", KindCondition, "l[-1] = :v", `Invalid ConditionExpression: Syntax error; token: "-", near: "[-1"`},
		{"trailing token", KindCondition, "a = :v :w", `Invalid ConditionExpression: Syntax error; token: ":w", near: ":v :w"`},
		{"keyword as name", KindCondition, "and = :v", `Invalid ConditionExpression: Syntax error; token: "and", near: "and ="`},
		{"operand then and", KindCondition, "a AND b = :v", `Invalid ConditionExpression: Syntax error; token: "AND", near: "a AND b"`},
		{"dangling or", KindCondition, "a = :v OR", `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "OR"`},
		{"dangling or with space", KindCondition, "a = :v OR ", `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "OR "`},
		{"lone colon", KindCondition, "a = :", `Invalid ConditionExpression: Syntax error; token: ":", near: "= :"`},
		{"number operand", KindCondition, "a = 1", `Invalid ConditionExpression: Syntax error; token: "1", near: "= 1"`},
		{"chained comparison", KindCondition, "a = b = c", `Invalid ConditionExpression: Syntax error; token: "=", near: "b = c"`},
		{"between without and", KindCondition, "a BETWEEN :x OR :y", `Invalid ConditionExpression: Syntax error; token: "OR", near: ":x OR :y"`},
		{"empty in", KindCondition, "a IN ()", `Invalid ConditionExpression: Syntax error; token: ")", near: "()"`},
		{"whitespace only", KindCondition, "   ", `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: ""`},
		{"leading underscore", KindCondition, "_hidden = :v", `Invalid ConditionExpression: Syntax error; token: "_", near: "_hidden"`},
		{"unicode", KindCondition, "é = :v", `Invalid ConditionExpression: Syntax error; token: "é", near: "é ="`},
		{"reserved", KindCondition, "name = :v", "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: name"},
		{"reserved nested", KindFilter, "a.Status = :v", "Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: Status"},
		{"redundant parens", KindCondition, "((a = :v))", "Invalid ConditionExpression: The expression has redundant parentheses;"},
		{"redundant operand parens", KindCondition, "((a)) = :v", "Invalid ConditionExpression: The expression has redundant parentheses;"},
		{"parens before reserved", KindCondition, "((name = :v))", "Invalid ConditionExpression: The expression has redundant parentheses;"},
		{"unknown function", KindCondition, "foo(a)", "Invalid ConditionExpression: Invalid function name; function: foo"},
		{"function names are case sensitive", KindCondition, "ATTRIBUTE_EXISTS(a)", "Invalid ConditionExpression: Invalid function name; function: ATTRIBUTE_EXISTS"},
		{"size as condition", KindCondition, "size(a)", "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size"},
		{"boolean function as operand", KindCondition, "attribute_exists(a) = :v", "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: attribute_exists"},
		{"update function in condition", KindCondition, "if_not_exists(a, :v) = :v", "Invalid ConditionExpression: The function is not allowed in a condition expression; function: if_not_exists"},
		{"unknown before misused", KindCondition, "size(a) AND foo(b)", "Invalid ConditionExpression: Invalid function name; function: foo"},
		{"misused before reserved", KindCondition, "name = :v AND size(a)", "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCondition(tt.kind, tt.in)
			if got := ptMessage(t, err); got != tt.want {
				t.Errorf("ParseCondition(%v, %q) error = %q, want %q", tt.kind, tt.in, got, tt.want)
			}
		})
	}
}

func TestParseUpdate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *Update
	}{
		{"set", "SET a = :v", &Update{Set: []SetAction{{Path: ptPath("a"), Value: ptV(":v")}}}},
		{"set several", "set a = :v, #b.c[2] = d", &Update{Set: []SetAction{
			{Path: ptPath("a"), Value: ptV(":v")},
			{Path: ptPath("#b", "c", 2), Value: ptP("d")},
		}}},
		{"set plus", "SET a = a + :one", &Update{Set: []SetAction{{Path: ptPath("a"), Value: ArithOperand{Op: '+', Left: ptP("a"), Right: ptV(":one")}}}}},
		{"set minus parenthesized", "SET a = (:x - b)", &Update{Set: []SetAction{{Path: ptPath("a"), Value: ArithOperand{Op: '-', Left: ptV(":x"), Right: ptP("b")}}}}},
		{"set parenthesized terms", "SET a = (b) + (:x)", &Update{Set: []SetAction{{Path: ptPath("a"), Value: ArithOperand{Op: '+', Left: ptP("b"), Right: ptV(":x")}}}}},
		{"if_not_exists", "SET a = if_not_exists(a, :z)", &Update{Set: []SetAction{{Path: ptPath("a"), Value: FuncOperand{Name: "if_not_exists", Args: []Operand{ptP("a"), ptV(":z")}}}}}},
		{"list_append of if_not_exists", "SET l = list_append(if_not_exists(l, :e), :v)", &Update{Set: []SetAction{{Path: ptPath("l"), Value: FuncOperand{Name: "list_append", Args: []Operand{
			FuncOperand{Name: "if_not_exists", Args: []Operand{ptP("l"), ptV(":e")}}, ptV(":v"),
		}}}}}},
		{"if_not_exists plus", "SET c = if_not_exists(c, :z) + :one", &Update{Set: []SetAction{{Path: ptPath("c"), Value: ArithOperand{Op: '+',
			Left: FuncOperand{Name: "if_not_exists", Args: []Operand{ptP("c"), ptV(":z")}}, Right: ptV(":one")}}}}},
		{"remove", "REMOVE a, b[1], c.d", &Update{Remove: []Path{ptPath("a"), ptPath("b", 1), ptPath("c", "d")}}},
		{"add", "ADD s :v, n :one", &Update{Add: []AddAction{{Path: ptPath("s"), Value: ptV(":v")}, {Path: ptPath("n"), Value: ptV(":one")}}}},
		{"delete", "DELETE s :v", &Update{Delete: []DeleteAction{{Path: ptPath("s"), Value: ptV(":v")}}}},
		{"all clauses any order", "delete d :d add a :a REMOVE r Set s = :s", &Update{
			Set:    []SetAction{{Path: ptPath("s"), Value: ptV(":s")}},
			Remove: []Path{ptPath("r")},
			Add:    []AddAction{{Path: ptPath("a"), Value: ptV(":a")}},
			Delete: []DeleteAction{{Path: ptPath("d"), Value: ptV(":d")}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseUpdate(tt.in)
			if err != nil {
				t.Fatalf("ParseUpdate(%q) error = %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got, ptCmpOpts); diff != "" {
				t.Errorf("ParseUpdate(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseUpdateErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "Invalid UpdateExpression: The expression can not be empty;"},
		{"keyword only", "SET", `Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "SET"`},
		{"trailing comma", "SET a = :v,", `Invalid UpdateExpression: Syntax error; token: "<EOF>", near: ","`},
		{"hyphen", "SET book-price = :v", `Invalid UpdateExpression: Syntax error; token: "-", near: "book-price"`},
		{"no clause", "a = :v", `Invalid UpdateExpression: Syntax error; token: "a", near: "a ="`},
		{"add needs value", "ADD a b", `Invalid UpdateExpression: Syntax error; token: "b", near: "a b"`},
		{"delete needs value", "DELETE a", `Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "a"`},
		{"two operators", "SET a = b + c + d", `Invalid UpdateExpression: Syntax error; token: "+", near: "c + d"`},
		{"nested arithmetic", "SET a = b + (c - d)", `Invalid UpdateExpression: Syntax error; token: "-", near: "c - d"`},
		{"keyword as path", "SET add = :v", `Invalid UpdateExpression: Syntax error; token: "add", near: "SET add ="`},
		{"section twice", "SET a = :v REMOVE b set c = :w", `Invalid UpdateExpression: The "SET" section can only be used once in an update expression;`},
		{"reserved", "SET a = :v REMOVE name", "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name"},
		{"reserved before section", "REMOVE a REMOVE size", "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: size"},
		{"unknown function", "SET a = foo(b)", "Invalid UpdateExpression: Invalid function name; function: foo"},
		{"condition function", "SET a = size(b)", "Invalid UpdateExpression: The function is not allowed in an update expression; function: size"},
		{"boolean function", "SET a = contains(b, :v)", "Invalid UpdateExpression: The function is not allowed in an update expression; function: contains"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseUpdate(tt.in)
			if got := ptMessage(t, err); got != tt.want {
				t.Errorf("ParseUpdate(%q) error = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseProjection(t *testing.T) {
	tests := []struct {
		name, in string
		want     Projection
		wantErr  string
	}{
		{name: "one", in: "a", want: Projection{ptPath("a")}},
		{name: "several", in: "a, #b.c, d[0][1]", want: Projection{ptPath("a"), ptPath("#b", "c"), ptPath("d", 0, 1)}},
		{name: "keywords are names", in: "and1, or_", want: Projection{ptPath("and1"), ptPath("or_")}},
		{name: "empty", in: "", wantErr: "Invalid ProjectionExpression: The expression can not be empty;"},
		{name: "trailing comma", in: "a,", wantErr: `Invalid ProjectionExpression: Syntax error; token: "<EOF>", near: ","`},
		{name: "function", in: "size(a)", wantErr: `Invalid ProjectionExpression: Syntax error; token: "(", near: "size(a"`},
		{name: "reserved", in: "a, Comment", wantErr: "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: Comment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseProjection(tt.in)
			if msg := ptMessage(t, err); tt.wantErr != "" || err != nil {
				if msg != tt.wantErr {
					t.Fatalf("ParseProjection(%q) error = %q, want %q", tt.in, msg, tt.wantErr)
				}
				return
			}
			if diff := cmp.Diff(tt.want, got, ptCmpOpts); diff != "" {
				t.Errorf("ParseProjection(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestReservedWords(t *testing.T) {
	words := strings.Fields(reservedWordList)
	if len(words) != 573 {
		t.Errorf("len(reserved words) = %d, want 573", len(words))
	}
	longest := 0
	for _, w := range words {
		longest = max(longest, len(w))
	}
	if longest != maxReservedWordLen {
		t.Errorf("longest reserved word = %d bytes, want maxReservedWordLen = %d", longest, maxReservedWordLen)
	}
	for _, tt := range []struct {
		name string
		want bool
	}{{"ABORT", true}, {"zone", true}, {"Status", true}, {"LocalTimestamp", true}, {"inner", true}, {"innter", true},
		{"contains", false}, {"pk", false}, {"abortx", false}, {"", false}} {
		if got := isReserved(tt.name); got != tt.want {
			t.Errorf("isReserved(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestPathString(t *testing.T) {
	for _, tt := range []struct {
		path Path
		want string
	}{
		{ptPath("a"), "[a]"},
		{ptPath("a", "b", 2), "[a, b, [2]]"},
		{ptPath("a", 0, 1, "c"), "[a, [0], [1], c]"},
	} {
		if got := tt.path.String(); got != tt.want {
			t.Errorf("Path(%v).String() = %q, want %q", []PathElem(tt.path), got, tt.want)
		}
	}
}

func TestDepthBounds(t *testing.T) {
	t.Run("deep NOT within the size limit parses", func(t *testing.T) {
		s := strings.Repeat("NOT ", 1000) + "a = :v"
		c, err := ParseCondition(KindCondition, s)
		if err != nil {
			t.Fatalf("ParseCondition(1000 NOTs) error = %v", err)
		}
		depth := 0
		for {
			n, ok := c.(Not)
			if !ok {
				break
			}
			depth, c = depth+1, n.Cond
		}
		if depth != 1000 {
			t.Errorf("ParseCondition(1000 NOTs) nests %d Nots, want 1000", depth)
		}
	})
	t.Run("deep parentheses", func(t *testing.T) {
		s := strings.Repeat("(", 2000) + "a = :v" + strings.Repeat(")", 2000)
		_, err := ParseCondition(KindCondition, s)
		if got, want := ptMessage(t, err), "Invalid ConditionExpression: The expression has redundant parentheses;"; got != want {
			t.Errorf("ParseCondition(2000 parens) error = %q, want %q", got, want)
		}
	})
	t.Run("unbalanced deep parentheses", func(t *testing.T) {
		s := strings.Repeat("(", MaxExpressionSize)
		_, err := ParseCondition(KindCondition, s)
		if got := ptMessage(t, err); !strings.HasPrefix(got, "Invalid ConditionExpression: ") {
			t.Errorf("ParseCondition(4096 open parens) error = %q, want a ConditionExpression error", got)
		}
	})
	t.Run("built tree deeper than the bound", func(t *testing.T) {
		var c Cond = ptCmp(ptP("a"), OpEQ, ptV(":v"))
		for i := 0; i < maxDepth+10; i++ {
			c = Not{Cond: c}
		}
		b := newBinder(nil, map[string]value.Value{":v": value.S("x")})
		b.reset(KindFilter)
		b.cond(c, 0)
		if got, want := ptMessage(t, b.err(grammarCondition)), "Invalid FilterExpression: The expression is nested too deeply; maximum depth: 4096"; got != want {
			t.Errorf("bind(deep tree) error = %q, want %q", got, want)
		}
		if err := checkCondition(KindFilter, c); err == nil {
			t.Errorf("checkCondition(deep tree) = nil, want an error")
		}
		if _, err := KeyConditionFor(deepAnd(maxDepth+10), "a", ""); err == nil {
			t.Errorf("KeyConditionFor(deep tree) = nil, want an error")
		}
	})
}

// deepAnd returns a left-leaning chain of n ANDs.
func deepAnd(n int) Cond {
	leaf := ptCmp(ptP("a"), OpEQ, ValueOperand{Value: value.S("x")})
	c := leaf
	for i := 0; i < n; i++ {
		c = And{Left: c, Right: leaf}
	}
	return c
}
