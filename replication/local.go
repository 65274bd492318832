package replication

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/atolldb/atoll/partition"
)

// Syncer makes applied writes durable. *badger.DB implements it.
//
// Sync is called by the Local apply loop after each batch and blocks until
// everything written before the call is on stable storage.
type Syncer interface {
	Sync() error
}

// LocalConfig configures a Local proposer.
type LocalConfig struct {
	// MaxBatch is the most commands applied (and made durable with one
	// sync) together.
	MaxBatch int
	// Sync calls the Syncer after every batch before its proposers are
	// answered. Leave it off when the DB syncs each commit itself (Badger
	// with SyncWrites, as the node opens it): Badger's DB.Sync covers only
	// the active memtable's log, so it cannot stand in for SyncWrites when a
	// batch may rotate the memtable.
	Sync bool
}

// DefaultLocalConfig returns the defaults: batches of up to 256 commands,
// synced.
func DefaultLocalConfig() LocalConfig { return LocalConfig{MaxBatch: 256, Sync: true} }

// Validate reports a configuration error.
func (c LocalConfig) Validate() error {
	if c.MaxBatch < 1 {
		return fmt.Errorf("replication: LocalConfig.MaxBatch = %d, want at least 1", c.MaxBatch)
	}
	return nil
}

// ErrStopped is returned by Propose after Close, or after the apply loop
// stopped on a fatal error.
var ErrStopped = errors.New("replication: proposer stopped")

// Local is the single-replica proposer: it applies commands straight to the
// state machine with group commit. Concurrent proposals queue up while a
// batch is being applied and synced, and then go together as the next batch,
// sharing one sync. It stands where a Raft group stands in a cluster, behind
// the same Propose contract.
type Local struct {
	cfg   LocalConfig
	sm    *partition.StateMachine
	syncr Syncer
	clock *HLC
	log   *slog.Logger

	wake chan struct{} // size 1: a pending wake-up is enough
	done chan struct{} // closed when the loop has exited

	mu sync.Mutex
	// queue holds proposals not yet taken by the loop; guarded by mu.
	queue []*proposal
	// stopErr is set when the loop stops; guarded by mu.
	stopErr error
	// closing is set by Close; guarded by mu.
	closing bool
}

type proposal struct {
	cmd  []byte
	res  partition.Result
	err  error
	done chan struct{}
}

// NewLocal starts a Local proposer over sm, syncing through syncr. Close stops it.
func NewLocal(cfg LocalConfig, sm *partition.StateMachine, syncr Syncer, clock *HLC, log *slog.Logger) (*Local, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if clock == nil {
		clock = NewHLC(nil)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l := &Local{
		cfg: cfg, sm: sm, syncr: syncr, clock: clock,
		log:  log.With("component", "local-proposer"),
		wake: make(chan struct{}, 1),
		done: make(chan struct{}),
	}
	go l.loop()
	return l, nil
}

// Propose applies cmd and returns its result once it is applied and durable.
// If ctx ends first, Propose returns ctx's error and the command may or may
// not be applied.
func (l *Local) Propose(ctx context.Context, cmd *partition.Command) (partition.Result, error) {
	p := &proposal{cmd: cmd.Encode(nil), done: make(chan struct{})}
	l.mu.Lock()
	if l.stopErr != nil || l.closing {
		err := l.stopErr
		l.mu.Unlock()
		if err == nil {
			err = ErrStopped
		}
		return partition.Result{}, err
	}
	l.queue = append(l.queue, p)
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
	select {
	case <-p.done:
		return p.res, p.err
	case <-ctx.Done():
		return partition.Result{}, ctx.Err()
	}
}

// Close stops the loop after the queued proposals and waits for it.
func (l *Local) Close() error {
	l.mu.Lock()
	l.closing = true
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
	<-l.done
	return nil
}

func (l *Local) loop() {
	defer close(l.done)
	for range l.wake {
		for {
			l.mu.Lock()
			n := min(len(l.queue), l.cfg.MaxBatch)
			batch := l.queue[:n:n]
			l.queue = l.queue[n:]
			closing := l.closing
			l.mu.Unlock()
			if n == 0 {
				if closing {
					return
				}
				break
			}
			if err := l.apply(batch); err != nil {
				l.stop(err)
				return
			}
		}
	}
}

func (l *Local) apply(batch []*proposal) error {
	entries := make([]partition.Entry, len(batch))
	next := l.sm.AppliedIndex()
	for i, p := range batch {
		next++
		entries[i] = partition.Entry{Index: next, Time: l.clock.Now(), Command: p.cmd}
	}
	results, err := l.sm.Apply(entries)
	if err == nil && l.cfg.Sync {
		if serr := l.syncr.Sync(); serr != nil {
			err = fmt.Errorf("sync: %w", serr)
		}
	}
	for i, p := range batch {
		if err != nil {
			p.err = err
		} else {
			p.res = results[i]
		}
		close(p.done)
	}
	return err
}

// stop fails every queued proposal with err and refuses new ones.
func (l *Local) stop(err error) {
	l.log.Error("apply loop stopped", "err", err)
	l.mu.Lock()
	l.stopErr = fmt.Errorf("%w: %w", ErrStopped, err)
	queue := l.queue
	l.queue = nil
	l.mu.Unlock()
	for _, p := range queue {
		p.err = l.stopErr
		close(p.done)
	}
}
