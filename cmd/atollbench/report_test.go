package main

import (
	"testing"
	"time"
)

func TestPairedRatio(t *testing.T) {
	m := func(target string, rep int, puts uint64) *measurement {
		x := &measurement{target: target, work: "put", dist: "uniform", rep: rep, elapsed: time.Second}
		x.ops[opPut].ops = puts
		return x
	}
	// The machine slows down over the run: the ratio of medians (2000 /
	// 4000) would be 0.5, the paired ratios are 0.25, 0.25 and 0.5.
	runs := []*measurement{
		m(targetAtoll, 1, 3000), m(targetStub, 1, 12000),
		m(targetAtoll, 2, 2000), m(targetStub, 2, 8000),
		m(targetAtoll, 3, 1000), m(targetStub, 3, 2000),
	}
	got, ok := pairedRatio(runs, "put", opPut)
	if !ok || got != 0.25 {
		t.Errorf("pairedRatio = %v, %v; want 0.25, true", got, ok)
	}
	if _, ok := pairedRatio(runs, "get", opRead); ok {
		t.Error("pairedRatio of an unmeasured workload reported a value")
	}
	c := checks(runs)[0]
	if c.value != "0.25×" || c.verdict != "MISS" {
		t.Errorf("put check = %+v, want 0.25× MISS", c)
	}
}

// TestKeptForeign guards against regenerating BENCHMARKS.md dropping the
// section cmd/raftbench writes into it.
func TestKeptForeign(t *testing.T) {
	old := []byte("# Benchmarks\n\nold body\n\n<!-- raft:begin (x) -->\nraft stuff\n<!-- raft:end -->\ntrailer\n")
	want := "<!-- raft:begin (x) -->\nraft stuff\n<!-- raft:end -->"
	if got := keptForeign(old); got != want {
		t.Errorf("keptForeign = %q, want %q", got, want)
	}
	if got := keptForeign([]byte("no sections")); got != "" {
		t.Errorf("keptForeign(no sections) = %q, want empty", got)
	}
}
