package main

import (
	"testing"
	"time"
)

func TestBucketsRoundTrip(t *testing.T) {
	// Every value lies in its bucket: not above the bucket's high bound,
	// and above the previous bucket's.
	for _, v := range []int64{0, 1, 255, 256, 257, 511, 512, 1000, 123456, 1 << 40, 1<<62 + 12345} {
		i := bucketOf(v)
		if hi := bucketHigh(i); v > hi {
			t.Errorf("bucketHigh(bucketOf(%d)) = %d, below the value", v, hi)
		}
		if i > 0 {
			if lo := bucketHigh(i - 1); v <= lo {
				t.Errorf("value %d in bucket %d, but bucket %d already ends at %d", v, i, i-1, lo)
			}
		}
		if i >= histBuckets {
			t.Errorf("bucketOf(%d) = %d, out of %d buckets", v, i, histBuckets)
		}
	}
}

func TestHistogramQuantiles(t *testing.T) {
	var h Histogram
	// 1..10000 µs, once each.
	for v := 1; v <= 10000; v++ {
		h.Record(time.Duration(v) * time.Microsecond)
	}
	tests := []struct {
		q    float64
		want time.Duration
	}{
		{0.50, 5000 * time.Microsecond},
		{0.95, 9500 * time.Microsecond},
		{0.99, 9900 * time.Microsecond},
		{0.999, 9990 * time.Microsecond},
		{1, 10000 * time.Microsecond},
	}
	for _, tt := range tests {
		got := h.Quantile(tt.q)
		// Within the bucket resolution (1/128), never below the true value.
		if got < tt.want || float64(got-tt.want) > float64(tt.want)/histSub {
			t.Errorf("Quantile(%v) = %v, want %v (+%.1f%%)", tt.q, got, tt.want, 100.0/histSub)
		}
	}
	if got, want := h.Quantile(0), time.Microsecond; got < want || got > want+want/histSub {
		t.Errorf("Quantile(0) = %v, want about the minimum %v", got, want)
	}
	if got, want := h.Max(), 10000*time.Microsecond; got != want {
		t.Errorf("Max() = %v, want %v", got, want)
	}
	if got, want := h.Mean(), 5000500*time.Nanosecond; got != want {
		t.Errorf("Mean() = %v, want %v", got, want)
	}
	if h.Count() != 10000 {
		t.Errorf("Count() = %d, want 10000", h.Count())
	}
}

func TestHistogramMergeAndEmpty(t *testing.T) {
	var empty Histogram
	if got := empty.Quantile(0.99); got != 0 {
		t.Errorf("empty Quantile(0.99) = %v, want 0", got)
	}
	var a, b, all Histogram
	for v := range 1000 {
		d := time.Duration(v*v) * time.Nanosecond
		all.Record(d)
		if v%3 == 0 {
			a.Record(d)
		} else {
			b.Record(d)
		}
	}
	a.Merge(&b)
	a.Merge(&empty)
	for _, q := range []float64{0, 0.5, 0.9, 0.99, 0.999, 1} {
		if got, want := a.Quantile(q), all.Quantile(q); got != want {
			t.Errorf("merged Quantile(%v) = %v, want %v", q, got, want)
		}
	}
	if a.Count() != all.Count() || a.Max() != all.Max() {
		t.Errorf("merged Count, Max = %d, %v; want %d, %v", a.Count(), a.Max(), all.Count(), all.Max())
	}
	// A single value is every quantile, exactly (capped at min and max).
	var one Histogram
	one.Record(1234567 * time.Nanosecond)
	if got := one.Quantile(0.5); got != 1234567*time.Nanosecond {
		t.Errorf("single-value Quantile(0.5) = %v, want 1.234567ms", got)
	}
}
