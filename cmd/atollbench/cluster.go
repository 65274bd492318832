package main

// Cluster mode (atollbench --cluster): a 3-node atoll cluster and a
// 3-member etcd cluster, each as separate processes on 127.0.0.1, under
// the same closed-loop workers, and the targets of issue 5 as paired
// ratios within the run. The processes are described in cluster_proc.go,
// the etcd client in cluster_etcd.go, the report in cluster_report.go.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// System names, as measurement targets.
const (
	sysAtoll   = "atoll"    // PutItem, UpdateItem, and GetItem with ConsistentRead
	sysAtollEC = "atoll-ec" // the same nodes, GetItem eventually consistent
	sysEtcd    = "etcd"     // Put and linearizable Get
)

// clusterNodes is the size of both clusters.
const clusterNodes = 3

// Read consistency modes of --reads.
const (
	readStrong   = "strong"
	readEventual = "eventual"
)

// clusterWorkload is a workload of cluster mode: its name (one of
// workloads), its key distribution and whether it also runs on etcd.
type clusterWorkload struct {
	name, dist string
	etcd       bool
}

// clusterWorkloads are the workloads cluster mode runs, by name, with the
// key distribution each uses: put and get (the targets' workloads) on
// uniform keys, YCSB A and C on zipfian keys, YCSB's default request
// distribution. Only put and get run on etcd too.
var clusterWorkloads = []clusterWorkload{
	{"put", "uniform", true},
	{"get", "uniform", true},
	{"A", "zipfian", false},
	{"C", "zipfian", false},
}

// clusterConfig is one cluster-mode run. main fills it from flags.
type clusterConfig struct {
	// AtollBin is the atoll binary; "" builds ./cmd/atoll with `go build`
	// into the run's temporary directory.
	AtollBin string
	// EtcdBin is the etcd server binary, a path or a name looked up on
	// PATH; "" leaves etcd out (no comparison, no verdicts).
	EtcdBin string
	// Workers is the number of concurrent clients; worker i talks to node
	// (or member) i mod 3 only.
	Workers int
	// Records is the number of records loaded into both systems and
	// addressed by the workloads.
	Records uint64
	// Warmup runs before each measurement, not recorded.
	Warmup time.Duration
	// Duration is how long each measurement records.
	Duration time.Duration
	// Reps is how many times each measurement is repeated; the systems
	// alternate within a repetition and ratios are paired by repetition.
	Reps int
	// Workloads are the names of the workloads to run (put, get, A, C).
	Workloads []string
	// Reads are the GetItem consistency modes measured in get, A and C:
	// "strong" (ConsistentRead, what the targets use) and "eventual".
	Reads []string
	// Seed seeds every random choice.
	Seed uint64
	// Timeout bounds the whole run, start and stop of the processes
	// included.
	Timeout time.Duration
	// TempDir is where the run's directory is made ("" is the system's
	// temporary directory).
	TempDir string
	// StopGrace is how long a stopped server may take to exit after
	// SIGTERM before it is killed.
	StopGrace time.Duration
	// CommandLine is recorded in the report.
	CommandLine string
	// Progress receives one line per step and measurement; nil discards
	// them.
	Progress io.Writer
}

// defaultClusterConfig is the run of `make bench`: 16 workers, 1 KB
// records, 5 s per measurement, 3 repetitions: about 4 minutes.
func defaultClusterConfig() clusterConfig {
	return clusterConfig{
		EtcdBin:   "etcd",
		Workers:   16,
		Records:   10_000,
		Warmup:    time.Second,
		Duration:  5 * time.Second,
		Reps:      3,
		Workloads: []string{"put", "get", "A", "C"},
		Reads:     []string{readStrong, readEventual},
		Seed:      1,
		Timeout:   15 * time.Minute,
		StopGrace: 20 * time.Second,
	}
}

// validate reports the first problem with c, or nil.
func (c clusterConfig) validate() error {
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
	case c.Timeout <= 0:
		return fmt.Errorf("timeout = %v, want more than 0", c.Timeout)
	case c.StopGrace <= 0:
		return fmt.Errorf("stop grace = %v, want more than 0", c.StopGrace)
	case len(c.Workloads) == 0:
		return errors.New("no workloads")
	case len(c.Reads) == 0:
		return errors.New("no read consistency modes (want strong, eventual or both)")
	}
	for _, w := range c.Workloads {
		if !slices.ContainsFunc(clusterWorkloads, func(cw clusterWorkload) bool { return cw.name == w }) {
			return fmt.Errorf("unknown workload %q (want put, get, A or C)", w)
		}
	}
	for _, r := range c.Reads {
		if r != readStrong && r != readEventual {
			return fmt.Errorf("unknown read consistency %q (want strong or eventual)", r)
		}
	}
	return nil
}

// clusterOptions are the command line of cluster mode.
type clusterOptions struct {
	cfg      clusterConfig
	markdown string
}

// isClusterMode reports whether args select cluster mode: --cluster (or
// -cluster) as the first argument.
func isClusterMode(args []string) bool {
	return len(args) > 0 && (args[0] == "--cluster" || args[0] == "-cluster")
}

// parseCluster reads cluster mode's flags (the arguments after --cluster).
func parseCluster(args []string, stderr io.Writer) (clusterOptions, error) {
	o := clusterOptions{cfg: defaultClusterConfig()}
	fs := flag.NewFlagSet("atollbench --cluster", flag.ContinueOnError)
	fs.SetOutput(stderr)
	works, reads := strings.Join(o.cfg.Workloads, ","), strings.Join(o.cfg.Reads, ",")
	fs.StringVar(&o.cfg.AtollBin, "atoll-bin", "", "atoll binary (default: go build ./cmd/atoll into the run's temporary directory)")
	fs.StringVar(&o.cfg.EtcdBin, "etcd-bin", o.cfg.EtcdBin, "etcd server binary, a path or a name on PATH (Debian: apt-get install etcd-server); empty leaves etcd out")
	fs.IntVar(&o.cfg.Workers, "workers", o.cfg.Workers, "concurrent clients, spread over the 3 nodes (each bound to one)")
	fs.Uint64Var(&o.cfg.Records, "records", o.cfg.Records, "records loaded and addressed")
	fs.DurationVar(&o.cfg.Duration, "duration", o.cfg.Duration, "recorded time of each measurement")
	fs.DurationVar(&o.cfg.Warmup, "warmup", o.cfg.Warmup, "unrecorded warm-up before each measurement")
	fs.IntVar(&o.cfg.Reps, "reps", o.cfg.Reps, "repetitions of each measurement (ratios are paired by repetition, medians reported)")
	fs.StringVar(&works, "workloads", works, "workloads: put, get (both also on etcd), A, C")
	fs.StringVar(&reads, "reads", reads, "GetItem consistency measured in get, A and C: strong, eventual")
	fs.Uint64Var(&o.cfg.Seed, "seed", o.cfg.Seed, "random seed")
	fs.DurationVar(&o.cfg.Timeout, "timeout", o.cfg.Timeout, "bound on the whole run")
	fs.StringVar(&o.cfg.TempDir, "tmpdir", "", "parent of the run's data directories (default: the system's temporary directory)")
	fs.StringVar(&o.markdown, "markdown", "", "write the results into this file's cluster section (<!-- cluster:begin … cluster:end -->)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: atollbench --cluster [flags]\n\n"+
			"Starts a 3-node atoll cluster and a 3-member etcd cluster as processes on 127.0.0.1 and\n"+
			"compares PutItem with etcd puts and ConsistentRead GetItem with linearizable gets.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	o.cfg.Workloads, o.cfg.Reads = splitList(works), splitList(reads)
	return o, o.cfg.validate()
}

// runClusterCommand is main for cluster mode.
func runClusterCommand(args []string, stdout, stderr io.Writer) error {
	o, err := parseCluster(args, stderr)
	if err != nil {
		return err
	}
	o.cfg.CommandLine = strings.Join(append([]string{"atollbench", "--cluster"}, args...), " ")
	o.cfg.Progress = stderr
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	res, err := runCluster(ctx, o.cfg)
	if err != nil {
		return err
	}
	writeClusterTable(stdout, res)
	if o.markdown != "" {
		if err := writeClusterSection(o.markdown, res); err != nil {
			return fmt.Errorf("write %s: %w", o.markdown, err)
		}
		fmt.Fprintf(stderr, "wrote the cluster section of %s\n", o.markdown)
	}
	return nil
}

// clusterRun is one measurement of cluster mode with what the servers
// did during its recorded window.
type clusterRun struct {
	*measurement
	// server is the CPU time and disk writes of the measured system's
	// processes; other is the idle system's (the clusters run side by
	// side). ok is false when they could not be read.
	server, other usage
	ok            bool
}

// serverCPUPerOp returns the measured system's CPU time per request.
func (r clusterRun) serverCPUPerOp() time.Duration {
	ops, errs := r.total()
	if !r.ok || ops+errs == 0 {
		return 0
	}
	return r.server.cpu / time.Duration(ops+errs)
}

// diskPerOp returns the bytes the measured system wrote to disk per
// request.
func (r clusterRun) diskPerOp() float64 {
	ops, errs := r.total()
	if !r.ok || ops+errs == 0 {
		return 0
	}
	return float64(r.server.written) / float64(ops+errs)
}

// clusterResults is everything one cluster-mode run measured.
type clusterResults struct {
	cfg         clusterConfig
	machine     machineInfo
	etcdVersion string // "" without etcd
	// startup is how long each cluster took from the first process start
	// until every member answered ready.
	startup  map[string]time.Duration
	loads    []clusterRun
	runs     []clusterRun
	started  time.Time
	finished time.Time
}

// hasEtcd reports whether etcd was measured.
func (r *clusterResults) hasEtcd() bool { return r.etcdVersion != "" }

// system is one side of the comparison: its servers, the targets its
// workers use (target i for worker i mod len), and its name.
type system struct {
	name    string
	cluster *cluster
	targets []target
}

// runCluster runs cfg. Every process it starts is stopped, and the
// temporary directory removed, before it returns, whether it fails or not.
func runCluster(ctx context.Context, cfg clusterConfig) (res *clusterResults, err error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	progress := cfg.Progress
	if progress == nil {
		progress = io.Discard
	}
	logf := func(format string, a ...any) { fmt.Fprintf(progress, format+"\n", a...) }

	etcdBin := ""
	if cfg.EtcdBin != "" {
		if etcdBin, err = exec.LookPath(cfg.EtcdBin); err != nil {
			return nil, fmt.Errorf("etcd server %q not found (Debian: apt-get install -y etcd-server; --etcd-bin '' runs atoll alone): %w", cfg.EtcdBin, err)
		}
	}

	tmp, err := os.MkdirTemp(cfg.TempDir, "atollbench-cluster-")
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, os.RemoveAll(tmp)) }()

	res = &clusterResults{cfg: cfg, started: time.Now(), startup: map[string]time.Duration{}}
	res.machine = describeMachine(tmp)

	atollBin := cfg.AtollBin
	if atollBin == "" {
		logf("building atoll")
		if atollBin, err = buildAtoll(ctx, tmp); err != nil {
			return nil, err
		}
	}

	var closers []func() error
	defer func() {
		for i := len(closers) - 1; i >= 0; i-- {
			err = errors.Join(err, closers[i]())
		}
	}()

	// Both clusters start side by side; atoll's elections take longest.
	ac, err := startAtollCluster(ctx, atollBin, filepath.Join(tmp, "atoll-data"), clusterNodes, cfg.StopGrace)
	if err != nil {
		return nil, err
	}
	closers = append(closers, ac.close)
	clusters := []*cluster{ac}
	var ec *cluster
	if etcdBin != "" {
		if res.etcdVersion, err = etcdVersion(ctx, etcdBin); err != nil {
			return nil, err
		}
		ec, err = startEtcdCluster(ctx, etcdBin, filepath.Join(tmp, "etcd-data"), clusterNodes, cfg.StopGrace)
		if err != nil {
			return nil, err
		}
		closers = append(closers, ec.close)
		clusters = append(clusters, ec)
		logf("started %d atoll nodes and %d etcd members (%s)", clusterNodes, clusterNodes, res.etcdVersion)
	} else {
		logf("started %d atoll nodes (no etcd)", clusterNodes)
	}
	readyErrs := make([]error, len(clusters))
	took := make([]time.Duration, len(clusters))
	rctx, rcancel := context.WithCancel(ctx) // the first failure stops the other wait
	var wg sync.WaitGroup
	for i, c := range clusters {
		wg.Go(func() {
			if took[i], readyErrs[i] = c.ready(rctx); readyErrs[i] != nil {
				rcancel()
			}
		})
	}
	wg.Wait()
	rcancel()
	if err := errors.Join(readyErrs...); err != nil {
		// The cluster that failed, not the one whose wait was cut short.
		if failed := slices.DeleteFunc(slices.Clone(readyErrs), func(e error) bool {
			return e == nil || errors.Is(e, context.Canceled)
		}); len(failed) > 0 && ctx.Err() == nil {
			err = errors.Join(failed...)
		}
		return nil, err
	}
	for i, c := range clusters {
		res.startup[c.name] = took[i]
		logf("%s ready after %s: %s", c.name, took[i].Round(time.Millisecond), strings.Join(c.endpoints, " "))
	}

	strong, eventual, err := atollTargets(ctx, ac.endpoints, cfg.Workers)
	if err != nil {
		return nil, fmt.Errorf("%w%s", err, ac.logTails())
	}
	systems := map[string]*system{
		sysAtoll:   {name: sysAtoll, cluster: ac, targets: strong},
		sysAtollEC: {name: sysAtollEC, cluster: ac, targets: eventual},
	}
	if ec != nil {
		ts, closeClients, err := etcdTargets(ec.endpoints)
		if err != nil {
			return nil, err
		}
		closers = append(closers, closeClients)
		systems[sysEtcd] = &system{name: sysEtcd, cluster: ec, targets: ts}
	}

	pool := newValuePool(cfg.Seed)
	// measure runs one measurement of sys (the load phase when load) and
	// reads the servers' usage at the edges of its recorded window.
	measure := func(sys *system, w workload, keys keyChooser, p runParams, load bool) (clusterRun, error) {
		other := ac
		if sys.cluster == ac {
			other = ec // nil without etcd
		}
		var marks []usageSnapshot
		p.mark = func() { marks = append(marks, snapshotUsage(sys.cluster, other)) }
		var m *measurement
		if load { // bounded by the run's timeout only: its length depends on the records
			p.mark()
			m = runLoadOn(ctx, sys.targets, pool, p)
			p.mark()
		} else {
			// A bound on the measurement, so that a server that stops
			// answering ends it (its requests fail) instead of hanging the run.
			mctx, cancel := context.WithTimeout(ctx, p.warmup+p.duration+time.Minute)
			m = runWorkloadOn(mctx, sys.targets, w, keys, pool, p)
			cancel()
		}
		r := clusterRun{measurement: m}
		if len(marks) == 2 && marks[0].ok && marks[1].ok {
			r.ok = true
			r.server = marks[1].server.sub(marks[0].server)
			r.other = marks[1].other.sub(marks[0].other)
		}
		if err := ctx.Err(); err != nil {
			return r, err
		}
		return r, errors.Join(sys.cluster.failed(), other.failed())
	}

	p := runParams{workers: cfg.Workers, records: cfg.Records, warmup: cfg.Warmup, duration: cfg.Duration, seed: cfg.Seed}
	for _, name := range []string{sysAtoll, sysEtcd} {
		sys := systems[name]
		if sys == nil {
			continue
		}
		r, err := measure(sys, workload{}, nil, p, true)
		r.target, r.work, r.dist, r.rep = name, "load", "sequential", 1
		res.loads = append(res.loads, r)
		logClusterRun(progress, r)
		if err != nil {
			return nil, err
		}
	}

	run := 0
	for _, cw := range clusterWorkloads {
		if !slices.Contains(cfg.Workloads, cw.name) {
			continue
		}
		w, _ := workloadByName(cw.name)
		keys, err := newKeyChooser(cw.dist, cfg.Records)
		if err != nil {
			return nil, err
		}
		names := variants(cw.name, cw.etcd && systems[sysEtcd] != nil, cfg.Reads)
		for rep := 1; rep <= cfg.Reps; rep++ {
			for i := range names {
				name := names[(i+rep-1)%len(names)]
				p.seed = cfg.Seed + uint64(run)
				run++
				r, err := measure(systems[name], w, keys, p, false)
				r.target, r.work, r.dist, r.rep = name, cw.name, cw.dist, rep
				res.runs = append(res.runs, r)
				logClusterRun(progress, r)
				if err != nil {
					return nil, err
				}
			}
		}
	}
	res.finished = time.Now()
	logf("stopping the clusters")
	return res, nil
}

// variants returns the systems a workload runs on, in the order of the
// first repetition: atoll first, then etcd, then atoll's eventually
// consistent reads. put has no reads, so it runs once on atoll.
func variants(work string, etcd bool, reads []string) []string {
	var out []string
	if work == "put" || slices.Contains(reads, readStrong) {
		out = append(out, sysAtoll)
	}
	if etcd {
		out = append(out, sysEtcd)
	}
	if work != "put" && slices.Contains(reads, readEventual) {
		out = append(out, sysAtollEC)
	}
	return out
}

func logClusterRun(w io.Writer, r clusterRun) {
	ops, errs := r.total()
	line := fmt.Sprintf("%-5s %-10s rep %d  %-8s %9.0f ops/s  %8d ops  %d errors", r.work, r.dist, r.rep, r.target, r.throughput(), ops, errs)
	if r.ok {
		line += fmt.Sprintf("  cpu/op server %s client %s", fmtDur(r.serverCPUPerOp()), fmtDur(r.cpuPerOp()))
	}
	for k := range numOpKinds {
		if s := &r.ops[k]; s.ops > 0 {
			line += fmt.Sprintf("  %s p50 %s p99 %s", k, fmtDur(s.hist.Quantile(0.50)), fmtDur(s.hist.Quantile(0.99)))
		}
	}
	if r.firstErr != nil {
		line += "  first error: " + r.firstErr.Error()
	}
	fmt.Fprintln(w, line)
}
