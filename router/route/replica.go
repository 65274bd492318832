package route

import (
	"context"
	"fmt"

	"github.com/atolldb/atoll/proto/nodepb"
)

// Replica describes this node's replica of a group.
func (v *Service) Replica(_ context.Context, req *nodepb.ReplicaRequest) (*nodepb.ReplicaResponse, error) {
	g := v.groups.Group(req.Group)
	if g == nil {
		return &nodepb.ReplicaResponse{Error: errNoGroup}, nil
	}
	return &nodepb.ReplicaResponse{AppliedIndex: g.AppliedIndex(), LeaderId: g.Leader().ID}, nil
}

// ReplicaStatus asks the node at addr about its replica of group: how far
// it has applied and the leader it knows (empty when none). found is false
// when the node has no replica of the group.
func ReplicaStatus(ctx context.Context, conns *Conns, addr string, group uint64) (applied uint64, leader string, found bool, err error) {
	c, err := conns.Data(addr)
	if err != nil {
		return 0, "", false, err
	}
	resp, err := c.Replica(ctx, &nodepb.ReplicaRequest{Group: group})
	if err != nil {
		return 0, "", false, fmt.Errorf("replica of group %d at %s: %w", group, addr, err)
	}
	if resp.Error != nil && resp.Error.Kind != nodepb.RouteError_KIND_UNSPECIFIED {
		return 0, "", false, nil
	}
	return resp.AppliedIndex, resp.LeaderId, true, nil
}
