package replication

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/hashicorp/raft"
	"google.golang.org/grpc"

	"github.com/atolldb/atoll/partition"
	"github.com/atolldb/atoll/partition/expr"
	"github.com/atolldb/atoll/partition/keys"
	"github.com/atolldb/atoll/partition/value"
	"github.com/atolldb/atoll/replication/raftlog"
	"github.com/atolldb/atoll/replication/transport"
)

// testRaftConfig returns timeouts for in-process clusters on a small,
// shared machine under -race: short enough for quick elections, long
// enough not to flap.
func testRaftConfig(t *testing.T) Config {
	cfg := DefaultConfig()
	cfg.HeartbeatTimeout = 150 * time.Millisecond
	cfg.ElectionTimeout = 150 * time.Millisecond
	cfg.LeaderLeaseTimeout = 100 * time.Millisecond
	cfg.CommitTimeout = 10 * time.Millisecond
	cfg.SnapshotInterval = time.Hour // snapshots only when a test asks
	cfg.SnapshotThreshold = 1 << 30
	cfg.SpoolDir = t.TempDir()
	return cfg
}

// testLogger logs to stderr when ATOLL_TEST_RAFT_LOG is set (debugging),
// and discards otherwise.
func testLogger(node string) *slog.Logger {
	if os.Getenv("ATOLL_TEST_RAFT_LOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})).With("node", node)
}

// eventually polls cond every 10ms until it holds or timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// inmemNet connects raft's in-memory transports: one per group per node,
// all of a node's transports using the node's address.
type inmemNet struct {
	mu sync.Mutex
	// trans holds the live transports by group and node address; guarded by mu.
	trans map[uint64]map[string]*raft.InmemTransport
}

func newInmemNet() *inmemNet { return &inmemNet{trans: map[uint64]map[string]*raft.InmemTransport{}} }

func (n *inmemNet) factory(addr string) TransportFactory {
	return func(group uint64) raft.Transport {
		_, tr := raft.NewInmemTransport(raft.ServerAddress(addr))
		n.mu.Lock()
		defer n.mu.Unlock()
		m := n.trans[group]
		if m == nil {
			m = map[string]*raft.InmemTransport{}
			n.trans[group] = m
		}
		m[addr] = tr
		for a, o := range m {
			if a != addr {
				tr.Connect(raft.ServerAddress(a), o)
				o.Connect(raft.ServerAddress(addr), tr)
			}
		}
		return tr
	}
}

// isolate disconnects a node from every group's peers.
func (n *inmemNet) isolate(addr string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, m := range n.trans {
		tr := m[addr]
		delete(m, addr)
		for _, o := range m {
			o.Disconnect(raft.ServerAddress(addr))
		}
		if tr != nil {
			tr.DisconnectAll()
		}
	}
}

// testNode is one node of an in-process cluster: a data Badger, a raft log
// store (in memory, surviving restarts of the node), and a Manager.
type testNode struct {
	t    *testing.T
	c    *testCluster
	id   string
	addr string
	dir  string
	db   *badger.DB
	mgr  *Manager
	up   bool
	// commits is the node's shared committer in the real (gRPC) stack, as
	// the node runs it; the in-memory stack applies without one.
	commits *partition.Committer
	// logs is the in-memory log store factory (kept across restarts).
	logs LogStoreFactory
	// closeStack releases what open built for the stack (network, raft
	// log store), after the manager closed.
	closeStack func()
	// specs are the groups the node runs, restarted by restart.
	specs map[uint64]GroupSpec
}

// stack selects the transport and log store of a test cluster.
type stack struct {
	name string
	// grpc: replication/transport over gRPC on loopback and
	// replication/raftlog over a raft Badger; otherwise raft's in-memory
	// transport and store.
	grpc bool
}

var stacks = []stack{{name: "inmem"}, {name: "grpc", grpc: true}}

// forStacks runs f once per stack as subtests.
func forStacks(t *testing.T, f func(t *testing.T, s stack)) {
	for _, s := range stacks {
		t.Run(s.name, func(t *testing.T) { f(t, s) })
	}
}

// testCluster is a set of nodes in one process connected by a network.
type testCluster struct {
	t     *testing.T
	cfg   Config
	stack stack
	net   *inmemNet
	nodes []*testNode
}

func newTestCluster(t *testing.T, s stack, nodes int, cfg Config) *testCluster {
	t.Helper()
	c := &testCluster{t: t, cfg: cfg, stack: s, net: newInmemNet()}
	for i := range nodes {
		c.addNode(fmt.Sprintf("n%d", i+1))
	}
	t.Cleanup(func() {
		for _, n := range c.nodes {
			if n.up {
				n.stop()
			}
		}
	})
	return c
}

// inmemLogs returns a log store factory keeping one InmemStore per group.
func inmemLogs() LogStoreFactory {
	var mu sync.Mutex
	stores := map[uint64]*raft.InmemStore{}
	return func(group uint64) (raft.LogStore, raft.StableStore) {
		mu.Lock()
		defer mu.Unlock()
		s := stores[group]
		if s == nil {
			s = raft.NewInmemStore()
			stores[group] = s
		}
		return s, s
	}
}

func (c *testCluster) addNode(id string) *testNode {
	c.t.Helper()
	n := &testNode{t: c.t, c: c, id: id, addr: id, dir: c.t.TempDir(), specs: map[uint64]GroupSpec{}}
	n.logs = inmemLogs()
	if c.stack.grpc {
		n.addr = "127.0.0.1:0" // bound on first open, then kept
	}
	c.nodes = append(c.nodes, n)
	n.open()
	return n
}

func openTestDB(t *testing.T, dir string) *badger.DB {
	t.Helper()
	db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil).
		WithMemTableSize(8 << 20).WithNumMemtables(2).WithBlockCacheSize(1 << 20).
		WithValueLogFileSize(8 << 20).WithNumCompactors(2).WithDetectConflicts(false))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// open opens the node's DB and manager and starts its groups.
func (n *testNode) open() {
	n.t.Helper()
	n.db = openTestDB(n.t, filepath.Join(n.dir, "data"))
	var trans TransportFactory
	logs := n.logs
	if n.c.stack.grpc {
		trans, logs = n.openGRPCStack()
	} else {
		trans = n.c.net.factory(n.addr)
		n.closeStack = func() { n.c.net.isolate(n.addr) }
	}
	n.commits = nil
	if n.c.stack.grpc {
		n.commits = partition.NewCommitter(n.db)
	}
	mgr, err := NewManager(n.c.cfg, Deps{
		NodeID: n.id, Addr: n.addr, DB: n.db,
		Transport: trans, LogStore: logs, Committer: n.commits,
		Logger: testLogger(n.id),
	})
	if err != nil {
		n.t.Fatal(err)
	}
	n.mgr = mgr
	n.up = true
	for _, spec := range n.specs {
		if _, err := mgr.StartGroup(spec); err != nil {
			n.t.Fatalf("node %s: restart group %d: %v", n.id, spec.ID, err)
		}
	}
}

// stop shuts the node's groups down, cuts it off and closes its DB.
func (n *testNode) stop() {
	n.t.Helper()
	if err := n.mgr.Close(); err != nil {
		n.t.Errorf("node %s: close manager: %v", n.id, err)
	}
	if n.commits != nil {
		n.commits.Close()
	}
	n.closeStack()
	if err := n.db.Close(); err != nil {
		n.t.Errorf("node %s: close DB: %v", n.id, err)
	}
	n.up = false
}

func (n *testNode) restart() {
	n.t.Helper()
	n.stop()
	n.open()
}

// start starts a group on the node.
func (n *testNode) start(spec GroupSpec) *Group {
	n.t.Helper()
	g, err := n.mgr.StartGroup(spec)
	if err != nil {
		n.t.Fatalf("node %s: start group %d: %v", n.id, spec.ID, err)
	}
	n.specs[spec.ID] = spec
	return g
}

func (n *testNode) group(id uint64) *Group {
	if !n.up {
		return nil
	}
	return n.mgr.Group(id)
}

func (n *testNode) peer() Peer { return Peer{ID: n.id, Addr: n.addr} }

// openGRPCStack starts the node's gRPC server with a transport.Network on
// its address and opens its raft-log Badger and raftlog.Store.
func (n *testNode) openGRPCStack() (TransportFactory, LogStoreFactory) {
	n.t.Helper()
	lis, err := net.Listen("tcp", n.addr)
	if err != nil {
		n.t.Fatalf("node %s: listen on %s: %v", n.id, n.addr, err)
	}
	n.addr = lis.Addr().String()
	tcfg := transport.DefaultConfig()
	tcfg.Timeout = 2 * time.Second
	network, err := transport.New(tcfg, raft.ServerAddress(n.addr), nil)
	if err != nil {
		n.t.Fatal(err)
	}
	srv := grpc.NewServer(transport.ServerOptions(tcfg)...)
	network.Register(srv)
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(lis) // returns when Stop is called
	}()
	rdb, err := badger.Open(raftlog.BadgerOptions(badger.DefaultOptions(filepath.Join(n.dir, "raft")).WithLogger(nil).
		WithMemTableSize(8 << 20).WithNumMemtables(2).WithBlockCacheSize(1 << 20).WithValueLogFileSize(8 << 20)))
	if err != nil {
		n.t.Fatal(err)
	}
	store, err := raftlog.Open(raftlog.DefaultConfig(), rdb, nil)
	if err != nil {
		n.t.Fatal(err)
	}
	n.closeStack = func() {
		if err := network.Close(); err != nil {
			n.t.Errorf("node %s: close network: %v", n.id, err)
		}
		srv.Stop()
		<-served
		if err := store.Close(); err != nil {
			n.t.Errorf("node %s: close raft log: %v", n.id, err)
		}
		if err := rdb.Close(); err != nil {
			n.t.Errorf("node %s: close raft DB: %v", n.id, err)
		}
	}
	logs := func(group uint64) (raft.LogStore, raft.StableStore) {
		g := store.Group(group)
		return g, g
	}
	return network.Transport, logs
}

// startGroup bootstraps a group on nodes (all of the cluster's when none
// are given).
func (c *testCluster) startGroup(id uint64, span KeyRange, nodes ...*testNode) {
	c.t.Helper()
	if len(nodes) == 0 {
		nodes = c.nodes
	}
	var peers []Peer
	for _, n := range nodes {
		peers = append(peers, n.peer())
	}
	for _, n := range nodes {
		n.start(GroupSpec{ID: id, Range: span, Bootstrap: peers})
	}
}

// leader waits for a running node to lead the group.
func (c *testCluster) leader(id uint64) (*testNode, *Group) {
	c.t.Helper()
	var ln *testNode
	var lg *Group
	eventually(c.t, 20*time.Second, fmt.Sprintf("a leader of group %d", id), func() bool {
		for _, n := range c.nodes {
			if g := n.group(id); g != nil && g.IsLeader() {
				ln, lg = n, g
				return true
			}
		}
		return false
	})
	return ln, lg
}

// propose sends cmd to the group's leader, retrying while there is none
// (ErrNotLeader: nothing was applied). Other errors are returned.
func (c *testCluster) propose(id uint64, cmd *partition.Command) (partition.Result, error) {
	c.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, g := c.leader(id)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		res, err := g.Propose(ctx, cmd)
		cancel()
		if errors.Is(err, ErrNotLeader) && time.Now().Before(deadline) {
			continue
		}
		return res, err
	}
}

// findLeader returns the group's current leader replica, or nil. It may be
// called from any goroutine.
func (c *testCluster) findLeader(id uint64) *Group {
	for _, n := range c.nodes {
		if g := n.group(id); g != nil && g.IsLeader() {
			return g
		}
	}
	return nil
}

// putUntilAcked proposes an idempotent cmd until a leader acknowledges it
// (retrying leader changes), within 30s. It may be called from any
// goroutine.
func (c *testCluster) putUntilAcked(id uint64, cmd *partition.Command) error {
	deadline := time.Now().Add(30 * time.Second)
	var err error
	for time.Now().Before(deadline) {
		g := c.findLeader(id)
		if g == nil {
			time.Sleep(10 * time.Millisecond)
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		var res partition.Result
		res, err = g.Propose(ctx, cmd)
		cancel()
		if err == nil {
			return res.Err
		}
		if !errors.Is(err, ErrNotLeader) && !errors.Is(err, ErrLeadershipLost) {
			return fmt.Errorf("group %d: %w", id, err)
		}
	}
	return fmt.Errorf("group %d: no acknowledgement within 30s: %w", id, err)
}

// waitConverged waits until every running replica of the group has applied
// the same index as the leader.
func (c *testCluster) waitConverged(id uint64) uint64 {
	c.t.Helper()
	_, lg := c.leader(id)
	want := lg.AppliedIndex()
	eventually(c.t, 20*time.Second, fmt.Sprintf("replicas of group %d to apply index %d", id, want), func() bool {
		for _, n := range c.nodes {
			if g := n.group(id); g != nil && g.AppliedIndex() != want {
				return false
			}
		}
		return true
	})
	return want
}

// position returns the ring position of partition key pk.
func position(t *testing.T, pk string) []byte {
	t.Helper()
	pos, err := keys.Position(value.S(pk), nil)
	if err != nil {
		t.Fatal(err)
	}
	return pos
}

// keysIn returns n partition keys whose ring positions lie in span.
func keysIn(t *testing.T, span KeyRange, prefix string, n int) []string {
	t.Helper()
	var out []string
	for i := 0; len(out) < n; i++ {
		pk := fmt.Sprintf("%s%d", prefix, i)
		if span.contains(position(t, pk)) {
			out = append(out, pk)
		}
	}
	return out
}

func putCmd(t *testing.T, table uint64, pk string, v int64) *partition.Command {
	return &partition.Command{
		Op: partition.OpPut, Table: table, Key: position(t, pk), KeyAttrs: value.Item{"pk": value.S(pk)},
		Item: value.Item{"pk": value.S(pk), "v": value.N(value.NumberFromInt(v))},
	}
}

// incrOnce is "ADD n 1, SET done_<step> = true" on condition
// attribute_not_exists(done_<step>): retrying a step whose outcome is
// unknown cannot count it twice (the retry fails its condition).
func incrOnce(t *testing.T, pk string, step int) *partition.Command {
	marker := expr.Path{{Name: fmt.Sprintf("done_%d", step)}}
	return &partition.Command{
		Op: partition.OpUpdate, Table: 1, Key: position(t, pk), KeyAttrs: value.Item{"pk": value.S(pk)},
		Condition: expr.Func{Name: "attribute_not_exists", Args: []expr.Operand{expr.PathOperand{Path: marker}}},
		Update: &expr.Update{
			Set: []expr.SetAction{{Path: marker, Value: expr.ValueOperand{Value: value.Bool(true)}}},
			Add: []expr.AddAction{{Path: expr.Path{{Name: "n"}}, Value: expr.ValueOperand{Value: value.N(value.NumberFromInt(1))}}},
		},
	}
}

// kv is one key and value of the data DB.
type kv struct{ Key, Value []byte }

// dumpGroup returns every key and value of the group in db.
func dumpGroup(t *testing.T, db *badger.DB, group uint64, span KeyRange) []kv {
	t.Helper()
	var out []kv
	err := db.View(func(txn *badger.Txn) error {
		c := newGroupCursor(txn, group, span, nil, true)
		defer c.close()
		for item := c.next(); item != nil; item = c.next() {
			v, err := item.ValueCopy(nil)
			if err != nil {
				return err
			}
			out = append(out, kv{item.KeyCopy(nil), v})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// diffDumps describes the first difference between two dumps, or "".
func diffDumps(a, b []kv) string {
	for i := 0; i < len(a) && i < len(b); i++ {
		if !bytes.Equal(a[i].Key, b[i].Key) || !bytes.Equal(a[i].Value, b[i].Value) {
			return fmt.Sprintf("entry %d: key %x value %x vs key %x value %x", i, a[i].Key, a[i].Value, b[i].Key, b[i].Value)
		}
	}
	if len(a) != len(b) {
		return fmt.Sprintf("%d entries vs %d", len(a), len(b))
	}
	return ""
}
