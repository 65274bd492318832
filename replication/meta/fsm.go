package meta

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"

	"github.com/hashicorp/raft"

	"github.com/atolldb/atoll/replication"
)

// snapshotVersion is the version of the snapshot format written by Persist.
const snapshotVersion = 1

// snapshotFile is a snapshot: the whole State as JSON.
type snapshotFile struct {
	Version int    `json:"version"`
	State   *State `json:"state"`
}

// version is one published State and the channel closed when the next one
// replaces it.
type version struct {
	state *State
	// next is closed once a newer version is published.
	next chan struct{}
}

// fsm is the meta group's raft.FSM: an in-memory State, replaced (never
// modified) by each command and swapped in atomically, so readers never
// lock. Raft calls Apply, Snapshot and Restore from one goroutine at a time
// (Restore also from NewRaft, before that goroutine starts); Persist and
// Release of a snapshot run on another goroutine, concurrently with Apply,
// which is safe because the snapshot holds an immutable State.
//
// A log entry that does not decode to a known command is fatal: it and every
// later entry get the error as their response, nothing more is applied, and
// stop is called once so that the replica shuts down from another
// goroutine. Every replica fails on the same entry; none diverges.
type fsm struct {
	log *slog.Logger
	// stop starts the replica's shutdown; it must not block.
	stop func()

	// cur is the current version; never nil.
	cur atomic.Pointer[version]
	// failed holds the fatal error once apply failed.
	failed atomic.Pointer[error]
}

var _ raft.FSM = (*fsm)(nil)

func newFSM(log *slog.Logger, stop func()) *fsm {
	f := &fsm{log: log, stop: stop}
	f.cur.Store(&version{state: newState(), next: make(chan struct{})})
	return f
}

// current returns the current version.
func (f *fsm) current() *version { return f.cur.Load() }

// publish makes s the current state and wakes the waiters of the previous
// one. Only raft's FSM goroutine (or NewRaft's restore) calls it.
func (f *fsm) publish(s *State) {
	old := f.cur.Swap(&version{state: s, next: make(chan struct{})})
	close(old.next)
}

// failure returns the fatal error, or nil while the FSM is healthy.
func (f *fsm) failure() error {
	if p := f.failed.Load(); p != nil {
		return *p
	}
	return nil
}

// fail records a fatal error (the first one wins) and stops the replica.
func (f *fsm) fail(err error) error {
	err = fmt.Errorf("%w: meta group: %w", replication.ErrApplyFailed, err)
	if f.failed.CompareAndSwap(nil, &err) {
		f.log.Error("apply failed; stopping the replica", "err", err)
		f.stop()
	}
	return f.failure()
}

// Apply applies a command entry and returns its Result, or an error (which
// wraps replication.ErrApplyFailed) when the replica failed. Raft hands
// only command entries to a non-batching FSM.
func (f *fsm) Apply(l *raft.Log) any {
	if err := f.failure(); err != nil {
		return err
	}
	cmd, err := decodeCommand(l.Data)
	if err != nil {
		return f.fail(fmt.Errorf("apply index %d: %w", l.Index, err))
	}
	next, res := f.current().state.apply(l.Index, cmd)
	f.publish(next)
	if res.Err != nil {
		f.log.Debug("command refused", "index", l.Index, "op", cmd.Op, "err", res.Err)
	}
	return res
}

// Snapshot returns a snapshot of the current State; it copies nothing.
func (f *fsm) Snapshot() (raft.FSMSnapshot, error) {
	if err := f.failure(); err != nil {
		return nil, err
	}
	return snapshot{state: f.current().state}, nil
}

// Restore replaces the state with a snapshot's. A snapshot that does not
// decode or breaks the state's invariants is refused (ErrBadSnapshot) and
// the state stays as it was.
func (f *fsm) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	if err := f.failure(); err != nil {
		return err
	}
	data, err := io.ReadAll(rc)
	if err != nil {
		return fmt.Errorf("meta: read snapshot: %w", err)
	}
	s, err := decodeSnapshot(data)
	if err != nil {
		return err
	}
	f.publish(s)
	f.log.Info("restored snapshot", "index", s.Index, "tables", len(s.Tables), "ranges", len(s.Ranges))
	return nil
}

// decodeSnapshot decodes and checks a snapshot written by Persist.
func decodeSnapshot(data []byte) (*State, error) {
	var file snapshotFile
	if err := decodeStrict(data, &file); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadSnapshot, err)
	}
	if file.Version != snapshotVersion {
		return nil, fmt.Errorf("%w: version %d, want %d", ErrBadSnapshot, file.Version, snapshotVersion)
	}
	s := file.State
	if s == nil {
		return nil, fmt.Errorf("%w: no state", ErrBadSnapshot)
	}
	if s.Nodes == nil {
		s.Nodes = map[string]Node{}
	}
	if s.Tables == nil {
		s.Tables = map[string]Table{}
	}
	// JSON keeps empty and nil apart; the state holds nil only.
	for name, t := range s.Tables {
		s.Tables[name] = t.clone()
	}
	if len(s.Ranges) == 0 {
		s.Ranges = nil
	}
	for i, r := range s.Ranges {
		s.Ranges[i] = r.clone()
	}
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadSnapshot, err)
	}
	return s, nil
}

// snapshot is the FSMSnapshot of one immutable State.
type snapshot struct{ state *State }

// Persist writes the state as JSON to sink.
func (s snapshot) Persist(sink raft.SnapshotSink) error {
	if err := json.NewEncoder(sink).Encode(snapshotFile{Version: snapshotVersion, State: s.state}); err != nil {
		sink.Cancel()
		return fmt.Errorf("meta: write snapshot: %w", err)
	}
	return sink.Close()
}

// Release does nothing: the State is garbage-collected.
func (snapshot) Release() {}
