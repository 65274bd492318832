package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/hashicorp/raft"
	"google.golang.org/grpc"

	"github.com/atolldb/atoll/node/membership"
	"github.com/atolldb/atoll/partition"
	"github.com/atolldb/atoll/replication"
	"github.com/atolldb/atoll/replication/meta"
	"github.com/atolldb/atoll/replication/raftlog"
	"github.com/atolldb/atoll/replication/transport"
	"github.com/atolldb/atoll/router"
	"github.com/atolldb/atoll/router/catalog"
	"github.com/atolldb/atoll/router/route"
)

// Node is one atoll process: the data Badger, the Raft log Badger, gossip
// membership, this node's replica of the meta group, the replicas of the
// Raft groups placed here, the router that sends every request to the node
// that can serve it, the gRPC server (Raft transport, Data and Meta
// services) and the DynamoDB HTTP API.
type Node struct {
	cfg     Config
	id      string
	log     *slog.Logger
	db      *badger.DB // data
	raftDB  *badger.DB
	logs    *raftlog.Store
	commits *partition.Committer
	network *transport.Network
	groups  *replication.Manager
	members *membership.Membership
	meta    *meta.Meta
	conns   *route.Conns
	store   *route.Store
	tables  *catalog.Replicated
	// metaClient proposes meta commands at the meta leader.
	metaClient *route.MetaClient

	grpcLn   net.Listener
	grpcAddr string // advertised
	grpc     *grpc.Server
	ln       net.Listener
	http     *http.Server

	ctx    context.Context // canceled by Close: ends the controller
	cancel context.CancelFunc
	wg     sync.WaitGroup // controller, gRPC serve, join

	// apiSrv serves the DynamoDB API once Start built it.
	apiSrv  atomic.Pointer[router.Server]
	ready   atomic.Bool
	started atomic.Bool    // Start handed the listener to the HTTP server
	serve   sync.WaitGroup // the HTTP serve goroutine
	closed  sync.Once
}

// New opens the node's storage, binds its listeners and starts gossip.
// Joining the cluster, the meta group and serving start with Start.
func New(cfg Config) (*Node, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	n := &Node{cfg: cfg, log: log.With("component", "node")}
	n.ctx, n.cancel = context.WithCancel(context.Background())
	if err := n.open(); err != nil {
		n.cancel()
		n.closeStorage()
		return nil, err
	}
	return n, nil
}

// open opens storage and binds the listeners. On error the caller closes
// whatever was opened with closeStorage.
func (n *Node) open() error {
	var err error
	if n.db, err = badger.Open(badgerOptions(n.cfg, "data", n.log)); err != nil {
		return fmt.Errorf("open data DB: %w", err)
	}
	if n.id, err = loadNodeID(n.db, n.cfg.NodeID); err != nil {
		return err
	}
	n.log = n.log.With("node", n.id)
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

	if n.grpcLn, err = net.Listen("tcp", n.cfg.GRPCAddr); err != nil {
		return fmt.Errorf("listen on %s: %w", n.cfg.GRPCAddr, err)
	}
	if n.grpcAddr, err = advertised(n.cfg.AdvertiseAddr, n.grpcLn.Addr()); err != nil {
		return err
	}
	if n.ln, err = net.Listen("tcp", n.cfg.APIAddr); err != nil {
		return fmt.Errorf("listen on %s: %w", n.cfg.APIAddr, err)
	}
	apiAddr, err := advertised(n.cfg.AdvertiseAddr, n.ln.Addr())
	if err != nil {
		return err
	}

	tcfg := transport.DefaultConfig()
	if n.network, err = transport.New(tcfg, raft.ServerAddress(n.grpcAddr), n.cfg.Logger); err != nil {
		return err
	}
	n.commits = partition.NewCommitter(n.db)
	n.groups, err = replication.NewManager(n.cfg.Raft, replication.Deps{
		NodeID: n.id, Addr: n.grpcAddr, DB: n.db, Clock: replication.NewHLC(nil), Logger: n.cfg.Logger, Committer: n.commits,
		Transport: n.network.Transport,
		LogStore: func(group uint64) (raft.LogStore, raft.StableStore) {
			g := n.logs.Group(group)
			return g, g
		},
	})
	if err != nil {
		return err
	}

	mcfg := n.cfg.Gossip
	mcfg.NodeID = n.id
	mcfg.BindAddr = n.cfg.GossipAddr
	mcfg.Logger = n.cfg.Logger
	mcfg.Meta = membership.NodeMeta{ID: n.id, GRPCAddr: n.grpcAddr, APIAddr: apiAddr, Zone: n.cfg.Zone}
	if n.cfg.AdvertiseAddr != "" {
		if mcfg.AdvertiseAddr, err = advertiseGossip(n.cfg.AdvertiseAddr); err != nil {
			return err
		}
	}
	if n.members, err = membership.New(mcfg); err != nil {
		return fmt.Errorf("gossip: %w", err)
	}
	n.conns = route.NewConns()

	n.grpc = grpc.NewServer(transport.ServerOptions(tcfg)...)
	n.network.Register(n.grpc)
	route.NewService(n.groups).Register(n.grpc)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !n.ready.Load() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		if err := errors.Join(n.groupsErr(), n.logs.Err()); err != nil {
			http.Error(w, "storage failed: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	mux.HandleFunc("/", n.serveAPI)
	n.http = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(n.log.Handler(), slog.LevelWarn)}
	return nil
}

// serveAPI serves the DynamoDB API once the node is ready, and a 503
// before (the SDKs retry it).
func (n *Node) serveAPI(w http.ResponseWriter, r *http.Request) {
	srv := n.apiSrv.Load()
	if srv == nil || !n.ready.Load() {
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"__type":"com.amazonaws.dynamodb.v20120810#ServiceUnavailable","message":"The node has not joined its cluster yet"}`))
		return
	}
	srv.ServeHTTP(w, r)
}

// groupsErr returns the first fatal error of a local group, or nil.
func (n *Node) groupsErr() error {
	for _, id := range n.groups.Groups() {
		if g := n.groups.Group(id); g != nil {
			if err := g.Err(); err != nil {
				return err
			}
		}
	}
	return nil
}

// openMeta opens this node's replica of the meta group, bootstrapping it
// with voters when the node has no meta state yet (voters nil: join an
// existing group as it is added).
func (n *Node) openMeta(voters []replication.Peer) error {
	var snaps raft.SnapshotStore
	if n.cfg.InMemory {
		snaps = raft.NewInmemSnapshotStore()
	} else {
		var err error
		snaps, err = raft.NewFileSnapshotStoreWithLogger(filepath.Join(n.cfg.DataDir, "meta"), 2, replication.NewRaftLogger(n.log))
		if err != nil {
			return fmt.Errorf("meta snapshots: %w", err)
		}
	}
	lg := n.logs.Group(meta.GroupID)
	m, err := meta.Open(n.cfg.Meta, meta.Deps{
		NodeID: n.id, Addr: n.grpcAddr, Transport: n.network.Transport(meta.GroupID),
		Logs: lg, Stable: lg, Snapshots: snaps, Logger: n.cfg.Logger,
	}, voters)
	if err != nil {
		return fmt.Errorf("meta group: %w", err)
	}
	n.meta = m
	return nil
}

// Addr returns the API listener's address (useful with port 0).
func (n *Node) Addr() net.Addr { return n.ln.Addr() }

// GRPCAddr returns the advertised gRPC address.
func (n *Node) GRPCAddr() string { return n.grpcAddr }

// GossipAddr returns the gossip address (host:port) others join through.
func (n *Node) GossipAddr() string { return n.members.LocalNode().Addr }

// ID returns the node's ID.
func (n *Node) ID() string { return n.id }

// Start serves /healthz at once, joins the cluster, opens the meta group
// (forming it with the first BootstrapExpect nodes when it does not exist
// yet) and waits until the ring exists and every group placed on this node
// has a leader (or ctx ends); from then on /readyz answers ready and the
// DynamoDB API is served (503 before), until Close.
func (n *Node) Start(ctx context.Context) error {
	// /healthz answers from now on; /readyz and the API once ready.
	n.started.Store(true)
	n.serve.Add(1)
	go func() {
		defer n.serve.Done()
		if err := n.http.Serve(n.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			n.log.Error("API server stopped", "err", err)
		}
	}()
	if len(n.cfg.Join) > 0 {
		if err := n.members.Join(ctx, n.cfg.Join); err != nil {
			return fmt.Errorf("join %v: %w", n.cfg.Join, err)
		}
	}
	voters, err := n.bootstrapVoters(ctx)
	if err != nil {
		return err
	}
	if err := n.openMeta(voters); err != nil {
		return err
	}
	client := route.NewMetaClient(n.meta, n.conns, 10*time.Second)
	n.metaClient = client
	route.NewMetaService(n.meta, n.status, n.drain).Register(n.grpc)
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		if err := n.grpc.Serve(n.grpcLn); err != nil {
			n.log.Error("gRPC server stopped", "err", err)
		}
	}()
	rcfg := route.DefaultConfig()
	rcfg.NodeID, rcfg.MaxStaleness, rcfg.Logger = n.id, n.cfg.MaxStaleness, n.cfg.Logger
	if n.store, err = route.NewStore(rcfg, n.meta, n.groups, n.conns, n.db); err != nil {
		return err
	}
	n.tables = catalog.NewReplicated(client, 10*time.Second)
	if err := n.startAPI(); err != nil {
		return err
	}
	ctl := newController(n)
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		ctl.run(n.ctx)
	}()
	if err := ctl.waitReady(ctx); err != nil {
		return err
	}
	if n.meta.State().Nodes[n.id].Draining {
		// A drain lasts for the process it was meant for (a Kubernetes
		// preStop hook drains a pod about to stop): a node that starts
		// takes replicas and leaders again.
		if err := n.drain(ctx, n.id, true); err != nil {
			return fmt.Errorf("clear this node's draining mark: %w", err)
		}
		n.log.Info("cleared this node's draining mark")
	}
	n.ready.Store(true)
	n.log.Info("serving the DynamoDB API", "addr", n.ln.Addr().String(), "grpc", n.grpcAddr, "data_dir", n.dataDirForLog())
	return nil
}

// startAPI builds the DynamoDB handlers over the replicated catalog and the
// routing store.
func (n *Node) startAPI() error {
	acfg := router.DefaultAPIConfig()
	acfg.Region, acfg.AccountID, acfg.Logger = n.cfg.Region, n.cfg.AccountID, n.cfg.Logger
	api, err := router.NewAPI(acfg, n.tables, n.store)
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
	n.apiSrv.Store(srv)
	return nil
}

func (n *Node) dataDirForLog() string {
	if n.cfg.InMemory {
		return "(in memory)"
	}
	return n.cfg.DataDir
}

// Close stops serving (letting requests in flight finish until ctx ends),
// leaves the gossip cluster, stops the groups and closes the stores.
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

// closeStorage stops everything New and Start started, in reverse order; it
// skips what was never opened.
func (n *Node) closeStorage() error {
	var errs []error
	n.cancel()
	if n.members != nil {
		lctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		if err := n.members.Leave(lctx); err != nil {
			n.log.Debug("leave gossip", "err", err)
		}
		cancel()
	}
	if n.store != nil {
		errs = append(errs, n.store.Close())
	}
	if n.groups != nil {
		errs = append(errs, n.groups.Close())
	}
	if n.meta != nil {
		errs = append(errs, n.meta.Close())
	}
	if n.grpc != nil {
		n.grpc.Stop()
	} else if n.grpcLn != nil {
		n.grpcLn.Close()
	}
	n.wg.Wait()
	if n.members != nil {
		errs = append(errs, n.members.Close())
	}
	if n.conns != nil {
		errs = append(errs, n.conns.Close())
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
	if n.ln != nil && !n.started.Load() {
		n.ln.Close()
	}
	return errors.Join(errs...)
}
