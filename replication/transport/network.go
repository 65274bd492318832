package transport

import (
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/raft"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/keepalive"

	"github.com/atolldb/atoll/proto/raftpb"
)

// Network is one node's raft transport endpoint, shared by every Raft group
// the node runs. See the package documentation.
type Network struct {
	cfg      Config
	local    raft.ServerAddress
	log      *slog.Logger
	dialOpts []grpc.DialOption
	stats    counters

	// mu guards the fields below.
	mu     sync.RWMutex
	closed bool
	groups map[uint64]*groupTransport
	peers  map[raft.ServerAddress]*peer
}

// peer holds the two connections to one peer node, dialed lazily.
type peer struct {
	raft     *grpc.ClientConn // every RPC but InstallSnapshot
	snapshot *grpc.ClientConn // InstallSnapshot streams only
}

// New returns the Network of the node reachable at localAddr (the address
// peers dial, which is also what raft advertises). log may be nil.
func New(cfg Config, localAddr raft.ServerAddress, log *slog.Logger) (*Network, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if localAddr == "" {
		return nil, fmt.Errorf("transport: empty local address")
	}
	cfg = cfg.withDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	creds := cfg.Credentials
	if creds == nil {
		creds = insecure.NewCredentials()
	}
	n := &Network{
		cfg:   cfg,
		local: localAddr,
		log:   log.With("component", "raft-transport"),
		dialOpts: []grpc.DialOption{
			grpc.WithTransportCredentials(creds),
			grpc.WithDefaultCallOptions(
				grpc.MaxCallRecvMsgSize(cfg.MaxMessageSize),
				grpc.MaxCallSendMsgSize(cfg.MaxMessageSize),
			),
			grpc.WithKeepaliveParams(keepalive.ClientParameters{
				Time:                cfg.KeepaliveTime,
				Timeout:             cfg.KeepaliveTimeout,
				PermitWithoutStream: true,
			}),
			grpc.WithConnectParams(grpc.ConnectParams{
				Backoff: backoff.Config{
					BaseDelay:  50 * time.Millisecond,
					Multiplier: 1.6,
					Jitter:     0.2,
					MaxDelay:   cfg.ReconnectMaxDelay,
				},
				MinConnectTimeout: cfg.Timeout,
			}),
		},
		groups: make(map[uint64]*groupTransport),
		peers:  make(map[raft.ServerAddress]*peer),
	}
	return n, nil
}

// Register installs the RaftTransport service on the node's gRPC server.
// Call it once, before s.Serve. The server should be built with
// ServerOptions.
func (n *Network) Register(s *grpc.Server) {
	raftpb.RegisterRaftTransportServer(s, &server{n: n})
}

// LocalAddr returns the node's address.
func (n *Network) LocalAddr() raft.ServerAddress { return n.local }

// Transport returns group's raft.Transport, creating it on first use. The
// result also implements raft.WithPreVote and raft.WithClose; raft closes it
// on Shutdown, which unregisters the group, and a later call creates a fresh
// one (as for a group restarted on this node). Asking for an open group
// returns the same value. On a closed Network the result is already closed.
func (n *Network) Transport(group uint64) raft.Transport {
	n.mu.Lock()
	defer n.mu.Unlock()
	if g, ok := n.groups[group]; ok {
		return g
	}
	g := newGroupTransport(n, group)
	if n.closed {
		g.shutdown()
		return g
	}
	n.groups[group] = g
	return g
}

// Close closes every group's transport and every outgoing connection. It
// does not stop the grpc.Server. Safe to call more than once.
func (n *Network) Close() error {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return nil
	}
	n.closed = true
	groups := make([]*groupTransport, 0, len(n.groups))
	for _, g := range n.groups {
		groups = append(groups, g)
	}
	peers := n.peers
	n.peers = make(map[raft.ServerAddress]*peer)
	n.mu.Unlock()

	for _, g := range groups {
		_ = g.Close()
	}
	for _, p := range peers {
		// Errors only say the connection was already closed.
		_ = p.raft.Close()
		_ = p.snapshot.Close()
	}
	return nil
}

// group returns the open transport of group, or nil.
func (n *Network) group(group uint64) *groupTransport {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.groups[group]
}

// unregister removes g if it is still the registered transport of its group.
func (n *Network) unregister(g *groupTransport) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.groups[g.id] == g {
		delete(n.groups, g.id)
	}
}

// client returns the RaftTransport client for target, on the snapshot
// connection if snapshot is set, dialing on first use.
func (n *Network) client(target raft.ServerAddress, snapshot bool) (raftpb.RaftTransportClient, error) {
	n.mu.RLock()
	p, ok := n.peers[target]
	closed := n.closed
	n.mu.RUnlock()
	if closed {
		return nil, raft.ErrTransportShutdown
	}
	if !ok {
		var err error
		if p, err = n.dial(target); err != nil {
			return nil, err
		}
	}
	if snapshot {
		return raftpb.NewRaftTransportClient(p.snapshot), nil
	}
	return raftpb.NewRaftTransportClient(p.raft), nil
}

// dial creates target's connections unless another caller did first.
// grpc.NewClient does no I/O: the connections connect on first use.
func (n *Network) dial(target raft.ServerAddress) (*peer, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return nil, raft.ErrTransportShutdown
	}
	if p, ok := n.peers[target]; ok {
		return p, nil
	}
	rc, err := grpc.NewClient(string(target), n.dialOpts...)
	if err != nil {
		return nil, fmt.Errorf("transport: dial %s: %w", target, err)
	}
	sc, err := grpc.NewClient(string(target), n.dialOpts...)
	if err != nil {
		_ = rc.Close()
		return nil, fmt.Errorf("transport: dial %s for snapshots: %w", target, err)
	}
	p := &peer{raft: rc, snapshot: sc}
	n.peers[target] = p
	n.log.Debug("new peer connection", "peer", string(target))
	return p, nil
}

// Stats counts the RPCs a Network has received, by kind.
type Stats struct {
	AppendEntries   uint64 // unary AppendEntries that were not heartbeats
	Heartbeats      uint64 // heartbeats (fast path or not)
	PipelineAppends uint64 // AppendEntries received on pipeline streams
	RequestVote     uint64
	RequestPreVote  uint64
	TimeoutNow      uint64
	InstallSnapshot uint64
	UnknownGroup    uint64 // RPCs refused because the group is not open here
}

type counters struct {
	appendEntries, heartbeats, pipelineAppends atomic.Uint64
	requestVote, requestPreVote, timeoutNow    atomic.Uint64
	installSnapshot, unknownGroup              atomic.Uint64
}

// Stats returns the counts of RPCs received so far.
func (n *Network) Stats() Stats {
	c := &n.stats
	return Stats{
		AppendEntries:   c.appendEntries.Load(),
		Heartbeats:      c.heartbeats.Load(),
		PipelineAppends: c.pipelineAppends.Load(),
		RequestVote:     c.requestVote.Load(),
		RequestPreVote:  c.requestPreVote.Load(),
		TimeoutNow:      c.timeoutNow.Load(),
		InstallSnapshot: c.installSnapshot.Load(),
		UnknownGroup:    c.unknownGroup.Load(),
	}
}
