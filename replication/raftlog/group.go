package raftlog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/dgraph-io/badger/v4"
	"github.com/hashicorp/raft"
)

// GroupStore is one Raft group's log store and stable store inside a Store.
// It implements raft.LogStore and raft.StableStore; raft.Raft calls it from
// its own goroutines (main loop, replication, snapshots), concurrently.
//
// Writes (StoreLog, StoreLogs, DeleteRange, Set, SetUint64) block until they
// are committed and fsynced together with whatever other groups wrote in the
// same committer round. Reads go straight to Badger; FirstIndex and LastIndex
// come from bounds cached in memory, loaded on first use.
type GroupStore struct {
	s  *Store
	id uint64

	mu sync.Mutex
	// loaded is set once first and last have been read from Badger; after
	// that the committer keeps them current. first and last are the lowest
	// and highest stored log indexes, 0 when there are none. All three are
	// guarded by mu, which is also held while reading them from Badger.
	loaded      bool
	first, last uint64
}

var (
	_ raft.LogStore    = (*GroupStore)(nil)
	_ raft.StableStore = (*GroupStore)(nil)
)

// ID returns the group id.
func (g *GroupStore) ID() uint64 { return g.id }

// FirstIndex returns the lowest stored log index, 0 for none.
func (g *GroupStore) FirstIndex() (uint64, error) {
	first, _, err := g.bounds()
	return first, err
}

// LastIndex returns the highest stored log index, 0 for none.
func (g *GroupStore) LastIndex() (uint64, error) {
	_, last, err := g.bounds()
	return last, err
}

func (g *GroupStore) bounds() (first, last uint64, err error) {
	if err := g.s.check(); err != nil {
		return 0, 0, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.loaded {
		if err := g.loadLocked(); err != nil {
			return 0, 0, err
		}
	}
	return g.first, g.last, nil
}

// reloadBounds rereads the bounds from Badger if they were loaded; the
// committer calls it after deleting logs, since a range delete over a gap
// cannot compute the new bounds.
func (g *GroupStore) reloadBounds() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.loaded {
		return nil
	}
	return g.loadLocked()
}

// noteStored widens the cached bounds by logs stored in [lo, hi]; the
// committer calls it after they are durable.
func (g *GroupStore) noteStored(lo, hi uint64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.loaded {
		return // the lazy load will read them from Badger
	}
	if g.first == 0 || lo < g.first {
		g.first = lo
	}
	if hi > g.last {
		g.last = hi
	}
}

// loadLocked reads the bounds from Badger; g.mu is held.
func (g *GroupStore) loadLocked() error {
	prefix := groupPrefix(kindLog, g.id)
	var first, last uint64
	err := g.s.db.View(func(txn *badger.Txn) error {
		var err error
		opts := badger.IteratorOptions{Prefix: prefix}
		if first, err = seekIndex(txn, opts, logKey(g.id, 0)); err != nil || first == 0 {
			return err
		}
		opts.Reverse = true
		last, err = seekIndex(txn, opts, logKey(g.id, ^uint64(0)))
		return err
	})
	if err != nil {
		return fmt.Errorf("group %d: load log bounds: %w", g.id, err)
	}
	g.first, g.last, g.loaded = first, last, true
	return nil
}

// seekIndex returns the index of the first log key at or after (before, if
// reverse) seek, 0 if there is none.
func seekIndex(txn *badger.Txn, opts badger.IteratorOptions, seek []byte) (uint64, error) {
	it := txn.NewIterator(opts)
	defer it.Close()
	it.Seek(seek)
	if !it.Valid() {
		return 0, nil
	}
	i, ok := logKeyIndex(it.Item().Key())
	if !ok {
		return 0, fmt.Errorf("%w: bad log key %x", ErrCorrupt, it.Item().Key())
	}
	return i, nil
}

// GetLog reads the log entry at index into log; raft.ErrLogNotFound if it
// is not stored.
func (g *GroupStore) GetLog(index uint64, log *raft.Log) error {
	if err := g.s.check(); err != nil {
		return err
	}
	var val []byte
	err := g.s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(logKey(g.id, index))
		if err != nil {
			return err
		}
		val, err = item.ValueCopy(nil)
		return err
	})
	if errors.Is(err, badger.ErrKeyNotFound) {
		return raft.ErrLogNotFound
	}
	if err != nil {
		return fmt.Errorf("group %d: get log %d: %w", g.id, index, err)
	}
	if err := decodeLog(val, log); err != nil {
		return fmt.Errorf("group %d: log %d: %w", g.id, index, err)
	}
	if log.Index != index {
		return fmt.Errorf("%w: group %d: log key %d holds index %d", ErrCorrupt, g.id, index, log.Index)
	}
	return nil
}

// StoreLog stores one log entry, durably.
func (g *GroupStore) StoreLog(log *raft.Log) error {
	return g.StoreLogs([]*raft.Log{log})
}

// StoreLogs stores log entries and returns once they are on stable storage.
// The entries are encoded before StoreLogs returns, so the caller may reuse
// them. Entries land in Badger in order; after a crash, a StoreLogs call
// that had not returned may be found partly applied, a prefix of its
// entries at most if the call was split over several commits.
func (g *GroupStore) StoreLogs(logs []*raft.Log) error {
	if len(logs) == 0 {
		return nil
	}
	r := &request{g: g, sets: make([]kv, len(logs)), nlogs: len(logs)}
	size := 0
	for _, l := range logs {
		size += encodedLogSize(l)
	}
	buf := make([]byte, 0, size)
	for i, l := range logs {
		start := len(buf)
		buf = encodeLog(buf, l)
		r.sets[i] = kv{k: logKey(g.id, l.Index), v: buf[start:len(buf):len(buf)]}
		if i == 0 || l.Index < r.minIndex {
			r.minIndex = l.Index
		}
		r.maxIndex = max(r.maxIndex, l.Index)
	}
	if err := g.s.do(r); err != nil {
		return fmt.Errorf("group %d: store logs %d-%d: %w", g.id, r.minIndex, r.maxIndex, err)
	}
	return nil
}

// DeleteRange deletes the log entries in [min, max], inclusive, and returns
// once the deletion is on stable storage. It is ordered with the group's
// other writes: raft truncates a conflicting suffix with DeleteRange before
// storing the leader's entries, and the deletion commits first.
func (g *GroupStore) DeleteRange(min, max uint64) error {
	if err := g.s.do(&request{g: g, del: true, delMin: min, delMax: max}); err != nil {
		return fmt.Errorf("group %d: delete logs %d-%d: %w", g.id, min, max, err)
	}
	return nil
}

// Set stores val under key, durably.
func (g *GroupStore) Set(key, val []byte) error {
	v := append([]byte(nil), val...)
	if err := g.s.do(&request{g: g, sets: []kv{{k: stableKey(g.id, key), v: v}}}); err != nil {
		return fmt.Errorf("group %d: set %q: %w", g.id, key, err)
	}
	return nil
}

// Get returns the value stored under key, or (nil, nil) if there is none:
// raft's StableStore contract ("an empty byte slice if key was not found").
func (g *GroupStore) Get(key []byte) ([]byte, error) {
	if err := g.s.check(); err != nil {
		return nil, err
	}
	var val []byte
	err := g.s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(stableKey(g.id, key))
		if err != nil {
			return err
		}
		val, err = item.ValueCopy(nil)
		return err
	})
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("group %d: get %q: %w", g.id, key, err)
	}
	return val, nil
}

// SetUint64 stores val under key, durably.
func (g *GroupStore) SetUint64(key []byte, val uint64) error {
	return g.Set(key, binary.BigEndian.AppendUint64(nil, val))
}

// GetUint64 returns the uint64 stored under key, or (0, nil) if there is
// none: raft's StableStore contract.
func (g *GroupStore) GetUint64(key []byte) (uint64, error) {
	val, err := g.Get(key)
	if err != nil || val == nil {
		return 0, err
	}
	if len(val) != 8 {
		return 0, fmt.Errorf("%w: group %d: %q holds %d bytes, want a uint64", ErrCorrupt, g.id, key, len(val))
	}
	return binary.BigEndian.Uint64(val), nil
}
