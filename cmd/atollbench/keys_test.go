package main

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestZipfianSkew(t *testing.T) {
	const n, draws = 1000, 200_000
	z := newZipfian(n, zipfianConstant)
	r := rand.New(rand.NewPCG(1, 2))
	counts := make([]int, n)
	for range draws {
		v := z.Next(r)
		if v >= n {
			t.Fatalf("Next() = %d, want < %d", v, n)
		}
		counts[v]++
	}
	// Rank 0 has probability 1/zeta(n) (about 13% for n = 1000, theta 0.99).
	want0 := 1 / zeta(n, zipfianConstant)
	if got := float64(counts[0]) / draws; math.Abs(got-want0) > 0.01 {
		t.Errorf("share of rank 0 = %.4f, want %.4f", got, want0)
	}
	// Popularity falls with rank.
	if !(counts[0] > counts[1] && counts[1] > counts[9] && counts[9] > counts[99] && counts[99] > counts[999]) {
		t.Errorf("counts of ranks 0, 1, 9, 99, 999 = %d, %d, %d, %d, %d; want decreasing",
			counts[0], counts[1], counts[9], counts[99], counts[999])
	}
	// The top 10% of ranks take most requests (under uniform keys: 10%).
	top := 0
	for _, c := range counts[:n/10] {
		top += c
	}
	if share := float64(top) / draws; share < 0.6 {
		t.Errorf("top 10%% of ranks got %.2f of requests, want more than 0.6", share)
	}
}

func TestScrambledZipfianSpreadsHotKeys(t *testing.T) {
	const n, draws = 1000, 100_000
	keys, err := newKeyChooser("zipfian", n)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	counts := make([]int, n)
	for range draws {
		v := keys.Next(r)
		if v >= n {
			t.Fatalf("Next() = %d, want < %d", v, n)
		}
		counts[v]++
	}
	hottest := slices.Index(counts, slices.Max(counts))
	if hottest == 0 {
		t.Errorf("hottest record is 0: the ranks are not scrambled")
	}
	sorted := slices.Clone(counts)
	slices.Sort(sorted)
	slices.Reverse(sorted)
	if share := float64(sorted[0]) / draws; share < 0.08 {
		t.Errorf("hottest record's share = %.3f, want a zipfian head above 0.08", share)
	}
}

func TestUniformKeys(t *testing.T) {
	const n, draws = 100, 100_000
	keys, err := newKeyChooser("uniform", n)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 6))
	counts := make([]int, n)
	for range draws {
		counts[keys.Next(r)]++
	}
	// Each record expects 1000 draws (sd about 31).
	if lo, hi := slices.Min(counts), slices.Max(counts); lo < 850 || hi > 1150 {
		t.Errorf("uniform counts range [%d, %d], want within [850, 1150]", lo, hi)
	}
	if _, err := newKeyChooser("latest", n); err == nil {
		t.Error(`newKeyChooser("latest") succeeded, want an error`)
	}
}

func TestWorkloadPick(t *testing.T) {
	b, _ := workloadByName("B")
	r := rand.New(rand.NewPCG(7, 8))
	var n [numOpKinds]int
	for range 100_000 {
		n[b.pick(r.Float64())]++
	}
	if n[opPut] != 0 || math.Abs(float64(n[opUpdate])/100_000-0.05) > 0.005 {
		t.Errorf("workload B picked %v (read, update, put), want about 95%%/5%%/0", n)
	}
}
