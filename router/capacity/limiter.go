package capacity

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"time"
)

// DynamoDB's capacity figures, the defaults of Config.
const (
	// DefaultBurst is the unused capacity a bucket keeps: "DynamoDB
	// currently retains up to five minutes (300 seconds) of unused read
	// and write capacity" ("DynamoDB burst and adaptive capacity").
	DefaultBurst = 300 * time.Second
	// DefaultOnDemandReadUnits and DefaultOnDemandWriteUnits are the
	// limits of a new on-demand table: "New on-demand tables will be able
	// to sustain up to 4,000 writes per second and 12,000 reads per
	// second" ("Initial throughput for on-demand capacity mode").
	DefaultOnDemandReadUnits  = 12000
	DefaultOnDemandWriteUnits = 4000
	// DefaultOnDemandRamp is how long a new peak of an on-demand table
	// takes to count as its previous peak: "throttling can still occur if
	// the throughput exceeds twice the previous peak within the same 30
	// minutes" ("Pre-warming a table for on-demand capacity mode").
	DefaultOnDemandRamp = 30 * time.Minute
)

// peakWindow is the span over which on-demand consumption is measured as a
// rate; peakResolution the span within which peaks share one record.
const (
	peakWindow     = time.Second
	peakResolution = time.Minute
)

// Kind is the kind of capacity a request consumes.
type Kind uint8

// Kinds of capacity.
const (
	Read Kind = iota
	Write
)

// Throughput is a table's capacity settings, as its catalog entry holds
// them.
type Throughput struct {
	// OnDemand is PAY_PER_REQUEST billing.
	OnDemand bool
	// ReadUnits and WriteUnits are the provisioned units per second
	// (PROVISIONED billing). A kind with fewer than one unit, which
	// DynamoDB never accepts, is limited as on demand.
	ReadUnits, WriteUnits int64
}

// Config configures a Limiter. Start from DefaultConfig.
type Config struct {
	// Now is the buckets' clock; nil means time.Now. Tests inject a fake
	// clock so that nothing sleeps.
	Now func() time.Time
	// Disabled admits every request and counts nothing (DynamoDB Local
	// does not throttle either).
	Disabled bool
	// Burst is the unused capacity a bucket keeps, as a time at its rate:
	// DefaultBurst. At least one second.
	Burst time.Duration
	// OnDemandReadUnits and OnDemandWriteUnits are the per-second limits
	// of a new on-demand table: DefaultOnDemandReadUnits and
	// DefaultOnDemandWriteUnits. Positive.
	OnDemandReadUnits, OnDemandWriteUnits float64
	// OnDemandRamp is how long after an on-demand table reaches a new peak
	// its limit rises to double that peak: DefaultOnDemandRamp. Not
	// negative.
	OnDemandRamp time.Duration
}

// DefaultConfig returns DynamoDB's figures, enforced, on the wall clock.
func DefaultConfig() Config {
	return Config{
		Burst:              DefaultBurst,
		OnDemandReadUnits:  DefaultOnDemandReadUnits,
		OnDemandWriteUnits: DefaultOnDemandWriteUnits,
		OnDemandRamp:       DefaultOnDemandRamp,
	}
}

// Validate reports the first problem with c, or nil.
func (c Config) Validate() error {
	positive := func(v float64) bool { return v > 0 && !math.IsInf(v, 0) && !math.IsNaN(v) }
	switch {
	case c.Burst < time.Second:
		return fmt.Errorf("capacity: Config.Burst %v is below the minimum of 1s", c.Burst)
	case !positive(c.OnDemandReadUnits):
		return fmt.Errorf("capacity: Config.OnDemandReadUnits %v is not a positive number", c.OnDemandReadUnits)
	case !positive(c.OnDemandWriteUnits):
		return fmt.Errorf("capacity: Config.OnDemandWriteUnits %v is not a positive number", c.OnDemandWriteUnits)
	case c.OnDemandRamp < 0:
		return errors.New("capacity: Config.OnDemandRamp is negative")
	}
	return nil
}

// Limiter holds the read and write buckets of every table it served. It
// is safe for concurrent use.
type Limiter struct {
	now      func() time.Time
	disabled bool
	read     params
	write    params

	mu sync.RWMutex
	// tables is the state of each table by ID; guarded by mu (the map),
	// each entry by its own lock.
	tables map[uint64]*tableState
}

// tableState is the capacity of one table.
type tableState struct {
	mu sync.Mutex
	// read and write are the table's lanes; guarded by mu.
	read, write lane
}

// New returns a Limiter with no tables.
func New(cfg Config) (*Limiter, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	l := &Limiter{
		now:      cfg.Now,
		disabled: cfg.Disabled,
		read:     params{burst: cfg.Burst.Seconds(), ramp: cfg.OnDemandRamp, initial: cfg.OnDemandReadUnits},
		write:    params{burst: cfg.Burst.Seconds(), ramp: cfg.OnDemandRamp, initial: cfg.OnDemandWriteUnits},
		tables:   make(map[uint64]*tableState),
	}
	if l.now == nil {
		l.now = time.Now
	}
	return l, nil
}

// Take admits a request of kind k to the table and charges it units, the
// least it will consume; Charge settles the rest once it is known. It
// returns ErrProvisionedThroughputExceeded (provisioned mode) or
// ErrThrottled (on demand) when the table's bucket is empty or in debt,
// and charges nothing then. Called by the operation handlers on the
// request's goroutine before any work; it does not block beyond a short
// lock.
func (l *Limiter) Take(table uint64, tp Throughput, k Kind, units float64) error {
	if l.disabled {
		return nil
	}
	now := l.now()
	ln, p, unlock := l.lane(now, table, tp, k)
	defer unlock()
	if !ln.admits(now, p) {
		if ln.onDemand {
			return ErrThrottled
		}
		return ErrProvisionedThroughputExceeded
	}
	ln.take(now, p, units)
	return nil
}

// Charge records units more (negative: fewer) consumed by an admitted
// request of kind k, which may leave the bucket in debt. It never refuses.
func (l *Limiter) Charge(table uint64, tp Throughput, k Kind, units float64) {
	if l.disabled || units == 0 {
		return
	}
	now := l.now()
	ln, p, unlock := l.lane(now, table, tp, k)
	defer unlock()
	ln.take(now, p, units)
}

// Update makes the buckets of a table this Limiter has served follow tp
// from now on (UpdateTable on this router). Take and Charge adopt a change
// too, at the next request, which is how a change made through another
// router arrives.
func (l *Limiter) Update(table uint64, tp Throughput) {
	if l.disabled {
		return
	}
	l.mu.RLock()
	ts := l.tables[table]
	l.mu.RUnlock()
	if ts == nil {
		return
	}
	now := l.now()
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.configure(now, l, tp)
}

// Forget drops the buckets of a table, once it is deleted.
func (l *Limiter) Forget(table uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.tables, table)
}

// Retain drops the buckets of every table for which keep returns false:
// the router passes the tables of its catalog, so that tables deleted
// through other routers are dropped too. keep is called under the
// Limiter's lock and must not call back into it.
func (l *Limiter) Retain(keep func(table uint64) bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for id := range l.tables {
		if !keep(id) {
			delete(l.tables, id)
		}
	}
}

// lane returns the table's lane of kind k, locked and configured for tp at
// now, with its parameters and the function that unlocks it.
func (l *Limiter) lane(now time.Time, table uint64, tp Throughput, k Kind) (*lane, params, func()) {
	l.mu.RLock()
	ts := l.tables[table]
	l.mu.RUnlock()
	if ts == nil {
		l.mu.Lock()
		if ts = l.tables[table]; ts == nil {
			ts = &tableState{}
			l.tables[table] = ts
		}
		l.mu.Unlock()
	}
	ts.mu.Lock()
	ts.configure(now, l, tp)
	if k == Write {
		return &ts.write, l.write, ts.mu.Unlock
	}
	return &ts.read, l.read, ts.mu.Unlock
}

// configure makes both lanes follow tp at now; ts.mu is held.
func (ts *tableState) configure(now time.Time, l *Limiter, tp Throughput) {
	ts.read.configure(now, l.read, tp.OnDemand || tp.ReadUnits < 1, max(tp.ReadUnits, 0))
	ts.write.configure(now, l.write, tp.OnDemand || tp.WriteUnits < 1, max(tp.WriteUnits, 0))
}
