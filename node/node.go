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

	"github.com/atolldb/atoll/replication"
	"github.com/atolldb/atoll/router"
	"github.com/atolldb/atoll/router/catalog"
)

// Node is one atoll process: the data Badger, the table catalog, the
// store (a single group written through the local proposer) and the
// DynamoDB HTTP API.
type Node struct {
	cfg   Config
	log   *slog.Logger
	db    *badger.DB
	store *replication.Single
	ln    net.Listener
	http  *http.Server

	ready  atomic.Bool
	serve  sync.WaitGroup // the HTTP serve goroutine
	closed sync.Once
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
	db, err := badger.Open(badgerOptions(cfg, log))
	if err != nil {
		return nil, fmt.Errorf("open data DB: %w", err)
	}
	n.db = db
	if err := n.open(); err != nil {
		n.db.Close()
		return nil, err
	}
	return n, nil
}

func (n *Node) open() error {
	cat, err := catalog.OpenCatalog(n.db)
	if err != nil {
		return err
	}
	lcfg := replication.DefaultLocalConfig()
	lcfg.Sync = false // the data DB syncs every commit itself (see badgerOptions)
	n.store, err = replication.NewSingle(n.db, lcfg, nil, n.cfg.Logger)
	if err != nil {
		return err
	}
	acfg := router.DefaultAPIConfig()
	acfg.Region, acfg.AccountID, acfg.Logger = n.cfg.Region, n.cfg.AccountID, n.cfg.Logger
	api, err := router.NewAPI(acfg, cat, n.store)
	if err != nil {
		n.store.Close()
		return err
	}
	rcfg := router.DefaultConfig()
	rcfg.Region, rcfg.Logger = n.cfg.Region, n.cfg.Logger
	srv, err := router.New(rcfg)
	if err != nil {
		n.store.Close()
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
		w.Write([]byte("ready\n"))
	})
	mux.Handle("/", srv)
	n.http = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(n.log.Handler(), slog.LevelWarn)}

	n.ln, err = net.Listen("tcp", n.cfg.APIAddr)
	if err != nil {
		n.store.Close()
		return fmt.Errorf("listen on %s: %w", n.cfg.APIAddr, err)
	}
	return nil
}

// Addr returns the API listener's address (useful with port 0).
func (n *Node) Addr() net.Addr { return n.ln.Addr() }

// Start serves the API in the background until Close.
func (n *Node) Start() {
	n.serve.Add(1)
	go func() {
		defer n.serve.Done()
		if err := n.http.Serve(n.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			n.log.Error("API server stopped", "err", err)
		}
	}()
	n.ready.Store(true)
	n.log.Info("serving the DynamoDB API", "addr", n.ln.Addr().String(), "data_dir", n.dataDirForLog())
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
		if serr := n.http.Shutdown(ctx); serr != nil {
			n.http.Close()
			err = fmt.Errorf("stop API server: %w", serr)
		}
		n.serve.Wait()
		err = errors.Join(err, n.store.Close(), n.db.Close())
	})
	return err
}
