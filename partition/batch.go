package partition

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/atolldb/atoll/partition/value"
)

// Stored item record: a format byte, the 8-byte big-endian HLC timestamp of
// the write that produced it, then the item (value.AppendItem). Later formats
// may add fields (the origin region of a replicated write) after the
// timestamp.
const recordFormat = 1

// recordHeader is the length of the record prefix before the item.
const recordHeader = 1 + 8

func encodeRecord(ts uint64, it value.Item) []byte {
	b := make([]byte, recordHeader, recordHeader+256)
	b[0] = recordFormat
	binary.BigEndian.PutUint64(b[1:], ts)
	return value.AppendItem(b, it)
}

// DecodeRecord decodes a stored item record into its timestamp and item.
// Binary values of the item alias b.
func DecodeRecord(b []byte) (ts uint64, it value.Item, err error) {
	if len(b) < recordHeader || b[0] != recordFormat {
		return 0, nil, fmt.Errorf("%w: bad record header", ErrCorruptItem)
	}
	it, err = value.DecodeItem(b[recordHeader:])
	if err != nil {
		return 0, nil, fmt.Errorf("%w: %w", ErrCorruptItem, err)
	}
	return binary.BigEndian.Uint64(b[1:]), it, nil
}

// batch is the write transaction of one Apply call, or of one round of a
// Committer that applies the batches of several groups together. It commits
// early when the transaction approaches Badger's batch limits, recording for
// every group the index of the last entry it holds, so any prefix of each
// group's entries is applied atomically.
type batch struct {
	db  *badger.DB
	txn *badger.Txn
	// size and count estimate the transaction's pending writes.
	size, count int64
	// groups holds the progress of each group with entries in the batch, in
	// the order they joined (commits write their keys in that order).
	groups []*progress
}

// progress is one group's part of a batch.
type progress struct {
	sm *StateMachine
	// stats holds the item count and size changes per table since the last commit.
	stats map[uint64]stats
	// lastIndex is the index of the last entry applied into the batch.
	lastIndex uint64
	// committed is the lastIndex at the last commit.
	committed uint64
}

func newBatch(db *badger.DB) *batch {
	return &batch{db: db, txn: db.NewTransaction(true)}
}

// join returns sm's progress in the batch, adding it if needed.
func (b *batch) join(sm *StateMachine) *progress {
	for _, g := range b.groups {
		if g.sm == sm {
			return g
		}
	}
	g := &progress{sm: sm, stats: map[uint64]stats{}}
	b.groups = append(b.groups, g)
	return g
}

// pendingStats counts the statistics keys the next commit will write.
func (b *batch) pendingStats() int64 {
	n := int64(0)
	for _, g := range b.groups {
		n += int64(len(g.stats)) + 1 // + the applied index
	}
	return n
}

func (b *batch) discard() { b.txn.Discard() }

// get returns the current item at key and the timestamp of its version,
// seeing this batch's own writes.
func (b *batch) get(key []byte) (uint64, value.Item, error) {
	it, err := b.txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, fmt.Errorf("read item: %w", err)
	}
	raw, err := it.ValueCopy(nil)
	if err != nil {
		return 0, nil, fmt.Errorf("read item: %w", err)
	}
	return DecodeRecord(raw)
}

// reserve makes room in the transaction for n more writes of about size
// bytes in all (plus the statistics and applied indexes written at commit),
// committing what the transaction holds first when they would not fit. An
// empty transaction takes any writes: one oversized write gets a transaction
// of its own. The writes that must commit together with an entry's applied
// index (its item write and expiry deletes) are reserved together, last.
func (b *batch) reserve(n int, size int64) error {
	pending := b.pendingStats()
	limit := b.db.MaxBatchSize()*3/4 - (pending+1)*64
	if b.count > 0 && (b.size+size > limit || b.count+int64(n)+pending+2 >= b.db.MaxBatchCount()) {
		if err := b.commit(); err != nil {
			return err
		}
	}
	b.size += size
	b.count += int64(n)
	return nil
}

// writeSize is the room reserved for writing val at key.
func writeSize(key, val []byte) int64 { return int64(len(key)+len(val)) + 64 }

// set writes a system key; its room must have been reserved.
func (b *batch) set(key, val []byte) error {
	if err := b.txn.Set(key, val); err != nil {
		return fmt.Errorf("write system key: %w", err)
	}
	return nil
}

// delete removes a system key; its room must have been reserved.
func (b *batch) delete(key []byte) error {
	if err := b.txn.Delete(key); err != nil {
		return fmt.Errorf("delete system key: %w", err)
	}
	return nil
}

// itemWrite is the write of one item, planned by an entry's evaluation.
type itemWrite struct {
	table     uint64
	key       []byte
	ts        uint64
	old, next value.Item
	rec       []byte // the record of next (nil: a delete)
}

func newItemWrite(table uint64, key []byte, ts uint64, old, next value.Item) *itemWrite {
	w := &itemWrite{table: table, key: key, ts: ts, old: old, next: next}
	if next != nil {
		w.rec = encodeRecord(ts, next)
	}
	return w
}

// write stores w (or deletes its key when w.next is nil) and accounts the
// table's statistics to group g; its room must have been reserved.
func (b *batch) write(g *progress, w *itemWrite) error {
	var err error
	if w.next != nil {
		err = b.txn.Set(w.key, w.rec)
	} else {
		err = b.txn.Delete(w.key)
	}
	if err != nil {
		return fmt.Errorf("write item: %w", err)
	}
	st := g.stats[w.table]
	switch {
	case w.old == nil && w.next != nil:
		st.count++
	case w.old != nil && w.next == nil:
		st.count--
	}
	st.bytes += int64(sizeOf(w.next) - sizeOf(w.old))
	g.stats[w.table] = st
	return nil
}

func sizeOf(it value.Item) int {
	if it == nil {
		return 0
	}
	return it.Size()
}

// commit writes the statistics and applied index of every group that
// completed entries since the last commit and commits, then starts a new
// transaction. Writes of an entry not yet complete (its deduplication
// record, see dedup.go) may commit without its index.
func (b *batch) commit() error {
	changed := b.count > 0
	for _, g := range b.groups {
		if g.lastIndex == g.committed {
			continue
		}
		changed = true
		for table, d := range g.stats {
			if err := b.addStats(statsKey(table, g.sm.group), d); err != nil {
				return err
			}
		}
		var idx [8]byte
		binary.BigEndian.PutUint64(idx[:], g.lastIndex)
		if err := b.txn.Set(appliedKey(g.sm.group), idx[:]); err != nil {
			return fmt.Errorf("write applied index of group %d: %w", g.sm.group, err)
		}
	}
	if !changed {
		return nil
	}
	if err := b.txn.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	for _, g := range b.groups {
		// A group whose entries were all replays (skipped) has lastIndex
		// 0: its applied index stays.
		if g.lastIndex != g.committed {
			g.sm.applied.Store(g.lastIndex)
			g.committed = g.lastIndex
		}
		clear(g.stats)
	}
	b.txn = b.db.NewTransaction(true)
	b.size, b.count = 0, 0
	return nil
}

func (b *batch) addStats(key []byte, d stats) error {
	cur, err := readStats(b.txn, key)
	if err != nil {
		return err
	}
	cur.count += d.count
	cur.bytes += d.bytes
	var v [16]byte
	binary.BigEndian.PutUint64(v[:8], uint64(cur.count))
	binary.BigEndian.PutUint64(v[8:], uint64(cur.bytes))
	if err := b.txn.Set(key, v[:]); err != nil {
		return fmt.Errorf("write table stats: %w", err)
	}
	return nil
}

func readStats(txn *badger.Txn, key []byte) (stats, error) {
	it, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return stats{}, nil
	}
	if err != nil {
		return stats{}, fmt.Errorf("read table stats: %w", err)
	}
	var st stats
	err = it.Value(func(v []byte) error {
		if len(v) != 16 {
			return fmt.Errorf("table stats of %d bytes", len(v))
		}
		st.count = int64(binary.BigEndian.Uint64(v[:8]))
		st.bytes = int64(binary.BigEndian.Uint64(v[8:]))
		return nil
	})
	return st, err
}
