package expr

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/atolldb/atoll/partition/value"
)

func sampleTrees() (Cond, *Update, Projection) {
	one := ValueOperand{Placeholder: ":one", Value: value.N(value.NumberFromInt(1))}
	set := ValueOperand{Value: value.SS("a", "b")}
	p := func(names ...string) Path {
		var out Path
		for _, n := range names {
			out = append(out, PathElem{Name: n})
		}
		return out
	}
	idx := Path{{Name: "list", Placeholder: true}, {IsIndex: true, Index: 3}, {Name: "x"}}
	cond := Or{
		Left: And{
			Left:  Compare{Op: OpLE, Left: PathOperand{Path: idx}, Right: one},
			Right: Not{Cond: Func{Name: "attribute_exists", Args: []Operand{PathOperand{Path: p("a", "b")}}}},
		},
		Right: Or{
			Left:  Between{Operand: FuncOperand{Name: "size", Args: []Operand{PathOperand{Path: p("s")}}}, Low: one, High: one},
			Right: In{Operand: PathOperand{Path: p("k")}, List: []Operand{one, set}},
		},
	}
	upd := &Update{
		Set: []SetAction{
			{Path: p("c"), Value: ArithOperand{Op: '+', Left: PathOperand{Path: p("c")}, Right: one}},
			{Path: idx, Value: FuncOperand{Name: "if_not_exists", Args: []Operand{PathOperand{Path: p("d")}, one}}},
		},
		Remove: []Path{p("r", "s")},
		Add:    []AddAction{{Path: p("tags"), Value: set}},
		Delete: []DeleteAction{{Path: p("tags"), Value: set}},
	}
	return cond, upd, Projection{p("a"), idx}
}

var treeCmp = cmp.Options{cmp.AllowUnexported(value.Number{})}

func TestTreeEncodingRoundTrip(t *testing.T) {
	cond, upd, proj := sampleTrees()

	enc := AppendCond(nil, cond)
	gotCond, rest, err := DecodeCond(enc)
	if err != nil || len(rest) != 0 {
		t.Fatalf("DecodeCond: %v (rest %d)", err, len(rest))
	}
	if d := cmp.Diff(cond, gotCond, treeCmp); d != "" {
		t.Errorf("cond round trip (-want +got):\n%s", d)
	}

	nilEnc := AppendCond(nil, nil)
	if c, _, err := DecodeCond(nilEnc); c != nil || err != nil {
		t.Errorf("DecodeCond(nil encoding) = %v, %v; want nil, nil", c, err)
	}

	gotUpd, rest, err := DecodeUpdate(AppendUpdate(nil, upd))
	if err != nil || len(rest) != 0 {
		t.Fatalf("DecodeUpdate: %v (rest %d)", err, len(rest))
	}
	if d := cmp.Diff(upd, gotUpd, treeCmp); d != "" {
		t.Errorf("update round trip (-want +got):\n%s", d)
	}

	gotProj, rest, err := DecodeProjection(AppendProjection(nil, proj))
	if err != nil || len(rest) != 0 {
		t.Fatalf("DecodeProjection: %v (rest %d)", err, len(rest))
	}
	if d := cmp.Diff(proj, gotProj, treeCmp); d != "" {
		t.Errorf("projection round trip (-want +got):\n%s", d)
	}
}

func TestTreeDecodeCorrupt(t *testing.T) {
	cond, upd, _ := sampleTrees()
	enc := AppendCond(nil, cond)
	for i := 1; i < len(enc); i++ {
		if _, _, err := DecodeCond(enc[:i]); !errors.Is(err, ErrCorruptTree) {
			t.Errorf("DecodeCond(truncated to %d) error = %v, want ErrCorruptTree", i, err)
		}
	}
	uenc := AppendUpdate(nil, upd)
	for i := range uenc {
		if _, _, err := DecodeUpdate(uenc[:i]); !errors.Is(err, ErrCorruptTree) {
			t.Errorf("DecodeUpdate(truncated to %d) error = %v, want ErrCorruptTree", i, err)
		}
	}
	// And with a nil child is never produced by the encoder and must be rejected.
	if _, _, err := DecodeCond([]byte{tagAnd, tagNil, tagNil}); !errors.Is(err, ErrCorruptTree) {
		t.Errorf("DecodeCond(And of nils) error = %v, want ErrCorruptTree", err)
	}
}

func FuzzDecodeTree(f *testing.F) {
	cond, upd, proj := sampleTrees()
	f.Add(AppendCond(nil, cond))
	f.Add(AppendUpdate(nil, upd))
	f.Add(AppendProjection(nil, proj))
	f.Fuzz(func(t *testing.T, b []byte) {
		if c, _, err := DecodeCond(b); err == nil {
			again, _, err := DecodeCond(AppendCond(nil, c))
			if err != nil {
				t.Fatalf("re-decode cond: %v", err)
			}
			if d := cmp.Diff(c, again, treeCmp); d != "" {
				t.Fatalf("cond re-encoding changed the tree:\n%s", d)
			}
		}
		if u, _, err := DecodeUpdate(b); err == nil {
			if _, _, err := DecodeUpdate(AppendUpdate(nil, u)); err != nil {
				t.Fatalf("re-decode update: %v", err)
			}
		}
		if p, _, err := DecodeProjection(b); err == nil {
			if _, _, err := DecodeProjection(AppendProjection(nil, p)); err != nil {
				t.Fatalf("re-decode projection: %v", err)
			}
		}
	})
}
