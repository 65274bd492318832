package raftlog

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/raft"
)

// openDB opens a raft Badger in dir, closed at cleanup unless closed before.
func openDB(t testing.TB, dir string, tweaks ...func(badger.Options) badger.Options) *badger.DB {
	t.Helper()
	opts := BadgerOptions(badger.DefaultOptions(dir).WithLogger(nil).WithMemTableSize(8 << 20))
	for _, tweak := range tweaks {
		opts = tweak(opts)
	}
	db, err := badger.Open(opts)
	if err != nil {
		t.Fatalf("badger.Open(%s): %v", dir, err)
	}
	t.Cleanup(func() {
		if !db.IsClosed() {
			db.Close()
		}
	})
	return db
}

// openStore starts a Store over db, closed at cleanup (before db).
func openStore(t testing.TB, db *badger.DB) *Store {
	t.Helper()
	s, err := Open(DefaultConfig(), db, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newStore(t testing.TB) *Store {
	t.Helper()
	return openStore(t, openDB(t, t.TempDir()))
}

func testLog(index, term uint64) *raft.Log {
	return &raft.Log{
		Index: index, Term: term, Type: raft.LogCommand,
		Data:       fmt.Appendf(nil, "cmd-%d-%d", index, term),
		AppendedAt: time.Unix(1_700_000_000, int64(index)),
	}
}

func logs(lo, hi, term uint64) []*raft.Log {
	var ls []*raft.Log
	for i := lo; i <= hi; i++ {
		ls = append(ls, testLog(i, term))
	}
	return ls
}

func checkBounds(t *testing.T, g *GroupStore, wantFirst, wantLast uint64) {
	t.Helper()
	first, err := g.FirstIndex()
	if err != nil || first != wantFirst {
		t.Errorf("group %d: FirstIndex() = %d, %v, want %d", g.ID(), first, err, wantFirst)
	}
	last, err := g.LastIndex()
	if err != nil || last != wantLast {
		t.Errorf("group %d: LastIndex() = %d, %v, want %d", g.ID(), last, err, wantLast)
	}
}

// checkLogs checks that g holds exactly the indexes in want (among 0..200),
// each with the given term.
func checkLogs(t *testing.T, g *GroupStore, want []uint64, term uint64) {
	t.Helper()
	for i := uint64(0); i <= 200; i++ {
		var got raft.Log
		err := g.GetLog(i, &got)
		if !slices.Contains(want, i) {
			if !errors.Is(err, raft.ErrLogNotFound) {
				t.Errorf("group %d: GetLog(%d) error = %v, want ErrLogNotFound", g.ID(), i, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("group %d: GetLog(%d): %v", g.ID(), i, err)
			continue
		}
		if diff := cmp.Diff(*testLog(i, term), got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("group %d: GetLog(%d) (-want +got):\n%s", g.ID(), i, diff)
		}
	}
}

func span(lo, hi uint64) []uint64 {
	var s []uint64
	for i := lo; i <= hi; i++ {
		s = append(s, i)
	}
	return s
}

func TestEmptyGroup(t *testing.T) {
	g := newStore(t).Group(1)
	checkBounds(t, g, 0, 0)
	var l raft.Log
	if err := g.GetLog(1, &l); !errors.Is(err, raft.ErrLogNotFound) {
		t.Errorf("GetLog(1) on empty group error = %v, want ErrLogNotFound", err)
	}
	// raft treats a store with no term, no logs and no snapshots as new.
	has, err := raft.HasExistingState(g, g, raft.NewDiscardSnapshotStore())
	if err != nil || has {
		t.Errorf("HasExistingState on empty group = %v, %v, want false, nil", has, err)
	}
}

func TestStoreLogAndGetLog(t *testing.T) {
	g := newStore(t).Group(1)
	want := &raft.Log{Index: 7, Term: 3, Type: raft.LogConfiguration, Data: []byte("cfg"), Extensions: []byte("x"), AppendedAt: time.Unix(5, 6)}
	if err := g.StoreLog(want); err != nil {
		t.Fatalf("StoreLog: %v", err)
	}
	var got raft.Log
	if err := g.GetLog(7, &got); err != nil {
		t.Fatalf("GetLog(7): %v", err)
	}
	if diff := cmp.Diff(*want, got); diff != "" {
		t.Errorf("GetLog(7) (-want +got):\n%s", diff)
	}
	checkBounds(t, g, 7, 7)
	// The store keeps its own copy: changing the caller's entry changes nothing.
	want.Data[0] = 'X'
	if err := g.GetLog(7, &got); err != nil || string(got.Data) != "cfg" {
		t.Errorf("GetLog(7) after caller reused its slice: Data = %q, %v, want %q", got.Data, err, "cfg")
	}
}

func TestStoreLogsBatch(t *testing.T) {
	g := newStore(t).Group(1)
	if err := g.StoreLogs(logs(1, 10, 1)); err != nil {
		t.Fatalf("StoreLogs(1-10): %v", err)
	}
	checkBounds(t, g, 1, 10)
	if err := g.StoreLogs(logs(11, 20, 1)); err != nil {
		t.Fatalf("StoreLogs(11-20): %v", err)
	}
	checkBounds(t, g, 1, 20)
	checkLogs(t, g, span(1, 20), 1)
	if err := g.StoreLogs(nil); err != nil {
		t.Errorf("StoreLogs(nil) = %v, want nil", err)
	}
}

func TestDeleteRange(t *testing.T) {
	tests := []struct {
		name        string
		lo, hi      uint64
		first, last uint64
		want        []uint64
	}{
		{"prefix (compaction)", 1, 5, 6, 20, span(6, 20)},
		{"suffix (truncation)", 15, 20, 1, 14, span(1, 14)},
		{"everything", 1, 20, 0, 0, nil},
		{"wider than the log", 0, 1000, 0, 0, nil},
		{"middle", 5, 9, 1, 20, append(span(1, 4), span(10, 20)...)},
		{"nothing stored there", 30, 40, 1, 20, span(1, 20)},
		{"empty range", 9, 8, 1, 20, span(1, 20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newStore(t).Group(3)
			if err := g.StoreLogs(logs(1, 20, 1)); err != nil {
				t.Fatalf("StoreLogs: %v", err)
			}
			checkBounds(t, g, 1, 20) // load the cache before the delete
			if err := g.DeleteRange(tt.lo, tt.hi); err != nil {
				t.Fatalf("DeleteRange(%d, %d): %v", tt.lo, tt.hi, err)
			}
			checkBounds(t, g, tt.first, tt.last)
			checkLogs(t, g, tt.want, 1)
		})
	}
}

// TestDeleteRangeOverGap guards the bounds cache: after a snapshot a group's
// log can have a gap, and deleting the prefix before the gap must move
// FirstIndex past the gap, not to max+1.
func TestDeleteRangeOverGap(t *testing.T) {
	g := newStore(t).Group(1)
	if err := g.StoreLogs(append(logs(1, 5, 1), logs(50, 55, 1)...)); err != nil {
		t.Fatal(err)
	}
	checkBounds(t, g, 1, 55)
	if err := g.DeleteRange(1, 10); err != nil {
		t.Fatal(err)
	}
	checkBounds(t, g, 50, 55)
	if err := g.DeleteRange(52, 100); err != nil {
		t.Fatal(err)
	}
	checkBounds(t, g, 50, 51)
}

// TestTruncateThenAppend mirrors a follower resolving a conflict: it drops
// its suffix and stores the leader's entries at the same indexes, with a
// newer term.
func TestTruncateThenAppend(t *testing.T) {
	g := newStore(t).Group(1)
	if err := g.StoreLogs(logs(1, 10, 1)); err != nil {
		t.Fatal(err)
	}
	if err := g.DeleteRange(6, 10); err != nil {
		t.Fatal(err)
	}
	if err := g.StoreLogs(logs(6, 8, 2)); err != nil {
		t.Fatal(err)
	}
	checkBounds(t, g, 1, 8)
	for i := uint64(1); i <= 10; i++ {
		var l raft.Log
		err := g.GetLog(i, &l)
		switch {
		case i > 8:
			if !errors.Is(err, raft.ErrLogNotFound) {
				t.Errorf("GetLog(%d) error = %v, want ErrLogNotFound", i, err)
			}
		case err != nil:
			t.Errorf("GetLog(%d): %v", i, err)
		case i <= 5 && l.Term != 1, i > 5 && l.Term != 2:
			t.Errorf("GetLog(%d) = term %d, want %d", i, l.Term, min(i/6+1, 2))
		}
	}
}

func TestStableStore(t *testing.T) {
	g := newStore(t).Group(1)
	if v, err := g.Get([]byte("missing")); err != nil || v != nil {
		t.Errorf("Get(missing) = %q, %v, want nil, nil", v, err)
	}
	if v, err := g.GetUint64([]byte("missing")); err != nil || v != 0 {
		t.Errorf("GetUint64(missing) = %d, %v, want 0, nil", v, err)
	}
	val := []byte("node-2")
	if err := g.Set([]byte("LastVoteCand"), val); err != nil {
		t.Fatal(err)
	}
	val[0] = 'X' // the store must have copied it
	if v, err := g.Get([]byte("LastVoteCand")); err != nil || string(v) != "node-2" {
		t.Errorf("Get(LastVoteCand) = %q, %v, want %q", v, err, "node-2")
	}
	for _, term := range []uint64{1, 42, 1 << 63} {
		if err := g.SetUint64([]byte("CurrentTerm"), term); err != nil {
			t.Fatal(err)
		}
		if v, err := g.GetUint64([]byte("CurrentTerm")); err != nil || v != term {
			t.Errorf("GetUint64(CurrentTerm) = %d, %v, want %d", v, err, term)
		}
	}
	if err := g.Set([]byte("odd"), []byte("abc")); err != nil {
		t.Fatal(err)
	}
	if _, err := g.GetUint64([]byte("odd")); !errors.Is(err, ErrCorrupt) {
		t.Errorf("GetUint64 of a 3-byte value error = %v, want ErrCorrupt", err)
	}
	// Stable keys never show up as logs.
	checkBounds(t, g, 0, 0)
}

func TestGroupsIsolated(t *testing.T) {
	s := newStore(t)
	// Ids chosen so that their big-endian encodings differ only in one byte
	// at either end.
	a, b, c := s.Group(1), s.Group(256), s.Group(1<<56)
	if s.Group(1) != a {
		t.Errorf("Group(1) returned a different *GroupStore the second time")
	}
	if err := a.StoreLogs(logs(1, 10, 1)); err != nil {
		t.Fatal(err)
	}
	if err := b.StoreLogs(logs(5, 15, 2)); err != nil {
		t.Fatal(err)
	}
	if err := a.SetUint64([]byte("CurrentTerm"), 1); err != nil {
		t.Fatal(err)
	}
	if err := b.SetUint64([]byte("CurrentTerm"), 2); err != nil {
		t.Fatal(err)
	}
	checkBounds(t, a, 1, 10)
	checkBounds(t, b, 5, 15)
	checkBounds(t, c, 0, 0)
	if err := a.DeleteRange(0, 100); err != nil {
		t.Fatal(err)
	}
	checkBounds(t, a, 0, 0)
	checkLogs(t, b, span(5, 15), 2)
	checkLogs(t, c, nil, 0)
	for _, tc := range []struct {
		g    *GroupStore
		want uint64
	}{{a, 1}, {b, 2}, {c, 0}} {
		if v, err := tc.g.GetUint64([]byte("CurrentTerm")); err != nil || v != tc.want {
			t.Errorf("group %d: GetUint64(CurrentTerm) = %d, %v, want %d", tc.g.ID(), v, err, tc.want)
		}
	}
}

func TestPersistsAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir)
	s := openStore(t, db)
	g1, g2 := s.Group(1), s.Group(2)
	if err := g1.StoreLogs(logs(1, 30, 4)); err != nil {
		t.Fatal(err)
	}
	if err := g1.DeleteRange(1, 9); err != nil {
		t.Fatal(err)
	}
	if err := g2.StoreLogs(logs(100, 120, 4)); err != nil {
		t.Fatal(err)
	}
	if err := g1.SetUint64([]byte("CurrentTerm"), 4); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s = openStore(t, openDB(t, dir))
	g1, g2 = s.Group(1), s.Group(2)
	checkBounds(t, g1, 10, 30)
	checkBounds(t, g2, 100, 120)
	checkLogs(t, g1, span(10, 30), 4)
	if v, err := g1.GetUint64([]byte("CurrentTerm")); err != nil || v != 4 {
		t.Errorf("GetUint64(CurrentTerm) after reopen = %d, %v, want 4", v, err)
	}
}

// TestGroupCommit checks that concurrent writers of different groups share
// fsyncs: 16 writers x 50 StoreLogs over 8 groups need far fewer fsyncs
// than writes, and every entry is stored.
func TestGroupCommit(t *testing.T) {
	const writers, perWriter, groups = 16, 50, 8
	s := newStore(t)
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := s.Group(uint64(w % groups))
			base := uint64(w/groups) * 1000 // two writers per group, disjoint indexes
			for i := range uint64(perWriter) {
				if err := g.StoreLogs([]*raft.Log{testLog(base+i+1, 1)}); err != nil {
					errs <- err
					return
				}
				if _, err := g.LastIndex(); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	st := s.Stats()
	t.Logf("stats: %+v (%.2f fsyncs per write)", st, float64(st.Syncs)/float64(st.Writes))
	if st.Writes != writers*perWriter || st.Logs != writers*perWriter {
		t.Errorf("Stats Writes = %d, Logs = %d, want %d each", st.Writes, st.Logs, writers*perWriter)
	}
	if st.Syncs == 0 || st.Syncs >= st.Writes/2 {
		t.Errorf("Stats Syncs = %d for %d writes, want between 1 and half the writes", st.Syncs, st.Writes)
	}
	for id := range uint64(groups) {
		g := s.Group(id)
		checkBounds(t, g, 1, 1000+perWriter)
		for _, i := range []uint64{1, perWriter, 1001, 1000 + perWriter} {
			var l raft.Log
			if err := g.GetLog(i, &l); err != nil {
				t.Errorf("group %d: GetLog(%d): %v", id, i, err)
			}
		}
	}
}

// TestLargeRoundSplits stores more than one Badger transaction can hold and
// checks that it is split into several commits, each synced, and all stored.
func TestLargeRoundSplits(t *testing.T) {
	// A 1 MiB memtable caps a Badger transaction at about 150 KiB.
	s := openStore(t, openDB(t, t.TempDir(), func(o badger.Options) badger.Options {
		return o.WithMemTableSize(1 << 20).WithValueThreshold(64 << 10)
	}))
	g := s.Group(9)
	var ls []*raft.Log
	for i := uint64(1); i <= 100; i++ {
		ls = append(ls, &raft.Log{Index: i, Term: 1, Data: make([]byte, 4096)})
	}
	if err := g.StoreLogs(ls); err != nil {
		t.Fatalf("StoreLogs of 400 KiB: %v", err)
	}
	st := s.Stats()
	if st.Commits < 3 || st.Syncs != st.Commits {
		t.Errorf("Stats = %+v, want at least 3 commits, each synced", st)
	}
	checkBounds(t, g, 1, 100)
	if err := g.DeleteRange(1, 100); err != nil {
		t.Fatal(err)
	}
	checkBounds(t, g, 0, 0)
}

func TestClosed(t *testing.T) {
	s := newStore(t)
	g := s.Group(1)
	if err := g.StoreLogs(logs(1, 3, 1)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := g.StoreLog(testLog(4, 1)); !errors.Is(err, ErrClosed) {
		t.Errorf("StoreLog after Close error = %v, want ErrClosed", err)
	}
	if _, err := g.LastIndex(); !errors.Is(err, ErrClosed) {
		t.Errorf("LastIndex after Close error = %v, want ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
}

// TestSyncFailureStops checks that a failed fsync fails the write that
// waited for it and every later call: the store never acknowledges a write
// after the disk lost track of what it holds.
func TestSyncFailureStops(t *testing.T) {
	db := openDB(t, t.TempDir())
	var failing sync.Mutex // held while syncs should fail; TryLock probes it
	s, err := open(DefaultConfig(), db, func() error {
		if !failing.TryLock() {
			return errors.New("disk on fire")
		}
		failing.Unlock()
		return db.Sync()
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	g := s.Group(1)
	if err := g.StoreLogs(logs(1, 3, 1)); err != nil {
		t.Fatalf("StoreLogs before the failure: %v", err)
	}
	failing.Lock()
	err = g.StoreLogs(logs(4, 5, 1))
	if !errors.Is(err, ErrFailed) {
		t.Errorf("StoreLogs with a failing sync error = %v, want ErrFailed", err)
	}
	failing.Unlock()
	if err := g.SetUint64([]byte("CurrentTerm"), 2); !errors.Is(err, ErrFailed) {
		t.Errorf("SetUint64 after the failure error = %v, want ErrFailed", err)
	}
	if _, err := g.LastIndex(); !errors.Is(err, ErrFailed) {
		t.Errorf("LastIndex after the failure error = %v, want ErrFailed", err)
	}
}
