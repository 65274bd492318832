package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atolldb/atoll/node"
)

// quickConfig is the suite shrunk to a fraction of a second per
// measurement.
func quickConfig(t *testing.T) config {
	cfg := defaultConfig()
	cfg.Workers = 4
	cfg.Records = 200
	cfg.Warmup = 30 * time.Millisecond
	cfg.Duration = 120 * time.Millisecond
	cfg.Reps = 1
	cfg.TempDir = t.TempDir()
	return cfg
}

func checkMeasurements(t *testing.T, res *results, wantRuns int) {
	t.Helper()
	if len(res.runs) != wantRuns {
		t.Errorf("got %d measurements, want %d", len(res.runs), wantRuns)
	}
	for _, m := range append(res.loads, res.runs...) {
		ops, errs := m.total()
		if ops == 0 || errs != 0 {
			t.Errorf("%s %s %s: %d ops, %d errors (first: %v); want ops and no errors", m.work, m.dist, m.target, ops, errs, m.firstErr)
		}
	}
	for _, m := range res.loads {
		if ops, _ := m.total(); ops != res.cfg.Records {
			t.Errorf("load of %s wrote %d records, want %d", m.target, ops, res.cfg.Records)
		}
	}
}

func TestSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the benchmark suite run (a few seconds) in -short mode")
	}
	cfg := quickConfig(t)
	res, err := runSuite(context.Background(), cfg)
	if err != nil {
		t.Fatalf("runSuite: %v", err)
	}
	checkMeasurements(t, res, len(workloads)*2*len(suiteTargets))
	if len(res.loads) != len(suiteTargets) {
		t.Errorf("got %d loads, want one per target", len(res.loads))
	}

	var table bytes.Buffer
	writeTable(&table, res)
	for _, want := range []string{"PutItem throughput", "GetItem throughput", "GetItem p99", "badger", "stub", "atoll"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}

	path := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	if err := writeMarkdownFile(path, res); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"# Benchmarks", "## Targets", "## Machine", "## Method", "## Results", "## Observations", "## Analysis",
		"PutItem throughput / protocol limit", "GetItem throughput / protocol limit", "GetItem p99 on atoll",
		"logical CPUs", "Memory:", "Go: go1", "fsync:",
		"| put | uniform | atoll |", "| get | zipfian | protocol limit (stub) |", "| A | uniform | storage limit (Badger) |",
		"| load | sequential | atoll |", "update", analysisBegin, analysisEnd,
	} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("BENCHMARKS.md lacks %q", want)
		}
	}
	for _, c := range checks(res.runs) {
		if c.verdict != "PASS" && c.verdict != "MISS" {
			t.Errorf("target %q: verdict %q, want PASS or MISS", c.name, c.verdict)
		}
	}

	// The hand-written analysis survives regeneration.
	edited := bytes.Replace(md, []byte("(No analysis written yet.)"), []byte("Hand-written notes."), 1)
	if err := os.WriteFile(path, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeMarkdownFile(path, res); err != nil {
		t.Fatal(err)
	}
	if md, _ := os.ReadFile(path); !bytes.Contains(md, []byte(analysisBegin+"\nHand-written notes.\n"+analysisEnd)) {
		t.Errorf("regenerated BENCHMARKS.md lost the analysis section")
	}
}

func TestEndpointMode(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the endpoint benchmark run in -short mode")
	}
	ncfg := node.DefaultConfig()
	ncfg.APIAddr = "127.0.0.1:0"
	ncfg.GRPCAddr, ncfg.GossipAddr = "127.0.0.1:0", "127.0.0.1:0"
	ncfg.InMemory = true
	n, err := node.New(ncfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close(context.Background()) })
	if err := n.Start(t.Context()); err != nil {
		t.Fatal(err)
	}

	cfg := quickConfig(t)
	cfg.Endpoint = "http://" + n.Addr().String()
	cfg.Workloads = []string{"A"}
	cfg.Dists = []string{"zipfian"}
	res, err := runSuite(context.Background(), cfg)
	if err != nil {
		t.Fatalf("runSuite: %v", err)
	}
	checkMeasurements(t, res, 1)
	var md bytes.Buffer
	writeMarkdown(&md, res, "")
	if bytes.Contains(md.Bytes(), []byte("## Targets")) || !bytes.Contains(md.Bytes(), []byte("| A | zipfian | endpoint |")) {
		t.Errorf("endpoint report: want no Targets section and an endpoint row:\n%s", md.String())
	}
}

func TestParseFlags(t *testing.T) {
	var stderr bytes.Buffer
	o, err := parse([]string{"--workers", "8", "--workloads", "get, C", "--dists", "zipfian", "--duration", "2s"}, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if o.cfg.Workers != 8 || o.cfg.Duration != 2*time.Second || strings.Join(o.cfg.Workloads, ",") != "get,C" || strings.Join(o.cfg.Dists, ",") != "zipfian" {
		t.Errorf("parse = %+v", o.cfg)
	}
	for _, args := range [][]string{
		{"--workloads", "D"}, {"--dists", "latest"}, {"--targets", "etcd"}, {"--workers", "0"}, {"--suite=false"}, {"extra"},
	} {
		if _, err := parse(args, &stderr); err == nil {
			t.Errorf("parse(%q) succeeded, want an error", args)
		}
	}
}
