package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atolldb/atoll/partition/keys"
	"github.com/atolldb/atoll/partition/value"
	"github.com/atolldb/atoll/replication"
)

// quickRaft returns timeouts that elect leaders quickly on a loaded test
// machine.
func quickRaft(t *testing.T) replication.Config {
	cfg := replication.DefaultConfig()
	cfg.HeartbeatTimeout = 300 * time.Millisecond
	cfg.ElectionTimeout = 300 * time.Millisecond
	cfg.LeaderLeaseTimeout = 200 * time.Millisecond
	cfg.CommitTimeout = 50 * time.Millisecond
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestWritesQuick runs the atoll side of the write benchmark for a fraction
// of a second and checks that every write succeeded and was counted.
func TestWritesQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped under -short: starts 3 nodes with 8 Raft groups over gRPC for a few seconds")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := runWrites(ctx, writeConfig{
		Groups: 8, Nodes: 3, Writers: 16, ValueBytes: 1000, Keys: 1000,
		Warmup: 200 * time.Millisecond, Duration: 500 * time.Millisecond,
		Raft: quickRaft(t), Dir: t.TempDir(),
	})
	if err != nil {
		t.Fatalf("runWrites: %v", err)
	}
	if res.Errors != 0 {
		t.Errorf("runWrites: %d errors, first: %s", res.Errors, res.FirstError)
	}
	if res.Writes == 0 {
		t.Fatalf("runWrites recorded no writes: %+v", res)
	}
	if res.Fsyncs == 0 || res.LogWrites == 0 {
		t.Errorf("runWrites counted %d fsyncs and %d log writes for %d writes", res.Fsyncs, res.LogWrites, res.Writes)
	}
	if res.P50Micros <= 0 || res.P99Micros < res.P50Micros {
		t.Errorf("runWrites: p50 %.0f µs, p99 %.0f µs", res.P50Micros, res.P99Micros)
	}
}

// TestIdleQuick grows a small cluster through two group counts and checks
// the measurement of each.
func TestIdleQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped under -short: starts 3 nodes with 20 Raft groups over gRPC for a few seconds")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := runIdle(ctx, idleConfig{
		Counts: []int{0, 20}, Nodes: 3, Settle: 100 * time.Millisecond, Window: 500 * time.Millisecond,
		Raft: quickRaft(t), Dir: t.TempDir(),
	}, nil)
	if err != nil {
		t.Fatalf("runIdle: %v", err)
	}
	if len(res) != 2 {
		t.Fatalf("runIdle returned %d results, want 2", len(res))
	}
	for i, want := range []int{0, 20} {
		r := res[i]
		if r.Groups != want || r.Nodes != 3 {
			t.Errorf("result %d: %d groups on %d nodes, want %d on 3", i, r.Groups, r.Nodes, want)
		}
		if r.ProcessCPUPercent < 0 || r.RSSBytes == 0 {
			t.Errorf("result %d: CPU %.1f%%, RSS %d", i, r.ProcessCPUPercent, r.RSSBytes)
		}
	}
	if res[1].RPCsPerSec == 0 {
		t.Errorf("20 groups with leaders exchanged no RPCs: %+v", res[1])
	}
}

func TestRingSplit(t *testing.T) {
	for _, n := range []int{1, 3, 8} {
		split := ringSplit{n}
		for k := range 200 {
			pk := value.S("user" + strings.Repeat("0", k%5) + string(rune('a'+k%26)) + string(rune('a'+k/26)))
			pos, err := keys.Position(pk, nil)
			if err != nil {
				t.Fatal(err)
			}
			i := split.index(pos)
			if i < 0 || i >= n {
				t.Fatalf("ringSplit{%d}.index(%x) = %d", n, pos, i)
			}
			for j := range n {
				kr := split.span(j)
				in := bytes.Compare(pos, kr.Start) >= 0 && (kr.End == nil || bytes.Compare(pos, kr.End) < 0)
				if in != (i == j) {
					t.Errorf("ringSplit{%d}: position %x in span %d = %v, but index is %d", n, pos, j, in, i)
				}
			}
		}
	}
}

// TestWriteSection checks that the section is appended once, then replaced
// in place with the rest of the document and the analysis kept.
func TestWriteSection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	head := "# Benchmarks\n\ntext written by another tool\n"
	if err := os.WriteFile(path, []byte(head), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := &report{
		Started: time.Date(2026, 11, 25, 17, 0, 0, 0, time.UTC),
		Reps:    1,
		Raft:    replication.DefaultConfig(),
		Write:   writeConfig{Writers: 16, ValueBytes: 1000, Nodes: 3},
		Idle:    idleConfig{Nodes: 3},
		Atoll:   []writeResult{{System: "atoll", Groups: 8, Replicas: 3, WritesPerSec: 3000, Writes: 15000, Fsyncs: 5000, LogWrites: 20000}},
		Bolt:    []writeResult{{System: "raft-boltdb", Groups: 1, Replicas: 3, WritesPerSec: 1500}},
		IdleRuns: [][]idleResult{{
			{Groups: 100, Nodes: 3, NodeCPUPercent: 1, RSSBytes: 100 << 20},
			{Groups: 500, Nodes: 3, NodeCPUPercent: 4, RSSBytes: 300 << 20},
		}},
	}
	if err := writeSection(path, rep); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(got), head+"\n"+beginPrefix) {
		t.Fatalf("after the first write the file starts %q", got[:min(len(got), 120)])
	}
	for _, want := range []string{"| 2.00× | ≥ 1.5× | **PASS**", "| 4.0% of a core | ≤ 10% | **PASS**", noAnalysis} {
		if !strings.Contains(string(got), want) {
			t.Errorf("section lacks %q", want)
		}
	}

	// Hand-write an analysis and text after the section, then regenerate.
	edited := strings.Replace(string(got), noAnalysis, "Our analysis.", 1) + "\n## Later section\n"
	if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	rep.Bolt[0].WritesPerSec = 3000
	if err := writeSection(path, rep); err != nil {
		t.Fatal(err)
	}
	got, _ = os.ReadFile(path)
	s := string(got)
	if strings.Count(s, beginPrefix) != 1 || strings.Count(s, sectionEnd) != 1 {
		t.Errorf("regenerated file has %d begin and %d end markers, want 1 each", strings.Count(s, beginPrefix), strings.Count(s, sectionEnd))
	}
	for _, want := range []string{head, "Our analysis.", "\n## Later section\n", "| 1.00× | ≥ 1.5× | **MISS**"} {
		if !strings.Contains(s, want) {
			t.Errorf("regenerated file lacks %q", want)
		}
	}
	if strings.Contains(s, noAnalysis) {
		t.Error("regenerated file lost the hand-written analysis")
	}
}
