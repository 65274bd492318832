package meta

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/raft"

	"github.com/atolldb/atoll/replication"
)

// Deps are the dependencies of the meta group's replica on a node.
type Deps struct {
	// NodeID is this node's raft server ID, the same in every group.
	NodeID string
	// Addr is this node's transport address, as its peers reach it.
	Addr string
	// Transport is the node's shared network's view for GroupID. Close,
	// and Open when it fails, close it if it implements raft.WithClose
	// (raft does so on shutdown).
	Transport raft.Transport
	// Logs and Stable are the shared raft-log store's views for GroupID.
	// They outlive the Meta: Close does not close them.
	Logs   raft.LogStore
	Stable raft.StableStore
	// Snapshots holds the meta group's snapshots: a raft.FileSnapshotStore
	// in the node's data directory, or raft.NewInmemSnapshotStore() for an
	// in-memory node. Raft restores the newest on start.
	Snapshots raft.SnapshotStore
	// Logger receives the replica's logs (raft's through an hclog
	// adapter); nil discards them.
	Logger *slog.Logger
}

// Meta is this node's replica of the meta group. Its methods may be called
// concurrently. It owns a watcher goroutine (shutting raft down after a
// fatal apply error) and the goroutines waiting on raft futures; Close
// stops raft and waits for all of them.
type Meta struct {
	raft    *raft.Raft
	fsm     *fsm
	log     *slog.Logger
	futures replication.Futures

	fatal     chan struct{} // closed when the FSM failed
	fatalOnce sync.Once
	closing   chan struct{} // closed by Close
	watchDone chan struct{} // closed when the watcher exits
	closeOnce sync.Once
	closeErr  error
}

// Open starts this node's replica of the meta group. bootstrap, the initial
// voters (identical on each of them, and including this node), is used only
// when the stores hold no raft state yet; a replica added later (AddNonvoter)
// starts with none. Raft restores the newest snapshot before Open returns and
// replays the log after it once it learns the commit index (from a leader,
// or by winning an election), so State may lag until then: use WaitLeader
// and Barrier (leader) or WaitApplied to catch up.
func Open(cfg Config, deps Deps, bootstrap []replication.Peer) (*Meta, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	switch {
	case deps.NodeID == "":
		return nil, errors.New("meta: Deps.NodeID is empty")
	case deps.Addr == "":
		return nil, errors.New("meta: Deps.Addr is empty")
	case deps.Transport == nil:
		return nil, errors.New("meta: Deps.Transport is nil")
	case deps.Logs == nil || deps.Stable == nil:
		return nil, errors.New("meta: Deps.Logs and Deps.Stable are required")
	case deps.Snapshots == nil:
		return nil, errors.New("meta: Deps.Snapshots is nil")
	}
	if len(bootstrap) > 0 {
		i := slices.IndexFunc(bootstrap, func(p replication.Peer) bool { return p.ID == deps.NodeID })
		if i < 0 {
			return nil, fmt.Errorf("meta: bootstrap voters %v do not include this node %q", bootstrap, deps.NodeID)
		}
		if bootstrap[i].Addr != deps.Addr {
			return nil, fmt.Errorf("meta: bootstrap gives this node %q address %q, Deps.Addr is %q", deps.NodeID, bootstrap[i].Addr, deps.Addr)
		}
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	log := deps.Logger.With("group", GroupID)
	m := &Meta{
		log:       log.With("component", "meta"),
		fatal:     make(chan struct{}),
		closing:   make(chan struct{}),
		watchDone: make(chan struct{}),
	}
	m.fsm = newFSM(m.log, m.stopOnFatal)
	rc := raftConfig(cfg, deps.NodeID, log)
	closeTrans := func() {
		if c, ok := deps.Transport.(raft.WithClose); ok {
			c.Close()
		}
	}
	if len(bootstrap) > 0 {
		has, err := raft.HasExistingState(deps.Logs, deps.Stable, deps.Snapshots)
		if err != nil {
			closeTrans()
			return nil, fmt.Errorf("meta: %w", err)
		}
		if !has {
			conf := raft.Configuration{}
			for _, p := range bootstrap {
				conf.Servers = append(conf.Servers, raft.Server{Suffrage: raft.Voter, ID: raft.ServerID(p.ID), Address: raft.ServerAddress(p.Addr)})
			}
			if err := raft.BootstrapCluster(rc, deps.Logs, deps.Stable, deps.Snapshots, deps.Transport, conf); err != nil {
				closeTrans()
				return nil, fmt.Errorf("meta: bootstrap: %w", err)
			}
		}
	}
	r, err := raft.NewRaft(rc, m.fsm, deps.Logs, deps.Stable, deps.Snapshots, deps.Transport)
	if err != nil {
		closeTrans()
		return nil, fmt.Errorf("meta: start raft: %w", err)
	}
	m.raft = r
	go m.watch()
	return m, nil
}

// raftConfig returns raft's configuration of the meta group.
func raftConfig(cfg Config, nodeID string, log *slog.Logger) *raft.Config {
	rc := raft.DefaultConfig()
	rc.LocalID = raft.ServerID(nodeID)
	rc.HeartbeatTimeout = cfg.HeartbeatTimeout
	rc.ElectionTimeout = cfg.ElectionTimeout
	rc.CommitTimeout = cfg.CommitTimeout
	rc.LeaderLeaseTimeout = cfg.LeaderLeaseTimeout
	rc.SnapshotThreshold = cfg.SnapshotThreshold
	rc.SnapshotInterval = cfg.SnapshotInterval
	rc.TrailingLogs = cfg.TrailingLogs
	// The FSM lives in memory: raft restores the newest snapshot on start
	// and replays the log after it.
	rc.NoSnapshotRestoreOnStart = false
	// An unbuffered apply channel: futures left in a buffered one at
	// shutdown are never answered.
	rc.BatchApplyCh = false
	rc.NoLegacyTelemetry = true
	rc.Logger = replication.NewRaftLogger(log.With("component", "raft"))
	return rc
}

// State returns the current state: an immutable snapshot, possibly behind
// the leader's. To wait for the next change without missing one, call
// Changed before State.
func (m *Meta) State() *State { return m.fsm.current().state }

// Changed returns a channel closed at the next state change (every applied
// command and every restored snapshot): a broadcast to any number of
// waiters, each of which calls Changed again after it fires. Close does not
// close it; a watcher also selects on its own context.
func (m *Meta) Changed() <-chan struct{} { return m.fsm.current().next }

// Err returns the fatal error that stopped the replica, or nil.
func (m *Meta) Err() error { return m.fsm.failure() }

// IsLeader reports whether this replica is the meta group's leader now.
func (m *Meta) IsLeader() bool { return m.raft.State() == raft.Leader }

// Leader returns the leader this replica knows of, zero when it knows none.
func (m *Meta) Leader() replication.Peer { return replication.LeaderOf(m.raft) }

// WaitLeader waits until this replica knows a leader and returns it; it
// returns ctx's error when ctx ends first and replication.ErrStopped once
// the replica stopped.
func (m *Meta) WaitLeader(ctx context.Context) (replication.Peer, error) {
	return replication.WaitForLeader(ctx, m.raft, m.closing)
}

// LastContact returns when this replica last heard from its leader, to
// bound the staleness of its State: the current time on the leader itself,
// and the zero time on a replica that has not heard from a leader since it
// started.
func (m *Meta) LastContact() time.Time {
	if m.IsLeader() {
		return time.Now()
	}
	return m.raft.LastContact()
}

// checkLeader returns nil on a running leader, else the fatal error,
// replication.ErrStopped or a *replication.NotLeaderError.
func (m *Meta) checkLeader() error {
	if err := m.fsm.failure(); err != nil {
		return err
	}
	switch m.raft.State() {
	case raft.Leader:
		return nil
	case raft.Shutdown:
		return fmt.Errorf("group %d: %w", GroupID, replication.ErrStopped)
	}
	return &replication.NotLeaderError{Group: GroupID, Leader: m.Leader()}
}

// raftErr maps raft's errors to replication's; a shutdown after a fatal
// apply error reports that error.
func (m *Meta) raftErr(err error) error {
	if errors.Is(err, raft.ErrRaftShutdown) {
		if ferr := m.fsm.failure(); ferr != nil {
			return ferr
		}
	}
	return replication.RaftError(GroupID, err, m.Leader)
}

// wait waits for future or ctx and maps the error.
func (m *Meta) wait(ctx context.Context, future raft.Future) error {
	err := m.futures.Wait(ctx, future)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return err
	}
	if errors.Is(err, replication.ErrStopped) {
		return err
	}
	return m.raftErr(err)
}

// Propose replicates cmd and returns its Result once it is committed and
// applied on this replica (the leader); the Result's Err is the command's
// user-level error (ErrTableExists, ...), and its records are copies. It
// returns ErrInvalidCommand for a malformed command (nothing proposed), a
// *replication.NotLeaderError when this replica is not the leader (nothing
// proposed), replication.ErrLeadershipLost when the outcome is unknown,
// ctx's error when ctx ends first (the command may still be applied), and
// replication.ErrStopped or a replication.ErrApplyFailed error when the
// replica stopped. ctx's deadline also bounds the wait to enqueue it.
func (m *Meta) Propose(ctx context.Context, cmd *Command) (Result, error) {
	if err := cmd.validate(); err != nil {
		return Result{}, err
	}
	if err := m.checkLeader(); err != nil {
		return Result{}, err
	}
	data, err := cmd.encode()
	if err != nil {
		return Result{}, err
	}
	timeout, err := replication.EnqueueTimeout(ctx)
	if err != nil {
		return Result{}, err
	}
	future := m.raft.Apply(data, timeout)
	if err := m.wait(ctx, future); err != nil {
		return Result{}, err
	}
	switch r := future.Response().(type) {
	case Result:
		r.Table, r.Range = r.Table.clone(), r.Range.clone()
		return r, nil
	case error:
		return Result{}, r
	default:
		return Result{}, fmt.Errorf("meta: unexpected apply response %T", r)
	}
}

// Barrier waits until every command committed before it is applied on this
// replica (the leader), so that State then reflects every write
// acknowledged before Barrier was called. It returns a
// *replication.NotLeaderError on a follower, ctx's error when ctx ends
// first, and the errors of Propose when leadership is lost or the replica
// stopped.
func (m *Meta) Barrier(ctx context.Context) error {
	if err := m.checkLeader(); err != nil {
		return err
	}
	timeout, err := replication.EnqueueTimeout(ctx)
	if err != nil {
		return err
	}
	return m.wait(ctx, m.raft.Barrier(timeout))
}

// WaitApplied waits until State().Index is at least index (a follower
// catching up with a write acknowledged at that index by the leader). index
// must be a command's index (a State.Index): entries that are not commands
// do not advance State.Index. It returns ctx's error when ctx ends first,
// replication.ErrStopped after Close and the fatal error if the replica
// failed.
func (m *Meta) WaitApplied(ctx context.Context, index uint64) error {
	for {
		v := m.fsm.current()
		if v.state.Index >= index {
			return nil
		}
		select {
		case <-v.next:
		case <-ctx.Done():
			return ctx.Err()
		case <-m.closing:
			return replication.ErrStopped
		case <-m.fatal:
			return m.fsm.failure()
		}
	}
}

// AddNonvoter adds peer as a non-voting replica, which receives the log (or
// a snapshot) without voting. Leader only. Promote it with AddVoter once it
// has caught up.
func (m *Meta) AddNonvoter(ctx context.Context, peer replication.Peer) error {
	return m.membership(ctx, func(timeout time.Duration) raft.Future {
		return m.raft.AddNonvoter(raft.ServerID(peer.ID), raft.ServerAddress(peer.Addr), 0, timeout)
	})
}

// AddVoter adds peer as a voter, or promotes a non-voter. Leader only. A
// voter votes at once, so add a new replica as a non-voter first.
func (m *Meta) AddVoter(ctx context.Context, peer replication.Peer) error {
	return m.membership(ctx, func(timeout time.Duration) raft.Future {
		return m.raft.AddVoter(raft.ServerID(peer.ID), raft.ServerAddress(peer.Addr), 0, timeout)
	})
}

// RemoveServer removes the replica with node ID id from the meta group.
// Leader only. The removed replica shuts its raft down once it learns of
// its removal.
func (m *Meta) RemoveServer(ctx context.Context, id string) error {
	return m.membership(ctx, func(timeout time.Duration) raft.Future {
		return m.raft.RemoveServer(raft.ServerID(id), 0, timeout)
	})
}

func (m *Meta) membership(ctx context.Context, change func(time.Duration) raft.Future) error {
	if err := m.checkLeader(); err != nil {
		return err
	}
	timeout, err := replication.EnqueueTimeout(ctx)
	if err != nil {
		return err
	}
	return m.wait(ctx, change(timeout))
}

// Servers returns the meta group's latest membership (possibly not yet
// committed) as node IDs mapped to whether each is a voter.
func (m *Meta) Servers() (map[string]bool, error) {
	f := m.raft.GetConfiguration()
	if err := f.Error(); err != nil {
		return nil, m.raftErr(err)
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
func (m *Meta) stopOnFatal() {
	m.fatalOnce.Do(func() { close(m.fatal) })
}

// watch shuts raft down after a fatal apply error, until Close.
func (m *Meta) watch() {
	defer close(m.watchDone)
	select {
	case <-m.fatal:
		if err := m.raft.Shutdown().Error(); err != nil {
			m.log.Error("stop raft after apply failure", "err", err)
		}
	case <-m.closing:
	}
}

// Close shuts raft down (closing the transport, not the stores) and waits
// for every goroutine of the replica, including those waiting on raft
// futures (see replication.Futures.Close for raft's one exception). Its
// data stays: a new Open resumes it. It is idempotent.
func (m *Meta) Close() error {
	m.closeOnce.Do(func() {
		close(m.closing)
		m.closeErr = m.raft.Shutdown().Error()
		<-m.watchDone
		m.futures.Close()
	})
	return m.closeErr
}
