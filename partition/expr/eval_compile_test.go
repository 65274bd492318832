package expr

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/atolldb/atoll/partition/value"
)

// End-to-end tests: expressions parsed and bound by the Compiler, then
// evaluated.

func evCompile(t *testing.T, r Request) *Compiled {
	t.Helper()
	c, err := New(Config{})
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	out, err := c.Compile(r)
	if err != nil {
		t.Fatalf("Compile(%+v) error = %v", r, err)
	}
	return out
}

func TestCompiledConditionEval(t *testing.T) {
	item := value.Item{
		"pk":     value.S("user#1"),
		"age":    evN("42"),
		"name":   value.S("Ada Lovelace"),
		"tags":   value.SS("math", "poetry"),
		"addr":   value.M(map[string]value.Value{"city": value.S("London")}),
		"scores": value.L(evN("3"), evN("7")),
	}
	values := map[string]value.Value{
		":a": evN("40"), ":b": evN("50"), ":p": value.S("Ada"), ":t": value.S("math"),
		":c": value.S("London"), ":n": evN("2"), ":L": value.S("L"),
	}
	tests := []struct {
		name string
		expr string
		want bool
	}{
		{"between and begins_with", "age BETWEEN :a AND :b AND begins_with(#n, :p)", true},
		{"contains set", "contains(tags, :t)", true},
		{"nested path", "addr.city = :c", true},
		{"size and index", "size(scores) = :n AND scores[1] > :a", false},
		{"not exists or", "attribute_not_exists(nosuch) OR age < :a", true},
		{"not equal missing", "nosuch <> :a", true},
		{"attribute_type", "attribute_type(scores, :L)", true},
		{"in", "age IN (:a, :b, :n)", false},
		{"precedence", "NOT age = :a AND (age > :b OR size(tags) = :n)", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Only pass the values and names the expression uses.
			names := map[string]string{}
			if containsStr(tc.expr, "#n") {
				names["#n"] = "name"
			}
			used := map[string]value.Value{}
			for k, v := range values {
				if containsStr(tc.expr, k) {
					used[k] = v
				}
			}
			r := Request{Condition: tc.expr, Values: used}
			if len(names) > 0 {
				r.Names = names
			}
			c := evCompile(t, r)
			got, err := EvalCondition(c.Condition, item)
			if err != nil || got != tc.want {
				t.Fatalf("EvalCondition(%q) = %v, %v, want %v", tc.expr, got, err, tc.want)
			}
		})
	}
}

// containsStr reports whether placeholder ph occurs in s as a whole token.
func containsStr(s, ph string) bool {
	for i := 0; i+len(ph) <= len(s); i++ {
		if s[i:i+len(ph)] != ph {
			continue
		}
		end := i + len(ph)
		if end == len(s) || !isPlaceholderByte(s[end]) {
			return true
		}
	}
	return false
}

func isPlaceholderByte(c byte) bool {
	return c == '_' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

func TestCompiledUpdateApply(t *testing.T) {
	item := value.Item{
		"pk":   value.S("k"),
		"n":    evN("1"),
		"arr":  value.L(value.S("a"), value.S("b"), value.S("c")),
		"tags": value.SS("x"),
		"prev": value.SS("x"),
	}
	c := evCompile(t, Request{
		Update: "SET n = n + :one, arr[5] = :d, meta = if_not_exists(meta, :empty) REMOVE arr[0] ADD tags :y DELETE prev :x",
		Values: map[string]value.Value{
			":one": evN("1"), ":d": value.S("d"), ":empty": value.M(map[string]value.Value{}),
			":y": value.SS("y"), ":x": value.SS("x"),
		},
	})
	if err := CheckKeyUpdate(c.Update, "pk"); err != nil {
		t.Fatalf("CheckKeyUpdate() = %v, want nil", err)
	}
	got, paths, err := ApplyUpdate(c.Update, item)
	if err != nil {
		t.Fatalf("ApplyUpdate() error = %v", err)
	}
	want := value.Item{
		"pk":   value.S("k"),
		"n":    evN("2"),
		"arr":  value.L(value.S("b"), value.S("c"), value.S("d")),
		"tags": value.SS("x", "y"),
		"meta": value.M(map[string]value.Value{}),
	}
	if diff := cmp.Diff(want, got, evItemCmp); diff != "" {
		t.Errorf("ApplyUpdate() mismatch (-want +got):\n%s", diff)
	}
	if len(paths) != 6 {
		t.Errorf("ApplyUpdate() changed paths = %v, want 6 paths", paths)
	}

	key := evCompile(t, Request{Update: "SET pk = :v", Values: map[string]value.Value{":v": value.S("x")}})
	evWantErr(t, "CheckKeyUpdate", CheckKeyUpdate(key.Update, "pk"),
		"One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key")
}

func TestCompiledProjectionApply(t *testing.T) {
	item := value.Item{
		"a": value.M(map[string]value.Value{"b": value.L(evN("2"), evN("4"), evN("6")), "c": evN("5")}),
		"d": value.S("x"),
	}
	c := evCompile(t, Request{Projection: "a.b[2], a.b[0], #d", Names: map[string]string{"#d": "d"}})
	got := c.Projection.Apply(item)
	want := value.Item{"a": value.M(map[string]value.Value{"b": value.L(evN("2"), evN("6"))}), "d": value.S("x")}
	if diff := cmp.Diff(want, got, evItemCmp); diff != "" {
		t.Errorf("Apply() mismatch (-want +got):\n%s", diff)
	}
}

func TestCompiledKeyConditionMatchSort(t *testing.T) {
	c := evCompile(t, Request{
		KeyCondition: "pk = :p AND begins_with(sk, :pre)",
		Values:       map[string]value.Value{":p": value.S("user"), ":pre": value.S("order#")},
	})
	kc, err := KeyConditionFor(c.KeyCondition, "pk", "sk")
	if err != nil {
		t.Fatalf("KeyConditionFor() error = %v", err)
	}
	for _, tc := range []struct {
		sk   value.Value
		want bool
	}{
		{value.S("order#1"), true},
		{value.S("order"), false},
		{value.S("invoice#1"), false},
	} {
		if got := kc.MatchSort(tc.sk); got != tc.want {
			t.Errorf("MatchSort(%v) = %v, want %v", tc.sk, got, tc.want)
		}
	}
}
