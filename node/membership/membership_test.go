package membership

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/memberlist"
)

// convergeTimeout bounds every wait for gossip to converge. With
// TestConfig a dead node is declared within a few seconds; the margin
// covers -race on a loaded machine.
const convergeTimeout = 15 * time.Second

// testMeta returns the NodeMeta the tests give node id.
func testMeta(id string) NodeMeta {
	return NodeMeta{ID: id, GRPCAddr: id + ".test:7000", APIAddr: id + ".test:8000", Zone: "zone-" + id}
}

// newNode starts a Membership named id with TestConfig and testMeta,
// after edit (if any) adjusted the config; Cleanup closes it.
func newNode(t *testing.T, id string, edit func(*Config)) *Membership {
	t.Helper()
	cfg := TestConfig()
	cfg.NodeID = id
	cfg.Meta = testMeta(id)
	if edit != nil {
		edit(&cfg)
	}
	m, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%q) = %v", id, err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("Close(%q) = %v", id, err)
		}
	})
	return m
}

// gossipAddr is the loopback gossip address of m, from the port memberlist
// bound.
func gossipAddr(m *Membership) string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(int(m.list.LocalNode().Port)))
}

// join joins m to seeds, failing the test on error.
func join(t *testing.T, m *Membership, seeds ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), convergeTimeout)
	defer cancel()
	if err := m.Join(ctx, seeds); err != nil {
		t.Fatalf("Join(%v) = %v", seeds, err)
	}
}

// eventually polls cond every 20ms until it returns nil, failing the test
// with cond's last error once timeout has passed.
func eventually(t *testing.T, timeout time.Duration, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %v", timeout, err)
		}
		<-tick.C
	}
}

// memberOf returns the member id in m's view.
func memberOf(m *Membership, id string) (Member, bool) {
	for _, mem := range m.Members() {
		if mem.Meta.ID == id {
			return mem, true
		}
	}
	return Member{}, false
}

// wantState returns a condition: m sees id in state (with Since set).
func wantState(m *Membership, id string, state State) func() error {
	return func() error {
		mem, ok := memberOf(m, id)
		switch {
		case !ok:
			return errors.New(m.cfg.NodeID + " does not know " + id)
		case mem.State != state:
			return errors.New(m.cfg.NodeID + " sees " + id + " " + mem.State.String() + ", want " + state.String())
		case mem.Since.IsZero():
			return errors.New(m.cfg.NodeID + " sees " + id + " with a zero Since")
		}
		return nil
	}
}

// ids returns the IDs of m's members, in Members order.
func ids(m *Membership) []string {
	var out []string
	for _, mem := range m.Members() {
		out = append(out, mem.Meta.ID)
	}
	return out
}

// fakeClock is an injectable clock the test sets.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func TestThreeNodesSeeEachOther(t *testing.T) {
	a := newNode(t, "a", nil)
	b := newNode(t, "b", nil)
	c := newNode(t, "c", nil)
	for _, n := range []*Membership{a, b, c} {
		if got, want := n.LocalNode().Addr, gossipAddr(n); got != want {
			t.Fatalf("%s: LocalNode().Addr = %q, want %q (memberlist's bound port)", n.cfg.NodeID, got, want)
		}
	}
	join(t, b, gossipAddr(a))
	join(t, c, gossipAddr(a))

	want := []Member{
		{Meta: testMeta("a"), Addr: gossipAddr(a), State: StateAlive},
		{Meta: testMeta("b"), Addr: gossipAddr(b), State: StateAlive},
		{Meta: testMeta("c"), Addr: gossipAddr(c), State: StateAlive},
	}
	ignoreSince := cmpopts.IgnoreFields(Member{}, "Since")
	for _, n := range []*Membership{a, b, c} {
		eventually(t, convergeTimeout, func() error {
			if diff := cmp.Diff(want, n.Members(), ignoreSince); diff != "" {
				return errors.New(n.cfg.NodeID + ": Members() mismatch (-want +got):\n" + diff)
			}
			return nil
		})
		for _, mem := range n.Members() {
			if mem.Since.IsZero() {
				t.Errorf("%s: member %s has a zero Since", n.cfg.NodeID, mem.Meta.ID)
			}
		}
		select {
		case <-n.Changes():
		default:
			t.Errorf("%s: Changes() has no pending notification after members joined", n.cfg.NodeID)
		}
	}
	if diff := cmp.Diff(want[1], b.LocalNode(), ignoreSince); diff != "" {
		t.Errorf("b.LocalNode() mismatch (-want +got):\n%s", diff)
	}
}

func TestLabelIsolatesClusters(t *testing.T) {
	a := newNode(t, "a", nil)
	a2 := newNode(t, "a2", nil)
	x := newNode(t, "x", func(c *Config) { c.Label = "other" })
	join(t, a2, gossipAddr(a))

	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := x.Join(ctx, []string{gossipAddr(a)})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("x.Join(a) across labels = %v, want an error wrapping context.DeadlineExceeded", err)
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), time.Second)
	defer cancel2()
	if err := a.Join(ctx2, []string{gossipAddr(x)}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a.Join(x) across labels = %v, want an error wrapping context.DeadlineExceeded", err)
	}

	for _, n := range []*Membership{a, a2} {
		eventually(t, convergeTimeout, wantState(n, "a2", StateAlive))
		eventually(t, convergeTimeout, wantState(n, "a", StateAlive))
		if diff := cmp.Diff([]string{"a", "a2"}, ids(n)); diff != "" {
			t.Errorf("%s members (-want +got):\n%s", n.cfg.NodeID, diff)
		}
	}
	if diff := cmp.Diff([]string{"x"}, ids(x)); diff != "" {
		t.Errorf("x members (-want +got):\n%s", diff)
	}
}

func TestFailureLeaveAndRejoin(t *testing.T) {
	t0 := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := &fakeClock{now: t0}
	withClock := func(c *Config) { c.Now = clock.Now }
	a := newNode(t, "a", withClock)
	b := newNode(t, "b", withClock)
	c := newNode(t, "c", withClock)
	cAddr := gossipAddr(c)
	join(t, b, gossipAddr(a))
	join(t, c, gossipAddr(a))
	for _, n := range []*Membership{a, b} {
		for _, id := range []string{"a", "b", "c"} {
			eventually(t, convergeTimeout, wantState(n, id, StateAlive))
		}
	}

	// c stops without leaving: a and b declare it dead.
	t1 := t0.Add(time.Minute)
	clock.Set(t1)
	if err := c.Close(); err != nil {
		t.Fatalf("c.Close() = %v", err)
	}
	for _, n := range []*Membership{a, b} {
		eventually(t, convergeTimeout, wantState(n, "c", StateDead))
		if mem, _ := memberOf(n, "c"); !mem.Since.Equal(t1) {
			t.Errorf("%s sees c dead since %v, want %v (the clock when c stopped)", n.cfg.NodeID, mem.Since, t1)
		}
		if mem, _ := memberOf(n, "a"); mem.State != StateAlive || !mem.Since.Equal(t0) {
			t.Errorf("%s sees a %v since %v, want alive since %v", n.cfg.NodeID, mem.State, mem.Since, t0)
		}
	}

	// b leaves gracefully: a reports it left, not dead.
	t2 := t1.Add(time.Minute)
	clock.Set(t2)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := b.Leave(ctx); err != nil {
		t.Fatalf("b.Leave() = %v", err)
	}
	if got := b.LocalNode(); got.State != StateLeft || !got.Since.Equal(t2) {
		t.Errorf("b.LocalNode() = %v since %v, want left since %v", got.State, got.Since, t2)
	}
	eventually(t, convergeTimeout, wantState(a, "b", StateLeft))
	if mem, _ := memberOf(a, "b"); !mem.Since.Equal(t2) {
		t.Errorf("a sees b left since %v, want %v", mem.Since, t2)
	}

	// c comes back at its address: alive again, with its meta.
	t3 := t2.Add(time.Minute)
	clock.Set(t3)
	c2 := newNode(t, "c", func(cfg *Config) {
		withClock(cfg)
		cfg.BindAddr = cAddr
		cfg.Meta.Zone = "zone-c2"
	})
	join(t, c2, gossipAddr(a))
	eventually(t, convergeTimeout, wantState(a, "c", StateAlive))
	want := Member{Meta: testMeta("c"), Addr: cAddr, State: StateAlive, Since: t3}
	want.Meta.Zone = "zone-c2"
	eventually(t, convergeTimeout, func() error {
		got, _ := memberOf(a, "c")
		if diff := cmp.Diff(want, got); diff != "" {
			return errors.New("a's view of c after rejoin (-want +got):\n" + diff)
		}
		return nil
	})
}

// signalHandler is a slog.Handler that signals ch (without blocking) for
// every record whose message is msg, and drops everything.
type signalHandler struct {
	msg string
	ch  chan<- struct{}
}

func (h signalHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h signalHandler) Handle(_ context.Context, r slog.Record) error {
	if r.Message == h.msg {
		select {
		case h.ch <- struct{}{}:
		default:
		}
	}
	return nil
}
func (h signalHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h signalHandler) WithGroup(string) slog.Handler      { return h }

// freePort returns a loopback port that was free for both TCP and UDP.
func freePort(t *testing.T) int {
	t.Helper()
	for range 10 {
		tl, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("listen: %v", err)
		}
		port := tl.Addr().(*net.TCPAddr).Port
		ul, err := net.ListenPacket("udp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		tl.Close()
		if err == nil {
			ul.Close()
			return port
		}
	}
	t.Fatal("no port free for both TCP and UDP")
	return 0
}

func TestJoinRetriesUntilSeedStarts(t *testing.T) {
	seedAddr := net.JoinHostPort("127.0.0.1", strconv.Itoa(freePort(t)))
	attempted := make(chan struct{}, 1)
	b := newNode(t, "b", func(c *Config) {
		c.Logger = slog.New(signalHandler{msg: "join attempt failed", ch: attempted})
	})

	ctx, cancel := context.WithTimeout(context.Background(), convergeTimeout)
	defer cancel()
	joined := make(chan error, 1)
	go func() { joined <- b.Join(ctx, []string{seedAddr}) }()

	select {
	case <-attempted:
	case err := <-joined:
		t.Fatalf("Join(%s) returned %v before the seed existed", seedAddr, err)
	case <-ctx.Done():
		t.Fatal("no failed join attempt was logged before the deadline")
	}
	a := newNode(t, "a", func(c *Config) { c.BindAddr = seedAddr })
	if err := <-joined; err != nil {
		t.Fatalf("Join(%s) = %v, want nil once the seed started", seedAddr, err)
	}
	eventually(t, convergeTimeout, wantState(a, "b", StateAlive))
	eventually(t, convergeTimeout, wantState(b, "a", StateAlive))
}

// rogueDelegate announces fixed, possibly invalid, metadata.
type rogueDelegate []byte

func (d rogueDelegate) NodeMeta(int) []byte           { return d }
func (rogueDelegate) NotifyMsg([]byte)                {}
func (rogueDelegate) GetBroadcasts(int, int) [][]byte { return nil }
func (rogueDelegate) LocalState(bool) []byte          { return nil }
func (rogueDelegate) MergeRemoteState([]byte, bool)   {}

// Guards against a peer's undecodable metadata crashing or hiding the
// member: it is listed with only its ID.
func TestPeerWithInvalidMeta(t *testing.T) {
	a := newNode(t, "a", nil)
	rogues := map[string][]byte{
		"garbage":  {0xff, 0x00, 0x07},
		"empty":    nil,
		"other-id": encodeMeta(NodeMeta{ID: "someone-else", Zone: "z"}),
	}
	for name, meta := range rogues {
		mc := memberlist.DefaultLocalConfig()
		mc.Name = name
		mc.BindAddr, mc.BindPort = "127.0.0.1", 0
		mc.Label = "atoll"
		mc.LogOutput = io.Discard
		mc.Delegate = rogueDelegate(meta)
		list, err := memberlist.Create(mc)
		if err != nil {
			t.Fatalf("memberlist.Create(%s) = %v", name, err)
		}
		t.Cleanup(func() { _ = list.Shutdown() })
		if _, err := list.Join([]string{gossipAddr(a)}); err != nil {
			t.Fatalf("%s: Join(a) = %v", name, err)
		}
	}
	for name := range rogues {
		eventually(t, convergeTimeout, wantState(a, name, StateAlive))
		if got, _ := memberOf(a, name); got.Meta != (NodeMeta{ID: name}) {
			t.Errorf("a sees %s with Meta %+v, want only its ID", name, got.Meta)
		}
	}
}

func TestClose(t *testing.T) {
	a := newNode(t, "a", nil)
	if err := a.Join(context.Background(), nil); err != nil {
		t.Errorf("Join(nil) = %v, want nil", err)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if err := a.Join(cancelled, []string{"127.0.0.1:1"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Join(cancelled ctx) = %v, want context.Canceled", err)
	}
	if err := a.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("second Close() = %v, want nil", err)
	}
	if err := a.Join(context.Background(), []string{"127.0.0.1:1"}); !errors.Is(err, ErrClosed) {
		t.Errorf("Join after Close = %v, want ErrClosed", err)
	}
	if err := a.Leave(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Leave after Close = %v, want ErrClosed", err)
	}
	select { // drain the pending notification, if any
	case <-a.Changes():
	default:
	}
	select {
	case _, ok := <-a.Changes():
		if ok {
			t.Error("Changes() delivered a notification after Close")
		}
	default:
		t.Error("Changes() is not closed after Close")
	}
	if got := ids(a); !cmp.Equal(got, []string{"a"}) {
		t.Errorf("Members after Close = %v, want [a]", got)
	}
}

// Regression: memberlist never probes a member it declared dead, so after a
// network partition healed both sides kept seeing each other dead. The
// reconnect loop joins dead members again. Here b comes back at its address
// without joining anyone (as a partitioned node that never restarted would
// not): only a's reconnect can bring the two together.
func TestReconnectToDeadMembers(t *testing.T) {
	a := newNode(t, "a", nil)
	b := newNode(t, "b", nil)
	bAddr := gossipAddr(b)
	join(t, b, gossipAddr(a))
	eventually(t, convergeTimeout, wantState(a, "b", StateAlive))
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	eventually(t, convergeTimeout, wantState(a, "b", StateDead))

	b2 := newNode(t, "b", func(cfg *Config) { cfg.BindAddr = bAddr })
	eventually(t, convergeTimeout, wantState(a, "b", StateAlive))
	eventually(t, convergeTimeout, wantState(b2, "a", StateAlive))
}

// Join succeeds only once another node was reached: a seed list holding
// only this node's own address (as a Kubernetes pod's seed list includes
// itself) is not a cluster.
func TestJoinSelfOnlyIsNotJoined(t *testing.T) {
	a := newNode(t, "a", nil)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if err := a.Join(ctx, []string{gossipAddr(a)}); err == nil {
		t.Fatal("Join(own address) = nil, want an error: no other node was reached")
	}
}
