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

// ReplicaApplied asks the node at addr how far its replica of group has
// applied. found is false when the node has no replica of the group.
func ReplicaApplied(ctx context.Context, conns *Conns, addr string, group uint64) (applied uint64, found bool, err error) {
	c, err := conns.Data(addr)
	if err != nil {
		return 0, false, err
	}
	resp, err := c.Replica(ctx, &nodepb.ReplicaRequest{Group: group})
	if err != nil {
		return 0, false, fmt.Errorf("replica of group %d at %s: %w", group, addr, err)
	}
	if resp.Error != nil && resp.Error.Kind != nodepb.RouteError_KIND_UNSPECIFIED {
		return 0, false, nil
	}
	return resp.AppliedIndex, true, nil
}
