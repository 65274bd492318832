package value

import (
	"math/big"
	"testing"
)

// FuzzParseNumber checks that ParseNumber never panics, that every accepted
// number's String parses back to the same Number, that it agrees with
// math/big on the value, and that Cmp agrees with the sign of Sub.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{
		"0", "-0", "1", "+1", "1.0", "10E-1", ".5", "5.", "-7.1234", "1e+5", "0e1000",
		maxNumberText, "1E-130", "1e126", "1e-131", digits38, digits39, "", "NaN", " 1", "1e",
		"0.000001e131", "1e99999999999999999999",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNumber(s)
		if err != nil {
			if _, ok := err.(*ValidationError); !ok {
				t.Fatalf("ParseNumber(%q) error = %T, want *ValidationError", s, err)
			}
			return
		}
		back, err := ParseNumber(n.String())
		if err != nil || back != n {
			t.Fatalf("ParseNumber(%q) = %#v, %v; want %#v (from %q)", n.String(), back, err, n, s)
		}
		if want, ok := new(big.Rat).SetString(s); ok && want.Cmp(ratOf(t, n)) != 0 {
			t.Fatalf("ParseNumber(%q) = %v, big.Rat says %v", s, n, want)
		}
		for _, o := range []Number{{}, MustParseNumber("1"), MustParseNumber("-2.5e-3"), n.Neg()} {
			d, err := n.Sub(o)
			if err != nil {
				continue // result out of range or precision
			}
			if got, want := n.Cmp(o), d.Sign(); got != want {
				t.Fatalf("Number(%v).Cmp(%v) = %d, sign of difference %v is %d", n, o, got, d, want)
			}
		}
	})
}

// FuzzNumberArithmetic checks Add and Sub on pairs of parsed numbers:
// commutativity, a+b-b == a when every step is in range, and agreement of
// Cmp and Add with math/big.
func FuzzNumberArithmetic(f *testing.F) {
	for _, p := range [][2]string{
		{"1", "2"}, {"0.1", "0.2"}, {"999", "1"}, {"1e50", "1"}, {"9e125", "9e125"},
		{"1.5e-130", "-1.4e-130"}, {digits38, "-" + digits38}, {maxNumberText, "-1e88"},
	} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, as, bs string) {
		a, err := ParseNumber(as)
		if err != nil {
			return
		}
		b, err := ParseNumber(bs)
		if err != nil {
			return
		}
		ra, rb := ratOf(t, a), ratOf(t, b)
		if got, want := a.Cmp(b), ra.Cmp(rb); got != want {
			t.Fatalf("Number(%v).Cmp(%v) = %d, big.Rat says %d", a, b, got, want)
		}
		ab, errAB := a.Add(b)
		ba, errBA := b.Add(a)
		if (errAB == nil) != (errBA == nil) || ab != ba {
			t.Fatalf("%v + %v = %v, %v but %v + %v = %v, %v", a, b, ab, errAB, b, a, ba, errBA)
		}
		if errAB != nil {
			if _, ok := errAB.(*ValidationError); !ok {
				t.Fatalf("%v + %v error = %T, want *ValidationError", a, b, errAB)
			}
			return
		}
		if want := new(big.Rat).Add(ra, rb); ratOf(t, ab).Cmp(want) != 0 {
			t.Fatalf("%v + %v = %v, big.Rat says %v", a, b, ab, want)
		}
		back, err := ab.Sub(b)
		if err != nil {
			t.Fatalf("(%v + %v) - %v error = %v, want %v", a, b, b, err, a)
		}
		if back != a {
			t.Fatalf("(%v + %v) - %v = %v, want %v", a, b, b, back, a)
		}
	})
}
