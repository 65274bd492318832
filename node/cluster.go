package node

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/atolldb/atoll/node/membership"
	"github.com/atolldb/atoll/partition/keys"
	"github.com/atolldb/atoll/proto/nodepb"
	"github.com/atolldb/atoll/replication"
	"github.com/atolldb/atoll/replication/meta"
)

// sysNodeID is the data DB's system key holding the node's ID, fixed when
// the node first starts: every Raft group knows the node by it.
const sysNodeID byte = 0x13

func nodeIDKey() []byte { return append(keys.TablePrefix(0), sysNodeID) }

// loadNodeID returns the node's ID: the stored one, else want, else the
// host name; a new ID is stored. A want that differs from the stored ID is
// an error: the data directory belongs to another node.
func loadNodeID(db *badger.DB, want string) (string, error) {
	var id string
	err := db.Update(func(txn *badger.Txn) error {
		it, err := txn.Get(nodeIDKey())
		if err == nil {
			v, err := it.ValueCopy(nil)
			id = string(v)
			return err
		}
		if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		if id = want; id == "" {
			if id, err = os.Hostname(); err != nil || id == "" {
				return fmt.Errorf("no node ID given and no host name: %w", err)
			}
		}
		return txn.Set(nodeIDKey(), []byte(id))
	})
	if err != nil {
		return "", fmt.Errorf("node ID: %w", err)
	}
	if want != "" && want != id {
		return "", fmt.Errorf("node: the data directory belongs to node %q, not %q", id, want)
	}
	return id, nil
}

// advertised returns the address other nodes reach a listener bound at
// bound by: the advertise host (when set) or the bound IP, with the bound
// port. A listener bound to every interface without an advertise host is
// advertised under the host name.
func advertised(host string, bound net.Addr) (string, error) {
	tcp, ok := bound.(*net.TCPAddr)
	if !ok {
		return "", fmt.Errorf("node: listener address %v is not TCP", bound)
	}
	if host == "" {
		if !tcp.IP.IsUnspecified() {
			return tcp.String(), nil
		}
		h, err := os.Hostname()
		if err != nil {
			return "", fmt.Errorf("node: no advertise address and no host name: %w", err)
		}
		host = h
	}
	return net.JoinHostPort(host, strconv.Itoa(tcp.Port)), nil
}

// advertiseGossip returns the gossip advertise address for an advertise
// host: memberlist needs an IP literal, so a name is resolved; port 0 means
// the bound port.
func advertiseGossip(host string) (string, error) {
	ip := net.ParseIP(host)
	if ip == nil {
		ips, err := net.LookupIP(host)
		if err != nil || len(ips) == 0 {
			return "", fmt.Errorf("node: resolve advertise address %q: %w", host, err)
		}
		ip = ips[0]
	}
	return net.JoinHostPort(ip.String(), "0"), nil
}

// hasMetaState reports whether this node already holds meta-group state.
func (n *Node) hasMetaState() (bool, error) {
	last, err := n.logs.Group(meta.GroupID).LastIndex()
	if err != nil {
		return false, fmt.Errorf("meta log: %w", err)
	}
	return last > 0, nil
}

// bootstrapVoters decides how this node's meta replica starts. A node with
// meta state reopens it (nil). A new node waits until gossip shows
// BootstrapExpect alive nodes, orders them by ID and, when it is one of
// the first BootstrapExpect, returns them as the meta group's voters (the
// same list on each of them). Any other new node returns nil: the meta
// leader adds it to the existing group.
func (n *Node) bootstrapVoters(ctx context.Context) ([]replication.Peer, error) {
	has, err := n.hasMetaState()
	if err != nil || has {
		return nil, err
	}
	expect := n.cfg.BootstrapExpect
	for {
		var alive []membership.Member
		for _, m := range n.members.Members() {
			if m.State == membership.StateAlive && m.Meta.GRPCAddr != "" {
				alive = append(alive, m)
			}
		}
		if len(alive) >= expect {
			slices.SortFunc(alive, func(a, b membership.Member) int { return strings.Compare(a.Meta.ID, b.Meta.ID) })
			peers := make([]replication.Peer, 0, expect)
			self := false
			for _, m := range alive[:expect] {
				peers = append(peers, replication.Peer{ID: m.Meta.ID, Addr: m.Meta.GRPCAddr})
				self = self || m.Meta.ID == n.id
			}
			if !self {
				n.log.Info("joining the existing meta group", "members", len(alive))
				return nil, nil
			}
			if formed := n.clusterFormed(ctx, alive); formed != "" {
				// A new node among the first by ID of a running cluster
				// (an empty volume, a pod named atoll-10 sorting before
				// atoll-2): joining it, never a second meta group.
				n.log.Info("the cluster exists already: joining its meta group", "answered_by", formed)
				return nil, nil
			}
			n.log.Info("forming the meta group", "voters", peers)
			return peers, nil
		}
		n.log.Info("waiting for nodes to form the cluster", "alive", len(alive), "expect", expect)
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for %d nodes (%d alive): %w", expect, len(alive), ctx.Err())
		case <-n.members.Changes():
		}
	}
}

// clusterFormed asks the other alive members whether a cluster exists
// already (a member knows a meta leader or a ring) and returns the first
// that says so, or "". Members still forming do not serve gRPC yet and
// count as not formed.
func (n *Node) clusterFormed(ctx context.Context, alive []membership.Member) string {
	for _, m := range alive {
		if m.Meta.ID == n.id {
			continue
		}
		mc, err := n.conns.Meta(m.Meta.GRPCAddr)
		if err != nil {
			continue
		}
		sctx, cancel := context.WithTimeout(ctx, time.Second)
		st, err := mc.Status(sctx, &nodepb.StatusRequest{})
		cancel()
		if err == nil && (st.MetaLeader != "" || len(st.Ranges) > 0) {
			return m.Meta.ID
		}
	}
	return ""
}
