package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// The targets of the issue, measured as in-run ratios.
const (
	targetPutRatio = 0.6                  // PutItem throughput / protocol limit
	targetGetRatio = 0.8                  // GetItem throughput / protocol limit
	targetGetP99   = 2 * time.Millisecond // GetItem p99 on atoll
)

// kindSummary is one op kind of a summary, medians over the repetitions.
type kindSummary struct {
	ops, errs           uint64 // sums over the repetitions
	throughput          float64
	p50, p95, p99, p999 time.Duration
	present             bool
}

// summary is the medians of the repetitions of one workload, distribution
// and target.
type summary struct {
	target, work, dist string
	reps               int
	throughput         float64 // successful ops/s, all kinds
	cpuPerOp           time.Duration
	ops, errs          uint64
	kinds              [numOpKinds]kindSummary
}

func median[T int64 | float64 | time.Duration](v []T) T {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// summarize groups measurements by workload, distribution and target (in
// the order of their first appearance) and takes the medians.
func summarize(ms []*measurement) []summary {
	type groupKey struct{ target, work, dist string }
	var order []groupKey
	groups := map[groupKey][]*measurement{}
	for _, m := range ms {
		k := groupKey{m.target, m.work, m.dist}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], m)
	}
	out := make([]summary, 0, len(order))
	for _, k := range order {
		g := groups[k]
		s := summary{target: k.target, work: k.work, dist: k.dist, reps: len(g)}
		var tput []float64
		var cpu []time.Duration
		for _, m := range g {
			tput = append(tput, m.throughput())
			cpu = append(cpu, m.cpuPerOp())
			ops, errs := m.total()
			s.ops += ops
			s.errs += errs
		}
		s.throughput, s.cpuPerOp = median(tput), median(cpu)
		for kind := range numOpKinds {
			ks := &s.kinds[kind]
			var kt []float64
			var p50, p95, p99, p999 []time.Duration
			for _, m := range g {
				st := &m.ops[kind]
				ks.ops += st.ops
				ks.errs += st.errs
				if st.ops == 0 {
					continue
				}
				kt = append(kt, float64(st.ops)/m.elapsed.Seconds())
				p50 = append(p50, st.hist.Quantile(0.50))
				p95 = append(p95, st.hist.Quantile(0.95))
				p99 = append(p99, st.hist.Quantile(0.99))
				p999 = append(p999, st.hist.Quantile(0.999))
			}
			ks.present = ks.ops+ks.errs > 0
			ks.throughput = median(kt)
			ks.p50, ks.p95, ks.p99, ks.p999 = median(p50), median(p95), median(p99), median(p999)
		}
		out = append(out, s)
	}
	return out
}

func find(ss []summary, target, work, dist string) (summary, bool) {
	for _, s := range ss {
		if s.target == target && s.work == work && s.dist == dist {
			return s, true
		}
	}
	return summary{}, false
}

// check is one of the targets, evaluated.
type check struct {
	name     string
	value    string // the ratio or the latency compared with required
	detail   string // the numbers behind value
	cpu      string // the ratio of CPU per op (protocol limit / atoll), for throughput targets
	required string
	verdict  string // PASS, MISS or "not measured"
}

// pairedRatio returns the median over the repetitions of atoll's
// throughput of kind in work (uniform keys) divided by the protocol
// limit's in the same repetition. The two ran one after the other, so the
// ratio is less exposed to the machine's load changing over the run than a
// ratio of medians.
func pairedRatio(runs []*measurement, work string, kind opKind) (float64, bool) {
	tput := map[[2]string]float64{}
	for _, m := range runs {
		if m.work == work && m.dist == "uniform" && m.elapsed > 0 {
			tput[[2]string{m.target, fmt.Sprint(m.rep)}] = float64(m.ops[kind].ops) / m.elapsed.Seconds()
		}
	}
	var ratios []float64
	for rep := 1; ; rep++ {
		a, ok1 := tput[[2]string{targetAtoll, fmt.Sprint(rep)}]
		s, ok2 := tput[[2]string{targetStub, fmt.Sprint(rep)}]
		if !ok1 || !ok2 {
			break
		}
		if s > 0 {
			ratios = append(ratios, a/s)
		}
	}
	return median(ratios), len(ratios) > 0
}

// checks evaluates the three targets on the uniform put and get
// workloads of runs. In Endpoint mode there is nothing to compare with.
func checks(runs []*measurement) []check {
	ss := summarize(runs)
	ratio := func(name, work string, kind opKind, want float64) check {
		c := check{name: name, required: fmt.Sprintf("≥ %.1f×", want), verdict: "not measured", value: "—", detail: "—", cpu: "—"}
		a, ok1 := find(ss, targetAtoll, work, "uniform")
		s, ok2 := find(ss, targetStub, work, "uniform")
		if !ok1 || !ok2 || s.kinds[kind].throughput == 0 {
			return c
		}
		at, st := a.kinds[kind].throughput, s.kinds[kind].throughput
		r, ok := pairedRatio(runs, work, kind)
		if !ok {
			return c
		}
		c.value = fmt.Sprintf("%.2f×", r)
		c.detail = fmt.Sprintf("medians: atoll %s ops/s, protocol limit %s ops/s (ratio of medians %.2f×)", fmtOps(at), fmtOps(st), at/st)
		if a.cpuPerOp > 0 {
			c.cpu = fmt.Sprintf("%.2f× (%s vs %s)", float64(s.cpuPerOp)/float64(a.cpuPerOp), fmtDur(s.cpuPerOp), fmtDur(a.cpuPerOp))
		}
		c.verdict = verdict(r >= want && a.errs == 0)
		return c
	}
	out := []check{
		ratio("PutItem throughput / protocol limit", "put", opPut, targetPutRatio),
		ratio("GetItem throughput / protocol limit", "get", opRead, targetGetRatio),
	}
	c := check{name: "GetItem p99 on atoll", required: "< " + fmtDur(targetGetP99), verdict: "not measured", value: "—", detail: "—", cpu: "—"}
	if a, ok := find(ss, targetAtoll, "get", "uniform"); ok && a.kinds[opRead].present {
		c.value = fmtDur(a.kinds[opRead].p99)
		if s, ok := find(ss, targetStub, "get", "uniform"); ok {
			c.detail = fmt.Sprintf("protocol limit's p99 %s; atoll's p50 %s", fmtDur(s.kinds[opRead].p99), fmtDur(a.kinds[opRead].p50))
		}
		c.verdict = verdict(a.kinds[opRead].p99 < targetGetP99 && a.errs == 0)
	}
	return append(out, c)
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "MISS"
}

func fmtDur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%d µs", d.Microseconds())
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	case d < 100*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.0f ms", float64(d)/1e6)
}

// fmtOps formats a throughput with thousands separators.
func fmtOps(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// targetLabel names a target in reports.
func targetLabel(t string) string {
	switch t {
	case targetAtoll:
		return "atoll"
	case targetStub:
		return "protocol limit (stub)"
	case targetBadger:
		return "storage limit (Badger)"
	}
	return t
}

// rows are the result rows: one per workload, distribution, target and op
// kind.
type row struct {
	work, dist, target, kind string
	throughput, kindTput     float64
	cpu                      time.Duration
	p50, p95, p99, p999      time.Duration
	ops, errs                uint64
}

func rows(ss []summary) []row {
	var out []row
	for _, s := range ss {
		for kind := range numOpKinds {
			k := s.kinds[kind]
			if !k.present {
				continue
			}
			out = append(out, row{
				work: s.work, dist: s.dist, target: s.target, kind: kind.String(),
				throughput: s.throughput, kindTput: k.throughput, cpu: s.cpuPerOp,
				p50: k.p50, p95: k.p95, p99: k.p99, p999: k.p999, ops: k.ops, errs: k.errs,
			})
		}
	}
	return out
}

// writeTable writes the human-readable results.
func writeTable(w io.Writer, res *results) {
	loads, runs := summarize(res.loads), summarize(res.runs)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "workload\tkeys\ttarget\tops/s\top\top/s\tp50\tp95\tp99\tp99.9\tcpu/op\terrors\t")
	for _, r := range rows(slices.Concat(loads, runs)) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t\n",
			r.work, r.dist, r.target, fmtOps(r.throughput), r.kind, fmtOps(r.kindTput),
			fmtDur(r.p50), fmtDur(r.p95), fmtDur(r.p99), fmtDur(r.p999), fmtDur(r.cpu), r.errs)
	}
	tw.Flush()
	if res.cfg.Endpoint == "" {
		fmt.Fprintln(w)
		for _, c := range checks(res.runs) {
			fmt.Fprintf(w, "%-4s %s: %s, required %s (%s; CPU per op ratio %s)\n", c.verdict, c.name, c.value, c.required, c.detail, c.cpu)
		}
	}
}

// Markers around the hand-written part of BENCHMARKS.md, which writeMarkdown
// carries over from the file it replaces.
const (
	analysisBegin = "<!-- analysis:begin (hand-written; kept when the file is regenerated) -->"
	analysisEnd   = "<!-- analysis:end -->"
)

// keptAnalysis returns the hand-written section of an existing report, or
// a placeholder.
func keptAnalysis(old []byte) string {
	_, after, ok := bytes.Cut(old, []byte(analysisBegin))
	if ok {
		if body, _, ok := bytes.Cut(after, []byte(analysisEnd)); ok {
			return strings.Trim(string(body), "\n")
		}
	}
	return "(No analysis written yet.)"
}

// Markers of the sections other writers put into the same file
// (cmd/raftbench, and this command's --cluster mode); they are carried
// over as they are, in the order they appear.
var foreignSections = [][2]string{
	{"<!-- raft:begin", "<!-- raft:end -->"},
	{clusterBeginPrefix, clusterEnd},
}

// keptForeign returns the sections of old written by other tools, with
// their markers, or "" when there are none.
func keptForeign(old []byte) string {
	type span struct{ i, j int }
	var spans []span
	for _, m := range foreignSections {
		i := bytes.Index(old, []byte(m[0]))
		if i < 0 {
			continue
		}
		j := bytes.Index(old[i:], []byte(m[1]))
		if j < 0 {
			continue
		}
		spans = append(spans, span{i, i + j + len(m[1])})
	}
	slices.SortFunc(spans, func(a, b span) int { return a.i - b.i })
	var parts []string
	for _, s := range spans {
		parts = append(parts, string(old[s.i:s.j]))
	}
	return strings.Join(parts, "\n\n")
}

// writeMarkdownFile writes the report to path, keeping the analysis
// section of the file it replaces and the sections other tools wrote.
func writeMarkdownFile(path string, res *results) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	var b bytes.Buffer
	writeMarkdown(&b, res, keptAnalysis(old))
	if f := keptForeign(old); f != "" {
		b.WriteString("\n" + f + "\n")
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// writeMarkdown writes BENCHMARKS.md.
func writeMarkdown(w io.Writer, res *results, analysis string) {
	cfg, m := res.cfg, res.machine
	loads, runs := summarize(res.loads), summarize(res.runs)
	p := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }

	p("# Benchmarks")
	p("")
	p("YCSB-style measurements of atoll through the AWS SDK for Go v2, beside the two baselines that bound it.")
	p("Generated by `cmd/atollbench` (`make bench`); regenerate rather than edit, except the Analysis section,")
	p("which is carried over.")
	p("")
	p("- Date: %s (suite took %s)", res.started.UTC().Format("2006-01-02 15:04 MST"), res.finished.Sub(res.started).Round(time.Second))
	if cfg.CommandLine != "" {
		p("- Command: `%s`", cfg.CommandLine)
	}
	p("")

	if cfg.Endpoint == "" {
		p("## Targets")
		p("")
		p("Measured within this one run (%d workers, 1 KB items, durable writes, uniform keys). A throughput ratio is", cfg.Workers)
		p("the median over the repetitions of atoll's throughput divided by the protocol limit's in the same repetition")
		p("(the two run back to back).")
		p("")
		p("| target | measured | required | result | numbers | CPU-bound ratio |")
		p("|---|--:|--:|---|---|---|")
		for _, c := range checks(res.runs) {
			p("| %s | %s | %s | **%s** | %s | %s |", c.name, c.value, c.required, c.verdict, c.detail, c.cpu)
		}
		p("")
		p("CPU-bound ratio: the protocol limit's CPU time per request divided by atoll's (client and server together,")
		p("this process only). It is the throughput ratio to expect when the CPUs are the bottleneck, and it is less")
		p("sensitive than throughput to what else runs on the machine.")
		p("")
		p("Against the storage limit (informational; Badger alone has no protocol, no client and no HTTP):")
		p("")
		p("| workload | atoll ops/s | Badger ops/s | atoll / Badger |")
		p("|---|---|---|---|")
		for _, w := range workloads {
			for _, d := range cfg.Dists {
				a, ok1 := find(runs, targetAtoll, w.name, d)
				bd, ok2 := find(runs, targetBadger, w.name, d)
				if ok1 && ok2 && bd.throughput > 0 {
					p("| %s %s | %s | %s | %.2f× |", w.name, d, fmtOps(a.throughput), fmtOps(bd.throughput), a.throughput/bd.throughput)
				}
			}
		}
		p("")
	}

	p("## Machine")
	p("")
	p("- CPU: %s, %d logical CPUs (GOMAXPROCS %d); shared with other work, so absolute numbers are noisy", m.CPUModel, m.NumCPU, m.GOMAXPROCS)
	p("- Memory: %s", m.MemTotal)
	p("- OS: %s, %s", m.Kernel, m.OSArch)
	p("- Go: %s", m.GoVersion)
	if m.Fsync > 0 {
		p("- fsync: %s median for a 1 KiB append + fsync in the data directory (one writer can sync about %s times a second)",
			fmtDur(m.Fsync), fmtOps(float64(time.Second)/float64(m.Fsync)))
	}
	p("")

	p("## Method")
	p("")
	if cfg.Endpoint != "" {
		p("- Target: the external endpoint given with `--endpoint` (table `%s`).", cfg.Table)
	} else {
		p("- Targets, all in this one process:")
		p("  - **atoll**: `node.New` with the default configuration (durable writes: group commit, fsync before the")
		p("    acknowledgement), data in a temporary directory, API on 127.0.0.1, reached through the AWS SDK.")
		p("  - **protocol limit (stub)**: an HTTP server on 127.0.0.1 that reads each request, decodes it with")
		p("    `router/wire` into the operation's Input type as atoll does, stores nothing and answers a fixed")
		p("    valid response (GetItem: a record of the same shape) with its X-Amz-Crc32 and a request ID. Same SDK client.")
		p("  - **storage limit (Badger)**: Badger v4 in process with SyncWrites (fsync before a write returns), the")
		p("    sizes of atoll's data Badger, no conflict detection. put = one `Set` transaction, get = `Get` + value")
		p("    copy, update = read-modify-write of one field in one transaction.")
	}
	p("- Client: one AWS SDK for Go v2 DynamoDB client shared by all workers; HTTP keep-alive with at least")
	p("  as many idle connections per host as workers; SDK retries off (errors are counted, not retried).")
	p("- %d workers in a closed loop (each sends its next request when the previous one is answered).", cfg.Workers)
	p("- Records: %s, key `user` + 12 digits, YCSB's shape: 10 string attributes `field0`…`field9` of 100 bytes", fmtOps(float64(cfg.Records)))
	p("  each (1000 bytes of values, about 1.1 KB as DynamoDB sizes items). UpdateItem is `SET #f = :v` on one field.")
	p("- Workloads: load (PutItem of every record once, sequential keys),")
	for _, w := range workloads {
		if slices.Contains(cfg.Workloads, w.name) {
			p("  %s — %s;", w.name, w.desc)
		}
	}
	p("- Keys: uniform, and zipfian (YCSB's scrambled zipfian, constant %.2f: the popularity of Gray et al.'s", zipfianConstant)
	p("  generator, ranks scattered over the keys by FNV-1a). Randomness from math/rand/v2 PCG, seed %d.", cfg.Seed)
	p("- Each measurement: %s warm-up (not recorded), then %s recorded; repeated %d times, the targets", cfg.Warmup, cfg.Duration, cfg.Reps)
	p("  interleaved and rotated; the tables show medians over the repetitions (throughput and each percentile).")
	p("- Latency: per-op log-linear histograms (128 sub-buckets per power of two, < 0.8%% error), from just")
	p("  before the call to its return, client included. cpu/op: this process's CPU time (user + system) per")
	p("  request, client and server together, so it shows where the two CPUs go.")
	p("")

	p("## Results")
	p("")
	p("ops/s is the whole workload's throughput, op/s that of one operation kind; latencies are per kind.")
	p("")
	p("| workload | keys | target | ops/s | op | op/s | p50 | p95 | p99 | p99.9 | cpu/op | errors |")
	p("|---|---|---|--:|---|--:|--:|--:|--:|--:|--:|--:|")
	for _, r := range rows(slices.Concat(loads, runs)) {
		p("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |",
			r.work, r.dist, targetLabel(r.target), fmtOps(r.throughput), r.kind, fmtOps(r.kindTput),
			fmtDur(r.p50), fmtDur(r.p95), fmtDur(r.p99), fmtDur(r.p999), fmtDur(r.cpu), r.errs)
	}
	p("")

	if obs := observations(res, runs); len(obs) > 0 {
		p("## Observations (computed)")
		p("")
		for _, o := range obs {
			p("- %s", o)
		}
		p("")
	}

	p("## Analysis")
	p("")
	p("%s", analysisBegin)
	p("%s", analysis)
	p("%s", analysisEnd)
}

// observations are remarks computed from the numbers.
func observations(res *results, runs []summary) []string {
	var out []string
	fs := res.machine.Fsync
	if b, ok := find(runs, targetBadger, "put", "uniform"); ok && fs > 0 && b.throughput > 0 {
		serial := float64(time.Second) / float64(fs)
		r := b.throughput / serial
		what := "more than one writer can sync serially, so its transactions share syncs (Badger's single writer goroutine commits everything queued during the previous write as one batch with one WAL sync)"
		if r < 1.2 {
			what = "consistent with about one sync per transaction: unlike atoll's group commit, it does not share syncs across goroutines here"
		}
		out = append(out, fmt.Sprintf("Raw Badger with SyncWrites: %s puts/s with %d workers against a serial fsync rate of %s/s (%.1f×): %s.",
			fmtOps(b.throughput), res.cfg.Workers, fmtOps(serial), r, what))
	}
	if a, ok := find(runs, targetAtoll, "put", "uniform"); ok && fs > 0 && a.throughput > 0 {
		serial := float64(time.Second) / float64(fs)
		out = append(out, fmt.Sprintf("atoll PutItem: %s puts/s, %.1f× the serial fsync rate%s.",
			fmtOps(a.throughput), a.throughput/serial, batchWord(a.throughput/serial)))
	}
	for _, t := range []string{targetAtoll, targetStub} {
		g, ok1 := find(runs, t, "get", "uniform")
		pt, ok2 := find(runs, t, "put", "uniform")
		if ok1 && ok2 {
			out = append(out, fmt.Sprintf("%s: %s CPU per GetItem and %s per PutItem (client and server together, on %d CPUs).",
				targetLabel(t), fmtDur(g.cpuPerOp), fmtDur(pt.cpuPerOp), res.machine.GOMAXPROCS))
		}
	}
	var errs []string
	for _, s := range slices.Concat(summarize(res.loads), runs) {
		if s.errs > 0 {
			errs = append(errs, fmt.Sprintf("%s %s %s: %d", s.work, s.dist, s.target, s.errs))
		}
	}
	if len(errs) > 0 {
		out = append(out, "Errors (see the run's log for the first of each): "+strings.Join(errs, "; ")+".")
	} else {
		out = append(out, "No request failed.")
	}
	return out
}

// batchWord says what a write rate r times the serial fsync rate implies.
func batchWord(r float64) string {
	if r < 1.2 {
		return ""
	}
	return fmt.Sprintf(": syncs are serial, so group commit shares each one among at least %.1f writes on average", r)
}
