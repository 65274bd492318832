package route

import (
	"context"
	"errors"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/atolldb/atoll/partition"
	"github.com/atolldb/atoll/partition/value"
	"github.com/atolldb/atoll/proto/nodepb"
	"github.com/atolldb/atoll/replication"
)

// rangeChunk is the number of items per message of a Range stream.
const rangeChunk = 128

// Service serves the Data service for the groups this node hosts.
type Service struct {
	nodepb.UnimplementedDataServer
	groups Groups
}

// NewService returns the Data service over groups.
func NewService(groups Groups) *Service { return &Service{groups: groups} }

// Register installs the service on s.
func (v *Service) Register(s *grpc.Server) { nodepb.RegisterDataServer(s, v) }

var _ nodepb.DataServer = (*Service)(nil)

// NotLeader returns the RouteError of a replica that does not lead.
func NotLeader(leader replication.Peer) *nodepb.RouteError {
	return &nodepb.RouteError{Kind: nodepb.RouteError_NOT_LEADER, LeaderId: leader.ID, LeaderAddr: leader.Addr}
}

var errNoGroup = &nodepb.RouteError{Kind: nodepb.RouteError_GROUP_NOT_FOUND}

// grpcErr turns a local error into a gRPC status. A stopped replica and a
// leader that lost its leadership are ABORTED, not UNAVAILABLE: raft may
// stop or step down after committing an entry whose future it never
// answers, so the outcome is unknown. The sender retries it elsewhere only
// because every write it sends carries a request ID, which the group's state
// machine applies once (a retry gets the first result); it never treats
// ABORTED as "not applied". Anything else is UNKNOWN.
func grpcErr(err error) error {
	switch {
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, err.Error())
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, err.Error())
	case errors.Is(err, replication.ErrStopped), errors.Is(err, replication.ErrLeadershipLost):
		return status.Error(codes.Aborted, err.Error())
	}
	return status.Error(codes.Unknown, err.Error())
}

// asRoute returns the RouteError for a local error that proves the request
// was not served, or nil.
func asRoute(err error) *nodepb.RouteError {
	var nl *replication.NotLeaderError
	if errors.As(err, &nl) {
		return NotLeader(nl.Leader)
	}
	if errors.Is(err, replication.ErrKeyNotInGroup) {
		return &nodepb.RouteError{Kind: nodepb.RouteError_KEY_NOT_IN_GROUP}
	}
	return nil
}

// Propose proposes a command through the local replica of the group.
func (v *Service) Propose(ctx context.Context, req *nodepb.ProposeRequest) (*nodepb.ProposeResponse, error) {
	g := v.groups.Group(req.Group)
	if g == nil {
		return &nodepb.ProposeResponse{Error: errNoGroup}, nil
	}
	cmd, err := partition.DecodeCommand(req.Command)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	res, err := g.Propose(ctx, cmd)
	if err != nil {
		if re := asRoute(err); re != nil {
			return &nodepb.ProposeResponse{Error: re}, nil
		}
		return nil, grpcErr(err)
	}
	b, err := res.Encode(nil)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &nodepb.ProposeResponse{Result: b}, nil
}

// readable prepares g for a read: a ReadBarrier for a consistent one, a
// freshness check for an eventual one.
func readable(ctx context.Context, g *replication.Group, consistent bool, staleness int64) (*nodepb.RouteError, error) {
	if consistent {
		if err := g.ReadBarrier(ctx); err != nil {
			if re := asRoute(err); re != nil {
				return re, nil
			}
			return nil, grpcErr(err)
		}
		return nil, nil
	}
	if !g.Fresh(time.Duration(staleness) * time.Millisecond) {
		l := g.Leader()
		return &nodepb.RouteError{Kind: nodepb.RouteError_STALE, LeaderId: l.ID, LeaderAddr: l.Addr}, nil
	}
	return nil, nil
}

// Get reads one item from the local replica.
func (v *Service) Get(ctx context.Context, req *nodepb.GetRequest) (*nodepb.GetResponse, error) {
	g := v.groups.Group(req.Group)
	if g == nil {
		return &nodepb.GetResponse{Error: errNoGroup}, nil
	}
	if re, err := readable(ctx, g, req.Consistent, req.MaxStalenessMs); re != nil || err != nil {
		return &nodepb.GetResponse{Error: re}, err
	}
	item, err := g.StateMachine().Get(req.Table, req.Position)
	if err != nil {
		return nil, grpcErr(err)
	}
	if item == nil {
		return &nodepb.GetResponse{}, nil
	}
	return &nodepb.GetResponse{Found: true, Item: value.AppendItem(nil, item)}, nil
}

// Range streams items of the local replica in chunks.
func (v *Service) Range(req *nodepb.RangeRequest, stream grpc.ServerStreamingServer[nodepb.RangeResponse]) error {
	ctx := stream.Context()
	g := v.groups.Group(req.Group)
	if g == nil {
		return stream.Send(&nodepb.RangeResponse{Error: errNoGroup})
	}
	if re, err := readable(ctx, g, req.Consistent, req.MaxStalenessMs); re != nil || err != nil {
		if err != nil {
			return err
		}
		return stream.Send(&nodepb.RangeResponse{Error: re})
	}
	var lo, hi []byte
	if len(req.Start) > 0 {
		lo = req.Start
	}
	if len(req.End) > 0 {
		hi = req.End
	}
	batch := &nodepb.RangeResponse{}
	err := g.StateMachine().Range(req.Table, lo, hi, req.Reverse, func(pos []byte, item value.Item) (bool, error) {
		batch.Items = append(batch.Items, &nodepb.RangeItem{Position: append([]byte(nil), pos...), Item: value.AppendItem(nil, item)})
		if len(batch.Items) < rangeChunk {
			return true, nil
		}
		if err := stream.Send(batch); err != nil {
			return false, err
		}
		batch = &nodepb.RangeResponse{}
		return ctx.Err() == nil, nil
	})
	if err != nil {
		return grpcErr(err)
	}
	if len(batch.Items) > 0 {
		return stream.Send(batch)
	}
	return nil
}

// TableStats returns the local replica's statistics of a table.
func (v *Service) TableStats(_ context.Context, req *nodepb.TableStatsRequest) (*nodepb.TableStatsResponse, error) {
	g := v.groups.Group(req.Group)
	if g == nil {
		return &nodepb.TableStatsResponse{Error: errNoGroup}, nil
	}
	c, sz, err := g.StateMachine().TableStats(req.Table)
	if err != nil {
		return nil, grpcErr(err)
	}
	return &nodepb.TableStatsResponse{Count: c, Size: sz}, nil
}
