package wire

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Unmarshal decodes the JSON request body data into v, a non-nil pointer to
// one of this package's structures (or any struct built from the same kinds
// of fields), the way DynamoDB's JSON protocol does:
//
//   - members are matched to `json` tags exactly (case-sensitively); unknown
//     members are ignored and null members are treated as absent;
//   - a value of the wrong JSON type is a *SerializationError carrying
//     DynamoDB's message for it, and bytes that are not JSON (or an empty
//     body) a *SerializationError without a message;
//   - an attribute value that is well-formed JSON but not a valid
//     AttributeValue (empty, two types, NULL false, a bad number, nested
//     deeper than value.MaxNestingDepth) is a *value.ValidationError,
//     reported only if the rest of the body deserialises.
//
// The first error found is returned; v may then be partly filled.
func Unmarshal(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		panic(fmt.Sprintf("wire.Unmarshal: need a non-nil pointer, got %T", v))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return errMalformed
	}
	d := decoder{data: data}
	if err := codecFor(rv.Elem().Type()).decode(&d, rv.Elem()); err != nil {
		// DynamoDB parses the JSON text before it maps it onto the
		// operation's shapes: a syntax error anywhere wins over a shape
		// error found earlier in the body.
		if err != errMalformed && !Valid(data) {
			return errMalformed
		}
		return err
	}
	d.skipSpace()
	if d.pos != len(d.data) {
		return errMalformed
	}
	return d.invalid
}

// codec decodes and encodes one Go type.
type codec struct {
	decode func(d *decoder, v reflect.Value) error
	encode func(e *encoder, v reflect.Value)
	// omit reports whether a struct field holding v is left out when
	// encoding: nil pointers, slices and maps, empty strings and invalid
	// attribute values.
	omit func(v reflect.Value) bool
}

// codecs caches the codec of each type. It is a memo of pure functions of
// the type, safe for concurrent use, and not observable state.
var codecs sync.Map // reflect.Type -> *codec

var (
	attributeValueType = reflect.TypeFor[AttributeValue]()
	itemType           = reflect.TypeFor[Item]()
	timeType           = reflect.TypeFor[time.Time]()
)

func codecFor(t reflect.Type) *codec {
	if c, ok := codecs.Load(t); ok {
		return c.(*codec)
	}
	c, _ := codecs.LoadOrStore(t, newCodec(t))
	return c.(*codec)
}

func never(reflect.Value) bool { return false }

// newCodec builds the codec of t. The types of this package are not
// recursive except through AttributeValue, which has its own codec, so the
// construction terminates.
func newCodec(t reflect.Type) *codec {
	switch t {
	case attributeValueType:
		return &codec{decode: decodeAttributeValueField, encode: encodeAttributeValueField,
			omit: func(v reflect.Value) bool { return v.Field(0).Uint() == 0 }}
	case itemType:
		return &codec{decode: decodeItemField, encode: encodeItemField,
			omit: func(v reflect.Value) bool { return v.IsNil() }}
	case timeType:
		return &codec{decode: decodeTime, encode: encodeTime,
			omit: func(v reflect.Value) bool { return v.Interface().(time.Time).IsZero() }}
	}
	switch t.Kind() {
	case reflect.String:
		return &codec{decode: decodeString, encode: encodeString,
			omit: func(v reflect.Value) bool { return v.Len() == 0 }}
	case reflect.Bool:
		return &codec{decode: decodeBoolField, encode: encodeBool, omit: never}
	case reflect.Int32:
		return &codec{decode: intDecoder("an Integer", math.MinInt32, math.MaxInt32), encode: encodeInt, omit: never}
	case reflect.Int64:
		return &codec{decode: intDecoder("a Long", math.MinInt64, math.MaxInt64), encode: encodeInt, omit: never}
	case reflect.Float64:
		return &codec{decode: decodeFloat, encode: encodeFloat, omit: never}
	case reflect.Pointer:
		return pointerCodec(t)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return &codec{decode: decodeBlobField, encode: encodeBlob,
				omit: func(v reflect.Value) bool { return v.IsNil() }}
		}
		return sliceCodec(t)
	case reflect.Map:
		if t.Key().Kind() == reflect.String {
			return mapCodec(t)
		}
	case reflect.Struct:
		return structCodec(t)
	}
	panic("wire: unsupported type " + t.String())
}

// mismatch returns DynamoDB's SerializationException for a value of kind k
// where a scalar of type target ("a String", "an Integer", ...) is expected.
func mismatch(k kind, target string) error {
	switch k {
	case kindObject:
		return &SerializationError{Message: msgUnexpectedObject}
	case kindArray:
		return &SerializationError{Message: msgUnexpectedList}
	case kindString:
		return serializationf(msgNotConvertible, "STRING_VALUE", target)
	case kindNumber:
		return serializationf(msgNotConvertible, "NUMBER_VALUE", target)
	case kindTrue:
		return serializationf(msgNotConvertible, "TRUE_VALUE", target)
	case kindFalse:
		return serializationf(msgNotConvertible, "FALSE_VALUE", target)
	}
	return errMalformed
}

// containerMismatch returns the error for a value of kind k where a list
// (wantList), a map or a structure is expected.
func containerMismatch(k kind, scalarMsg string) error {
	switch k {
	case kindObject:
		return &SerializationError{Message: msgUnexpectedObject}
	case kindArray:
		return &SerializationError{Message: msgUnexpectedList}
	case kindInvalid:
		return errMalformed
	}
	return &SerializationError{Message: scalarMsg}
}

func decodeString(d *decoder, v reflect.Value) error {
	s, null, err := d.stringValue()
	if err == nil && !null {
		v.SetString(s)
	}
	return err
}

// stringValue reads a string (or null) where a String is expected.
func (d *decoder) stringValue() (s string, null bool, err error) {
	switch k := d.peek(); k {
	case kindString:
		s, err = d.readString()
		return s, false, err
	case kindNull:
		return "", true, d.readNull()
	default:
		return "", false, mismatch(k, "a String")
	}
}

// boolValue reads a Boolean the way DynamoDB's deserialiser does: JSON true
// and false, and strings naming a boolean, case-insensitively.
func (d *decoder) boolValue() (b, null bool, err error) {
	switch k := d.peek(); k {
	case kindTrue, kindFalse:
		b, err = d.readBool(k)
		return b, false, err
	case kindNull:
		return false, true, d.readNull()
	case kindString:
		s, err := d.readString()
		if err != nil {
			return false, false, err
		}
		switch strings.ToLower(s) {
		case "true", "yes", "y", "t", "1":
			return true, false, nil
		case "false", "no", "n", "f", "0":
			return false, false, nil
		}
		return false, false, mismatch(kindString, "an Boolean")
	case kindNumber:
		return false, false, mismatch(kindNumber, "a Boolean")
	default:
		return false, false, mismatch(k, "a Boolean")
	}
}

func decodeBoolField(d *decoder, v reflect.Value) error {
	b, null, err := d.boolValue()
	if err == nil && !null {
		v.SetBool(b)
	}
	return err
}

// intDecoder decodes an Integer or Long. A number with a fraction or an
// exponent is truncated towards negative infinity, as DynamoDB does.
func intDecoder(target string, lo, hi int64) func(d *decoder, v reflect.Value) error {
	return func(d *decoder, v reflect.Value) error {
		switch k := d.peek(); k {
		case kindNull:
			return d.readNull()
		case kindNumber:
			text, err := d.readNumber()
			if err != nil {
				return err
			}
			i, err := strconv.ParseInt(string(text), 10, 64)
			if err != nil {
				f, ferr := strconv.ParseFloat(string(text), 64)
				f = math.Floor(f)
				if ferr != nil || f < float64(lo) || f > float64(hi) {
					return mismatch(kindNumber, target)
				}
				i = int64(f)
			}
			if i < lo || i > hi {
				return mismatch(kindNumber, target)
			}
			v.SetInt(i)
			return nil
		default:
			return mismatch(k, target)
		}
	}
}

func decodeFloat(d *decoder, v reflect.Value) error {
	switch k := d.peek(); k {
	case kindNull:
		return d.readNull()
	case kindNumber:
		text, err := d.readNumber()
		if err != nil {
			return err
		}
		f, err := strconv.ParseFloat(string(text), 64)
		if err != nil {
			return mismatch(kindNumber, "a Double")
		}
		v.SetFloat(f)
		return nil
	default:
		return mismatch(k, "a Double")
	}
}

// decodeTime reads a timestamp: a JSON number of seconds since the Unix
// epoch, with a fraction.
func decodeTime(d *decoder, v reflect.Value) error {
	switch k := d.peek(); k {
	case kindNull:
		return d.readNull()
	case kindNumber:
		text, err := d.readNumber()
		if err != nil {
			return err
		}
		t, ok := parseEpochSeconds(string(text))
		if !ok {
			return mismatch(kindNumber, "a Timestamp")
		}
		v.Set(reflect.ValueOf(t))
		return nil
	default:
		return mismatch(k, "a Timestamp")
	}
}

// parseEpochSeconds converts a JSON number of seconds since the Unix epoch
// to a time, exactly (to the nanosecond) for plain decimals.
func parseEpochSeconds(text string) (time.Time, bool) {
	intPart, frac, hasFrac := strings.Cut(text, ".")
	if !strings.ContainsAny(text, "eE") && len(frac) <= 9 {
		sec, err := strconv.ParseInt(intPart, 10, 64)
		if err == nil && (!hasFrac || frac != "") {
			nsec := int64(0)
			if hasFrac {
				n, err := strconv.ParseInt(frac+strings.Repeat("0", 9-len(frac)), 10, 64)
				if err != nil {
					return time.Time{}, false
				}
				nsec = n
			}
			if strings.HasPrefix(intPart, "-") {
				nsec = -nsec
			}
			return time.Unix(sec, nsec).UTC(), true
		}
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.Abs(f) > 1<<62/1e9 {
		return time.Time{}, false
	}
	sec, fr := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(fr*1e9))).UTC(), true
}

// blobValue reads a Blob: a standard, padded base64 string.
func (d *decoder) blobValue() (b []byte, null bool, err error) {
	switch k := d.peek(); k {
	case kindNull:
		return nil, true, d.readNull()
	case kindString:
		s, err := d.readStringBytes()
		if err != nil {
			return nil, false, err
		}
		b, err = decodeBase64(s)
		return b, false, err
	default:
		return nil, false, mismatch(k, "a Blob")
	}
}

// decodeBase64 decodes standard padded base64 with DynamoDB's messages for
// the ways it can be wrong, checked in DynamoDB's order: length, alphabet
// (a '=' followed by anything but '=' counts as a bad character), then
// non-canonical trailing bits.
func decodeBase64(s []byte) ([]byte, error) {
	if len(s)%4 != 0 {
		return nil, serializationf(msgBase64Length, s, len(s))
	}
	for i, c := range s {
		alpha := 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/'
		if !alpha && c != '=' || c == '=' && i+1 < len(s) && s[i+1] != '=' {
			return nil, serializationf(msgBase64Char, s, rune(c))
		}
	}
	out := make([]byte, base64.StdEncoding.DecodedLen(len(s)))
	n, err := base64.StdEncoding.Strict().Decode(out, s)
	if err != nil {
		return nil, serializationf(msgBase64Last, s)
	}
	return out[:n], nil
}

func decodeBlobField(d *decoder, v reflect.Value) error {
	b, null, err := d.blobValue()
	if err == nil && !null {
		v.SetBytes(b)
	}
	return err
}

func pointerCodec(t reflect.Type) *codec {
	elem := codecFor(t.Elem())
	return &codec{
		decode: func(d *decoder, v reflect.Value) error {
			if d.peek() == kindNull {
				v.SetZero()
				return d.readNull()
			}
			p := reflect.New(t.Elem())
			if err := elem.decode(d, p.Elem()); err != nil {
				return err
			}
			v.Set(p)
			return nil
		},
		encode: func(e *encoder, v reflect.Value) {
			if v.IsNil() {
				e.buf = append(e.buf, "null"...)
				return
			}
			elem.encode(e, v.Elem())
		},
		omit: func(v reflect.Value) bool { return v.IsNil() },
	}
}

func sliceCodec(t reflect.Type) *codec {
	elem := codecFor(t.Elem())
	return &codec{
		decode: func(d *decoder, v reflect.Value) error {
			switch k := d.peek(); k {
			case kindNull:
				v.SetZero()
				return d.readNull()
			case kindArray:
				s := reflect.MakeSlice(t, 0, 0)
				err := d.readArray(func() error {
					s = reflect.Append(s, reflect.Zero(t.Elem()))
					return elem.decode(d, s.Index(s.Len()-1))
				})
				if err != nil {
					return err
				}
				v.Set(s)
				return nil
			default:
				return containerMismatch(k, msgExpectedList)
			}
		},
		encode: func(e *encoder, v reflect.Value) {
			if v.IsNil() {
				e.buf = append(e.buf, "null"...)
				return
			}
			e.buf = append(e.buf, '[')
			for i := range v.Len() {
				if i > 0 {
					e.buf = append(e.buf, ',')
				}
				elem.encode(e, v.Index(i))
			}
			e.buf = append(e.buf, ']')
		},
		omit: func(v reflect.Value) bool { return v.IsNil() },
	}
}

func mapCodec(t reflect.Type) *codec {
	elem := codecFor(t.Elem())
	return &codec{
		decode: func(d *decoder, v reflect.Value) error {
			switch k := d.peek(); k {
			case kindNull:
				v.SetZero()
				return d.readNull()
			case kindObject:
				m := reflect.MakeMap(t)
				err := d.readObject(func(key []byte) error {
					ev := reflect.New(t.Elem()).Elem()
					if err := elem.decode(d, ev); err != nil {
						return err
					}
					m.SetMapIndex(reflect.ValueOf(string(key)).Convert(t.Key()), ev)
					return nil
				})
				if err != nil {
					return err
				}
				v.Set(m)
				return nil
			default:
				return containerMismatch(k, msgExpectedMap)
			}
		},
		encode: func(e *encoder, v reflect.Value) {
			if v.IsNil() {
				e.buf = append(e.buf, "null"...)
				return
			}
			keys := v.MapKeys()
			names := make([]string, len(keys))
			for i, k := range keys {
				names[i] = k.String()
			}
			order := sortedIndex(names)
			e.buf = append(e.buf, '{')
			for n, i := range order {
				if n > 0 {
					e.buf = append(e.buf, ',')
				}
				e.buf = appendString(e.buf, names[i])
				e.buf = append(e.buf, ':')
				elem.encode(e, v.MapIndex(keys[i]))
			}
			e.buf = append(e.buf, '}')
		},
		omit: func(v reflect.Value) bool { return v.IsNil() },
	}
}

// field is one member of a struct codec.
type field struct {
	name   string
	prefix []byte // `"Name":`
	index  int
	codec  *codec
}

func structCodec(t reflect.Type) *codec {
	var fields []field
	byName := map[string]int{}
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name := sf.Name
		if tag, ok := sf.Tag.Lookup("json"); ok {
			name, _, _ = strings.Cut(tag, ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = sf.Name
			}
		}
		byName[name] = len(fields)
		fields = append(fields, field{
			name:   name,
			prefix: append(appendString(nil, name), ':'),
			index:  i,
			codec:  codecFor(sf.Type),
		})
	}
	return &codec{
		decode: func(d *decoder, v reflect.Value) error {
			switch k := d.peek(); k {
			case kindNull:
				return d.readNull()
			case kindObject:
				return d.readObject(func(key []byte) error {
					i, ok := byName[string(key)]
					if !ok {
						return d.skipValue() // DynamoDB ignores unknown members
					}
					if d.peek() == kindNull {
						return d.readNull() // a null member is an absent one
					}
					f := &fields[i]
					return f.codec.decode(d, v.Field(f.index))
				})
			default:
				return containerMismatch(k, msgExpectedStruct)
			}
		},
		encode: func(e *encoder, v reflect.Value) {
			e.buf = append(e.buf, '{')
			first := true
			for i := range fields {
				f := &fields[i]
				fv := v.Field(f.index)
				if f.codec.omit(fv) {
					continue
				}
				if !first {
					e.buf = append(e.buf, ',')
				}
				first = false
				e.buf = append(e.buf, f.prefix...)
				f.codec.encode(e, fv)
			}
			e.buf = append(e.buf, '}')
		},
		omit: never,
	}
}
