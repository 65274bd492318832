package value

import (
	"bytes"
	"errors"
	"testing"
)

func encodingSamples() map[string]Value {
	return map[string]Value{
		"string":       S("héllo"),
		"empty string": S(""),
		"number":       N(MustParseNumber("-123.4500")),
		"zero":         N(MustParseNumber("0")),
		"tiny":         N(MustParseNumber("1E-130")),
		"binary":       B([]byte{0, 1, 0xff}),
		"true":         Bool(true),
		"false":        Bool(false),
		"null":         Null(),
		"map":          M(map[string]Value{"b": S("x"), "a": L(N(NumberFromInt(1)), Null()), "": S("")}),
		"empty map":    M(map[string]Value{}),
		"list":         L(S("a"), M(map[string]Value{"k": BS([]byte("z"))})),
		"empty list":   L(),
		"string set":   SS("b", "a"),
		"number set":   NS(MustParseNumber("1"), MustParseNumber("-2.5"), MustParseNumber("1E+125")),
		"binary set":   BS([]byte{1}, []byte{}),
	}
}

func TestEncodingRoundTrip(t *testing.T) {
	for name, v := range encodingSamples() {
		t.Run(name, func(t *testing.T) {
			enc := AppendValue([]byte("prefix"), v)
			got, rest, err := DecodeValue(enc[len("prefix"):])
			if err != nil {
				t.Fatalf("DecodeValue(%x): %v", enc, err)
			}
			if len(rest) != 0 {
				t.Errorf("DecodeValue left %d bytes", len(rest))
			}
			if !Equal(got, v) || got.Type != v.Type {
				t.Errorf("DecodeValue(AppendValue(%v)) = %v", v, got)
			}
		})
	}
}

func TestEncodingItemDeterministic(t *testing.T) {
	it := Item{}
	for name, v := range encodingSamples() {
		it[name] = v
	}
	first := AppendItem(nil, it)
	for i := range 20 {
		// Rebuild the map so that Go's iteration order differs.
		again := Item{}
		for k, v := range it {
			again[k] = v
		}
		if got := AppendItem(nil, again); !bytes.Equal(got, first) {
			t.Fatalf("encoding %d differs from the first: map order leaked into the format", i)
		}
	}
	back, err := DecodeItem(first)
	if err != nil {
		t.Fatalf("DecodeItem: %v", err)
	}
	if !Equal(M(back), M(it)) {
		t.Errorf("DecodeItem(AppendItem(it)) = %v, want %v", back, it)
	}
}

// TestEncodingFormatPinned guards the on-disk format: these bytes must never change.
func TestEncodingFormatPinned(t *testing.T) {
	it := Item{"n": N(MustParseNumber("-12.5")), "s": S("ab"), "l": L(Bool(true), Null())}
	want := []byte{
		3,                     // three attributes
		1, 'l', 7, 2, 4, 1, 5, // l: L [BOOL true, NULL]
		1, 'n', 2, 1, 1, 3, '1', '2', '5', // n: N negative, exp -1 (zigzag 1), "125"
		1, 's', 1, 2, 'a', 'b', // s: S "ab"
	}
	if got := AppendItem(nil, it); !bytes.Equal(got, want) {
		t.Errorf("AppendItem = %v, want %v", got, want)
	}
}

func TestDecodeCorrupt(t *testing.T) {
	good := AppendItem(nil, Item{"a": L(S("x"), NS(MustParseNumber("7")))})
	for i := range good {
		if _, err := DecodeItem(good[:i]); !errors.Is(err, ErrCorrupt) {
			t.Errorf("DecodeItem(truncated to %d) error = %v, want ErrCorrupt", i, err)
		}
	}
	bad := map[string][]byte{
		"unknown tag":        {1, 1, 'a', 99},
		"huge count":         {0xff, 0xff, 0xff, 0xff, 0x0f},
		"leading zero digit": {1, 1, 'a', 2, 0, 0, 2, '0', '1'},
		"trailing zero":      {1, 1, 'a', 2, 0, 0, 2, '1', '0'},
		"signed zero":        {1, 1, 'a', 2, 1, 0, 0},
		"bad bool":           {1, 1, 'a', 4, 2},
		"trailing bytes":     append(append([]byte{}, good...), 0),
	}
	for name, b := range bad {
		if _, err := DecodeItem(b); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: DecodeItem(%v) error = %v, want ErrCorrupt", name, b, err)
		}
	}
	deep := []byte{1, 1, 'a'}
	for range MaxNestingDepth + 5 {
		deep = append(deep, byte(TypeL), 1)
	}
	deep = append(deep, byte(TypeNULL))
	if _, err := DecodeItem(deep); !errors.Is(err, ErrCorrupt) {
		t.Errorf("DecodeItem(too deep) error = %v, want ErrCorrupt", err)
	}
}

func FuzzDecodeItem(f *testing.F) {
	for _, v := range encodingSamples() {
		f.Add(AppendItem(nil, Item{"k": v}))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		it, err := DecodeItem(b)
		if err != nil {
			return
		}
		// Whatever decodes must re-encode to a form that decodes to the same item.
		again, err := DecodeItem(AppendItem(nil, it))
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if !Equal(M(again), M(it)) {
			t.Fatalf("round trip changed %v to %v", it, again)
		}
	})
}

func BenchmarkEncodeItem(b *testing.B) {
	it := benchItem()
	b.ReportAllocs()
	var buf []byte
	for b.Loop() {
		buf = AppendItem(buf[:0], it)
	}
}

func BenchmarkDecodeItem(b *testing.B) {
	enc := AppendItem(nil, benchItem())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeItem(enc); err != nil {
			b.Fatal(err)
		}
	}
}

// benchItem is a typical item of about 1 KB.
func benchItem() Item {
	return Item{
		"pk":      S("user#000123"),
		"sk":      N(NumberFromInt(42)),
		"name":    S("a moderately long display name"),
		"payload": B(bytes.Repeat([]byte{7}, 800)),
		"tags":    SS("red", "green", "blue"),
		"score":   N(MustParseNumber("12345.678")),
		"address": M(map[string]Value{"city": S("Paris"), "zip": S("75001")}),
	}
}
