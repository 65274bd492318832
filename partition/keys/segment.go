package keys

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"strings"

	"github.com/atolldb/atoll/partition/value"
)

// MaxTotalSegments is the largest TotalSegments a parallel Scan accepts
// (DynamoDB Scan API: TotalSegments is between 1 and 1000000).
const MaxTotalSegments = 1000000

// ValidateSegment checks a parallel Scan's Segment and TotalSegments as
// DynamoDB does and returns a *value.ValidationError with DynamoDB's message,
// or nil. Both parameters must be present; the caller reports a missing one.
func ValidateSegment(segment, totalSegments int) error {
	var errs []string
	if segment < 0 {
		errs = append(errs, fmt.Sprintf("Value '%d' at 'segment' failed to satisfy constraint: Member must have value greater than or equal to 0", segment))
	} else if segment > MaxTotalSegments-1 {
		errs = append(errs, fmt.Sprintf("Value '%d' at 'segment' failed to satisfy constraint: Member must have value less than or equal to %d", segment, MaxTotalSegments-1))
	}
	if totalSegments < 1 {
		errs = append(errs, fmt.Sprintf("Value '%d' at 'totalSegments' failed to satisfy constraint: Member must have value greater than or equal to 1", totalSegments))
	} else if totalSegments > MaxTotalSegments {
		errs = append(errs, fmt.Sprintf("Value '%d' at 'totalSegments' failed to satisfy constraint: Member must have value less than or equal to %d", totalSegments, MaxTotalSegments))
	}
	switch len(errs) {
	case 0:
	case 1:
		return value.Validationf("1 validation error detected: %s", errs[0])
	default:
		return value.Validationf("%d validation errors detected: %s", len(errs), strings.Join(errs, "; "))
	}
	if segment >= totalSegments {
		return value.Validationf("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: %d is not less than TotalSegments: %d", segment, totalSegments)
	}
	return nil
}

// segmentStart returns the first hash of segment i of n: floor(i × 2^64 / n).
// It requires 0 <= i < n.
func segmentStart(i, n uint64) uint64 {
	q, _ := bits.Div64(i, 0, n)
	return q
}

// SegmentRange returns the ring positions [start, end) covered by Segment
// segment of a parallel Scan with totalSegments segments. The 64-bit hash
// space is cut into totalSegments contiguous ranges of equal size (to within
// one hash value), in order: segment i holds the hashes
// floor(i × 2^64 / n) .. floor((i+1) × 2^64 / n) - 1. start and end are
// 8-byte big-endian hashes; end is nil for the last segment (to the end of
// the ring). Prefix both with TablePrefix to scan a table's data keys (with
// PrefixEnd(TablePrefix) replacing a nil end). Invalid arguments give
// ValidateSegment's error.
func SegmentRange(segment, totalSegments int) (start, end []byte, err error) {
	if err := ValidateSegment(segment, totalSegments); err != nil {
		return nil, nil, err
	}
	i, n := uint64(segment), uint64(totalSegments)
	start = binary.BigEndian.AppendUint64(make([]byte, 0, HashSize), segmentStart(i, n))
	if i+1 < n {
		end = binary.BigEndian.AppendUint64(make([]byte, 0, HashSize), segmentStart(i+1, n))
	}
	return start, end, nil
}

// SegmentOf returns the segment of a parallel Scan with totalSegments
// segments that holds ring hash h; it is the segment whose SegmentRange
// contains every position with hash h. It returns an error for a
// totalSegments outside 1..MaxTotalSegments.
func SegmentOf(h uint64, totalSegments int) (int, error) {
	if err := ValidateSegment(0, totalSegments); err != nil {
		return 0, err
	}
	n := uint64(totalSegments)
	i, _ := bits.Mul64(h, n) // floor(h × n / 2^64) is the segment or one before it
	if i+1 < n && h >= segmentStart(i+1, n) {
		i++
	}
	return int(i), nil
}

// TableSegmentRange returns the data keys [start, end) of table tableID that
// Segment segment of a parallel Scan with totalSegments segments covers:
// SegmentRange prefixed with TablePrefix(tableID). The last segment ends at
// PrefixEnd(TablePrefix(tableID)), which is nil (end of the key space) only
// for the largest table id.
func TableSegmentRange(tableID uint64, segment, totalSegments int) (start, end []byte, err error) {
	s, e, err := SegmentRange(segment, totalSegments)
	if err != nil {
		return nil, nil, err
	}
	prefix := TablePrefix(tableID)
	start = append(prefix, s...)
	if e != nil {
		end = append(TablePrefix(tableID), e...)
	} else {
		end = PrefixEnd(prefix)
	}
	return start, end, nil
}
