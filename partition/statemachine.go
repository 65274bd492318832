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

	// expiry caches the oldest keys of the group's dedup expiry index. Used
	// only by the apply path (one goroutine at a time) and Reload.
	expiry expiryQueue
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
	sm.expiry.invalidate()
	return nil
}

// SystemKeyGroup reports whether key (a key of the data DB) is one of a
// group's system keys (its applied index, its statistics of a table, its
// request deduplication records and their expiry index) and which group's.
// A snapshot of a group carries these keys with its data.
func SystemKeyGroup(key []byte) (group uint64, ok bool) {
	rest, ok := systemKeyRest(key)
	if !ok {
		return 0, false
	}
	switch kind := rest[0]; {
	case kind == sysApplied && len(rest) == 1+8:
		return binary.BigEndian.Uint64(rest[1:]), true
	case kind == sysStats && len(rest) == 1+8+8:
		return binary.BigEndian.Uint64(rest[9:]), true
	case kind == sysDedup && len(rest) > 1+8 && len(rest) <= 1+8+MaxCommandIDSize:
		return binary.BigEndian.Uint64(rest[1:]), true
	case kind == sysDedupExpiry && len(rest) > 1+8+8 && len(rest) <= 1+8+8+MaxCommandIDSize:
		return binary.BigEndian.Uint64(rest[1:]), true
	}
	return 0, false
}

// systemKeyRest returns what follows table id 0 in a system key.
func systemKeyRest(key []byte) ([]byte, bool) {
	if len(key) <= keys.TableIDSize || binary.BigEndian.Uint64(key) != 0 {
		return nil, false
	}
	return key[keys.TableIDSize:], true
}

// SeekSystemKey tells a walk over table id 0 in key order that looks for
// group's system keys (SystemKeyGroup) where to go from key, a system key
// that is not one of them: the next key that may be one, or nil to step to
// the next key. The group's applied index, dedup records and expiry index
// are contiguous runs, so the walk skips other groups' in one seek each.
func SeekSystemKey(key []byte, group uint64) []byte {
	rest, ok := systemKeyRest(key)
	if !ok || len(rest) < 1+8 {
		return nil
	}
	kind := rest[0]
	if kind != sysApplied && kind != sysDedup && kind != sysDedupExpiry {
		return nil
	}
	k := keys.TablePrefix(0)
	switch g := binary.BigEndian.Uint64(rest[1:]); {
	case g < group:
		k = append(k, kind)
		return binary.BigEndian.AppendUint64(k, group)
	case g > group:
		// Past the group's run: on to the next kind of key.
		return append(k, kind+1)
	}
	return nil
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
	if err == nil {
		if err = b.commit(); err != nil {
			err = fmt.Errorf("apply: %w", err)
		}
	}
	if err != nil {
		// The writes in doubt may have changed the expiry index.
		sm.expiry.invalidate()
	}
	return results, err
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

// applyOne applies one command: the answer recorded for its request ID when
// there is one, else its evaluation; then it records the result under the
// ID, and writes the item together with the deletes of expired IDs. Only the
// dedup record may commit ahead of the entry's index (see record); the
// rest commits with it.
func (sm *StateMachine) applyOne(b *batch, g *progress, e Entry, cmd *Command, res *Result) error {
	var w *itemWrite
	dup := false
	if len(cmd.ID) > 0 {
		rec, ok, err := sm.lookupDedup(b, cmd.ID)
		if err != nil {
			return err
		}
		// A record of this very entry is its own, committed ahead of its
		// index before a crash: the entry is evaluated again.
		if ok && rec.index < e.Index {
			*res, dup = rec.result, true
		}
	}
	if !dup {
		var err error
		if w, err = sm.evaluate(b, e, cmd, res); err != nil {
			return err
		}
		if len(cmd.ID) > 0 {
			if err := sm.record(b, e, cmd.ID, res); err != nil {
				return err
			}
		}
	}
	expired := sm.expired(b, e.Time)
	n, size := len(expired)*2, int64(0)
	for _, k := range expired {
		_, id := expiryKeyParts(k)
		size += writeSize(k, nil) + writeSize(dedupKey(sm.group, id), nil)
	}
	if w != nil {
		n++
		size += writeSize(w.key, w.rec)
	}
	if n == 0 {
		return nil
	}
	if err := b.reserve(n, size); err != nil {
		return err
	}
	for _, k := range expired {
		_, id := expiryKeyParts(k)
		if err := b.delete(dedupKey(sm.group, id)); err != nil {
			return err
		}
		if err := b.delete(k); err != nil {
			return err
		}
	}
	if w == nil {
		return nil
	}
	return b.write(g, w)
}

// evaluate evaluates cmd against the current item and fills res. It
// returns the item write to make, or nil when nothing changes.
func (sm *StateMachine) evaluate(b *batch, e Entry, cmd *Command, res *Result) (*itemWrite, error) {
	dataKey := keys.DataKey(cmd.Table, cmd.Key)
	oldTS, old, err := b.get(dataKey)
	if err != nil {
		return nil, err
	}
	res.Old = old
	if cmd.Condition != nil {
		ok, err := expr.EvalCondition(cmd.Condition, old)
		if err != nil {
			res.Err = err
			return nil, nil
		}
		if !ok {
			res.Err = ErrConditionFailed
			return nil, nil
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
			return nil, nil
		}
		// Like DynamoDB, an update of an absent item that only removes or
		// deletes creates nothing (an update with no action at all, such
		// as an empty AttributeUpdates, does create the item from its key).
		u := cmd.Update
		if old == nil && len(u.Set) == 0 && len(u.Add) == 0 && len(u.Remove)+len(u.Delete) > 0 {
			next = nil
		}
	default:
		return nil, fmt.Errorf("%w: op %d", ErrCorruptCommand, cmd.Op)
	}
	res.New = next
	if old == nil && next == nil {
		return nil, nil
	}
	// An item's versions are stamped in increasing order even when the
	// leader's stamps reached the log out of order (concurrent proposals, a
	// new leader whose clock trails the last applied write): the later
	// write always carries the later timestamp.
	ts := max(e.Time, oldTS+1)
	return newItemWrite(cmd.Table, dataKey, ts, old, next), nil
}
