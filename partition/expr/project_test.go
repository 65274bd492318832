package expr

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/atolldb/atoll/partition/value"
)

func TestProjectionApply(t *testing.T) {
	item := value.Item{
		"p": value.S("key"),
		"a": value.M(map[string]value.Value{
			"b": value.L(evN("2"), evN("4"), value.M(map[string]value.Value{"x": value.S("hi"), "y": value.S("yo")})),
			"c": evN("5"),
		}),
		"b":    value.S("hello"),
		"list": value.L(value.S("zero"), value.S("one"), value.S("two"), value.L(value.S("n0"), value.S("n1"))),
	}
	tests := []struct {
		name string
		p    Projection
		want value.Item
	}{
		{"top-level", Projection{evPath("b"), evPath("p")}, value.Item{"b": value.S("hello"), "p": value.S("key")}},
		{"whole map", Projection{evPath("a")}, value.Item{"a": item["a"]}},
		{"nested map keeps nesting", Projection{evPath("a", "c")}, value.Item{"a": value.M(map[string]value.Value{"c": evN("5")})}},
		{"list inside map", Projection{evPath("a", "b")}, value.Item{"a": value.M(map[string]value.Value{"b": item["a"].M["b"]})}},
		{"one list element", Projection{evPath("a", "b", 0)}, value.Item{"a": value.M(map[string]value.Value{"b": value.L(evN("2"))})}},
		{"map in list element", Projection{evPath("a", "b", 2, "y")},
			value.Item{"a": value.M(map[string]value.Value{"b": value.L(value.M(map[string]value.Value{"y": value.S("yo")}))})}},
		{"list elements in index order", Projection{evPath("list", 2), evPath("list", 0)}, value.Item{"list": value.L(value.S("zero"), value.S("two"))}},
		{"nested list element", Projection{evPath("list", 3, 1)}, value.Item{"list": value.L(value.L(value.S("n1")))}},
		{"merge into one map", Projection{evPath("a", "b", 0), evPath("a", "c")},
			value.Item{"a": value.M(map[string]value.Value{"b": value.L(evN("2")), "c": evN("5")})}},
		{"merge into one list", Projection{evPath("a", "b", 0), evPath("a", "b", 1)},
			value.Item{"a": value.M(map[string]value.Value{"b": value.L(evN("2"), evN("4"))})}},
		{"map and top-level", Projection{evPath("a", "c"), evPath("b")}, value.Item{"a": value.M(map[string]value.Value{"c": evN("5")}), "b": value.S("hello")}},
		{"missing top-level", Projection{evPath("x")}, value.Item{}},
		{"past the end", Projection{evPath("a", "b", 3)}, value.Item{}},
		{"missing key", Projection{evPath("a", "x")}, value.Item{}},
		{"under missing key", Projection{evPath("a", "x", "y")}, value.Item{}},
		{"under past the end", Projection{evPath("a", "b", 3, "x")}, value.Item{}},
		{"key on list", Projection{evPath("a", "b", "x")}, value.Item{}},
		{"index on map", Projection{evPath("a", 0)}, value.Item{}},
		{"key on scalar element", Projection{evPath("a", "b", 0, "x")}, value.Item{}},
		{"index on scalar element", Projection{evPath("a", "b", 0, 0)}, value.Item{}},
		{"partly missing", Projection{evPath("a", "x"), evPath("a", "b", 0), evPath("x"), evPath("a", "b", 3, "x")},
			value.Item{"a": value.M(map[string]value.Value{"b": value.L(evN("2"))})}},
		{"negative index", Projection{evPath("list", -1)}, value.Item{}},
		{"empty projection", Projection{}, value.Item{}},
		{"empty path", Projection{Path{}, evPath("b")}, value.Item{"b": value.S("hello")}},
		{"leading index", Projection{Path{{IsIndex: true, Index: 0}}}, value.Item{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := item.Clone()
			got := tc.p.Apply(item)
			if diff := cmp.Diff(tc.want, got, evItemCmp); diff != "" {
				t.Errorf("Apply(%v) mismatch (-want +got):\n%s", tc.p, diff)
			}
			if diff := cmp.Diff(before, item, evItemCmp); diff != "" {
				t.Errorf("Apply(%v) modified its input (-before +after):\n%s", tc.p, diff)
			}
		})
	}
}

func TestProjectionApplyMissingItem(t *testing.T) {
	for _, item := range []value.Item{nil, {}} {
		got := Projection{evPath("a"), evPath("b", 0)}.Apply(item)
		if got == nil || len(got) != 0 {
			t.Errorf("Apply(%v) = %v, want an empty, non-nil item", item, got)
		}
	}
}
