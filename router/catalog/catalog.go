package catalog

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/dgraph-io/badger/v4"

	"github.com/atolldb/atoll/partition/keys"
)

// Errors of the catalog.
var (
	// ErrTableExists is returned by Create when a live table has the name.
	ErrTableExists = errors.New("catalog: table already exists")
	// ErrTableNotFound is returned when no live table has the name.
	ErrTableNotFound = errors.New("catalog: table not found")
)

// Catalog keys live under table id 0 of the data DB, beside the state
// machines' system keys (which use the bytes 1 and 2 after the prefix).
const (
	sysTable  byte = 0x10 // || name -> JSON Table
	sysNextID byte = 0x11 // -> next table id
)

// Catalog is the single-node table catalog: the tables' metadata, kept in
// memory and persisted (synced) in the node's data DB. It is safe for
// concurrent use. A node uses Replicated (the meta group) instead.
type Catalog struct {
	db *badger.DB

	mu sync.Mutex
	// tables maps live table names to their metadata; guarded by mu.
	tables map[string]*Table
	// nextID is the next table id to allocate; guarded by mu.
	nextID uint64
}

func tableKey(name string) []byte {
	k := keys.TablePrefix(0)
	k = append(k, sysTable)
	return append(k, name...)
}

func nextIDKey() []byte { return append(keys.TablePrefix(0), sysNextID) }

// OpenCatalog loads the catalog stored in db.
func OpenCatalog(db *badger.DB) (*Catalog, error) {
	c := &Catalog{db: db, tables: map[string]*Table{}, nextID: 1}
	err := db.View(func(txn *badger.Txn) error {
		if it, err := txn.Get(nextIDKey()); err == nil {
			if err := it.Value(func(v []byte) error {
				if len(v) != 8 {
					return fmt.Errorf("next table id of %d bytes", len(v))
				}
				c.nextID = binary.BigEndian.Uint64(v)
				return nil
			}); err != nil {
				return err
			}
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		opts := badger.DefaultIteratorOptions
		opts.Prefix = tableKey("")
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var t Table
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &t) }); err != nil {
				return fmt.Errorf("table %q: %w", it.Item().Key()[len(opts.Prefix):], err)
			}
			c.tables[t.Name] = &t
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("open catalog: %w", err)
	}
	return c, nil
}

// Get returns a copy of the named table's metadata, or ErrTableNotFound.
func (c *Catalog) Get(name string) (*Table, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.tables[name]
	if !ok {
		return nil, ErrTableNotFound
	}
	return t.Clone(), nil
}

// List returns copies of every live table's metadata, sorted by name.
func (c *Catalog) List() []*Table {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]*Table, 0, len(c.tables))
	for _, t := range c.tables {
		out = append(out, t.Clone())
	}
	slices.SortFunc(out, func(a, b *Table) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return out
}

// Create allocates an id for t, stores it durably and returns the stored copy.
func (c *Catalog) Create(t *Table) (*Table, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.tables[t.Name]; ok {
		return nil, ErrTableExists
	}
	t = t.Clone()
	t.ID = c.nextID
	var next [8]byte
	binary.BigEndian.PutUint64(next[:], t.ID+1)
	if err := c.store(t, next[:]); err != nil {
		return nil, err
	}
	c.nextID++
	c.tables[t.Name] = t
	return t.Clone(), nil
}

// Update applies fn to a copy of the named table and stores the result
// durably. An error from fn aborts the update and is returned as is.
func (c *Catalog) Update(name string, fn func(*Table) error) (*Table, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cur, ok := c.tables[name]
	if !ok {
		return nil, ErrTableNotFound
	}
	t := cur.Clone()
	if err := fn(t); err != nil {
		return nil, err
	}
	t.Name, t.ID = cur.Name, cur.ID
	if err := c.store(t, nil); err != nil {
		return nil, err
	}
	c.tables[name] = t
	return t.Clone(), nil
}

// Delete removes the named table from the catalog durably and returns its
// last metadata. check, when not nil, may refuse the deletion by returning
// an error (returned as is). The table's data is removed separately.
func (c *Catalog) Delete(name string, check func(*Table) error) (*Table, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.tables[name]
	if !ok {
		return nil, ErrTableNotFound
	}
	if check != nil {
		if err := check(t.Clone()); err != nil {
			return nil, err
		}
	}
	err := c.db.Update(func(txn *badger.Txn) error { return txn.Delete(tableKey(name)) })
	if err == nil {
		err = c.db.Sync()
	}
	if err != nil {
		return nil, fmt.Errorf("delete table %q: %w", name, err)
	}
	delete(c.tables, name)
	return t.Clone(), nil
}

// store writes t (and the next id, when not nil) durably.
func (c *Catalog) store(t *Table, nextID []byte) error {
	raw, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("encode table %q: %w", t.Name, err)
	}
	err = c.db.Update(func(txn *badger.Txn) error {
		if nextID != nil {
			if err := txn.Set(nextIDKey(), nextID); err != nil {
				return err
			}
		}
		return txn.Set(tableKey(t.Name), raw)
	})
	if err == nil {
		err = c.db.Sync()
	}
	if err != nil {
		return fmt.Errorf("store table %q: %w", t.Name, err)
	}
	return nil
}
