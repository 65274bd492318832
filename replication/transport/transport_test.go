package transport

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/atolldb/atoll/proto/raftpb"
)

// testConfig keeps RPC deadlines short so that a test never waits long on
// a node that is gone.
func testConfig() Config {
	cfg := DefaultConfig()
	cfg.Timeout = 2 * time.Second
	return cfg
}

// testNode is one node: a gRPC server on 127.0.0.1:0 and its Network.
type testNode struct {
	id   raft.ServerID
	addr raft.ServerAddress
	net  *Network
}

func startNode(t *testing.T, id string, cfg Config) *testNode {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	addr := raft.ServerAddress(lis.Addr().String())
	n, err := New(cfg, addr, nil)
	if err != nil {
		t.Fatalf("New(%s): %v", addr, err)
	}
	srv := grpc.NewServer(ServerOptions(cfg)...)
	n.Register(srv)
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(lis) // returns when Stop is called
	}()
	t.Cleanup(func() {
		_ = n.Close()
		srv.Stop()
		<-served
	})
	return &testNode{id: raft.ServerID(id), addr: addr, net: n}
}

func startNodes(t *testing.T, k int, cfg Config) []*testNode {
	t.Helper()
	nodes := make([]*testNode, k)
	for i := range nodes {
		nodes[i] = startNode(t, fmt.Sprintf("n%d", i), cfg)
	}
	return nodes
}

func servers(nodes []*testNode) []raft.Server {
	var s []raft.Server
	for _, n := range nodes {
		s = append(s, raft.Server{Suffrage: raft.Voter, ID: n.id, Address: n.addr})
	}
	return s
}

// listFSM appends every command (a big-endian uint64) to a list: two
// replicas agree exactly when their lists are equal.
type listFSM struct {
	// mu guards the fields below.
	mu       sync.Mutex
	values   []uint64
	restores int
}

var _ raft.FSM = (*listFSM)(nil)

func (f *listFSM) Apply(l *raft.Log) any {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.values = append(f.values, binary.BigEndian.Uint64(l.Data))
	return nil
}

func (f *listFSM) Snapshot() (raft.FSMSnapshot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return listSnapshot(slices.Clone(f.values)), nil
}

func (f *listFSM) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return err
	}
	if len(b)%8 != 0 {
		return fmt.Errorf("snapshot of %d bytes is not a list of uint64", len(b))
	}
	values := make([]uint64, 0, len(b)/8)
	for i := 0; i < len(b); i += 8 {
		values = append(values, binary.BigEndian.Uint64(b[i:]))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.values = values
	f.restores++
	return nil
}

func (f *listFSM) state() ([]uint64, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.values), f.restores
}

type listSnapshot []uint64

func (s listSnapshot) Persist(sink raft.SnapshotSink) error {
	b := make([]byte, 0, 8*len(s))
	for _, v := range s {
		b = binary.BigEndian.AppendUint64(b, v)
	}
	if _, err := sink.Write(b); err != nil {
		_ = sink.Cancel()
		return err
	}
	return sink.Close()
}

func (s listSnapshot) Release() {}

// replica is one group's raft.Raft on one node.
type replica struct {
	node  *testNode
	group uint64
	r     *raft.Raft
	fsm   *listFSM
	logs  *raft.InmemStore
}

// startReplica starts group's raft on node, bootstrapped with members when
// members is not nil. tweak adjusts raft's config.
func startReplica(t *testing.T, node *testNode, group uint64, members []raft.Server, tweak func(*raft.Config)) *replica {
	t.Helper()
	c := raft.DefaultConfig()
	c.LocalID = node.id
	c.HeartbeatTimeout = 500 * time.Millisecond
	c.ElectionTimeout = 500 * time.Millisecond
	c.LeaderLeaseTimeout = 250 * time.Millisecond
	c.CommitTimeout = 20 * time.Millisecond
	c.Logger = hclog.New(&hclog.LoggerOptions{
		Name:   fmt.Sprintf("raft-g%d-%s", group, node.id),
		Level:  hclog.Error,
		Output: os.Stderr,
	})
	if tweak != nil {
		tweak(c)
	}
	if c.PreVoteDisabled {
		t.Fatal("these tests run with pre-vote")
	}
	store := raft.NewInmemStore()
	snaps := raft.NewInmemSnapshotStore()
	trans := node.net.Transport(group)
	if members != nil {
		if err := raft.BootstrapCluster(c, store, store, snaps, trans, raft.Configuration{Servers: members}); err != nil {
			t.Fatalf("BootstrapCluster(group %d, %s): %v", group, node.id, err)
		}
	}
	fsm := &listFSM{}
	r, err := raft.NewRaft(c, fsm, store, store, snaps, trans)
	if err != nil {
		t.Fatalf("NewRaft(group %d, %s): %v", group, node.id, err)
	}
	t.Cleanup(func() { _ = r.Shutdown().Error() })
	return &replica{node: node, group: group, r: r, fsm: fsm, logs: store}
}

// eventually polls cond every 20ms until it returns nil, failing the test
// with cond's last error after timeout.
func eventually(t *testing.T, timeout time.Duration, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %v", timeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// leader waits until exactly one of reps is leader and returns it.
func leader(t *testing.T, reps []*replica) *replica {
	t.Helper()
	var l *replica
	eventually(t, 15*time.Second, func() error {
		l = nil
		for _, rep := range reps {
			if rep.r.State() == raft.Leader {
				if l != nil {
					return fmt.Errorf("group %d: two leaders, %s and %s", rep.group, l.node.id, rep.node.id)
				}
				l = rep
			}
		}
		if l == nil {
			return fmt.Errorf("group %d: no leader among %d replicas", reps[0].group, len(reps))
		}
		return nil
	})
	return l
}

// apply commits v in the group of reps through its current leader,
// retrying across leader changes (so v may be applied twice).
func apply(t *testing.T, reps []*replica, v uint64) {
	t.Helper()
	data := binary.BigEndian.AppendUint64(nil, v)
	eventually(t, 15*time.Second, func() error {
		l := leader(t, reps)
		return l.r.Apply(data, 2*time.Second).Error()
	})
}

// converged waits until every replica of reps holds the same list, which
// contains every value of want.
func converged(t *testing.T, reps []*replica, want []uint64, timeout time.Duration) []uint64 {
	t.Helper()
	var first []uint64
	eventually(t, timeout, func() error {
		first, _ = reps[0].fsm.state()
		for _, v := range want {
			if !slices.Contains(first, v) {
				return fmt.Errorf("group %d: %s lacks value %d (has %d values)", reps[0].group, reps[0].node.id, v, len(first))
			}
		}
		for _, rep := range reps[1:] {
			got, _ := rep.fsm.state()
			if diff := cmp.Diff(first, got); diff != "" {
				return fmt.Errorf("group %d: %s differs from %s (-%s +%s):\n%s",
					rep.group, rep.node.id, reps[0].node.id, reps[0].node.id, rep.node.id, diff)
			}
		}
		return nil
	})
	return first
}

func seq(from, n uint64) []uint64 {
	s := make([]uint64, n)
	for i := range s {
		s[i] = from + uint64(i)
	}
	return s
}

// startGroup starts group on every node, bootstrapped with all of them.
func startGroup(t *testing.T, nodes []*testNode, group uint64, tweak func(*raft.Config)) []*replica {
	t.Helper()
	var reps []*replica
	for _, n := range nodes {
		reps = append(reps, startReplica(t, n, group, servers(nodes), tweak))
	}
	return reps
}

func TestTwoGroupsShareConnections(t *testing.T) {
	nodes := startNodes(t, 3, testConfig())
	groups := map[uint64][]*replica{
		1: startGroup(t, nodes, 1, nil),
		2: startGroup(t, nodes, 2, nil),
	}

	var wg sync.WaitGroup
	for g, reps := range groups {
		leader(t, reps)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, v := range seq(g*1000, 100) {
				data := binary.BigEndian.AppendUint64(nil, v)
				// Errors surface below as missing values.
				l := reps[0]
				for _, rep := range reps {
					if rep.r.State() == raft.Leader {
						l = rep
					}
				}
				_ = l.r.Apply(data, 5*time.Second).Error()
			}
		}()
	}
	wg.Wait()
	for g, reps := range groups {
		got := converged(t, reps, seq(g*1000, 100), 15*time.Second)
		if len(got) != 100 {
			t.Errorf("group %d applied %d entries, want 100", g, len(got))
		}
	}

	// A node dials only the peers it sends to: a leader all of them, once
	// for all of its groups.
	leaders := map[raft.ServerID]bool{}
	for _, reps := range groups {
		leaders[leader(t, reps).node.id] = true
	}
	var total Stats
	for _, n := range nodes {
		n.net.mu.RLock()
		peers := len(n.net.peers)
		n.net.mu.RUnlock()
		if peers > 2 || leaders[n.id] && peers != 2 {
			t.Errorf("%s (leader: %v) has connections to %d peers, want 2 for a leader, at most 2 for any node", n.id, leaders[n.id], peers)
		}
		s := n.net.Stats()
		total.RequestPreVote += s.RequestPreVote
		total.RequestVote += s.RequestVote
		total.PipelineAppends += s.PipelineAppends
		total.Heartbeats += s.Heartbeats
	}
	if total.RequestPreVote == 0 {
		t.Errorf("no RequestPreVote received: pre-vote was not used (stats %+v)", total)
	}
	if total.RequestVote == 0 {
		t.Errorf("no RequestVote received (stats %+v)", total)
	}
	// An idle leader sends heartbeats every HeartbeatTimeout/10; the writes
	// above may all have gone before the first one, so wait for it.
	eventually(t, 10*time.Second, func() error {
		for _, n := range nodes {
			if n.net.Stats().Heartbeats > 0 {
				return nil
			}
		}
		return fmt.Errorf("no heartbeat received (stats %+v)", total)
	})
	if total.PipelineAppends == 0 {
		t.Errorf("no AppendEntries arrived on a pipeline stream (stats %+v)", total)
	}
}

func TestLeaderShutdownElectsNewLeader(t *testing.T) {
	nodes := startNodes(t, 3, testConfig())
	g1 := startGroup(t, nodes, 1, nil)
	g2 := startGroup(t, nodes, 2, nil)

	for _, v := range seq(0, 10) {
		apply(t, g1, v)
		apply(t, g2, v)
	}
	old := leader(t, g1)
	if err := old.r.Shutdown().Error(); err != nil {
		t.Fatalf("Shutdown(leader %s): %v", old.node.id, err)
	}
	var rest []*replica
	for _, rep := range g1 {
		if rep != old {
			rest = append(rest, rep)
		}
	}
	nl := leader(t, rest)
	if nl == old {
		t.Fatalf("leader after shutdown is the old one, %s", old.node.id)
	}
	for _, v := range seq(100, 10) {
		apply(t, rest, v)
		apply(t, g2, v) // the other group keeps working over the same connections
	}
	converged(t, rest, append(seq(0, 10), seq(100, 10)...), 15*time.Second)
	converged(t, g2, append(seq(0, 10), seq(100, 10)...), 15*time.Second)

}

func TestLaggingFollowerInstallsSnapshot(t *testing.T) {
	cfg := testConfig()
	cfg.SnapshotChunkSize = 64 // many chunks per snapshot
	nodes := startNodes(t, 3, cfg)
	tweak := func(c *raft.Config) {
		c.TrailingLogs = 4
		c.SnapshotThreshold = 1 << 40 // snapshots only when asked
		c.SnapshotInterval = time.Hour
	}
	// Two of three voters run; the third joins later with empty stores.
	members := servers(nodes)
	reps := []*replica{
		startReplica(t, nodes[0], 9, members, tweak),
		startReplica(t, nodes[1], 9, members, tweak),
	}
	values := seq(0, 60)
	for _, v := range values {
		apply(t, reps, v)
	}
	l := leader(t, reps)
	if err := l.r.Snapshot().Error(); err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	for _, v := range seq(60, 5) {
		apply(t, reps, v)
	}
	l = leader(t, reps)
	first, err := l.logs.FirstIndex()
	if err != nil {
		t.Fatalf("FirstIndex: %v", err)
	}
	if first <= 1 {
		t.Fatalf("leader's log starts at %d after the snapshot, want it compacted", first)
	}

	late := startReplica(t, nodes[2], 9, nil, tweak)
	all := append(reps, late)
	state := converged(t, all, seq(0, 65), 30*time.Second)
	if len(state) != 65 {
		t.Errorf("group has %d values, want 65", len(state))
	}
	if _, restores := late.fsm.state(); restores == 0 {
		t.Errorf("late replica caught up without restoring a snapshot")
	}
	if s := nodes[2].net.Stats(); s.InstallSnapshot == 0 {
		t.Errorf("late node received no InstallSnapshot (stats %+v)", s)
	}
}

func TestUnknownGroup(t *testing.T) {
	nodes := startNodes(t, 2, testConfig())
	a, b := nodes[0], nodes[1]
	hdr := raft.RPCHeader{ProtocolVersion: raft.ProtocolVersionMax, ID: []byte(a.id), Addr: []byte(a.addr)}

	t.Run("raw gRPC", func(t *testing.T) {
		conn, err := grpc.NewClient(string(b.addr), grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatalf("NewClient: %v", err)
		}
		t.Cleanup(func() { _ = conn.Close() })
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, err = raftpb.NewRaftTransportClient(conn).RequestVote(ctx, &raftpb.RequestVoteRequest{Group: 99, Term: 1})
		if got := status.Code(err); got != codes.NotFound {
			t.Errorf("RequestVote(group 99) code = %v (%v), want NotFound", got, err)
		}
	})

	tr := a.net.Transport(99)
	t.Cleanup(func() { _ = tr.(raft.WithClose).Close() })
	calls := []struct {
		name string
		call func() error
	}{
		{"AppendEntries", func() error {
			return tr.AppendEntries(b.id, b.addr, &raft.AppendEntriesRequest{RPCHeader: hdr, Term: 1}, new(raft.AppendEntriesResponse))
		}},
		{"RequestVote", func() error {
			return tr.RequestVote(b.id, b.addr, &raft.RequestVoteRequest{RPCHeader: hdr, Term: 1}, new(raft.RequestVoteResponse))
		}},
		{"RequestPreVote", func() error {
			return tr.(raft.WithPreVote).RequestPreVote(b.id, b.addr, &raft.RequestPreVoteRequest{RPCHeader: hdr, Term: 1}, new(raft.RequestPreVoteResponse))
		}},
		{"TimeoutNow", func() error {
			return tr.TimeoutNow(b.id, b.addr, &raft.TimeoutNowRequest{RPCHeader: hdr}, new(raft.TimeoutNowResponse))
		}},
		{"InstallSnapshot", func() error {
			data := make([]byte, 3<<20) // several chunks: the refusal may come mid-stream
			req := &raft.InstallSnapshotRequest{RPCHeader: hdr, SnapshotVersion: raft.SnapshotVersionMax, Term: 1, Size: int64(len(data))}
			return tr.InstallSnapshot(b.id, b.addr, req, new(raft.InstallSnapshotResponse), bytesReader(data))
		}},
		{"AppendEntriesPipeline", func() error {
			p, err := tr.AppendEntriesPipeline(b.id, b.addr)
			if err != nil {
				return err
			}
			defer p.Close()
			f, err := p.AppendEntries(&raft.AppendEntriesRequest{RPCHeader: hdr, Term: 1}, new(raft.AppendEntriesResponse))
			if err != nil {
				return err
			}
			select {
			case done := <-p.Consumer():
				if done != f {
					return fmt.Errorf("pipeline returned another future")
				}
				return done.Error()
			case <-time.After(10 * time.Second):
				return fmt.Errorf("pipeline gave no answer")
			}
		}},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			if err := c.call(); !errors.Is(err, ErrUnknownGroup) {
				t.Errorf("%s to unknown group = %v, want ErrUnknownGroup", c.name, err)
			}
		})
	}
	if s := b.net.Stats(); s.UnknownGroup < uint64(len(calls)) {
		t.Errorf("Stats().UnknownGroup = %d, want at least %d", s.UnknownGroup, len(calls))
	}

	t.Run("closed transport", func(t *testing.T) {
		closed := a.net.Transport(100)
		if err := closed.(raft.WithClose).Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		err := closed.RequestVote(b.id, b.addr, &raft.RequestVoteRequest{RPCHeader: hdr, Term: 1}, new(raft.RequestVoteResponse))
		if !errors.Is(err, raft.ErrTransportShutdown) {
			t.Errorf("RequestVote on a closed transport = %v, want raft.ErrTransportShutdown", err)
		}
		if again := a.net.Transport(100); again == closed {
			t.Errorf("Transport(100) after Close returned the closed transport")
		}
	})
}

type bytesReaderT struct{ b []byte }

func bytesReader(b []byte) io.Reader { return &bytesReaderT{b: b} }

func (r *bytesReaderT) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	k := copy(p, r.b)
	r.b = r.b[k:]
	return k, nil
}
