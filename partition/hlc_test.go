package partition_test

import (
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/atolldb/atoll/partition"
	"github.com/atolldb/atoll/partition/expr"
	"github.com/atolldb/atoll/partition/keys"
	"github.com/atolldb/atoll/partition/value"
	"github.com/atolldb/atoll/replication"
)

// TestDedupRetentionInHLCTime checks partition's reading of HLC timestamps
// against the clock replication stamps entries with: a request ID is
// remembered for DedupRetention of the leader's clock, and not longer.
func TestDedupRetentionInHLCTime(t *testing.T) {
	db, err := badger.Open(badger.DefaultOptions("").WithInMemory(true).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sm, err := partition.NewStateMachine(db, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := replication.NewHLC(func() time.Time { return now })
	pos, err := keys.Position(value.S("c"), nil)
	if err != nil {
		t.Fatal(err)
	}
	add := func(id string) *partition.Command {
		return &partition.Command{
			Op: partition.OpUpdate, Table: 1, Key: pos, KeyAttrs: value.Item{"pk": value.S("c")}, ID: []byte(id),
			Update: &expr.Update{Add: []expr.AddAction{{Path: expr.Path{{Name: "n"}}, Value: expr.ValueOperand{Value: value.N(value.NumberFromInt(1))}}}},
		}
	}
	var index uint64
	apply := func(c *partition.Command) {
		t.Helper()
		index++
		if _, err := sm.Apply([]partition.Entry{{Index: index, Time: clock.Now(), Command: c.Encode(nil)}}); err != nil {
			t.Fatal(err)
		}
	}
	count := func() value.Value {
		t.Helper()
		it, err := sm.Get(1, pos)
		if err != nil {
			t.Fatal(err)
		}
		return it["n"]
	}

	apply(add("a"))
	now = now.Add(partition.DedupRetention - time.Millisecond)
	apply(add("b")) // would expire "a" if its retention were shorter
	apply(add("a"))
	if got := count(); !value.Equal(got, value.N(value.NumberFromInt(2))) {
		t.Fatalf("counter = %v, want 2: a retry within DedupRetention applied", got)
	}
	now = now.Add(2 * time.Millisecond)
	apply(add("c")) // expires "a"
	apply(add("a"))
	if got := count(); !value.Equal(got, value.N(value.NumberFromInt(4))) {
		t.Errorf("counter = %v, want 3: an ID older than DedupRetention is still remembered", got)
	}
}
