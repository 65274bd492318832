package partition

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"

	"github.com/dgraph-io/badger/v4"

	"github.com/atolldb/atoll/partition/expr"
	"github.com/atolldb/atoll/partition/keys"
	"github.com/atolldb/atoll/partition/value"
)

// Entry is one replicated log entry handed to Apply.
type Entry struct {
	// Index is the entry's position in the group's log; entries at or below
	// the stored applied index are skipped.
	Index uint64
	// Time is the leader's HLC timestamp for the entry. Apply uses it as the
	// item version and never reads a clock.
	Time uint64
	// Command is an encoded Command (Command.Encode).
	Command []byte
}

// Result is the outcome of one command.
type Result struct {
	// Old is the item before the command (nil when there was none). With
	// ErrConditionFailed it is the current item.
	Old value.Item
	// New is the item after the command (nil when there is none).
	New value.Item
	// Updated lists the paths an OpUpdate changed, in action order.
	Updated []expr.Path
	// Err is nil on success, ErrConditionFailed, or a *value.ValidationError
	// raised while evaluating the update.
	Err error
	// Skipped is true when the entry was at or below the applied index (a
	// replay after restart): nothing was evaluated or written.
	Skipped bool
}

// StateMachine is the deterministic state machine of one group over the
// node's data Badger. Apply must be called by one goroutine at a time (the
// group's apply loop); the read methods may be called concurrently with it.
type StateMachine struct {
	db    *badger.DB
	group uint64
	log   *slog.Logger

	// applied is the highest applied index. Written only by Apply, read by
	// AppliedIndex from any goroutine.
	applied atomic.Uint64

	// committer, when set (before the first Apply), applies this group's
	// entries together with other groups' in shared commits.
	committer *Committer
}

// SetCommitter makes Apply go through c. Call it before the first Apply.
func (sm *StateMachine) SetCommitter(c *Committer) { sm.committer = c }

// System keys live under table id 0, which no table ever gets.
const (
	sysApplied byte = 1 // || group id -> applied index
	sysStats   byte = 2 // || table id || group id -> item count, byte size
)

func appliedKey(group uint64) []byte {
	k := keys.TablePrefix(0)
	k = append(k, sysApplied)
	return binary.BigEndian.AppendUint64(k, group)
}

func statsKey(table, group uint64) []byte {
	k := keys.TablePrefix(0)
	k = append(k, sysStats)
	k = binary.BigEndian.AppendUint64(k, table)
	return binary.BigEndian.AppendUint64(k, group)
}

// NewStateMachine returns the state machine of group over db, resuming from
// the applied index stored in db.
func NewStateMachine(db *badger.DB, group uint64, log *slog.Logger) (*StateMachine, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	sm := &StateMachine{db: db, group: group, log: log.With("component", "statemachine", "group", group)}
	if err := sm.Reload(); err != nil {
		return nil, err
	}
	return sm, nil
}

// Reload re-reads the applied index stored in the DB (zero when there is
// none). A snapshot restore calls it after replacing the group's keys
// underneath the state machine; it must not run concurrently with Apply.
func (sm *StateMachine) Reload() error {
	var applied uint64
	err := sm.db.View(func(txn *badger.Txn) error {
		it, err := txn.Get(appliedKey(sm.group))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return it.Value(func(v []byte) error {
			if len(v) != 8 {
				return fmt.Errorf("applied index of %d bytes", len(v))
			}
			applied = binary.BigEndian.Uint64(v)
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("group %d: read applied index: %w", sm.group, err)
	}
	sm.applied.Store(applied)
	return nil
}

// SystemKeyGroup reports whether key (a key of the data DB) is one of a
// group's system keys, its applied index or its statistics of a table, and
// which group's. A snapshot of a group carries these keys with its data.
func SystemKeyGroup(key []byte) (group uint64, ok bool) {
	sys := keys.TablePrefix(0)
	if len(key) <= len(sys) || string(key[:len(sys)]) != string(sys) {
		return 0, false
	}
	switch rest := key[len(sys):]; {
	case rest[0] == sysApplied && len(rest) == 1+8:
		return binary.BigEndian.Uint64(rest[1:]), true
	case rest[0] == sysStats && len(rest) == 1+8+8:
		return binary.BigEndian.Uint64(rest[9:]), true
	}
	return 0, false
}

// AppliedIndex returns the highest index applied and stored.
func (sm *StateMachine) AppliedIndex() uint64 { return sm.applied.Load() }

// stats accumulates per-table changes of item count and size within a batch.
type stats struct{ count, bytes int64 }

// Apply applies entries in order, with their results written atomically
// together with the applied index (a large batch commits in several
// transactions, each recording the index of its last entry). Entries at or
// below the applied index are skipped. It returns one Result per entry; a
// non-nil error is fatal (I/O failure or an undecodable entry) and the
// replica must stop: the state is then whatever the last committed
// transaction left, which is consistent with the stored applied index.
// With a Committer (SetCommitter), the entries are applied in the
// committer's next round, in one commit with other groups' entries.
// Apply does not sync the DB; durability is the caller's (the log's) job.
func (sm *StateMachine) Apply(entries []Entry) ([]Result, error) {
	if c := sm.committer; c != nil {
		return c.apply(sm, entries)
	}
	b := newBatch(sm.db)
	defer b.discard()
	results, err := sm.applyEntries(b, b.join(sm), entries)
	if err != nil {
		return results, err
	}
	if err := b.commit(); err != nil {
		return results, fmt.Errorf("apply: %w", err)
	}
	return results, nil
}

// applyEntries applies entries into b as group g, stopping at the first
// fatal error; g.lastIndex tells how far it got.
func (sm *StateMachine) applyEntries(b *batch, g *progress, entries []Entry) ([]Result, error) {
	results := make([]Result, len(entries))
	for i, e := range entries {
		if e.Index <= sm.applied.Load() || e.Index <= g.lastIndex {
			results[i].Skipped = true
			continue
		}
		cmd, err := DecodeCommand(e.Command)
		if err != nil {
			return results, fmt.Errorf("apply index %d: %w", e.Index, err)
		}
		if err := sm.applyOne(b, g, e, cmd, &results[i]); err != nil {
			return results, fmt.Errorf("apply index %d: %w", e.Index, err)
		}
		g.lastIndex = e.Index
	}
	return results, nil
}

func (sm *StateMachine) applyOne(b *batch, g *progress, e Entry, cmd *Command, res *Result) error {
	dataKey := keys.DataKey(cmd.Table, cmd.Key)
	oldTS, old, err := b.get(dataKey)
	if err != nil {
		return err
	}
	res.Old = old
	if cmd.Condition != nil {
		ok, err := expr.EvalCondition(cmd.Condition, old)
		if err != nil {
			res.Err = err
			return nil
		}
		if !ok {
			res.Err = ErrConditionFailed
			return nil
		}
	}
	var next value.Item
	switch cmd.Op {
	case OpPut:
		next = cmd.Item
	case OpDelete:
		next = nil
	case OpUpdate:
		base := old
		if base == nil {
			base = cmd.KeyAttrs
		}
		next, res.Updated, err = expr.ApplyUpdate(cmd.Update, base)
		if err != nil {
			res.Err = err
			return nil
		}
		// Like DynamoDB, an update of an absent item that only removes or
		// deletes creates nothing (an update with no action at all, such
		// as an empty AttributeUpdates, does create the item from its key).
		u := cmd.Update
		if old == nil && len(u.Set) == 0 && len(u.Add) == 0 && len(u.Remove)+len(u.Delete) > 0 {
			next = nil
		}
	default:
		return fmt.Errorf("%w: op %d", ErrCorruptCommand, cmd.Op)
	}
	res.New = next
	if old == nil && next == nil {
		return nil
	}
	// An item's versions are stamped in increasing order even when the
	// leader's stamps reached the log out of order (concurrent proposals, a
	// new leader whose clock trails the last applied write): the later
	// write always carries the later timestamp.
	ts := max(e.Time, oldTS+1)
	return b.write(g, cmd.Table, dataKey, ts, old, next)
}
