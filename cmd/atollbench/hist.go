package main

import (
	"math"
	"math/bits"
	"time"
)

// Histogram bucket layout, HdrHistogram-like: values below 2*histSub are
// counted exactly; above, each power of two is split into histSub linear
// sub-buckets, so a recorded value is known to within 1/histSub (< 0.8%).
const (
	histSubBits = 7
	histSub     = 1 << histSubBits // sub-buckets per power of two
	// histBuckets covers every non-negative int64.
	histBuckets = (64 - histSubBits) * histSub
)

// Histogram records latencies in nanoseconds in log-linear buckets. The zero
// value is ready to use. It is not safe for concurrent use: each worker
// records into its own and Merge combines them.
type Histogram struct {
	counts []uint64 // allocated on first Record
	total  uint64
	min    int64
	max    int64
	sum    float64
}

// bucketOf returns the bucket index of v >= 0.
func bucketOf(v int64) int {
	if v < 2*histSub {
		return int(v)
	}
	shift := bits.Len64(uint64(v)) - histSubBits - 1 // v>>shift is in [histSub, 2*histSub)
	return (shift+1)*histSub + int(v>>shift) - histSub
}

// bucketHigh returns the highest value counted in bucket i, which is what
// percentiles report (as HdrHistogram's highestEquivalentValue does).
func bucketHigh(i int) int64 {
	if i < 2*histSub {
		return int64(i)
	}
	shift := i/histSub - 1
	m := int64(i%histSub + histSub)
	return (m+1)<<shift - 1
}

// Record adds one latency. Negative durations count as zero.
func (h *Histogram) Record(d time.Duration) {
	v := int64(d)
	if v < 0 {
		v = 0
	}
	if h.counts == nil {
		h.counts = make([]uint64, histBuckets)
	}
	h.counts[bucketOf(v)]++
	if h.total == 0 || v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
	h.total++
	h.sum += float64(v)
}

// Merge adds every value recorded in o to h.
func (h *Histogram) Merge(o *Histogram) {
	if o.total == 0 {
		return
	}
	if h.counts == nil {
		h.counts = make([]uint64, histBuckets)
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.total == 0 || o.min < h.min {
		h.min = o.min
	}
	h.max = max(h.max, o.max)
	h.total += o.total
	h.sum += o.sum
}

// Count returns the number of recorded values.
func (h *Histogram) Count() uint64 { return h.total }

// Max returns the largest recorded value (exact), or 0.
func (h *Histogram) Max() time.Duration { return time.Duration(h.max) }

// Mean returns the mean of the recorded values, or 0.
func (h *Histogram) Mean() time.Duration {
	if h.total == 0 {
		return 0
	}
	return time.Duration(h.sum / float64(h.total))
}

// Quantile returns the value at quantile q in [0, 1]: the smallest bucket
// bound at or below which at least q of the values lie, capped at the exact
// maximum. It returns 0 for an empty histogram.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.total == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.total)))
	rank = min(max(rank, 1), h.total)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return time.Duration(min(max(bucketHigh(i), h.min), h.max))
		}
	}
	return time.Duration(h.max)
}
