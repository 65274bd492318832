package expr

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/atolldb/atoll/partition/value"
)

// ptCheckFuzzResult asserts what holds for every input: errors are
// ValidationErrors prefixed with the expression kind, and parsing is
// deterministic.
func ptCheckFuzzResult(t *testing.T, kind Kind, s string, got any, err error, again func() (any, error)) {
	t.Helper()
	if err != nil {
		var ve *value.ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("parse(%q) error %T %v, want *value.ValidationError", s, err, err)
		}
		if prefix := "Invalid " + kind.String() + ": "; !strings.HasPrefix(ve.Message, prefix) {
			t.Fatalf("parse(%q) error = %q, want prefix %q", s, ve.Message, prefix)
		}
	}
	got2, err2 := again()
	if (err == nil) != (err2 == nil) || (err != nil && err.Error() != err2.Error()) {
		t.Fatalf("parse(%q) not deterministic: errors %v then %v", s, err, err2)
	}
	if diff := cmp.Diff(got, got2, ptCmpOpts); diff != "" {
		t.Fatalf("parse(%q) not deterministic (-first +second):\n%s", s, diff)
	}
}

func FuzzParseCondition(f *testing.F) {
	for _, s := range []string{
		"a = :v", "attribute_not_exists(pk) OR #v < :v", "NOT (a BETWEEN :x AND :y) AND b IN (:a, :b)",
		"begins_with(#a.b[2], :p) or size(c) >= :n", "((a = :v))", "contains (themes, :theme",
		"a[01].b <> :v", "not not attribute_type(a, :t)", "(size(a)) = :v", "foo(a) = ATTRIBUTE_EXISTS(b)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCondition(KindFilter, s)
		ptCheckFuzzResult(t, KindFilter, s, c, err, func() (any, error) { return ParseCondition(KindFilter, s) })
		if err == nil && c == nil {
			t.Fatalf("ParseCondition(%q) = nil, nil", s)
		}
	})
}

func FuzzParseUpdate(f *testing.F) {
	for _, s := range []string{
		"SET #c = #c + :one, updated = :now REMOVE tmp ADD tags :t", "set a = list_append(if_not_exists(a, :e), :v)",
		"DELETE s :v", "SET a = (b) - (:c)", "SET a = :v REMOVE b SET c = :w", "REMOVE a[1], b.c[2].d",
		"SET a = b + c + d", "ADD a b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseUpdate(s)
		ptCheckFuzzResult(t, KindUpdate, s, u, err, func() (any, error) { return ParseUpdate(s) })
		if err == nil && len(u.Set)+len(u.Remove)+len(u.Add)+len(u.Delete) == 0 {
			t.Fatalf("ParseUpdate(%q) succeeded with no action", s)
		}
	})
}

func FuzzParseProjection(f *testing.F) {
	for _, s := range []string{"a", "a, #b.c, d[0][1]", "a,", "Comment", "a . b [ 3 ]", "#x[999999999999]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseProjection(s)
		ptCheckFuzzResult(t, KindProjection, s, p, err, func() (any, error) { return ParseProjection(s) })
		for _, path := range p {
			if len(path) == 0 || path[0].IsIndex {
				t.Fatalf("ParseProjection(%q) returned invalid path %v", s, path)
			}
		}
	})
}
