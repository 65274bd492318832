package keys

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/atolldb/atoll/partition/value"
)

func num(t testing.TB, s string) value.Value {
	t.Helper()
	n, err := value.ParseNumber(s)
	if err != nil {
		t.Fatalf("ParseNumber(%q) = %v", s, err)
	}
	return value.N(n)
}

func enc(t testing.TB, v value.Value) []byte {
	t.Helper()
	b, err := AppendValue(nil, v)
	if err != nil {
		t.Fatalf("AppendValue(%s) = %v", show(v), err)
	}
	return b
}

// show renders a key value for test messages.
func show(v value.Value) string {
	switch v.Type {
	case value.TypeS:
		return fmt.Sprintf("S %q", v.S)
	case value.TypeB:
		return fmt.Sprintf("B %x", v.B)
	case value.TypeN:
		return "N " + v.N.String()
	}
	return v.Type.String()
}

// cmpOpts compares values by content: the zero Number fields are unexported.
var cmpOpts = cmp.Comparer(func(a, b value.Number) bool { return a == b })

// TestAppendValueGolden pins the byte format documented in doc.go. These
// encodings are stored on disk: never change an expected value.
func TestAppendValueGolden(t *testing.T) {
	tests := []struct {
		name string
		v    value.Value
		want string // hex
	}{
		{"S ab", value.S("ab"), "53616200" + "01"},
		{"S empty", value.S(""), "530001"},
		{"S NUL", value.S("a\x00b"), "536100ff620001"},
		{"B 00 FF", value.B([]byte{0x00, 0xFF}), "4200ffff0001"},
		{"B empty", value.B(nil), "420001"},
		{"N 0", num(t, "0"), "4e02"},
		{"N 1", num(t, "1"), "4e038214"},
		{"N 123", num(t, "123"), "4e0384193c"},
		{"N -1", num(t, "-1"), "4e017deb"},
		{"N -123", num(t, "-123"), "4e017be6c3"},
		{"N 1E-130", num(t, "1E-130"), "4e030014"},
		{"N 0.5", num(t, "0.5"), "4e038164"},
		{"N 1234567", num(t, "1234567"), "4e03881945718c"},
		{"N max", num(t, "9.9999999999999999999999999999999999999E+125"),
			"4e03ff" + strings.Repeat("c7", 18) + "c6"},
		{"N min", num(t, "-9.9999999999999999999999999999999999999E+125"),
			"4e0100" + strings.Repeat("38", 18) + "39"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hex.EncodeToString(enc(t, tt.v))
			if got != tt.want {
				t.Errorf("AppendValue(%s) = %s, want %s", show(tt.v), got, tt.want)
			}
		})
	}
}

func TestAppendValueAppends(t *testing.T) {
	dst := []byte("prefix")
	got, err := AppendValue(dst, value.S("x"))
	if err != nil {
		t.Fatalf("AppendValue = %v", err)
	}
	if want := "prefixSx\x00\x01"; string(got) != want {
		t.Errorf("AppendValue(%q, S x) = %q, want %q", dst, got, want)
	}
}

func TestAppendValueNotKeyType(t *testing.T) {
	tests := []struct {
		name string
		v    value.Value
	}{
		{"BOOL", value.Bool(true)},
		{"NULL", value.Null()},
		{"M", value.M(map[string]value.Value{"a": value.S("x")})},
		{"L", value.L(value.S("x"))},
		{"SS", value.SS("x")},
		{"NS", value.NS(value.NumberFromInt(1))},
		{"BS", value.BS([]byte("x"))},
		{"invalid", value.Value{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AppendValue([]byte("keep"), tt.v)
			if !errors.Is(err, ErrNotKeyType) {
				t.Errorf("AppendValue(%s) error = %v, want ErrNotKeyType", tt.name, err)
			}
			if string(got) != "keep" {
				t.Errorf("AppendValue(%s) changed dst to %q", tt.name, got)
			}
		})
	}
}

// trickyValues are key values that stress the escaping and the number form.
func trickyValues(t testing.TB) []value.Value {
	vs := []value.Value{
		value.S(""), value.S("a"), value.S("\x00"), value.S("\x00\x00"), value.S("a\x00"),
		value.S("\x00\x01"), value.S("\xff"), value.S("\xff\x00\xff"), value.S("héllo 世界 🌍"),
		value.S(strings.Repeat("z", 2048)),
		value.B(nil), value.B([]byte{0}), value.B([]byte{0, 0}), value.B([]byte{0xFF}),
		value.B([]byte{0, 0xFF, 1, 0}), value.B([]byte{1, 0, 0xFF, 0xFF}), value.B(bytes.Repeat([]byte{0}, 1024)),
	}
	for _, s := range []string{
		"0", "1", "-1", "0.1", "-0.1", "10", "-10", "11", "1.1", "99", "100", "101",
		"1E-130", "-1E-130", "1.5E-130", "9.9999999999999999999999999999999999999E+125",
		"-9.9999999999999999999999999999999999999E+125", "1E+125", "-1E+125",
		"12345678901234567890123456789012345678", "-12345678901234567890123456789012345678",
		"1.2345678901234567890123456789012345678E-100", "0.000001", "-0.000001",
		"1000000", "3.14159", "-2.71828", "1E10", "1.0000000000000000000000000000000000001",
	} {
		vs = append(vs, num(t, s))
	}
	return vs
}

func TestRoundTrip(t *testing.T) {
	for _, v := range trickyValues(t) {
		t.Run(show(v), func(t *testing.T) {
			e := enc(t, v)
			tail := []byte{0x00, 0x01, 0xFF}
			got, rest, err := DecodeValue(append(slices.Clone(e), tail...), v.Type)
			if err != nil {
				t.Fatalf("DecodeValue(%x) = %v", e, err)
			}
			want := v
			if want.Type == value.TypeB && want.B == nil {
				want.B = []byte{}
			}
			if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
				t.Errorf("DecodeValue(AppendValue(%s)) mismatch (-want +got):\n%s", show(v), diff)
			}
			if !bytes.Equal(rest, tail) {
				t.Errorf("DecodeValue(%x) rest = %x, want %x", e, rest, tail)
			}
		})
	}
}

func TestDecodeValueDoesNotAlias(t *testing.T) {
	src := enc(t, value.B([]byte("abc")))
	v, _, err := DecodeValue(src, value.TypeB)
	if err != nil {
		t.Fatalf("DecodeValue = %v", err)
	}
	for i := range src {
		src[i] = 0
	}
	if string(v.B) != "abc" {
		t.Errorf("decoded B after clearing src = %q, want %q", v.B, "abc")
	}
}

func TestDecodeValueErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string // hex
		typ  value.Type
		want error
	}{
		{"BOOL type", "53610001", value.TypeBOOL, ErrNotKeyType},
		{"zero type", "53610001", 0, ErrNotKeyType},
		{"empty", "", value.TypeS, ErrCorrupt},
		{"wrong tag", "42610001", value.TypeS, ErrCorrupt},
		{"S unterminated", "536162", value.TypeS, ErrCorrupt},
		{"S dangling escape", "536100", value.TypeS, ErrCorrupt},
		{"S bad escape", "53610002", value.TypeS, ErrCorrupt},
		{"B bad escape", "4200fe", value.TypeB, ErrCorrupt},
		{"N no sign", "4e", value.TypeN, ErrCorrupt},
		{"N bad sign", "4e04", value.TypeN, ErrCorrupt},
		{"N bad sign 0", "4e00", value.TypeN, ErrCorrupt},
		{"N no exponent", "4e03", value.TypeN, ErrCorrupt},
		{"N no digits", "4e0382", value.TypeN, ErrCorrupt},
		{"N unterminated digits", "4e038215", value.TypeN, ErrCorrupt},
		{"N digit byte too big", "4e0382c8", value.TypeN, ErrCorrupt},
		{"N zero last pair", "4e038200", value.TypeN, ErrCorrupt},
		{"N leading zero pair", "4e038202", value.TypeN, ErrCorrupt},
		{"N trailing zero pair", "4e03821500", value.TypeN, ErrCorrupt},
		{"N 39 digits", "4e0382" + strings.Repeat("c7", 19) + "14", value.TypeN, ErrCorrupt},
		{"N 40 digits", "4e0382" + strings.Repeat("c7", 19) + "c6", value.TypeN, ErrCorrupt},
		{"N negative unterminated", "4e017d", value.TypeN, ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := hex.DecodeString(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = DecodeValue(src, tt.typ)
			if !errors.Is(err, tt.want) {
				t.Errorf("DecodeValue(%s, %s) error = %v, want %v", tt.src, tt.typ, err, tt.want)
			}
		})
	}
}

// randNumber returns a random valid Number text. Digits come from a small
// alphabet and exponents from a narrow band so that close values (shared
// prefixes, neighbouring exponents, opposite signs) are common.
func randNumber(r *rand.Rand) string {
	if r.IntN(20) == 0 {
		return "0"
	}
	alphabet := "0019"
	if r.IntN(2) == 0 {
		alphabet = "0123456789"
	}
	nd := 1 + r.IntN(value.MaxNumberDigits)
	if r.IntN(2) == 0 {
		nd = 1 + r.IntN(4)
	}
	var b strings.Builder
	if r.IntN(2) == 0 {
		b.WriteByte('-')
	}
	b.WriteByte("123456789"[r.IntN(9)])
	for i := 1; i < nd; i++ {
		b.WriteByte(alphabet[r.IntN(len(alphabet))])
	}
	var e int
	switch r.IntN(3) {
	case 0:
		e = r.IntN(5) - 2
	case 1:
		e = value.MinNumberExponent + r.IntN(4)
	default:
		e = value.MinNumberExponent + r.IntN(value.MaxNumberExponent-value.MinNumberExponent+1)
	}
	// The leading digit's exponent is e; the text is d.ddd E e.
	s := b.String()
	sign, digits := "", s
	if s[0] == '-' {
		sign, digits = "-", s[1:]
	}
	if len(digits) > 1 {
		digits = digits[:1] + "." + digits[1:]
	}
	return sign + digits + "E" + strconv.Itoa(e)
}

func randBytes(r *rand.Rand) []byte {
	alphabet := []byte{0x00, 0x01, 0x02, 0x61, 0xFE, 0xFF}
	b := make([]byte, r.IntN(6))
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return b
}

func sign(c int) int {
	switch {
	case c < 0:
		return -1
	case c > 0:
		return 1
	}
	return 0
}

func TestOrderNumbers(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		a, b := num(t, randNumber(r)), num(t, randNumber(r))
		if r.IntN(10) == 0 {
			b = a
		}
		want, ok := value.Compare(a, b)
		if !ok {
			t.Fatalf("value.Compare(%s, %s) not ok", show(a), show(b))
		}
		if got := sign(bytes.Compare(enc(t, a), enc(t, b))); got != want {
			t.Fatalf("bytes.Compare(enc(%s), enc(%s)) = %d, want %d", show(a), show(b), got, want)
		}
	}
}

func TestOrderNumbersSorted(t *testing.T) {
	// Ascending; every neighbour pair is strictly ordered.
	sorted := []string{
		"-9.9999999999999999999999999999999999999E+125", "-1E+125", "-100", "-99.9", "-11", "-10.1",
		"-10", "-9", "-1.1", "-1.01", "-1", "-0.99", "-0.1", "-1E-129", "-1.1E-130", "-1E-130",
		"0",
		"1E-130", "1.1E-130", "1E-129", "0.1", "0.99", "1", "1.0000000000000000000000000000000000001",
		"1.01", "1.1", "9", "10", "10.1", "11", "99.9", "100", "1E+125",
		"9.9999999999999999999999999999999999999E+125",
	}
	for i := 1; i < len(sorted); i++ {
		a, b := num(t, sorted[i-1]), num(t, sorted[i])
		if bytes.Compare(enc(t, a), enc(t, b)) >= 0 {
			t.Errorf("enc(%s) = %x >= enc(%s) = %x, want less", sorted[i-1], enc(t, a), sorted[i], enc(t, b))
		}
	}
}

func TestOrderStringsAndBinaries(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 20000; i++ {
		a, b := randBytes(r), randBytes(r)
		for _, p := range [][2]value.Value{
			{value.B(a), value.B(b)},
			{value.S(string(a)), value.S(string(b))},
		} {
			want, _ := value.Compare(p[0], p[1])
			if got := sign(bytes.Compare(enc(t, p[0]), enc(t, p[1]))); got != want {
				t.Fatalf("bytes.Compare(enc(%s), enc(%s)) = %d, want %d", show(p[0]), show(p[1]), got, want)
			}
		}
	}
}

// TestOrderConcatenation checks that enc(pk1)||enc(sk1) and enc(pk2)||enc(sk2)
// compare like the pairs (pk1, sk1) and (pk2, sk2).
func TestOrderConcatenation(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	gens := map[string]func() (value.Value, func(a, b value.Value) int){
		"S": func() (value.Value, func(a, b value.Value) int) {
			return value.S(string(randBytes(r))), func(a, b value.Value) int { return strings.Compare(a.S, b.S) }
		},
		"B": func() (value.Value, func(a, b value.Value) int) {
			return value.B(randBytes(r)), func(a, b value.Value) int { return bytes.Compare(a.B, b.B) }
		},
		"N": func() (value.Value, func(a, b value.Value) int) {
			return num(t, randNumber(r)), func(a, b value.Value) int { return a.N.Cmp(b.N) }
		},
	}
	for pkName, pkGen := range gens {
		for skName, skGen := range gens {
			t.Run(pkName+"/"+skName, func(t *testing.T) {
				for i := 0; i < 3000; i++ {
					pk1, pkCmp := pkGen()
					pk2, _ := pkGen()
					if r.IntN(2) == 0 {
						pk2 = pk1
					}
					sk1, skCmp := skGen()
					sk2, _ := skGen()
					want := pkCmp(pk1, pk2)
					if want == 0 {
						want = skCmp(sk1, sk2)
					}
					k1 := append(enc(t, pk1), enc(t, sk1)...)
					k2 := append(enc(t, pk2), enc(t, sk2)...)
					if got := sign(bytes.Compare(k1, k2)); got != want {
						t.Fatalf("compare (%s, %s) with (%s, %s) = %d, want %d",
							show(pk1), show(sk1), show(pk2), show(sk2), got, want)
					}
				}
			})
		}
	}
}
