package node

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/atolldb/atoll/node/membership"
	"github.com/atolldb/atoll/proto/nodepb"
	"github.com/atolldb/atoll/replication"
	"github.com/atolldb/atoll/replication/meta"
	"github.com/atolldb/atoll/router/route"
)

// reconcileEvery is how often the controller reconciles without a change
// to react to.
const reconcileEvery = time.Second

// controller keeps the node in line with the meta group: on every node it
// starts the replicas the ring places here and drops the data of deleted
// tables; on the meta leader it also registers the nodes gossip reports,
// adds them to the meta group as non-voters and creates the ring once
// enough nodes are registered. It runs on one goroutine (run).
type controller struct {
	n   *Node
	log *slog.Logger

	// tables holds the IDs of the live tables last seen (nil before the
	// first reconcile).
	tables map[uint64]bool
	// inflight is the replica move the meta leader waits for, or nil.
	inflight *move
}

func newController(n *Node) *controller {
	return &controller{n: n, log: n.log.With("component", "controller")}
}

// run reconciles on every meta or gossip change, and every second, until
// ctx ends.
func (c *controller) run(ctx context.Context) {
	for {
		changed, gossip := c.n.meta.Changed(), c.n.members.Changes()
		c.reconcile(ctx)
		select {
		case <-ctx.Done():
			return
		case <-changed:
		case <-gossip:
		case <-time.After(reconcileEvery):
		}
	}
}

func (c *controller) reconcile(ctx context.Context) {
	if c.n.meta.IsLeader() {
		if err := c.lead(ctx); err != nil && ctx.Err() == nil {
			c.log.Warn("meta leader reconcile", "err", err)
		}
	}
	st := c.n.meta.State()
	c.place(st)
	c.converge(ctx, st)
	c.retire(st)
	c.balanceLeaders(ctx, st)
	c.dropDeleted(st)
}

// lead is the meta leader's part: register nodes, grow the meta group,
// create the ring.
func (c *controller) lead(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	st := c.n.meta.State()
	for _, m := range c.n.members.Members() {
		if m.State != membership.StateAlive || m.Meta.GRPCAddr == "" {
			continue
		}
		want := meta.Node{ID: m.Meta.ID, GRPCAddr: m.Meta.GRPCAddr, APIAddr: m.Meta.APIAddr, Zone: m.Meta.Zone}
		if cur, ok := st.Nodes[want.ID]; ok {
			want.Draining = cur.Draining
			if cur == want {
				continue
			}
		}
		if err := proposeMeta(ctx, c.n.meta, &meta.Command{Op: meta.OpPutNode, Node: &want}); err != nil {
			return fmt.Errorf("register node %s: %w", want.ID, err)
		}
		c.log.Info("registered node", "id", want.ID, "grpc", want.GRPCAddr, "zone", want.Zone)
	}
	st = c.n.meta.State()
	servers, err := c.n.meta.Servers()
	if err != nil {
		return err
	}
	for _, m := range c.n.members.Members() {
		node, ok := st.Nodes[m.Meta.ID]
		if _, in := servers[m.Meta.ID]; in || !ok || m.State != membership.StateAlive {
			continue
		}
		if err := c.n.meta.AddNonvoter(ctx, replication.Peer{ID: node.ID, Addr: node.GRPCAddr}); err != nil {
			return fmt.Errorf("add node %s to the meta group: %w", node.ID, err)
		}
		c.log.Info("added node to the meta group", "id", node.ID)
	}
	if err := c.replaceMetaVoters(ctx, st, servers); err != nil {
		return err
	}
	if len(st.Ranges) == 0 {
		return c.initRing(ctx, st)
	}
	return c.placeReplicas(ctx, st)
}

// metaVoters is how many voters the meta group keeps when enough nodes
// are alive: it survives one failure.
const metaVoters = 3

// replaceMetaVoters keeps the meta group healthy, one change per round:
// it promotes an alive non-voter while voters are missing or one of them
// is dead (past DeadNodeTimeout) or draining, then removes the surplus
// voter that is dead or draining, and removes dead voters that have no
// replacement and dead non-voters (raft would replicate to them forever).
// The leader never removes itself.
func (c *controller) replaceMetaVoters(ctx context.Context, st *meta.State, servers map[string]bool) error {
	v := c.view(st)
	voters, replaceable := 0, 0
	for id, voter := range servers {
		if voter {
			voters++
			if v.replace[id] {
				replaceable++
			}
		}
	}
	ids := make([]string, 0, len(servers))
	for id := range servers {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if voters < metaVoters || replaceable > 0 && voters-replaceable < metaVoters {
		for _, id := range ids {
			node, ok := st.Nodes[id]
			if servers[id] || !ok || !v.usable[id] {
				continue
			}
			c.log.Info("promoting a node to meta voter", "node", id, "voters", voters)
			return c.n.meta.AddVoter(ctx, replication.Peer{ID: id, Addr: node.GRPCAddr})
		}
	}
	for _, id := range ids {
		if id == c.n.id {
			continue
		}
		switch {
		case servers[id] && v.replace[id] && voters > metaVoters,
			servers[id] && v.dead[id],
			!servers[id] && v.dead[id]:
			c.log.Info("removing a node from the meta group", "node", id, "voter", servers[id], "dead", v.dead[id])
			return c.n.meta.RemoveServer(ctx, id)
		}
	}
	return nil
}

// initRing cuts the ring into Config.Ranges ranges and places each on
// ReplicationFactor registered nodes, round robin.
func (c *controller) initRing(ctx context.Context, st *meta.State) error {
	rf := c.n.cfg.replicationFactor()
	ids := make([]string, 0, len(st.Nodes))
	for id := range st.Nodes {
		ids = append(ids, id)
	}
	if len(ids) < rf {
		c.log.Info("waiting for nodes before creating the ring", "registered", len(ids), "replication_factor", rf)
		return nil
	}
	slices.Sort(ids)
	spans, err := replication.SplitRing(c.n.cfg.Ranges)
	if err != nil {
		return err
	}
	ranges := make([]meta.Range, len(spans))
	for i, s := range spans {
		voters := make([]string, rf)
		for k := range rf {
			voters[k] = ids[(i+k)%len(ids)]
		}
		ranges[i] = meta.Range{Group: uint64(i + 1), Start: s.Start, End: s.End, Epoch: 1, Voters: voters}
	}
	if err := proposeMeta(ctx, c.n.meta, &meta.Command{Op: meta.OpInitRing, Ranges: ranges}); err != nil {
		return fmt.Errorf("create the ring: %w", err)
	}
	c.log.Info("created the ring", "ranges", len(ranges), "replication_factor", rf)
	return nil
}

// place starts this node's replica of every group the ring places here.
// The ring's first voters (epoch 1) bootstrap their group together; a
// replica placed later starts empty and is added by the group's leader.
func (c *controller) place(st *meta.State) {
	for _, r := range st.Ranges {
		if !slices.Contains(r.Voters, c.n.id) || c.n.groups.Group(r.Group) != nil {
			continue
		}
		peers := make([]replication.Peer, 0, len(r.Voters))
		for _, id := range r.Voters {
			node, ok := st.Nodes[id]
			if !ok {
				break
			}
			peers = append(peers, replication.Peer{ID: id, Addr: node.GRPCAddr})
		}
		if len(peers) != len(r.Voters) {
			continue // a voter is not registered yet
		}
		spec := replication.GroupSpec{ID: r.Group, Range: replication.KeyRange{Start: r.Start, End: r.End}}
		if r.Epoch == 1 {
			spec.Bootstrap = peers
		}
		_, err := c.n.groups.StartGroup(spec)
		if err != nil {
			c.log.Error("start group replica", "group", r.Group, "err", err)
			continue
		}
		c.log.Debug("started group replica", "group", r.Group)
	}
}

// dropDeleted removes the local data of tables the meta group no longer has.
func (c *controller) dropDeleted(st *meta.State) {
	live := make(map[uint64]bool, len(st.Tables))
	for _, t := range st.Tables {
		live[t.ID] = true
	}
	for id := range c.tables {
		if !live[id] {
			c.n.store.DropLocal(id)
		}
	}
	c.tables = live
}

// ready reports whether the node can serve: the meta group has a leader,
// the ring exists and every group placed here has a leader.
func (c *controller) ready() bool {
	if c.n.meta.Leader().ID == "" {
		return false
	}
	st := c.n.meta.State()
	if len(st.Ranges) == 0 {
		return false
	}
	for _, r := range st.Ranges {
		if !slices.Contains(r.Voters, c.n.id) {
			continue
		}
		g := c.n.groups.Group(r.Group)
		if g == nil || g.Leader().ID == "" {
			return false
		}
	}
	return true
}

// waitReady waits until ready or ctx ends.
func (c *controller) waitReady(ctx context.Context) error {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !c.ready() {
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the cluster: %w", ctx.Err())
		case <-tick.C:
		}
	}
	return nil
}

// status reports the cluster as this node sees it (the Meta service's
// Status).
func (n *Node) status(ctx context.Context) (*nodepb.StatusResponse, error) {
	st := n.meta.State()
	resp := &nodepb.StatusResponse{NodeId: n.id, MetaLeader: n.meta.Leader().ID}
	gossip := map[string]membership.Member{}
	for _, m := range n.members.Members() {
		gossip[m.Meta.ID] = m
	}
	replicas, leaders := map[string]uint32{}, map[string]uint32{}
	for _, r := range st.Ranges {
		rs := &nodepb.RangeStatus{Group: r.Group, Start: r.Start, End: r.End, Epoch: r.Epoch, Replicas: r.Voters}
		if g := n.groups.Group(r.Group); g != nil {
			rs.Leader = g.Leader().ID
		} else {
			rs.Leader = n.remoteLeader(ctx, st, r)
		}
		for _, id := range r.Voters {
			replicas[id]++
		}
		if rs.Leader != "" {
			leaders[rs.Leader]++
		}
		resp.Ranges = append(resp.Ranges, rs)
	}
	ids := make([]string, 0, len(st.Nodes))
	for id := range st.Nodes {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		node := st.Nodes[id]
		state := "unknown"
		if m, ok := gossip[id]; ok {
			state = m.State.String()
		}
		resp.Nodes = append(resp.Nodes, &nodepb.NodeStatus{
			Id: id, GrpcAddr: node.GRPCAddr, ApiAddr: node.APIAddr, Zone: node.Zone, State: state,
			Draining: node.Draining, Replicas: replicas[id], Leaders: leaders[id],
		})
	}
	return resp, nil
}

// remoteLeader asks r's replicas on other nodes which node leads r; ""
// when none answers.
func (n *Node) remoteLeader(ctx context.Context, st *meta.State, r meta.Range) string {
	for _, id := range r.Voters {
		node, ok := st.Nodes[id]
		if !ok {
			continue
		}
		rctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		_, leader, found, err := route.ReplicaStatus(rctx, n.conns, node.GRPCAddr, r.Group)
		cancel()
		if err == nil && found && leader != "" {
			return leader
		}
	}
	return ""
}
