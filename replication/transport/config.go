package transport

import (
	"errors"
	"fmt"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/keepalive"
)

// Limits and defaults of the transport.
const (
	// DefaultMaxMessageSize bounds one gRPC message either way. An
	// AppendEntries carries up to raft's MaxAppendEntries (64) entries of up
	// to one DynamoDB item (400 KB) each, about 26 MB; 64 MiB leaves room.
	DefaultMaxMessageSize = 64 << 20

	// DefaultSnapshotChunkSize is the data carried by one InstallSnapshot
	// stream message.
	DefaultSnapshotChunkSize = 1 << 20

	// snapshotTimeoutScale stretches an InstallSnapshot's deadline by one
	// Timeout for every this many bytes of snapshot, as raft's
	// NetworkTransport does.
	snapshotTimeoutScale = 256 << 10

	// minKeepaliveTime is gRPC's floor for client keepalive pings; the server
	// options permit pings this often.
	minKeepaliveTime = 10 * time.Second
)

// Config tunes a Network. The zero value of a field means its default.
type Config struct {
	// Timeout bounds every unary RPC and the wait for each pipelined
	// AppendEntries response; an InstallSnapshot gets one Timeout per
	// 256 KiB of snapshot (at least one). Default 5s.
	Timeout time.Duration

	// MaxMessageSize bounds one gRPC message sent or received, on the
	// connections this Network dials; pass ServerOptions to the grpc.Server
	// for the same limit on incoming messages. Default DefaultMaxMessageSize.
	MaxMessageSize int

	// SnapshotChunkSize is the data per InstallSnapshot stream message; it
	// must fit in MaxMessageSize with room for framing. Default
	// DefaultSnapshotChunkSize.
	SnapshotChunkSize int

	// PipelineDepth bounds the AppendEntries requests in flight on one
	// pipeline before raft's sender blocks. Negative disables pipelining
	// (AppendEntriesPipeline returns raft.ErrPipelineReplicationNotSupported). Default 16.
	PipelineDepth int

	// KeepaliveTime is how long a connection may be idle before the client
	// pings the peer; KeepaliveTimeout how long it waits for the answer
	// before dropping the connection. Defaults 10s (gRPC's minimum) and 5s.
	KeepaliveTime    time.Duration
	KeepaliveTimeout time.Duration

	// ReconnectMaxDelay caps gRPC's backoff between attempts to reconnect to
	// a peer, so that a restarted node is reached again within about one
	// election. Default 1s.
	ReconnectMaxDelay time.Duration

	// Credentials secure the outgoing connections. Nil means plaintext,
	// meant for loopback and private networks only.
	Credentials credentials.TransportCredentials
}

// DefaultConfig returns the defaults, spelled out.
func DefaultConfig() Config {
	return Config{
		Timeout:           5 * time.Second,
		MaxMessageSize:    DefaultMaxMessageSize,
		SnapshotChunkSize: DefaultSnapshotChunkSize,
		PipelineDepth:     16,
		KeepaliveTime:     minKeepaliveTime,
		KeepaliveTimeout:  5 * time.Second,
		ReconnectMaxDelay: time.Second,
	}
}

// withDefaults fills the zero fields from DefaultConfig.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Timeout == 0 {
		c.Timeout = d.Timeout
	}
	if c.MaxMessageSize == 0 {
		c.MaxMessageSize = d.MaxMessageSize
	}
	if c.SnapshotChunkSize == 0 {
		c.SnapshotChunkSize = d.SnapshotChunkSize
	}
	if c.PipelineDepth == 0 {
		c.PipelineDepth = d.PipelineDepth
	}
	if c.KeepaliveTime == 0 {
		c.KeepaliveTime = d.KeepaliveTime
	}
	if c.KeepaliveTimeout == 0 {
		c.KeepaliveTimeout = d.KeepaliveTimeout
	}
	if c.ReconnectMaxDelay == 0 {
		c.ReconnectMaxDelay = d.ReconnectMaxDelay
	}
	return c
}

// Validate reports every field that is out of range, after defaults are
// applied.
func (c Config) Validate() error {
	c = c.withDefaults()
	var errs []error
	if c.Timeout < 0 {
		errs = append(errs, fmt.Errorf("transport: Timeout %v is negative", c.Timeout))
	}
	if c.MaxMessageSize < 64<<10 {
		errs = append(errs, fmt.Errorf("transport: MaxMessageSize %d is below 64 KiB", c.MaxMessageSize))
	}
	if c.SnapshotChunkSize < 0 || c.SnapshotChunkSize > c.MaxMessageSize-4<<10 {
		errs = append(errs, fmt.Errorf("transport: SnapshotChunkSize %d must be positive and at least 4 KiB below MaxMessageSize %d",
			c.SnapshotChunkSize, c.MaxMessageSize))
	}
	if c.KeepaliveTime < minKeepaliveTime {
		errs = append(errs, fmt.Errorf("transport: KeepaliveTime %v is below gRPC's minimum %v", c.KeepaliveTime, minKeepaliveTime))
	}
	if c.KeepaliveTimeout < 0 {
		errs = append(errs, fmt.Errorf("transport: KeepaliveTimeout %v is negative", c.KeepaliveTimeout))
	}
	if c.ReconnectMaxDelay < 0 {
		errs = append(errs, fmt.Errorf("transport: ReconnectMaxDelay %v is negative", c.ReconnectMaxDelay))
	}
	return errors.Join(errs...)
}

// ServerOptions returns the grpc.Server options the node's server needs for
// raft traffic: message size limits matching cfg and a keepalive policy that
// accepts the clients' pings. Combine them with the server's other options.
func ServerOptions(cfg Config) []grpc.ServerOption {
	cfg = cfg.withDefaults()
	return []grpc.ServerOption{
		grpc.MaxRecvMsgSize(cfg.MaxMessageSize),
		grpc.MaxSendMsgSize(cfg.MaxMessageSize),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{
			MinTime:             minKeepaliveTime / 2,
			PermitWithoutStream: true,
		}),
		// The server pings idle connections too, so a peer that vanished
		// mid-snapshot (half-open connection) is noticed within
		// KeepaliveTime + KeepaliveTimeout rather than at the stream's
		// deadline, and raft's receiving side is released.
		grpc.KeepaliveParams(keepalive.ServerParameters{
			Time:    cfg.KeepaliveTime,
			Timeout: cfg.KeepaliveTimeout,
		}),
	}
}
