package keys

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/atolldb/atoll/partition/value"
)

// TestSegmentRangeCovers checks that the segments of a parallel Scan tile the
// hash space: the first starts at 0, each starts where the previous ended,
// the last is open-ended, and the sizes differ by at most one.
func TestSegmentRangeCovers(t *testing.T) {
	for _, total := range []int{1, 2, 3, 7, 10, 64, 1000, 4097} {
		t.Run(fmt.Sprint(total), func(t *testing.T) {
			var prevEnd []byte
			var minSize, maxSize uint64 = math.MaxUint64, 0
			for seg := 0; seg < total; seg++ {
				start, end, err := SegmentRange(seg, total)
				if err != nil {
					t.Fatalf("SegmentRange(%d, %d) = %v", seg, total, err)
				}
				if len(start) != HashSize {
					t.Fatalf("SegmentRange(%d, %d) start = %x, want %d bytes", seg, total, start, HashSize)
				}
				if seg == 0 && binary.BigEndian.Uint64(start) != 0 {
					t.Errorf("SegmentRange(0, %d) start = %x, want 0", total, start)
				}
				if seg > 0 && !bytes.Equal(start, prevEnd) {
					t.Errorf("SegmentRange(%d, %d) start = %x, want previous end %x", seg, total, start, prevEnd)
				}
				if seg == total-1 {
					if end != nil {
						t.Errorf("SegmentRange(%d, %d) end = %x, want nil", seg, total, end)
					}
					end = make([]byte, 8) // 2^64 wraps to 0 for the size below
				} else if bytes.Compare(start, end) >= 0 {
					t.Fatalf("SegmentRange(%d, %d) = [%x, %x), empty", seg, total, start, end)
				}
				size := binary.BigEndian.Uint64(end) - binary.BigEndian.Uint64(start)
				minSize, maxSize = min(minSize, size), max(maxSize, size)
				prevEnd = end
			}
			if total > 1 && maxSize-minSize > 1 {
				t.Errorf("segment sizes for %d segments span %d..%d, want equal to within 1", total, minSize, maxSize)
			}
		})
	}
}

func TestSegmentOf(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, total := range []int{1, 2, 3, 7, 1000, 999983, MaxTotalSegments} {
		hashes := []uint64{0, 1, math.MaxUint64, math.MaxUint64 - 1, 1 << 63, (1 << 63) - 1}
		for i := 0; i < 200; i++ {
			hashes = append(hashes, r.Uint64())
		}
		// Segment boundaries and their neighbours.
		for _, seg := range []int{1, total / 2, total - 1} {
			if seg < 1 || seg >= total {
				continue
			}
			start, _, err := SegmentRange(seg, total)
			if err != nil {
				t.Fatalf("SegmentRange(%d, %d) = %v", seg, total, err)
			}
			h := binary.BigEndian.Uint64(start)
			hashes = append(hashes, h, h-1, h+1)
		}
		for _, h := range hashes {
			got, err := SegmentOf(h, total)
			if err != nil {
				t.Fatalf("SegmentOf(%x, %d) = %v", h, total, err)
			}
			start, end, err := SegmentRange(got, total)
			if err != nil {
				t.Fatalf("SegmentRange(%d, %d) = %v", got, total, err)
			}
			pos := binary.BigEndian.AppendUint64(nil, h)
			pos = append(pos, 'S', 'x', 0, 1)
			if bytes.Compare(pos, start) < 0 || (end != nil && bytes.Compare(pos, end) >= 0) {
				t.Errorf("SegmentOf(%x, %d) = %d, whose range [%x, %x) does not hold it", h, total, got, start, end)
			}
		}
	}
}

func TestValidateSegment(t *testing.T) {
	tests := []struct {
		name           string
		segment, total int
		want           string // "" for nil
	}{
		{"first", 0, 1, ""},
		{"last", 999999, 1000000, ""},
		{"middle", 3, 10, ""},
		{"segment equals total", 5, 5,
			"The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 5 is not less than TotalSegments: 5"},
		{"segment above total", 7, 3,
			"The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 7 is not less than TotalSegments: 3"},
		{"total zero", 0, 0,
			"1 validation error detected: Value '0' at 'totalSegments' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"total too big", 0, 1000001,
			"1 validation error detected: Value '1000001' at 'totalSegments' failed to satisfy constraint: Member must have value less than or equal to 1000000"},
		{"segment negative", -1, 4,
			"1 validation error detected: Value '-1' at 'segment' failed to satisfy constraint: Member must have value greater than or equal to 0"},
		{"segment too big", 1000000, 1000000,
			"1 validation error detected: Value '1000000' at 'segment' failed to satisfy constraint: Member must have value less than or equal to 999999"},
		{"both bad", -1, 0,
			"2 validation errors detected: Value '-1' at 'segment' failed to satisfy constraint: Member must have value greater than or equal to 0; " +
				"Value '0' at 'totalSegments' failed to satisfy constraint: Member must have value greater than or equal to 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateSegment(tt.segment, tt.total)
			if tt.want == "" {
				if err != nil {
					t.Errorf("ValidateSegment(%d, %d) = %v, want nil", tt.segment, tt.total, err)
				}
				return
			}
			var ve *value.ValidationError
			if !errors.As(err, &ve) || ve.Message != tt.want {
				t.Errorf("ValidateSegment(%d, %d) = %v, want ValidationError %q", tt.segment, tt.total, err, tt.want)
			}
			if _, _, rerr := SegmentRange(tt.segment, tt.total); rerr == nil || rerr.Error() != tt.want {
				t.Errorf("SegmentRange(%d, %d) error = %v, want %q", tt.segment, tt.total, rerr, tt.want)
			}
		})
	}
}

func TestTableSegmentRange(t *testing.T) {
	tests := []struct {
		name           string
		id             uint64
		segment, total int
		start, end     string // hex; end "" for nil
	}{
		{"only segment", 7, 0, 1, "0000000000000007" + "0000000000000000", "0000000000000008"},
		{"first of two", 7, 0, 2, "0000000000000007" + "0000000000000000", "0000000000000007" + "8000000000000000"},
		{"last of two", 7, 1, 2, "0000000000000007" + "8000000000000000", "0000000000000008"},
		{"middle of three", 1, 1, 3, "0000000000000001" + "5555555555555555", "0000000000000001" + "aaaaaaaaaaaaaaaa"},
		{"last table", 1<<64 - 1, 0, 1, "ffffffffffffffff" + "0000000000000000", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, end, err := TableSegmentRange(tt.id, tt.segment, tt.total)
			if err != nil {
				t.Fatalf("TableSegmentRange(%d, %d, %d) = %v", tt.id, tt.segment, tt.total, err)
			}
			if got := hex.EncodeToString(start); got != tt.start {
				t.Errorf("TableSegmentRange(%d, %d, %d) start = %s, want %s", tt.id, tt.segment, tt.total, got, tt.start)
			}
			if got := hex.EncodeToString(end); got != tt.end || (tt.end == "" && end != nil) {
				t.Errorf("TableSegmentRange(%d, %d, %d) end = %s, want %q", tt.id, tt.segment, tt.total, got, tt.end)
			}
		})
	}
	if _, _, err := TableSegmentRange(1, 2, 2); err == nil {
		t.Errorf("TableSegmentRange(1, 2, 2) error = nil, want a ValidationError")
	}
}
