package node

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/atolldb/atoll/proto/nodepb"
	"github.com/atolldb/atoll/replication/meta"
	"github.com/atolldb/atoll/router/route"
)

func TestPlanMove(t *testing.T) {
	ring := func(voters ...[]string) *meta.State {
		st := &meta.State{Nodes: map[string]meta.Node{}}
		for i, v := range voters {
			st.Ranges = append(st.Ranges, meta.Range{Group: uint64(i + 1), Epoch: 1, Voters: v})
		}
		return st
	}
	view := func(usable []string, replace []string, zones map[string]string, st *meta.State) nodeView {
		v := nodeView{usable: map[string]bool{}, replace: map[string]bool{}, replicas: map[string]int{}, zone: zones}
		for _, id := range usable {
			v.usable[id] = true
			v.replicas[id] = 0
		}
		for _, id := range replace {
			v.replace[id] = true
		}
		for _, r := range st.Ranges {
			for _, id := range r.Voters {
				if v.usable[id] {
					v.replicas[id]++
				}
			}
		}
		return v
	}
	cases := []struct {
		name     string
		st       *meta.State
		usable   []string
		replace  []string
		zones    map[string]string
		wantOK   bool
		wantFrom string
		wantTo   string
	}{
		{"balanced", ring([]string{"a", "b", "c"}, []string{"a", "b", "c"}), []string{"a", "b", "c"}, nil, nil, false, "", ""},
		{"new node gets a replica", ring([]string{"a", "b", "c"}, []string{"a", "b", "c"}), []string{"a", "b", "c", "d"}, nil, nil, true, "a", "d"},
		{"dead node replaced", ring([]string{"a", "b", "c"}, []string{"b", "c", "d"}), []string{"a", "b", "c"}, []string{"d"}, nil, true, "d", "a"},
		{"no target for a dead node", ring([]string{"a", "b", "c"}), []string{"a", "b"}, []string{"c"}, nil, false, "", ""},
		{"zone preferred over count", ring([]string{"a", "b", "c"}, []string{"d", "e", "a"}), []string{"a", "b", "d", "e"}, []string{"c"},
			map[string]string{"a": "z1", "b": "z2", "c": "z3", "d": "z1", "e": "z3"}, true, "c", "e"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.zones == nil {
				tc.zones = map[string]string{}
			}
			r, from, to, ok := planMove(tc.st, view(tc.usable, tc.replace, tc.zones, tc.st))
			if ok != tc.wantOK || from != tc.wantFrom || to != tc.wantTo {
				t.Fatalf("planMove = group %d %q -> %q, %v; want %q -> %q, %v", r.Group, from, to, ok, tc.wantFrom, tc.wantTo, tc.wantOK)
			}
			if ok && (!slices.Contains(r.Voters, from) || slices.Contains(r.Voters, to)) {
				t.Errorf("move %q -> %q on voters %v", from, to, r.Voters)
			}
		})
	}
}

// placement summarizes the cluster as the live nodes see it: replicas per
// node from the ring, leaders per node from each group's leader, and
// whether every group's raft membership matches the ring.
func (c *testCluster) placement() (replicas, leaders map[string]int, converged bool) {
	var live *Node
	for _, n := range c.nodes {
		if n != nil {
			live = n
			break
		}
	}
	st := live.meta.State()
	replicas, leaders, converged = map[string]int{}, map[string]int{}, true
	for _, r := range st.Ranges {
		for _, v := range r.Voters {
			replicas[v]++
		}
		led := false
		for _, n := range c.nodes {
			if n == nil {
				continue
			}
			g := n.groups.Group(r.Group)
			if g == nil || !g.IsLeader() {
				continue
			}
			led = true
			leaders[n.ID()]++
			servers, err := g.Servers()
			if err != nil || len(servers) != len(r.Voters) {
				converged = false
			}
			for _, v := range r.Voters {
				if !servers[v] {
					converged = false
				}
			}
		}
		if !led {
			converged = false
		}
		for _, n := range c.nodes {
			if n != nil && !slices.Contains(r.Voters, n.ID()) && n.groups.Group(r.Group) != nil {
				converged = false // a retired replica still runs
			}
		}
	}
	return replicas, leaders, converged
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(within)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v; last state: %s", what, within, state)
		}
		<-tick.C
	}
}

// putKeys writes n items through node i.
func (c *testCluster) putKeys(i int, table string, n int) {
	c.t.Helper()
	for k := range n {
		_, err := c.client(i).PutItem(c.t.Context(), &dynamodb.PutItemInput{
			TableName: aws.String(table),
			Item:      map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: fmt.Sprintf("k%04d", k)}},
		})
		if err != nil {
			c.t.Fatalf("PutItem k%04d: %v", k, err)
		}
	}
}

// checkKeys reads back n items strongly consistent through node i.
func (c *testCluster) checkKeys(i int, table string, n int) {
	c.t.Helper()
	for k := range n {
		out, err := c.client(i).GetItem(c.t.Context(), &dynamodb.GetItemInput{
			TableName:      aws.String(table),
			Key:            map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: fmt.Sprintf("k%04d", k)}},
			ConsistentRead: aws.Bool(true),
		})
		if err != nil || out.Item == nil {
			c.t.Fatalf("GetItem k%04d on n%d = %v, %v; want the item", k, i+1, out, err)
		}
	}
}

func TestClusterAddNodeRebalances(t *testing.T) {
	if testing.Short() {
		t.Skip("in-process cluster test; skipped in -short mode")
	}
	fastDead := func(cfg *Config) { cfg.DeadNodeTimeout = time.Second }
	c := startCluster(t, 3, fastDead)
	c.createTable(0, "tbl")
	c.putKeys(0, "tbl", 100)

	c.addNode(fastDead)
	// 4 ranges × 3 replicas over 4 nodes: 3 each; 4 leaders: at most one
	// node leads two.
	eventually(t, 60*time.Second, "replicas and leaders rebalance onto the new node", func() (bool, string) {
		replicas, leaders, converged := c.placement()
		state := fmt.Sprintf("replicas %v, leaders %v, converged %v", replicas, leaders, converged)
		if !converged || len(replicas) != 4 || len(leaders) < 3 {
			return false, state
		}
		for _, n := range replicas {
			if n != 3 {
				return false, state
			}
		}
		for _, n := range leaders {
			if n > 2 {
				return false, state
			}
		}
		return true, state
	})
	for i := range c.nodes {
		c.checkKeys(i, "tbl", 100)
	}

	// The new node dies: its replicas return to the others and it leaves
	// the meta group (where it was a non-voter).
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	c.nodes[3].Close(ctx)
	cancel()
	c.nodes[3] = nil
	eventually(t, 60*time.Second, "the dead node's replicas return and it leaves the meta group", func() (bool, string) {
		replicas, leaders, converged := c.placement()
		servers, err := c.nodes[0].meta.Servers()
		_, in := servers["n4"]
		state := fmt.Sprintf("replicas %v, leaders %v, converged %v, meta servers %v (%v)", replicas, leaders, converged, servers, err)
		return converged && replicas["n4"] == 0 && err == nil && !in && len(servers) == 3, state
	})
}

func TestClusterDeadNodeReplaced(t *testing.T) {
	if testing.Short() {
		t.Skip("in-process cluster test; skipped in -short mode")
	}
	fastDead := func(cfg *Config) { cfg.DeadNodeTimeout = time.Second }
	c := startCluster(t, 4, fastDead)
	c.createTable(0, "tbl")
	c.putKeys(0, "tbl", 100)

	victim := c.nodes[3]
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	victim.Close(ctx)
	cancel()
	c.nodes[3] = nil
	eventually(t, 90*time.Second, "the dead node's replicas are re-created on the others", func() (bool, string) {
		replicas, leaders, converged := c.placement()
		servers, err := c.nodes[0].meta.Servers()
		_, metaHasVictim := servers[victim.ID()]
		state := fmt.Sprintf("replicas %v, leaders %v, converged %v, meta servers %v (%v)", replicas, leaders, converged, servers, err)
		return converged && replicas[victim.ID()] == 0 && replicas["n1"] == 4 && replicas["n2"] == 4 && replicas["n3"] == 4 && err == nil && !metaHasVictim, state
	})
	for i := range 3 {
		c.checkKeys(i, "tbl", 100)
	}
}

func TestClusterDrain(t *testing.T) {
	if testing.Short() {
		t.Skip("in-process cluster test; skipped in -short mode")
	}
	c := startCluster(t, 4)
	c.createTable(0, "tbl")
	c.putKeys(0, "tbl", 50)

	// Drain n4 through another node's Meta service, as atollctl does.
	conns := route.NewConns()
	defer conns.Close()
	mc, err := conns.Meta(c.nodes[0].GRPCAddr())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mc.Drain(t.Context(), &nodepb.DrainRequest{NodeId: "n4"}); err != nil {
		t.Fatalf("Drain(n4): %v", err)
	}
	if _, err := mc.Drain(t.Context(), &nodepb.DrainRequest{NodeId: "nope"}); err == nil {
		t.Error("Drain(nope) succeeded, want an error for an unknown node")
	}
	eventually(t, 60*time.Second, "n4 holds no replica and leads no group", func() (bool, string) {
		replicas, leaders, converged := c.placement()
		state := fmt.Sprintf("replicas %v, leaders %v, converged %v", replicas, leaders, converged)
		return converged && replicas["n4"] == 0 && leaders["n4"] == 0 && replicas["n1"] == 4, state
	})
	// The drained node still serves requests by forwarding them.
	c.checkKeys(3, "tbl", 50)
}

// A drain lasts for the process it was meant for: a node that starts again
// clears its own draining mark.
func TestRestartClearsDraining(t *testing.T) {
	cfg := testConfig(0, 1, "")
	cfg.InMemory = false
	cfg.DataDir = t.TempDir()
	start := func() *Node {
		n, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		if err := n.Start(ctx); err != nil {
			t.Fatal(err)
		}
		return n
	}
	stop := func(n *Node) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := n.Close(ctx); err != nil {
			t.Fatal(err)
		}
	}
	n := start()
	if err := n.drain(t.Context(), n.ID(), false); err != nil {
		t.Fatal(err)
	}
	if !n.meta.State().Nodes[n.ID()].Draining {
		t.Fatal("drain did not mark the node")
	}
	stop(n)
	n = start()
	defer stop(n)
	if n.meta.State().Nodes[n.ID()].Draining {
		t.Error("a restarted node is still draining")
	}
}
