package raftlog

import (
	"fmt"
	"io"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/raft"
)

// countFSM counts the commands it applies and checks they arrive in order.
type countFSM struct {
	mu sync.Mutex
	// n is the number of commands applied, last the last one's payload;
	// guarded by mu.
	n    int
	last int
	bad  error
}

func (f *countFSM) Apply(l *raft.Log) any {
	if l.Type != raft.LogCommand {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	v, err := strconv.Atoi(string(l.Data))
	if err != nil || v != f.last+1 {
		f.bad = fmt.Errorf("index %d: command %q after %d", l.Index, l.Data, f.last)
	}
	f.n++
	f.last = v
	return nil
}

func (f *countFSM) applied() (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n, f.bad
}

func (f *countFSM) Snapshot() (raft.FSMSnapshot, error) { return nopSnapshot{}, nil }
func (f *countFSM) Restore(rc io.ReadCloser) error      { return rc.Close() }

type nopSnapshot struct{}

func (nopSnapshot) Persist(sink raft.SnapshotSink) error { return sink.Close() }
func (nopSnapshot) Release()                             {}

// startRaft runs a one-voter raft.Raft over g, shut down at cleanup.
func startRaft(t *testing.T, g *GroupStore, fsm raft.FSM, bootstrap bool) *raft.Raft {
	t.Helper()
	conf := raft.DefaultConfig()
	conf.LocalID = "n1"
	conf.HeartbeatTimeout = 50 * time.Millisecond
	conf.ElectionTimeout = 50 * time.Millisecond
	conf.LeaderLeaseTimeout = 50 * time.Millisecond
	conf.CommitTimeout = 5 * time.Millisecond
	conf.LogOutput = io.Discard
	addr, trans := raft.NewInmemTransport("n1")
	t.Cleanup(func() { trans.Close() })
	r, err := raft.NewRaft(conf, fsm, g, g, raft.NewDiscardSnapshotStore(), trans)
	if err != nil {
		t.Fatalf("NewRaft: %v", err)
	}
	t.Cleanup(func() { r.Shutdown().Error() })
	if bootstrap {
		cfg := raft.Configuration{Servers: []raft.Server{{ID: conf.LocalID, Address: addr}}}
		if err := r.BootstrapCluster(cfg).Error(); err != nil {
			t.Fatalf("BootstrapCluster: %v", err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for r.State() != raft.Leader {
		if time.Now().After(deadline) {
			t.Fatalf("no leader after 10s; state %v", r.State())
		}
		time.Sleep(5 * time.Millisecond) // bounded poll for leadership
	}
	return r
}

func lastLogTerm(t *testing.T, r *raft.Raft) uint64 {
	t.Helper()
	v, err := strconv.ParseUint(r.Stats()["last_log_term"], 10, 64)
	if err != nil {
		t.Fatalf("Stats last_log_term: %v", err)
	}
	return v
}

// TestRaftRestart runs a single-node raft.Raft on a GroupStore, applies
// 200 commands (concurrently, so appends share fsyncs), restarts it over a
// reopened Badger and checks that it recovers the same log and replays every
// command into a fresh FSM.
func TestRaftRestart(t *testing.T) {
	const commands = 200
	dir := t.TempDir()
	db := openDB(t, dir)
	s := openStore(t, db)
	fsm := &countFSM{}
	r := startRaft(t, s.Group(7), fsm, true)

	futures := make([]raft.ApplyFuture, commands)
	for i := range futures {
		futures[i] = r.Apply([]byte(strconv.Itoa(i+1)), 10*time.Second)
	}
	for i, f := range futures {
		if err := f.Error(); err != nil {
			t.Fatalf("Apply %d: %v", i+1, err)
		}
	}
	if n, err := fsm.applied(); n != commands || err != nil {
		t.Fatalf("FSM applied %d commands (%v), want %d in order", n, err, commands)
	}
	lastIndex, lastTerm := r.LastIndex(), lastLogTerm(t, r)
	if err := r.Shutdown().Error(); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	st := s.Stats()
	t.Logf("first run: last index %d, term %d; store stats %+v", lastIndex, lastTerm, st)
	if lastIndex < commands {
		t.Fatalf("LastIndex() = %d, want at least %d", lastIndex, commands)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s = openStore(t, openDB(t, dir))
	g := s.Group(7)
	if got, err := g.LastIndex(); err != nil || got != lastIndex {
		t.Fatalf("LastIndex() after reopen = %d, %v, want %d", got, err, lastIndex)
	}
	var l raft.Log
	if err := g.GetLog(lastIndex, &l); err != nil || l.Term != lastTerm {
		t.Fatalf("GetLog(%d) after reopen = term %d, %v, want term %d", lastIndex, l.Term, err, lastTerm)
	}
	if term, err := g.GetUint64([]byte("CurrentTerm")); err != nil || term != lastTerm {
		t.Errorf("CurrentTerm after reopen = %d, %v, want %d", term, err, lastTerm)
	}
	if has, err := raft.HasExistingState(g, g, raft.NewDiscardSnapshotStore()); err != nil || !has {
		t.Errorf("HasExistingState after reopen = %v, %v, want true", has, err)
	}

	fsm = &countFSM{}
	r = startRaft(t, g, fsm, false)
	if err := r.Barrier(10 * time.Second).Error(); err != nil {
		t.Fatalf("Barrier after restart: %v", err)
	}
	if n, err := fsm.applied(); n != commands || err != nil {
		t.Errorf("FSM replayed %d commands (%v), want %d in order", n, err, commands)
	}
	if term := lastLogTerm(t, r); term <= lastTerm {
		t.Errorf("term after restart = %d, want above %d (a new election)", term, lastTerm)
	}
	if got := r.LastIndex(); got <= lastIndex {
		t.Errorf("LastIndex() after restart and barrier = %d, want above %d", got, lastIndex)
	}
	if err := r.Apply([]byte(strconv.Itoa(commands+1)), 10*time.Second).Error(); err != nil {
		t.Errorf("Apply after restart: %v", err)
	}
}
