package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/atolldb/atoll/replication/meta"
)

// MetaProposer is the meta group as the replicated catalog uses it:
// *route.MetaClient. State returns the local replica's state; Propose
// applies a command at the meta leader and returns once the local replica
// has applied it; Sync returns once the local replica has applied every
// command committed before the call.
type MetaProposer interface {
	State() *meta.State
	Propose(ctx context.Context, cmd *meta.Command) (meta.Result, error)
	Sync(ctx context.Context) error
}

// syncTimeout bounds the sync with the meta leader after a lookup miss.
const syncTimeout = 2 * time.Second

// Replicated is the catalog of a cluster node: tables live in the meta
// group (as JSON records), reads come from the local replica's state and
// changes are proposed at the meta leader. It is safe for concurrent use.
type Replicated struct {
	meta    MetaProposer
	timeout time.Duration

	// decoded caches the tables of one meta state: read without a lock on
	// every request, replaced (under mu) when the state changed.
	decoded atomic.Pointer[decodedState]
	mu      sync.Mutex
}

// decodedState holds the tables of one meta state, decoded once.
type decodedState struct {
	state  *meta.State
	tables map[string]*Table
}

// NewReplicated returns the catalog over the meta group; timeout bounds
// each change.
func NewReplicated(m MetaProposer, timeout time.Duration) *Replicated {
	return &Replicated{meta: m, timeout: timeout}
}

// current returns the decoded tables of the replica's latest state.
func (c *Replicated) current() (*decodedState, error) {
	st := c.meta.State()
	if d := c.decoded.Load(); d != nil && d.state == st {
		return d, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if d := c.decoded.Load(); d != nil && d.state == st {
		return d, nil
	}
	d := &decodedState{state: st, tables: make(map[string]*Table, len(st.Tables))}
	for name, rec := range st.Tables {
		t, err := decodeRecord(rec)
		if err != nil {
			return nil, err
		}
		d.tables[name] = t
	}
	c.decoded.Store(d)
	return d, nil
}

func decodeRecord(rec meta.Table) (*Table, error) {
	var t Table
	if err := json.Unmarshal(rec.Data, &t); err != nil {
		return nil, fmt.Errorf("table %q in the meta group: %w", rec.Name, err)
	}
	t.Name, t.ID = rec.Name, rec.ID
	return &t, nil
}

// Get returns a copy of the named table, or ErrTableNotFound. A table the
// local replica does not know is looked up again after syncing with the
// meta leader, so a table created through another node a moment ago is
// found (as DynamoDB's DescribeTable finds a table right after its
// CreateTable).
func (c *Replicated) Get(name string) (*Table, error) {
	d, err := c.current()
	if err != nil {
		return nil, err
	}
	if t, ok := d.tables[name]; ok {
		return t.Clone(), nil
	}
	// Bounded: a node cut off from the meta leader answers from what it
	// knows rather than hanging.
	ctx, cancel := context.WithTimeout(context.Background(), min(c.timeout, syncTimeout))
	defer cancel()
	if err := c.meta.Sync(ctx); err != nil {
		return nil, ErrTableNotFound
	}
	if d, err = c.current(); err != nil {
		return nil, err
	}
	t, ok := d.tables[name]
	if !ok {
		return nil, ErrTableNotFound
	}
	return t.Clone(), nil
}

// List returns copies of every table, sorted by name.
func (c *Replicated) List() []*Table {
	d, err := c.current()
	if err != nil {
		return nil
	}
	out := make([]*Table, 0, len(d.tables))
	for _, t := range d.tables {
		out = append(out, t.Clone())
	}
	slices.SortFunc(out, func(a, b *Table) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func (c *Replicated) propose(cmd *meta.Command) (meta.Result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	res, err := c.meta.Propose(ctx, cmd)
	if err != nil {
		return res, fmt.Errorf("meta group: %w", err)
	}
	switch {
	case errors.Is(res.Err, meta.ErrTableExists):
		return res, ErrTableExists
	case errors.Is(res.Err, meta.ErrTableNotFound):
		return res, ErrTableNotFound
	}
	return res, res.Err
}

// Create allocates an id for t in the meta group and returns the stored copy.
func (c *Replicated) Create(t *Table) (*Table, error) {
	raw, err := json.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("encode table %q: %w", t.Name, err)
	}
	res, err := c.propose(&meta.Command{Op: meta.OpCreateTable, Table: &meta.Table{Name: t.Name, Data: raw}})
	if err != nil {
		return nil, err
	}
	return decodeRecord(res.Table)
}

// Update applies fn to a copy of the named table and stores it, retrying
// when another change came first. An error from fn is returned as is.
func (c *Replicated) Update(name string, fn func(*Table) error) (*Table, error) {
	for {
		rec, cur, err := c.record(name)
		if err != nil {
			return nil, err
		}
		if err := fn(cur); err != nil {
			return nil, err
		}
		cur.Name, cur.ID = rec.Name, rec.ID
		raw, err := json.Marshal(cur)
		if err != nil {
			return nil, fmt.Errorf("encode table %q: %w", name, err)
		}
		res, err := c.propose(&meta.Command{Op: meta.OpPutTable, Table: &meta.Table{Name: name, ID: rec.ID, Version: rec.Version, Data: raw}})
		if errors.Is(err, meta.ErrVersionMismatch) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return decodeRecord(res.Table)
	}
}

// Delete removes the named table after check (when not nil) accepts it, and
// returns its last metadata, retrying when another change came first.
func (c *Replicated) Delete(name string, check func(*Table) error) (*Table, error) {
	for {
		rec, cur, err := c.record(name)
		if err != nil {
			return nil, err
		}
		if check != nil {
			if err := check(cur); err != nil {
				return nil, err
			}
		}
		_, err = c.propose(&meta.Command{Op: meta.OpDeleteTable, Table: &meta.Table{Name: name, ID: rec.ID, Version: rec.Version}})
		if errors.Is(err, meta.ErrVersionMismatch) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return cur, nil
	}
}

// record returns the named table's meta record and a decoded copy.
func (c *Replicated) record(name string) (meta.Table, *Table, error) {
	rec, ok := c.meta.State().Table(name)
	if !ok {
		return meta.Table{}, nil, ErrTableNotFound
	}
	t, err := decodeRecord(rec)
	return rec, t, err
}
