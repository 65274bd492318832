package raftlog

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/dgraph-io/badger/v4"
)

// Store is the node-wide raft log store: one Badger holding the log and
// stable store of every group, written by one committer goroutine that
// makes concurrent writes share transactions and fsyncs. Group returns the
// view a raft.Raft uses. Store is safe for concurrent use; Close stops the
// committer.
type Store struct {
	cfg  Config
	db   *badger.DB
	sync func() error // db.Sync; replaced by tests to inject failures
	log  *slog.Logger

	wake chan struct{} // size 1: a pending wake-up is enough
	done chan struct{} // closed when the committer has exited

	groupsMu sync.Mutex
	// groups holds the GroupStore of every group asked for, so that all
	// users of a group share its cached bounds; guarded by groupsMu.
	groups map[uint64]*GroupStore

	mu sync.Mutex
	// queue holds write requests not yet taken by the committer; guarded by mu.
	queue []*request
	// stopErr is set (wrapping ErrFailed) when a commit or fsync fails;
	// guarded by mu.
	stopErr error
	// closing is set by Close; guarded by mu.
	closing bool

	syncs   atomic.Uint64
	commits atomic.Uint64
	rounds  atomic.Uint64
	writes  atomic.Uint64
	logs    atomic.Uint64
	bytes   atomic.Uint64
	deletes atomic.Uint64
}

// Stats are cumulative counters of a Store, for metrics and benchmarks:
// Syncs/Writes is the number of fsyncs per acknowledged write.
type Stats struct {
	// Writes counts write calls acknowledged as durable: StoreLog(s), Set,
	// SetUint64 and DeleteRange.
	Writes uint64
	// Syncs counts fsyncs (DB.Sync calls).
	Syncs uint64
	// Commits counts Badger transactions committed; each is followed by a
	// sync unless Config.NoSync.
	Commits uint64
	// Rounds counts committer rounds; a round commits everything queued
	// when it starts.
	Rounds uint64
	// Logs counts log entries stored, Deletes log entries deleted.
	Logs, Deletes uint64
	// Bytes counts key and value bytes written.
	Bytes uint64
}

// request is one write call waiting for the committer.
type request struct {
	g *GroupStore
	// sets are written in order.
	sets []kv
	// del asks to delete g's logs in [delMin, delMax] before sets.
	del            bool
	delMin, delMax uint64
	// nlogs counts the logs in sets; minIndex and maxIndex span them.
	nlogs              int
	minIndex, maxIndex uint64

	err  error
	done chan struct{}
}

type kv struct{ k, v []byte }

// Open starts a Store over db, the node's raft Badger, opened by the caller
// with BadgerOptions. The caller closes db after Store.Close. log may be nil.
func Open(cfg Config, db *badger.DB, log *slog.Logger) (*Store, error) {
	if db == nil {
		return nil, errors.New("raftlog: Open: nil Badger")
	}
	return open(cfg, db, db.Sync, log)
}

func open(cfg Config, db *badger.DB, sync func() error, log *slog.Logger) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Store{
		cfg:    cfg,
		db:     db,
		sync:   sync,
		log:    log.With("component", "raftlog"),
		wake:   make(chan struct{}, 1),
		done:   make(chan struct{}),
		groups: make(map[uint64]*GroupStore),
	}
	if db.Opts().SyncWrites {
		s.log.Warn("raft Badger opened with SyncWrites: every commit syncs twice; use BadgerOptions")
	}
	go s.loop()
	return s, nil
}

// Group returns the log and stable store of group id. Every call with the
// same id returns the same *GroupStore.
func (s *Store) Group(id uint64) *GroupStore {
	s.groupsMu.Lock()
	defer s.groupsMu.Unlock()
	g := s.groups[id]
	if g == nil {
		g = &GroupStore{s: s, id: id}
		s.groups[id] = g
	}
	return g
}

// Stats returns the store's counters.
func (s *Store) Stats() Stats {
	return Stats{
		Writes:  s.writes.Load(),
		Syncs:   s.syncs.Load(),
		Commits: s.commits.Load(),
		Rounds:  s.rounds.Load(),
		Logs:    s.logs.Load(),
		Deletes: s.deletes.Load(),
		Bytes:   s.bytes.Load(),
	}
}

// Close commits the writes already queued, stops the committer and waits
// for it. Later calls of any method return ErrClosed. It does not close the
// Badger.
func (s *Store) Close() error {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	s.poke()
	<-s.done
	return nil
}

// check returns the error every method returns once the store is closed or
// failed.
func (s *Store) check() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stateErr()
}

// stateErr is check with mu held.
func (s *Store) stateErr() error {
	if s.stopErr != nil {
		return s.stopErr
	}
	if s.closing {
		return ErrClosed
	}
	return nil
}

func (s *Store) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// do queues r for the committer and waits until it is committed and synced.
func (s *Store) do(r *request) error {
	r.done = make(chan struct{})
	s.mu.Lock()
	if err := s.stateErr(); err != nil {
		s.mu.Unlock()
		return err
	}
	s.queue = append(s.queue, r)
	s.mu.Unlock()
	s.poke()
	<-r.done
	return r.err
}

// loop is the committer: it takes everything queued, commits it and
// releases the waiters, until Close or a failure.
func (s *Store) loop() {
	defer close(s.done)
	for range s.wake {
		for {
			s.mu.Lock()
			n := min(len(s.queue), s.cfg.MaxBatch)
			batch := s.queue[:n:n]
			s.queue = s.queue[n:]
			closing := s.closing
			s.mu.Unlock()
			if n == 0 {
				if closing {
					return
				}
				break
			}
			if err := s.commit(batch); err != nil {
				s.fail(err, batch)
				return
			}
		}
	}
}

// commit writes batch in order, syncs, updates the groups' cached bounds
// and releases the waiters.
func (s *Store) commit(batch []*request) error {
	s.rounds.Add(1)
	w := &writer{s: s, txn: s.db.NewTransaction(true)}
	defer func() { w.txn.Discard() }()
	for _, r := range batch {
		if r.del {
			if err := w.deleteLogs(r.g.id, r.delMin, r.delMax); err != nil {
				return err
			}
		}
		for _, e := range r.sets {
			if err := w.set(e.k, e.v); err != nil {
				return err
			}
		}
	}
	if err := w.flush(); err != nil {
		return err
	}
	// Bounds are updated in commit order, after the data is durable: a
	// concurrent lazy load reads Badger under the group lock, so it either
	// sees these writes already or runs before the update below.
	for _, r := range batch {
		var err error
		switch {
		case r.del:
			err = r.g.reloadBounds()
		case r.nlogs > 0:
			r.g.noteStored(r.minIndex, r.maxIndex)
			s.logs.Add(uint64(r.nlogs))
		}
		if err != nil {
			return err
		}
	}
	s.writes.Add(uint64(len(batch)))
	for _, r := range batch {
		close(r.done)
	}
	return nil
}

// Err returns the error that stopped the store (wrapping ErrFailed), or nil
// while it works.
func (s *Store) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopErr
}

// fail stops the store: batch and everything queued fail with err wrapped
// in ErrFailed, and so does every later call.
func (s *Store) fail(err error, batch []*request) {
	s.log.Error("raft log store failed; refusing further writes", "err", err)
	s.mu.Lock()
	s.stopErr = fmt.Errorf("%w: %w", ErrFailed, err)
	stopErr := s.stopErr
	queue := s.queue
	s.queue = nil
	s.mu.Unlock()
	for _, rs := range [][]*request{batch, queue} {
		for _, r := range rs {
			r.err = stopErr
			close(r.done)
		}
	}
}

// writer fills Badger transactions, committing and syncing one whenever it
// is full; it is used by the committer only.
type writer struct {
	s   *Store
	txn *badger.Txn
	n   int // entries in txn
}

func (w *writer) set(k, v []byte) error {
	return w.add(k, v, false)
}

func (w *writer) del(k []byte) error {
	return w.add(k, nil, true)
}

func (w *writer) add(k, v []byte, del bool) error {
	op := func() error {
		if del {
			return w.txn.Delete(k)
		}
		return w.txn.Set(k, v)
	}
	err := op()
	if errors.Is(err, badger.ErrTxnTooBig) && w.n > 0 {
		if err = w.flush(); err != nil {
			return err
		}
		err = op()
	}
	if err != nil {
		return fmt.Errorf("write %x: %w", k, err)
	}
	w.n++
	w.s.bytes.Add(uint64(len(k) + len(v)))
	return nil
}

// flush commits and syncs the current transaction, if it holds anything,
// and starts a new one.
//
// Every commit is synced before the next one starts, deletes included: DB.Sync
// syncs only the active memtable's WAL, so an unsynced write left behind in a
// memtable that a later write rotated out could be lost in a crash while the
// later, synced write survives. Syncing every commit keeps "nothing unsynced"
// true whenever the committer is between commits.
func (w *writer) flush() error {
	if w.n == 0 {
		return nil
	}
	if err := w.txn.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	w.s.commits.Add(1)
	w.txn = w.s.db.NewTransaction(true)
	w.n = 0
	if w.s.cfg.NoSync {
		return nil
	}
	w.s.syncs.Add(1)
	if err := w.s.sync(); err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	return nil
}

// deleteLogs deletes group's logs in [lo, hi] that exist. It lists them
// through the write transaction, so it sees the writes queued before it in
// this round too. A large deletion may commit in parts, so the order keeps
// the log contiguous after a crash part way: a suffix (raft dropping
// conflicting entries) goes from the end, anything else (compaction after a
// snapshot) from the start.
func (w *writer) deleteLogs(group, lo, hi uint64) error {
	if lo > hi {
		return nil
	}
	var doomed [][]byte
	suffix := true
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false
	opts.Prefix = groupPrefix(kindLog, group)
	it := w.txn.NewIterator(opts)
	for it.Seek(logKey(group, lo)); it.Valid(); it.Next() {
		k := it.Item().KeyCopy(nil)
		if i, ok := logKeyIndex(k); !ok || i > hi {
			suffix = false
			break
		}
		doomed = append(doomed, k)
	}
	it.Close()
	if suffix {
		slices.Reverse(doomed)
	}
	for _, k := range doomed {
		if err := w.del(k); err != nil {
			return err
		}
	}
	w.s.deletes.Add(uint64(len(doomed)))
	return nil
}
