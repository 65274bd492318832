package route

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/hashicorp/raft"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/atolldb/atoll/partition"
	"github.com/atolldb/atoll/partition/expr"
	"github.com/atolldb/atoll/partition/keys"
	"github.com/atolldb/atoll/partition/value"
	"github.com/atolldb/atoll/proto/nodepb"
	"github.com/atolldb/atoll/replication"
	"github.com/atolldb/atoll/replication/meta"
)

// fixedRing is a Ring whose state never changes.
type fixedRing struct{ st *meta.State }

func (r fixedRing) State() *meta.State { return r.st }

// groupsFunc adapts a function to Groups.
type groupsFunc func(id uint64) *replication.Group

func (f groupsFunc) Group(id uint64) *replication.Group { return f(id) }

// startGroup runs group 1 over the whole ring on a single in-memory node
// "n1" and waits for it to lead.
func startGroup(t *testing.T) *replication.Group {
	t.Helper()
	db, err := badger.Open(badger.DefaultOptions("").WithInMemory(true).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	_, trans := raft.NewInmemTransport("n1")
	logs := raft.NewInmemStore()
	cfg := replication.DefaultConfig()
	cfg.HeartbeatTimeout, cfg.ElectionTimeout = 100*time.Millisecond, 100*time.Millisecond
	cfg.LeaderLeaseTimeout, cfg.CommitTimeout = 50*time.Millisecond, 5*time.Millisecond
	cfg.SpoolDir = t.TempDir()
	mgr, err := replication.NewManager(cfg, replication.Deps{
		NodeID: "n1", Addr: "n1", DB: db,
		Transport: func(uint64) raft.Transport { return trans },
		LogStore:  func(uint64) (raft.LogStore, raft.StableStore) { return logs, logs },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		mgr.Close()
		db.Close()
	})
	g, err := mgr.StartGroup(replication.GroupSpec{ID: 1, Bootstrap: []replication.Peer{{ID: "n1", Addr: "n1"}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for !g.IsLeader() {
		if _, err := g.WaitLeader(ctx); err != nil {
			t.Fatal(err)
		}
		select {
		case <-ctx.Done():
			t.Fatal("the single node did not become leader")
		case <-time.After(5 * time.Millisecond):
		}
	}
	return g
}

// faultyData serves the Data service of node n1 and, for the attempts
// fault names, applies the command and then fails as a node whose answer
// was lost would.
type faultyData struct {
	*Service
	// fault returns the fault of attempt n (1-based); nil is none.
	fault func(n int) error

	mu sync.Mutex
	// ids are the request IDs of the attempts received; guarded by mu.
	ids [][]byte
}

// errHang makes an attempt wait for its deadline after applying.
var errHang = errors.New("hang")

func (f *faultyData) Propose(ctx context.Context, req *nodepb.ProposeRequest) (*nodepb.ProposeResponse, error) {
	cmd, err := partition.DecodeCommand(req.Command)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	f.mu.Lock()
	f.ids = append(f.ids, bytes.Clone(cmd.ID))
	n := len(f.ids)
	f.mu.Unlock()
	resp, err := f.Service.Propose(ctx, req)
	if fault := f.fault(n); fault != nil {
		if fault == errHang {
			<-ctx.Done()
			return nil, status.FromContextError(ctx.Err()).Err()
		}
		return nil, fault
	}
	return resp, err
}

func (f *faultyData) attempts() [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ids
}

// serveData serves data on a loopback gRPC server and returns its address.
func serveData(t *testing.T, data nodepb.DataServer) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	nodepb.RegisterDataServer(srv, data)
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(lis)
	}()
	t.Cleanup(func() {
		srv.Stop()
		<-done
	})
	return lis.Addr().String()
}

// newTestStore returns the Store of node self over a ring of one group led
// by n1 at addr.
func newTestStore(t *testing.T, self, addr string, groups Groups) *Store {
	t.Helper()
	st := &meta.State{
		Nodes:  map[string]meta.Node{"n1": {ID: "n1", GRPCAddr: addr}},
		Ranges: []meta.Range{{Group: 1, Voters: []string{"n1"}}},
	}
	cfg := DefaultConfig()
	cfg.NodeID = self
	cfg.AttemptTimeout = 300 * time.Millisecond
	conns := NewConns()
	t.Cleanup(func() { conns.Close() })
	s, err := NewStore(cfg, fixedRing{st}, groups, conns, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func incr(t *testing.T, pk string) *partition.Command {
	t.Helper()
	p, err := keys.Position(value.S(pk), nil)
	if err != nil {
		t.Fatal(err)
	}
	return &partition.Command{
		Op: partition.OpUpdate, Table: 1, Key: p, KeyAttrs: value.Item{"pk": value.S(pk)},
		Update: &expr.Update{Add: []expr.AddAction{{Path: expr.Path{{Name: "n"}}, Value: expr.ValueOperand{Value: value.N(value.NumberFromInt(1))}}}},
	}
}

func counterOf(t *testing.T, g *replication.Group, cmd *partition.Command) int64 {
	t.Helper()
	it, err := g.StateMachine().Get(cmd.Table, cmd.Key)
	if err != nil {
		t.Fatal(err)
	}
	if it == nil {
		return 0
	}
	n, _ := it["n"].N.Int64()
	return n
}

// TestProposeRetriesUnknownOutcomeOnce sends an ADD through the Store to
// a leader that applies it but whose answer is lost in the ways a node or
// network fails: the Store retries with the same request ID, and the
// counter moves once.
func TestProposeRetriesUnknownOutcomeOnce(t *testing.T) {
	g := startGroup(t)
	cases := []struct {
		name         string
		fault        func(n int) error
		wantAttempts int
		wantErr      error // nil: success
	}{
		{"aborted (leadership lost)", func(n int) error {
			if n == 1 {
				return status.Error(codes.Aborted, "leadership lost")
			}
			return nil
		}, 2, nil},
		{"unavailable after sending", func(n int) error {
			if n == 1 {
				return status.Error(codes.Unavailable, "connection reset")
			}
			return nil
		}, 2, nil},
		{"attempt deadline (a hung leader)", func(n int) error {
			if n <= 2 {
				return errHang
			}
			return nil
		}, 3, nil},
		{"unknown error is not retried", func(int) error { return status.Error(codes.Unknown, "boom") }, 1, ErrRemote},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := &faultyData{Service: NewService(groupsFunc(func(uint64) *replication.Group { return g })), fault: tc.fault}
			s := newTestStore(t, "router", serveData(t, data), groupsFunc(func(uint64) *replication.Group { return nil }))
			cmd := incr(t, fmt.Sprintf("counter%d", i))
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			start := time.Now()
			res, err := s.Propose(ctx, cmd)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("Propose = %v, want %v", err, tc.wantErr)
				}
			} else if err != nil || res.Err != nil {
				t.Fatalf("Propose = %v, %v", res.Err, err)
			} else if n, _ := res.New["n"].N.Int64(); n != 1 {
				t.Errorf("result n = %d, want 1 (the first application's)", n)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Propose took %v: attempts are not bounded by AttemptTimeout", d)
			}
			if got := counterOf(t, g, cmd); got != 1 {
				t.Errorf("counter = %d, want 1 (applied once)", got)
			}
			ids := data.attempts()
			if len(ids) != tc.wantAttempts {
				t.Fatalf("%d attempts, want %d", len(ids), tc.wantAttempts)
			}
			for _, id := range ids {
				if len(id) != requestIDSize || !bytes.Equal(id, ids[0]) {
					t.Errorf("attempt IDs %x: want one %d-byte ID", ids, requestIDSize)
					break
				}
			}
			if cmd.ID != nil {
				t.Errorf("Propose set the caller's Command.ID to %x", cmd.ID)
			}
		})
	}
}

// TestProposeSameIDTwiceLocally proposes one command with the caller's
// request ID twice through the Store on the leader's node: it applies once.
func TestProposeSameIDTwiceLocally(t *testing.T) {
	g := startGroup(t)
	s := newTestStore(t, "n1", "unused:0", groupsFunc(func(uint64) *replication.Group { return g }))
	cmd := incr(t, "local")
	cmd.ID = []byte("caller-request-1")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	first, err := s.Propose(ctx, cmd)
	if err != nil || first.Err != nil {
		t.Fatalf("Propose = %v, %v", first.Err, err)
	}
	second, err := s.Propose(ctx, cmd)
	if err != nil || second.Err != nil {
		t.Fatalf("second Propose = %v, %v", second.Err, err)
	}
	if got := counterOf(t, g, cmd); got != 1 {
		t.Errorf("counter = %d, want 1", got)
	}
	if n, _ := second.New["n"].N.Int64(); n != 1 {
		t.Errorf("second result n = %d, want 1 (the first application's)", n)
	}
	other, err := s.Propose(ctx, incr(t, "local"))
	if err != nil || other.Err != nil {
		t.Fatalf("Propose without ID = %v, %v", other.Err, err)
	}
	if got := counterOf(t, g, cmd); got != 2 {
		t.Errorf("counter after another request = %d, want 2", got)
	}
}

func TestLocalErr(t *testing.T) {
	live := context.Background()
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name      string
		ctx       context.Context
		err       error
		unknownOK bool
		wantRetry bool
		wantHint  string
	}{
		{"success", live, nil, true, false, ""},
		{"not leader", live, &replication.NotLeaderError{Group: 1, Leader: replication.Peer{ID: "n2"}}, true, true, "n2"},
		{"leadership lost", live, fmt.Errorf("group 1: %w", replication.ErrLeadershipLost), true, true, ""},
		{"stopped", live, fmt.Errorf("group 1: %w", replication.ErrStopped), true, true, ""},
		{"attempt deadline", live, context.DeadlineExceeded, true, true, ""},
		{"leadership lost, too late to retry", live, replication.ErrLeadershipLost, false, false, ""},
		{"request ended", ended, context.Canceled, true, false, ""},
		{"leadership lost, request ended", ended, replication.ErrLeadershipLost, true, false, ""},
		{"apply failed", live, replication.ErrApplyFailed, true, false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hint, retry, err := localErr(tc.ctx, tc.err, tc.unknownOK)
			if retry != tc.wantRetry || hint != tc.wantHint || !errors.Is(err, tc.err) {
				t.Errorf("localErr(%v) = %q, %v, %v; want %q, %v", tc.err, hint, retry, err, tc.wantHint, tc.wantRetry)
			}
		})
	}
}

func TestRemoteErr(t *testing.T) {
	live := context.Background()
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name      string
		ctx       context.Context
		code      codes.Code
		unknownOK bool
		wantRetry bool
		wantErr   error
	}{
		{"refused", live, codes.Unavailable, false, true, ErrUnavailable},
		{"aborted, unknown outcome retried", live, codes.Aborted, true, true, ErrRemote},
		{"aborted, unknown outcome not retried", live, codes.Aborted, false, false, ErrRemote},
		{"attempt deadline", live, codes.DeadlineExceeded, true, true, ErrRemote},
		{"unknown", live, codes.Unknown, true, false, ErrRemote},
		{"request ended", ended, codes.Aborted, true, false, context.Canceled},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			retry, err := remoteErr(tc.ctx, "n2", status.Error(tc.code, "x"), tc.unknownOK)
			if retry != tc.wantRetry || !errors.Is(err, tc.wantErr) {
				t.Errorf("remoteErr(%v) = %v, %v; want %v, %v", tc.code, retry, err, tc.wantRetry, tc.wantErr)
			}
		})
	}
}
