package keys

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/atolldb/atoll/partition/value"
)

// Type tags: the first byte of every encoded key value. The byte format is
// pinned (see doc.go); never renumber these.
const (
	tagB byte = 'B' // 0x42, binary
	tagN byte = 'N' // 0x4E, number
	tagS byte = 'S' // 0x53, string
)

// Escaping of S and B payloads: a 0x00 payload byte becomes 0x00 0xFF and the
// payload ends with 0x00 0x01.
const (
	escByte   byte = 0x00
	escZero   byte = 0xFF // 0x00 0xFF is a literal 0x00
	escTerm   byte = 0x01 // 0x00 0x01 ends the payload
	numNeg    byte = 0x01 // number sign byte: negative
	numZero   byte = 0x02 // number sign byte: zero (nothing follows)
	numPos    byte = 0x03 // number sign byte: positive
	expBias        = 130  // exponent byte = adjusted exponent + expBias
	maxPair        = 99   // a base-100 digit pair
	maxDigit       = 2*maxPair + 1
	minExpAdj      = value.MinNumberExponent // 1E-130
	maxExpAdj      = value.MaxNumberExponent // 9.99...E+125
	maxDigits      = value.MaxNumberDigits
)

// typeTag returns the tag byte of a key type.
func typeTag(t value.Type) (byte, bool) {
	switch t {
	case value.TypeS:
		return tagS, true
	case value.TypeN:
		return tagN, true
	case value.TypeB:
		return tagB, true
	}
	return 0, false
}

// AppendValue appends the order-preserving encoding of the key value v (S, N
// or B) to dst and returns the extended slice. For two values a and b of the
// same type, bytes.Compare of their encodings agrees with DynamoDB's ordering
// of a and b, and no encoding is a prefix of another, so concatenations of
// encodings sort component by component.
//
// Empty strings and binaries are encoded even though DynamoDB forbids them as
// key values (value.ValidateKeyValue rejects them at the boundary). It returns an
// error wrapping ErrNotKeyType for other types and ErrNumberRange for a Number
// outside DynamoDB's range.
func AppendValue(dst []byte, v value.Value) ([]byte, error) {
	switch v.Type {
	case value.TypeS:
		dst = append(dst, tagS)
		return appendEscaped(dst, v.S), nil
	case value.TypeB:
		dst = append(dst, tagB)
		return appendEscaped(dst, v.B), nil
	case value.TypeN:
		return appendNumber(dst, v.N)
	}
	return dst, fmt.Errorf("encode %s value: %w", v.Type, ErrNotKeyType)
}

// appendEscaped appends p with 0x00 escaped as 0x00 0xFF, then 0x00 0x01.
func appendEscaped[T string | []byte](dst []byte, p T) []byte {
	for i := 0; i < len(p); i++ {
		if p[i] == escByte {
			dst = append(dst, escByte, escZero)
			continue
		}
		dst = append(dst, p[i])
	}
	return append(dst, escByte, escTerm)
}

// appendNumber appends the encoding of n: tag, sign byte and, for a nonzero
// n, an exponent byte and the base-100 digit bytes, complemented when n is
// negative.
func appendNumber(dst []byte, n value.Number) ([]byte, error) {
	sign := n.Sign()
	if sign == 0 {
		return append(dst, tagN, numZero), nil
	}
	digits := n.Digits()
	if len(digits) == 0 || len(digits) > maxDigits || digits[0] == '0' || digits[len(digits)-1] == '0' {
		return dst, fmt.Errorf("encode number with digits %q: %w", digits, ErrNumberRange)
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return dst, fmt.Errorf("encode number with digits %q: %w", digits, ErrNumberRange)
		}
	}
	adj := n.Exponent() + len(digits) - 1
	if adj < minExpAdj || adj > maxExpAdj {
		return dst, fmt.Errorf("encode number with exponent %d: %w", adj, ErrNumberRange)
	}
	var flip byte // XOR mask: 0xFF complements every byte of a negative number
	signByte := numPos
	if sign < 0 {
		flip = 0xFF
		signByte = numNeg
	}
	dst = append(dst, tagN, signByte, byte(adj+expBias)^flip)
	for i := 0; i < len(digits); i += 2 {
		pair := int(digits[i]-'0') * 10
		if i+1 < len(digits) {
			pair += int(digits[i+1] - '0')
		}
		b := byte(2 * pair) // last pair: even
		if i+2 < len(digits) {
			b++ // more pairs follow: odd
		}
		dst = append(dst, b^flip)
	}
	return dst, nil
}

// DecodeValue decodes one key value of type t from the front of src and
// returns it with the rest of src. It accepts exactly the bytes AppendValue
// produces and returns an error wrapping ErrCorrupt for anything else (so
// re-encoding a decoded value gives back the consumed bytes), or wrapping
// ErrNotKeyType if t is not S, N or B. The returned value does not alias src.
func DecodeValue(src []byte, t value.Type) (value.Value, []byte, error) {
	tag, ok := typeTag(t)
	if !ok {
		return value.Value{}, src, fmt.Errorf("decode %s value: %w", t, ErrNotKeyType)
	}
	if len(src) == 0 || src[0] != tag {
		return value.Value{}, src, fmt.Errorf("decode %s value: missing type tag: %w", t, ErrCorrupt)
	}
	switch t {
	case value.TypeS:
		p, rest, err := decodeEscaped(src[1:])
		if err != nil {
			return value.Value{}, src, fmt.Errorf("decode S value: %w", err)
		}
		return value.S(string(p)), rest, nil
	case value.TypeB:
		p, rest, err := decodeEscaped(src[1:])
		if err != nil {
			return value.Value{}, src, fmt.Errorf("decode B value: %w", err)
		}
		return value.B(p), rest, nil
	default:
		n, rest, err := decodeNumber(src[1:])
		if err != nil {
			return value.Value{}, src, fmt.Errorf("decode N value: %w", err)
		}
		return value.N(n), rest, nil
	}
}

// decodeEscaped reads an escaped payload up to and including its terminator.
// The payload is a fresh slice (never nil).
func decodeEscaped(src []byte) ([]byte, []byte, error) {
	out := make([]byte, 0, len(src))
	for {
		i := bytes.IndexByte(src, escByte)
		if i < 0 || i+1 >= len(src) {
			return nil, nil, fmt.Errorf("unterminated payload: %w", ErrCorrupt)
		}
		out = append(out, src[:i]...)
		switch src[i+1] {
		case escTerm:
			return out, src[i+2:], nil
		case escZero:
			out = append(out, escByte)
			src = src[i+2:]
		default:
			return nil, nil, fmt.Errorf("bad escape 0x00 0x%02X: %w", src[i+1], ErrCorrupt)
		}
	}
}

// decodeNumber reads a number's sign byte, exponent byte and digit bytes.
func decodeNumber(src []byte) (value.Number, []byte, error) {
	if len(src) == 0 {
		return value.Number{}, nil, fmt.Errorf("missing sign byte: %w", ErrCorrupt)
	}
	var flip byte
	switch src[0] {
	case numZero:
		return value.Number{}, src[1:], nil
	case numPos:
	case numNeg:
		flip = 0xFF
	default:
		return value.Number{}, nil, fmt.Errorf("bad sign byte 0x%02X: %w", src[0], ErrCorrupt)
	}
	if len(src) < 2 {
		return value.Number{}, nil, fmt.Errorf("missing exponent byte: %w", ErrCorrupt)
	}
	adj := int(src[1]^flip) - expBias
	var digits [maxDigits + 1]byte // room for one padding digit
	nd := 0
	i := 2
	for ; ; i++ {
		if i >= len(src) {
			return value.Number{}, nil, fmt.Errorf("unterminated digits: %w", ErrCorrupt)
		}
		b := src[i] ^ flip
		if b > maxDigit {
			return value.Number{}, nil, fmt.Errorf("bad digit byte 0x%02X: %w", src[i], ErrCorrupt)
		}
		if nd+2 > len(digits) {
			return value.Number{}, nil, fmt.Errorf("more than %d digits: %w", maxDigits, ErrCorrupt)
		}
		pair := b / 2
		digits[nd] = '0' + pair/10
		digits[nd+1] = '0' + pair%10
		nd += 2
		if b%2 == 0 {
			break
		}
	}
	if digits[nd-1] == '0' {
		nd-- // padding of an odd digit count
	}
	if digits[0] == '0' || digits[nd-1] == '0' || nd > maxDigits {
		return value.Number{}, nil, fmt.Errorf("non-canonical digits: %w", ErrCorrupt)
	}
	text := make([]byte, 0, nd+8)
	if flip != 0 {
		text = append(text, '-')
	}
	text = append(text, digits[0])
	if nd > 1 {
		text = append(text, '.')
		text = append(text, digits[1:nd]...)
	}
	text = append(text, 'E')
	text = strconv.AppendInt(text, int64(adj), 10)
	n, err := value.ParseNumber(string(text))
	if err != nil {
		return value.Number{}, nil, fmt.Errorf("number %s: %v: %w", text, err, ErrCorrupt)
	}
	if n.Digits() != string(digits[:nd]) || n.Exponent() != adj-(nd-1) {
		return value.Number{}, nil, fmt.Errorf("number %s does not round-trip: %w", text, ErrCorrupt)
	}
	return n, src[i+1:], nil
}
