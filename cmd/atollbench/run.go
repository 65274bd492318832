package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// opKind is the kind of one request.
type opKind int

const (
	opRead   opKind = iota // GetItem
	opUpdate               // UpdateItem of one field
	opPut                  // PutItem of a whole record
	numOpKinds
)

func (k opKind) String() string {
	return [...]string{"read", "update", "put"}[k]
}

// workload is a request mix, YCSB style.
type workload struct {
	name string
	desc string
	// mix is the probability of each op kind; they add up to 1.
	mix [numOpKinds]float64
}

// workloads are those the suite knows, in the order it runs them. "load"
// is separate: it inserts every record once (see runLoad).
var workloads = []workload{
	{name: "put", desc: "PutItem only (whole 1 KB records, overwriting)", mix: [numOpKinds]float64{opPut: 1}},
	{name: "get", desc: "GetItem only", mix: [numOpKinds]float64{opRead: 1}},
	{name: "A", desc: "YCSB A: 50% GetItem, 50% UpdateItem (one field)", mix: [numOpKinds]float64{opRead: 0.5, opUpdate: 0.5}},
	{name: "B", desc: "YCSB B: 95% GetItem, 5% UpdateItem (one field)", mix: [numOpKinds]float64{opRead: 0.95, opUpdate: 0.05}},
	{name: "C", desc: "YCSB C: 100% GetItem", mix: [numOpKinds]float64{opRead: 1}},
}

func workloadByName(name string) (workload, bool) {
	for _, w := range workloads {
		if w.name == name {
			return w, true
		}
	}
	return workload{}, false
}

// pick returns the op kind for a uniform u in [0, 1).
func (w workload) pick(u float64) opKind {
	for k := range numOpKinds {
		if u < w.mix[k] {
			return k
		}
		u -= w.mix[k]
	}
	for k := numOpKinds - 1; k >= 0; k-- { // rounding: the last kind in the mix
		if w.mix[k] > 0 {
			return k
		}
	}
	return opRead
}

// opStats is what one op kind did in one measurement.
type opStats struct {
	ops  uint64
	errs uint64
	hist Histogram
}

// measurement is one run of a workload against a target.
type measurement struct {
	target  string
	work    string // workload name, or "load"
	dist    string
	rep     int
	elapsed time.Duration
	cpu     time.Duration // process CPU time (user+system) during the run
	ops     [numOpKinds]opStats
	// firstErr is one of the errors, for the log.
	firstErr error
}

// total returns the operations and errors of every kind.
func (m *measurement) total() (ops, errs uint64) {
	for _, s := range m.ops {
		ops += s.ops
		errs += s.errs
	}
	return ops, errs
}

// throughput returns successful operations per second.
func (m *measurement) throughput() float64 {
	ops, _ := m.total()
	if m.elapsed <= 0 {
		return 0
	}
	return float64(ops) / m.elapsed.Seconds()
}

// cpuPerOp returns the process CPU time per operation.
func (m *measurement) cpuPerOp() time.Duration {
	ops, errs := m.total()
	if ops+errs == 0 {
		return 0
	}
	return m.cpu / time.Duration(ops+errs)
}

// runParams are the knobs of one measurement.
type runParams struct {
	workers  int
	records  uint64
	warmup   time.Duration
	duration time.Duration
	seed     uint64
	// mark, if set, is called when the recorded window starts and again
	// when it ends (cluster mode reads the servers' CPU there).
	mark func()
}

// valuePool is a fixed set of random field values (fieldLen lowercase
// letters each) that workers draw from, so that generating values costs
// nothing during the run.
type valuePool []string

func newValuePool(seed uint64) valuePool {
	r := rand.New(rand.NewPCG(seed, 0x76616c756573))
	p := make(valuePool, 256)
	b := make([]byte, fieldLen)
	for i := range p {
		for j := range b {
			b[j] = byte('a' + r.IntN(26))
		}
		p[i] = string(b)
	}
	return p
}

func (p valuePool) fill(r *rand.Rand, f *[fieldCount]string) {
	for i := range f {
		f[i] = p[r.IntN(len(p))]
	}
}

// worker is one client goroutine's state: its randomness and its stats.
type worker struct {
	r      *rand.Rand
	fields [fieldCount]string
	stats  [numOpKinds]opStats
	err    error
}

func (wk *worker) do(ctx context.Context, t target, k opKind, key string, pool valuePool, record bool) {
	var err error
	start := time.Now()
	switch k {
	case opRead:
		err = t.Get(ctx, key)
	case opUpdate:
		err = t.Update(ctx, key, wk.r.IntN(fieldCount), pool[wk.r.IntN(len(pool))])
	case opPut:
		pool.fill(wk.r, &wk.fields)
		err = t.Put(ctx, key, &wk.fields)
	}
	if !record {
		return
	}
	s := &wk.stats[k]
	if err != nil {
		s.errs++
		if wk.err == nil {
			wk.err = fmt.Errorf("%s %s: %w", k, key, err)
		}
		return
	}
	s.ops++
	s.hist.Record(time.Since(start))
}

// Measurement phases.
const (
	phaseWarmup int32 = iota
	phaseMeasure
	phaseStop
)

// runWorkload runs w with keys from dist against t: p.workers goroutines,
// each issuing one request at a time (closed loop), for p.warmup (not
// recorded) and then p.duration.
func runWorkload(ctx context.Context, t target, w workload, keys keyChooser, pool valuePool, p runParams) *measurement {
	return runWorkloadOn(ctx, []target{t}, w, keys, pool, p)
}

// runWorkloadOn is runWorkload with worker i bound to ts[i%len(ts)].
func runWorkloadOn(ctx context.Context, ts []target, w workload, keys keyChooser, pool valuePool, p runParams) *measurement {
	var phase atomic.Int32
	workers := make([]*worker, p.workers)
	var wg sync.WaitGroup
	for i := range workers {
		wk := &worker{r: rand.New(rand.NewPCG(p.seed, uint64(i)+1))}
		workers[i] = wk
		t := ts[i%len(ts)]
		wg.Go(func() {
			for ctx.Err() == nil {
				ph := phase.Load()
				if ph == phaseStop {
					return
				}
				k := w.pick(wk.r.Float64())
				wk.do(ctx, t, k, recordKey(keys.Next(wk.r)), pool, ph == phaseMeasure)
			}
		})
	}
	sleep(ctx, p.warmup)
	if p.mark != nil {
		p.mark()
	}
	cpu0 := processCPU()
	start := time.Now()
	phase.Store(phaseMeasure)
	sleep(ctx, p.duration)
	phase.Store(phaseStop)
	elapsed := time.Since(start)
	cpu := processCPU() - cpu0
	if p.mark != nil {
		p.mark()
	}
	wg.Wait()
	return collect(workers, elapsed, cpu)
}

// runLoad inserts records [0, p.records) with PutItem, p.workers at a
// time, and measures the whole load.
func runLoad(ctx context.Context, t target, pool valuePool, p runParams) *measurement {
	return runLoadOn(ctx, []target{t}, pool, p)
}

// runLoadOn is runLoad with worker i bound to ts[i%len(ts)].
func runLoadOn(ctx context.Context, ts []target, pool valuePool, p runParams) *measurement {
	var next atomic.Uint64
	workers := make([]*worker, p.workers)
	var wg sync.WaitGroup
	cpu0 := processCPU()
	start := time.Now()
	for i := range workers {
		wk := &worker{r: rand.New(rand.NewPCG(p.seed, uint64(i)+1000))}
		workers[i] = wk
		t := ts[i%len(ts)]
		wg.Go(func() {
			for ctx.Err() == nil {
				n := next.Add(1) - 1
				if n >= p.records {
					return
				}
				wk.do(ctx, t, opPut, recordKey(n), pool, true)
			}
		})
	}
	wg.Wait()
	return collect(workers, time.Since(start), processCPU()-cpu0)
}

func collect(workers []*worker, elapsed, cpu time.Duration) *measurement {
	m := &measurement{elapsed: elapsed, cpu: cpu}
	for _, wk := range workers {
		for k := range numOpKinds {
			m.ops[k].ops += wk.stats[k].ops
			m.ops[k].errs += wk.stats[k].errs
			m.ops[k].hist.Merge(&wk.stats[k].hist)
		}
		if m.firstErr == nil {
			m.firstErr = wk.err
		}
	}
	return m
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// processCPU returns the CPU time (user and system) this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
