package replication

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"testing"
)

func TestSplitRing(t *testing.T) {
	for _, n := range []int{1, 2, 3, 8, 1000} {
		ranges, err := SplitRing(n)
		if err != nil {
			t.Fatalf("SplitRing(%d): %v", n, err)
		}
		if len(ranges) != n {
			t.Fatalf("SplitRing(%d) gave %d ranges", n, len(ranges))
		}
		if ranges[0].Start != nil || ranges[n-1].End != nil {
			t.Errorf("SplitRing(%d) does not cover the ends: first starts %x, last ends %x", n, ranges[0].Start, ranges[n-1].End)
		}
		for i := 1; i < n; i++ {
			if !bytes.Equal(ranges[i-1].End, ranges[i].Start) || bytes.Compare(ranges[i-1].Start, ranges[i].Start) >= 0 {
				t.Fatalf("SplitRing(%d): range %d [%x, %x) does not follow range %d", n, i, ranges[i].Start, ranges[i].End, i-1)
			}
		}
		// Every hash lands in exactly one range, and the ranges are even.
		for _, h := range []uint64{0, 1, math.MaxUint64 / 3, math.MaxUint64 / 2, math.MaxUint64 - 1, math.MaxUint64} {
			pos := binary.BigEndian.AppendUint64(nil, h)
			owners := 0
			for _, r := range ranges {
				if r.contains(pos) {
					owners++
				}
			}
			if owners != 1 {
				t.Errorf("SplitRing(%d): hash %x has %d owners", n, h, owners)
			}
		}
	}
	if _, err := SplitRing(0); err == nil {
		t.Error("SplitRing(0) succeeded")
	}
}

// TestRingStoreRoutesAndCloses writes through a ring store of two groups on
// one node: each write lands in the group owning its key, the table
// statistics sum over the groups, and after Close every operation is refused
// with ErrStopped.
func TestRingStoreRoutesAndCloses(t *testing.T) {
	c := newTestCluster(t, stacks[0], 1, testRaftConfig(t))
	n := c.nodes[0]
	ring, err := SplitRing(2)
	if err != nil {
		t.Fatal(err)
	}
	var groups []*Group
	for i, r := range ring {
		c.startGroup(uint64(i+1), r)
		groups = append(groups, n.group(uint64(i+1)))
	}
	s, err := NewRingStore(n.db, groups, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WaitReady(t.Context()); err != nil {
		t.Fatal(err)
	}
	const items = 20
	for i := range items {
		if _, err := s.Propose(t.Context(), putCmd(t, 1, fmt.Sprintf("k%d", i), int64(i))); err != nil {
			t.Fatal(err)
		}
	}
	for _, g := range groups {
		if g.AppliedIndex() == 0 {
			t.Errorf("group %d applied nothing: writes were not routed by key", g.ID())
		}
	}
	count, _, err := s.TableStats(t.Context(), 1)
	if err != nil || count != items {
		t.Errorf("TableStats = %d, %v; want %d items over both groups", count, err, items)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Propose(t.Context(), putCmd(t, 1, "late", 1)); !errors.Is(err, ErrStopped) {
		t.Errorf("Propose after Close = %v, want ErrStopped", err)
	}
	if _, err := s.Get(t.Context(), 1, position(t, "k1"), true); !errors.Is(err, ErrStopped) {
		t.Errorf("Get after Close = %v, want ErrStopped", err)
	}
}
