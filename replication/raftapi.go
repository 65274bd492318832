package replication

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/raft"
)

// This file holds what a package driving its own raft.Raft (the meta group,
// replication/meta) shares with Group: waiting on raft futures under a
// context, mapping raft's errors to this package's, and leader lookups.

// Futures waits on raft futures for one replica. raft's futures block
// without a context, so each Wait runs a goroutine blocked on the future and
// lets the caller give up when its context ends; Close waits for those
// goroutines. The zero value is ready to use; its methods may be called
// concurrently.
type Futures struct {
	mu sync.Mutex
	// closed refuses new waits; guarded by mu.
	closed bool
	// wg counts the goroutines blocked on futures; Add only under mu
	// while !closed.
	wg sync.WaitGroup
}

// Wait waits until future is answered or ctx ends and returns future's error
// (raft's own) or ctx's error. After Close it returns ErrStopped without
// waiting. When ctx ends first, the goroutine blocked on the future stays
// until raft answers it.
func (f *Futures) Wait(ctx context.Context, future raft.Future) error {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return ErrStopped
	}
	f.wg.Add(1)
	f.mu.Unlock()
	done := make(chan error, 1) // the goroutine never blocks on a departed caller
	go func() {
		defer f.wg.Done()
		done <- future.Error()
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Go runs fn on a goroutine that Close waits for, unless Close was called
// (then it returns false and does not run fn). fn must end once raft has
// shut down.
func (f *Futures) Go(fn func()) bool {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return false
	}
	f.wg.Add(1)
	f.mu.Unlock()
	go func() {
		defer f.wg.Done()
		fn()
	}()
	return true
}

// closeWait bounds how long Close waits for goroutines blocked on futures.
const closeWait = 5 * time.Second

// Close refuses further waits and waits for the goroutines of earlier ones.
// Call it after raft.Shutdown, which answers the futures raft accepted, with
// an exception (hashicorp/raft#498 and its like): a future raft took in
// but had not started on when it shut down — an entry committed but not
// yet handed to the FSM, a VerifyLeader request still queued — is never
// answered. Close therefore waits at most closeWait; the goroutines still
// blocked on such futures are left behind (they hold nothing but the
// future). It is idempotent.
func (f *Futures) Close() {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	done := make(chan struct{})
	go func() {
		f.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(closeWait):
	}
}

// EnqueueTimeout returns the timeout to pass to raft's Apply, Barrier and
// membership calls so that enqueuing the request ends with ctx: the time
// left before ctx's deadline, 0 (none) when ctx has no deadline, or ctx's
// error (context.DeadlineExceeded once the deadline passed) when it ended.
func EnqueueTimeout(ctx context.Context) (time.Duration, error) { return timeoutOf(ctx) }

// RaftError maps an error from a raft future of group to this package's
// errors: raft.ErrNotLeader becomes a *NotLeaderError carrying leader()
// (called only then), leadership loss ErrLeadershipLost (outcome unknown),
// shutdown ErrStopped and an enqueue timeout context.DeadlineExceeded; any
// other error is wrapped with the group. It returns nil for nil.
func RaftError(group uint64, err error, leader func() Peer) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, raft.ErrNotLeader):
		return &NotLeaderError{Group: group, Leader: leader()}
	case errors.Is(err, raft.ErrLeadershipLost), errors.Is(err, raft.ErrLeadershipTransferInProgress):
		return fmt.Errorf("group %d: %w", group, ErrLeadershipLost)
	case errors.Is(err, raft.ErrRaftShutdown):
		return fmt.Errorf("group %d: %w", group, ErrStopped)
	case errors.Is(err, raft.ErrEnqueueTimeout):
		return fmt.Errorf("group %d: %w", group, context.DeadlineExceeded)
	}
	return fmt.Errorf("group %d: %w", group, err)
}

// LeaderOf returns the leader r knows of, zero when it knows none (an
// election is on, or r was shut down).
func LeaderOf(r *raft.Raft) Peer {
	addr, id := r.LeaderWithID()
	return Peer{ID: string(id), Addr: string(addr)}
}

// WaitForLeader waits until r knows a leader and returns it. It returns
// ctx's error when ctx ends first, and ErrStopped when stop is closed or r is
// shut down. It wakes on raft's leader and state observations rather than
// polling.
func WaitForLeader(ctx context.Context, r *raft.Raft, stop <-chan struct{}) (Peer, error) {
	// Size 1: raft never blocks on the observer (it drops when the buffer
	// is full), and one pending wake-up is enough to re-check the leader.
	wake := make(chan raft.Observation, 1)
	obs := raft.NewObserver(wake, false, func(o *raft.Observation) bool {
		switch o.Data.(type) {
		case raft.LeaderObservation, raft.RaftState:
			return true
		}
		return false
	})
	r.RegisterObserver(obs)
	defer r.DeregisterObserver(obs)
	for {
		if p := LeaderOf(r); p.ID != "" {
			return p, nil
		}
		if r.State() == raft.Shutdown {
			return Peer{}, ErrStopped
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return Peer{}, ctx.Err()
		case <-stop:
			return Peer{}, ErrStopped
		}
	}
}
