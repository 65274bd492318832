package meta

import (
	"errors"
	"testing"
	"time"
)

func TestRangeFor(t *testing.T) {
	s := newState()
	if r, ok := s.RangeFor([]byte("a")); ok {
		t.Fatalf("RangeFor on an empty ring = %+v, true; want false", r)
	}
	s.Ranges = []Range{
		{Group: 1, End: []byte("f"), Epoch: 1, Voters: voters3},
		{Group: 2, Start: []byte("f"), End: []byte("m"), Epoch: 1, Voters: voters3},
		{Group: 3, Start: []byte("m"), End: []byte("m\x00"), Epoch: 1, Voters: voters3},
		{Group: 4, Start: []byte("m\x00"), Epoch: 1, Voters: voters3},
	}
	tests := []struct {
		pos  string
		want uint64
	}{
		{"", 1},
		{"\x00", 1},
		{"a", 1},
		{"ezzz", 1},
		{"f", 2},
		{"f\x00", 2},
		{"l\xff\xff", 2},
		{"m", 3},
		{"m\x00", 4},
		{"z", 4},
		{"\xff\xff\xff", 4},
	}
	for _, tc := range tests {
		r, ok := s.RangeFor([]byte(tc.pos))
		if !ok || r.Group != tc.want {
			t.Errorf("RangeFor(%q) = group %d, %v; want group %d", tc.pos, r.Group, ok, tc.want)
		}
	}
	if r, ok := s.RangeFor(nil); !ok || r.Group != 1 {
		t.Errorf("RangeFor(nil) = group %d, %v; want group 1", r.Group, ok)
	}
}

func TestValidateRing(t *testing.T) {
	if err := validateRing(ring2()); err != nil {
		t.Errorf("validateRing(ring2) = %v, want nil", err)
	}
	one := []Range{{Group: 1, Start: []byte{}, End: []byte{}, Epoch: 1, Voters: []string{"n1"}}}
	if err := validateRing(one); err != nil {
		t.Errorf("validateRing(one range with empty bounds) = %v, want nil (empty is the ring's start and end)", err)
	}
	bad := modRing(func(r []Range) { r[0].End = nil })
	if err := validateRing(bad); !errors.Is(err, ErrInvalidRing) {
		t.Errorf("validateRing(a middle range open at the end) = %v, want ErrInvalidRing", err)
	}
}

func TestErrorCodes(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range codes {
		if seen[c.code] {
			t.Errorf("code %q used twice", c.code)
		}
		seen[c.code] = true
		wrapped := errors.Join(errors.New("context"), c.err)
		if got := ErrorCode(wrapped); got != c.code {
			t.Errorf("ErrorCode(%v) = %q, want %q", wrapped, got, c.code)
		}
		if got := ErrorFromCode(c.code); got != c.err {
			t.Errorf("ErrorFromCode(%q) = %v, want %v", c.code, got, c.err)
		}
	}
	if got := ErrorCode(nil); got != "" {
		t.Errorf("ErrorCode(nil) = %q, want empty", got)
	}
	if err := ErrorFromCode(""); err != nil {
		t.Errorf(`ErrorFromCode("") = %v, want nil`, err)
	}
	if got := ErrorCode(errors.New("disk on fire")); got != "unknown" {
		t.Errorf("ErrorCode(other) = %q, want unknown", got)
	}
	if err := ErrorFromCode("from-the-future"); !errors.Is(err, ErrUnknownCode) {
		t.Errorf("ErrorFromCode(unknown) = %v, want ErrUnknownCode", err)
	}
	// The codes are a wire format: pin them.
	pinned := map[error]string{
		ErrTableExists: "table-exists", ErrTableNotFound: "table-not-found", ErrVersionMismatch: "version-mismatch",
		ErrRingExists: "ring-exists", ErrInvalidRing: "invalid-ring", ErrInvalidRange: "invalid-range",
		ErrEpochMismatch: "epoch-mismatch", ErrGroupNotFound: "group-not-found", ErrInvalidCommand: "invalid-command",
	}
	for err, code := range pinned {
		if got := ErrorCode(err); got != code {
			t.Errorf("ErrorCode(%v) = %q, want %q", err, got, code)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("DefaultConfig().Validate() = %v", err)
	}
	tests := []struct {
		name string
		mod  func(*Config)
	}{
		{"heartbeat", func(c *Config) { c.HeartbeatTimeout = time.Millisecond }},
		{"election below heartbeat", func(c *Config) { c.ElectionTimeout = c.HeartbeatTimeout / 2 }},
		{"commit", func(c *Config) { c.CommitTimeout = 0 }},
		{"lease above heartbeat", func(c *Config) { c.LeaderLeaseTimeout = 2 * c.HeartbeatTimeout }},
		{"lease", func(c *Config) { c.LeaderLeaseTimeout = time.Millisecond }},
		{"snapshot threshold", func(c *Config) { c.SnapshotThreshold = 0 }},
		{"snapshot interval", func(c *Config) { c.SnapshotInterval = time.Millisecond }},
	}
	for _, tc := range tests {
		c := DefaultConfig()
		tc.mod(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: Validate() = nil, want an error", tc.name)
		}
	}
}
