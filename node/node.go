package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/hashicorp/raft"

	"github.com/atolldb/atoll/partition"
	"github.com/atolldb/atoll/replication"
	"github.com/atolldb/atoll/replication/raftlog"
	"github.com/atolldb/atoll/replication/transport"
	"github.com/atolldb/atoll/router"
	"github.com/atolldb/atoll/router/catalog"
)

// nodeID is the Raft server ID of a single node in every group.
const nodeID = "atoll-1"

// Node is one atoll process: the data Badger, the Raft log Badger, the
// table catalog, the Raft groups that own the ring, the store that routes
// to them and the DynamoDB HTTP API.
type Node struct {
	cfg     Config
	log     *slog.Logger
	db      *badger.DB // data
	raftDB  *badger.DB
	logs    *raftlog.Store
	commits *partition.Committer
	network *transport.Network
	groups  *replication.Manager
	store   *replication.RingStore
	ln      net.Listener
	http    *http.Server

	ready   atomic.Bool
	started atomic.Bool    // Start handed the listener to the HTTP server
	serve   sync.WaitGroup // the HTTP serve goroutine
	closed  sync.Once
}

// New opens the node's storage and binds the API listener. Serving starts
// with Start.
func New(cfg Config) (*Node, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	n := &Node{cfg: cfg, log: log.With("component", "node")}
	if err := n.open(); err != nil {
		n.closeStorage()
		return nil, err
	}
	return n, nil
}

// open opens storage, starts the groups and binds the listener. On error
// the caller closes whatever was opened with closeStorage.
func (n *Node) open() error {
	var err error
	if n.db, err = badger.Open(badgerOptions(n.cfg, "data", n.log)); err != nil {
		return fmt.Errorf("open data DB: %w", err)
	}
	if n.raftDB, err = badger.Open(raftlog.BadgerOptions(badgerOptions(n.cfg, "raft", n.log))); err != nil {
		return fmt.Errorf("open raft DB: %w", err)
	}
	lcfg := raftlog.DefaultConfig()
	lcfg.NoSync = n.cfg.InMemory || n.cfg.NoSync
	if n.cfg.NoSync && !n.cfg.InMemory {
		n.log.Warn("NoSync is set: acknowledged writes are not durable")
	}
	if n.logs, err = raftlog.Open(lcfg, n.raftDB, n.cfg.Logger); err != nil {
		return err
	}
	if n.network, err = transport.New(transport.DefaultConfig(), nodeID, n.cfg.Logger); err != nil {
		return err
	}
	clock := replication.NewHLC(nil)
	n.commits = partition.NewCommitter(n.db)
	n.groups, err = replication.NewManager(n.cfg.Raft, replication.Deps{
		NodeID: nodeID, Addr: nodeID, DB: n.db, Clock: clock, Logger: n.cfg.Logger, Committer: n.commits,
		Transport: n.network.Transport,
		LogStore: func(group uint64) (raft.LogStore, raft.StableStore) {
			g := n.logs.Group(group)
			return g, g
		},
	})
	if err != nil {
		return err
	}
	ranges, err := loadRing(n.db, n.cfg.Ranges)
	if err != nil {
		return err
	}
	if ranges != n.cfg.Ranges {
		n.log.Warn("the ring of an existing node keeps its number of ranges", "ranges", ranges, "requested", n.cfg.Ranges)
	}
	ring, err := replication.SplitRing(ranges)
	if err != nil {
		return err
	}
	groups := make([]*replication.Group, len(ring))
	for i, r := range ring {
		groups[i], err = n.groups.StartGroup(replication.GroupSpec{
			ID: uint64(i + 1), Range: r,
			Bootstrap: []replication.Peer{{ID: nodeID, Addr: nodeID}},
		})
		if err != nil {
			return fmt.Errorf("start group %d: %w", i+1, err)
		}
	}
	if n.store, err = replication.NewRingStore(n.db, groups, n.cfg.Logger); err != nil {
		return err
	}
	cat, err := catalog.OpenCatalog(n.db)
	if err != nil {
		return err
	}
	acfg := router.DefaultAPIConfig()
	acfg.Region, acfg.AccountID, acfg.Logger = n.cfg.Region, n.cfg.AccountID, n.cfg.Logger
	api, err := router.NewAPI(acfg, cat, n.store)
	if err != nil {
		return err
	}
	rcfg := router.DefaultConfig()
	rcfg.Region, rcfg.Logger = n.cfg.Region, n.cfg.Logger
	srv, err := router.New(rcfg)
	if err != nil {
		return err
	}
	api.Register(srv)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !n.ready.Load() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		if err := errors.Join(n.store.Err(), n.logs.Err()); err != nil {
			http.Error(w, "storage failed: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	mux.Handle("/", srv)
	n.http = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(n.log.Handler(), slog.LevelWarn)}

	n.ln, err = net.Listen("tcp", n.cfg.APIAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", n.cfg.APIAddr, err)
	}
	return nil
}

// closeStorage stops the groups and closes the stores, in the reverse order
// of open; it skips what was never opened.
func (n *Node) closeStorage() error {
	var errs []error
	if n.store != nil {
		errs = append(errs, n.store.Close())
	}
	if n.groups != nil {
		errs = append(errs, n.groups.Close())
	}
	if n.commits != nil {
		errs = append(errs, n.commits.Close())
	}
	if n.network != nil {
		errs = append(errs, n.network.Close())
	}
	if n.logs != nil {
		errs = append(errs, n.logs.Close())
	}
	if n.raftDB != nil {
		errs = append(errs, n.raftDB.Close())
	}
	if n.db != nil {
		errs = append(errs, n.db.Close())
	}
	return errors.Join(errs...)
}

// Addr returns the API listener's address (useful with port 0).
func (n *Node) Addr() net.Addr { return n.ln.Addr() }

// Start waits until every group has elected its leader (or ctx ends), then
// serves the API in the background until Close.
func (n *Node) Start(ctx context.Context) error {
	if err := n.store.WaitReady(ctx); err != nil {
		return fmt.Errorf("waiting for the groups' leaders: %w", err)
	}
	n.started.Store(true)
	n.serve.Add(1)
	go func() {
		defer n.serve.Done()
		if err := n.http.Serve(n.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			n.log.Error("API server stopped", "err", err)
		}
	}()
	n.ready.Store(true)
	n.log.Info("serving the DynamoDB API", "addr", n.ln.Addr().String(), "data_dir", n.dataDirForLog())
	return nil
}

func (n *Node) dataDirForLog() string {
	if n.cfg.InMemory {
		return "(in memory)"
	}
	return n.cfg.DataDir
}

// Close stops serving (letting requests in flight finish until ctx ends),
// stops the store and closes the data DB.
func (n *Node) Close(ctx context.Context) error {
	var err error
	n.closed.Do(func() {
		n.ready.Store(false)
		if !n.started.Load() {
			n.ln.Close() // Shutdown closes only listeners Serve was given
		}
		if serr := n.http.Shutdown(ctx); serr != nil {
			n.http.Close()
			err = fmt.Errorf("stop API server: %w", serr)
		}
		n.serve.Wait()
		err = errors.Join(err, n.closeStorage())
	})
	return err
}
