package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/atolldb/atoll/node"
)

// Target names.
const (
	targetAtoll    = "atoll"    // the in-process atoll node, through the SDK
	targetStub     = "stub"     // the protocol limit, through the SDK
	targetBadger   = "badger"   // the storage limit, in process
	targetEndpoint = "endpoint" // an external endpoint (--endpoint)
)

var suiteTargets = []string{targetAtoll, targetStub, targetBadger}

// config is one benchmark run. main fills it from flags.
type config struct {
	// Endpoint, if set, benchmarks only that DynamoDB endpoint (URL)
	// instead of the in-process suite.
	Endpoint string
	// Table is the table name used on atoll or Endpoint.
	Table string
	// Targets are the suite's targets to run, a subset of suiteTargets.
	Targets []string
	// Workloads are the names of the workloads to run, in workloads' order.
	Workloads []string
	// Dists are the key distributions ("uniform", "zipfian").
	Dists []string
	// Workers is the number of concurrent client goroutines.
	Workers int
	// Records is the number of records loaded and addressed.
	Records uint64
	// Warmup runs before each measurement, not recorded.
	Warmup time.Duration
	// Duration is how long each measurement records.
	Duration time.Duration
	// Reps is how many times each measurement is repeated (medians are
	// reported).
	Reps int
	// Seed seeds every random choice.
	Seed uint64
	// SkipLoad skips the load phase (Endpoint mode with a loaded table).
	SkipLoad bool
	// TempDir is where the suite's data directories are made ("" is the
	// system's temporary directory).
	TempDir string
	// CommandLine is recorded in the report.
	CommandLine string
	// Progress receives one line per measurement; nil discards them.
	Progress io.Writer
}

// defaultConfig is the suite with the parameters: 16 workers, 1 KB
// records, 10 s per measurement, 3 repetitions.
func defaultConfig() config {
	return config{
		Table:     "usertable",
		Targets:   slices.Clone(suiteTargets),
		Workloads: []string{"put", "get", "A", "B", "C"},
		Dists:     []string{"uniform", "zipfian"},
		Workers:   16,
		Records:   100_000,
		Warmup:    time.Second,
		Duration:  10 * time.Second,
		Reps:      3,
		Seed:      1,
	}
}

// validate reports the first problem with c, or nil.
func (c config) validate() error {
	switch {
	case c.Workers < 1:
		return fmt.Errorf("workers = %d, want at least 1", c.Workers)
	case c.Records < 1:
		return fmt.Errorf("records = %d, want at least 1", c.Records)
	case c.Duration <= 0:
		return fmt.Errorf("duration = %v, want more than 0", c.Duration)
	case c.Warmup < 0:
		return fmt.Errorf("warmup = %v, want at least 0", c.Warmup)
	case c.Reps < 1:
		return fmt.Errorf("reps = %d, want at least 1", c.Reps)
	case c.Table == "":
		return errors.New("table name is empty")
	case c.Endpoint == "" && len(c.Targets) == 0:
		return errors.New("no targets")
	}
	for _, t := range c.Targets {
		if !slices.Contains(suiteTargets, t) {
			return fmt.Errorf("unknown target %q (want %s)", t, strings.Join(suiteTargets, ", "))
		}
	}
	for _, w := range c.Workloads {
		if _, ok := workloadByName(w); !ok {
			return fmt.Errorf("unknown workload %q (want put, get, A, B or C)", w)
		}
	}
	for _, d := range c.Dists {
		if _, err := newKeyChooser(d, 1); err != nil {
			return err
		}
	}
	return nil
}

// results is everything one run measured.
type results struct {
	cfg      config
	machine  machineInfo
	targets  []string // in run order
	loads    []*measurement
	runs     []*measurement
	started  time.Time
	finished time.Time
}

// runSuite runs cfg: it starts the targets, loads the records into each
// and runs every workload and distribution cfg.Reps times, the targets
// interleaved (rotating which goes first) so that the machine's noise
// falls on all of them alike.
func runSuite(ctx context.Context, cfg config) (res *results, err error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	progress := cfg.Progress
	if progress == nil {
		progress = io.Discard
	}
	tmp, err := os.MkdirTemp(cfg.TempDir, "atollbench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	res = &results{cfg: cfg, started: time.Now()}
	res.machine = describeMachine(tmp)

	targets := map[string]target{}
	var closers []func() error
	defer func() {
		for i := len(closers) - 1; i >= 0; i-- {
			err = errors.Join(err, closers[i]())
		}
	}()
	names := cfg.Targets
	if cfg.Endpoint != "" {
		names = []string{targetEndpoint}
	}
	for _, name := range names {
		var t target
		switch name {
		case targetEndpoint:
			c := newSDKClient(cfg.Endpoint, cfg.Workers)
			if err := createTable(ctx, c, cfg.Table); err != nil {
				return nil, err
			}
			t = &sdkTarget{client: c, table: cfg.Table}
		case targetAtoll:
			ncfg := node.DefaultConfig()
			ncfg.APIAddr = "127.0.0.1:0"
			ncfg.GRPCAddr, ncfg.GossipAddr = "127.0.0.1:0", "127.0.0.1:0"
			ncfg.DataDir = filepath.Join(tmp, "atoll")
			n, err := node.New(ncfg)
			if err != nil {
				return nil, fmt.Errorf("start atoll: %w", err)
			}
			closers = append(closers, func() error {
				cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				return n.Close(cctx)
			})
			if err := n.Start(ctx); err != nil {
				return nil, fmt.Errorf("start atoll: %w", err)
			}
			c := newSDKClient("http://"+n.Addr().String(), cfg.Workers)
			if err := createTable(ctx, c, cfg.Table); err != nil {
				return nil, err
			}
			t = &sdkTarget{client: c, table: cfg.Table}
		case targetStub:
			s, err := startStub()
			if err != nil {
				return nil, err
			}
			closers = append(closers, s.Close)
			t = &sdkTarget{client: newSDKClient(s.URL(), cfg.Workers), table: cfg.Table}
		case targetBadger:
			b, err := openBadger(filepath.Join(tmp, "badger"))
			if err != nil {
				return nil, err
			}
			closers = append(closers, b.Close)
			t = b
		}
		targets[name] = t
		res.targets = append(res.targets, name)
	}

	pool := newValuePool(cfg.Seed)
	p := runParams{workers: cfg.Workers, records: cfg.Records, warmup: cfg.Warmup, duration: cfg.Duration, seed: cfg.Seed}
	if !cfg.SkipLoad {
		for _, name := range res.targets {
			m := runLoad(ctx, targets[name], pool, p)
			m.target, m.work, m.dist, m.rep = name, "load", "sequential", 1
			res.loads = append(res.loads, m)
			logMeasurement(progress, m)
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	run := 0
	for _, w := range workloads {
		if !slices.Contains(cfg.Workloads, w.name) {
			continue
		}
		for _, dist := range cfg.Dists {
			keys, err := newKeyChooser(dist, cfg.Records)
			if err != nil {
				return nil, err
			}
			for rep := 1; rep <= cfg.Reps; rep++ {
				n := len(res.targets)
				for i := range n {
					name := res.targets[(i+rep-1)%n]
					p.seed = cfg.Seed + uint64(run)
					run++
					m := runWorkload(ctx, targets[name], w, keys, pool, p)
					m.target, m.work, m.dist, m.rep = name, w.name, dist, rep
					res.runs = append(res.runs, m)
					logMeasurement(progress, m)
					if err := ctx.Err(); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	res.finished = time.Now()
	return res, nil
}

func logMeasurement(w io.Writer, m *measurement) {
	ops, errs := m.total()
	line := fmt.Sprintf("%-5s %-10s rep %d  %-8s %9.0f ops/s  %8d ops  %d errors  cpu %v/op",
		m.work, m.dist, m.rep, m.target, m.throughput(), ops, errs, m.cpuPerOp().Round(time.Microsecond/10))
	for k := range numOpKinds {
		if s := &m.ops[k]; s.ops > 0 {
			line += fmt.Sprintf("  %s p50 %s p99 %s", k, fmtDur(s.hist.Quantile(0.50)), fmtDur(s.hist.Quantile(0.99)))
		}
	}
	if m.firstErr != nil {
		line += "  first error: " + m.firstErr.Error()
	}
	fmt.Fprintln(w, line)
}
