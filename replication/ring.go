package replication

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/atolldb/atoll/partition"
	"github.com/atolldb/atoll/partition/value"
)

// SplitRing cuts the ring into n contiguous ranges of equal hash space: range
// i starts at the ring position whose 8-byte hash prefix is i × ⌈2^64 / n⌉.
// The first range starts at nil (the beginning), the last ends at nil (the
// end).
func SplitRing(n int) ([]KeyRange, error) {
	if n < 1 || n > 1<<16 {
		return nil, fmt.Errorf("replication: cannot split the ring into %d ranges (1..65536)", n)
	}
	step := math.MaxUint64/uint64(n) + 1
	if n == 1 {
		step = 0
	}
	ranges := make([]KeyRange, n)
	for i := range n {
		if i > 0 {
			start := binary.BigEndian.AppendUint64(nil, uint64(i)*step)
			ranges[i].Start = start
			ranges[i-1].End = start
		}
	}
	return ranges, nil
}

// RingStore is the data store of a node that hosts the whole ring as Raft
// groups of its own (a single node, each group with one replica). It
// implements the router's Store contract: a write goes to the group owning
// its ring position and is acknowledged once committed to that group's
// durable log and applied; reads see every applied write. Close waits for
// the operations in flight and stops its background work; it does not stop
// the groups.
type RingStore struct {
	db     *badger.DB
	groups []*Group // sorted by range start
	log    *slog.Logger

	ctx    context.Context // canceled by Close; ends background drops
	cancel context.CancelFunc
	wg     sync.WaitGroup // background drops

	// mu is held shared by every operation in flight and exclusively by
	// Close, so that Close returns only once none is still using the
	// groups or the DB; closed (guarded by mu) refuses new ones.
	mu     sync.RWMutex
	closed bool
}

// enter starts an operation; it returns false once the store is closed.
// A true return must be paired with s.mu.RUnlock.
func (s *RingStore) enter() bool {
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return false
	}
	return true
}

// NewRingStore serves the ring through groups, which must be this node's
// running groups covering the ring without gaps or overlaps.
func NewRingStore(db *badger.DB, groups []*Group, log *slog.Logger) (*RingStore, error) {
	if len(groups) == 0 {
		return nil, errors.New("replication: a ring store needs at least one group")
	}
	gs := append([]*Group(nil), groups...)
	sort.Slice(gs, func(i, j int) bool { return bytes.Compare(gs[i].Range().Start, gs[j].Range().Start) < 0 })
	for i, g := range gs {
		r := g.Range()
		if i == 0 && len(r.Start) != 0 {
			return nil, fmt.Errorf("replication: ring starts at %x, not at the beginning", r.Start)
		}
		if i > 0 && !bytes.Equal(gs[i-1].Range().End, r.Start) {
			return nil, fmt.Errorf("replication: ring has a gap or overlap at %x", r.Start)
		}
		if i == len(gs)-1 && r.End != nil {
			return nil, fmt.Errorf("replication: ring ends at %x, not at the end", r.End)
		}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &RingStore{db: db, groups: gs, log: log.With("component", "ring-store"), ctx: ctx, cancel: cancel}, nil
}

// groupFor returns the group owning ring position pos.
func (s *RingStore) groupFor(pos []byte) *Group {
	i := sort.Search(len(s.groups), func(i int) bool {
		return bytes.Compare(s.groups[i].Range().Start, pos) > 0
	})
	return s.groups[i-1]
}

// Err returns the first group's fatal error (its replica stopped), or nil
// while every group is healthy.
func (s *RingStore) Err() error {
	for _, g := range s.groups {
		if err := g.Err(); err != nil {
			return err
		}
	}
	return nil
}

// WaitReady waits until every group has a leader.
func (s *RingStore) WaitReady(ctx context.Context) error {
	for _, g := range s.groups {
		if _, err := g.WaitLeader(ctx); err != nil {
			return fmt.Errorf("group %d: %w", g.ID(), err)
		}
	}
	return nil
}

// Propose applies cmd through the group owning cmd.Key. While that group
// has no leader (it is electing one) it retries until ctx ends.
func (s *RingStore) Propose(ctx context.Context, cmd *partition.Command) (partition.Result, error) {
	if !s.enter() {
		return partition.Result{}, ErrStopped
	}
	defer s.mu.RUnlock()
	g := s.groupFor(cmd.Key)
	backoff := time.Millisecond
	for {
		res, err := g.Propose(ctx, cmd)
		if !errors.Is(err, ErrNotLeader) {
			return res, err
		}
		// Nothing was applied: wait for the election and try again.
		if _, werr := g.WaitLeader(ctx); werr != nil {
			return partition.Result{}, fmt.Errorf("group %d: %w", g.ID(), err)
		}
		// The leader hint may be stale (WaitLeader returns at once): back
		// off rather than spin until the election ends.
		select {
		case <-ctx.Done():
			return partition.Result{}, ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 50*time.Millisecond)
	}
}

// reader returns a state machine to read the node's data DB through; reads
// are not limited to its group's range.
func (s *RingStore) reader() *partition.StateMachine { return s.groups[0].StateMachine() }

// Get returns the item at pos. Every group is local and a write is
// acknowledged only once applied, so every read is strongly consistent.
func (s *RingStore) Get(_ context.Context, table uint64, pos []byte, _ bool) (value.Item, error) {
	if !s.enter() {
		return nil, ErrStopped
	}
	defer s.mu.RUnlock()
	return s.reader().Get(table, pos)
}

// Range streams the items of table in [start, end) across every group.
func (s *RingStore) Range(_ context.Context, table uint64, start, end []byte, reverse, _ bool, fn partition.RangeFunc) error {
	if !s.enter() {
		return ErrStopped
	}
	defer s.mu.RUnlock()
	return s.reader().Range(table, start, end, reverse, fn)
}

// TableStats sums the table's item count and size over the groups.
func (s *RingStore) TableStats(_ context.Context, table uint64) (count, size int64, err error) {
	if !s.enter() {
		return 0, 0, ErrStopped
	}
	defer s.mu.RUnlock()
	for _, g := range s.groups {
		c, sz, err := g.StateMachine().TableStats(table)
		if err != nil {
			return 0, 0, fmt.Errorf("group %d: %w", g.ID(), err)
		}
		count += c
		size += sz
	}
	return count, size, nil
}

// DropTable removes the table's data in the background; Close stops it.
func (s *RingStore) DropTable(table uint64) {
	if !s.enter() {
		return
	}
	defer s.mu.RUnlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := partition.DropTable(s.ctx, s.db, table); err != nil && s.ctx.Err() == nil {
			s.log.Error("drop table data", "table", table, "err", err)
		}
	}()
}

// Close waits for the operations in flight, refuses new ones (ErrStopped),
// stops background work and waits for it. Close it before the groups and
// the DB.
func (s *RingStore) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
	return nil
}
