package replication

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/atolldb/atoll/partition"
	"github.com/atolldb/atoll/partition/keys"
)

// midRing is a group range that leaves positions on both sides to other
// groups.
var midRing = KeyRange{Start: []byte{0x40}, End: []byte{0xC0}}

func TestRaftSnapshotCatchUpByteIdentical(t *testing.T) {
	forStacks(t, func(t *testing.T, s stack) {
		cfg := testRaftConfig(t)
		cfg.TrailingLogs = 2 // a snapshot compacts nearly the whole log
		c := newTestCluster(t, s, 3, cfg)
		const group = 7
		c.startGroup(group, midRing)

		in := keysIn(t, midRing, "k", 40)
		for i, pk := range in {
			for _, table := range []uint64{1, 2} {
				cmd := putCmd(t, table, pk, int64(i))
				if table == 2 {
					// Request deduplication records travel with the group.
					cmd.ID = fmt.Appendf(nil, "put-%d", i)
				}
				if err := c.putUntilAcked(group, cmd); err != nil {
					t.Fatal(err)
				}
			}
		}
		// Deletes too, so statistics and tombstones are part of the picture.
		for _, pk := range in[:5] {
			cmd := putCmd(t, 2, pk, 0)
			cmd.Op, cmd.Item = partition.OpDelete, nil
			if err := c.putUntilAcked(group, cmd); err != nil {
				t.Fatal(err)
			}
		}
		_, lg := c.leader(group)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := lg.Snapshot(ctx); err != nil {
			t.Fatalf("Snapshot: %v", err)
		}

		// A new node whose DB already holds another group's data (outside the
		// range and under another group id) and stale keys inside the range.
		d := c.addNode("n4")
		other, err := partition.NewStateMachine(d.db, 8, nil)
		if err != nil {
			t.Fatal(err)
		}
		outside := keysIn(t, KeyRange{Start: []byte{0xC0}}, "o", 3)
		for i, pk := range outside {
			e := partition.Entry{Index: uint64(i + 1), Time: 1, Command: putCmd(t, 1, pk, 1).Encode(nil)}
			if _, err := other.Apply([]partition.Entry{e}); err != nil {
				t.Fatal(err)
			}
		}
		foreign := dumpGroup(t, d.db, 8, KeyRange{Start: []byte{0xC0}})
		stale := keys.DataKey(1, position(t, keysIn(t, midRing, "stale", 1)[0]))
		if err := d.db.Update(func(txn *badger.Txn) error { return txn.Set(stale, []byte("junk")) }); err != nil {
			t.Fatal(err)
		}

		dg := d.start(GroupSpec{ID: group, Range: midRing})
		if err := lg.AddNonvoter(ctx, d.peer()); err != nil {
			t.Fatalf("AddNonvoter: %v", err)
		}
		eventually(t, 20*time.Second, "the new replica to catch up", func() bool {
			return dg.AppliedIndex() >= lg.AppliedIndex()
		})
		eventually(t, 5*time.Second, "the new replica to count a snapshot restore (the log was compacted)", func() bool {
			return dg.fsm.restores.Load() > 0
		})
		if err := lg.AddVoter(ctx, d.peer()); err != nil {
			t.Fatalf("AddVoter: %v", err)
		}

		// A lagging replica: stopped while the group moves on and compacts.
		var lagging *testNode
		for _, n := range c.nodes[:3] {
			if g := n.group(group); g != nil && !g.IsLeader() {
				lagging = n
				break
			}
		}
		lagging.stop()
		for i, pk := range in[:10] {
			if err := c.putUntilAcked(group, putCmd(t, 1, pk, int64(100+i))); err != nil {
				t.Fatal(err)
			}
		}
		_, lg = c.leader(group)
		if err := lg.Snapshot(ctx); err != nil {
			t.Fatalf("Snapshot: %v", err)
		}
		lagging.open()
		lg2 := lagging.group(group)
		c.waitConverged(group)
		// The restore counts itself just after the applied index moves.
		eventually(t, 5*time.Second, "the lagging replica to count a snapshot restore (the log it missed was compacted)", func() bool {
			return lg2.fsm.restores.Load() > 0
		})

		// Every replica's group keys are byte-identical.
		ref := dumpGroup(t, c.nodes[0].db, group, midRing)
		if len(ref) < 150 {
			t.Fatalf("group dump has %d keys, want at least 150 (items and dedup records)", len(ref))
		}
		for _, n := range c.nodes[1:] {
			if diff := diffDumps(ref, dumpGroup(t, n.db, group, midRing)); diff != "" {
				t.Errorf("node %s differs from %s: %s", n.id, c.nodes[0].id, diff)
			}
		}
		if diff := diffDumps(foreign, dumpGroup(t, d.db, 8, KeyRange{Start: []byte{0xC0}})); diff != "" {
			t.Errorf("another group's data changed on the new node: %s", diff)
		}
		err = d.db.View(func(txn *badger.Txn) error {
			_, err := txn.Get(stale)
			return err
		})
		if !errors.Is(err, badger.ErrKeyNotFound) {
			t.Errorf("stale key in the range survived the restore: %v", err)
		}
	})
}

// fillGroup writes n items of group into db through a state machine.
func fillGroup(t *testing.T, db *badger.DB, group uint64, span KeyRange, n int) *partition.StateMachine {
	t.Helper()
	sm, err := partition.NewStateMachine(db, group, nil)
	if err != nil {
		t.Fatal(err)
	}
	var entries []partition.Entry
	for i, pk := range keysIn(t, span, "f", n) {
		entries = append(entries, partition.Entry{Index: uint64(i + 1), Time: uint64(i), Command: putCmd(t, 1, pk, int64(i)).Encode(nil)})
	}
	if _, err := sm.Apply(entries); err != nil {
		t.Fatal(err)
	}
	return sm
}

func readAllSnapshot(t *testing.T, db *badger.DB, group uint64, span KeyRange) []byte {
	t.Helper()
	r, size, err := openSnapshotReader(db, group, span)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(b)) != size {
		t.Fatalf("snapshot stream of %d bytes, announced %d", len(b), size)
	}
	return b
}

func TestSnapshotStreamRoundTrip(t *testing.T) {
	src := openTestDB(t, t.TempDir())
	t.Cleanup(func() { src.Close() })
	fillGroup(t, src, 3, midRing, 50)
	stream := readAllSnapshot(t, src, 3, midRing)

	dst := openTestDB(t, t.TempDir())
	t.Cleanup(func() { dst.Close() })
	if err := verifySnapshot(bytes.NewReader(stream), 3, midRing); err != nil {
		t.Fatalf("verify: %v", err)
	}
	if err := clearGroup(dst, 3, midRing); err != nil {
		t.Fatal(err)
	}
	if err := ingestSnapshot(dst, bytes.NewReader(stream), 3, midRing); err != nil {
		t.Fatalf("ingest: %v", err)
	}
	if diff := diffDumps(dumpGroup(t, src, 3, midRing), dumpGroup(t, dst, 3, midRing)); diff != "" {
		t.Errorf("restored group differs: %s", diff)
	}
	sm, err := partition.NewStateMachine(dst, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sm.AppliedIndex() != 50 {
		t.Errorf("restored applied index = %d, want 50", sm.AppliedIndex())
	}
}

func TestSnapshotStreamRejectsDamage(t *testing.T) {
	db := openTestDB(t, t.TempDir())
	t.Cleanup(func() { db.Close() })
	fillGroup(t, db, 3, midRing, 20)
	stream := readAllSnapshot(t, db, 3, midRing)
	tests := []struct {
		name  string
		data  []byte
		group uint64
		span  KeyRange
	}{
		{"flipped byte", flip(stream, len(stream)/2), 3, midRing},
		{"truncated", stream[:len(stream)-5], 3, midRing},
		{"trailing data", append(bytes.Clone(stream), 0), 3, midRing},
		{"other group", stream, 4, midRing},
		{"other range", stream, 3, KeyRange{Start: []byte{0x40}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := verifySnapshot(bytes.NewReader(tc.data), tc.group, tc.span); !errors.Is(err, ErrBadSnapshot) {
				t.Errorf("verifySnapshot = %v, want ErrBadSnapshot", err)
			}
		})
	}
}

func flip(b []byte, i int) []byte {
	b = bytes.Clone(b)
	b[i] ^= 0x55
	return b
}

func TestGroupCursorSkipsOtherRanges(t *testing.T) {
	db := openTestDB(t, t.TempDir())
	t.Cleanup(func() { db.Close() })
	fillGroup(t, db, 3, midRing, 10)
	fillGroup(t, db, 4, KeyRange{End: []byte{0x40}}, 10)
	fillGroup(t, db, 5, KeyRange{Start: []byte{0xC0}}, 10)
	got := dumpGroup(t, db, 3, midRing)
	// 10 items, the applied index and one statistics key.
	if len(got) != 12 {
		t.Fatalf("group dump has %d keys, want 12", len(got))
	}
	for _, e := range got {
		if !isGroupKey(e.Key, 3, midRing) {
			t.Errorf("key %x is not the group's", e.Key)
		}
	}
}

// TestSnapshotStreamCarriesDedup checks that a group's request
// deduplication records travel in its snapshot, and only the group's: a
// replica restored from the stream answers a retry with the recorded result.
func TestSnapshotStreamCarriesDedup(t *testing.T) {
	src := openTestDB(t, t.TempDir())
	t.Cleanup(func() { src.Close() })
	cmd := func(pk, id string) *partition.Command {
		c := incrOnce(t, pk, 0)
		c.Condition = nil
		c.ID = []byte(id)
		return c
	}
	pk := keysIn(t, midRing, "c", 1)[0]
	// Groups on both sides of 3 (in id and in ring) have records too.
	spans := map[uint64]KeyRange{2: {End: midRing.Start}, 3: midRing, 4: {Start: midRing.End}}
	for group, span := range spans {
		sm, err := partition.NewStateMachine(src, group, nil)
		if err != nil {
			t.Fatal(err)
		}
		key := keysIn(t, span, "c", 1)[0]
		var entries []partition.Entry
		for i := range 20 {
			entries = append(entries, partition.Entry{Index: uint64(i + 1), Time: uint64(i + 1), Command: cmd(key, fmt.Sprintf("r%d", i)).Encode(nil)})
		}
		if _, err := sm.Apply(entries); err != nil {
			t.Fatal(err)
		}
	}
	want := dumpGroup(t, src, 3, midRing)
	// One item, the applied index, one statistics key, 20 records and 20
	// expiry index keys.
	if len(want) != 43 {
		t.Fatalf("group dump has %d keys, want 43", len(want))
	}
	stream := readAllSnapshot(t, src, 3, midRing)

	dst := openTestDB(t, t.TempDir())
	t.Cleanup(func() { dst.Close() })
	if err := ingestSnapshot(dst, bytes.NewReader(stream), 3, midRing); err != nil {
		t.Fatalf("ingest: %v", err)
	}
	if diff := diffDumps(want, dumpGroup(t, dst, 3, midRing)); diff != "" {
		t.Errorf("restored group differs: %s", diff)
	}
	restored, err := partition.NewStateMachine(dst, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := restored.Apply([]partition.Entry{{Index: 21, Time: 21, Command: cmd(pk, "r7").Encode(nil)}})
	if err != nil {
		t.Fatal(err)
	}
	it, err := restored.Get(1, position(t, pk))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := it["n"].N.Int64(); got != 20 {
		t.Errorf("counter after a retry on the restored replica = %d, want 20 (deduplicated)", got)
	}
	if got, _ := res[0].New["n"].N.Int64(); got != 8 {
		t.Errorf("retry result n = %d, want 8 (the first application's)", got)
	}
}
