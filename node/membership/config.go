package membership

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/hashicorp/memberlist"
)

// Config configures a Membership. Start from DefaultConfig (production
// timing) or TestConfig (fast timing on loopback).
type Config struct {
	// NodeID uniquely identifies this node in the cluster; it is the
	// memberlist node name. Required.
	NodeID string
	// BindAddr is the host:port gossip listens on, over both UDP and TCP.
	// The host must be an IP literal or empty (all IPv4 interfaces); port 0
	// picks a free port (read it back from LocalNode().Addr).
	BindAddr string
	// AdvertiseAddr is the host:port other nodes reach this node's gossip
	// at, when it differs from BindAddr (NAT, containers). The host must be
	// an IP literal; port 0 means the bound port (and when BindAddr's port
	// is 0, memberlist advertises the bound port whatever this says). Empty
	// advertises the bound IP, or a private IP of this machine when bound to
	// all interfaces.
	AdvertiseAddr string
	// Label is the cluster label written on every gossip packet and stream;
	// a node drops gossip bearing another label, so two clusters never
	// merge. At most 255 bytes; every node of a cluster uses the same one.
	Label string
	// Meta is what this node tells the others about itself. Meta.ID may be
	// left empty: it is always NodeID. Encoded, it must fit MaxMetaSize.
	Meta NodeMeta

	// ProbeInterval is how often this node probes a random member for
	// liveness.
	ProbeInterval time.Duration
	// ProbeTimeout is how long a direct probe waits for an ack before
	// asking other members to probe indirectly; below ProbeInterval.
	ProbeTimeout time.Duration
	// GossipInterval is how often queued state changes are gossiped to a
	// few random members.
	GossipInterval time.Duration
	// SuspicionMult scales how long a member stays suspected before it is
	// declared dead: SuspicionMult × max(1, log10(members)) × ProbeInterval,
	// shortened as other members confirm the suspicion.
	SuspicionMult int
	// PushPullInterval is how often this node syncs its full member list
	// with a random member over TCP (anti-entropy).
	PushPullInterval time.Duration
	// StreamTimeout bounds a TCP exchange with one member: a join attempt
	// or push/pull per seed, a fallback TCP probe, and Leave when its
	// context has no deadline.
	StreamTimeout time.Duration

	// ReconnectInterval is how often this node tries to join the members
	// it reports dead, so that gossip heals after a network partition.
	ReconnectInterval time.Duration

	// JoinBackoffMin is the wait after the first failed Join attempt; each
	// further failure doubles it up to JoinBackoffMax.
	JoinBackoffMin time.Duration
	// JoinBackoffMax caps the wait between Join attempts.
	JoinBackoffMax time.Duration

	// Logger receives membership's and memberlist's logs, with
	// component=membership; nil discards them.
	Logger *slog.Logger
	// Now is the clock that stamps Member.Since; nil means time.Now.
	Now func() time.Time
}

// DefaultConfig returns production settings: gossip on :7946 under the
// label "atoll", with memberlist's LAN timing (memberlist.DefaultLANConfig).
// NodeID and Meta are left for the caller.
func DefaultConfig() Config {
	lan := memberlist.DefaultLANConfig()
	return Config{
		BindAddr:         ":7946",
		Label:            "atoll",
		ProbeInterval:    lan.ProbeInterval,
		ProbeTimeout:     lan.ProbeTimeout,
		GossipInterval:   lan.GossipInterval,
		SuspicionMult:    lan.SuspicionMult,
		PushPullInterval: lan.PushPullInterval,
		StreamTimeout:    lan.TCPTimeout,
		JoinBackoffMin:   200 * time.Millisecond,
		JoinBackoffMax:   5 * time.Second,
		// Well below the default dead-node timeout (5 minutes), so a
		// partitioned node is seen alive again long before its replicas
		// would be moved.
		ReconnectInterval: 10 * time.Second,
	}
}

// TestConfig returns DefaultConfig bound to a free port on 127.0.0.1 with
// timing for in-process clusters on loopback: a member that stops without
// leaving is declared dead within a few seconds, and joins retry quickly.
// It is meant for tests, never for real networks.
func TestConfig() Config {
	c := DefaultConfig()
	c.BindAddr = "127.0.0.1:0"
	c.ProbeInterval = 200 * time.Millisecond
	c.ProbeTimeout = 100 * time.Millisecond
	c.GossipInterval = 50 * time.Millisecond
	c.SuspicionMult = 3
	c.PushPullInterval = time.Second
	c.StreamTimeout = time.Second
	c.ReconnectInterval = 500 * time.Millisecond
	c.JoinBackoffMin = 20 * time.Millisecond
	c.JoinBackoffMax = 200 * time.Millisecond
	return c
}

// Validate reports the first problem with c, or nil.
func (c Config) Validate() error {
	switch {
	case c.NodeID == "":
		return errors.New("membership: NodeID is empty")
	case c.Meta.ID != "" && c.Meta.ID != c.NodeID:
		return fmt.Errorf("membership: Meta.ID %q differs from NodeID %q (leave Meta.ID empty)", c.Meta.ID, c.NodeID)
	case c.Label == "":
		return errors.New("membership: Label is empty (every node of a cluster needs the same label; the default is \"atoll\")")
	case len(c.Label) > memberlist.LabelMaxSize:
		return fmt.Errorf("membership: Label is %d bytes, more than %d", len(c.Label), memberlist.LabelMaxSize)
	}
	if _, _, err := splitBindAddr(c.BindAddr); err != nil {
		return err
	}
	if c.AdvertiseAddr != "" {
		if _, _, err := splitAdvertiseAddr(c.AdvertiseAddr); err != nil {
			return err
		}
	}
	meta := c.Meta
	meta.ID = c.NodeID
	if n := encodedMetaSize(meta); n > MaxMetaSize {
		return fmt.Errorf("membership: Meta encodes to %d bytes, more than memberlist's limit of %d (shorten NodeID, Meta.GRPCAddr, Meta.APIAddr or Meta.Zone)", n, MaxMetaSize)
	}
	for _, a := range []struct{ name, addr string }{{"Meta.GRPCAddr", meta.GRPCAddr}, {"Meta.APIAddr", meta.APIAddr}} {
		if a.addr == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(a.addr); err != nil {
			return fmt.Errorf("membership: %s %q is not host:port: %w", a.name, a.addr, err)
		}
	}
	switch {
	case c.ProbeInterval <= 0:
		return fmt.Errorf("membership: ProbeInterval %v is not positive", c.ProbeInterval)
	case c.ProbeTimeout <= 0 || c.ProbeTimeout >= c.ProbeInterval:
		return fmt.Errorf("membership: ProbeTimeout %v is outside (0, ProbeInterval %v)", c.ProbeTimeout, c.ProbeInterval)
	case c.GossipInterval <= 0:
		return fmt.Errorf("membership: GossipInterval %v is not positive", c.GossipInterval)
	case c.SuspicionMult < 1:
		return fmt.Errorf("membership: SuspicionMult %d is less than 1", c.SuspicionMult)
	case c.PushPullInterval <= 0:
		return fmt.Errorf("membership: PushPullInterval %v is not positive", c.PushPullInterval)
	case c.StreamTimeout <= 0:
		return fmt.Errorf("membership: StreamTimeout %v is not positive", c.StreamTimeout)
	case c.ReconnectInterval <= 0:
		return fmt.Errorf("membership: ReconnectInterval %v is not positive", c.ReconnectInterval)
	case c.JoinBackoffMin <= 0:
		return fmt.Errorf("membership: JoinBackoffMin %v is not positive", c.JoinBackoffMin)
	case c.JoinBackoffMax < c.JoinBackoffMin:
		return fmt.Errorf("membership: JoinBackoffMax %v is less than JoinBackoffMin %v", c.JoinBackoffMax, c.JoinBackoffMin)
	}
	return nil
}

// splitBindAddr returns BindAddr's IP (empty host: "0.0.0.0", memberlist's
// spelling of all IPv4 interfaces) and port.
func splitBindAddr(addr string) (string, int, error) {
	host, port, err := splitIPPort("BindAddr", addr)
	if err != nil {
		return "", 0, err
	}
	if host == "" {
		host = "0.0.0.0"
	}
	return host, port, nil
}

// splitAdvertiseAddr returns AdvertiseAddr's IP and port; the IP must be
// a specific address that peers can dial.
func splitAdvertiseAddr(addr string) (string, int, error) {
	host, port, err := splitIPPort("AdvertiseAddr", addr)
	if err != nil {
		return "", 0, err
	}
	if host == "" || net.ParseIP(host).IsUnspecified() {
		return "", 0, fmt.Errorf("membership: AdvertiseAddr %q needs a specific IP that other nodes can reach", addr)
	}
	return host, port, nil
}

// splitIPPort splits a host:port whose host is an IP literal or empty and
// whose port is in [0, 65535].
func splitIPPort(field, addr string) (string, int, error) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("membership: %s %q is not host:port: %w", field, addr, err)
	}
	if host != "" && net.ParseIP(host) == nil {
		return "", 0, fmt.Errorf("membership: %s %q: host %q is not an IP address", field, addr, host)
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return "", 0, fmt.Errorf("membership: %s %q: port %q is not a number in [0, 65535]", field, addr, portStr)
	}
	return host, int(port), nil
}
