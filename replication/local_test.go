package replication

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/atolldb/atoll/partition"
	"github.com/atolldb/atoll/partition/expr"
	"github.com/atolldb/atoll/partition/keys"
	"github.com/atolldb/atoll/partition/value"
)

// countingSyncer counts syncs of a real Badger DB.
type countingSyncer struct {
	db    *badger.DB
	syncs atomic.Int64
	fail  atomic.Bool
}

func (c *countingSyncer) Sync() error {
	c.syncs.Add(1)
	if c.fail.Load() {
		return errors.New("disk on fire")
	}
	return c.db.Sync()
}

func newLocal(t *testing.T) (*Local, *partition.StateMachine, *countingSyncer) {
	t.Helper()
	db, err := badger.Open(badger.DefaultOptions(t.TempDir()).WithLogger(nil).WithMemTableSize(8 << 20))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sm, err := partition.NewStateMachine(db, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	syncr := &countingSyncer{db: db}
	l, err := NewLocal(DefaultLocalConfig(), sm, syncr, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, sm, syncr
}

func incr(t *testing.T, pk string) *partition.Command {
	t.Helper()
	pos, err := keys.Position(value.S(pk), nil)
	if err != nil {
		t.Fatal(err)
	}
	return &partition.Command{
		Op: partition.OpUpdate, Table: 1, Key: pos, KeyAttrs: value.Item{"pk": value.S(pk)},
		Update: &expr.Update{Add: []expr.AddAction{{
			Path: expr.Path{{Name: "n"}}, Value: expr.ValueOperand{Value: value.N(value.NumberFromInt(1))},
		}}},
	}
}

func TestLocalGroupCommit(t *testing.T) {
	l, sm, syncr := newLocal(t)
	const writers, perWriter = 16, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range perWriter {
				res, err := l.Propose(context.Background(), incr(t, fmt.Sprintf("w%d", w%4)))
				if err == nil {
					err = res.Err
				}
				if err != nil {
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
	total := int64(0)
	for i := range 4 {
		pos, _ := keys.Position(value.S(fmt.Sprintf("w%d", i)), nil)
		it, err := sm.Get(1, pos)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := it["n"].N.Int64()
		total += n
	}
	if total != writers*perWriter {
		t.Errorf("sum of counters = %d, want %d (lost or doubled applies)", total, writers*perWriter)
	}
	if got := sm.AppliedIndex(); got != writers*perWriter {
		t.Errorf("AppliedIndex = %d, want %d", got, writers*perWriter)
	}
	if s := syncr.syncs.Load(); s >= writers*perWriter {
		t.Errorf("%d syncs for %d writes: concurrent proposals did not share syncs", s, writers*perWriter)
	}
}

func TestLocalStopsOnSyncFailure(t *testing.T) {
	l, _, syncr := newLocal(t)
	syncr.fail.Store(true)
	if _, err := l.Propose(context.Background(), incr(t, "a")); err == nil {
		t.Fatal("Propose succeeded although the sync failed")
	}
	_, err := l.Propose(context.Background(), incr(t, "a"))
	if !errors.Is(err, ErrStopped) {
		t.Errorf("Propose after a failed sync = %v, want ErrStopped", err)
	}
}

func TestLocalProposeAfterClose(t *testing.T) {
	l, _, _ := newLocal(t)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Propose(context.Background(), incr(t, "a")); !errors.Is(err, ErrStopped) {
		t.Errorf("Propose after Close = %v, want ErrStopped", err)
	}
}

func TestHLCMonotonic(t *testing.T) {
	wall := time.UnixMilli(1_000_000)
	c := NewHLC(func() time.Time { return wall })
	a := c.Now()
	b := c.Now()
	if b <= a {
		t.Fatalf("Now() = %d after %d, want increasing with a stopped clock", b, a)
	}
	wall = wall.Add(-time.Hour) // the wall clock steps back
	if d := c.Now(); d <= b {
		t.Errorf("Now() = %d after %d, want increasing when the wall clock goes back", d, b)
	}
	c.Observe(b + 1000)
	if e := c.Now(); e <= b+1000 {
		t.Errorf("Now() = %d after Observe(%d), want greater", e, b+1000)
	}
	if got := HLCTime(a); !got.Equal(time.UnixMilli(1_000_000)) {
		t.Errorf("HLCTime = %v, want %v", got, time.UnixMilli(1_000_000))
	}
}
