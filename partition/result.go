package partition

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/atolldb/atoll/partition/expr"
	"github.com/atolldb/atoll/partition/value"
)

// resultVersion is the first byte of every encoded Result.
const resultVersion = 1

// The outcome byte of an encoded Result.
const (
	outcomeOK              byte = 0
	outcomeConditionFailed byte = 1
	outcomeValidation      byte = 2
)

// ErrUnencodableResult is returned by Encode for a Result whose Err is
// neither nil, ErrConditionFailed nor a *value.ValidationError: such an
// error belongs to the node that saw it and cannot travel.
var ErrUnencodableResult = errors.New("partition: result error cannot be encoded")

// Encode appends the binary encoding of r to dst, for a router forwarding a
// command to another node:
//
//	version byte (1), outcome byte (0 ok, 1 condition failed, 2 validation
//	error + uvarint len + message), old presence byte + item, new presence
//	byte + item, updated paths (expr.AppendProjection), skipped byte
func (r *Result) Encode(dst []byte) ([]byte, error) {
	dst = append(dst, resultVersion)
	var verr *value.ValidationError
	switch {
	case r.Err == nil:
		dst = append(dst, outcomeOK)
	case errors.Is(r.Err, ErrConditionFailed):
		dst = append(dst, outcomeConditionFailed)
	case errors.As(r.Err, &verr):
		dst = append(dst, outcomeValidation)
		dst = binary.AppendUvarint(dst, uint64(len(verr.Message)))
		dst = append(dst, verr.Message...)
	default:
		return nil, fmt.Errorf("%w: %w", ErrUnencodableResult, r.Err)
	}
	for _, it := range []value.Item{r.Old, r.New} {
		if it == nil {
			dst = append(dst, 0)
			continue
		}
		dst = append(dst, 1)
		dst = value.AppendItem(dst, it)
	}
	dst = expr.AppendProjection(dst, expr.Projection(r.Updated))
	if r.Skipped {
		return append(dst, 1), nil
	}
	return append(dst, 0), nil
}

// ErrCorruptResult is returned by DecodeResult for bytes Encode did not
// produce.
var ErrCorruptResult = errors.New("partition: corrupt result")

// DecodeResult decodes a Result encoded by Encode.
func DecodeResult(b []byte) (Result, error) {
	r, err := decodeResult(b)
	if err != nil {
		return Result{}, fmt.Errorf("%w: %w", ErrCorruptResult, err)
	}
	return r, nil
}

func decodeResult(b []byte) (Result, error) {
	var r Result
	if len(b) < 2 {
		return r, errTruncated
	}
	if b[0] != resultVersion {
		return r, fmt.Errorf("unknown result version %d", b[0])
	}
	outcome := b[1]
	b = b[2:]
	switch outcome {
	case outcomeOK:
	case outcomeConditionFailed:
		r.Err = ErrConditionFailed
	case outcomeValidation:
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return r, errTruncated
		}
		r.Err = &value.ValidationError{Message: string(b[k : k+int(n)])}
		b = b[k+int(n):]
	default:
		return r, fmt.Errorf("unknown outcome %d", outcome)
	}
	for _, it := range []*value.Item{&r.Old, &r.New} {
		if len(b) == 0 {
			return r, errTruncated
		}
		present := b[0]
		b = b[1:]
		switch present {
		case 0:
		case 1:
			var err error
			if *it, b, err = value.DecodeItemPrefix(b); err != nil {
				return r, err
			}
		default:
			return r, fmt.Errorf("bad item presence byte %d", present)
		}
	}
	paths, b, err := expr.DecodeProjection(b)
	if err != nil {
		return r, err
	}
	if len(paths) > 0 {
		r.Updated = []expr.Path(paths)
	}
	if len(b) != 1 || b[0] > 1 {
		return r, errors.New("bad trailer")
	}
	r.Skipped = b[0] == 1
	return r, nil
}
