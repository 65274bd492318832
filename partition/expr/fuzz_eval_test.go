package expr

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/atolldb/atoll/partition/value"
)

// evGen builds small items and bound trees from fuzz bytes. Names and
// indexes come from tiny ranges so that paths collide with the item often;
// an exhausted input reads as zeros.
type evGen struct{ data []byte }

func (g *evGen) next() int {
	if len(g.data) == 0 {
		return 0
	}
	b := g.data[0]
	g.data = g.data[1:]
	return int(b)
}

var (
	evGenNames   = []string{"a", "b", "c", "pk"}
	evGenStrings = []string{"", "x", "xy", "é𝄞"}
	evGenNumbers = []string{"0", "1", "-2.5", "9.9999999999999999999999999999999999999E+125", "1E-130"}
	evGenOps     = []CompareOp{OpEQ, OpNE, OpLT, OpLE, OpGT, OpGE}
	evGenFuncs   = []string{"attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains", "size", "bogus"}
)

func (g *evGen) name() string { return evGenNames[g.next()%len(evGenNames)] }

func (g *evGen) path() Path {
	p := Path{{Name: g.name()}}
	for range g.next() % 4 {
		if b := g.next(); b%2 == 0 {
			p = append(p, PathElem{Name: g.name()})
		} else {
			p = append(p, PathElem{IsIndex: true, Index: b%6 - 1})
		}
	}
	return p
}

func (g *evGen) value(depth int) value.Value {
	kind := g.next() % 10
	if depth >= 3 && kind >= 5 && kind <= 6 {
		kind = 0
	}
	switch kind {
	case 0:
		return value.S(evGenStrings[g.next()%len(evGenStrings)])
	case 1:
		return evN(evGenNumbers[g.next()%len(evGenNumbers)])
	case 2:
		return value.B([]byte(evGenStrings[g.next()%len(evGenStrings)]))
	case 3:
		return value.Bool(g.next()%2 == 0)
	case 4:
		return value.Null()
	case 5:
		m := map[string]value.Value{}
		for range g.next() % 3 {
			m[g.name()] = g.value(depth + 1)
		}
		return value.M(m)
	case 6:
		var l []value.Value
		for range g.next() % 4 {
			l = append(l, g.value(depth+1))
		}
		return value.L(l...)
	case 7:
		n := 1 + g.next()%len(evGenStrings)
		return value.SS(evGenStrings[:n]...)
	case 8:
		n := 1 + g.next()%len(evGenNumbers)
		ns := make([]value.Number, n)
		for i := range ns {
			ns[i] = evNum(evGenNumbers[i])
		}
		return value.NS(ns...)
	default:
		n := 1 + g.next()%len(evGenStrings)
		bs := make([][]byte, n)
		for i := range bs {
			bs[i] = []byte(evGenStrings[i])
		}
		return value.BS(bs...)
	}
}

func (g *evGen) item() value.Item {
	n := g.next() % 5
	if n == 0 {
		return nil
	}
	it := value.Item{}
	for range n {
		it[g.name()] = g.value(1)
	}
	return it
}

func (g *evGen) operand(depth int) Operand {
	k := g.next() % 9
	if depth >= 3 {
		k %= 2
	}
	switch k {
	case 0:
		return PathOperand{Path: g.path()}
	case 1:
		return ValueOperand{Placeholder: ":v", Value: g.value(1)}
	case 2:
		return FuncOperand{Name: "if_not_exists", Args: []Operand{PathOperand{Path: g.path()}, g.operand(depth + 1)}}
	case 3:
		return FuncOperand{Name: "list_append", Args: []Operand{g.operand(depth + 1), g.operand(depth + 1)}}
	case 4:
		op := byte('+')
		if g.next()%2 == 1 {
			op = '-'
		}
		return ArithOperand{Op: op, Left: g.operand(depth + 1), Right: g.operand(depth + 1)}
	case 5:
		return FuncOperand{Name: "size", Args: []Operand{g.operand(depth + 1)}}
	case 6:
		return ValueOperand{Placeholder: ":unbound"}
	case 7:
		return FuncOperand{Name: "if_not_exists", Args: []Operand{g.operand(depth + 1)}}
	default:
		return nil
	}
}

func (g *evGen) update() *Update {
	u := &Update{}
	for range g.next() % 4 {
		u.Set = append(u.Set, SetAction{Path: g.path(), Value: g.operand(0)})
	}
	for range g.next() % 4 {
		u.Remove = append(u.Remove, g.path())
	}
	for range g.next() % 3 {
		u.Add = append(u.Add, AddAction{Path: g.path(), Value: g.operand(2)})
	}
	for range g.next() % 3 {
		u.Delete = append(u.Delete, DeleteAction{Path: g.path(), Value: g.operand(2)})
	}
	return u
}

func (g *evGen) cond(depth int) Cond {
	k := g.next() % 8
	if depth >= 4 {
		k %= 4
	}
	switch k {
	case 0:
		return Compare{Op: evGenOps[g.next()%len(evGenOps)], Left: g.operand(1), Right: g.operand(1)}
	case 1:
		return Between{Operand: g.operand(1), Low: g.operand(1), High: g.operand(1)}
	case 2:
		return In{Operand: g.operand(1), List: []Operand{g.operand(1), g.operand(1)}}
	case 3:
		args := []Operand{PathOperand{Path: g.path()}}
		for range g.next() % 2 {
			args = append(args, g.operand(1))
		}
		return Func{Name: evGenFuncs[g.next()%len(evGenFuncs)], Args: args}
	case 4:
		return And{Left: g.cond(depth + 1), Right: g.cond(depth + 1)}
	case 5:
		return Or{Left: g.cond(depth + 1), Right: g.cond(depth + 1)}
	case 6:
		return Not{Cond: g.cond(depth + 1)}
	default:
		return nil
	}
}

func evFuzzSeeds(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{3, 0, 1, 5, 2, 0, 1, 1, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{4, 6, 3, 1, 2, 3, 0, 1, 1, 1, 3, 2, 1, 1, 2, 4, 0, 1, 1})
	f.Add([]byte("SET a[1] = list_append(a, :v) REMOVE a[0]"))
	f.Add([]byte{2, 1, 5, 2, 0, 0, 7, 3, 3, 1, 0, 1, 2, 1, 8, 2, 2, 1, 1, 9, 1})
}

// FuzzApplyUpdate checks that no update tree and item make ApplyUpdate panic
// or change its input item, and that a successful result is a valid item
// within DynamoDB's limits.
func FuzzApplyUpdate(f *testing.F) {
	evFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		g := &evGen{data: data}
		item := g.item()
		u := g.update()
		before := item.Clone()
		got, paths, err := ApplyUpdate(u, item)
		if diff := cmp.Diff(before, item, evItemCmp); diff != "" {
			t.Fatalf("ApplyUpdate(%+v) modified its input (-before +after):\n%s", u, diff)
		}
		if err != nil {
			if _, ok := err.(*value.ValidationError); !ok {
				t.Fatalf("ApplyUpdate(%+v) error = %v (%T), want a *value.ValidationError", u, err, err)
			}
			return
		}
		if verr := value.ValidateItem(got); verr != nil {
			t.Fatalf("ApplyUpdate(%+v) = %v, an invalid item: %v", u, got, verr)
		}
		// The changed paths project without trouble from both versions.
		Projection(paths).Apply(got)
		Projection(paths).Apply(item)
		if diff := cmp.Diff(before, item, evItemCmp); diff != "" {
			t.Fatalf("Projection.Apply modified its input (-before +after):\n%s", diff)
		}
	})
}

// FuzzEvalCondition checks that no condition tree and item make
// EvalCondition panic or change the item, and that its errors do not depend
// on the item.
func FuzzEvalCondition(f *testing.F) {
	evFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		g := &evGen{data: data}
		item := g.item()
		c := g.cond(0)
		before := item.Clone()
		_, err := EvalCondition(c, item)
		if diff := cmp.Diff(before, item, evItemCmp); diff != "" {
			t.Fatalf("EvalCondition(%+v) modified its input (-before +after):\n%s", c, diff)
		}
		_, errNoItem := EvalCondition(c, nil)
		if (err == nil) != (errNoItem == nil) || (err != nil && err.Error() != errNoItem.Error()) {
			t.Fatalf("EvalCondition(%+v) error = %v with the item, %v without: errors must not depend on the item", c, err, errNoItem)
		}
	})
}
