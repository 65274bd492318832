package transport

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/raft"

	"github.com/atolldb/atoll/proto/raftpb"
)

// pipeline is raft's AppendPipeline over one AppendEntriesPipeline stream.
// Raft's replication goroutine sends; the pipeline's receive goroutine reads
// the responses in order, completes each request's future and hands it to
// raft on Consumer.
type pipeline struct {
	g      *groupTransport
	target raft.ServerAddress
	stream raftpb.RaftTransport_AppendEntriesPipelineClient
	ctx    context.Context // the stream's: cancelled by Close, the group's Close, a failed Send or a response timeout
	cancel context.CancelFunc
	// closing is closed by Close: the receive goroutine's stop signal. It is
	// apart from ctx so that a broken stream still reports its error to raft.
	closing chan struct{}

	// sendMu serialises Send and the hand-off to inflight, so responses and
	// futures stay in the same order.
	sendMu sync.Mutex

	// inflight holds the sent requests awaiting a response; its capacity,
	// Config.PipelineDepth, is the back-pressure on raft's sender.
	inflight chan *appendFuture
	// done holds completed futures until raft consumes them; same capacity,
	// so the receiver rarely waits for raft.
	done chan raft.AppendFuture
	// stopped is closed when the receive goroutine has returned.
	stopped   chan struct{}
	closeOnce sync.Once
}

var _ raft.AppendPipeline = (*pipeline)(nil)

func (g *groupTransport) openPipeline(target raft.ServerAddress) (*pipeline, error) {
	if g.ctx.Err() != nil {
		return nil, raft.ErrTransportShutdown
	}
	c, err := g.n.client(target, false)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(g.ctx)
	stream, err := c.AppendEntriesPipeline(ctx)
	if err != nil {
		cancel()
		return nil, g.rpcError("AppendEntriesPipeline", target, err)
	}
	depth := g.n.cfg.PipelineDepth
	p := &pipeline{
		g:        g,
		target:   target,
		stream:   stream,
		ctx:      ctx,
		cancel:   cancel,
		inflight: make(chan *appendFuture, depth),
		done:     make(chan raft.AppendFuture, depth),
		stopped:  make(chan struct{}),
		closing:  make(chan struct{}),
	}
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		cancel()
		return nil, raft.ErrTransportShutdown
	}
	g.pipelines[p] = struct{}{}
	g.mu.Unlock()
	go p.receive()
	return p, nil
}

// AppendEntries sends one request down the pipeline. It blocks while
// PipelineDepth requests await their responses.
func (p *pipeline) AppendEntries(args *raft.AppendEntriesRequest, resp *raft.AppendEntriesResponse) (raft.AppendFuture, error) {
	f := &appendFuture{start: time.Now(), req: args, resp: resp, ready: make(chan struct{})}
	p.sendMu.Lock()
	defer p.sendMu.Unlock()
	if p.ctx.Err() != nil {
		return nil, raft.ErrPipelineShutdown
	}
	if err := p.stream.Send(appendEntriesRequestToPB(p.g.id, args)); err != nil {
		// The stream is broken; its status, if any, reaches the futures
		// already in flight through receive.
		p.cancel()
		return nil, p.g.rpcError("AppendEntriesPipeline", p.target, err)
	}
	select {
	case p.inflight <- f:
		return f, nil
	case <-p.ctx.Done():
		return nil, raft.ErrPipelineShutdown
	}
}

// Consumer returns the completed futures, in request order.
func (p *pipeline) Consumer() <-chan raft.AppendFuture { return p.done }

// Close stops the pipeline and waits for its goroutine. Futures not yet
// completed never complete. Safe to call more than once.
func (p *pipeline) Close() error {
	p.closeOnce.Do(func() {
		p.cancel()
		close(p.closing)
		<-p.stopped
		p.g.mu.Lock()
		delete(p.g.pipelines, p)
		p.g.mu.Unlock()
	})
	return nil
}

// receive completes the in-flight futures in order. After the first failure
// every later future fails with the same error; raft then closes the
// pipeline and falls back to plain AppendEntries.
func (p *pipeline) receive() {
	defer close(p.stopped)
	timeout := p.g.n.cfg.Timeout
	var failed error
	for {
		var f *appendFuture
		select {
		case f = <-p.inflight:
		case <-p.closing:
			return
		}
		if failed == nil {
			// A response that does not come within timeout aborts the stream.
			watchdog := time.AfterFunc(timeout, p.cancel)
			m, err := p.stream.Recv()
			if !watchdog.Stop() && err != nil {
				err = fmt.Errorf("no response within %v: %w", timeout, err)
			}
			if err != nil {
				failed = p.g.rpcError("AppendEntriesPipeline", p.target, err)
			} else {
				appendEntriesResponseFromPB(m, f.resp)
			}
		}
		f.err = failed
		close(f.ready)
		select {
		case p.done <- f:
		case <-p.closing:
			return
		}
	}
}

// appendFuture is one pipelined request; it implements raft.AppendFuture.
type appendFuture struct {
	start time.Time
	req   *raft.AppendEntriesRequest
	resp  *raft.AppendEntriesResponse
	err   error         // set before ready is closed
	ready chan struct{} // closed once the response (or err) is in
}

var _ raft.AppendFuture = (*appendFuture)(nil)

// Error waits for the response and returns the request's error.
func (f *appendFuture) Error() error {
	<-f.ready
	return f.err
}

// Start returns when the request was sent.
func (f *appendFuture) Start() time.Time { return f.start }

// Request returns the request.
func (f *appendFuture) Request() *raft.AppendEntriesRequest { return f.req }

// Response returns the response; valid once Error returned nil.
func (f *appendFuture) Response() *raft.AppendEntriesResponse { return f.resp }
