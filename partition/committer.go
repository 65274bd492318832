package partition

import (
	"errors"
	"fmt"
	"sync"

	"github.com/dgraph-io/badger/v4"
)

// Committer applies the entries of many groups' state machines over one
// data DB in shared commits: Apply calls that arrive while a round is being
// committed form the next round, applied into one transaction and committed
// together. With the DB opened with SyncWrites that is one sync for all of
// them (group commit), instead of one per group.
//
// Each group's part stays atomic with its applied index, as with a plain
// Apply. An undecodable entry fails only its own group's call (the entries
// before it in that call are kept, and the applied index says so); an I/O
// error fails every call of the round. Committer owns one goroutine; Close
// stops it after the queued calls.
type Committer struct {
	db *badger.DB

	wake chan struct{} // size 1: a pending wake-up is enough
	done chan struct{} // closed when the loop has exited

	mu sync.Mutex
	// queue holds calls not yet taken by the loop; guarded by mu.
	queue []*applyCall
	// closing is set by Close; guarded by mu.
	closing bool
}

type applyCall struct {
	sm      *StateMachine
	entries []Entry
	results []Result
	err     error
	done    chan struct{}
}

// NewCommitter starts a committer over db.
func NewCommitter(db *badger.DB) *Committer {
	c := &Committer{db: db, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go c.loop()
	return c
}

// apply queues sm's entries for the next round and waits for it.
func (c *Committer) apply(sm *StateMachine, entries []Entry) ([]Result, error) {
	call := &applyCall{sm: sm, entries: entries, done: make(chan struct{})}
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return make([]Result, len(entries)), ErrClosed
	}
	c.queue = append(c.queue, call)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	<-call.done
	return call.results, call.err
}

// Close stops the loop after the queued calls and waits for it; later
// Apply calls through the committer return ErrClosed.
func (c *Committer) Close() error {
	c.mu.Lock()
	c.closing = true
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	<-c.done
	return nil
}

func (c *Committer) loop() {
	defer close(c.done)
	for range c.wake {
		for {
			c.mu.Lock()
			calls := c.queue
			c.queue = nil
			closing := c.closing
			c.mu.Unlock()
			if len(calls) == 0 {
				if closing {
					return
				}
				break
			}
			c.round(calls)
		}
	}
}

// round applies calls in one batch and answers them.
func (c *Committer) round(calls []*applyCall) {
	b := newBatch(c.db)
	defer b.discard()
	var fatal error
	for _, call := range calls {
		if fatal != nil {
			call.results, call.err = make([]Result, len(call.entries)), fatal
			continue
		}
		call.results, call.err = call.sm.applyEntries(b, b.join(call.sm), call.entries)
		if call.err != nil && !errors.Is(call.err, ErrCorruptCommand) {
			// An I/O error leaves the shared transaction in doubt.
			fatal = call.err
		}
	}
	if fatal == nil {
		if err := b.commit(); err != nil {
			fatal = fmt.Errorf("apply: %w", err)
		}
	}
	for _, call := range calls {
		if fatal != nil && call.err == nil {
			call.err = fatal
		}
		if call.err != nil {
			// The writes in doubt may have changed the expiry index.
			call.sm.expiry.invalidate()
		}
		close(call.done)
	}
}
