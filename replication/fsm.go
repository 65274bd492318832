package replication

import (
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"

	"github.com/dgraph-io/badger/v4"
	"github.com/hashicorp/raft"

	"github.com/atolldb/atoll/partition"
)

// entryHeader is the length of the HLC timestamp that prefixes every
// command in the raft log: [8-byte big-endian HLC timestamp][encoded
// partition.Command]. The leader stamps it when proposing; apply never
// reads a clock. An entry of the timestamp alone is a read fence: it
// changes nothing and is not handed to the state machine.
const entryHeader = 8

// encodeEntry returns the raft log data of cmd stamped with ts.
func encodeEntry(ts uint64, cmd *partition.Command) []byte {
	b := binary.BigEndian.AppendUint64(make([]byte, 0, 256), ts)
	return cmd.Encode(b)
}

// fsm is the raft.BatchingFSM of one group over its partition state
// machine. Raft calls ApplyBatch, Snapshot and Restore from its FSM
// goroutine, one at a time; Persist of a snapshot may run concurrently
// with ApplyBatch.
//
// An apply that fails unexpectedly (an I/O error, an undecodable entry)
// marks the FSM failed: from then on every entry gets the error as its
// response and nothing more is applied, and stop is called once so the
// group shuts down from another goroutine. The stored state is still "every
// entry up to the stored applied index", so a restart resumes from there
// (and fails again on the same entry if it is corrupt).
type fsm struct {
	group uint64
	sm    *partition.StateMachine
	db    *badger.DB
	snaps *snapshotStore
	clock *HLC
	log   *slog.Logger
	// stop starts the group's shutdown; it must not block.
	stop func()

	// failed holds the fatal error once apply or restore failed.
	failed atomic.Pointer[error]
	// restores counts snapshots restored (observability and tests).
	restores atomic.Int64
	// through is the highest log index this FSM has been handed (commands
	// and configuration entries), applied or restored: the state machine
	// reflects every entry up to it. Raft does not hand over no-op and
	// barrier entries, so through may stay below the commit index.
	through atomic.Uint64
}

var _ raft.BatchingFSM = (*fsm)(nil)

// failure returns the fatal error, or nil while the FSM is healthy.
func (f *fsm) failure() error {
	if p := f.failed.Load(); p != nil {
		return *p
	}
	return nil
}

// fail records a fatal error (the first one wins) and stops the group.
func (f *fsm) fail(err error) error {
	err = fmt.Errorf("%w: group %d: %w", ErrApplyFailed, f.group, err)
	if f.failed.CompareAndSwap(nil, &err) {
		f.log.Error("apply failed; stopping the replica", "err", err)
		f.stop()
	}
	return f.failure()
}

// ApplyBatch applies the commands among logs (configuration entries carry
// nothing for the state machine) and returns, per log, the command's
// partition.Result, an error when the replica failed, or nil for a
// configuration entry.
func (f *fsm) ApplyBatch(logs []*raft.Log) []any {
	resp := make([]any, len(logs))
	if err := f.failure(); err != nil {
		fillErr(resp, logs, err)
		return resp
	}
	entries := make([]partition.Entry, 0, len(logs))
	at := make([]int, 0, len(logs))
	var newest uint64
	for i, l := range logs {
		if l.Type != raft.LogCommand {
			continue
		}
		if len(l.Data) == entryHeader {
			// A read fence (Group.fence): nothing to apply; it only moves
			// through past the no-op and barrier entries before it.
			continue
		}
		if len(l.Data) < entryHeader {
			fillErr(resp, logs, f.fail(fmt.Errorf("apply index %d: %w: entry of %d bytes", l.Index, partition.ErrCorruptCommand, len(l.Data))))
			return resp
		}
		ts := binary.BigEndian.Uint64(l.Data)
		newest = max(newest, ts)
		entries = append(entries, partition.Entry{Index: l.Index, Time: ts, Command: l.Data[entryHeader:]})
		at = append(at, i)
	}
	if len(entries) == 0 {
		f.advance(logs)
		return resp
	}
	results, err := f.sm.Apply(entries)
	if err != nil {
		fillErr(resp, logs, f.fail(err))
		return resp
	}
	f.advance(logs)
	for j, i := range at {
		resp[i] = results[j]
	}
	// Keep this node's clock ahead of every timestamp it applied, so that
	// as a leader it stamps later writes after earlier ones. This does not
	// influence the apply itself.
	f.clock.Observe(newest)
	return resp
}

// advance records that every entry of logs has been applied.
func (f *fsm) advance(logs []*raft.Log) {
	if len(logs) > 0 {
		f.through.Store(max(f.through.Load(), logs[len(logs)-1].Index))
	}
}

func fillErr(resp []any, logs []*raft.Log, err error) {
	for i, l := range logs {
		if l.Type == raft.LogCommand {
			resp[i] = err
		}
	}
}

// Apply applies a single log (raft uses ApplyBatch; this completes raft.FSM).
func (f *fsm) Apply(l *raft.Log) any { return f.ApplyBatch([]*raft.Log{l})[0] }

// Snapshot returns a snapshot that only makes the data DB durable: the data
// DB is the snapshot, and raft truncates its log up to the snapshot's index
// once Persist returns, so everything applied up to that index must be on
// disk first. The snapshot store streams the data when a follower needs it.
func (f *fsm) Snapshot() (raft.FSMSnapshot, error) {
	if err := f.failure(); err != nil {
		return nil, err
	}
	return syncSnapshot{db: f.db}, nil
}

// syncSnapshot is the FSMSnapshot of the live snapshot store.
type syncSnapshot struct{ db *badger.DB }

// Persist syncs the data DB and closes the sink, which records the
// metadata. The node opens the data DB with SyncWrites, so every apply
// commit is already durable by then; Badger's DB.Sync alone would cover only
// the active memtable's write-ahead log, not memtables rotated out and not
// yet flushed (see partition/DESIGN.md).
func (s syncSnapshot) Persist(sink raft.SnapshotSink) error {
	if err := s.db.Sync(); err != nil {
		sink.Cancel()
		return fmt.Errorf("sync data DB for snapshot: %w", err)
	}
	return sink.Close()
}

func (syncSnapshot) Release() {}

// Restore replaces the group's keys with a snapshot received from the
// leader, then reloads the state machine's applied index. A stream that does
// not belong to the group is refused without change; a failure once the
// group's keys started changing is fatal.
func (f *fsm) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	// Take the opened snapshot first, so that a refused restore never
	// leaves it behind for a later one.
	id, ok := f.snaps.takeOpened()
	if err := f.failure(); err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("group %d: %w: restore accepts only snapshots received from a leader", f.group, ErrBadSnapshot)
	}
	fatal, err := f.snaps.restore(rc)
	if err == nil {
		err = f.sm.Reload()
		fatal = err != nil
	}
	if err == nil {
		err = f.snaps.restored(id)
		fatal = err != nil
	}
	if err != nil {
		if fatal {
			return f.fail(fmt.Errorf("restore snapshot: %w", err))
		}
		return fmt.Errorf("group %d: restore snapshot: %w", f.group, err)
	}
	f.restores.Add(1)
	f.through.Store(max(f.through.Load(), f.sm.AppliedIndex()))
	f.log.Info("restored snapshot", "applied", f.sm.AppliedIndex())
	return nil
}
