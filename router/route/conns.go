package route

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/atolldb/atoll/proto/nodepb"
)

// maxMessageSize bounds one gRPC message between routers: a 400 KB item, a
// page of range items or a meta state fits with room to spare.
const maxMessageSize = 64 << 20

// Conns holds one client connection per peer node's gRPC address, dialed on
// first use. It is safe for concurrent use.
type Conns struct {
	opts []grpc.DialOption

	mu sync.Mutex
	// conns maps an address to its connection; guarded by mu.
	conns  map[string]*grpc.ClientConn
	closed bool // guarded by mu
}

// NewConns returns an empty pool; opts are added to the defaults
// (plaintext, raised message limits, fast reconnects).
func NewConns(opts ...grpc.DialOption) *Conns {
	base := []grpc.DialOption{
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxMessageSize), grpc.MaxCallSendMsgSize(maxMessageSize)),
		grpc.WithConnectParams(grpc.ConnectParams{
			Backoff:           backoff.Config{BaseDelay: 50 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 2 * time.Second},
			MinConnectTimeout: 2 * time.Second,
		}),
	}
	return &Conns{opts: append(base, opts...), conns: map[string]*grpc.ClientConn{}}
}

// errConnsClosed is returned after Close.
var errConnsClosed = errors.New("route: connections closed")

// Conn returns the connection to addr.
func (c *Conns) Conn(addr string) (*grpc.ClientConn, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, errConnsClosed
	}
	if cc, ok := c.conns[addr]; ok {
		return cc, nil
	}
	cc, err := grpc.NewClient(addr, c.opts...)
	if err != nil {
		return nil, fmt.Errorf("route: dial %s: %w", addr, err)
	}
	c.conns[addr] = cc
	return cc, nil
}

// Data returns a Data client for addr.
func (c *Conns) Data(addr string) (nodepb.DataClient, error) {
	cc, err := c.Conn(addr)
	if err != nil {
		return nil, err
	}
	return nodepb.NewDataClient(cc), nil
}

// Meta returns a Meta client for addr.
func (c *Conns) Meta(addr string) (nodepb.MetaClient, error) {
	cc, err := c.Conn(addr)
	if err != nil {
		return nil, err
	}
	return nodepb.NewMetaClient(cc), nil
}

// Close closes every connection; later calls of Conn fail.
func (c *Conns) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	var errs []error
	for _, cc := range c.conns {
		errs = append(errs, cc.Close())
	}
	c.conns = nil
	return errors.Join(errs...)
}
