package replication

import (
	"encoding/binary"
	"fmt"
	"math"
)

// SplitRing cuts the ring into n contiguous ranges of equal hash space: range
// i starts at the ring position whose 8-byte hash prefix is i × ⌈2^64 / n⌉.
// The first range starts at nil (the beginning), the last ends at nil (the
// end).
func SplitRing(n int) ([]KeyRange, error) {
	if n < 1 || n > 1<<16 {
		return nil, fmt.Errorf("replication: cannot split the ring into %d ranges (1..65536)", n)
	}
	step := math.MaxUint64/uint64(n) + 1
	if n == 1 {
		step = 0
	}
	ranges := make([]KeyRange, n)
	for i := range n {
		if i > 0 {
			start := binary.BigEndian.AppendUint64(nil, uint64(i)*step)
			ranges[i].Start = start
			ranges[i-1].End = start
		}
	}
	return ranges, nil
}
