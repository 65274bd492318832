package replication

import (
	"testing"

	"github.com/dgraph-io/badger/v4"
	"github.com/hashicorp/raft"
)

// TestSnapshotMetaNeverGoesBack guards against a local snapshot taken at an
// earlier index, closed after a newer snapshot was restored, replacing the
// newer metadata (raft would then look for log entries the follower never
// had after a restart). It also checks that closing a sink twice counts once.
func TestSnapshotMetaNeverGoesBack(t *testing.T) {
	db, err := badger.Open(badger.DefaultOptions("").WithInMemory(true).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stable := raft.NewInmemStore()
	s, err := openSnapshotStore(1, db, KeyRange{}, stable, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	older, err := s.Create(raft.SnapshotVersionMax, 50, 3, raft.Configuration{}, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.setCurrent(raft.SnapshotMeta{ID: "restored", Index: 100, Term: 3}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := older.Close(); err != nil {
			t.Fatal(err)
		}
	}
	metas, err := s.List()
	if err != nil || len(metas) != 1 {
		t.Fatalf("List = %v, %v; want one snapshot", metas, err)
	}
	if metas[0].Index != 100 {
		t.Errorf("current snapshot index = %d after closing an older sink, want 100", metas[0].Index)
	}
	reopened, err := openSnapshotStore(1, db, KeyRange{}, stable, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if metas, _ := reopened.List(); len(metas) != 1 || metas[0].Index != 100 {
		t.Errorf("after reopening, snapshots = %v, want index 100", metas)
	}
}
