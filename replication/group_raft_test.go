package replication

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/raft"

	"github.com/atolldb/atoll/partition"
)

var fullRing = KeyRange{}

func TestRaftFailoverKeepsAcknowledgedWrites(t *testing.T) {
	forStacks(t, func(t *testing.T, s stack) {
		c := newTestCluster(t, s, 3, testRaftConfig(t))
		c.startGroup(1, fullRing)

		acked := map[string]int64{}
		write := func(prefix string, n int) {
			t.Helper()
			for i := range n {
				pk := fmt.Sprintf("%s%d", prefix, i)
				res, err := c.propose(1, putCmd(t, 1, pk, int64(i)))
				if err == nil && res.Err == nil {
					acked[pk] = int64(i)
				} else if !errors.Is(err, ErrLeadershipLost) {
					t.Fatalf("Propose(%s) = %v, %v", pk, res.Err, err)
				}
			}
		}
		write("before", 30)
		old, _ := c.leader(1)
		old.stop()

		next, _ := c.leader(1)
		if next == old {
			t.Fatal("the stopped node is still the leader")
		}
		write("after", 30)
		if len(acked) < 55 {
			t.Fatalf("only %d of 60 writes acknowledged", len(acked))
		}
		c.waitConverged(1)
		for _, n := range c.nodes {
			if n == old {
				continue
			}
			sm := n.group(1).StateMachine()
			for pk, v := range acked {
				it, err := sm.Get(1, position(t, pk))
				if err != nil {
					t.Fatal(err)
				}
				if it == nil {
					t.Errorf("node %s: acknowledged item %s is missing", n.id, pk)
					continue
				}
				if got, _ := it["v"].N.Int64(); got != v {
					t.Errorf("node %s: item %s v = %d, want %d", n.id, pk, got, v)
				}
			}
		}

		// The old leader comes back as a follower and catches up.
		old.open()
		want := c.waitConverged(1)
		if got := old.group(1).AppliedIndex(); got != want {
			t.Errorf("restarted old leader applied %d, want %d", got, want)
		}
	})
}

func TestRaftRestartReplaysExactlyOnce(t *testing.T) {
	forStacks(t, func(t *testing.T, s stack) {
		c := newTestCluster(t, s, 3, testRaftConfig(t))
		c.startGroup(1, fullRing)
		const n = 40
		for step := range n {
			res, err := c.propose(1, incrOnce(t, "counter", step))
			if err == nil && errors.Is(res.Err, partition.ErrConditionFailed) {
				t.Fatalf("step %d applied twice", step)
			}
			for errors.Is(err, ErrLeadershipLost) { // outcome unknown: the retry is idempotent
				res, err = c.propose(1, incrOnce(t, "counter", step))
				if err == nil && errors.Is(res.Err, partition.ErrConditionFailed) {
					res.Err = nil
				}
			}
			if err != nil || res.Err != nil {
				t.Fatalf("step %d: %v, %v", step, res.Err, err)
			}
			switch step {
			case 10: // a follower restarts
				ln, _ := c.leader(1)
				for _, node := range c.nodes {
					if node != ln {
						node.restart()
						break
					}
				}
			case 20: // a snapshot, then the leader restarts: replay starts after the snapshot
				ln, lg := c.leader(1)
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				if err := lg.Snapshot(ctx); err != nil {
					t.Fatalf("Snapshot: %v", err)
				}
				cancel()
				ln.restart()
			case 30: // every node restarts
				for _, node := range c.nodes {
					node.stop()
				}
				for _, node := range c.nodes {
					node.open()
				}
			}
		}
		c.waitConverged(1)
		for _, node := range c.nodes {
			it, err := node.group(1).StateMachine().Get(1, position(t, "counter"))
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := it["n"].N.Int64(); got != n {
				t.Errorf("node %s: counter = %d after %d increments and restarts, want %d", node.id, got, n, n)
			}
		}
	})
}

func TestRaftApplyFailureStopsReplicas(t *testing.T) {
	forStacks(t, func(t *testing.T, s stack) {
		c := newTestCluster(t, s, 3, testRaftConfig(t))
		c.startGroup(1, fullRing)
		if _, err := c.propose(1, putCmd(t, 1, "ok", 1)); err != nil {
			t.Fatal(err)
		}
		ln, lg := c.leader(1)
		okIndex := lg.AppliedIndex() // the only command so far
		// A command that does not decode: an 8-byte timestamp, then garbage.
		bad := binary.BigEndian.AppendUint64(nil, 1)
		bad = append(bad, 0xEE, 0xEE)
		f := lg.raft.Apply(bad, 5*time.Second)
		if err := f.Error(); err != nil {
			t.Fatalf("Apply: %v", err)
		}
		resp, _ := f.Response().(error)
		if !errors.Is(resp, ErrApplyFailed) || !errors.Is(resp, partition.ErrCorruptCommand) {
			t.Fatalf("response to a corrupt command = %v, want ErrApplyFailed wrapping ErrCorruptCommand", f.Response())
		}
		// The leader applied the entry and must stop. A follower applies it
		// only once it learns the commit index (the leader may stop before
		// telling it, and a new leader elected among followers applies it and
		// stops too); every replica that applied it must have stopped.
		badIndex := f.Index()
		for _, n := range c.nodes {
			g := n.group(1)
			eventually(t, 10*time.Second, "replica "+n.id+" to stop or not to have applied the entry", func() bool {
				if g.raft.State() == raft.Shutdown {
					return true
				}
				return n != ln && g.raft.AppliedIndex() < badIndex
			})
			if g.raft.State() != raft.Shutdown {
				continue
			}
			if !errors.Is(g.Err(), ErrApplyFailed) {
				t.Errorf("node %s: Err() = %v, want ErrApplyFailed", n.id, g.Err())
			}
			if _, err := g.Propose(context.Background(), putCmd(t, 1, "after", 1)); !errors.Is(err, ErrApplyFailed) {
				t.Errorf("node %s: Propose after the failure = %v, want ErrApplyFailed", n.id, err)
			}
			// A follower may get both entries in one batch, which then
			// commits nothing: the stored state is always "every entry up to
			// the stored applied index".
			it, _ := g.StateMachine().Get(1, position(t, "ok"))
			if applied := g.AppliedIndex(); (it != nil) != (applied >= okIndex) {
				t.Errorf("node %s: applied index %d (the write is at %d) but item present = %v", n.id, applied, okIndex, it != nil)
			}
			if got := g.AppliedIndex(); got >= badIndex {
				t.Errorf("node %s: applied index %d, want below the corrupt entry %d", n.id, got, badIndex)
			}
		}
	})
}

func TestRaftNotLeader(t *testing.T) {
	forStacks(t, func(t *testing.T, s stack) {
		c := newTestCluster(t, s, 3, testRaftConfig(t))
		c.startGroup(1, fullRing)
		ln, _ := c.leader(1)
		for _, n := range c.nodes {
			if n == ln {
				continue
			}
			g := n.group(1)
			eventually(t, 5*time.Second, "follower to learn the leader", func() bool { return g.Leader().ID != "" })
			_, err := g.Propose(context.Background(), putCmd(t, 1, "x", 1))
			var nl *NotLeaderError
			if !errors.As(err, &nl) || !errors.Is(err, ErrNotLeader) {
				t.Fatalf("Propose on follower %s = %v, want *NotLeaderError", n.id, err)
			}
			if nl.Leader.ID != ln.id {
				t.Errorf("leader hint = %q, want %q", nl.Leader.ID, ln.id)
			}
		}
	})
}

func TestRaftManyGroups(t *testing.T) {
	forStacks(t, func(t *testing.T, s stack) {
		if testing.Short() {
			t.Skip("many groups: skipped with -short")
		}
		cfg := testRaftConfig(t)
		// Idle cost is per group: slower heartbeats for 600 replicas on a
		// small machine.
		cfg.HeartbeatTimeout = time.Second
		cfg.ElectionTimeout = time.Second
		cfg.LeaderLeaseTimeout = 500 * time.Millisecond
		cfg.CommitTimeout = 50 * time.Millisecond
		c := newTestCluster(t, s, 3, cfg)
		const groups = 200
		start := time.Now()
		for id := uint64(1); id <= groups; id++ {
			c.startGroup(id, fullRing)
		}
		for id := uint64(1); id <= groups; id++ {
			c.leader(id)
		}
		t.Logf("%d groups on 3 nodes elected leaders in %v", groups, time.Since(start))

		start = time.Now()
		var wg sync.WaitGroup
		errs := make(chan error, groups)
		ids := make(chan uint64)
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for id := range ids {
					if err := c.putUntilAcked(id, putCmd(t, 1, fmt.Sprintf("g%d", id), int64(id))); err != nil {
						errs <- err
					}
				}
			}()
		}
		for id := uint64(1); id <= groups; id++ {
			ids <- id
		}
		close(ids)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		t.Logf("%d writes, one per group, in %v", groups, time.Since(start))
		// Every group's write is on the leader's state machine.
		for id := uint64(1); id <= groups; id++ {
			_, g := c.leader(id)
			it, err := g.StateMachine().Get(1, position(t, fmt.Sprintf("g%d", id)))
			if err != nil {
				t.Fatal(err)
			}
			if it == nil {
				t.Errorf("group %d: the write is missing on the leader", id)
			}
		}
	})
}

// TestRaftRetryAfterFailoverAppliesOnce proposes the same command (one
// request ID) at a leader, then again at the next leader after the first
// stopped, as a router retries a write whose outcome it did not learn: the
// command applies once and the retry gets the first result.
func TestRaftRetryAfterFailoverAppliesOnce(t *testing.T) {
	c := newTestCluster(t, stacks[0], 3, testRaftConfig(t))
	c.startGroup(1, fullRing)
	cmd := incrOnce(t, "counter", 0)
	cmd.Condition = nil // only the request ID keeps the retry from counting twice
	cmd.ID = []byte("0123456789abcdef")
	first, err := c.propose(1, cmd)
	if err != nil || first.Err != nil {
		t.Fatalf("Propose = %v, %v", first.Err, err)
	}
	old, _ := c.leader(1)
	old.stop()
	retry, err := c.propose(1, cmd)
	if err != nil || retry.Err != nil {
		t.Fatalf("retried Propose = %v, %v", retry.Err, err)
	}
	if got, _ := retry.New["n"].N.Int64(); got != 1 {
		t.Errorf("retry result n = %d, want 1 (the first application's)", got)
	}
	old.open()
	c.waitConverged(1)
	for _, node := range c.nodes {
		it, err := node.group(1).StateMachine().Get(1, position(t, "counter"))
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := it["n"].N.Int64(); got != 1 {
			t.Errorf("node %s: counter = %d, want 1", node.id, got)
		}
	}
}
