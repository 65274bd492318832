package transport

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/hashicorp/raft"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/atolldb/atoll/proto/raftpb"
)

// server is the RaftTransport service: it hands each incoming RPC to its
// group's raft and sends back raft's answer.
type server struct {
	raftpb.UnimplementedRaftTransportServer
	n *Network
}

// dispatch delivers cmd to group's raft and waits for the response, for ctx
// (the RPC's) or the group's shutdown. heartbeat selects raft's fast path
// when it has one.
func (n *Network) dispatch(ctx context.Context, group uint64, cmd any, data io.Reader, heartbeat bool) (any, error) {
	g := n.group(group)
	if g == nil {
		n.stats.unknownGroup.Add(1)
		return nil, errUnknownGroupStatus(group)
	}
	// Buffered so that raft's Respond never blocks on an RPC given up here.
	respCh := make(chan raft.RPCResponse, 1)
	rpc := raft.RPC{Command: cmd, Reader: data, RespChan: respCh}
	fast := false
	if heartbeat {
		if fn := g.heartbeatHandler(); fn != nil {
			fn(rpc)
			fast = true
		}
	}
	if !fast {
		select {
		case g.consumer <- rpc:
		case <-g.done():
			return nil, errGroupClosingStatus(group)
		case <-ctx.Done():
			return nil, status.FromContextError(ctx.Err()).Err()
		}
	}
	select {
	case resp := <-respCh:
		if resp.Error != nil {
			return nil, remoteErrorStatus(resp.Error)
		}
		return resp.Response, nil
	case <-g.done():
		return nil, errGroupClosingStatus(group)
	case <-ctx.Done():
		return nil, status.FromContextError(ctx.Err()).Err()
	}
}

// wrongResponse reports raft answering with an unexpected type: a bug.
func wrongResponse(want string, got any) error {
	return status.Errorf(codes.Internal, "raft answered %s with %T", want, got)
}

func (s *server) AppendEntries(ctx context.Context, m *raftpb.AppendEntriesRequest) (*raftpb.AppendEntriesResponse, error) {
	req := appendEntriesRequestFromPB(m)
	hb := isHeartbeat(req)
	if hb {
		s.n.stats.heartbeats.Add(1)
	} else {
		s.n.stats.appendEntries.Add(1)
	}
	out, err := s.n.dispatch(ctx, m.GetGroup(), req, nil, hb)
	if err != nil {
		return nil, err
	}
	resp, ok := out.(*raft.AppendEntriesResponse)
	if !ok {
		return nil, wrongResponse("AppendEntries", out)
	}
	return appendEntriesResponseToPB(resp), nil
}

// AppendEntriesPipeline answers a stream of AppendEntries one at a time, in
// order; the client keeps several in flight, so the network round trip is
// hidden while raft still sees them sequentially.
func (s *server) AppendEntriesPipeline(stream raftpb.RaftTransport_AppendEntriesPipelineServer) error {
	ctx := stream.Context()
	for {
		m, err := stream.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		s.n.stats.pipelineAppends.Add(1)
		out, err := s.n.dispatch(ctx, m.GetGroup(), appendEntriesRequestFromPB(m), nil, false)
		if err != nil {
			return err
		}
		resp, ok := out.(*raft.AppendEntriesResponse)
		if !ok {
			return wrongResponse("AppendEntries", out)
		}
		if err := stream.Send(appendEntriesResponseToPB(resp)); err != nil {
			return err
		}
	}
}

func (s *server) RequestVote(ctx context.Context, m *raftpb.RequestVoteRequest) (*raftpb.RequestVoteResponse, error) {
	s.n.stats.requestVote.Add(1)
	out, err := s.n.dispatch(ctx, m.GetGroup(), requestVoteRequestFromPB(m), nil, false)
	if err != nil {
		return nil, err
	}
	resp, ok := out.(*raft.RequestVoteResponse)
	if !ok {
		return nil, wrongResponse("RequestVote", out)
	}
	return requestVoteResponseToPB(resp), nil
}

func (s *server) RequestPreVote(ctx context.Context, m *raftpb.RequestPreVoteRequest) (*raftpb.RequestPreVoteResponse, error) {
	s.n.stats.requestPreVote.Add(1)
	out, err := s.n.dispatch(ctx, m.GetGroup(), requestPreVoteRequestFromPB(m), nil, false)
	if err != nil {
		return nil, err
	}
	resp, ok := out.(*raft.RequestPreVoteResponse)
	if !ok {
		return nil, wrongResponse("RequestPreVote", out)
	}
	return requestPreVoteResponseToPB(resp), nil
}

func (s *server) TimeoutNow(ctx context.Context, m *raftpb.TimeoutNowRequest) (*raftpb.TimeoutNowResponse, error) {
	s.n.stats.timeoutNow.Add(1)
	out, err := s.n.dispatch(ctx, m.GetGroup(), timeoutNowRequestFromPB(m), nil, false)
	if err != nil {
		return nil, err
	}
	resp, ok := out.(*raft.TimeoutNowResponse)
	if !ok {
		return nil, wrongResponse("TimeoutNow", out)
	}
	return timeoutNowResponseToPB(resp), nil
}

// InstallSnapshot reads the request from the stream's first message and
// hands raft a reader over the rest: the snapshot is never held whole.
func (s *server) InstallSnapshot(stream raftpb.RaftTransport_InstallSnapshotServer) error {
	first, err := stream.Recv()
	if err != nil {
		return err
	}
	m := first.GetRequest()
	if m == nil {
		return badMessageStatus("InstallSnapshot stream must start with the request")
	}
	s.n.stats.installSnapshot.Add(1)
	r := &snapshotReader{stream: stream, remaining: m.GetSize()}
	// Raft reads on its own goroutine; close waits for a Recv in progress,
	// so the stream is never read after this handler returns.
	defer r.close()
	out, err := s.n.dispatch(stream.Context(), m.GetGroup(), installSnapshotRequestFromPB(m), r, false)
	if err != nil {
		return err
	}
	resp, ok := out.(*raft.InstallSnapshotResponse)
	if !ok {
		return wrongResponse("InstallSnapshot", out)
	}
	return stream.SendAndClose(installSnapshotResponseToPB(resp))
}

// snapshotReader is the io.Reader raft gets for an incoming snapshot: it
// returns the data chunks of the stream and io.EOF when the client has sent
// them all.
type snapshotReader struct {
	// mu serialises Read (raft's goroutine) and close (the handler's), and
	// guards the fields below.
	mu        sync.Mutex
	stream    raftpb.RaftTransport_InstallSnapshotServer
	buf       []byte // rest of the current chunk
	remaining int64  // bytes announced but not yet received
	err       error  // sticky: returned by every later Read
}

// errReaderClosed is what Read returns once the RPC has ended.
var errReaderClosed = fmt.Errorf("%w: snapshot stream closed", raft.ErrTransportShutdown)

func (r *snapshotReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for len(r.buf) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		m, err := r.stream.Recv()
		if err != nil {
			r.err = err // io.EOF once the client has sent everything
			return 0, err
		}
		data := m.GetData()
		if m.GetRequest() != nil || int64(len(data)) > r.remaining {
			r.err = fmt.Errorf("%w: snapshot data exceeds its announced size or repeats the request", ErrBadMessage)
			return 0, r.err
		}
		r.remaining -= int64(len(data))
		r.buf = data
	}
	k := copy(p, r.buf)
	r.buf = r.buf[k:]
	return k, nil
}

func (r *snapshotReader) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.err = errReaderClosed
	r.buf = nil
}
