package replication

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"

	"github.com/atolldb/atoll/partition"
)

// Config configures the Raft groups of a node. The timeouts are tuned for
// many groups per node: an idle leader sends a heartbeat to each follower
// every HeartbeatTimeout/10 and a commit-index update every CommitTimeout,
// per group.
type Config struct {
	// HeartbeatTimeout is how long a follower waits without contact from
	// the leader before it starts a (pre-)election.
	HeartbeatTimeout time.Duration
	// ElectionTimeout is how long a candidate waits for votes before it
	// starts another election; at least HeartbeatTimeout.
	ElectionTimeout time.Duration
	// CommitTimeout bounds how long followers may wait to learn a new
	// commit index without other traffic (their apply lag when idle).
	CommitTimeout time.Duration
	// LeaderLeaseTimeout is how long a leader stays leader without
	// contact from a quorum; at most HeartbeatTimeout.
	LeaderLeaseTimeout time.Duration
	// MaxAppendEntries is the most entries per AppendEntries RPC and per
	// apply batch (1..1024).
	MaxAppendEntries int
	// SnapshotThreshold is how many log entries since the last snapshot
	// trigger a new one (a data DB sync and a log truncation).
	SnapshotThreshold uint64
	// SnapshotInterval is how often each group checks SnapshotThreshold.
	SnapshotInterval time.Duration
	// TrailingLogs is how many entries stay in the log after a snapshot,
	// so that a slightly lagging follower catches up from the log rather
	// than by snapshot.
	TrailingLogs uint64
	// SpoolDir is where snapshots received from a leader are spooled
	// before they are restored (in a subdirectory per node ID); empty
	// means os.TempDir().
	SpoolDir string
}

// DefaultConfig returns timeouts suited to hundreds of groups per node on a
// LAN: 5 s heartbeat and election timeouts, 2.5 s leader lease, 1 s commit
// timeout, a snapshot every 8192 entries checked every 2 minutes, keeping
// 10240 trailing entries. Measured with cmd/raftbench (BENCHMARKS.md), 500
// idle groups per node then cost about 9% of one core (19% with 2 s and
// 200 ms); the price is failure detection: a dead leader's groups take 5 to
// 10 s plus an election to move on.
func DefaultConfig() Config {
	return Config{
		HeartbeatTimeout:   5 * time.Second,
		ElectionTimeout:    5 * time.Second,
		CommitTimeout:      time.Second,
		LeaderLeaseTimeout: 2500 * time.Millisecond,
		MaxAppendEntries:   256,
		SnapshotThreshold:  8192,
		SnapshotInterval:   2 * time.Minute,
		TrailingLogs:       10240,
	}
}

// Validate reports the first problem with c, or nil.
func (c Config) Validate() error {
	switch {
	case c.HeartbeatTimeout < 5*time.Millisecond:
		return fmt.Errorf("replication: Config.HeartbeatTimeout %v is below 5ms", c.HeartbeatTimeout)
	case c.ElectionTimeout < c.HeartbeatTimeout:
		return fmt.Errorf("replication: Config.ElectionTimeout %v is below HeartbeatTimeout %v", c.ElectionTimeout, c.HeartbeatTimeout)
	case c.CommitTimeout < time.Millisecond:
		return fmt.Errorf("replication: Config.CommitTimeout %v is below 1ms", c.CommitTimeout)
	case c.LeaderLeaseTimeout < 5*time.Millisecond || c.LeaderLeaseTimeout > c.HeartbeatTimeout:
		return fmt.Errorf("replication: Config.LeaderLeaseTimeout %v is outside [5ms, HeartbeatTimeout %v]", c.LeaderLeaseTimeout, c.HeartbeatTimeout)
	case c.MaxAppendEntries < 1 || c.MaxAppendEntries > 1024:
		return fmt.Errorf("replication: Config.MaxAppendEntries %d is outside [1, 1024]", c.MaxAppendEntries)
	case c.SnapshotThreshold < 1:
		return errors.New("replication: Config.SnapshotThreshold is 0")
	case c.SnapshotInterval < 5*time.Millisecond:
		return fmt.Errorf("replication: Config.SnapshotInterval %v is below 5ms", c.SnapshotInterval)
	}
	return nil
}

// TransportFactory returns the raft transport of a group. Every group of a
// node shares one network (one listener, one connection per peer node);
// the factory returns that network's view for the group. It is called by
// StartGroup.
type TransportFactory func(group uint64) raft.Transport

// LogStoreFactory returns the log and stable store of a group, views of
// the node's one raft-log Badger. It is called by StartGroup.
type LogStoreFactory func(group uint64) (raft.LogStore, raft.StableStore)

// Deps are the dependencies of a Manager.
type Deps struct {
	// NodeID is this node's raft server ID, the same in every group.
	NodeID string
	// Addr is this node's transport address.
	Addr string
	// DB is the node's data Badger, shared by every group. Open it with
	// SyncWrites: raft truncates its log after a snapshot, and only
	// synced apply commits make sure the data DB holds what it drops.
	DB *badger.DB
	// Transport and LogStore give each group its transport and stores.
	Transport TransportFactory
	LogStore  LogStoreFactory
	// Committer, when not nil, applies the groups' entries together in
	// shared data-DB commits (one sync for all of a round); it must
	// outlive the groups.
	Committer *partition.Committer
	// Clock stamps commands; nil means a new HLC over time.Now.
	Clock *HLC
	// Logger receives the groups' logs (raft's through an hclog adapter);
	// nil discards them.
	Logger *slog.Logger
}

// GroupSpec describes one group to start on this node.
type GroupSpec struct {
	// ID is the group's ID, the same on every replica.
	ID uint64
	// Range is the group's key range.
	Range KeyRange
	// Bootstrap, when not empty, is the group's initial voters; it must be
	// identical on every initial voter. It is ignored when the group
	// already has raft state on this node; a replica added later to a
	// running group starts without it.
	Bootstrap []Peer
}

// Manager runs the Raft groups of one node. Its methods may be called
// concurrently. Close shuts every group down and waits.
type Manager struct {
	cfg  Config
	deps Deps
	log  *slog.Logger

	mu sync.Mutex
	// groups holds the running groups by ID; guarded by mu.
	groups map[uint64]*Group
	// closed refuses new groups; guarded by mu.
	closed bool
}

// NewManager returns a manager of this node's groups.
func NewManager(cfg Config, deps Deps) (*Manager, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	switch {
	case deps.NodeID == "":
		return nil, errors.New("replication: Deps.NodeID is empty")
	case deps.Addr == "":
		return nil, errors.New("replication: Deps.Addr is empty")
	case deps.DB == nil:
		return nil, errors.New("replication: Deps.DB is nil")
	case deps.Transport == nil || deps.LogStore == nil:
		return nil, errors.New("replication: Deps.Transport and Deps.LogStore are required")
	}
	if deps.Clock == nil {
		deps.Clock = NewHLC(nil)
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.SpoolDir == "" {
		cfg.SpoolDir = os.TempDir()
	}
	// A directory per node: a group's start removes its stale spool files,
	// which must not be another node's (several nodes may share SpoolDir in
	// one process).
	cfg.SpoolDir = filepath.Join(cfg.SpoolDir, fmt.Sprintf("atoll-spool-%x", deps.NodeID))
	return &Manager{cfg: cfg, deps: deps, log: deps.Logger.With("component", "raft-groups"), groups: map[uint64]*Group{}}, nil
}

func (m *Manager) raftConfig(group uint64, log *slog.Logger) *raft.Config {
	rc := raft.DefaultConfig()
	rc.LocalID = raft.ServerID(m.deps.NodeID)
	rc.HeartbeatTimeout = m.cfg.HeartbeatTimeout
	rc.ElectionTimeout = m.cfg.ElectionTimeout
	rc.CommitTimeout = m.cfg.CommitTimeout
	rc.LeaderLeaseTimeout = m.cfg.LeaderLeaseTimeout
	rc.MaxAppendEntries = m.cfg.MaxAppendEntries
	rc.SnapshotThreshold = m.cfg.SnapshotThreshold
	rc.SnapshotInterval = m.cfg.SnapshotInterval
	rc.TrailingLogs = m.cfg.TrailingLogs
	// The data DB holds the state; raft replays the log after the last
	// snapshot and the state machine skips what it already applied.
	rc.NoSnapshotRestoreOnStart = true
	// An unbuffered apply channel: every future raft accepts is answered,
	// even at shutdown (futures left in a buffered channel are not).
	rc.BatchApplyCh = false
	rc.NoLegacyTelemetry = true
	rc.Logger = newHCLogger(log.With("component", "raft"), "raft")
	return rc
}

// StartGroup starts this node's replica of a group. It returns
// ErrGroupExists when it runs already, ErrRestoreInterrupted when a
// snapshot restore of the group was cut short, and ErrStopped after Close.
func (m *Manager) StartGroup(spec GroupSpec) (*Group, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrStopped
	}
	if _, ok := m.groups[spec.ID]; ok {
		return nil, fmt.Errorf("group %d: %w", spec.ID, ErrGroupExists)
	}
	g, err := m.start(spec)
	if err != nil {
		return nil, err
	}
	m.groups[spec.ID] = g
	return g, nil
}

func (m *Manager) start(spec GroupSpec) (*Group, error) {
	log := m.deps.Logger.With("group", spec.ID)
	sm, err := partition.NewStateMachine(m.deps.DB, spec.ID, m.deps.Logger)
	if err != nil {
		return nil, err
	}
	if m.deps.Committer != nil {
		sm.SetCommitter(m.deps.Committer)
	}
	logs, stable := m.deps.LogStore(spec.ID)
	snaps, err := openSnapshotStore(spec.ID, m.deps.DB, spec.Range, stable, m.cfg.SpoolDir, log)
	if err != nil {
		return nil, err
	}
	trans := m.deps.Transport(spec.ID)
	closeTrans := func() {
		if c, ok := trans.(raft.WithClose); ok {
			c.Close()
		}
	}
	g := &Group{
		id: spec.ID, span: spec.Range, sm: sm, clock: m.deps.Clock,
		log:       log.With("component", "raft-group"),
		fatal:     make(chan struct{}),
		closing:   make(chan struct{}),
		watchDone: make(chan struct{}),
	}
	g.fsm = &fsm{group: spec.ID, sm: sm, db: m.deps.DB, snaps: snaps, clock: m.deps.Clock, log: g.log, stop: g.stopOnFatal}
	rc := m.raftConfig(spec.ID, log)
	if len(spec.Bootstrap) > 0 {
		has, err := raft.HasExistingState(logs, stable, snaps)
		if err != nil {
			closeTrans()
			return nil, fmt.Errorf("group %d: %w", spec.ID, err)
		}
		if !has {
			conf := raft.Configuration{}
			for _, p := range spec.Bootstrap {
				conf.Servers = append(conf.Servers, raft.Server{Suffrage: raft.Voter, ID: raft.ServerID(p.ID), Address: raft.ServerAddress(p.Addr)})
			}
			if err := raft.BootstrapCluster(rc, logs, stable, snaps, trans, conf); err != nil {
				closeTrans()
				return nil, fmt.Errorf("group %d: bootstrap: %w", spec.ID, err)
			}
		}
	}
	r, err := raft.NewRaft(rc, g.fsm, logs, stable, snaps, trans)
	if err != nil {
		closeTrans()
		return nil, fmt.Errorf("group %d: start raft: %w", spec.ID, err)
	}
	g.raft = r
	go g.watch()
	return g, nil
}

// Group returns the running group with id, or nil.
func (m *Manager) Group(id uint64) *Group {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.groups[id]
}

// Groups returns the IDs of the running groups, sorted.
func (m *Manager) Groups() []uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	ids := make([]uint64, 0, len(m.groups))
	for id := range m.groups {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// StopGroup shuts this node's replica of a group down and forgets it; its
// data and log stay.
func (m *Manager) StopGroup(id uint64) error {
	m.mu.Lock()
	g := m.groups[id]
	delete(m.groups, id)
	m.mu.Unlock()
	if g == nil {
		return nil
	}
	return g.Shutdown()
}

// Close shuts every group down (concurrently) and waits for them. It does
// not close the DB, the transport or the log store.
func (m *Manager) Close() error {
	m.mu.Lock()
	m.closed = true
	groups := m.groups
	m.groups = map[uint64]*Group{}
	m.mu.Unlock()
	var (
		wg   sync.WaitGroup
		emu  sync.Mutex
		errs []error
	)
	for _, g := range groups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := g.Shutdown(); err != nil {
				emu.Lock()
				errs = append(errs, fmt.Errorf("group %d: %w", g.id, err))
				emu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// hcLogger adapts slog to hclog, raft's logger. Raft's Info chatter (state
// changes, snapshots) stays at Info; Trace maps to Debug.
type hcLogger struct {
	log   *slog.Logger
	name  string
	args  []any
	level *atomic.Int32 // an hclog.Level, shared by derived loggers
}

var _ hclog.Logger = (*hcLogger)(nil)

// NewRaftLogger returns raft's logger (an hclog.Logger) writing to log, for
// packages that configure their own raft.Raft (replication/meta). Raft's
// Info chatter stays at Info; Trace maps to Debug.
func NewRaftLogger(log *slog.Logger) hclog.Logger { return newHCLogger(log, "raft") }

func newHCLogger(log *slog.Logger, name string) *hcLogger {
	lv := new(atomic.Int32)
	lv.Store(int32(hclog.Debug))
	return &hcLogger{log: log, name: name, level: lv}
}

func slogLevel(l hclog.Level) slog.Level {
	switch l {
	case hclog.Trace, hclog.Debug:
		return slog.LevelDebug
	case hclog.Warn:
		return slog.LevelWarn
	case hclog.Error:
		return slog.LevelError
	}
	return slog.LevelInfo
}

func (h *hcLogger) Log(level hclog.Level, msg string, args ...any) {
	if level == hclog.Off || level < h.GetLevel() {
		return
	}
	h.log.Log(context.Background(), slogLevel(level), msg, args...)
}

func (h *hcLogger) Trace(msg string, args ...any) { h.Log(hclog.Trace, msg, args...) }
func (h *hcLogger) Debug(msg string, args ...any) { h.Log(hclog.Debug, msg, args...) }
func (h *hcLogger) Info(msg string, args ...any)  { h.Log(hclog.Info, msg, args...) }
func (h *hcLogger) Warn(msg string, args ...any)  { h.Log(hclog.Warn, msg, args...) }
func (h *hcLogger) Error(msg string, args ...any) { h.Log(hclog.Error, msg, args...) }

func (h *hcLogger) enabled(l hclog.Level) bool {
	return l >= h.GetLevel() && h.log.Enabled(context.Background(), slogLevel(l))
}

func (h *hcLogger) IsTrace() bool { return h.enabled(hclog.Trace) }
func (h *hcLogger) IsDebug() bool { return h.enabled(hclog.Debug) }
func (h *hcLogger) IsInfo() bool  { return h.enabled(hclog.Info) }
func (h *hcLogger) IsWarn() bool  { return h.enabled(hclog.Warn) }
func (h *hcLogger) IsError() bool { return h.enabled(hclog.Error) }

func (h *hcLogger) ImpliedArgs() []any { return append([]any(nil), h.args...) }

func (h *hcLogger) With(args ...any) hclog.Logger {
	c := *h
	c.log = h.log.With(args...)
	c.args = append(append([]any(nil), h.args...), args...)
	return &c
}

func (h *hcLogger) Name() string { return h.name }

func (h *hcLogger) Named(name string) hclog.Logger {
	if h.name != "" {
		name = h.name + "." + name
	}
	return h.ResetNamed(name)
}

func (h *hcLogger) ResetNamed(name string) hclog.Logger {
	c := *h
	c.name = name
	return &c
}

// SetLevel is ignored for the slog side (slog's handler decides) but
// filters before it.
func (h *hcLogger) SetLevel(level hclog.Level) { h.level.Store(int32(level)) }

func (h *hcLogger) GetLevel() hclog.Level { return hclog.Level(h.level.Load()) }

func (h *hcLogger) StandardLogger(_ *hclog.StandardLoggerOptions) *log.Logger {
	return slog.NewLogLogger(h.log.Handler(), slog.LevelInfo)
}

func (h *hcLogger) StandardWriter(opts *hclog.StandardLoggerOptions) io.Writer {
	return h.StandardLogger(opts).Writer()
}
