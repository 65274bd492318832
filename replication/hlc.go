package replication

import (
	"sync"
	"time"
)

// HLC is a hybrid logical clock. Timestamps pack milliseconds since the Unix
// epoch into the high 48 bits and a logical counter into the low 16 bits, so
// they order like wall-clock time, never repeat and never go backwards even
// when the wall clock does. The leader of a group stamps every command with
// one; apply uses that stamp and never reads a clock itself.
type HLC struct {
	now func() time.Time

	mu sync.Mutex
	// last is the last timestamp handed out or observed; guarded by mu.
	last uint64
}

const hlcLogicalBits = 16

// NewHLC returns a clock reading physical time from now (time.Now when nil).
func NewHLC(now func() time.Time) *HLC {
	if now == nil {
		now = time.Now
	}
	return &HLC{now: now}
}

// Now returns a timestamp greater than every timestamp returned or observed before.
func (c *HLC) Now() uint64 {
	phys := uint64(c.now().UnixMilli()) << hlcLogicalBits
	c.mu.Lock()
	defer c.mu.Unlock()
	if phys > c.last {
		c.last = phys
	} else {
		c.last++
	}
	return c.last
}

// Observe moves the clock past ts (a timestamp seen from another node or
// applied from the log), so later timestamps order after it.
func (c *HLC) Observe(ts uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ts > c.last {
		c.last = ts
	}
}

// HLCTime returns the wall-clock time encoded in an HLC timestamp.
func HLCTime(ts uint64) time.Time { return time.UnixMilli(int64(ts >> hlcLogicalBits)) }
