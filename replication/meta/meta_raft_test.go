package meta

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/raft"

	"github.com/atolldb/atoll/replication"
	"github.com/atolldb/atoll/replication/raftlog"
)

// waitFor bounds every wait of these tests.
const waitFor = 15 * time.Second

// testConfig is fast enough for tests and slow enough for -race on two
// shared cores.
func testConfig() Config {
	return Config{
		HeartbeatTimeout:   100 * time.Millisecond,
		ElectionTimeout:    100 * time.Millisecond,
		CommitTimeout:      5 * time.Millisecond,
		LeaderLeaseTimeout: 100 * time.Millisecond,
		SnapshotThreshold:  1024,
		SnapshotInterval:   time.Second,
		TrailingLogs:       1024,
	}
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func ctxFor(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitFor)
	t.Cleanup(cancel)
	return ctx
}

// eventually polls cond until it holds or waitFor passes; cond returns
// what is still wrong.
func eventually(t *testing.T, cond func() string) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		msg := cond()
		if msg == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", waitFor, msg)
		}
		time.Sleep(5 * time.Millisecond) // bounded poll
	}
}

// testNode is one replica over in-memory raft stores and transport.
type testNode struct {
	id    string
	trans *raft.InmemTransport
	store *raft.InmemStore
	snaps raft.SnapshotStore
	meta  *Meta
}

func (n *testNode) peer() replication.Peer { return replication.Peer{ID: n.id, Addr: n.id} }

// testCluster is a meta group of in-memory replicas connected by raft's
// in-memory transport.
type testCluster struct {
	t     *testing.T
	cfg   Config
	nodes []*testNode
}

// newCluster starts n bootstrapped voters n1..nn.
func newCluster(t *testing.T, n int, cfg Config) *testCluster {
	t.Helper()
	c := &testCluster{t: t, cfg: cfg}
	var peers []replication.Peer
	for i := range n {
		node := c.newNode(fmt.Sprintf("n%d", i+1))
		peers = append(peers, node.peer())
	}
	for _, node := range c.nodes {
		c.open(node, peers)
	}
	return c
}

// newNode adds a replica's stores and transport, connected both ways to
// every other node's, without starting it.
func (c *testCluster) newNode(id string) *testNode {
	_, trans := raft.NewInmemTransport(raft.ServerAddress(id))
	n := &testNode{id: id, trans: trans, store: raft.NewInmemStore(), snaps: raft.NewInmemSnapshotStore()}
	for _, o := range c.nodes {
		n.trans.Connect(raft.ServerAddress(o.id), o.trans)
		o.trans.Connect(raft.ServerAddress(id), n.trans)
	}
	c.nodes = append(c.nodes, n)
	return n
}

func (c *testCluster) open(n *testNode, bootstrap []replication.Peer) {
	c.t.Helper()
	m, err := Open(c.cfg, Deps{
		NodeID: n.id, Addr: n.id, Transport: n.trans, Logs: n.store, Stable: n.store,
		Snapshots: n.snaps, Logger: testLogger(c.t).With("node", n.id),
	}, bootstrap)
	if err != nil {
		c.t.Fatalf("Open(%s): %v", n.id, err)
	}
	n.meta = m
	c.t.Cleanup(func() { m.Close() })
}

// stop closes n's replica and cuts it off from the others.
func (c *testCluster) stop(n *testNode) {
	c.t.Helper()
	if err := n.meta.Close(); err != nil {
		c.t.Fatalf("Close(%s): %v", n.id, err)
	}
	for _, o := range c.nodes {
		o.trans.Disconnect(raft.ServerAddress(n.id))
	}
}

// leader waits for one of the running nodes to be leader and returns it.
func (c *testCluster) leader(running ...*testNode) *testNode {
	c.t.Helper()
	if running == nil {
		running = c.nodes
	}
	var l *testNode
	eventually(c.t, func() string {
		for _, n := range running {
			if n.meta.IsLeader() {
				l = n
				return ""
			}
		}
		return "no leader"
	})
	return l
}

func propose(t *testing.T, m *Meta, cmd Command) Result {
	t.Helper()
	res, err := m.Propose(ctxFor(t), &cmd)
	if err != nil {
		t.Fatalf("Propose(%s): %v", cmd.Op, err)
	}
	return res
}

// proposeRetry proposes cmd at the cluster's leader until the outcome is
// known, through leader changes. A create-table whose first attempt was
// applied after all gets ErrTableExists on the retry, which counts as done.
func (c *testCluster) proposeRetry(cmd Command, running ...*testNode) Result {
	c.t.Helper()
	deadline := time.Now().Add(waitFor)
	for attempt := 0; ; attempt++ {
		res, err := c.leader(running...).meta.Propose(ctxFor(c.t), &cmd)
		switch {
		case err == nil && attempt > 0 && errors.Is(res.Err, ErrTableExists):
			return Result{}
		case err == nil:
			return res
		case !errors.Is(err, replication.ErrNotLeader) && !errors.Is(err, replication.ErrLeadershipLost):
			c.t.Fatalf("Propose(%s): %v", cmd.Op, err)
		case time.Now().After(deadline):
			c.t.Fatalf("Propose(%s): still %v after %v", cmd.Op, err, waitFor)
		}
	}
}

// converged waits until every running node's state equals the leader's
// after a barrier, and returns it.
func (c *testCluster) converged(running ...*testNode) *State {
	c.t.Helper()
	if running == nil {
		running = c.nodes
	}
	var want *State
	eventually(c.t, func() string {
		l := c.leader(running...)
		if err := l.meta.Barrier(ctxFor(c.t)); err != nil {
			return fmt.Sprintf("Barrier: %v", err)
		}
		want = l.meta.State()
		for _, n := range running {
			if d := cmp.Diff(want, n.meta.State()); d != "" {
				return fmt.Sprintf("%s differs from leader %s (-leader +%s):\n%s", n.id, l.id, n.id, d)
			}
		}
		return ""
	})
	return want
}

func TestProposeAndReplicate(t *testing.T) {
	c := newCluster(t, 3, testConfig())
	l := c.leader()
	var followers []*testNode
	for _, n := range c.nodes {
		if n != l {
			followers = append(followers, n)
		}
	}

	// A follower refuses, naming the leader.
	for _, f := range followers {
		if p, err := f.meta.WaitLeader(ctxFor(t)); err != nil || p.ID != l.id {
			t.Fatalf("%s: WaitLeader = %+v, %v; want %s", f.id, p, err, l.id)
		}
		cmd := createTable(Table{Name: "users"})
		_, err := f.meta.Propose(ctxFor(t), &cmd)
		var nle *replication.NotLeaderError
		if !errors.As(err, &nle) || nle.Group != GroupID || nle.Leader.ID != l.id || nle.Leader.Addr != l.id {
			t.Fatalf("%s: Propose on a follower = %v, want a NotLeaderError naming %s", f.id, err, l.id)
		}
		if !errors.Is(err, replication.ErrNotLeader) {
			t.Errorf("errors.Is(%v, ErrNotLeader) = false", err)
		}
		if err := f.meta.Barrier(ctxFor(t)); !errors.Is(err, replication.ErrNotLeader) {
			t.Errorf("%s: Barrier on a follower = %v, want ErrNotLeader", f.id, err)
		}
	}

	changed := make([]<-chan struct{}, len(c.nodes))
	for i, n := range c.nodes {
		changed[i] = n.meta.Changed()
	}
	res := propose(t, l.meta, createTable(Table{Name: "users", Data: []byte("desc")}))
	want := Table{Name: "users", ID: 1, Version: 1, Data: []byte("desc")}
	if res.Err != nil || !cmp.Equal(res.Table, want) {
		t.Fatalf("create-table = %+v, want %+v", res, want)
	}
	// The Result is a copy: changing it leaves the state alone.
	res.Table.Data[0] = 'X'
	if got, _ := l.meta.State().Table("users"); string(got.Data) != "desc" {
		t.Errorf("changing the Result changed the state: %q", got.Data)
	}
	index := l.meta.State().Index

	for i, n := range c.nodes {
		select {
		case <-changed[i]:
		case <-time.After(waitFor):
			t.Fatalf("%s: Changed() did not fire", n.id)
		}
		if err := n.meta.WaitApplied(ctxFor(t), index); err != nil {
			t.Fatalf("%s: WaitApplied(%d): %v", n.id, index, err)
		}
		if got, ok := n.meta.State().Table("users"); !ok || !cmp.Equal(got, want) {
			t.Errorf("%s: Table(users) = %+v, %v; want %+v", n.id, got, ok, want)
		}
		if !n.meta.IsLeader() && n.meta.LastContact().IsZero() {
			t.Errorf("%s: LastContact() is zero on a follower in contact", n.id)
		}
	}

	// A user-level error is a Result, not a failure.
	res = propose(t, l.meta, createTable(Table{Name: "users"}))
	if !errors.Is(res.Err, ErrTableExists) || ErrorCode(res.Err) != "table-exists" {
		t.Errorf("second create-table: Err = %v, want ErrTableExists", res.Err)
	}
	c.converged()
}

func TestProposeRefusals(t *testing.T) {
	c := newCluster(t, 1, testConfig())
	m := c.leader().meta
	before := m.State()

	if _, err := m.Propose(ctxFor(t), &Command{Op: "drop-cluster"}); !errors.Is(err, ErrInvalidCommand) {
		t.Errorf("Propose(unknown op) = %v, want ErrInvalidCommand", err)
	}
	if _, err := m.Propose(ctxFor(t), &Command{Op: OpCreateTable}); !errors.Is(err, ErrInvalidCommand) {
		t.Errorf("Propose(create-table without a table) = %v, want ErrInvalidCommand", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	cmd := putNode(Node{ID: "n1"})
	if _, err := m.Propose(ctx, &cmd); !errors.Is(err, context.Canceled) {
		t.Errorf("Propose(cancelled ctx) = %v, want context.Canceled", err)
	}
	if err := m.Barrier(ctxFor(t)); err != nil {
		t.Fatalf("Barrier: %v", err)
	}
	if m.State() != before {
		t.Error("refused proposals changed the state")
	}
	if got := m.LastContact(); time.Since(got) > time.Second {
		t.Errorf("LastContact() on the leader = %v, want about now", got)
	}
	if servers, err := m.Servers(); err != nil || !cmp.Equal(servers, map[string]bool{"n1": true}) {
		t.Errorf("Servers() = %v, %v; want n1 voting", servers, err)
	}

	if err := m.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := m.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := m.Propose(ctxFor(t), &cmd); !errors.Is(err, replication.ErrStopped) {
		t.Errorf("Propose after Close = %v, want ErrStopped", err)
	}
	if err := m.WaitApplied(ctxFor(t), before.Index+100); !errors.Is(err, replication.ErrStopped) {
		t.Errorf("WaitApplied after Close = %v, want ErrStopped", err)
	}
	if _, err := m.WaitLeader(ctxFor(t)); !errors.Is(err, replication.ErrStopped) {
		t.Errorf("WaitLeader after Close = %v, want ErrStopped", err)
	}
}

// TestBadEntryStopsReplica feeds raft an entry that is not a command, as a
// corrupt or newer-version log would: the replica stops instead of going on
// without it.
func TestBadEntryStopsReplica(t *testing.T) {
	c := newCluster(t, 1, testConfig())
	m := c.leader().meta
	propose(t, m, putNode(Node{ID: "n1"}))
	f := m.raft.Apply([]byte(`{"op":"drop-cluster"}`), waitFor)
	if err := f.Error(); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if err, ok := f.Response().(error); !ok || !errors.Is(err, replication.ErrApplyFailed) || !errors.Is(err, ErrBadEntry) {
		t.Fatalf("Apply response = %v, want ErrApplyFailed wrapping ErrBadEntry", f.Response())
	}
	eventually(t, func() string {
		if s := m.raft.State(); s != raft.Shutdown {
			return fmt.Sprintf("raft is %v, want Shutdown", s)
		}
		return ""
	})
	cmd := putNode(Node{ID: "n2"})
	if _, err := m.Propose(ctxFor(t), &cmd); !errors.Is(err, replication.ErrApplyFailed) {
		t.Errorf("Propose after the failure = %v, want ErrApplyFailed", err)
	}
	if err := m.WaitApplied(ctxFor(t), 1000); !errors.Is(err, replication.ErrApplyFailed) {
		t.Errorf("WaitApplied after the failure = %v, want ErrApplyFailed", err)
	}
	if !errors.Is(m.Err(), ErrBadEntry) {
		t.Errorf("Err() = %v, want ErrBadEntry", m.Err())
	}
	if err := m.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// populate proposes a mix of every command at m.
func populate(t *testing.T, m *Meta, tables int) {
	t.Helper()
	propose(t, m, putNode(Node{ID: "n1", GRPCAddr: "n1:9000", APIAddr: "n1:8000", Zone: "z1"}))
	propose(t, m, putNode(Node{ID: "n2", Zone: "z2"}))
	for i := range tables {
		if res := propose(t, m, createTable(Table{Name: fmt.Sprintf("t%02d", i), Data: []byte(fmt.Sprintf(`{"i":%d}`, i))})); res.Err != nil {
			t.Fatalf("create-table: %v", res.Err)
		}
	}
	propose(t, m, putTable(Table{Name: "t00", Version: 1, Data: []byte("v2")}))
	propose(t, m, deleteTable(Table{Name: "t01", Version: 1}))
	if res := propose(t, m, initRing(ring2())); res.Err != nil {
		t.Fatalf("init-ring: %v", res.Err)
	}
	if res := propose(t, m, putRange(Range{Group: 1, End: []byte("m"), Epoch: 1, Voters: []string{"n1", "n2"}})); res.Err != nil {
		t.Fatalf("put-range: %v", res.Err)
	}
}

// TestRestart closes a single replica and reopens it over the same stores:
// raft restores the newest snapshot and replays the log after it, and the
// state is as it was.
func TestRestart(t *testing.T) {
	type stores struct {
		logs   raft.LogStore
		stable raft.StableStore
		close  func()
	}
	backends := []struct {
		name string
		// open opens the raft-log stores in dir (again after a restart).
		open func(t *testing.T, dir string) stores
	}{
		{"inmem-store", func() func(*testing.T, string) stores {
			s := raft.NewInmemStore() // kept across the restart
			return func(*testing.T, string) stores { return stores{s, s, func() {}} }
		}()},
		{"raftlog-badger", func(t *testing.T, dir string) stores {
			db, err := badger.Open(raftlog.BadgerOptions(badger.DefaultOptions(filepath.Join(dir, "raft")).WithLogger(nil).WithMemTableSize(8 << 20)))
			if err != nil {
				t.Fatal(err)
			}
			s, err := raftlog.Open(raftlog.DefaultConfig(), db, nil)
			if err != nil {
				t.Fatal(err)
			}
			closeAll := sync.OnceFunc(func() {
				s.Close()
				db.Close()
			})
			t.Cleanup(closeAll)
			g := s.Group(GroupID)
			return stores{g, g, closeAll}
		}},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := testConfig()
			cfg.SnapshotThreshold = 4
			cfg.SnapshotInterval = 20 * time.Millisecond
			cfg.TrailingLogs = 2
			open := func() (*Meta, raft.SnapshotStore, stores) {
				t.Helper()
				st := b.open(t, dir)
				snaps, err := raft.NewFileSnapshotStore(filepath.Join(dir, "meta-snapshots"), 2, io.Discard)
				if err != nil {
					t.Fatal(err)
				}
				_, trans := raft.NewInmemTransport("n1")
				m, err := Open(cfg, Deps{NodeID: "n1", Addr: "n1", Transport: trans, Logs: st.logs, Stable: st.stable, Snapshots: snaps, Logger: testLogger(t)},
					[]replication.Peer{{ID: "n1", Addr: "n1"}})
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				t.Cleanup(func() { m.Close() })
				return m, snaps, st
			}

			m, snaps, st := open()
			if _, err := m.WaitLeader(ctxFor(t)); err != nil {
				t.Fatal(err)
			}
			populate(t, m, 12)
			eventually(t, func() string {
				if list, err := snaps.List(); err != nil || len(list) == 0 {
					return fmt.Sprintf("no snapshot taken (%v)", err)
				}
				return ""
			})
			// Entries after the snapshot come back from the log.
			propose(t, m, createTable(Table{Name: "after-snapshot"}))
			propose(t, m, putNode(Node{ID: "n3"}))
			want := m.State()
			if err := m.Close(); err != nil {
				t.Fatal(err)
			}
			st.close()

			m, snaps, _ = open()
			list, err := snaps.List()
			if err != nil || len(list) == 0 {
				t.Fatalf("snapshots after restart: %v, %v", list, err)
			}
			// NewRaft restored the snapshot before Open returned.
			if got := m.State().Index; got == 0 {
				t.Errorf("State().Index right after Open = 0, want the snapshot's state (snapshot at raft index %d)", list[0].Index)
			}
			if _, err := m.WaitLeader(ctxFor(t)); err != nil {
				t.Fatal(err)
			}
			eventually(t, func() string {
				if !m.IsLeader() {
					return "not leader"
				}
				if err := m.Barrier(ctxFor(t)); err != nil {
					return fmt.Sprintf("Barrier: %v", err)
				}
				return ""
			})
			if d := cmp.Diff(want, m.State()); d != "" {
				t.Fatalf("state after restart (-before +after):\n%s", d)
			}
			res := propose(t, m, createTable(Table{Name: "new"}))
			if res.Table.ID != want.NextTableID {
				t.Errorf("create-table after restart: id %d, want %d", res.Table.ID, want.NextTableID)
			}
		})
	}
}

// TestLeaderLoss stops the leader of three: a new one is elected,
// proposals continue, and every acknowledged command survives.
func TestLeaderLoss(t *testing.T) {
	c := newCluster(t, 3, testConfig())
	old := c.leader()
	for i := range 5 {
		c.proposeRetry(createTable(Table{Name: fmt.Sprintf("before%d", i)}))
	}
	propose(t, old.meta, initRing(ring2()))
	c.stop(old)

	var running []*testNode
	for _, n := range c.nodes {
		if n != old {
			running = append(running, n)
		}
	}
	next := c.leader(running...)
	if next == old {
		t.Fatal("the stopped node is still the leader")
	}
	for i := range 5 {
		c.proposeRetry(createTable(Table{Name: fmt.Sprintf("after%d", i)}), running...)
	}
	res := c.proposeRetry(putRange(Range{Group: 2, Start: []byte("m"), Epoch: 1, Voters: []string{"n9"}}), running...)
	if res.Err != nil || res.Range.Epoch != 2 {
		t.Fatalf("put-range at the new leader = %+v, want epoch 2", res)
	}

	s := c.converged(running...)
	ids := map[uint64]string{}
	for _, prefix := range []string{"before", "after"} {
		for i := range 5 {
			name := fmt.Sprintf("%s%d", prefix, i)
			tb, ok := s.Table(name)
			if !ok {
				t.Errorf("acknowledged table %s is missing", name)
				continue
			}
			if other, dup := ids[tb.ID]; dup {
				t.Errorf("tables %s and %s share id %d", name, other, tb.ID)
			}
			ids[tb.ID] = name
		}
	}
	if s.NextTableID != 11 {
		t.Errorf("NextTableID = %d, want 11", s.NextTableID)
	}
	if r, ok := s.RangeFor([]byte("x")); !ok || r.Epoch != 2 {
		t.Errorf("RangeFor(x) = %+v, %v; want group 2 at epoch 2", r, ok)
	}
}

// TestAddNonvoter adds a fourth replica as a non-voter after the leader
// compacted its log: it receives the whole state by snapshot, then the log.
func TestAddNonvoter(t *testing.T) {
	cfg := testConfig()
	cfg.TrailingLogs = 1
	c := newCluster(t, 3, cfg)
	l := c.leader()
	populate(t, l.meta, 6)
	if err := l.meta.raft.Snapshot().Error(); err != nil {
		t.Fatalf("Snapshot: %v", err)
	}

	n4 := c.newNode("n4")
	c.open(n4, nil)
	if err := l.meta.AddNonvoter(ctxFor(t), n4.peer()); err != nil {
		t.Fatalf("AddNonvoter: %v", err)
	}
	servers, err := l.meta.Servers()
	if want := map[string]bool{"n1": true, "n2": true, "n3": true, "n4": false}; err != nil || !cmp.Equal(servers, want) {
		t.Errorf("Servers() = %v, %v; want %v", servers, err, want)
	}
	want := c.converged()
	if d := cmp.Diff(want, n4.meta.State()); d != "" {
		t.Fatalf("n4 state (-leader +n4):\n%s", d)
	}
	if list, err := n4.snaps.List(); err != nil || len(list) == 0 {
		t.Errorf("n4 holds no snapshot (%v): it did not catch up by snapshot", err)
	}

	// It follows the leader and the log from here on.
	if p, err := n4.meta.WaitLeader(ctxFor(t)); err != nil || p.ID != c.leader().id {
		t.Errorf("n4: WaitLeader = %+v, %v", p, err)
	}
	cmd := createTable(Table{Name: "later"})
	if _, err := n4.meta.Propose(ctxFor(t), &cmd); !errors.Is(err, replication.ErrNotLeader) {
		t.Errorf("Propose on the non-voter = %v, want ErrNotLeader", err)
	}
	res := c.proposeRetry(cmd)
	index := c.leader().meta.State().Index
	if err := n4.meta.WaitApplied(ctxFor(t), index); err != nil {
		t.Fatalf("n4: WaitApplied(%d): %v", index, err)
	}
	if got, ok := n4.meta.State().Table("later"); !ok || got.ID != res.Table.ID {
		t.Errorf("n4: Table(later) = %+v, %v; want id %d", got, ok, res.Table.ID)
	}
	if n4.meta.LastContact().IsZero() {
		t.Error("n4: LastContact() is zero")
	}
}

func TestOpenRefuses(t *testing.T) {
	good := func() Deps {
		_, trans := raft.NewInmemTransport("n1")
		s := raft.NewInmemStore()
		return Deps{NodeID: "n1", Addr: "n1", Transport: trans, Logs: s, Stable: s, Snapshots: raft.NewInmemSnapshotStore()}
	}
	self := []replication.Peer{{ID: "n1", Addr: "n1"}}
	tests := []struct {
		name      string
		cfg       func(*Config)
		deps      func(*Deps)
		bootstrap []replication.Peer
	}{
		{name: "bad config", cfg: func(c *Config) { c.SnapshotThreshold = 0 }, bootstrap: self},
		{name: "no node ID", deps: func(d *Deps) { d.NodeID = "" }, bootstrap: self},
		{name: "no address", deps: func(d *Deps) { d.Addr = "" }, bootstrap: self},
		{name: "no transport", deps: func(d *Deps) { d.Transport = nil }, bootstrap: self},
		{name: "no log store", deps: func(d *Deps) { d.Logs = nil }, bootstrap: self},
		{name: "no snapshot store", deps: func(d *Deps) { d.Snapshots = nil }, bootstrap: self},
		{name: "bootstrap without this node", bootstrap: []replication.Peer{{ID: "n2", Addr: "n2"}}},
		{name: "bootstrap with another address", bootstrap: []replication.Peer{{ID: "n1", Addr: "elsewhere"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, deps := testConfig(), good()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			if tc.deps != nil {
				tc.deps(&deps)
			}
			m, err := Open(cfg, deps, tc.bootstrap)
			if err == nil {
				m.Close()
				t.Fatal("Open succeeded, want an error")
			}
		})
	}
}
