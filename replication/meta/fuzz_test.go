package meta

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// FuzzApplyEntry feeds arbitrary log entries to the decoder and the state
// transition: decoding never panics, and a decoded command applies
// deterministically (twice from the same state, the same result and state)
// without touching the state it started from, into a valid state that a
// snapshot round trip keeps exactly.
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
		// The new state keeps the invariants and survives a snapshot.
		if d := cmp.Diff(s1, deepCopy(t, s1)); d != "" {
			t.Fatalf("snapshot round trip of the new state (-state +restored):\n%s", d)
		}
	})
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// FuzzDecodeSnapshot feeds arbitrary bytes to the snapshot decoder: it never
// panics, and what it accepts is a valid state that encodes back to itself.
func FuzzDecodeSnapshot(f *testing.F) {
	s := newState()
	for i, c := range []Command{
		putNode(Node{ID: "n1", Zone: "z"}),
		createTable(Table{Name: "a", Data: []byte("d")}),
		initRing(ring2()),
	} {
		s, _ = s.apply(uint64(i+1), &c)
	}
	for _, st := range []*State{newState(), s} {
		b, err := json.Marshal(snapshotFile{Version: snapshotVersion, State: st})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"version":1,"state":null}`))
	f.Add([]byte(`{"version":1,"state":{"tables":{"a":{"name":"a","id":1,"version":1,"data":""}},"ranges":[],"next_table_id":2,"next_group_id":1}}`))
	f.Add([]byte(`{"version":1,"state":{"next_table_id":1,"next_group_id":2,"ranges":[{"group":1,"start":"","end":"","epoch":1,"voters":["n1"]}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := decodeSnapshot(data)
		if err != nil {
			return
		}
		if err := s.validate(); err != nil {
			t.Fatalf("accepted an invalid state: %v", err)
		}
		if d := cmp.Diff(s, deepCopy(t, s)); d != "" {
			t.Fatalf("snapshot round trip (-decoded +again):\n%s", d)
		}
	})
}
