package value

import (
	"math/big"
	"strconv"
	"strings"
)

// DynamoDB's messages for numbers that cannot be stored.
const (
	msgNotNumeric    = "The parameter cannot be converted to a numeric value: %s"
	msgEmptyNumber   = "The parameter cannot be converted to a numeric value"
	msgNumOverflow   = "Number overflow. Attempting to store a number with magnitude larger than supported range"
	msgNumUnderflow  = "Number underflow. Attempting to store a number with magnitude smaller than supported range"
	msgNumPrecision  = "Attempting to store more than 38 significant digits in a Number"
	maxExponentInput = 1 << 30 // exponents beyond this are clamped while parsing; far outside the range anyway
)

// Number is a DynamoDB number: a decimal with at most 38 significant digits
// and a magnitude between 1E-130 and 9.9999999999999999999999999999999999999E+125
// (or zero). It is kept in canonical form, so two Numbers are equal with ==
// exactly when they are numerically equal ("1", "1.0" and "10E-1" are the
// same Number), and Number can be a map key.
type Number struct {
	neg    bool
	digits string // significant digits, no leading or trailing zeros; "" for zero
	exp    int32  // value = digits × 10^exp
}

// ParseNumber parses DynamoDB's textual number form and validates it.
//
// The accepted form is an optional sign, digits with an optional decimal
// point (at least one digit on either side of it), and an optional exponent
// ("e" or "E", an optional sign and at least one digit). Leading and trailing
// zeros are insignificant; "-0" is zero. Text in any other form (including
// "NaN", "Infinity" and surrounding spaces) is rejected with DynamoDB's
// "cannot be converted to a numeric value" message; numbers
// with more than MaxNumberDigits significant digits or outside DynamoDB's
// magnitude range are rejected with DynamoDB's precision, overflow and
// underflow messages, checked in that order.
func ParseNumber(s string) (Number, error) {
	if s == "" {
		return Number{}, Validationf(msgEmptyNumber)
	}
	neg, digits, exp, ok := scanNumber(s)
	if !ok {
		return Number{}, Validationf(msgNotNumeric, s)
	}
	return makeNumber(neg, digits, exp)
}

// scanNumber splits s into sign, significant digits (leading and trailing
// zeros removed) and the exponent of the last significant digit. ok is false
// when s is not a number.
func scanNumber(s string) (neg bool, digits string, exp int64, ok bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	intStart := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intPart := s[intStart:i]
	var fracPart string
	if i < len(s) && s[i] == '.' {
		i++
		fracStart := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		fracPart = s[fracStart:i]
	}
	if intPart == "" && fracPart == "" {
		return false, "", 0, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		expNeg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			expNeg = s[i] == '-'
			i++
		}
		expStart := i
		for i < len(s) && isDigit(s[i]) {
			if exp < maxExponentInput {
				exp = exp*10 + int64(s[i]-'0')
			}
			i++
		}
		if i == expStart {
			return false, "", 0, false
		}
		if expNeg {
			exp = -exp
		}
	}
	if i != len(s) {
		return false, "", 0, false
	}
	// value = (intPart fracPart) × 10^(exp - len(fracPart))
	all := intPart + fracPart
	exp -= int64(len(fracPart))
	all = strings.TrimLeft(all, "0")
	trimmed := strings.TrimRight(all, "0")
	exp += int64(len(all) - len(trimmed))
	return neg, trimmed, exp, true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// makeNumber builds a Number from already trimmed digits and checks
// DynamoDB's precision and range limits.
func makeNumber(neg bool, digits string, exp int64) (Number, error) {
	if digits == "" {
		return Number{}, nil
	}
	if len(digits) > MaxNumberDigits {
		return Number{}, Validationf(msgNumPrecision)
	}
	adjusted := exp + int64(len(digits)) - 1 // exponent of the leading digit
	if adjusted > MaxNumberExponent {
		return Number{}, Validationf(msgNumOverflow)
	}
	if adjusted < MinNumberExponent {
		return Number{}, Validationf(msgNumUnderflow)
	}
	return Number{neg: neg, digits: digits, exp: int32(exp)}, nil
}

// MustParseNumber is ParseNumber for constants in tests and code; it panics on error.
func MustParseNumber(s string) Number {
	n, err := ParseNumber(s)
	if err != nil {
		panic("value.MustParseNumber(" + strconv.Quote(s) + "): " + err.Error())
	}
	return n
}

// NumberFromInt returns the Number equal to i.
func NumberFromInt(i int64) Number {
	s := strconv.FormatInt(i, 10)
	neg := false
	if s[0] == '-' {
		neg, s = true, s[1:]
	}
	trimmed := strings.TrimRight(s, "0")
	if trimmed == "" {
		return Number{}
	}
	return Number{neg: neg, digits: trimmed, exp: int32(len(s) - len(trimmed))}
}

// String returns the canonical text DynamoDB returns for this number: plain
// decimal notation without exponent, without leading zeros (other than a
// single "0" before the decimal point), without trailing zeros after the
// decimal point and without a decimal point for integers. Zero is "0", never
// "-0". Every Number's String parses back to the same Number.
func (n Number) String() string {
	if n.digits == "" {
		return "0"
	}
	var b strings.Builder
	if n.neg {
		b.WriteByte('-')
	}
	exp := int(n.exp)
	switch {
	case exp >= 0:
		b.WriteString(n.digits)
		for range exp {
			b.WriteByte('0')
		}
	case -exp >= len(n.digits):
		b.WriteString("0.")
		for range -exp - len(n.digits) {
			b.WriteByte('0')
		}
		b.WriteString(n.digits)
	default:
		point := len(n.digits) + exp
		b.WriteString(n.digits[:point])
		b.WriteByte('.')
		b.WriteString(n.digits[point:])
	}
	return b.String()
}

// Cmp compares numerically: -1 if n < o, 0 if equal, +1 if n > o.
func (n Number) Cmp(o Number) int {
	ns, os := n.Sign(), o.Sign()
	if ns != os {
		if ns < os {
			return -1
		}
		return 1
	}
	if ns == 0 {
		return 0
	}
	c := cmpMagnitude(n, o)
	if ns < 0 {
		return -c
	}
	return c
}

// cmpMagnitude compares |n| and |o|, both non-zero.
func cmpMagnitude(n, o Number) int {
	na, oa := n.adjusted(), o.adjusted()
	switch {
	case na < oa:
		return -1
	case na > oa:
		return 1
	}
	// Same leading-digit position: digit strings have no trailing zeros, so
	// comparing them as strings compares the values.
	return strings.Compare(n.digits, o.digits)
}

// adjusted returns the exponent of the leading digit of a non-zero number.
func (n Number) adjusted() int { return int(n.exp) + len(n.digits) - 1 }

// Add returns n + o exactly, or DynamoDB's error if the result is out of
// range or needs more than MaxNumberDigits significant digits (DynamoDB does
// not round the result of arithmetic; see numberFromBigInt for the messages).
func (n Number) Add(o Number) (Number, error) {
	switch {
	case n.digits == "":
		return o, nil
	case o.digits == "":
		return n, nil
	}
	// Align both operands to the smaller exponent and add as integers.
	minExp := min(n.exp, o.exp)
	sum := n.scaledInt(int(n.exp - minExp))
	sum.Add(sum, o.scaledInt(int(o.exp-minExp)))
	return numberFromBigInt(sum, int64(minExp))
}

// Sub returns n - o exactly, or DynamoDB's error if the result is out of
// range or needs more than MaxNumberDigits significant digits.
func (n Number) Sub(o Number) (Number, error) { return n.Add(o.Neg()) }

// scaledInt returns the signed integer digits × 10^shift.
func (n Number) scaledInt(shift int) *big.Int {
	i, _ := new(big.Int).SetString(n.digits, 10)
	if shift > 0 {
		i.Mul(i, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(shift)), nil))
	}
	if n.neg {
		i.Neg(i)
	}
	return i
}

// numberFromBigInt returns the arithmetic result i × 10^exp. DynamoDB does
// not round results: one outside the magnitude range gets the overflow or
// underflow error, and one that needs more than MaxNumberDigits significant
// digits gets the overflow error too (DynamoDB's message for 1E50 + 1, for
// example, is the overflow one, not the 38-digit one).
func numberFromBigInt(i *big.Int, exp int64) (Number, error) {
	s := i.String()
	neg := false
	if s[0] == '-' {
		neg, s = true, s[1:]
	}
	digits := strings.TrimRight(s, "0")
	exp += int64(len(s) - len(digits))
	if digits == "" {
		return Number{}, nil
	}
	adjusted := exp + int64(len(digits)) - 1
	switch {
	case adjusted > MaxNumberExponent:
		return Number{}, Validationf(msgNumOverflow)
	case adjusted < MinNumberExponent:
		return Number{}, Validationf(msgNumUnderflow)
	case len(digits) > MaxNumberDigits:
		return Number{}, Validationf(msgNumOverflow)
	}
	return Number{neg: neg, digits: digits, exp: int32(exp)}, nil
}

// Int64 returns n as an int64 when n is an integer that fits in one.
func (n Number) Int64() (int64, bool) {
	if n.digits == "" {
		return 0, true
	}
	if n.exp < 0 || n.adjusted() > 18 {
		return 0, false
	}
	i, err := strconv.ParseInt(n.String(), 10, 64)
	if err != nil {
		return 0, false
	}
	return i, true
}

// IsInteger reports whether n has no fractional part.
func (n Number) IsInteger() bool { return n.exp >= 0 }

// Neg returns -n.
func (n Number) Neg() Number { n.neg = !n.neg && n.digits != ""; return n }

// Sign returns -1, 0 or +1.
func (n Number) Sign() int {
	switch {
	case n.digits == "":
		return 0
	case n.neg:
		return -1
	}
	return 1
}

// IsZero reports whether n is zero.
func (n Number) IsZero() bool { return n.digits == "" }

// Digits returns the significant digits without leading or trailing zeros
// ("" for zero).
func (n Number) Digits() string { return n.digits }

// Exponent returns e such that |n| = Digits() × 10^e.
func (n Number) Exponent() int { return int(n.exp) }
