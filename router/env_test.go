package router

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/dgraph-io/badger/v4"
	"github.com/hashicorp/raft"

	"github.com/atolldb/atoll/partition"
	"github.com/atolldb/atoll/replication"
	"github.com/atolldb/atoll/replication/meta"
	"github.com/atolldb/atoll/replication/raftlog"
	"github.com/atolldb/atoll/router/catalog"
	"github.com/atolldb/atoll/router/route"
)

// testEnv is a complete single-node API over a real Badger in a temporary
// directory, served over real HTTP, with an AWS SDK client pointed at it.
type testEnv struct {
	client *dynamodb.Client
	url    string
	api    *API
	db     *badger.DB
}

// staticRing is a fixed ring: the routing store's view of a meta group
// that never changes.
type staticRing struct{ st *meta.State }

func (r staticRing) State() *meta.State { return r.st }

// newTestStore runs the ring as two single-replica Raft groups over db, with
// the Raft logs in a second Badger, behind the routing store a node uses.
// The logs are not synced: durability has its own tests, these test the API.
func newTestStore(t *testing.T, db *badger.DB) *route.Store {
	t.Helper()
	raftDB, err := badger.Open(raftlog.BadgerOptions(badger.DefaultOptions(t.TempDir()).WithLogger(nil).
		WithMemTableSize(8 << 20).WithNumMemtables(2).WithBlockCacheSize(1 << 20).WithIndexCacheSize(1 << 20)))
	if err != nil {
		t.Fatalf("open raft badger: %v", err)
	}
	t.Cleanup(func() { raftDB.Close() })
	lcfg := raftlog.DefaultConfig()
	lcfg.NoSync = true
	logs, err := raftlog.Open(lcfg, raftDB, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { logs.Close() })
	rcfg := replication.DefaultConfig()
	rcfg.HeartbeatTimeout, rcfg.ElectionTimeout = 50*time.Millisecond, 50*time.Millisecond
	rcfg.LeaderLeaseTimeout, rcfg.CommitTimeout = 25*time.Millisecond, 25*time.Millisecond
	_, trans := raft.NewInmemTransport("n1")
	commits := partition.NewCommitter(db)
	t.Cleanup(func() { commits.Close() })
	mgr, err := replication.NewManager(rcfg, replication.Deps{
		NodeID: "n1", Addr: "n1", DB: db, Committer: commits,
		Transport: func(uint64) raft.Transport { return trans },
		LogStore: func(group uint64) (raft.LogStore, raft.StableStore) {
			g := logs.Group(group)
			return g, g
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mgr.Close() })
	ring, err := replication.SplitRing(2)
	if err != nil {
		t.Fatal(err)
	}
	st := &meta.State{Nodes: map[string]meta.Node{"n1": {ID: "n1"}}}
	for i, r := range ring {
		g, err := mgr.StartGroup(replication.GroupSpec{ID: uint64(i + 1), Range: r, Bootstrap: []replication.Peer{{ID: "n1", Addr: "n1"}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := g.WaitLeader(t.Context()); err != nil {
			t.Fatal(err)
		}
		st.Ranges = append(st.Ranges, meta.Range{Group: uint64(i + 1), Start: r.Start, End: r.End, Epoch: 1, Voters: []string{"n1"}})
	}
	scfg := route.DefaultConfig()
	scfg.NodeID = "n1"
	conns := route.NewConns()
	t.Cleanup(func() { conns.Close() })
	store, err := route.NewStore(scfg, staticRing{st}, mgr, conns, db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

// newTestEnv starts a testEnv with the default APIConfig; everything is
// torn down with the test.
func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	return newTestEnvWith(t, nil)
}

// newTestEnvWith starts a testEnv whose APIConfig edit (if not nil) changed
// from the default: a capacity clock, small on-demand limits.
func newTestEnvWith(t *testing.T, edit func(*APIConfig)) *testEnv {
	t.Helper()
	db, err := badger.Open(badger.DefaultOptions(t.TempDir()).WithLogger(nil).
		WithMemTableSize(8 << 20).WithNumMemtables(2).WithBlockCacheSize(4 << 20).WithIndexCacheSize(4 << 20))
	if err != nil {
		t.Fatalf("open badger: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	cat, err := catalog.OpenCatalog(db)
	if err != nil {
		t.Fatal(err)
	}
	store := newTestStore(t, db)
	acfg := DefaultAPIConfig()
	if edit != nil {
		edit(&acfg)
	}
	api, err := NewAPI(acfg, cat, store)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	api.Register(srv)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &testEnv{client: newClient(t, ts.URL), url: ts.URL, api: api, db: db}
}
