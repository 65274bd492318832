package meta

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/raft"

	"github.com/atolldb/atoll/replication"
)

// testFSM is an fsm with a counted stop hook and the next raft index.
type testFSM struct {
	*fsm
	stops atomic.Int32
	index uint64
}

func newTestFSM(t *testing.T) *testFSM {
	t.Helper()
	f := &testFSM{}
	f.fsm = newFSM(slog.New(slog.DiscardHandler), func() { f.stops.Add(1) })
	return f
}

// applyRaw hands data to Apply as the next command entry.
func (f *testFSM) applyRaw(data []byte) any {
	f.index++
	return f.Apply(&raft.Log{Index: f.index, Term: 1, Type: raft.LogCommand, Data: data})
}

// apply applies cmd through its log encoding and returns its Result.
func (f *testFSM) apply(t *testing.T, cmd Command) Result {
	t.Helper()
	data, err := cmd.encode()
	if err != nil {
		t.Fatal(err)
	}
	resp := f.applyRaw(data)
	res, ok := resp.(Result)
	if !ok {
		t.Fatalf("Apply(%s) = %T %v, want a Result", data, resp, resp)
	}
	return res
}

func (f *testFSM) state() *State { return f.current().state }

// deepCopy returns a copy of s sharing nothing with it.
func deepCopy(t *testing.T, s *State) *State {
	t.Helper()
	b, err := json.Marshal(snapshotFile{Version: snapshotVersion, State: s})
	if err != nil {
		t.Fatal(err)
	}
	c, err := decodeSnapshot(b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var voters3 = []string{"n1", "n2", "n3"}

// ring2 is a valid two-range ring of groups 1 and 2, split at "m".
func ring2() []Range {
	return []Range{
		{Group: 1, End: []byte("m"), Epoch: 1, Voters: voters3},
		{Group: 2, Start: []byte("m"), Epoch: 1, Voters: voters3},
	}
}

func putNode(n Node) Command      { return Command{Op: OpPutNode, Node: &n} }
func createTable(t Table) Command { return Command{Op: OpCreateTable, Table: &t} }
func putTable(t Table) Command    { return Command{Op: OpPutTable, Table: &t} }
func deleteTable(t Table) Command { return Command{Op: OpDeleteTable, Table: &t} }
func initRing(r []Range) Command  { return Command{Op: OpInitRing, Ranges: r} }
func putRange(r Range) Command    { return Command{Op: OpPutRange, Range: &r} }

func TestApply(t *testing.T) {
	users := Table{Name: "users", Data: []byte(`{"v":1}`)}
	tests := []struct {
		name    string
		setup   []Command
		cmd     Command
		wantErr error
		want    Result
		// check inspects the state after cmd (on success).
		check func(t *testing.T, s *State)
	}{
		{
			name: "put-node inserts",
			cmd:  putNode(Node{ID: "n1", GRPCAddr: "a:9000", APIAddr: "a:8000", Zone: "z1"}),
			check: func(t *testing.T, s *State) {
				want := map[string]Node{"n1": {ID: "n1", GRPCAddr: "a:9000", APIAddr: "a:8000", Zone: "z1"}}
				if d := cmp.Diff(want, s.Nodes); d != "" {
					t.Errorf("Nodes (-want +got):\n%s", d)
				}
			},
		},
		{
			name:  "put-node replaces",
			setup: []Command{putNode(Node{ID: "n1", Zone: "z1"}), putNode(Node{ID: "n2"})},
			cmd:   putNode(Node{ID: "n1", Zone: "z2", Draining: true}),
			check: func(t *testing.T, s *State) {
				want := map[string]Node{"n1": {ID: "n1", Zone: "z2", Draining: true}, "n2": {ID: "n2"}}
				if d := cmp.Diff(want, s.Nodes); d != "" {
					t.Errorf("Nodes (-want +got):\n%s", d)
				}
			},
		},
		{name: "put-node without an ID", cmd: putNode(Node{}), wantErr: ErrInvalidCommand},
		{name: "put-node without a node", cmd: Command{Op: OpPutNode}, wantErr: ErrInvalidCommand},
		{
			name: "create-table allocates id 1 and version 1",
			cmd:  createTable(Table{Name: "users", ID: 77, Version: 9, Data: []byte(`{"v":1}`)}),
			want: Result{Table: Table{Name: "users", ID: 1, Version: 1, Data: []byte(`{"v":1}`)}},
			check: func(t *testing.T, s *State) {
				if s.NextTableID != 2 {
					t.Errorf("NextTableID = %d, want 2", s.NextTableID)
				}
				if got, ok := s.Table("users"); !ok || got.ID != 1 || got.Version != 1 {
					t.Errorf("Table(users) = %+v, %v, want id 1 version 1", got, ok)
				}
			},
		},
		{name: "create-table of a live name", setup: []Command{createTable(users)}, cmd: createTable(users), wantErr: ErrTableExists},
		{name: "create-table without a name", cmd: createTable(Table{}), wantErr: ErrInvalidCommand},
		{
			name:  "create-table never reuses an id",
			setup: []Command{createTable(users), createTable(Table{Name: "b"}), deleteTable(Table{Name: "users", Version: 1})},
			cmd:   createTable(users),
			want:  Result{Table: Table{Name: "users", ID: 3, Version: 1, Data: users.Data}},
			check: func(t *testing.T, s *State) {
				if s.NextTableID != 4 {
					t.Errorf("NextTableID = %d, want 4", s.NextTableID)
				}
			},
		},
		{
			name:  "put-table bumps the version and keeps the id",
			setup: []Command{createTable(Table{Name: "a"}), createTable(users)},
			cmd:   putTable(Table{Name: "users", ID: 99, Version: 1, Data: []byte(`{"v":2}`)}),
			want:  Result{Table: Table{Name: "users", ID: 2, Version: 2, Data: []byte(`{"v":2}`)}},
			check: func(t *testing.T, s *State) {
				if got, _ := s.Table("users"); got.Version != 2 || string(got.Data) != `{"v":2}` {
					t.Errorf("Table(users) = %+v, want version 2 with the new data", got)
				}
				if s.NextTableID != 3 {
					t.Errorf("NextTableID = %d, want 3", s.NextTableID)
				}
			},
		},
		{name: "put-table of a missing table", cmd: putTable(Table{Name: "users", Version: 1}), wantErr: ErrTableNotFound},
		{
			name:    "put-table at a stale version",
			setup:   []Command{createTable(users), putTable(Table{Name: "users", Version: 1})},
			cmd:     putTable(Table{Name: "users", Version: 1}),
			wantErr: ErrVersionMismatch,
		},
		{
			name:  "delete-table returns the last record",
			setup: []Command{createTable(users), putTable(Table{Name: "users", Version: 1, Data: []byte("x")})},
			cmd:   deleteTable(Table{Name: "users", Version: 2}),
			want:  Result{Table: Table{Name: "users", ID: 1, Version: 2, Data: []byte("x")}},
			check: func(t *testing.T, s *State) {
				if _, ok := s.Table("users"); ok {
					t.Error("Table(users) still live")
				}
				if s.NextTableID != 2 {
					t.Errorf("NextTableID = %d, want 2", s.NextTableID)
				}
			},
		},
		{name: "delete-table of a missing table", cmd: deleteTable(Table{Name: "users", Version: 1}), wantErr: ErrTableNotFound},
		{name: "delete-table at a wrong version", setup: []Command{createTable(users)}, cmd: deleteTable(Table{Name: "users", Version: 2}), wantErr: ErrVersionMismatch},
		{
			name: "init-ring",
			cmd:  initRing(ring2()),
			check: func(t *testing.T, s *State) {
				if d := cmp.Diff(ring2(), s.Ranges); d != "" {
					t.Errorf("Ranges (-want +got):\n%s", d)
				}
				if s.NextGroupID != 3 {
					t.Errorf("NextGroupID = %d, want 3", s.NextGroupID)
				}
			},
		},
		{
			name: "init-ring with one range and sparse groups",
			cmd:  initRing([]Range{{Group: 7, Epoch: 4, Voters: []string{"n1"}}}),
			check: func(t *testing.T, s *State) {
				if s.NextGroupID != 8 || len(s.Ranges) != 1 || s.Ranges[0].Epoch != 4 {
					t.Errorf("NextGroupID %d, Ranges %+v; want 8 and one range at epoch 4", s.NextGroupID, s.Ranges)
				}
			},
		},
		{name: "init-ring twice", setup: []Command{initRing(ring2())}, cmd: initRing(ring2()), wantErr: ErrRingExists},
		{name: "init-ring without ranges", cmd: initRing(nil), wantErr: ErrInvalidCommand},
		{name: "init-ring not from the start", cmd: initRing(modRing(func(r []Range) { r[0].Start = []byte("a") })), wantErr: ErrInvalidRing},
		{name: "init-ring not to the end", cmd: initRing(modRing(func(r []Range) { r[1].End = []byte("z") })), wantErr: ErrInvalidRing},
		{name: "init-ring with a gap", cmd: initRing(modRing(func(r []Range) { r[1].Start = []byte("n") })), wantErr: ErrInvalidRing},
		{name: "init-ring with an overlap", cmd: initRing(modRing(func(r []Range) { r[1].Start = []byte("l") })), wantErr: ErrInvalidRing},
		{name: "init-ring out of order", cmd: initRing(modRing(func(r []Range) { r[0], r[1] = r[1], r[0] })), wantErr: ErrInvalidRing},
		{
			name:    "init-ring with an empty range",
			cmd:     initRing([]Range{{Group: 1, End: []byte("m"), Epoch: 1, Voters: voters3}, {Group: 2, Start: []byte("m"), End: []byte("m"), Epoch: 1, Voters: voters3}, {Group: 3, Start: []byte("m"), Epoch: 1, Voters: voters3}}),
			wantErr: ErrInvalidRing,
		},
		{name: "init-ring with a repeated group", cmd: initRing(modRing(func(r []Range) { r[1].Group = 1 })), wantErr: ErrInvalidRing},
		{name: "init-ring with group 0", cmd: initRing(modRing(func(r []Range) { r[0].Group = 0 })), wantErr: ErrInvalidRing},
		{name: "init-ring with epoch 0", cmd: initRing(modRing(func(r []Range) { r[1].Epoch = 0 })), wantErr: ErrInvalidRing},
		{name: "init-ring without voters", cmd: initRing(modRing(func(r []Range) { r[1].Voters = nil })), wantErr: ErrInvalidRing},
		{name: "init-ring with a repeated voter", cmd: initRing(modRing(func(r []Range) { r[1].Voters = []string{"n1", "n1"} })), wantErr: ErrInvalidRing},
		{
			name:  "put-range changes voters and bumps the epoch",
			setup: []Command{initRing(ring2())},
			cmd:   putRange(Range{Group: 2, Start: []byte("m"), Epoch: 1, Voters: []string{"n2", "n3", "n4"}}),
			want:  Result{Range: Range{Group: 2, Start: []byte("m"), Epoch: 2, Voters: []string{"n2", "n3", "n4"}}},
			check: func(t *testing.T, s *State) {
				want := ring2()
				want[1].Epoch, want[1].Voters = 2, []string{"n2", "n3", "n4"}
				if d := cmp.Diff(want, s.Ranges); d != "" {
					t.Errorf("Ranges (-want +got):\n%s", d)
				}
			},
		},
		{name: "put-range at a stale epoch", setup: []Command{initRing(ring2())}, cmd: putRange(Range{Group: 2, Start: []byte("m"), Epoch: 2, Voters: voters3}), wantErr: ErrEpochMismatch},
		{name: "put-range of an unknown group", setup: []Command{initRing(ring2())}, cmd: putRange(Range{Group: 3, Epoch: 1, Voters: voters3}), wantErr: ErrGroupNotFound},
		{name: "put-range before init-ring", cmd: putRange(Range{Group: 1, Epoch: 1, Voters: voters3}), wantErr: ErrGroupNotFound},
		{name: "put-range moving a bound", setup: []Command{initRing(ring2())}, cmd: putRange(Range{Group: 2, Start: []byte("n"), Epoch: 1, Voters: voters3}), wantErr: ErrInvalidRange},
		{name: "put-range with a repeated voter", setup: []Command{initRing(ring2())}, cmd: putRange(Range{Group: 1, End: []byte("m"), Epoch: 1, Voters: []string{"n1", "n1"}}), wantErr: ErrInvalidRange},
		{name: "put-range without a range", cmd: Command{Op: OpPutRange}, wantErr: ErrInvalidCommand},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newTestFSM(t)
			for _, c := range tc.setup {
				if res := f.apply(t, c); res.Err != nil {
					t.Fatalf("setup %s: %v", c.Op, res.Err)
				}
			}
			before := f.state()
			res := f.apply(t, tc.cmd)
			after := f.state()
			if after.Index != f.index {
				t.Errorf("Index = %d, want %d", after.Index, f.index)
			}
			if tc.wantErr != nil {
				if !errors.Is(res.Err, tc.wantErr) {
					t.Fatalf("%s: Err = %v, want %v", tc.cmd.Op, res.Err, tc.wantErr)
				}
				// A refused command changes nothing but the index.
				want := *before
				want.Index = f.index
				if d := cmp.Diff(&want, after); d != "" {
					t.Errorf("state changed by a refused command (-want +got):\n%s", d)
				}
				return
			}
			if res.Err != nil {
				t.Fatalf("%s: Err = %v", tc.cmd.Op, res.Err)
			}
			if d := cmp.Diff(tc.want, res); d != "" {
				t.Errorf("%s: Result (-want +got):\n%s", tc.cmd.Op, d)
			}
			if tc.check != nil {
				tc.check(t, after)
			}
		})
	}
}

// modRing returns ring2 changed by mod.
func modRing(mod func([]Range)) []Range {
	r := ring2()
	mod(r)
	return r
}

// TestApplyCopyOnWrite checks that every State handed out stays as it was
// while later commands change the maps and slices it shares with them.
func TestApplyCopyOnWrite(t *testing.T) {
	f := newTestFSM(t)
	cmds := []Command{
		putNode(Node{ID: "n1"}),
		createTable(Table{Name: "a", Data: []byte("a1")}),
		initRing(ring2()),
		putNode(Node{ID: "n1", Zone: "z"}),
		putTable(Table{Name: "a", Version: 1, Data: []byte("a2")}),
		createTable(Table{Name: "b"}),
		putRange(Range{Group: 1, End: []byte("m"), Epoch: 1, Voters: []string{"n9"}}),
		deleteTable(Table{Name: "a", Version: 2}),
		createTable(Table{Name: "b"}), // refused
	}
	var held, copies []*State
	for _, c := range cmds {
		s := f.state()
		held, copies = append(held, s), append(copies, deepCopy(t, s))
		f.apply(t, c)
	}
	for i, s := range held {
		if d := cmp.Diff(copies[i], s); d != "" {
			t.Errorf("state before command %d (%s) changed (-then +now):\n%s", i, cmds[i].Op, d)
		}
	}
}

func TestApplyBadEntryIsFatal(t *testing.T) {
	tests := []struct {
		name string
		data string
	}{
		{"not JSON", "garbage"},
		{"empty", ""},
		{"null", "null"},
		{"unknown op", `{"op":"drop-cluster"}`},
		{"no op", `{"node":{"id":"n1"}}`},
		{"unknown field", `{"op":"put-node","node":{"id":"n1"},"force":true}`},
		{"unknown nested field", `{"op":"put-node","node":{"id":"n1","rack":"r1"}}`},
		{"trailing data", `{"op":"put-node","node":{"id":"n1"}} {}`},
		{"wrong type", `{"op":"put-node","node":{"id":1}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newTestFSM(t)
			f.apply(t, putNode(Node{ID: "n0"}))
			before := f.state()
			resp := f.applyRaw([]byte(tc.data))
			err, ok := resp.(error)
			if !ok || !errors.Is(err, replication.ErrApplyFailed) || !errors.Is(err, ErrBadEntry) {
				t.Fatalf("Apply(%q) = %T %v, want an error wrapping ErrApplyFailed and ErrBadEntry", tc.data, resp, resp)
			}
			// Every later entry fails too, and the state stays.
			next := putNode(Node{ID: "n2"})
			data, _ := next.encode()
			if resp := f.applyRaw(data); !errors.Is(resp.(error), replication.ErrApplyFailed) {
				t.Errorf("Apply after the failure = %v, want the failure", resp)
			}
			if f.state() != before {
				t.Error("the state changed after a fatal entry")
			}
			if _, err := f.Snapshot(); !errors.Is(err, replication.ErrApplyFailed) {
				t.Errorf("Snapshot after the failure = %v, want the failure", err)
			}
			if n := f.stops.Load(); n != 1 {
				t.Errorf("stop called %d times, want 1", n)
			}
		})
	}
}

func TestSnapshotRestoreRoundTrip(t *testing.T) {
	f := newTestFSM(t)
	for _, c := range []Command{
		putNode(Node{ID: "n1", GRPCAddr: "a:9000", APIAddr: "a:8000", Zone: "z1"}),
		putNode(Node{ID: "n2", Draining: true}),
		createTable(Table{Name: "a", Data: []byte(`{"k":"v"}`)}),
		createTable(Table{Name: "b"}),
		createTable(Table{Name: "c", Data: []byte{}}),
		deleteTable(Table{Name: "b", Version: 1}),
		initRing(ring2()),
		putRange(Range{Group: 2, Start: []byte("m"), Epoch: 1, Voters: []string{"n1"}}),
	} {
		if res := f.apply(t, c); res.Err != nil {
			t.Fatalf("%s: %v", c.Op, res.Err)
		}
	}
	want := f.state()

	store := raft.NewInmemSnapshotStore()
	_, trans := raft.NewInmemTransport("n1")
	sink, err := store.Create(raft.SnapshotVersionMax, want.Index, 1, raft.Configuration{}, 1, trans)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := f.Snapshot()
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	if err := snap.Persist(sink); err != nil {
		t.Fatalf("Persist: %v", err)
	}
	snap.Release()

	g := newTestFSM(t)
	changed := g.current().next
	_, rc, err := store.Open(sink.ID())
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Restore(rc); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if d := cmp.Diff(want, g.state()); d != "" {
		t.Errorf("restored state (-want +got):\n%s", d)
	}
	select {
	case <-changed:
	default:
		t.Error("Restore did not signal a change")
	}
	// The restored replica goes on like the original.
	if res := g.apply(t, createTable(Table{Name: "b"})); res.Err != nil || res.Table.ID != 4 {
		t.Errorf("create-table after restore = %+v, want id 4", res)
	}
}

func TestRestoreRefusesBadSnapshots(t *testing.T) {
	tests := []struct {
		name string
		data string
	}{
		{"garbage", "garbage"},
		{"no state", `{"version":1}`},
		{"future version", `{"version":2,"state":{"next_table_id":1,"next_group_id":1}}`},
		{"unknown field", `{"version":1,"state":{"next_table_id":1,"next_group_id":1,"x":1}}`},
		{"table id not allocated", `{"version":1,"state":{"tables":{"a":{"name":"a","id":5,"version":1}},"next_table_id":2,"next_group_id":1}}`},
		{"table under another name", `{"version":1,"state":{"tables":{"a":{"name":"b","id":1,"version":1}},"next_table_id":2,"next_group_id":1}}`},
		{"ring with a gap", `{"version":1,"state":{"next_table_id":1,"next_group_id":3,"ranges":[{"group":1,"end":"YQ==","epoch":1,"voters":["n1"]},{"group":2,"start":"Yg==","epoch":1,"voters":["n1"]}]}}`},
		{"group not allocated", `{"version":1,"state":{"next_table_id":1,"next_group_id":1,"ranges":[{"group":1,"epoch":1,"voters":["n1"]}]}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newTestFSM(t)
			f.apply(t, putNode(Node{ID: "n1"}))
			before := f.state()
			err := f.Restore(io.NopCloser(strings.NewReader(tc.data)))
			if !errors.Is(err, ErrBadSnapshot) {
				t.Fatalf("Restore(%s) = %v, want ErrBadSnapshot", tc.data, err)
			}
			if f.state() != before {
				t.Error("a refused snapshot changed the state")
			}
		})
	}
}
