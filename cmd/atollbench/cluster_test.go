package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseCluster(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    func(*clusterConfig) // applied to the defaults
		wantErr string
	}{
		{name: "defaults", want: func(*clusterConfig) {}},
		{
			name: "quick run",
			args: []string{"--duration", "2s", "--reps", "1", "--atoll-bin", "bin/atoll"},
			want: func(c *clusterConfig) { c.Duration, c.Reps, c.AtollBin = 2*time.Second, 1, "bin/atoll" },
		},
		{
			name: "lists",
			args: []string{"--workloads", "put, get", "--reads", "strong", "--etcd-bin", ""},
			want: func(c *clusterConfig) {
				c.Workloads, c.Reads, c.EtcdBin = []string{"put", "get"}, []string{"strong"}, ""
			},
		},
		{name: "unknown workload", args: []string{"--workloads", "put,B"}, wantErr: `unknown workload "B"`},
		{name: "unknown read mode", args: []string{"--reads", "stale"}, wantErr: `unknown read consistency "stale"`},
		{name: "no reads", args: []string{"--reads", ""}, wantErr: "no read consistency modes"},
		{name: "zero reps", args: []string{"--reps", "0"}, wantErr: "reps = 0"},
		{name: "zero duration", args: []string{"--duration", "0s"}, wantErr: "duration = 0s"},
		{name: "argument", args: []string{"extra"}, wantErr: `unexpected argument "extra"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parseCluster(tc.args, io.Discard)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("parseCluster(%q) error = %v, want one containing %q", tc.args, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseCluster(%q): %v", tc.args, err)
			}
			want := defaultClusterConfig()
			tc.want(&want)
			if diff := cmp.Diff(want, o.cfg); diff != "" {
				t.Errorf("parseCluster(%q) config (-want +got):\n%s", tc.args, diff)
			}
		})
	}
}

func TestIsClusterMode(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"--cluster"}, true},
		{[]string{"-cluster", "--reps", "1"}, true},
		{[]string{"--suite", "--cluster"}, false},
	} {
		if got := isClusterMode(tc.args); got != tc.want {
			t.Errorf("isClusterMode(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}

func TestVariants(t *testing.T) {
	both := []string{readStrong, readEventual}
	for _, tc := range []struct {
		work  string
		etcd  bool
		reads []string
		want  []string
	}{
		{"put", true, both, []string{sysAtoll, sysEtcd}},
		{"put", false, []string{readEventual}, []string{sysAtoll}},
		{"get", true, both, []string{sysAtoll, sysEtcd, sysAtollEC}},
		{"get", true, []string{readEventual}, []string{sysEtcd, sysAtollEC}},
		{"A", false, []string{readStrong}, []string{sysAtoll}},
	} {
		if diff := cmp.Diff(tc.want, variants(tc.work, tc.etcd, tc.reads)); diff != "" {
			t.Errorf("variants(%q, %v, %q) (-want +got):\n%s", tc.work, tc.etcd, tc.reads, diff)
		}
	}
}

func TestPairedRatios(t *testing.T) {
	run := func(sys string, rep int, puts uint64, p99 time.Duration) clusterRun {
		m := &measurement{target: sys, work: "put", dist: "uniform", rep: rep, elapsed: time.Second}
		m.ops[opPut].ops = puts
		m.ops[opPut].hist.Record(p99)
		return clusterRun{measurement: m}
	}
	// The machine slows down over the run: the ratio of the medians
	// (2000/3000) differs from the median of the paired ratios (1.0, 0.5,
	// 0.5 -> 0.5).
	runs := []clusterRun{
		run(sysAtoll, 1, 4000, time.Millisecond), run(sysEtcd, 1, 4000, time.Millisecond),
		run(sysEtcd, 2, 3000, time.Millisecond), run(sysAtoll, 2, 1500, 3*time.Millisecond),
		run(sysAtoll, 3, 1000, 2*time.Millisecond), run(sysEtcd, 3, 2000, time.Millisecond),
		run(sysAtoll, 4, 1000, time.Millisecond), // no etcd run to pair with
	}
	got := pairedRatios(runs, "put", sysAtoll, sysEtcd, opPut, kindThroughput)
	if diff := cmp.Diff([]float64{1, 0.5, 0.5}, got); diff != "" {
		t.Errorf("throughput ratios (-want +got):\n%s", diff)
	}
	res := &clusterResults{runs: runs, etcdVersion: "etcd Version: test"}
	cs := clusterChecks(res)
	if cs[0].value != "0.50×" || cs[0].verdict != "MISS" {
		t.Errorf("put throughput check = %+v, want 0.50× MISS", cs[0])
	}
	// p99 ratios 1, 3, 2: median 2 > 1.5.
	if cs[2].value != "2.00×" || cs[2].verdict != "MISS" {
		t.Errorf("put p99 check = %+v, want 2.00× MISS", cs[2])
	}
	if cs[1].verdict != "not measured" {
		t.Errorf("get check = %+v, want not measured", cs[1])
	}
}

// TestClusterSectionKept guards against a regeneration of BENCHMARKS.md
// (by suite mode, cmd/raftbench or cluster mode itself) dropping another
// writer's section or the cluster section's hand-written analysis.
func TestClusterSectionKept(t *testing.T) {
	raft := "<!-- raft:begin (x) -->\n## Raft groups\nraft body\n<!-- raft:end -->"
	cluster := clusterBegin + "\n## A 3-node cluster against etcd\nold numbers\n" +
		clusterAnalysisBegin + "\nWhy atoll is slow.\n" + clusterAnalysisEnd + "\n" + clusterEnd
	doc := "# Benchmarks\n\nsuite body\n\n" + raft + "\n\n" + cluster + "\n"

	if got, want := keptForeign([]byte(doc)), raft+"\n\n"+cluster; got != want {
		t.Errorf("keptForeign = %q, want %q", got, want)
	}

	res := &clusterResults{cfg: defaultClusterConfig(), startup: map[string]time.Duration{}}
	path := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeClusterSection(path, res); err != nil {
		t.Fatalf("writeClusterSection: %v", err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{"# Benchmarks\n\nsuite body\n\n" + raft + "\n\n" + clusterBegin, "Why atoll is slow.", "### Targets"} {
		if !strings.Contains(got, want) {
			t.Errorf("rewritten file lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "old numbers") || strings.Count(got, clusterBeginPrefix) != 1 || !strings.HasSuffix(got, clusterEnd+"\n") {
		t.Errorf("rewritten file does not hold exactly one new cluster section at its end:\n%s", got)
	}

	// Without a section, it is appended after a blank line.
	path2 := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	if err := os.WriteFile(path2, []byte("# Benchmarks\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeClusterSection(path2, res); err != nil {
		t.Fatalf("writeClusterSection: %v", err)
	}
	b, _ = os.ReadFile(path2)
	if !strings.HasPrefix(string(b), "# Benchmarks\n\n"+clusterBegin+"\n") || !strings.Contains(string(b), clusterNoAnalysis) {
		t.Errorf("appended section:\n%s", b)
	}
}

// TestClusterSmoke runs cluster mode end to end at a tiny scale: three
// atoll processes built from this tree and, when etcd is installed, three
// etcd members, a few hundred milliseconds per measurement.
func TestClusterSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the 3-process cluster smoke test (about 20 s) in -short mode")
	}
	cfg := defaultClusterConfig()
	cfg.Workers = 3
	cfg.Records = 30
	cfg.Warmup = 0
	cfg.Duration = 300 * time.Millisecond
	cfg.Reps = 1
	cfg.Timeout = 3 * time.Minute
	cfg.StopGrace = 3 * time.Second // killed after that: the data is thrown away
	cfg.TempDir = t.TempDir()
	var progress bytes.Buffer
	cfg.Progress = &progress
	_, etcdErr := exec.LookPath("etcd")
	if etcdErr != nil {
		cfg.EtcdBin = ""
	}

	res, err := runCluster(context.Background(), cfg)
	if err != nil {
		t.Fatalf("runCluster: %v\nprogress:\n%s", err, progress.String())
	}
	t.Logf("progress:\n%s", progress.String())
	wantRuns := 7 // put, get ×2, A ×2, C ×2
	if etcdErr == nil {
		wantRuns += 2
	}
	if len(res.runs) != wantRuns {
		t.Errorf("got %d measurements, want %d", len(res.runs), wantRuns)
	}
	for _, r := range append(res.loads, res.runs...) {
		ops, errs := r.total()
		if ops == 0 || errs != 0 {
			t.Errorf("%s %s: %d ops, %d errors (first: %v); want ops and no errors", r.work, r.target, ops, errs, r.firstErr)
		}
	}
	for _, r := range res.loads {
		if ops, _ := r.total(); ops != cfg.Records {
			t.Errorf("load of %s wrote %d records, want %d", r.target, ops, cfg.Records)
		}
	}
	var table bytes.Buffer
	writeClusterTable(&table, res)
	path := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	if err := writeClusterSection(path, res); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| put | uniform | atoll |", "| get | uniform | atoll, ConsistentRead |", "| C | zipfian | atoll, eventually consistent |", "fsync:"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("section lacks %q:\n%s", want, md)
		}
	}

	t.Run("etcd", func(t *testing.T) {
		if etcdErr != nil {
			t.Skipf("ETCD IS NOT INSTALLED (%v): the etcd half of the cluster benchmark was NOT tested; "+
				"install Debian's etcd-server (apt-get install -y etcd-server) to test it", etcdErr)
		}
		if !res.hasEtcd() {
			t.Fatal("etcd is installed but was not run")
		}
		if !strings.Contains(table.String(), "PutItem throughput / etcd put") || !strings.Contains(string(md), "| get | uniform | etcd, linearizable |") {
			t.Errorf("no etcd comparison in the report:\n%s\n%s", table.String(), md)
		}
	})
}
