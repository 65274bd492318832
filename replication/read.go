package replication

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// ReadBarrier makes the reads of this replica's state machine that follow it
// linearizable: they see every write acknowledged before ReadBarrier was
// called. It works at the leader only (a *NotLeaderError elsewhere), without
// leases:
//
//  1. once per term, a fence entry through the log, so that the entries of
//     earlier terms are committed and applied here;
//  2. the commit index, noted now;
//  3. a VerifyLeader round, shared by the reads that noted their index
//     before it started: a majority still follows this leader, so no other
//     leader can have committed anything the index misses;
//  4. wait until the FSM has been handed every entry up to the noted index.
//     Raft never hands it no-op or barrier entries, so when such an entry
//     ends the log a fence entry (which the FSM sees) settles it; reads
//     that follow then find the FSM current.
func (g *Group) ReadBarrier(ctx context.Context) error {
	if err := g.fsm.failure(); err != nil {
		return err
	}
	if !g.IsLeader() {
		return g.notLeader()
	}
	if term := g.raft.CurrentTerm(); g.barrierTerm.Load() != term {
		if err := g.fence(ctx); err != nil {
			return err
		}
		g.barrierTerm.Store(term)
	}
	index := g.raft.CommitIndex()
	if err := g.verifyLeader(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return g.readErr(err)
	}
	// Entries committed by now are usually handed to the FSM within
	// moments; poll briefly, then let a fence settle it.
	deadline := time.Now().Add(2 * time.Millisecond)
	for g.fsm.through.Load() < index {
		if time.Now().After(deadline) {
			return g.fence(ctx)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Microsecond):
		}
	}
	return nil
}

// fence appends a read fence (an entry of a timestamp alone, which the FSM
// sees and skips) and waits until it is applied: every entry before it is
// applied too, and the FSM's position has passed any trailing no-op or
// barrier entry.
func (g *Group) fence(ctx context.Context) error {
	timeout, err := timeoutOf(ctx)
	if err != nil {
		return err
	}
	entry := binary.BigEndian.AppendUint64(make([]byte, 0, entryHeader), g.clock.Now())
	if err := g.wait(ctx, g.raft.Apply(entry, timeout)); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("read fence: %w", g.readErr(err))
	}
	return nil
}

// verifyLeader joins the next VerifyLeader round. A round starts only after
// every read waiting for it has noted its commit index, so its confirmation
// covers them all; concurrent reads share one round of heartbeats.
func (g *Group) verifyLeader(ctx context.Context) error {
	done := make(chan error, 1)
	g.verifyMu.Lock()
	g.verifyWaiting = append(g.verifyWaiting, done)
	start := !g.verifyRunning
	g.verifyRunning = true
	g.verifyMu.Unlock()
	if start && !g.futures.Go(g.runVerify) {
		g.verifyMu.Lock()
		batch := g.verifyWaiting
		g.verifyWaiting, g.verifyRunning = nil, false
		g.verifyMu.Unlock()
		for _, ch := range batch {
			ch <- ErrStopped
		}
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// runVerify runs VerifyLeader rounds while reads wait for one.
func (g *Group) runVerify() {
	for {
		g.verifyMu.Lock()
		batch := g.verifyWaiting
		g.verifyWaiting = nil
		if len(batch) == 0 {
			g.verifyRunning = false
			g.verifyMu.Unlock()
			return
		}
		g.verifyMu.Unlock()
		err := g.raft.VerifyLeader().Error()
		for _, done := range batch {
			done <- err
		}
	}
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

// Fresh reports whether this replica may serve a read that must reflect
// every write committed more than bound ago (an eventually consistent read
// with bounded staleness). The leader always may. A follower may when it
// heard from its leader within bound and its state machine had caught up
// with the commit index it knew (allowing the one no-op entry a new leader
// appends, which the FSM never sees) at some moment within bound: a
// follower whose apply is stuck (a long snapshot install, a slow disk)
// stops serving such reads even while heartbeats keep arriving. The commit
// index a follower knows lags the leader's by up to CommitTimeout.
func (g *Group) Fresh(bound time.Duration) bool {
	if g.fsm.failure() != nil {
		return false
	}
	if g.IsLeader() {
		return true
	}
	now := time.Now()
	if now.Sub(g.raft.LastContact()) > bound {
		return false
	}
	if g.fsm.through.Load()+1 >= g.raft.CommitIndex() {
		g.caughtUp.Store(now.UnixNano())
		return true
	}
	return now.Sub(time.Unix(0, g.caughtUp.Load())) <= bound
}
