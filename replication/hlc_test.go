package replication

import (
	"testing"
	"time"
)

func TestHLCMonotonic(t *testing.T) {
	wall := time.UnixMilli(1_000_000)
	c := NewHLC(func() time.Time { return wall })
	a := c.Now()
	b := c.Now()
	if b <= a {
		t.Fatalf("Now() = %d after %d, want increasing with a stopped clock", b, a)
	}
	wall = wall.Add(-time.Hour) // the wall clock steps back
	if d := c.Now(); d <= b {
		t.Errorf("Now() = %d after %d, want increasing when the wall clock goes back", d, b)
	}
	c.Observe(b + 1000)
	if e := c.Now(); e <= b+1000 {
		t.Errorf("Now() = %d after Observe(%d), want greater", e, b+1000)
	}
	if got := HLCTime(a); !got.Equal(time.UnixMilli(1_000_000)) {
		t.Errorf("HLCTime = %v, want %v", got, time.UnixMilli(1_000_000))
	}
}
