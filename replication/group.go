package replication

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/raft"

	"github.com/atolldb/atoll/partition"
)

// NotLeaderError is ErrNotLeader with the leader this replica knows of.
type NotLeaderError struct {
	Group uint64
	// Leader is the known leader, zero when unknown (an election is on).
	Leader Peer
}

func (e *NotLeaderError) Error() string {
	if e.Leader.ID == "" {
		return fmt.Sprintf("%v: group %d, leader unknown", ErrNotLeader, e.Group)
	}
	return fmt.Sprintf("%v: group %d, leader %s at %s", ErrNotLeader, e.Group, e.Leader.ID, e.Leader.Addr)
}

// Is makes errors.Is(err, ErrNotLeader) hold.
func (e *NotLeaderError) Is(target error) bool { return target == ErrNotLeader }

// Peer is a replica's node: its raft server ID and transport address.
type Peer struct {
	ID   string
	Addr string
}

// Group is one replica of one Raft group: a raft.Raft over the group's
// state machine. Its methods may be called concurrently. It owns a watcher
// goroutine (stopping the replica after a fatal apply error) and the
// waiters of proposals; Shutdown stops and waits for all of them.
type Group struct {
	id    uint64
	span  KeyRange
	raft  *raft.Raft
	fsm   *fsm
	sm    *partition.StateMachine
	clock *HLC
	log   *slog.Logger

	fatal     chan struct{} // closed when the FSM failed
	fatalOnce sync.Once
	closing   chan struct{} // closed by Shutdown
	watchDone chan struct{} // closed when the watcher exits
	shutOnce  sync.Once
	shutErr   error

	// barrierTerm is the term in which ReadBarrier last ran its fence.
	barrierTerm atomic.Uint64
	// caughtUp is when Fresh last saw the FSM caught up with the commit
	// index (Unix nanoseconds).
	caughtUp atomic.Int64

	verifyMu sync.Mutex
	// verifyWaiting are the reads waiting for the next VerifyLeader round;
	// guarded by verifyMu.
	verifyWaiting []chan error
	// verifyRunning is set while a goroutine runs rounds; guarded by
	// verifyMu.
	verifyRunning bool

	// futures waits on raft futures; Shutdown closes it.
	futures Futures
}

// ID returns the group's ID.
func (g *Group) ID() uint64 { return g.id }

// StateMachine returns the group's state machine, for reads.
func (g *Group) StateMachine() *partition.StateMachine { return g.sm }

// IsLeader reports whether this replica is the group's leader now.
func (g *Group) IsLeader() bool { return g.raft.State() == raft.Leader }

// Leader returns the leader this replica knows of (zero when unknown).
func (g *Group) Leader() Peer { return LeaderOf(g.raft) }

// AppliedIndex returns the highest log index applied to the state machine.
func (g *Group) AppliedIndex() uint64 { return g.sm.AppliedIndex() }

// Err returns the fatal error that stopped the replica, or nil.
func (g *Group) Err() error { return g.fsm.failure() }

func (g *Group) notLeader() error {
	return &NotLeaderError{Group: g.id, Leader: g.Leader()}
}

// wait waits for future (its Error method) or ctx, whichever ends first.
func (g *Group) wait(ctx context.Context, future raft.Future) error {
	return g.futures.Wait(ctx, future)
}

// timeoutOf returns the enqueue timeout for raft from ctx (0: none).
func timeoutOf(ctx context.Context) (time.Duration, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	dl, ok := ctx.Deadline()
	if !ok {
		return 0, nil
	}
	d := time.Until(dl)
	if d <= 0 {
		return 0, context.DeadlineExceeded
	}
	return d, nil
}

// raftErr maps raft's errors to the package's; a shutdown caused by a
// failed apply reports that failure.
func (g *Group) raftErr(err error) error {
	if errors.Is(err, raft.ErrRaftShutdown) {
		if ferr := g.fsm.failure(); ferr != nil {
			return ferr
		}
	}
	return RaftError(g.id, err, g.Leader)
}

// Propose stamps cmd with an HLC timestamp, replicates it and returns its
// result once it is committed and applied on this replica (the leader).
// It returns a *NotLeaderError when this replica is not the leader,
// ErrLeadershipLost when the outcome is unknown, ctx's error when ctx ends
// first (the command may still be applied), and ErrStopped or
// ErrApplyFailed when the replica stopped. ctx's deadline bounds the wait
// to enqueue the command as well.
func (g *Group) Propose(ctx context.Context, cmd *partition.Command) (partition.Result, error) {
	if err := g.fsm.failure(); err != nil {
		return partition.Result{}, err
	}
	if !g.IsLeader() {
		return partition.Result{}, g.notLeader()
	}
	if !g.span.contains(cmd.Key) {
		return partition.Result{}, fmt.Errorf("group %d: %w", g.id, ErrKeyNotInGroup)
	}
	timeout, err := timeoutOf(ctx)
	if err != nil {
		return partition.Result{}, err
	}
	future := g.raft.Apply(encodeEntry(g.clock.Now(), cmd), timeout)
	if err := g.wait(ctx, future); err != nil {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return partition.Result{}, err
		}
		return partition.Result{}, g.raftErr(err)
	}
	switch r := future.Response().(type) {
	case partition.Result:
		if r.Skipped {
			// The leader just appended this entry, so its state machine
			// cannot have applied it already: the data DB and the log
			// disagree.
			return partition.Result{}, fmt.Errorf("group %d: %w: a new entry was skipped as already applied", g.id, ErrApplyFailed)
		}
		return r, nil
	case error:
		return partition.Result{}, r
	default:
		return partition.Result{}, fmt.Errorf("group %d: unexpected apply response %T", g.id, r)
	}
}

// AddNonvoter adds peer as a non-voting replica (it receives the log, or a
// snapshot, without voting). Leader only. Promote it with AddVoter once it
// has caught up.
func (g *Group) AddNonvoter(ctx context.Context, peer Peer) error {
	return g.membership(ctx, func(timeout time.Duration) raft.Future {
		return g.raft.AddNonvoter(raft.ServerID(peer.ID), raft.ServerAddress(peer.Addr), 0, timeout)
	})
}

// AddVoter adds peer as a voter, or promotes a non-voter. Leader only. A
// voter votes at once, so add a new replica as a non-voter first.
func (g *Group) AddVoter(ctx context.Context, peer Peer) error {
	return g.membership(ctx, func(timeout time.Duration) raft.Future {
		return g.raft.AddVoter(raft.ServerID(peer.ID), raft.ServerAddress(peer.Addr), 0, timeout)
	})
}

// RemoveServer removes the replica with raft server id from the group.
// Leader only.
func (g *Group) RemoveServer(ctx context.Context, id string) error {
	return g.membership(ctx, func(timeout time.Duration) raft.Future {
		return g.raft.RemoveServer(raft.ServerID(id), 0, timeout)
	})
}

func (g *Group) membership(ctx context.Context, change func(time.Duration) raft.Future) error {
	if !g.IsLeader() {
		return g.notLeader()
	}
	timeout, err := timeoutOf(ctx)
	if err != nil {
		return err
	}
	if err := g.wait(ctx, change(timeout)); err != nil {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return err
		}
		return g.raftErr(err)
	}
	return nil
}

// Snapshot takes a snapshot now (syncing the data DB and recording the
// applied position), letting raft compact its log.
func (g *Group) Snapshot(ctx context.Context) error {
	if err := g.wait(ctx, g.raft.Snapshot()); err != nil {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return err
		}
		return g.raftErr(err)
	}
	return nil
}

// Servers returns the group's latest membership as raft server IDs mapped
// to whether each is a voter.
func (g *Group) Servers() (map[string]bool, error) {
	f := g.raft.GetConfiguration()
	if err := f.Error(); err != nil {
		return nil, g.raftErr(err)
	}
	out := map[string]bool{}
	for _, s := range f.Configuration().Servers {
		out[string(s.ID)] = s.Suffrage == raft.Voter
	}
	return out, nil
}

// stopOnFatal is the FSM's stop hook: it wakes the watcher, which shuts
// raft down (raft's Shutdown waits for the FSM goroutine, so the FSM cannot
// call it itself).
func (g *Group) stopOnFatal() {
	g.fatalOnce.Do(func() { close(g.fatal) })
}

// watch shuts raft down after a fatal apply error, until Shutdown.
func (g *Group) watch() {
	defer close(g.watchDone)
	select {
	case <-g.fatal:
		if err := g.raft.Shutdown().Error(); err != nil {
			g.log.Error("stop raft after apply failure", "err", err)
		}
	case <-g.closing:
	}
}

// Shutdown stops the replica (raft, its goroutines and the group's own) and
// waits for it. The group's data and log stay; a new StartGroup resumes it.
// It is idempotent.
func (g *Group) Shutdown() error {
	g.shutOnce.Do(func() {
		close(g.closing)
		g.shutErr = g.raft.Shutdown().Error()
		<-g.watchDone
		g.futures.Close()
	})
	return g.shutErr
}

// WaitLeader waits until ctx ends for the group to have a leader, and
// returns it.
func (g *Group) WaitLeader(ctx context.Context) (Peer, error) {
	return WaitForLeader(ctx, g.raft, g.closing)
}
