package route

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/atolldb/atoll/proto/nodepb"
	"github.com/atolldb/atoll/replication"
	"github.com/atolldb/atoll/replication/meta"
)

// MetaGroup is this node's replica of the meta group: *meta.Meta.
type MetaGroup interface {
	// State returns the replica's current state (immutable).
	State() *meta.State
	// Propose applies cmd; only the leader accepts it (a
	// *replication.NotLeaderError elsewhere).
	Propose(ctx context.Context, cmd *meta.Command) (meta.Result, error)
	// WaitApplied waits until the replica has applied index.
	WaitApplied(ctx context.Context, index uint64) error
	// Barrier waits, at the leader, until everything committed before it
	// is applied (a *replication.NotLeaderError elsewhere).
	Barrier(ctx context.Context) error
	// Leader returns the leader the replica knows of.
	Leader() replication.Peer
}

// metaResult is a meta.Result on the wire.
type metaResult struct {
	Table meta.Table `json:"table"`
	Range meta.Range `json:"range"`
	Code  string     `json:"code,omitempty"`
}

func encodeMetaResult(r meta.Result) ([]byte, error) {
	w := metaResult{Table: r.Table, Range: r.Range}
	if r.Err != nil {
		w.Code = meta.ErrorCode(r.Err)
	}
	return json.Marshal(w)
}

func decodeMetaResult(b []byte) (meta.Result, error) {
	var w metaResult
	if err := json.Unmarshal(b, &w); err != nil {
		return meta.Result{}, fmt.Errorf("decode meta result: %w", err)
	}
	r := meta.Result{Table: w.Table, Range: w.Range}
	if w.Code != "" {
		r.Err = meta.ErrorFromCode(w.Code)
	}
	return r, nil
}

// MetaClient proposes meta commands at the meta group's leader, wherever
// it is, and waits until the local replica has applied them.
type MetaClient struct {
	local   MetaGroup
	conns   *Conns
	timeout time.Duration
}

// NewMetaClient returns a client over the local replica; requests without
// a deadline are bounded by timeout.
func NewMetaClient(local MetaGroup, conns *Conns, timeout time.Duration) *MetaClient {
	return &MetaClient{local: local, conns: conns, timeout: timeout}
}

// State returns the local replica's state.
func (c *MetaClient) State() *meta.State { return c.local.State() }

// Propose applies cmd at the meta leader and returns its result once the
// local replica has applied it too.
func (c *MetaClient) Propose(ctx context.Context, cmd *meta.Command) (meta.Result, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	body, err := json.Marshal(cmd)
	if err != nil {
		return meta.Result{}, fmt.Errorf("encode meta command: %w", err)
	}
	backoff := time.Millisecond
	var lastErr error
	addr := ""
	for {
		if addr == "" {
			res, err := c.local.Propose(ctx, cmd)
			var nl *replication.NotLeaderError
			if !errors.As(err, &nl) {
				return res, err
			}
			addr, lastErr = nl.Leader.Addr, err
		}
		if addr != "" {
			res, index, hint, err := c.remote(ctx, addr, body)
			if err == nil && hint == "" {
				if err := c.local.WaitApplied(ctx, index); err != nil {
					return meta.Result{}, fmt.Errorf("wait for the meta group's index %d: %w", index, err)
				}
				return res, nil
			}
			if err != nil {
				if st, ok := status.FromError(err); !ok || st.Code() != codes.Unavailable || ctx.Err() != nil {
					return meta.Result{}, fmt.Errorf("meta leader at %s: %w: %w", addr, ErrRemote, err)
				}
				lastErr = err
			}
			addr = hint
			if addr != "" {
				continue
			}
		}
		select {
		case <-ctx.Done():
			return meta.Result{}, fmt.Errorf("propose to the meta group: %w (%w)", lastErr, ctx.Err())
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 100*time.Millisecond)
	}
}

// Sync waits until the local replica has applied every meta command
// committed before the call, so that a read of State that follows sees
// them. It costs a barrier at the meta leader (and a round trip to it).
func (c *MetaClient) Sync(ctx context.Context) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	err := c.local.Barrier(ctx)
	var nl *replication.NotLeaderError
	if !errors.As(err, &nl) {
		return err
	}
	addr := nl.Leader.Addr
	for tries := 0; addr != "" && tries < 3; tries++ {
		cl, err := c.conns.Meta(addr)
		if err != nil {
			return err
		}
		resp, err := cl.Sync(ctx, &nodepb.SyncRequest{})
		if err != nil {
			return fmt.Errorf("sync with the meta leader at %s: %w", addr, err)
		}
		if e := resp.Error; e != nil && e.Kind != nodepb.RouteError_KIND_UNSPECIFIED {
			addr = e.LeaderAddr
			continue
		}
		return c.local.WaitApplied(ctx, resp.Index)
	}
	return fmt.Errorf("sync with the meta group: %w: no leader", ErrUnavailable)
}

// remote sends a meta command to the node at addr; hint is the leader's
// address when that node is not the leader.
func (c *MetaClient) remote(ctx context.Context, addr string, body []byte) (res meta.Result, index uint64, hint string, err error) {
	cl, err := c.conns.Meta(addr)
	if err != nil {
		return res, 0, "", err
	}
	resp, err := cl.Propose(ctx, &nodepb.MetaProposeRequest{Command: body})
	if err != nil {
		return res, 0, "", err
	}
	if e := resp.Error; e != nil && e.Kind != nodepb.RouteError_KIND_UNSPECIFIED {
		return res, 0, e.LeaderAddr, nil
	}
	res, err = decodeMetaResult(resp.Result)
	return res, resp.Index, "", err
}

// MetaService serves the Meta service: proposals at this node's meta
// replica (when it leads) and the status report.
type MetaService struct {
	nodepb.UnimplementedMetaServer
	local  MetaGroup
	status func(ctx context.Context) (*nodepb.StatusResponse, error)
	drain  func(ctx context.Context, node string, undo bool) error
}

// NewMetaService returns the Meta service over the local meta replica;
// status builds the Status answer and drain marks a node draining.
func NewMetaService(local MetaGroup, status func(ctx context.Context) (*nodepb.StatusResponse, error), drain func(ctx context.Context, node string, undo bool) error) *MetaService {
	return &MetaService{local: local, status: status, drain: drain}
}

// Register installs the service on s.
func (v *MetaService) Register(s *grpc.Server) { nodepb.RegisterMetaServer(s, v) }

var _ nodepb.MetaServer = (*MetaService)(nil)

// Propose applies a meta command when this replica leads.
func (v *MetaService) Propose(ctx context.Context, req *nodepb.MetaProposeRequest) (*nodepb.MetaProposeResponse, error) {
	var cmd meta.Command
	if err := json.Unmarshal(req.Command, &cmd); err != nil {
		return nil, status.Error(codes.InvalidArgument, fmt.Sprintf("decode meta command: %v", err))
	}
	res, err := v.local.Propose(ctx, &cmd)
	if err != nil {
		if re := asRoute(err); re != nil {
			return &nodepb.MetaProposeResponse{Error: re}, nil
		}
		return nil, grpcErr(err)
	}
	b, err := encodeMetaResult(res)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &nodepb.MetaProposeResponse{Result: b, Index: v.local.State().Index}, nil
}

// Status reports the cluster as this node sees it.
func (v *MetaService) Status(ctx context.Context, _ *nodepb.StatusRequest) (*nodepb.StatusResponse, error) {
	return v.status(ctx)
}

// Drain marks a node draining (or not).
func (v *MetaService) Drain(ctx context.Context, req *nodepb.DrainRequest) (*nodepb.DrainResponse, error) {
	if err := v.drain(ctx, req.NodeId, req.Undo); err != nil {
		if errors.Is(err, ErrUnknownNode) {
			return nil, status.Error(codes.NotFound, err.Error())
		}
		return nil, grpcErr(err)
	}
	return &nodepb.DrainResponse{}, nil
}

// Sync answers, at the leader, with an index covering every committed
// meta command.
func (v *MetaService) Sync(ctx context.Context, _ *nodepb.SyncRequest) (*nodepb.SyncResponse, error) {
	if err := v.local.Barrier(ctx); err != nil {
		if re := asRoute(err); re != nil {
			return &nodepb.SyncResponse{Error: re}, nil
		}
		return nil, grpcErr(err)
	}
	return &nodepb.SyncResponse{Index: v.local.State().Index}, nil
}
