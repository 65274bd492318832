package replication

import (
	"context"
	"errors"

	"github.com/hashicorp/raft"
)

// TransferLeadership hands the leadership of the group to peer (a voter
// that has caught up) and waits until raft has done so or given up. It
// works at the leader only (a *NotLeaderError elsewhere).
func (g *Group) TransferLeadership(ctx context.Context, peer Peer) error {
	if !g.IsLeader() {
		return g.notLeader()
	}
	f := g.raft.LeadershipTransferToServer(raft.ServerID(peer.ID), raft.ServerAddress(peer.Addr))
	if err := g.wait(ctx, f); err != nil {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return err
		}
		return g.raftErr(err)
	}
	return nil
}

// Stopped reports whether the replica's raft has shut down (after Shutdown,
// a fatal apply error, or its removal from the group).
func (g *Group) Stopped() bool { return g.raft.State() == raft.Shutdown }
