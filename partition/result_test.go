package partition

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/atolldb/atoll/partition/expr"
	"github.com/atolldb/atoll/partition/value"
)

func TestResultEncodeRoundTrip(t *testing.T) {
	item := value.Item{"pk": value.S("a"), "n": value.L(value.S("x"), value.Bool(true))}
	path := expr.Path{{Name: "n"}, {Index: 1, IsIndex: true}}
	cases := []struct {
		name string
		res  Result
	}{
		{"empty", Result{}},
		{"put", Result{New: item}},
		{"update", Result{Old: item, New: item, Updated: []expr.Path{path, {{Name: "pk"}}}}},
		{"condition failed", Result{Old: item, Err: ErrConditionFailed}},
		{"validation", Result{Err: &value.ValidationError{Message: "An operand in the update expression has an incorrect data type"}}},
		{"skipped", Result{Skipped: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.res.Encode(nil)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			got, err := DecodeResult(b)
			if err != nil {
				t.Fatalf("DecodeResult: %v", err)
			}
			errText := func(e error) string {
				if e == nil {
					return ""
				}
				return e.Error()
			}
			if errText(got.Err) != errText(tc.res.Err) || errors.Is(got.Err, ErrConditionFailed) != errors.Is(tc.res.Err, ErrConditionFailed) {
				t.Errorf("Err = %v, want %v", got.Err, tc.res.Err)
			}
			got.Err, tc.res.Err = nil, nil
			if diff := cmp.Diff(tc.res, got, cmp.Comparer(value.Equal)); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
			for cut := range len(b) {
				if _, err := DecodeResult(b[:cut]); !errors.Is(err, ErrCorruptResult) {
					t.Fatalf("DecodeResult(first %d of %d bytes) = %v, want ErrCorruptResult", cut, len(b), err)
				}
			}
		})
	}
}

func TestResultEncodeRefusesLocalErrors(t *testing.T) {
	r := Result{Err: ErrClosed}
	if _, err := r.Encode(nil); !errors.Is(err, ErrUnencodableResult) {
		t.Fatalf("Encode(ErrClosed) = %v, want ErrUnencodableResult", err)
	}
}

func FuzzDecodeResult(f *testing.F) {
	for _, r := range []Result{{}, {Err: ErrConditionFailed, Old: value.Item{"a": value.S("b")}}, {Err: &value.ValidationError{Message: "m"}, Updated: []expr.Path{{{Name: "a"}}}}} {
		b, err := r.Encode(nil)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := DecodeResult(b)
		if err != nil {
			return
		}
		again, err := r.Encode(nil)
		if err != nil {
			t.Fatalf("re-encode a decoded result: %v", err)
		}
		if _, err := DecodeResult(again); err != nil {
			t.Fatalf("decode a re-encoded result: %v", err)
		}
	})
}
