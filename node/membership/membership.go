package membership

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
)

// State is a member's liveness as this node's gossip sees it.
type State uint8

// Member states. memberlist also suspects a member for a while before
// declaring it dead, but does not report suspicion, so a suspected member
// is reported Alive until it is declared Dead (or refutes the suspicion).
const (
	// StateAlive: the member answers probes (or has not yet been declared
	// dead).
	StateAlive State = iota + 1
	// StateDead: the member stopped answering probes and the suspicion
	// timed out, without the member leaving.
	StateDead
	// StateLeft: the member left gracefully (Leave) and this node got its
	// announcement (see Membership.Leave).
	StateLeft
)

// String returns "alive", "dead" or "left".
func (s State) String() string {
	switch s {
	case StateAlive:
		return "alive"
	case StateDead:
		return "dead"
	case StateLeft:
		return "left"
	}
	return fmt.Sprintf("State(%d)", uint8(s))
}

// Member is one node of the cluster as seen by this node.
type Member struct {
	// Meta is what the member gossips about itself. A member whose
	// metadata does not decode has only Meta.ID (its memberlist name) set.
	Meta NodeMeta
	// Addr is the member's gossip address, host:port.
	Addr string
	// State is the member's liveness.
	State State
	// Since is when this node saw the member enter State, read from
	// Config.Now.
	Since time.Time
}

// Membership is this node's view of the cluster, kept by memberlist's
// gossip (SWIM). It reports who is alive and where; it never decides
// ownership.
type Membership struct {
	cfg      Config
	logger   *slog.Logger
	list     *memberlist.Memberlist
	roster   *roster
	delegate *delegate

	// closing is closed by Close; Join's waits end on it.
	closing chan struct{}

	// lifeMu guards closed and the registration of calls into memberlist
	// (Join attempts, Leave) in calls, so that Close shuts memberlist down
	// only after they returned: memberlist panics on Leave after Shutdown.
	lifeMu sync.Mutex
	closed bool
	calls  sync.WaitGroup
	// loops is the reconnect goroutine; Close waits for it.
	loops sync.WaitGroup
}

// New validates cfg, binds the gossip listeners and starts memberlist with
// this node as the only member. Call Join to meet the cluster and Close to
// stop.
func New(cfg Config) (*Membership, error) {
	if cfg.Meta.ID == "" {
		cfg.Meta.ID = cfg.NodeID
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	logger = logger.With(slog.String("component", "membership"))
	now := cfg.Now
	if now == nil {
		now = time.Now
	}

	bindHost, bindPort, _ := splitBindAddr(cfg.BindAddr)
	mc := memberlist.DefaultLANConfig()
	mc.Name = cfg.NodeID
	mc.BindAddr, mc.BindPort = bindHost, bindPort
	mc.AdvertiseAddr, mc.AdvertisePort = "", bindPort
	if cfg.AdvertiseAddr != "" {
		host, port, _ := splitAdvertiseAddr(cfg.AdvertiseAddr)
		if port == 0 {
			port = bindPort
		}
		mc.AdvertiseAddr, mc.AdvertisePort = host, port
	}
	mc.Label = cfg.Label
	mc.ProbeInterval = cfg.ProbeInterval
	mc.ProbeTimeout = cfg.ProbeTimeout
	mc.GossipInterval = cfg.GossipInterval
	mc.SuspicionMult = cfg.SuspicionMult
	mc.PushPullInterval = cfg.PushPullInterval
	mc.TCPTimeout = cfg.StreamTimeout
	mc.Logger = newStdLogger(logger)

	r := newRoster(cfg.NodeID, now, logger)
	d := newDelegate(encodeMeta(cfg.Meta), r, mc.RetransmitMult, logger)
	mc.Delegate = d
	mc.Events = r
	list, err := memberlist.Create(mc)
	if err != nil {
		return nil, fmt.Errorf("membership: start memberlist on %s: %w", cfg.BindAddr, err)
	}
	m := &Membership{
		cfg:      cfg,
		logger:   logger,
		list:     list,
		roster:   r,
		delegate: d,
		closing:  make(chan struct{}),
	}
	m.loops.Add(1)
	go m.reconnect()
	return m, nil
}

// reconnect tries, every Config.ReconnectInterval, to join the members it
// reports dead. memberlist never probes a dead member again, so after a
// network partition heals the two sides would otherwise keep seeing each
// other dead; a join exchanges state, the member refutes its death and
// becomes alive again on both sides. Members that left are not contacted.
func (m *Membership) reconnect() {
	defer m.loops.Done()
	tick := time.NewTicker(m.cfg.ReconnectInterval)
	defer tick.Stop()
	for {
		select {
		case <-m.closing:
			return
		case <-tick.C:
		}
		var addrs []string
		for _, mem := range m.roster.members() {
			if mem.State == StateDead && mem.Meta.ID != m.cfg.NodeID && mem.Addr != "" {
				addrs = append(addrs, mem.Addr)
			}
		}
		if len(addrs) == 0 || !m.enter() {
			continue
		}
		n, err := m.list.Join(addrs)
		m.exit()
		if n > 0 {
			m.logger.Info("reconnected to members reported dead", slog.Any("addrs", addrs), slog.Int("reached", n))
		} else {
			m.logger.Debug("reconnect to dead members failed", slog.Any("addrs", addrs), slog.Any("error", err))
		}
	}
}

// Join contacts the seed gossip addresses (host:port) and merges this node
// into their cluster. It tries every seed in each attempt and retries with
// exponential backoff (Config.JoinBackoffMin to JoinBackoffMax) until at
// least one seed answers, so seeds may start after this node. It returns
// nil once a seed was reached, ctx's error (wrapping the last attempt's
// error) when ctx ends first, or ErrClosed. An attempt under way is not
// interrupted: it may overrun ctx by up to Config.StreamTimeout per seed.
// Empty addrs is a no-op. Safe to call concurrently with other methods.
func (m *Membership) Join(ctx context.Context, addrs []string) error {
	if len(addrs) == 0 {
		return nil
	}
	backoff := m.cfg.JoinBackoffMin
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("membership: join %v: %w", addrs, err)
		}
		if !m.enter() {
			return ErrClosed
		}
		n, err := m.list.Join(addrs)
		m.exit()
		if n > 0 && m.list.NumMembers() > 1 {
			m.logger.Info("joined cluster", slog.Int("seeds_reached", n), slog.Int("attempt", attempt))
			return nil
		}
		switch {
		case n > 0: // the seeds reached were this node itself
			err = errors.New("reached no node but this one")
		case err == nil: // no seed resolved to an address
			err = errors.New("no seed reached")
		}
		level := slog.LevelDebug
		if backoff >= m.cfg.JoinBackoffMax {
			level = slog.LevelWarn
		}
		m.logger.Log(ctx, level, "join attempt failed",
			slog.Any("seeds", addrs), slog.Int("attempt", attempt), slog.Duration("retry_in", backoff), slog.Any("error", err))
		timer := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			timer.Stop()
			return fmt.Errorf("membership: join %v: %w (last attempt: %w)", addrs, ctx.Err(), err)
		case <-m.closing:
			timer.Stop()
			return ErrClosed
		case <-timer.C:
		}
		backoff = min(2*backoff, m.cfg.JoinBackoffMax)
	}
}

// Leave tells the cluster that this node leaves: the others report it
// StateLeft at once instead of declaring it dead after failed probes (a
// member that misses the announcement reports it Dead). It waits until the
// leave was gossiped to a member (at once when there is none), ctx ends, or
// Config.StreamTimeout passes, whichever comes first; the leave goes on in
// the background after ctx ends, for at most that bound, and Close waits
// for it. This node keeps answering gossip until Close, but reports itself
// Left. Leave after Close returns ErrClosed.
func (m *Membership) Leave(ctx context.Context) error {
	timeout := m.cfg.StreamTimeout
	if deadline, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(deadline))
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("membership: leave: %w", err)
	}
	if timeout <= 0 {
		return fmt.Errorf("membership: leave: %w", context.DeadlineExceeded)
	}
	if !m.enter() {
		return ErrClosed
	}
	// memberlist's Leave cannot be cancelled; it ends within timeout. Close
	// waits for it through m.calls.
	done := make(chan error, 1)
	go func() {
		defer m.exit()
		m.announceLeave()
		done <- m.list.Leave(timeout)
	}()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("membership: leave: %w", err)
		}
		m.logger.Info("left cluster")
		return nil
	case <-ctx.Done():
		return fmt.Errorf("membership: leave: %w", ctx.Err())
	}
}

// announceLeave tells the other members that this node is leaving, so
// that they report it Left rather than Dead when memberlist's leave
// message reaches them: memberlist's events do not tell the two apart. The
// announcement goes straight to every live member over UDP and rides this
// node's gossip until Close. It never blocks.
func (m *Membership) announceLeave() {
	msg := encodeLeaveIntent(m.cfg.NodeID)
	m.delegate.queue.QueueBroadcast(broadcast(msg))
	for _, peer := range m.roster.alive() {
		if err := m.list.SendToAddress(memberlist.Address{Addr: peer.Addr, Name: peer.Meta.ID}, msg); err != nil {
			m.logger.Debug("leave announcement not sent", slog.String("member", peer.Meta.ID), slog.Any("error", err))
		}
	}
}

// Members returns every member this node has seen, itself included, sorted
// by ID. Dead and left members stay listed with their state and the time
// they entered it, until this Membership is closed; a member that comes
// back is Alive again. The slice is the caller's.
func (m *Membership) Members() []Member {
	return m.roster.members()
}

// LocalNode returns this node as a member: its metadata, gossip address
// (with the bound port when BindAddr's port was 0) and state (Left after
// Leave).
func (m *Membership) LocalNode() Member {
	member, _ := m.roster.member(m.cfg.NodeID)
	return member
}

// Changes returns a channel that receives a value after the member list,
// a member's state, address or metadata changed. Sends are coalesced (the
// channel holds one value) and never block gossip: a watcher reads the
// channel, then calls Members. Every call returns the same channel, which
// Close closes.
func (m *Membership) Changes() <-chan struct{} {
	return m.roster.changes
}

// Close stops gossip without leaving (call Leave first for a graceful
// exit): the others will declare this node dead. It waits for Join attempts
// and Leave calls in progress, shuts memberlist down, freezes Members and
// closes Changes. Close is idempotent; later calls return nil.
// memberlist stops its own goroutines on shutdown but does not wait for all
// of them to return; their late events are ignored.
func (m *Membership) Close() error {
	m.lifeMu.Lock()
	if m.closed {
		m.lifeMu.Unlock()
		return nil
	}
	m.closed = true
	close(m.closing)
	m.lifeMu.Unlock()

	m.loops.Wait()
	m.calls.Wait()
	err := m.list.Shutdown()
	m.roster.stop()
	if err != nil {
		return fmt.Errorf("membership: shutdown: %w", err)
	}
	return nil
}

// enter registers a call into memberlist; it returns false once Close has
// begun. A true return must be paired with exit.
func (m *Membership) enter() bool {
	m.lifeMu.Lock()
	defer m.lifeMu.Unlock()
	if m.closed {
		return false
	}
	m.calls.Add(1)
	return true
}

// exit ends a call registered by enter.
func (m *Membership) exit() {
	m.calls.Done()
}
