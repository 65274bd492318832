package wire

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/atolldb/atoll/partition/value"
)

// errInvalidValue is returned when encoding an attribute value whose Type
// is not one of the ten (a bug in the code that built it).
var errInvalidValue = errors.New("wire: attribute value with invalid type")

// errInvalidFloat is returned when encoding a NaN or infinite float, which
// JSON cannot carry.
var errInvalidFloat = errors.New("wire: NaN or infinite number")

// encoder appends JSON to buf. The first problem is kept in err; encoding
// goes on so that the append functions need no error plumbing.
type encoder struct {
	buf []byte
	err error
}

func (e *encoder) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

// Marshal returns the DynamoDB JSON encoding of v, a pointer to or a value of
// one of this package's structures. See the package documentation for which
// members are omitted. Attribute maps are written with their names sorted, so
// the output is deterministic.
func Marshal(v any) ([]byte, error) { return Append(nil, v) }

// Append is Marshal appending to dst.
func Append(dst []byte, v any) ([]byte, error) {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return append(dst, "null"...), nil
	}
	e := encoder{buf: dst}
	codecFor(rv.Type()).encode(&e, rv)
	if e.err != nil {
		return dst, fmt.Errorf("wire: encode %T: %w", v, e.err)
	}
	return e.buf, nil
}

// AppendAttributeValue appends v in DynamoDB JSON ({"S":"x"}, ...) to dst.
// Numbers are written with Number.String, binaries as standard base64, and
// map members sorted by name. It fails only for a value whose Type is
// invalid.
func AppendAttributeValue(dst []byte, v value.Value) ([]byte, error) {
	e := encoder{buf: dst}
	e.attributeValue(v)
	if e.err != nil {
		return dst, e.err
	}
	return e.buf, nil
}

// AppendItem appends the attribute map it in DynamoDB JSON to dst, its
// names sorted.
func AppendItem(dst []byte, it value.Item) ([]byte, error) {
	e := encoder{buf: dst}
	e.item(it)
	if e.err != nil {
		return dst, e.err
	}
	return e.buf, nil
}

func (e *encoder) item(it value.Item) {
	if it == nil {
		e.buf = append(e.buf, "null"...)
		return
	}
	e.attributeMap(it)
}

func (e *encoder) attributeMap(m map[string]value.Value) {
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	slices.Sort(names)
	e.buf = append(e.buf, '{')
	for i, name := range names {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.buf = appendString(e.buf, name)
		e.buf = append(e.buf, ':')
		e.attributeValue(m[name])
	}
	e.buf = append(e.buf, '}')
}

func (e *encoder) attributeValue(v value.Value) {
	switch v.Type {
	case value.TypeS:
		e.buf = append(e.buf, `{"S":`...)
		e.buf = appendString(e.buf, v.S)
	case value.TypeN:
		e.buf = append(e.buf, `{"N":"`...)
		e.buf = append(e.buf, v.N.String()...) // digits, '-', '.': nothing to escape
		e.buf = append(e.buf, '"')
	case value.TypeB:
		e.buf = append(e.buf, `{"B":`...)
		e.buf = appendBase64(e.buf, v.B)
	case value.TypeBOOL:
		if v.BOOL {
			e.buf = append(e.buf, `{"BOOL":true`...)
		} else {
			e.buf = append(e.buf, `{"BOOL":false`...)
		}
	case value.TypeNULL:
		e.buf = append(e.buf, `{"NULL":true`...)
	case value.TypeM:
		e.buf = append(e.buf, `{"M":`...)
		e.attributeMap(v.M)
	case value.TypeL:
		e.buf = append(e.buf, `{"L":[`...)
		for i, x := range v.L {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.attributeValue(x)
		}
		e.buf = append(e.buf, ']')
	case value.TypeSS:
		e.buf = append(e.buf, `{"SS":[`...)
		for i, s := range v.SS {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.buf = appendString(e.buf, s)
		}
		e.buf = append(e.buf, ']')
	case value.TypeNS:
		e.buf = append(e.buf, `{"NS":[`...)
		for i, n := range v.NS {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.buf = append(e.buf, '"')
			e.buf = append(e.buf, n.String()...)
			e.buf = append(e.buf, '"')
		}
		e.buf = append(e.buf, ']')
	case value.TypeBS:
		e.buf = append(e.buf, `{"BS":[`...)
		for i, b := range v.BS {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.buf = appendBase64(e.buf, b)
		}
		e.buf = append(e.buf, ']')
	default:
		e.fail(errInvalidValue)
		e.buf = append(e.buf, '{')
	}
	e.buf = append(e.buf, '}')
}

func appendBase64(b, data []byte) []byte {
	b = append(b, '"')
	b = base64.StdEncoding.AppendEncode(b, data)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. Invalid UTF-8 is written as
// U+FFFD; HTML characters are not escaped (DynamoDB does not).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func encodeString(e *encoder, v reflect.Value) { e.buf = appendString(e.buf, v.String()) }

func encodeBool(e *encoder, v reflect.Value) { e.buf = strconv.AppendBool(e.buf, v.Bool()) }

func encodeInt(e *encoder, v reflect.Value) { e.buf = strconv.AppendInt(e.buf, v.Int(), 10) }

func encodeFloat(e *encoder, v reflect.Value) { e.float(v.Float(), false) }

// float appends f as a JSON number; plain decimal notation when fixed is
// set (timestamps), otherwise as encoding/json does.
func (e *encoder) float(f float64, fixed bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		e.fail(errInvalidFloat)
		e.buf = append(e.buf, '0')
		return
	}
	format := byte('f')
	if abs := math.Abs(f); !fixed && abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	e.buf = strconv.AppendFloat(e.buf, f, format, -1, 64)
}

// encodeTime writes a timestamp as seconds since the Unix epoch with
// millisecond precision, as DynamoDB does.
func encodeTime(e *encoder, v reflect.Value) {
	t := v.Interface().(time.Time)
	e.float(float64(t.UnixMilli())/1000, true)
}

func encodeBlob(e *encoder, v reflect.Value) {
	if v.IsNil() {
		e.buf = append(e.buf, "null"...)
		return
	}
	e.buf = appendBase64(e.buf, v.Bytes())
}

func encodeAttributeValueField(e *encoder, v reflect.Value) {
	e.attributeValue(value.Value(v.Interface().(AttributeValue)))
}

func encodeItemField(e *encoder, v reflect.Value) {
	e.item(value.Item(v.Interface().(Item)))
}

// sortedIndex returns the indexes of names in sorted order of the names.
func sortedIndex(names []string) []int {
	idx := make([]int, len(names))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		switch {
		case names[a] < names[b]:
			return -1
		case names[a] > names[b]:
			return 1
		}
		return 0
	})
	return idx
}
