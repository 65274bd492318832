package value

import (
	"errors"
	"math/big"
	"strings"
	"testing"
)

const (
	maxNumberText = "9.9999999999999999999999999999999999999E+125"
	digits38      = "12345678901234567890123456789012345678"
	digits39      = "123456789012345678901234567890123456789"
)

// wantValidation fails the test unless err is a *ValidationError with
// exactly the message want.
func wantValidation(t *testing.T, call string, err error, want string) {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("%s error = %v (%T), want *ValidationError %q", call, err, err, want)
	}
	if ve.Message != want {
		t.Errorf("%s error = %q, want %q", call, ve.Message, want)
	}
}

func TestParseNumberValid(t *testing.T) {
	tests := []struct {
		name, in   string
		wantString string
		wantDigits string
		wantExp    int
		wantSign   int
	}{
		{"integer", "3", "3", "3", 0, 1},
		{"negative decimal", "-7.1234", "-7.1234", "71234", -4, -1},
		{"negative exponent form", "-17e5", "-1700000", "17", 5, -1},
		{"upper-case exponent", "-17.4E37", "-174" + strings.Repeat("0", 36), "174", 36, -1},
		{"plus sign", "+3", "3", "3", 0, 1},
		{"leading point", ".123", "0.123", "123", -3, 1},
		{"trailing point", "5.", "5", "5", 0, 1},
		{"leading zeros", "0001.23", "1.23", "123", -2, 1},
		{"plus exponent", "1e+5", "100000", "1", 5, 1},
		{"minus exponent", "25e-3", "0.025", "25", -3, 1},
		{"zero with huge exponent", "0e1000", "0", "", 0, 0},
		{"zero", "0", "0", "", 0, 0},
		{"negative zero", "-0", "0", "", 0, 0},
		{"negative zero fraction", "-0.000", "0", "", 0, 0},
		{"trailing fraction zeros", "1.500", "1.5", "15", -1, 1},
		{"trailing integer zeros", "12300", "12300", "123", 2, 1},
		{"38 digits", digits38, digits38, digits38, 0, 1},
		{"38 digits after stripping zeros", "000" + digits38 + "000", digits38 + "000", digits38, 3, 1},
		{"38 digits with point", "3.1415926535897932384626433832795028841", "3.1415926535897932384626433832795028841", "31415926535897932384626433832795028841", -37, 1},
		{"largest", maxNumberText, strings.Repeat("9", 38) + strings.Repeat("0", 88), strings.Repeat("9", 38), 88, 1},
		{"most negative", "-" + maxNumberText, "-" + strings.Repeat("9", 38) + strings.Repeat("0", 88), strings.Repeat("9", 38), 88, -1},
		{"1E125", "1E125", "1" + strings.Repeat("0", 125), "1", 125, 1},
		{"smallest", "1E-130", "0." + strings.Repeat("0", 129) + "1", "1", -130, 1},
		{"smallest negative", "-1e-130", "-0." + strings.Repeat("0", 129) + "1", "1", -130, -1},
		{"smallest with more digits", "1.5E-130", "0." + strings.Repeat("0", 129) + "15", "15", -131, 1},
		{"exponent beyond range cancelled by fraction", "0.000001e131", "1" + strings.Repeat("0", 125), "1", 125, 1},
		{"exponent below range cancelled by integer", "1000000e-136", "0." + strings.Repeat("0", 129) + "1", "1", -130, 1},
		{"leading zeros in exponent", "1e007", "10000000", "1", 7, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := ParseNumber(tt.in)
			if err != nil {
				t.Fatalf("ParseNumber(%q) error = %v, want nil", tt.in, err)
			}
			if got := n.String(); got != tt.wantString {
				t.Errorf("ParseNumber(%q).String() = %q, want %q", tt.in, got, tt.wantString)
			}
			if got := n.Digits(); got != tt.wantDigits {
				t.Errorf("ParseNumber(%q).Digits() = %q, want %q", tt.in, got, tt.wantDigits)
			}
			if got := n.Exponent(); got != tt.wantExp {
				t.Errorf("ParseNumber(%q).Exponent() = %d, want %d", tt.in, got, tt.wantExp)
			}
			if got := n.Sign(); got != tt.wantSign {
				t.Errorf("ParseNumber(%q).Sign() = %d, want %d", tt.in, got, tt.wantSign)
			}
			if got := n.IsZero(); got != (tt.wantSign == 0) {
				t.Errorf("ParseNumber(%q).IsZero() = %v, want %v", tt.in, got, tt.wantSign == 0)
			}
			// String round trip: the text DynamoDB returns reads back as the same number.
			back, err := ParseNumber(n.String())
			if err != nil || back != n {
				t.Errorf("ParseNumber(%q) = %v, %v, want %#v", n.String(), back, err, n)
			}
		})
	}
}

func TestParseNumberErrors(t *testing.T) {
	notNumeric := func(s string) string { return "The parameter cannot be converted to a numeric value: " + s }
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "The parameter cannot be converted to a numeric value"},
		{"word", "dog", notNumeric("dog")},
		{"negative word", "-dog", notNumeric("-dog")},
		{"NaN", "NaN", notNumeric("NaN")},
		{"negative NaN", "-NaN", notNumeric("-NaN")},
		{"Infinity", "Infinity", notNumeric("Infinity")},
		{"negative Infinity", "-Infinity", notNumeric("-Infinity")},
		{"leading space", " 1", notNumeric(" 1")},
		{"trailing space", "1 ", notNumeric("1 ")},
		{"sign only", "-", notNumeric("-")},
		{"plus only", "+", notNumeric("+")},
		{"point only", ".", notNumeric(".")},
		{"double sign", "--1", notNumeric("--1")},
		{"exponent without digits", "1e", notNumeric("1e")},
		{"exponent sign without digits", "1e+", notNumeric("1e+")},
		{"exponent without mantissa", "e5", notNumeric("e5")},
		{"point exponent", ".e5", notNumeric(".e5")},
		{"two points", "1.2.3", notNumeric("1.2.3")},
		{"inner sign", "1+2", notNumeric("1+2")},
		{"hex", "0x10", notNumeric("0x10")},
		{"underscore", "1_000", notNumeric("1_000")},
		{"comma", "1,5", notNumeric("1,5")},
		{"fractional exponent", "1e1.5", notNumeric("1e1.5")},
		{"39 digits", digits39, "Attempting to store more than 38 significant digits in a Number"},
		{"39 digits with point", "3.14159265358979323846264338327950288419", "Attempting to store more than 38 significant digits in a Number"},
		{"39 digits with exponent", digits39 + "e30", "Attempting to store more than 38 significant digits in a Number"},
		{"39 digits and out of range", digits39 + "e200", "Attempting to store more than 38 significant digits in a Number"},
		{"1E126", "1E126", "Number overflow. Attempting to store a number with magnitude larger than supported range"},
		{"11E125", "11e125", "Number overflow. Attempting to store a number with magnitude larger than supported range"},
		{"negative overflow", "-1e126", "Number overflow. Attempting to store a number with magnitude larger than supported range"},
		{"huge exponent", "1e99999999999999999999", "Number overflow. Attempting to store a number with magnitude larger than supported range"},
		{"1E-131", "1e-131", "Number underflow. Attempting to store a number with magnitude smaller than supported range"},
		{"0.9E-130", "0.9e-130", "Number underflow. Attempting to store a number with magnitude smaller than supported range"},
		{"negative underflow", "-1e-131", "Number underflow. Attempting to store a number with magnitude smaller than supported range"},
		{"huge negative exponent", "1e-99999999999999999999", "Number underflow. Attempting to store a number with magnitude smaller than supported range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := ParseNumber(tt.in)
			wantValidation(t, "ParseNumber("+tt.in+")", err, tt.want)
			if n != (Number{}) {
				t.Errorf("ParseNumber(%q) = %#v on error, want the zero Number", tt.in, n)
			}
		})
	}
}

func TestParseNumberCanonical(t *testing.T) {
	groups := [][]string{
		{"1", "1.0", "10E-1", "+1", "01", "1.000e0", "0.1e1", "100e-2", ".1E+1"},
		{"0", "-0", "+0", "0.0", "0e10", "-0.0e-5", ".0", "0."},
		{"-12.5", "-125e-1", "-0.125E2", "-12.50"},
		{"1000", "1e3", "1E+3", "0.001e6", "1000.000"},
	}
	for _, g := range groups {
		t.Run(g[0], func(t *testing.T) {
			first := MustParseNumber(g[0])
			for _, s := range g[1:] {
				if got := MustParseNumber(s); got != first {
					t.Errorf("ParseNumber(%q) = %#v, want %#v (as ParseNumber(%q))", s, got, first, g[0])
				}
			}
		})
	}
}

func TestNumberFromInt(t *testing.T) {
	tests := []struct {
		name string
		in   int64
		want string
	}{
		{"zero", 0, "0"},
		{"one", 1, "1"},
		{"negative", -42, "-42"},
		{"trailing zeros", 1200, "1200"},
		{"max", 9223372036854775807, "9223372036854775807"},
		{"min", -9223372036854775808, "-9223372036854775808"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NumberFromInt(tt.in)
			if want := MustParseNumber(tt.want); got != want {
				t.Errorf("NumberFromInt(%d) = %#v, want %#v", tt.in, got, want)
			}
			if got.String() != tt.want {
				t.Errorf("NumberFromInt(%d).String() = %q, want %q", tt.in, got.String(), tt.want)
			}
			if i, ok := got.Int64(); !ok || i != tt.in {
				t.Errorf("NumberFromInt(%d).Int64() = %d, %v, want %d, true", tt.in, i, ok, tt.in)
			}
		})
	}
}

func TestNumberInt64(t *testing.T) {
	tests := []struct {
		in     string
		want   int64
		wantOK bool
	}{
		{"0", 0, true},
		{"7", 7, true},
		{"-7", -7, true},
		{"1e3", 1000, true},
		{"2.50e1", 25, true},
		{"9223372036854775807", 9223372036854775807, true},
		{"-9223372036854775808", -9223372036854775808, true},
		{"9223372036854775808", 0, false},
		{"-9223372036854775809", 0, false},
		{"1e19", 0, false},
		{"1e125", 0, false},
		{"1.5", 0, false},
		{"-0.5", 0, false},
		{"1e-130", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := MustParseNumber(tt.in).Int64()
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Number(%q).Int64() = %d, %v, want %d, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
			if isInt := MustParseNumber(tt.in).IsInteger(); tt.wantOK && !isInt {
				t.Errorf("Number(%q).IsInteger() = false, want true", tt.in)
			}
		})
	}
}

func TestMustParseNumberPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Errorf("MustParseNumber(%q) did not panic", "x")
		}
	}()
	MustParseNumber("x")
}

func TestNumberCmp(t *testing.T) {
	// Ascending; equal neighbours are written in different forms.
	ordered := []string{
		"-" + maxNumberText, "-1e125", "-1e10", "-123.5", "-123.45", "-2", "-1.5", "-1",
		"-0.5", "-1e-130", "0", "1e-130", "1.5e-130", "0.001", "0.5", "1", "1.0001", "1.5",
		"2", "9.99", "10", "10.5", "99", "100", "123.45", "123.5", "1e10", "1e125", maxNumberText,
	}
	for i, as := range ordered {
		for j, bs := range ordered {
			a, b := MustParseNumber(as), MustParseNumber(bs)
			want := 0
			switch {
			case i < j:
				want = -1
			case i > j:
				want = 1
			}
			if got := a.Cmp(b); got != want {
				t.Errorf("Number(%q).Cmp(%q) = %d, want %d", as, bs, got, want)
			}
		}
	}
	if got := MustParseNumber("1.0").Cmp(MustParseNumber("10e-1")); got != 0 {
		t.Errorf("Number(%q).Cmp(%q) = %d, want 0", "1.0", "10e-1", got)
	}
}

func TestNumberNeg(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1.5", "-1.5"}, {"-1.5", "1.5"}, {"0", "0"},
	}
	for _, tt := range tests {
		if got := MustParseNumber(tt.in).Neg(); got != MustParseNumber(tt.want) {
			t.Errorf("Number(%q).Neg() = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestNumberAddSub(t *testing.T) {
	const (
		overflow  = "Number overflow. Attempting to store a number with magnitude larger than supported range"
		underflow = "Number underflow. Attempting to store a number with magnitude smaller than supported range"
	)
	tests := []struct {
		name    string
		a, b    string
		op      byte // '+' or '-'
		want    string
		wantErr string
	}{
		{"simple", "1", "2", '+', "3", ""},
		{"zero left", "0", "-4.5", '+', "-4.5", ""},
		{"zero right", "4.5", "0", '-', "4.5", ""},
		{"zero from zero", "0", "0", '-', "0", ""},
		{"to zero", "1.25", "1.25", '-', "0", ""},
		{"negative zero result", "-1.25", "-1.25", '-', "0", ""},
		{"decimal exact", "0.1", "0.2", '+', "0.3", ""},
		{"decimal sub", "0.3", "0.1", '-', "0.2", ""},
		{"carry across digits", "999", "1", '+', "1000", ""},
		{"carry into fraction", "0.999", "0.001", '+', "1", ""},
		{"borrow", "1000", "1", '-', "999", ""},
		{"borrow from fraction", "1", "0.001", '-', "0.999", ""},
		{"different exponents", "1e20", "1", '+', "100000000000000000001", ""},
		{"alternator plus", "1", "10000000000000000000000", '+', "10000000000000000000001", ""},
		{"alternator minus", "10000000000000000000000", "1", '-', "9999999999999999999999", ""},
		{"moto subtraction", "100000000000000000000.00000001", "1", '-', "99999999999999999999.00000001", ""},
		{"sign change", "1", "3", '-', "-2", ""},
		{"negatives", "-1.5", "-2.25", '+', "-3.75", ""},
		{"minus negative", "1.5", "-2.25", '-', "3.75", ""},
		{"trailing zeros dropped", "1.25", "0.75", '+', "2", ""},
		{"38 digits fits", "9999999999999999999999999999999999999", "1", '+', "10000000000000000000000000000000000000", ""},
		{"38 digit carry to 39 places with trailing zero", "99999999999999999999999999999999999999", "1", '+', "100000000000000000000000000000000000000", ""},
		{"precision loss is overflow", "1e50", "1", '+', "", overflow},
		{"precision loss minus is overflow", "1e50", "1", '-', "", overflow},
		{"small precision loss is overflow", "1", "1e-50", '+', "", overflow},
		{"39 digits is overflow", "99999999999999999999999999999999999999", "0.1", '+', "", overflow},
		{"magnitude overflow", "9e125", "9e125", '+', "", overflow},
		{"magnitude overflow minus", "9e125", "-9e125", '-', "", overflow},
		{"negative overflow", "-9e125", "9e125", '-', "", overflow},
		{"max plus tiny step overflow", maxNumberText, "1e88", '+', "", overflow},
		{"max minus step fits", maxNumberText, "1e88", '-', "9.9999999999999999999999999999999999998E+125", ""},
		{"underflow", "1.5e-130", "1.4e-130", '-', "", underflow},
		{"smallest fits", "2e-130", "1e-130", '-', "1e-130", ""},
		{"far apart cancel", "1e125", "1e125", '-', "0", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := MustParseNumber(tt.a), MustParseNumber(tt.b)
			var got Number
			var err error
			if tt.op == '+' {
				got, err = a.Add(b)
			} else {
				got, err = a.Sub(b)
			}
			call := tt.a + " " + string(tt.op) + " " + tt.b
			if tt.wantErr != "" {
				wantValidation(t, call, err, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatalf("%s error = %v, want nil", call, err)
			}
			if want := MustParseNumber(tt.want); got != want {
				t.Errorf("%s = %v, want %v", call, got, want)
			}
		})
	}
}

func TestNumberAddExtremes(t *testing.T) {
	// The operands' exponents differ by the whole range: alignment must be
	// exact and the 40-plus-digit result refused, not rounded.
	a, b := MustParseNumber(maxNumberText), MustParseNumber("1e-130")
	if _, err := a.Add(b); err == nil {
		t.Errorf("%s + 1e-130 error = nil, want overflow (precision)", maxNumberText)
	}
	got, err := MustParseNumber("1e-130").Add(MustParseNumber("1e-130"))
	if err != nil || got != MustParseNumber("2e-130") {
		t.Errorf("1e-130 + 1e-130 = %v, %v, want 2e-130", got, err)
	}
}

// ratOf returns n as a big.Rat, for checking against math/big.
func ratOf(t testing.TB, n Number) *big.Rat {
	t.Helper()
	r, ok := new(big.Rat).SetString(n.String())
	if !ok {
		t.Fatalf("big.Rat.SetString(%q) failed", n.String())
	}
	return r
}

func TestNumberAgreesWithBigRat(t *testing.T) {
	values := []string{"0", "1", "-1", "0.1", "123.456", "-98765.4321", "1e20", "-3e-7", "5e-130", digits38, "-" + digits38 + "e-50"}
	for _, as := range values {
		for _, bs := range values {
			a, b := MustParseNumber(as), MustParseNumber(bs)
			ra, rb := ratOf(t, a), ratOf(t, b)
			if got, want := a.Cmp(b), ra.Cmp(rb); got != want {
				t.Errorf("Number(%q).Cmp(%q) = %d, big.Rat says %d", as, bs, got, want)
			}
			sum, err := a.Add(b)
			if err != nil {
				continue // out of precision; covered by TestNumberAddSub
			}
			if want := new(big.Rat).Add(ra, rb); ratOf(t, sum).Cmp(want) != 0 {
				t.Errorf("%s + %s = %v, big.Rat says %v", as, bs, sum, want.FloatString(40))
			}
		}
	}
}
