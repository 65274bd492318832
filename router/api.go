package router

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/atolldb/atoll/partition"
	"github.com/atolldb/atoll/partition/expr"
	"github.com/atolldb/atoll/partition/value"
	"github.com/atolldb/atoll/router/capacity"
	"github.com/atolldb/atoll/router/catalog"
)

// Tables is the table catalog the operation handlers read schemas from and
// change tables through: *catalog.Replicated on a node (*catalog.Catalog in tests).
// All methods may be called concurrently; returned tables are copies.
type Tables interface {
	// Get returns the named table or catalog.ErrTableNotFound.
	Get(name string) (*catalog.Table, error)
	// List returns every table, sorted by name.
	List() []*catalog.Table
	// Create stores a new table (allocating its ID) durably, or returns
	// catalog.ErrTableExists.
	Create(t *catalog.Table) (*catalog.Table, error)
	// Update applies fn to a copy of the named table and stores it durably;
	// fn's error aborts and is returned as is.
	Update(name string, fn func(*catalog.Table) error) (*catalog.Table, error)
	// Delete removes the named table durably after check (if not nil)
	// accepts it, and returns its last state.
	Delete(name string, check func(*catalog.Table) error) (*catalog.Table, error)
}

var (
	_ Tables = (*catalog.Catalog)(nil)
	_ Tables = (*catalog.Replicated)(nil)
)

// Store is the data path of the handlers: writes go through the proposer of
// the group owning the key, reads to its state machine. All methods may be
// called concurrently.
type Store interface {
	// Propose applies cmd and returns its result once it is applied and
	// durable. A non-nil error means the outcome is unknown or the group
	// is unavailable; Result.Err carries the command's own outcome
	// (partition.ErrConditionFailed, *value.ValidationError).
	Propose(ctx context.Context, cmd *partition.Command) (partition.Result, error)
	// Get returns the item of table at ring position pos, or nil.
	// consistent asks for a strongly consistent read.
	Get(ctx context.Context, table uint64, pos []byte, consistent bool) (value.Item, error)
	// Range calls fn for the items of table in [start, end) (nil bounds are
	// open) in ring order, descending when reverse, until fn returns false.
	Range(ctx context.Context, table uint64, start, end []byte, reverse, consistent bool, fn partition.RangeFunc) error
	// TableStats returns the table's item count and total item size.
	TableStats(ctx context.Context, table uint64) (count, size int64, err error)
	// DropTable removes the data of a deleted table in the background.
	DropTable(table uint64)
}

// APIConfig configures the DynamoDB operation handlers.
type APIConfig struct {
	// Region is the region name used in ARNs.
	Region string
	// AccountID is the account used in ARNs (DynamoDB Local uses 000000000000).
	AccountID string
	// Expressions configures the expression compiler (its parse cache).
	Expressions expr.Config
	// Now is the clock for table timestamps; nil means time.Now.
	Now func() time.Time
	// Rand is the source of randomness for table IDs (TableId); nil means
	// crypto/rand. It must be safe for concurrent use.
	Rand io.Reader
	// Logger receives handler logs; nil discards them.
	Logger *slog.Logger
	// Capacity configures the admission of reads and writes (capacity.Config:
	// burst, on-demand limits, Disabled); its clock defaults to Now. The
	// buckets are this router's own: a cluster of N nodes admits up to N
	// times a table's rate.
	Capacity capacity.Config
}

// DefaultAPIConfig returns the defaults: us-east-1, account 000000000000,
// DynamoDB's capacity figures enforced.
func DefaultAPIConfig() APIConfig {
	return APIConfig{Region: "us-east-1", AccountID: "000000000000", Expressions: expr.DefaultConfig(),
		Capacity: capacity.DefaultConfig()}
}

// Validate reports the first problem with c, or nil.
func (c APIConfig) Validate() error {
	if c.Region == "" {
		return errors.New("router: APIConfig.Region is empty")
	}
	if c.AccountID == "" {
		return errors.New("router: APIConfig.AccountID is empty")
	}
	if err := c.Expressions.Validate(); err != nil {
		return fmt.Errorf("router: APIConfig.Expressions: %w", err)
	}
	if err := c.Capacity.Validate(); err != nil {
		return fmt.Errorf("router: APIConfig.Capacity: %w", err)
	}
	return nil
}

// API implements DynamoDB's operations over a Tables catalog and a Store.
// Register installs its handlers on a Server. It is safe for concurrent use.
type API struct {
	cfg      APIConfig
	tables   Tables
	store    Store
	exprs    *expr.Compiler
	capacity *capacity.Limiter
	now      func() time.Time
	rand     io.Reader
	log      *slog.Logger
	// lastSweep is when the capacity buckets of deleted tables were last
	// dropped (Unix nanoseconds of now).
	lastSweep atomic.Int64
}

// NewAPI returns the operation handlers over tables and store.
func NewAPI(cfg APIConfig, tables Tables, store Store) (*API, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	exprs, err := expr.New(cfg.Expressions)
	if err != nil {
		return nil, err
	}
	a := &API{cfg: cfg, tables: tables, store: store, exprs: exprs, now: cfg.Now, rand: cfg.Rand, log: cfg.Logger}
	if a.rand == nil {
		a.rand = rand.Reader
	}
	if a.now == nil {
		a.now = time.Now
	}
	ccfg := cfg.Capacity
	if ccfg.Now == nil {
		ccfg.Now = a.now
	}
	if a.capacity, err = capacity.New(ccfg); err != nil {
		return nil, err
	}
	a.lastSweep.Store(a.now().UnixNano())
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	a.log = a.log.With("component", "api")
	return a, nil
}

// Register installs the API's operation handlers on s.
func (a *API) Register(s *Server) {
	a.registerControl(s)
	a.registerItems(s)
	a.registerBatch(s)
	a.registerQuery(s)
}
