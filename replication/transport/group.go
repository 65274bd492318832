package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/hashicorp/raft"

	"github.com/atolldb/atoll/proto/raftpb"
)

// groupTransport is one Raft group's view of the Network: the
// raft.Transport handed to that group's raft.Raft.
type groupTransport struct {
	n        *Network
	id       uint64
	consumer chan raft.RPC // unbuffered: the server waits for raft to take each RPC

	// ctx is cancelled by Close: it aborts the group's outgoing RPCs and
	// pipelines, and closing marks the group shut for incoming ones.
	ctx    context.Context
	cancel context.CancelFunc

	// mu guards the fields below.
	mu        sync.Mutex
	heartbeat func(raft.RPC)
	pipelines map[*pipeline]struct{}
	closed    bool
}

var (
	_ raft.Transport   = (*groupTransport)(nil)
	_ raft.WithPreVote = (*groupTransport)(nil)
	_ raft.WithClose   = (*groupTransport)(nil)
)

func newGroupTransport(n *Network, id uint64) *groupTransport {
	ctx, cancel := context.WithCancel(context.Background())
	return &groupTransport{
		n:         n,
		id:        id,
		consumer:  make(chan raft.RPC),
		ctx:       ctx,
		cancel:    cancel,
		pipelines: make(map[*pipeline]struct{}),
	}
}

// Consumer returns the channel of incoming RPCs for raft to answer.
func (g *groupTransport) Consumer() <-chan raft.RPC { return g.consumer }

// LocalAddr returns the node's address.
func (g *groupTransport) LocalAddr() raft.ServerAddress { return g.n.local }

// EncodePeer encodes a peer's address for raft's configuration.
func (g *groupTransport) EncodePeer(_ raft.ServerID, addr raft.ServerAddress) []byte {
	return []byte(addr)
}

// DecodePeer decodes what EncodePeer produced.
func (g *groupTransport) DecodePeer(b []byte) raft.ServerAddress { return raft.ServerAddress(b) }

// SetHeartbeatHandler installs raft's fast path for heartbeats: the server
// calls cb on its own goroutine instead of queueing the heartbeat behind
// other RPCs on the consumer channel.
func (g *groupTransport) SetHeartbeatHandler(cb func(rpc raft.RPC)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.heartbeat = cb
}

func (g *groupTransport) heartbeatHandler() func(raft.RPC) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.heartbeat
}

// Close shuts the group's transport: incoming RPCs for the group fail with
// codes.NotFound (or codes.Aborted while waiting), outgoing ones with
// raft.ErrTransportShutdown, and open pipelines stop. Raft calls it on
// Shutdown. Safe to call more than once.
func (g *groupTransport) Close() error {
	if !g.shutdown() {
		return nil
	}
	g.n.unregister(g)
	g.mu.Lock()
	pipes := make([]*pipeline, 0, len(g.pipelines))
	for p := range g.pipelines {
		pipes = append(pipes, p)
	}
	g.mu.Unlock()
	for _, p := range pipes {
		_ = p.Close()
	}
	return nil
}

// shutdown marks the group closed and cancels its context; it reports
// whether this call did so.
func (g *groupTransport) shutdown() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.closed = true
	g.cancel()
	return true
}

// done is closed once the group is closed.
func (g *groupTransport) done() <-chan struct{} { return g.ctx.Done() }

// call prepares one outgoing RPC: the client for target and a context with
// the group's cancellation and deadline timeout.
func (g *groupTransport) call(target raft.ServerAddress, snapshot bool, timeout time.Duration) (raftpb.RaftTransportClient, context.Context, context.CancelFunc, error) {
	if g.ctx.Err() != nil {
		return nil, nil, nil, raft.ErrTransportShutdown
	}
	c, err := g.n.client(target, snapshot)
	if err != nil {
		return nil, nil, nil, err
	}
	ctx, cancel := context.WithTimeout(g.ctx, timeout)
	return c, ctx, cancel, nil
}

// rpcError maps an outgoing RPC's error; a group closed meanwhile wins.
func (g *groupTransport) rpcError(rpc string, target raft.ServerAddress, err error) error {
	if g.ctx.Err() != nil {
		return raft.ErrTransportShutdown
	}
	return fromStatus(rpc, g.id, target, err)
}

// AppendEntries sends one AppendEntries (or heartbeat) to target.
func (g *groupTransport) AppendEntries(_ raft.ServerID, target raft.ServerAddress, args *raft.AppendEntriesRequest, resp *raft.AppendEntriesResponse) error {
	c, ctx, cancel, err := g.call(target, false, g.n.cfg.Timeout)
	if err != nil {
		return err
	}
	defer cancel()
	out, err := c.AppendEntries(ctx, appendEntriesRequestToPB(g.id, args))
	if err != nil {
		return g.rpcError("AppendEntries", target, err)
	}
	appendEntriesResponseFromPB(out, resp)
	return nil
}

// RequestVote asks target for its vote.
func (g *groupTransport) RequestVote(_ raft.ServerID, target raft.ServerAddress, args *raft.RequestVoteRequest, resp *raft.RequestVoteResponse) error {
	c, ctx, cancel, err := g.call(target, false, g.n.cfg.Timeout)
	if err != nil {
		return err
	}
	defer cancel()
	out, err := c.RequestVote(ctx, requestVoteRequestToPB(g.id, args))
	if err != nil {
		return g.rpcError("RequestVote", target, err)
	}
	requestVoteResponseFromPB(out, resp)
	return nil
}

// RequestPreVote asks target whether it would grant its vote.
func (g *groupTransport) RequestPreVote(_ raft.ServerID, target raft.ServerAddress, args *raft.RequestPreVoteRequest, resp *raft.RequestPreVoteResponse) error {
	c, ctx, cancel, err := g.call(target, false, g.n.cfg.Timeout)
	if err != nil {
		return err
	}
	defer cancel()
	out, err := c.RequestPreVote(ctx, requestPreVoteRequestToPB(g.id, args))
	if err != nil {
		return g.rpcError("RequestPreVote", target, err)
	}
	requestPreVoteResponseFromPB(out, resp)
	return nil
}

// TimeoutNow tells target to start an election now (leadership transfer).
func (g *groupTransport) TimeoutNow(_ raft.ServerID, target raft.ServerAddress, args *raft.TimeoutNowRequest, resp *raft.TimeoutNowResponse) error {
	c, ctx, cancel, err := g.call(target, false, g.n.cfg.Timeout)
	if err != nil {
		return err
	}
	defer cancel()
	out, err := c.TimeoutNow(ctx, timeoutNowRequestToPB(g.id, args))
	if err != nil {
		return g.rpcError("TimeoutNow", target, err)
	}
	timeoutNowResponseFromPB(out, resp)
	return nil
}

// InstallSnapshot streams a snapshot to target on the peer's snapshot
// connection, in chunks of Config.SnapshotChunkSize read from data.
func (g *groupTransport) InstallSnapshot(_ raft.ServerID, target raft.ServerAddress, args *raft.InstallSnapshotRequest, resp *raft.InstallSnapshotResponse, data io.Reader) error {
	timeout := g.n.cfg.Timeout
	if scale := args.Size / snapshotTimeoutScale; scale > 1 {
		timeout *= time.Duration(scale)
	}
	c, ctx, cancel, err := g.call(target, true, timeout)
	if err != nil {
		return err
	}
	defer cancel()
	stream, err := c.InstallSnapshot(ctx)
	if err != nil {
		return g.rpcError("InstallSnapshot", target, err)
	}
	first := &raftpb.InstallSnapshotChunk{Chunk: &raftpb.InstallSnapshotChunk_Request{
		Request: installSnapshotRequestToPB(g.id, args),
	}}
	if err := stream.Send(first); err != nil {
		return g.snapshotSendError(stream, target, err)
	}
	for {
		// A fresh buffer per chunk: gRPC forbids modifying a message after
		// Send, since stats handlers may read it later.
		buf := make([]byte, g.n.cfg.SnapshotChunkSize)
		k, rerr := io.ReadFull(data, buf)
		if k > 0 {
			msg := &raftpb.InstallSnapshotChunk{Chunk: &raftpb.InstallSnapshotChunk_Data{Data: buf[:k]}}
			if err := stream.Send(msg); err != nil {
				return g.snapshotSendError(stream, target, err)
			}
		}
		if rerr == io.EOF || errors.Is(rerr, io.ErrUnexpectedEOF) {
			break
		}
		if rerr != nil {
			return fmt.Errorf("InstallSnapshot group %d to %s: read snapshot: %w", g.id, target, rerr)
		}
	}
	out, err := stream.CloseAndRecv()
	if err != nil {
		return g.rpcError("InstallSnapshot", target, err)
	}
	installSnapshotResponseFromPB(out, resp)
	return nil
}

// snapshotSendError returns the reason a Send on the snapshot stream
// failed: io.EOF means the server ended the stream, and its status comes
// from receiving.
func (g *groupTransport) snapshotSendError(stream raftpb.RaftTransport_InstallSnapshotClient, target raft.ServerAddress, err error) error {
	if err == io.EOF {
		if _, rerr := stream.CloseAndRecv(); rerr != nil {
			err = rerr
		}
	}
	return g.rpcError("InstallSnapshot", target, err)
}

// AppendEntriesPipeline opens a pipeline of AppendEntries to target on a
// gRPC stream.
func (g *groupTransport) AppendEntriesPipeline(_ raft.ServerID, target raft.ServerAddress) (raft.AppendPipeline, error) {
	if g.n.cfg.PipelineDepth < 0 {
		return nil, raft.ErrPipelineReplicationNotSupported
	}
	return g.openPipeline(target)
}
