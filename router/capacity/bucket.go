package capacity

import "time"

// admitEpsilon is the balance at or below which a bucket counts as empty,
// so that rounding in the refill arithmetic never admits a request into a
// bucket that was drained exactly.
const admitEpsilon = 1e-9

// bucket is a token bucket: tokens accrue at rate units per second up to
// max; tokens below zero are debt. It is not safe for concurrent use: the
// table owning it holds its lock.
type bucket struct {
	rate   float64   // units per second
	max    float64   // capacity: rate times the burst window
	tokens float64   // the balance, negative when in debt
	last   time.Time // when tokens were last brought up to date
}

// newBucket returns a full bucket.
func newBucket(now time.Time, rate, max float64) bucket {
	return bucket{rate: rate, max: max, tokens: max, last: now}
}

// refill adds what accrued since the last refill. A clock that went
// backwards adds nothing and is not followed back.
func (b *bucket) refill(now time.Time) {
	if !now.After(b.last) {
		return
	}
	b.tokens = min(b.max, b.tokens+b.rate*now.Sub(b.last).Seconds())
	b.last = now
}

// admits reports whether a request may start now: the bucket holds more
// than nothing. It charges nothing.
func (b *bucket) admits(now time.Time) bool {
	b.refill(now)
	return b.tokens > admitEpsilon
}

// take charges units, which may leave the bucket in debt; negative units
// are a refund, never above the capacity.
func (b *bucket) take(now time.Time, units float64) {
	b.refill(now)
	b.tokens = min(b.max, b.tokens-units)
}

// setRate makes the bucket refill at rate up to max from now on; what
// accrued so far is kept, up to the new capacity, and debt stays debt.
func (b *bucket) setRate(now time.Time, rate, max float64) {
	b.refill(now)
	b.rate, b.max = rate, max
	b.tokens = min(b.tokens, max)
}

// peak is a second of on-demand consumption higher than every earlier one.
type peak struct {
	at    time.Time
	units float64
}

// lane is the capacity of one kind (reads or writes) of one table: its
// bucket and, in on-demand mode, what sets the bucket's rate.
type lane struct {
	bucket
	// started is false until the lane was first configured.
	started bool
	// onDemand is the mode the bucket follows; units the provisioned rate
	// (provisioned mode only).
	onDemand bool
	units    int64

	// On-demand mode. initial is a new table's limit, settled the
	// previous peak (the highest one old enough to count), pending the
	// newer peaks, rising, at most one per peakResolution.
	initial float64
	settled float64
	pending []peak
	// winStart and winUnits measure the consumption of the one-second
	// window starting at winStart.
	winStart time.Time
	winUnits float64
}

// params are the Config values a lane needs.
type params struct {
	burst   float64 // seconds
	ramp    time.Duration
	initial float64 // on-demand limit of a new table, of this lane's kind
}

// configure makes the lane follow a table's settings for its kind: the
// provisioned units, or on demand when onDemand. A new lane starts with a
// full bucket; a changed one keeps its balance up to the new capacity.
func (l *lane) configure(now time.Time, p params, onDemand bool, units int64) {
	if onDemand {
		units = 0
	}
	switch {
	case !l.started:
		l.started, l.onDemand, l.units, l.initial = true, onDemand, units, p.initial
		l.winStart = now
		rate := float64(units)
		if onDemand {
			rate = l.limit()
		}
		l.bucket = newBucket(now, rate, rate*p.burst)
	case onDemand && !l.onDemand:
		// "For an existing table that you switched to on-demand capacity
		// mode, the previous peak is half the previous provisioned
		// throughput for the table" (or a new table's setting, whichever
		// is higher).
		l.settled = max(l.settled, float64(l.units)/2)
		l.onDemand, l.units = true, 0
		l.winStart, l.winUnits = now, 0
		l.setRate(now, l.limit(), l.limit()*p.burst)
	case !onDemand && (l.onDemand || units != l.units):
		l.onDemand, l.units = false, units
		l.setRate(now, float64(units), float64(units)*p.burst)
	}
}

// limit is the on-demand rate: a new table's limit, or double the previous
// peak once that is higher.
func (l *lane) limit() float64 { return max(l.initial, 2*l.settled) }

// advance brings an on-demand lane's limit up to date: it closes the
// consumption window when a second has passed, records a new peak and
// counts the peaks reached at least p.ramp ago.
func (l *lane) advance(now time.Time, p params) {
	if !l.onDemand {
		return
	}
	if now.Sub(l.winStart) >= peakWindow {
		// Consumption beyond the limit was served from the burst and
		// does not raise the peak.
		l.recordPeak(l.winStart, min(l.winUnits, l.limit()))
		l.winStart, l.winUnits = now, 0
	}
	n := 0
	for ; n < len(l.pending); n++ {
		at := l.pending[n].at.Add(p.ramp)
		if at.After(now) {
			break
		}
		// The bucket accrued at the old rate until the peak counted.
		l.bucket.refill(at)
		l.settled = max(l.settled, l.pending[n].units)
		lim := l.limit()
		l.setRate(at, lim, lim*p.burst)
	}
	if n > 0 {
		l.pending = append(l.pending[:0], l.pending[n:]...)
	}
}

// recordPeak records units consumed in the second from at if they are a
// new peak. Peaks less than peakResolution apart share one record (the
// earlier time, the higher units), so a lane holds at most
// ramp/peakResolution pending peaks.
func (l *lane) recordPeak(at time.Time, units float64) {
	top := l.settled
	n := len(l.pending)
	if n > 0 {
		top = l.pending[n-1].units
	}
	switch {
	case units <= top:
	case n > 0 && at.Sub(l.pending[n-1].at) < peakResolution:
		l.pending[n-1].units = units
	default:
		l.pending = append(l.pending, peak{at: at, units: units})
	}
}

// admits reports whether a request may start now.
func (l *lane) admits(now time.Time, p params) bool {
	l.advance(now, p)
	return l.bucket.admits(now)
}

// take charges units (negative: a refund) and counts them toward the
// on-demand peak.
func (l *lane) take(now time.Time, p params, units float64) {
	l.advance(now, p)
	l.bucket.take(now, units)
	if l.onDemand {
		l.winUnits += units
	}
}
