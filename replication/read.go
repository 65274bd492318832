package replication

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ReadBarrier makes the reads of this replica's state machine that follow it
// linearizable: they see every write acknowledged before ReadBarrier was
// called. It works at the leader only (a *NotLeaderError elsewhere), without
// leases:
//
//  1. once per term, a raft barrier, so that the entries of earlier terms
//     are committed and applied here;
//  2. the commit index, noted now;
//  3. a VerifyLeader round: a majority still follows this leader, so no
//     other leader can have committed anything the index misses;
//  4. wait until the state machine has applied up to the noted index (a
//     raft barrier when a trailing no-op or barrier entry hides it).
func (g *Group) ReadBarrier(ctx context.Context) error {
	if err := g.fsm.failure(); err != nil {
		return err
	}
	if !g.IsLeader() {
		return g.notLeader()
	}
	if term := g.raft.CurrentTerm(); g.barrierTerm.Load() != term {
		if err := g.barrier(ctx); err != nil {
			return err
		}
		g.barrierTerm.Store(term)
	}
	index := g.raft.CommitIndex()
	if err := g.wait(ctx, g.raft.VerifyLeader()); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return g.readErr(err)
	}
	// Entries committed by now are usually handed to the FSM within
	// moments; poll briefly, then let a barrier settle it.
	deadline := time.Now().Add(2 * time.Millisecond)
	for g.fsm.through.Load() < index {
		if time.Now().After(deadline) {
			return g.barrier(ctx)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Microsecond):
		}
	}
	return nil
}

// barrier waits until every entry before a new barrier entry is applied.
func (g *Group) barrier(ctx context.Context) error {
	timeout, err := timeoutOf(ctx)
	if err != nil {
		return err
	}
	if err := g.wait(ctx, g.raft.Barrier(timeout)); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("read barrier: %w", g.readErr(err))
	}
	return nil
}

// readErr maps a raft error of a read barrier: a leadership lost or being
// transferred means this replica cannot serve the read, which changed
// nothing, so it is reported as a *NotLeaderError (the caller retries at the
// new leader) rather than as ErrLeadershipLost (an unknown outcome).
func (g *Group) readErr(err error) error {
	err = g.raftErr(err)
	if errors.Is(err, ErrLeadershipLost) {
		return g.notLeader()
	}
	return err
}

// LastContact returns when this replica last heard from its leader; for the
// leader itself it returns the current time. Eventually consistent reads
// use it to bound staleness.
func (g *Group) LastContact() time.Time {
	if g.IsLeader() {
		return time.Now()
	}
	return g.raft.LastContact()
}
