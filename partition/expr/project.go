package expr

import (
	"slices"

	"github.com/atolldb/atoll/partition/value"
)

// projNode is one level of a projection trie: the projected paths that pass
// through a map key or list index, merged.
type projNode struct {
	leaf    bool // a projected path ends here: keep the whole value
	names   map[string]*projNode
	indexes map[int]*projNode
}

// Apply returns a new item holding only the projected paths of item, with
// DynamoDB's semantics: a nested map path keeps its enclosing maps (a.b
// gives {a: {b: ...}}), list indexes keep a list of just the selected
// elements in index order (a[2], a[0] gives {a: [a[0], a[2]]}), several paths
// merge into the same maps and lists, and paths that do not resolve are left
// out (with their enclosing maps and lists, when nothing under them
// resolves). The result shares values with item; it is never nil.
func (p Projection) Apply(item value.Item) value.Item {
	out := make(value.Item, len(p))
	if len(item) == 0 || len(p) == 0 {
		return out
	}
	// Top-level attributes are the common case: no trie needed.
	simple := true
	for _, path := range p {
		if len(path) != 1 {
			simple = false
			break
		}
	}
	if simple {
		for _, path := range p {
			if path[0].IsIndex {
				continue
			}
			if v, ok := item[path[0].Name]; ok {
				out[path[0].Name] = v
			}
		}
		return out
	}
	root := &projNode{}
	for _, path := range p {
		if len(path) == 0 || path[0].IsIndex {
			continue
		}
		root.add(path)
	}
	for name, n := range root.names {
		v, ok := item[name]
		if !ok {
			continue
		}
		if pv, ok := n.project(v); ok {
			out[name] = pv
		}
	}
	return out
}

// add inserts path below n. It loops over the path, so its cost is bounded
// by the path's length.
func (n *projNode) add(path Path) {
	for _, e := range path {
		var next *projNode
		if e.IsIndex {
			if n.indexes == nil {
				n.indexes = make(map[int]*projNode)
			}
			if next = n.indexes[e.Index]; next == nil {
				next = &projNode{}
				n.indexes[e.Index] = next
			}
		} else {
			if n.names == nil {
				n.names = make(map[string]*projNode)
			}
			if next = n.names[e.Name]; next == nil {
				next = &projNode{}
				n.names[e.Name] = next
			}
		}
		n = next
	}
	n.leaf = true
}

// project returns the part of v that n selects, and whether anything was
// selected. The recursion follows the trie, so it is bounded by the longest
// projected path.
func (n *projNode) project(v value.Value) (value.Value, bool) {
	if n.leaf {
		return v, true
	}
	switch {
	case v.Type == value.TypeM && len(n.names) > 0:
		var m map[string]value.Value
		for name, child := range n.names {
			cv, ok := v.M[name]
			if !ok {
				continue
			}
			if pv, ok := child.project(cv); ok {
				if m == nil {
					m = make(map[string]value.Value, len(n.names))
				}
				m[name] = pv
			}
		}
		if m == nil {
			return value.Value{}, false
		}
		return value.M(m), true
	case v.Type == value.TypeL && len(n.indexes) > 0:
		idx := make([]int, 0, len(n.indexes))
		for i := range n.indexes {
			if i >= 0 && i < len(v.L) {
				idx = append(idx, i)
			}
		}
		slices.Sort(idx)
		var l []value.Value
		for _, i := range idx {
			if pv, ok := n.indexes[i].project(v.L[i]); ok {
				l = append(l, pv)
			}
		}
		if l == nil {
			return value.Value{}, false
		}
		return value.L(l...), true
	}
	return value.Value{}, false
}
