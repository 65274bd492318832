package meta

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// FuzzApplyEntry feeds arbitrary log entries to the decoder and the state
// transition: decoding never panics, and a decoded command applies
// deterministically (twice from the same state, the same result and state)
// without touching the state it started from.
func FuzzApplyEntry(f *testing.F) {
	for _, c := range []Command{
		putNode(Node{ID: "n1", Zone: "z"}),
		createTable(Table{Name: "a", Data: []byte("d")}),
		putTable(Table{Name: "t", Version: 1}),
		deleteTable(Table{Name: "t", Version: 1}),
		initRing(ring2()),
		putRange(Range{Group: 1, End: []byte("m"), Epoch: 1, Voters: []string{"n2"}}),
	} {
		data, err := c.encode()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"op":"init-ring","ranges":[{"group":1,"epoch":1,"voters":["a"]}]}`))
	f.Add([]byte("garbage"))
	base := newState()
	base, _ = base.apply(1, &Command{Op: OpCreateTable, Table: &Table{Name: "t"}})
	f.Fuzz(func(t *testing.T, data []byte) {
		cmd, err := decodeCommand(data)
		if err != nil {
			return
		}
		before := deepCopy(t, base)
		s1, r1 := base.apply(2, cmd)
		s2, r2 := base.apply(2, cmd)
		if d := cmp.Diff(s1, s2); d != "" {
			t.Fatalf("apply is not deterministic (-first +second):\n%s", d)
		}
		if d := cmp.Diff(r1, r2, cmpopts.IgnoreFields(Result{}, "Err")); d != "" || errText(r1.Err) != errText(r2.Err) {
			t.Fatalf("results differ: %+v, %+v", r1, r2)
		}
		if d := cmp.Diff(before, base); d != "" {
			t.Fatalf("apply changed its input state (-before +after):\n%s", d)
		}
		if s1.Index != 2 {
			t.Fatalf("Index = %d, want 2", s1.Index)
		}
	})
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
