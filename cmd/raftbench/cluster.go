package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/hashicorp/raft"
	"google.golang.org/grpc"

	"github.com/atolldb/atoll/partition"
	"github.com/atolldb/atoll/replication"
	"github.com/atolldb/atoll/replication/raftlog"
	"github.com/atolldb/atoll/replication/transport"
)

// node is one in-process atoll node as the Raft layer sees it: a gRPC server
// on 127.0.0.1 carrying a transport.Network, a raft-log Badger behind a
// raftlog.Store (group commit), a data Badger and a replication.Manager.
type node struct {
	id      string
	addr    string
	network *transport.Network
	srv     *grpc.Server
	served  chan struct{} // closed when srv.Serve returns
	raftDB  *badger.DB
	logs    *raftlog.Store
	dataDB  *badger.DB
	commits *partition.Committer
	mgr     *replication.Manager
}

// badgerOptions are the options of both Badgers of a bench node: small
// memtables and caches, as many nodes share one process.
func badgerOptions(dir string) badger.Options {
	return badger.DefaultOptions(dir).
		WithLogger(nil).
		WithDetectConflicts(false).
		WithMemTableSize(16 << 20).
		WithNumMemtables(3).
		WithNumLevelZeroTables(2).
		WithNumLevelZeroTablesStall(8).
		WithBaseTableSize(4 << 20).
		WithBlockCacheSize(16 << 20).
		WithValueLogFileSize(64 << 20).
		WithNumCompactors(2)
}

// openNode starts node id with its data under dir. On error everything
// opened so far is closed again.
func openNode(id, dir string, cfg replication.Config) (_ *node, err error) {
	n := &node{id: id, served: make(chan struct{})}
	var closers []func() error
	defer func() {
		if err != nil {
			for i := len(closers) - 1; i >= 0; i-- {
				_ = closers[i]()
			}
		}
	}()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("node %s: listen: %w", id, err)
	}
	n.addr = lis.Addr().String()
	tcfg := transport.DefaultConfig()
	n.network, err = transport.New(tcfg, raft.ServerAddress(n.addr), nil)
	if err != nil {
		_ = lis.Close()
		return nil, fmt.Errorf("node %s: %w", id, err)
	}
	n.srv = grpc.NewServer(transport.ServerOptions(tcfg)...)
	n.network.Register(n.srv)
	go func() {
		defer close(n.served)
		_ = n.srv.Serve(lis) // returns when Stop is called
	}()
	closers = append(closers, func() error {
		err := n.network.Close()
		n.srv.Stop()
		<-n.served
		return err
	})

	n.raftDB, err = badger.Open(raftlog.BadgerOptions(badgerOptions(filepath.Join(dir, "raft"))))
	if err != nil {
		return nil, fmt.Errorf("node %s: open raft Badger: %w", id, err)
	}
	closers = append(closers, n.raftDB.Close)
	n.logs, err = raftlog.Open(raftlog.DefaultConfig(), n.raftDB, nil)
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", id, err)
	}
	closers = append(closers, n.logs.Close)

	// The data Badger syncs its commits, as the node opens it: raft
	// truncates its log after a snapshot, and Badger's DB.Sync alone does
	// not cover memtables rotated out and not yet flushed. The committer
	// below makes all groups of a node share those syncs.
	n.dataDB, err = badger.Open(badgerOptions(filepath.Join(dir, "data")).WithSyncWrites(true))
	if err != nil {
		return nil, fmt.Errorf("node %s: open data Badger: %w", id, err)
	}
	closers = append(closers, n.dataDB.Close)

	cfg.SpoolDir = filepath.Join(dir, "spool")
	if err := os.MkdirAll(cfg.SpoolDir, 0o755); err != nil {
		return nil, fmt.Errorf("node %s: %w", id, err)
	}
	n.commits = partition.NewCommitter(n.dataDB)
	closers = append(closers, n.commits.Close)
	n.mgr, err = replication.NewManager(cfg, replication.Deps{
		NodeID:    id,
		Addr:      n.addr,
		DB:        n.dataDB,
		Committer: n.commits,
		Transport: n.network.Transport,
		LogStore: func(group uint64) (raft.LogStore, raft.StableStore) {
			g := n.logs.Group(group)
			return g, g
		},
	})
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", id, err)
	}
	return n, nil
}

// close stops the node's groups, then its transport, log store and Badgers.
func (n *node) close() error {
	errs := []error{n.mgr.Close(), n.commits.Close(), n.network.Close()}
	n.srv.Stop()
	<-n.served
	errs = append(errs, n.logs.Close(), n.raftDB.Close(), n.dataDB.Close())
	return errors.Join(errs...)
}

func (n *node) peer() replication.Peer { return replication.Peer{ID: n.id, Addr: n.addr} }

// cluster is a set of in-process nodes whose groups have a replica on every
// node.
type cluster struct {
	nodes []*node
}

// openCluster starts size nodes with their data in directories under dir.
func openCluster(dir string, size int, cfg replication.Config) (*cluster, error) {
	c := &cluster{}
	for i := range size {
		id := fmt.Sprintf("n%d", i+1)
		n, err := openNode(id, filepath.Join(dir, id), cfg)
		if err != nil {
			_ = c.close()
			return nil, err
		}
		c.nodes = append(c.nodes, n)
	}
	return c, nil
}

// close closes every node.
func (c *cluster) close() error {
	var errs []error
	for _, n := range c.nodes {
		if err := n.close(); err != nil {
			errs = append(errs, fmt.Errorf("node %s: %w", n.id, err))
		}
	}
	return errors.Join(errs...)
}

// startGroups bootstraps the groups in specs (Bootstrap is filled in) with
// one replica on every node. The nodes start their replicas concurrently.
func (c *cluster) startGroups(specs []replication.GroupSpec) error {
	peers := make([]replication.Peer, len(c.nodes))
	for i, n := range c.nodes {
		peers[i] = n.peer()
	}
	errs := make([]error, len(c.nodes))
	var wg sync.WaitGroup
	for i, n := range c.nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, spec := range specs {
				spec.Bootstrap = peers
				if _, err := n.mgr.StartGroup(spec); err != nil {
					errs[i] = fmt.Errorf("node %s: %w", n.id, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// leader returns the replica of group id that is its leader now, or nil.
func (c *cluster) leader(id uint64) *replication.Group {
	for _, n := range c.nodes {
		if g := n.mgr.Group(id); g != nil && g.IsLeader() {
			return g
		}
	}
	return nil
}

// leaders returns the node index leading each group of ids (-1: none).
func (c *cluster) leaders(ids []uint64) []int {
	out := make([]int, len(ids))
	for i, id := range ids {
		out[i] = -1
		for j, n := range c.nodes {
			if g := n.mgr.Group(id); g != nil && g.IsLeader() {
				out[i] = j
				break
			}
		}
	}
	return out
}

// waitLeaders waits until every group of ids has a leader, polling every
// 20ms until ctx ends.
func (c *cluster) waitLeaders(ctx context.Context, ids []uint64) error {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		missing := 0
		for _, l := range c.leaders(ids) {
			if l < 0 {
				missing++
			}
		}
		if missing == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d of %d groups without a leader: %w", missing, len(ids), ctx.Err())
		case <-t.C:
		}
	}
}

// logStats sums the raft-log stores' counters over the nodes.
func (c *cluster) logStats() raftlog.Stats {
	var s raftlog.Stats
	for _, n := range c.nodes {
		o := n.logs.Stats()
		s.Writes += o.Writes
		s.Syncs += o.Syncs
		s.Commits += o.Commits
		s.Rounds += o.Rounds
		s.Logs += o.Logs
		s.Deletes += o.Deletes
		s.Bytes += o.Bytes
	}
	return s
}

// rpcs sums the raft RPCs received by the nodes.
func (c *cluster) rpcs() uint64 {
	var total uint64
	for _, n := range c.nodes {
		s := n.network.Stats()
		total += s.AppendEntries + s.Heartbeats + s.PipelineAppends + s.RequestVote +
			s.RequestPreVote + s.TimeoutNow + s.InstallSnapshot + s.UnknownGroup
	}
	return total
}
