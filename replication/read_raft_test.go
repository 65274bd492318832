package replication

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/raft"

	"github.com/atolldb/atoll/partition/value"
)

// Regression: once a barrier or no-op entry ended a group's log, every
// strongly consistent read appended another one (the FSM never sees such
// entries, so it never looked current) until a write landed. Reads on an
// idle group must append at most one fence.
func TestReadBarrierIdleAppendsAtMostOneFence(t *testing.T) {
	c := newTestCluster(t, stacks[0], 3, testRaftConfig(t))
	c.startGroup(1, KeyRange{}, c.nodes...)
	if _, err := c.propose(1, putCmd(t, 1, "a", 1)); err != nil {
		t.Fatal(err)
	}
	g := c.findLeader(1)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	// The first read of the term fences; let it settle.
	if err := g.ReadBarrier(ctx); err != nil {
		t.Fatal(err)
	}
	before := g.raft.LastIndex()
	for i := range 200 {
		if err := g.ReadBarrier(ctx); err != nil {
			t.Fatalf("ReadBarrier %d: %v", i, err)
		}
	}
	if grew := g.raft.LastIndex() - before; grew > 1 {
		t.Errorf("200 idle reads appended %d log entries, want at most 1", grew)
	}
}

// Concurrent reads share VerifyLeader rounds and all see a write
// acknowledged before they started.
func TestReadBarrierConcurrentReadsSeeAckedWrites(t *testing.T) {
	c := newTestCluster(t, stacks[0], 3, testRaftConfig(t))
	c.startGroup(1, KeyRange{}, c.nodes...)
	_, g := c.leader(1)
	pos := position(t, "k")
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	for v := int64(1); v <= 20; v++ {
		if _, err := g.Propose(ctx, putCmd(t, 1, "k", v)); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := g.ReadBarrier(ctx); err != nil {
					errs <- err
					return
				}
				item, err := g.StateMachine().Get(1, pos)
				if err != nil {
					errs <- err
					return
				}
				if got, want := item["v"], value.N(value.NumberFromInt(v)); !value.Equal(got, want) {
					errs <- fmt.Errorf("read v=%v after the write of %d was acknowledged", got, v)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	}
	if g.raft.State() != raft.Leader {
		t.Fatal("leader changed during the test")
	}
}

// A follower serves bounded-staleness reads while it hears from its leader
// and keeps up, and stops once cut off for longer than the bound.
func TestFreshFollower(t *testing.T) {
	c := newTestCluster(t, stacks[0], 3, testRaftConfig(t))
	c.startGroup(1, KeyRange{}, c.nodes...)
	if _, err := c.propose(1, putCmd(t, 1, "a", 1)); err != nil {
		t.Fatal(err)
	}
	ln, _ := c.leader(1)
	var f *testNode
	for _, n := range c.nodes {
		if n != ln {
			f = n
			break
		}
	}
	g := f.group(1)
	eventually(t, 10*time.Second, "the follower is fresh", func() bool { return g.Fresh(2 * time.Second) })
	if !g.Fresh(time.Hour) {
		t.Fatal("a fresh follower is not fresh for a longer bound")
	}
	c.net.isolate(f.addr)
	eventually(t, 10*time.Second, "the isolated follower stops being fresh", func() bool { return !g.Fresh(300 * time.Millisecond) })
}
