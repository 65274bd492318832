package node

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/atolldb/atoll/node/membership"
	"github.com/atolldb/atoll/replication"
	"github.com/atolldb/atoll/replication/meta"
	"github.com/atolldb/atoll/router/route"
)

// Placement is declarative: the meta group's ring says which nodes are a
// range's voters, and each group's leader changes the group's raft
// membership until it matches (converge), one change at a time: a new
// replica joins as a non-voter, is promoted once it has caught up, and only
// then is a replica that is no longer wanted removed. The meta leader
// decides the voters (planMove), one range at a time:
//
//  1. a voter on a node that has been dead (gossip) for longer than
//     Config.DeadNodeTimeout, or that is draining, is replaced;
//  2. otherwise, when the busiest usable node holds two replicas more than
//     the least busy one, one replica moves from the first to the second.
//
// A replacement goes to the usable node (alive, registered, not draining)
// not yet holding the range with the fewest replicas, preferring a zone the
// remaining voters do not cover. Leaders are balanced by the group leaders
// themselves (balanceLeaders).

// catchUpSlack is how many entries a new replica may trail its leader's
// applied index by and still be promoted to voter.
const catchUpSlack = 64

// move is a voter change the meta leader has ordered and waits for.
type move struct {
	group    uint64
	from, to string
	since    time.Time
}

// moveTimeout bounds the wait for one move before placement goes on.
const moveTimeout = time.Minute

// nodeView is the meta leader's view of the nodes for placement.
type nodeView struct {
	usable   map[string]bool // alive, registered, not draining
	replace  map[string]bool // dead past the timeout, or draining
	dead     map[string]bool // dead (or left) past the timeout
	replicas map[string]int  // replicas per usable node
	zone     map[string]string
}

func (c *controller) view(st *meta.State) nodeView {
	v := nodeView{usable: map[string]bool{}, replace: map[string]bool{}, dead: map[string]bool{}, replicas: map[string]int{}, zone: map[string]string{}}
	gossip := map[string]membership.Member{}
	for _, m := range c.n.members.Members() {
		gossip[m.Meta.ID] = m
	}
	now := time.Now()
	for id, node := range st.Nodes {
		v.zone[id] = node.Zone
		m, known := gossip[id]
		if known && m.State != membership.StateAlive && now.Sub(m.Since) >= c.n.cfg.DeadNodeTimeout {
			v.dead[id] = true
		}
		switch {
		case node.Draining, v.dead[id]:
			v.replace[id] = true
		case known && m.State == membership.StateAlive:
			v.usable[id] = true
			v.replicas[id] = 0
		}
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

// placeReplicas is the meta leader's placement step: wait for the move in
// flight, else order the next one.
func (c *controller) placeReplicas(ctx context.Context, st *meta.State) error {
	if c.inflight != nil {
		done, err := c.moveDone(ctx, st, c.inflight)
		if err != nil {
			return err
		}
		if !done && time.Since(c.inflight.since) < moveTimeout {
			return nil
		}
		if !done {
			c.log.Warn("replica move did not finish in time; going on", "group", c.inflight.group, "from", c.inflight.from, "to", c.inflight.to)
		}
		c.inflight = nil
	}
	r, from, to, ok := planMove(st, c.view(st))
	if !ok {
		return nil
	}
	voters := slices.Clone(r.Voters)
	voters[slices.Index(voters, from)] = to
	next := r
	next.Voters = voters
	if err := proposeMeta(ctx, c.n.meta, &meta.Command{Op: meta.OpPutRange, Range: &next}); err != nil {
		return fmt.Errorf("move group %d from %s to %s: %w", r.Group, from, to, err)
	}
	c.log.Info("moving a replica", "group", r.Group, "from", from, "to", to)
	c.inflight = &move{group: r.Group, from: from, to: to, since: time.Now()}
	return nil
}

// moveDone reports whether m's new replica exists and has caught up and the
// old one is gone (or its node is).
func (c *controller) moveDone(ctx context.Context, st *meta.State, m *move) (bool, error) {
	to, ok := st.Nodes[m.to]
	if !ok {
		return true, nil
	}
	rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	_, _, found, err := route.ReplicaStatus(rctx, c.n.conns, to.GRPCAddr, m.group)
	if err != nil || !found {
		return false, nil
	}
	from, ok := st.Nodes[m.from]
	if !ok {
		return true, nil
	}
	_, _, found, err = route.ReplicaStatus(rctx, c.n.conns, from.GRPCAddr, m.group)
	return err != nil || !found, nil
}

// planMove picks the next voter change: the range, the voter to replace
// and its replacement.
func planMove(st *meta.State, v nodeView) (r meta.Range, from, to string, ok bool) {
	// 1. Replace voters on dead or draining nodes.
	for _, r := range st.Ranges {
		for _, id := range r.Voters {
			if !v.replace[id] {
				continue
			}
			if to, ok := pickTarget(r, id, v); ok {
				return r, id, to, true
			}
		}
	}
	// 2. Balance replica counts.
	if len(v.replicas) < 2 {
		return meta.Range{}, "", "", false
	}
	ids := make([]string, 0, len(v.replicas))
	for id := range v.replicas {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	busiest, idlest := ids[0], ids[0]
	for _, id := range ids {
		if v.replicas[id] > v.replicas[busiest] {
			busiest = id
		}
		if v.replicas[id] < v.replicas[idlest] {
			idlest = id
		}
	}
	if v.replicas[busiest]-v.replicas[idlest] < 2 {
		return meta.Range{}, "", "", false
	}
	for _, r := range st.Ranges {
		if slices.Contains(r.Voters, busiest) && !slices.Contains(r.Voters, idlest) && zoneOK(r, busiest, idlest, v) {
			return r, busiest, idlest, true
		}
	}
	return meta.Range{}, "", "", false
}

// pickTarget returns the usable node with the fewest replicas that does not
// hold r, preferring one whose zone the remaining voters do not cover.
func pickTarget(r meta.Range, from string, v nodeView) (string, bool) {
	best, bestFresh := "", false
	ids := make([]string, 0, len(v.usable))
	for id := range v.usable {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if slices.Contains(r.Voters, id) {
			continue
		}
		fresh := zoneOK(r, from, id, v)
		switch {
		case best == "",
			fresh && !bestFresh,
			fresh == bestFresh && v.replicas[id] < v.replicas[best]:
			best, bestFresh = id, fresh
		}
	}
	return best, best != ""
}

// zoneOK reports whether replacing from by to keeps r's voters in distinct
// zones (or to's zone is unknown).
func zoneOK(r meta.Range, from, to string, v nodeView) bool {
	z := v.zone[to]
	if z == "" {
		return true
	}
	for _, id := range r.Voters {
		if id != from && v.zone[id] == z {
			return false
		}
	}
	return true
}

// converge makes the raft membership of every group this node leads match
// the ring's voters, one change per group and round.
func (c *controller) converge(ctx context.Context, st *meta.State) {
	for _, r := range st.Ranges {
		g := c.n.groups.Group(r.Group)
		if g == nil || !g.IsLeader() {
			continue
		}
		if err := c.convergeGroup(ctx, st, r, g); err != nil && ctx.Err() == nil {
			c.log.Warn("change group membership", "group", r.Group, "err", err)
		}
	}
}

func (c *controller) convergeGroup(ctx context.Context, st *meta.State, r meta.Range, g *replication.Group) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	servers, err := g.Servers()
	if err != nil {
		return err
	}
	peer := func(id string) (replication.Peer, bool) {
		n, ok := st.Nodes[id]
		return replication.Peer{ID: id, Addr: n.GRPCAddr}, ok
	}
	for _, id := range r.Voters {
		p, ok := peer(id)
		if !ok {
			continue
		}
		voter, in := servers[id]
		switch {
		case !in:
			c.log.Info("adding a replica", "group", r.Group, "node", id)
			return g.AddNonvoter(ctx, p)
		case !voter:
			applied, _, found, err := route.ReplicaStatus(ctx, c.n.conns, p.Addr, r.Group)
			if err != nil || !found || applied+catchUpSlack < g.AppliedIndex() {
				return err // not caught up yet
			}
			c.log.Info("promoting a replica", "group", r.Group, "node", id)
			return g.AddVoter(ctx, p)
		}
	}
	for id := range servers {
		if slices.Contains(r.Voters, id) {
			continue
		}
		if id == c.n.id {
			// Hand the leadership to a wanted voter; it removes us.
			for _, v := range r.Voters {
				if p, ok := peer(v); ok && servers[v] {
					c.log.Info("handing leadership over before leaving", "group", r.Group, "to", v)
					return g.TransferLeadership(ctx, p)
				}
			}
			continue
		}
		c.log.Info("removing a replica", "group", r.Group, "node", id)
		return g.RemoveServer(ctx, id)
	}
	return nil
}

// retire stops this node's replicas of groups the ring no longer places
// here. A removed follower may never learn of its removal (the leader stops
// replicating to it), so a replica retires once every wanted voter is a
// voter in its view of the group's membership: from then on the group does
// not need it for a quorum. A leader first hands its leadership over
// (converge).
func (c *controller) retire(st *meta.State) {
	for _, r := range st.Ranges {
		if slices.Contains(r.Voters, c.n.id) {
			continue
		}
		g := c.n.groups.Group(r.Group)
		if g == nil {
			continue
		}
		if !g.Stopped() {
			if g.IsLeader() {
				continue
			}
			servers, err := g.Servers()
			if err != nil {
				continue
			}
			if _, member := servers[c.n.id]; member && !allVoters(servers, r.Voters) {
				continue // the new replica is not promoted yet
			}
		}
		if err := c.n.groups.StopGroup(r.Group); err != nil {
			c.log.Warn("stop retired replica", "group", r.Group, "err", err)
			continue
		}
		c.log.Info("retired a replica", "group", r.Group)
	}
}

// allVoters reports whether every id is a voter in servers.
func allVoters(servers map[string]bool, ids []string) bool {
	for _, id := range ids {
		if !servers[id] {
			return false
		}
	}
	return true
}

// balanceLeaders hands over the leadership of one group this node leads
// when it leads more than its share, or all of them when it drains.
func (c *controller) balanceLeaders(ctx context.Context, st *meta.State) {
	leaders := map[string]int{}
	var led []meta.Range
	for _, r := range st.Ranges {
		g := c.n.groups.Group(r.Group)
		if g == nil {
			continue
		}
		if l := g.Leader().ID; l != "" {
			leaders[l]++
		}
		if g.IsLeader() {
			led = append(led, r)
		}
	}
	if len(led) == 0 {
		return
	}
	alive := map[string]bool{}
	for _, m := range c.n.members.Members() {
		if node, ok := st.Nodes[m.Meta.ID]; ok && m.State == membership.StateAlive && !node.Draining {
			alive[m.Meta.ID] = true
		}
	}
	self := st.Nodes[c.n.id]
	share := (len(st.Ranges) + max(len(alive), 1) - 1) / max(len(alive), 1)
	if !self.Draining && leaders[c.n.id] <= share {
		return
	}
	for _, r := range led {
		var best string
		for _, id := range r.Voters {
			if id == c.n.id || !alive[id] {
				continue // only to an alive, registered, not draining node
			}
			if best == "" || leaders[id] < leaders[best] {
				best = id
			}
		}
		if best == "" || (!self.Draining && leaders[best]+1 >= leaders[c.n.id]) {
			continue
		}
		g := c.n.groups.Group(r.Group)
		if g == nil {
			continue // retired meanwhile
		}
		servers, err := g.Servers()
		if err != nil || !servers[best] {
			continue // not a voter yet
		}
		tctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err = g.TransferLeadership(tctx, replication.Peer{ID: best, Addr: st.Nodes[best].GRPCAddr})
		cancel()
		if err != nil {
			c.log.Warn("hand leadership over", "group", r.Group, "to", best, "err", err)
			continue
		}
		c.log.Info("handed leadership over", "group", r.Group, "to", best)
		return
	}
}

// drain marks node draining (or not) in the meta group.
func (n *Node) drain(ctx context.Context, id string, undo bool) error {
	node, ok := n.meta.State().Nodes[id]
	if !ok {
		return fmt.Errorf("%w: %q", route.ErrUnknownNode, id)
	}
	node.Draining = !undo
	return proposeMeta(ctx, n.metaClient, &meta.Command{Op: meta.OpPutNode, Node: &node})
}

// metaProposer is what proposeMeta proposes through: the local meta replica
// (on the meta leader) or the meta client (anywhere).
type metaProposer interface {
	Propose(ctx context.Context, cmd *meta.Command) (meta.Result, error)
}

// proposeMeta proposes cmd and returns the proposal's error or, failing
// that, the command's own (meta.Result.Err).
func proposeMeta(ctx context.Context, p metaProposer, cmd *meta.Command) error {
	res, err := p.Propose(ctx, cmd)
	if err != nil {
		return err
	}
	return res.Err
}
