package router

import (
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/dgraph-io/badger/v4"

	"github.com/atolldb/atoll/replication"
	"github.com/atolldb/atoll/router/catalog"
)

// testEnv is a complete single-node API over a real Badger in a temporary
// directory, served over real HTTP, with an AWS SDK client pointed at it.
type testEnv struct {
	client *dynamodb.Client
	url    string
	api    *API
	db     *badger.DB
}

// newTestEnv starts a testEnv; everything is torn down with the test.
func newTestEnv(t *testing.T) *testEnv {
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
	cfg := replication.DefaultLocalConfig()
	cfg.Sync = false // durability has its own tests; these test the API
	store, err := replication.NewSingle(db, cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	api, err := NewAPI(DefaultAPIConfig(), cat, store)
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
