package keys

import (
	"bytes"
	"testing"

	"github.com/atolldb/atoll/partition/value"
)

var keyTypes = []value.Type{value.TypeS, value.TypeN, value.TypeB}

// FuzzKeyRoundTrip checks that decode(encode(v)) == v for strings, binaries
// and numbers built from the input, and that the decoders never panic on
// arbitrary bytes and accept only canonical encodings.
func FuzzKeyRoundTrip(f *testing.F) {
	f.Add([]byte("abc"))
	f.Add([]byte{})
	f.Add([]byte{0x00, 0xFF, 0x00, 0x01})
	f.Add([]byte("-1.5E-130"))
	f.Add([]byte("99999999999999999999999999999999999999"))
	f.Add([]byte{'N', 0x03, 0x82, 0x14})
	f.Add([]byte{'N', 0x01, 0x7D, 0xEB, 'S', 'x', 0x00, 0x01})
	f.Add([]byte{'S', 'a', 0x00, 0xFF, 0x00, 0x01})
	f.Fuzz(func(t *testing.T, data []byte) {
		// Arbitrary bytes: no panic; a successful decode is canonical.
		for _, typ := range keyTypes {
			v, rest, err := DecodeValue(data, typ)
			if err != nil {
				continue
			}
			consumed := data[:len(data)-len(rest)]
			again, err := AppendValue(nil, v)
			if err != nil {
				t.Fatalf("AppendValue(DecodeValue(%x, %s)) = %v", data, typ, err)
			}
			if !bytes.Equal(again, consumed) {
				t.Fatalf("DecodeValue(%x, %s) consumed %x, re-encodes to %x", data, typ, consumed, again)
			}
		}
		for _, pkType := range keyTypes {
			for _, skType := range append([]value.Type{0}, keyTypes...) {
				_, _, _, _ = DecodePosition(data, pkType, skType)
			}
		}

		// Values built from the input round-trip.
		vals := []value.Value{value.S(string(data)), value.B(data)}
		if n, err := value.ParseNumber(string(data)); err == nil {
			vals = append(vals, value.N(n))
		}
		for _, v := range vals {
			e, err := AppendValue(nil, v)
			if err != nil {
				t.Fatalf("AppendValue(%s) = %v", show(v), err)
			}
			got, rest, err := DecodeValue(e, v.Type)
			if err != nil || len(rest) != 0 || !value.Equal(got, v) {
				t.Fatalf("DecodeValue(AppendValue(%s)) = %s, rest %x, %v", show(v), show(got), rest, err)
			}
			p, err := Position(v, &v)
			if err != nil {
				t.Fatalf("Position(%s) = %v", show(v), err)
			}
			if _, pk, sk, err := DecodePosition(p, v.Type, v.Type); err != nil || !value.Equal(pk, v) || !value.Equal(sk, v) {
				t.Fatalf("DecodePosition(Position(%s)) = %s, %s, %v", show(v), show(pk), show(sk), err)
			}
		}
	})
}

// FuzzKeyOrder checks that the byte order of encodings agrees with
// value.Compare, DynamoDB's comparison, for strings, binaries and (when both
// inputs parse) numbers, and that (a, b) and (b, a) key pairs sort like the
// pairs.
func FuzzKeyOrder(f *testing.F) {
	f.Add("a", "b")
	f.Add("a", "a\x00")
	f.Add("a\x00", "a\x01")
	f.Add("1", "1.0")
	f.Add("-1", "-1.01")
	f.Add("1E-130", "-1E-130")
	f.Add("9.9999999999999999999999999999999999999E+125", "1E+125")
	f.Add("0.001", "0.01")
	f.Fuzz(func(t *testing.T, a, b string) {
		pairs := [][2]value.Value{
			{value.S(a), value.S(b)},
			{value.B([]byte(a)), value.B([]byte(b))},
		}
		na, errA := value.ParseNumber(a)
		nb, errB := value.ParseNumber(b)
		if errA == nil && errB == nil {
			pairs = append(pairs, [2]value.Value{value.N(na), value.N(nb)})
		}
		for _, p := range pairs {
			want, ok := value.Compare(p[0], p[1])
			if !ok {
				t.Fatalf("value.Compare(%s, %s) not ok", show(p[0]), show(p[1]))
			}
			ea, err := AppendValue(nil, p[0])
			if err != nil {
				t.Fatalf("AppendValue(%s) = %v", show(p[0]), err)
			}
			eb, err := AppendValue(nil, p[1])
			if err != nil {
				t.Fatalf("AppendValue(%s) = %v", show(p[1]), err)
			}
			if got := sign(bytes.Compare(ea, eb)); got != want {
				t.Fatalf("bytes.Compare(enc(%s), enc(%s)) = %d, want %d", show(p[0]), show(p[1]), got, want)
			}
			// (a, b) against (b, a): ordered by a vs b.
			ab := append(bytes.Clone(ea), eb...)
			ba := append(bytes.Clone(eb), ea...)
			if got := sign(bytes.Compare(ab, ba)); got != want {
				t.Fatalf("compare (%s, %s) with (%s, %s) = %d, want %d", show(p[0]), show(p[1]), show(p[1]), show(p[0]), got, want)
			}
		}
	})
}
