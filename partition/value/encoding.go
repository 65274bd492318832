package value

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// The binary encoding of values and items is atoll's storage format for item
// bodies (and for values carried in replicated commands). It is compact and
// deterministic: map attributes and item attributes are written in ascending
// name order, so equal items always encode to equal bytes, which keeps
// replicas byte-identical.
//
// Value layout: one tag byte, then the payload.
//
//	tag 1 S     uvarint length, UTF-8 bytes
//	tag 2 N     sign byte (0 positive or zero, 1 negative), zigzag varint
//	            exponent, uvarint digit count, ASCII digits (canonical form)
//	tag 3 B     uvarint length, bytes
//	tag 4 BOOL  one byte, 0 or 1
//	tag 5 NULL  no payload
//	tag 6 M     uvarint count, then count × (uvarint name length, name, value)
//	            in ascending name order
//	tag 7 L     uvarint count, then count values
//	tag 8 SS    uvarint count, then count × (uvarint length, bytes)
//	tag 9 NS    uvarint count, then count numbers (payload of tag 2)
//	tag 10 BS   uvarint count, then count × (uvarint length, bytes)
//
// The tags equal the Type constants and must never change. An item is encoded
// as a map payload (without the tag byte).

// ErrCorrupt is returned by the decoders when the input is not a valid
// encoding (truncated, unknown tag, too deep, non-canonical number).
var ErrCorrupt = errors.New("value: corrupt encoding")

// AppendValue appends the binary encoding of v to dst.
func AppendValue(dst []byte, v Value) []byte {
	dst = append(dst, byte(v.Type))
	switch v.Type {
	case TypeS:
		dst = appendString(dst, v.S)
	case TypeN:
		dst = appendNumber(dst, v.N)
	case TypeB:
		dst = appendBytes(dst, v.B)
	case TypeBOOL:
		if v.BOOL {
			dst = append(dst, 1)
		} else {
			dst = append(dst, 0)
		}
	case TypeNULL:
	case TypeM:
		dst = appendMap(dst, v.M)
	case TypeL:
		dst = binary.AppendUvarint(dst, uint64(len(v.L)))
		for _, e := range v.L {
			dst = AppendValue(dst, e)
		}
	case TypeSS:
		dst = binary.AppendUvarint(dst, uint64(len(v.SS)))
		for _, s := range v.SS {
			dst = appendString(dst, s)
		}
	case TypeNS:
		dst = binary.AppendUvarint(dst, uint64(len(v.NS)))
		for _, n := range v.NS {
			dst = appendNumber(dst, n)
		}
	case TypeBS:
		dst = binary.AppendUvarint(dst, uint64(len(v.BS)))
		for _, b := range v.BS {
			dst = appendBytes(dst, b)
		}
	}
	return dst
}

// AppendItem appends the binary encoding of it to dst.
func AppendItem(dst []byte, it Item) []byte { return appendMap(dst, it) }

// DecodeValue decodes one value from the front of src and returns the rest.
// Binary values (B, BS) of the result alias src.
func DecodeValue(src []byte) (Value, []byte, error) {
	d := decoder{buf: src}
	v := d.value(0)
	if d.err != nil {
		return Value{}, nil, d.err
	}
	return v, d.buf, nil
}

// DecodeItem decodes an item encoded by AppendItem; src must hold exactly one item.
func DecodeItem(src []byte) (Item, error) {
	it, rest, err := DecodeItemPrefix(src)
	if err == nil && len(rest) != 0 {
		err = fmt.Errorf("%w: %d trailing bytes", ErrCorrupt, len(rest))
	}
	if err != nil {
		return nil, err
	}
	return it, nil
}

// DecodeItemPrefix decodes an item encoded by AppendItem from the front of
// src and returns the rest.
func DecodeItemPrefix(src []byte) (Item, []byte, error) {
	d := decoder{buf: src}
	m := d.mapBody(0)
	if d.err != nil {
		return nil, nil, d.err
	}
	return m, d.buf, nil
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

func appendBytes(dst []byte, b []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(b)))
	return append(dst, b...)
}

func appendNumber(dst []byte, n Number) []byte {
	if n.neg {
		dst = append(dst, 1)
	} else {
		dst = append(dst, 0)
	}
	dst = binary.AppendVarint(dst, int64(n.exp))
	return appendString(dst, n.digits)
}

func appendMap(dst []byte, m map[string]Value) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(m)))
	var small [16]string
	names := small[:0]
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		dst = appendString(dst, k)
		dst = AppendValue(dst, m[k])
	}
	return dst
}

// decoder reads the binary encoding; the first error sticks.
type decoder struct {
	buf []byte
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", ErrCorrupt, what)
	}
	d.buf = nil
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.fail("bad length")
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

// count reads an element count; each element takes at least min bytes, which
// bounds the allocation a corrupt count can cause.
func (d *decoder) count(min int) int {
	c := d.uvarint()
	if c > uint64(len(d.buf)/min) {
		d.fail("count exceeds input")
		return 0
	}
	return int(c)
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.buf)) {
		d.fail("truncated")
		return nil
	}
	b := d.buf[:n:n]
	d.buf = d.buf[n:]
	return b
}

func (d *decoder) byte1() byte {
	if d.err != nil {
		return 0
	}
	if len(d.buf) == 0 {
		d.fail("truncated")
		return 0
	}
	b := d.buf[0]
	d.buf = d.buf[1:]
	return b
}

func (d *decoder) number() Number {
	sign := d.byte1()
	if d.err != nil {
		return Number{}
	}
	exp, n := binary.Varint(d.buf)
	if n <= 0 {
		d.fail("bad exponent")
		return Number{}
	}
	d.buf = d.buf[n:]
	digits := string(d.bytes())
	if d.err != nil {
		return Number{}
	}
	if sign > 1 || (digits == "" && (sign != 0 || exp != 0)) ||
		strings.TrimLeft(digits, "123456789") == digits && digits != "" ||
		strings.HasSuffix(digits, "0") || strings.Trim(digits, "0123456789") != "" ||
		exp < -1<<31 || exp > 1<<31-1 {
		d.fail("non-canonical number")
		return Number{}
	}
	return Number{neg: sign == 1, digits: digits, exp: int32(exp)}
}

func (d *decoder) mapBody(depth int) map[string]Value {
	c := d.count(2)
	m := make(map[string]Value, c)
	for range c {
		k := string(d.bytes())
		v := d.value(depth + 1)
		if d.err != nil {
			return nil
		}
		m[k] = v
	}
	return m
}

func (d *decoder) value(depth int) Value {
	if depth > MaxNestingDepth+1 {
		d.fail("nesting too deep")
		return Value{}
	}
	t := Type(d.byte1())
	var v Value
	v.Type = t
	switch t {
	case TypeS:
		v.S = string(d.bytes())
	case TypeN:
		v.N = d.number()
	case TypeB:
		v.B = d.bytes()
	case TypeBOOL:
		b := d.byte1()
		if b > 1 {
			d.fail("bad bool")
		}
		v.BOOL = b == 1
	case TypeNULL:
	case TypeM:
		v.M = d.mapBody(depth)
	case TypeL:
		c := d.count(1)
		v.L = make([]Value, 0, c)
		for range c {
			v.L = append(v.L, d.value(depth+1))
		}
	case TypeSS:
		c := d.count(1)
		v.SS = make([]string, 0, c)
		for range c {
			v.SS = append(v.SS, string(d.bytes()))
		}
	case TypeNS:
		c := d.count(3)
		v.NS = make([]Number, 0, c)
		for range c {
			v.NS = append(v.NS, d.number())
		}
	case TypeBS:
		c := d.count(1)
		v.BS = make([][]byte, 0, c)
		for range c {
			v.BS = append(v.BS, d.bytes())
		}
	default:
		d.fail("unknown tag")
	}
	if d.err != nil {
		return Value{}
	}
	return v
}
