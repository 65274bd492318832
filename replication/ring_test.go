package replication

import (
	"bytes"
	"encoding/binary"
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
