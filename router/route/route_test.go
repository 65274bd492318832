package route

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/atolldb/atoll/replication/meta"
)

func TestIntersect(t *testing.T) {
	b := func(s string) []byte { return []byte(s) }
	cases := []struct {
		name               string
		start, end, rs, re []byte
		wantLo, wantHi     []byte
		wantOK             bool
	}{
		{"open query, open range", nil, nil, nil, nil, nil, nil, true},
		{"open query, middle range", nil, nil, b("c"), b("f"), b("c"), b("f"), true},
		{"query inside range", b("d"), b("e"), b("c"), b("f"), b("d"), b("e"), true},
		{"query overlaps the start", b("a"), b("d"), b("c"), b("f"), b("c"), b("d"), true},
		{"query after range", b("g"), nil, b("c"), b("f"), b("g"), b("f"), false},
		{"query before range", nil, b("c"), b("c"), b("f"), b("c"), b("c"), false},
		{"first range, query from the middle", b("b"), nil, nil, b("c"), b("b"), b("c"), true},
		{"last range, open end", b("d"), nil, b("c"), nil, b("d"), nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lo, hi, ok := intersect(tc.start, tc.end, tc.rs, tc.re)
			if ok != tc.wantOK {
				t.Fatalf("intersect ok = %v, want %v", ok, tc.wantOK)
			}
			if !ok {
				return
			}
			if diff := cmp.Diff(tc.wantLo, lo); diff != "" {
				t.Errorf("lo (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantHi, hi); diff != "" {
				t.Errorf("hi (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMetaResultRoundTrip(t *testing.T) {
	for _, r := range []meta.Result{
		{Table: meta.Table{Name: "t", ID: 7, Version: 2, Data: []byte(`{"x":1}`)}},
		{Err: meta.ErrTableExists},
		{Err: meta.ErrVersionMismatch},
		{Range: meta.Range{Group: 3, Start: []byte{1}, Epoch: 4, Voters: []string{"a", "b"}}},
	} {
		b, err := encodeMetaResult(r)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeMetaResult(b)
		if err != nil {
			t.Fatal(err)
		}
		if !errors.Is(got.Err, r.Err) {
			t.Errorf("Err = %v, want %v", got.Err, r.Err)
		}
		got.Err, r.Err = nil, nil
		if diff := cmp.Diff(r, got); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	}
}
