package capacity

import (
	"errors"
	"math"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newTestLimiter(t *testing.T, clock *fakeClock, edit func(*Config)) *Limiter {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Now = clock.Now
	if edit != nil {
		edit(&cfg)
	}
	l, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return l
}

// drain takes units of kind k one at a time until the table is refused
// and returns how many were admitted (at most limit) and the refusal.
func drain(t *testing.T, l *Limiter, table uint64, tp Throughput, k Kind, units float64, limit int) (int, error) {
	t.Helper()
	for n := 0; n < limit; n++ {
		if err := l.Take(table, tp, k, units); err != nil {
			return n, err
		}
	}
	return limit, nil
}

func TestBucket(t *testing.T) {
	t0 := time.Unix(1000, 0)
	cases := []struct {
		name string
		run  func(b *bucket) float64
		want float64
	}{
		{"starts full", func(b *bucket) float64 { return b.tokens }, 50},
		{"refill capped at max", func(b *bucket) float64 {
			b.take(t0, 20)
			b.refill(t0.Add(time.Hour))
			return b.tokens
		}, 50},
		{"refill at rate", func(b *bucket) float64 {
			b.take(t0, 50)
			b.refill(t0.Add(1500 * time.Millisecond))
			return b.tokens
		}, 7.5},
		{"debt", func(b *bucket) float64 {
			b.take(t0, 80)
			return b.tokens
		}, -30},
		{"debt repaid by refill", func(b *bucket) float64 {
			b.take(t0, 80)
			b.refill(t0.Add(7 * time.Second))
			return b.tokens
		}, 5},
		{"refund capped at max", func(b *bucket) float64 {
			b.take(t0, -10)
			return b.tokens
		}, 50},
		{"clock backwards adds nothing", func(b *bucket) float64 {
			b.take(t0, 50)
			b.refill(t0.Add(-time.Hour))
			b.refill(t0.Add(time.Second))
			return b.tokens
		}, 5},
		{"raised rate keeps balance", func(b *bucket) float64 {
			b.take(t0, 40)
			b.setRate(t0, 10, 100)
			b.refill(t0.Add(time.Second))
			return b.tokens
		}, 20},
		{"lowered rate caps balance", func(b *bucket) float64 {
			b.setRate(t0, 1, 5)
			return b.tokens
		}, 5},
		{"lowered rate keeps debt", func(b *bucket) float64 {
			b.take(t0, 60)
			b.setRate(t0, 1, 5)
			return b.tokens
		}, -10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newBucket(t0, 5, 50)
			if got := tc.run(&b); math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("tokens = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestBucketAdmits(t *testing.T) {
	t0 := time.Unix(1000, 0)
	b := newBucket(t0, 1, 2)
	if !b.admits(t0) {
		t.Fatal("full bucket does not admit")
	}
	b.take(t0, 2)
	if b.admits(t0) {
		t.Error("empty bucket admits")
	}
	if !b.admits(t0.Add(time.Millisecond)) {
		t.Error("bucket with a fraction of a unit does not admit")
	}
	b.take(t0.Add(time.Millisecond), 4)
	if b.admits(t0.Add(3 * time.Second)) {
		t.Error("bucket in debt admits")
	}
}

func TestProvisionedBurst(t *testing.T) {
	clock := newFakeClock()
	l := newTestLimiter(t, clock, nil)
	tp := Throughput{ReadUnits: 10, WriteUnits: 5}
	n, err := drain(t, l, 1, tp, Write, 1, 10000)
	if n != 1500 || !errors.Is(err, ErrProvisionedThroughputExceeded) {
		t.Fatalf("drain = %d, %v; want 1500 writes (300 s x 5 WCU), then ErrProvisionedThroughputExceeded", n, err)
	}
	// Reads have a bucket of their own.
	if err := l.Take(1, tp, Read, 1); err != nil {
		t.Fatalf("read after writes drained: %v", err)
	}
	clock.Advance(time.Second)
	if n, _ := drain(t, l, 1, tp, Write, 1, 100); n != 5 {
		t.Errorf("after 1 s: %d writes admitted, want 5", n)
	}
	// A refused request charges nothing: 2 s later exactly 10 units.
	clock.Advance(2 * time.Second)
	if n, _ := drain(t, l, 1, tp, Write, 1, 100); n != 10 {
		t.Errorf("after 2 s: %d writes admitted, want 10", n)
	}
	// The burst is capped at 300 s of capacity.
	clock.Advance(time.Hour)
	if n, _ := drain(t, l, 1, tp, Write, 1, 10000); n != 1500 {
		t.Errorf("after an hour idle: %d writes admitted, want 1500", n)
	}
}

func TestProvisionedDebt(t *testing.T) {
	clock := newFakeClock()
	l := newTestLimiter(t, clock, nil)
	tp := Throughput{ReadUnits: 1, WriteUnits: 1}
	// A read larger than the whole balance is admitted and leaves debt.
	if err := l.Take(7, tp, Read, 0.5); err != nil {
		t.Fatal(err)
	}
	l.Charge(7, tp, Read, 400-0.5)
	if err := l.Take(7, tp, Read, 0.5); !errors.Is(err, ErrProvisionedThroughputExceeded) {
		t.Fatalf("Take in debt = %v, want ErrProvisionedThroughputExceeded", err)
	}
	clock.Advance(100 * time.Second)
	if err := l.Take(7, tp, Read, 0.5); !errors.Is(err, ErrProvisionedThroughputExceeded) {
		t.Fatalf("Take with the debt repaid = %v, want ErrProvisionedThroughputExceeded (balance 0)", err)
	}
	clock.Advance(500 * time.Millisecond)
	if err := l.Take(7, tp, Read, 0.5); err != nil {
		t.Fatalf("Take after the debt = %v, want admitted", err)
	}
}

func TestUpdateThroughput(t *testing.T) {
	clock := newFakeClock()
	l := newTestLimiter(t, clock, nil)
	low := Throughput{ReadUnits: 5, WriteUnits: 5}
	if n, _ := drain(t, l, 1, low, Write, 1, 10000); n != 1500 {
		t.Fatalf("drained %d, want 1500", n)
	}
	high := Throughput{ReadUnits: 5, WriteUnits: 100}
	if err := l.Take(1, high, Write, 1); err == nil {
		t.Fatal("raising WCU refilled the bucket; it must keep its balance")
	}
	clock.Advance(time.Second)
	if n, _ := drain(t, l, 1, high, Write, 1, 10000); n != 100 {
		t.Errorf("1 s after raising WCU to 100: %d writes, want 100", n)
	}
	// Lowering keeps at most the new capacity.
	clock.Advance(time.Hour)
	if n, _ := drain(t, l, 1, Throughput{ReadUnits: 5, WriteUnits: 2}, Write, 1, 100000); n != 600 {
		t.Errorf("after lowering WCU to 2: %d writes, want 600", n)
	}
}

func TestUpdateTakesEffectAtOnce(t *testing.T) {
	clock := newFakeClock()
	l := newTestLimiter(t, clock, nil)
	if n, _ := drain(t, l, 1, Throughput{ReadUnits: 1, WriteUnits: 1}, Write, 1, 1000); n != 300 {
		t.Fatalf("drained %d, want 300", n)
	}
	high := Throughput{ReadUnits: 1, WriteUnits: 50}
	l.Update(1, high)
	l.Update(2, high) // a table never served: nothing to do
	clock.Advance(time.Second)
	if n, _ := drain(t, l, 1, high, Write, 1, 1000); n != 50 {
		t.Errorf("1 s after Update: %d writes, want 50 (the new rate from the update on)", n)
	}
}

func TestOnDemand(t *testing.T) {
	clock := newFakeClock()
	l := newTestLimiter(t, clock, func(c *Config) { c.OnDemandWriteUnits, c.Burst = 10, time.Second })
	tp := Throughput{OnDemand: true}
	n, err := drain(t, l, 3, tp, Write, 1, 1000)
	if n != 10 || !errors.Is(err, ErrThrottled) {
		t.Fatalf("drain = %d, %v; want 10 then ErrThrottled", n, err)
	}
	// The peak (10 units in one second) counts 30 minutes later: the
	// limit doubles then, not before.
	clock.Advance(time.Second)
	if n, _ := drain(t, l, 3, tp, Write, 1, 1000); n != 10 {
		t.Errorf("1 s later: %d, want 10", n)
	}
	clock.Advance(DefaultOnDemandRamp)
	if n, _ := drain(t, l, 3, tp, Write, 1, 1000); n != 20 {
		t.Errorf("after the ramp: %d, want 20 (double the previous peak)", n)
	}
	clock.Advance(time.Second)
	clock.Advance(DefaultOnDemandRamp)
	if n, _ := drain(t, l, 3, tp, Write, 1, 1000); n != 40 {
		t.Errorf("after a second ramp: %d, want 40", n)
	}
}

func TestOnDemandPeakCappedAtLimit(t *testing.T) {
	clock := newFakeClock()
	l := newTestLimiter(t, clock, func(c *Config) { c.OnDemandWriteUnits = 10 })
	tp := Throughput{OnDemand: true}
	// 300 s of burst served in one second do not make a peak of 3000.
	if n, _ := drain(t, l, 3, tp, Write, 1, 10000); n != 3000 {
		t.Fatalf("burst = %d, want 3000", n)
	}
	clock.Advance(time.Second)
	l.Charge(3, tp, Write, 0.5) // closes the window
	clock.Advance(DefaultOnDemandRamp + 300*time.Second)
	if n, _ := drain(t, l, 3, tp, Write, 1, 100000); n != 6000 {
		t.Errorf("after the ramp: %d, want 6000 (300 s at double the 10-unit limit)", n)
	}
}

func TestSwitchToOnDemand(t *testing.T) {
	clock := newFakeClock()
	l := newTestLimiter(t, clock, func(c *Config) { c.OnDemandReadUnits, c.Burst = 10, time.Second })
	prov := Throughput{ReadUnits: 100, WriteUnits: 1}
	if err := l.Take(4, prov, Read, 1); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	// The previous peak is half the provisioned throughput: the limit is
	// 100, not the initial 10.
	if n, _ := drain(t, l, 4, Throughput{OnDemand: true}, Read, 1, 1000); n != 100 {
		t.Errorf("after switching from 100 RCU: %d reads, want 100", n)
	}
}

func TestZeroUnitsAreOnDemand(t *testing.T) {
	clock := newFakeClock()
	l := newTestLimiter(t, clock, func(c *Config) { c.OnDemandWriteUnits, c.Burst = 3, time.Second })
	n, err := drain(t, l, 5, Throughput{ReadUnits: 1}, Write, 1, 100)
	if n != 3 || !errors.Is(err, ErrThrottled) {
		t.Errorf("drain = %d, %v; want 3, ErrThrottled", n, err)
	}
}

func TestDisabled(t *testing.T) {
	clock := newFakeClock()
	l := newTestLimiter(t, clock, func(c *Config) { c.Disabled = true })
	if n, err := drain(t, l, 1, Throughput{ReadUnits: 1, WriteUnits: 1}, Write, 100, 1000); n != 1000 || err != nil {
		t.Errorf("drain = %d, %v; want 1000, nil", n, err)
	}
}

func TestForgetAndRetain(t *testing.T) {
	clock := newFakeClock()
	l := newTestLimiter(t, clock, nil)
	tp := Throughput{ReadUnits: 1, WriteUnits: 1}
	for id := uint64(1); id <= 3; id++ {
		if _, err := drain(t, l, id, tp, Write, 1, 1000); err == nil {
			t.Fatal("table not drained")
		}
	}
	l.Forget(1)
	l.Retain(func(id uint64) bool { return id != 2 })
	for id, want := range map[uint64]bool{1: true, 2: true, 3: false} {
		if got := l.Take(id, tp, Write, 1) == nil; got != want {
			t.Errorf("table %d admitted = %v, want %v", id, got, want)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"default", func(*Config) {}, ""},
		{"short burst", func(c *Config) { c.Burst = time.Millisecond }, "capacity: Config.Burst 1ms is below the minimum of 1s"},
		{"zero read", func(c *Config) { c.OnDemandReadUnits = 0 }, "capacity: Config.OnDemandReadUnits 0 is not a positive number"},
		{"nan write", func(c *Config) { c.OnDemandWriteUnits = math.NaN() }, "capacity: Config.OnDemandWriteUnits NaN is not a positive number"},
		{"negative ramp", func(c *Config) { c.OnDemandRamp = -1 }, "capacity: Config.OnDemandRamp is negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tc.edit(&cfg)
			got := ""
			if err := cfg.Validate(); err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("Validate() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestConcurrentTake(t *testing.T) {
	clock := newFakeClock()
	l := newTestLimiter(t, clock, nil)
	tp := Throughput{ReadUnits: 10, WriteUnits: 10}
	var wg sync.WaitGroup
	var mu sync.Mutex
	admitted := 0
	for g := range 8 {
		wg.Go(func() {
			for range 1000 {
				if l.Take(uint64(g%2), tp, Write, 1) == nil {
					mu.Lock()
					admitted++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if admitted != 2*3000 {
		t.Errorf("admitted %d, want 6000 (two tables of 3000 units)", admitted)
	}
}
