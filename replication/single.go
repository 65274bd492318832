package replication

import (
	"context"
	"log/slog"
	"sync"

	"github.com/dgraph-io/badger/v4"

	"github.com/atolldb/atoll/partition"
	"github.com/atolldb/atoll/partition/value"
)

// Single is the data store of a single-node, single-group deployment: one
// state machine owning the whole ring, written through a Local proposer. It
// implements the router's Store contract. Close stops the proposer and any
// background table drops and waits for them.
type Single struct {
	db    *badger.DB
	sm    *partition.StateMachine
	local *Local
	log   *slog.Logger

	ctx    context.Context // canceled by Close; ends background drops
	cancel context.CancelFunc
	wg     sync.WaitGroup // background drops
}

// singleGroup is the group id of the only group of a Single store.
const singleGroup = 1

// NewSingle opens the single group over db. sync makes every write durable
// before it is acknowledged (off only for in-memory nodes).
func NewSingle(db *badger.DB, cfg LocalConfig, clock *HLC, log *slog.Logger) (*Single, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	sm, err := partition.NewStateMachine(db, singleGroup, log)
	if err != nil {
		return nil, err
	}
	local, err := NewLocal(cfg, sm, db, clock, log)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Single{db: db, sm: sm, local: local, log: log.With("component", "single-store"), ctx: ctx, cancel: cancel}, nil
}

// Propose applies cmd through the group and returns its result once durable.
func (s *Single) Propose(ctx context.Context, cmd *partition.Command) (partition.Result, error) {
	return s.local.Propose(ctx, cmd)
}

// Get returns the item at pos; with one replica every read is consistent.
func (s *Single) Get(_ context.Context, table uint64, pos []byte, _ bool) (value.Item, error) {
	return s.sm.Get(table, pos)
}

// Range streams the items of table in [start, end).
func (s *Single) Range(_ context.Context, table uint64, start, end []byte, reverse, _ bool, fn partition.RangeFunc) error {
	return s.sm.Range(table, start, end, reverse, fn)
}

// TableStats returns the table's item count and size.
func (s *Single) TableStats(_ context.Context, table uint64) (count, size int64, err error) {
	return s.sm.TableStats(table)
}

// DropTable removes the table's data in the background; Close stops it.
func (s *Single) DropTable(table uint64) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := partition.DropTable(s.ctx, s.db, table); err != nil && s.ctx.Err() == nil {
			s.log.Error("drop table data", "table", table, "err", err)
		}
	}()
}

// Close stops the proposer and background work and waits for them. It does
// not close the DB.
func (s *Single) Close() error {
	s.cancel()
	err := s.local.Close()
	s.wg.Wait()
	return err
}
