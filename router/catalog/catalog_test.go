package catalog

import (
	"errors"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/atolldb/atoll/partition/value"
)

func openDB(t *testing.T, dir string) *badger.DB {
	t.Helper()
	db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil).WithMemTableSize(8 << 20))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestCatalogPersistsAndNeverReusesIDs(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir)
	c, err := OpenCatalog(db)
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.Create(&Table{Name: "a", PartitionKey: KeyAttr{Name: "pk", Type: value.TypeS}, Status: StatusActive})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Create(&Table{Name: "a"}); !errors.Is(err, ErrTableExists) {
		t.Errorf("Create(duplicate) = %v, want ErrTableExists", err)
	}
	if _, err := c.Update("a", func(t *Table) error { t.ReadCapacity = 9; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Delete("a", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get("a"); !errors.Is(err, ErrTableNotFound) {
		t.Errorf("Get(deleted) = %v, want ErrTableNotFound", err)
	}
	b, err := c.Create(&Table{Name: "b", Tags: []Tag{{Key: "k", Value: "v"}}})
	if err != nil {
		t.Fatal(err)
	}
	if b.ID == a.ID {
		t.Errorf("table id %d reused", b.ID)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = openDB(t, dir)
	defer db.Close()
	c, err = OpenCatalog(db)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Get("b")
	if err != nil || got.ID != b.ID || len(got.Tags) != 1 {
		t.Fatalf("after reopen Get(b) = %+v, %v", got, err)
	}
	got.Tags[0].Value = "changed"
	if again, _ := c.Get("b"); again.Tags[0].Value != "v" {
		t.Errorf("Get returned shared state: a caller's change leaked into the catalog")
	}
	c2, err := c.Create(&Table{Name: "c"})
	if err != nil {
		t.Fatal(err)
	}
	if c2.ID <= b.ID {
		t.Errorf("after reopen new id %d <= previous %d", c2.ID, b.ID)
	}
	if names := c.List(); len(names) != 2 || names[0].Name != "b" || names[1].Name != "c" {
		t.Errorf("List = %v, want [b c]", names)
	}
}

func TestCatalogUpdateAndDeleteChecks(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	c, err := OpenCatalog(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Create(&Table{Name: "p", DeletionProtection: true}); err != nil {
		t.Fatal(err)
	}
	refuse := errors.New("protected")
	if _, err := c.Delete("p", func(t *Table) error {
		if t.DeletionProtection {
			return refuse
		}
		return nil
	}); !errors.Is(err, refuse) {
		t.Errorf("Delete(protected) = %v, want the check's error", err)
	}
	if _, err := c.Update("p", func(t *Table) error { t.Name = "renamed"; return refuse }); !errors.Is(err, refuse) {
		t.Errorf("Update with failing fn = %v", err)
	}
	if _, err := c.Get("p"); err != nil {
		t.Errorf("table gone after refused operations: %v", err)
	}
	if _, err := c.Update("missing", func(*Table) error { return nil }); !errors.Is(err, ErrTableNotFound) {
		t.Errorf("Update(missing) = %v, want ErrTableNotFound", err)
	}
}
