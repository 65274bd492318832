package wire

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// kind is the JSON type of the next value in the input.
type kind uint8

const (
	kindInvalid kind = iota
	kindObject
	kindArray
	kindString
	kindNumber
	kindTrue
	kindFalse
	kindNull
)

// decoder reads one JSON document from data. It never recurses on its own:
// recursion happens only in the typed decoders, bounded by the depth of the
// Go types and, for attribute values, by value.MaxNestingDepth. Values it
// does not need are skipped iteratively, however deep.
type decoder struct {
	data []byte
	pos  int
	// invalid is the first attribute-value ValidationError found. Decoding
	// goes on after it so that a SerializationError later in the body still
	// wins, as in DynamoDB, which deserialises the whole request before it
	// validates values.
	invalid error
}

// recordInvalid keeps err if it is the first validation error.
func (d *decoder) recordInvalid(err error) {
	if d.invalid == nil {
		d.invalid = err
	}
}

func (d *decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// peek skips whitespace and returns the kind of the next value without
// consuming it.
func (d *decoder) peek() kind {
	d.skipSpace()
	if d.pos >= len(d.data) {
		return kindInvalid
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return kindObject
	case c == '[':
		return kindArray
	case c == '"':
		return kindString
	case c == '-' || ('0' <= c && c <= '9'):
		return kindNumber
	case c == 't':
		return kindTrue
	case c == 'f':
		return kindFalse
	case c == 'n':
		return kindNull
	}
	return kindInvalid
}

// literal consumes the literal word (true, false, null) at the cursor.
func (d *decoder) literal(word string) error {
	if len(d.data)-d.pos < len(word) || string(d.data[d.pos:d.pos+len(word)]) != word {
		return errMalformed
	}
	d.pos += len(word)
	return nil
}

// readNull consumes a null known to be next.
func (d *decoder) readNull() error { return d.literal("null") }

// readBool consumes true or false, known to be next.
func (d *decoder) readBool(k kind) (bool, error) {
	if k == kindTrue {
		return true, d.literal("true")
	}
	return false, d.literal("false")
}

// readNumber consumes a JSON number and returns its text.
func (d *decoder) readNumber() ([]byte, error) {
	start := d.pos
	i := d.pos
	if i < len(d.data) && d.data[i] == '-' {
		i++
	}
	switch {
	case i < len(d.data) && d.data[i] == '0':
		i++
	case i < len(d.data) && '1' <= d.data[i] && d.data[i] <= '9':
		for i < len(d.data) && isDigit(d.data[i]) {
			i++
		}
	default:
		return nil, errMalformed
	}
	if i < len(d.data) && d.data[i] == '.' {
		i++
		if i >= len(d.data) || !isDigit(d.data[i]) {
			return nil, errMalformed
		}
		for i < len(d.data) && isDigit(d.data[i]) {
			i++
		}
	}
	if i < len(d.data) && (d.data[i] == 'e' || d.data[i] == 'E') {
		i++
		if i < len(d.data) && (d.data[i] == '+' || d.data[i] == '-') {
			i++
		}
		if i >= len(d.data) || !isDigit(d.data[i]) {
			return nil, errMalformed
		}
		for i < len(d.data) && isDigit(d.data[i]) {
			i++
		}
	}
	d.pos = i
	return d.data[start:i], nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// readStringBytes consumes a JSON string and returns its unescaped bytes.
// The result aliases the input when the string has no escapes and is valid
// UTF-8; callers that keep it must copy it (string(b) does). Invalid UTF-8 is
// replaced by U+FFFD, as encoding/json does.
func (d *decoder) readStringBytes() ([]byte, error) {
	if d.pos >= len(d.data) || d.data[d.pos] != '"' {
		return nil, errMalformed
	}
	start := d.pos + 1
	for i := start; i < len(d.data); i++ {
		c := d.data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			return d.data[start:i], nil
		case c == '\\' || c >= utf8.RuneSelf:
			return d.readStringSlow(start, i)
		case c < 0x20:
			return nil, errMalformed
		}
	}
	return nil, errMalformed
}

// readStringSlow finishes a string that has escapes or non-ASCII bytes; the
// bytes from start to i are plain ASCII.
func (d *decoder) readStringSlow(start, i int) ([]byte, error) {
	out := make([]byte, 0, i-start+16)
	out = append(out, d.data[start:i]...)
	for i < len(d.data) {
		c := d.data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			return out, nil
		case c < 0x20:
			return nil, errMalformed
		case c < utf8.RuneSelf && c != '\\':
			out = append(out, c)
			i++
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(d.data[i:])
			if r == utf8.RuneError && size == 1 {
				out = utf8.AppendRune(out, utf8.RuneError)
			} else {
				out = append(out, d.data[i:i+size]...)
			}
			i += size
		default: // backslash
			if i+1 >= len(d.data) {
				return nil, errMalformed
			}
			e := d.data[i+1]
			i += 2
			switch e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r, ok := hex4(d.data, i)
				if !ok {
					return nil, errMalformed
				}
				i += 4
				if utf16.IsSurrogate(r) {
					r2, ok := rune(-1), false
					if i+6 <= len(d.data) && d.data[i] == '\\' && d.data[i+1] == 'u' {
						r2, ok = hex4(d.data, i+2)
					}
					if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
						r = dec
						i += 6
					} else {
						r = utf8.RuneError
					}
				}
				out = utf8.AppendRune(out, r)
			default:
				return nil, errMalformed
			}
		}
	}
	return nil, errMalformed
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(b[i:i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	return rune(v), true
}

// readString consumes a JSON string.
func (d *decoder) readString() (string, error) {
	b, err := d.readStringBytes()
	return string(b), err
}

// readObject consumes an object known to be next, calling member for each
// member with the unescaped key (valid only during the call) and the cursor
// on the member's value, which member must consume.
func (d *decoder) readObject(member func(key []byte) error) error {
	d.pos++ // '{'
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return nil
	}
	for {
		d.skipSpace()
		key, err := d.readStringBytes()
		if err != nil {
			return err
		}
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return errMalformed
		}
		d.pos++
		if err := member(key); err != nil {
			return err
		}
		d.skipSpace()
		if d.pos >= len(d.data) {
			return errMalformed
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case '}':
			d.pos++
			return nil
		default:
			return errMalformed
		}
	}
}

// readArray consumes an array known to be next, calling elem with the cursor
// on each element, which elem must consume.
func (d *decoder) readArray(elem func() error) error {
	d.pos++ // '['
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		d.skipSpace()
		if d.pos >= len(d.data) {
			return errMalformed
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case ']':
			d.pos++
			return nil
		default:
			return errMalformed
		}
	}
}

// skipValue consumes one value of any kind and depth without recursion,
// checking its syntax.
func (d *decoder) skipValue() error {
	var open []byte // stack of '{' and '[' still open
	for {
		// A value is expected at the cursor.
		switch d.peek() {
		case kindObject, kindArray:
			c := d.data[d.pos]
			d.pos++
			d.skipSpace()
			if d.pos < len(d.data) && (d.data[d.pos] == '}' && c == '{' || d.data[d.pos] == ']' && c == '[') {
				d.pos++
				break
			}
			open = append(open, c)
			if c == '{' {
				if err := d.memberKey(); err != nil {
					return err
				}
			}
			continue
		case kindString:
			if _, err := d.readStringBytes(); err != nil {
				return err
			}
		case kindNumber:
			if _, err := d.readNumber(); err != nil {
				return err
			}
		case kindTrue:
			if err := d.literal("true"); err != nil {
				return err
			}
		case kindFalse:
			if err := d.literal("false"); err != nil {
				return err
			}
		case kindNull:
			if err := d.readNull(); err != nil {
				return err
			}
		default:
			return errMalformed
		}
		// A value ended: close containers until one expects another value.
	closing:
		for {
			if len(open) == 0 {
				return nil
			}
			d.skipSpace()
			if d.pos >= len(d.data) {
				return errMalformed
			}
			top := open[len(open)-1]
			switch c := d.data[d.pos]; {
			case c == ',':
				d.pos++
				if top == '{' {
					if err := d.memberKey(); err != nil {
						return err
					}
				}
				break closing
			case c == '}' && top == '{', c == ']' && top == '[':
				d.pos++
				open = open[:len(open)-1]
			default:
				return errMalformed
			}
		}
	}
}

// memberKey consumes an object member's key and colon.
func (d *decoder) memberKey() error {
	d.skipSpace()
	if _, err := d.readStringBytes(); err != nil {
		return err
	}
	d.skipSpace()
	if d.pos >= len(d.data) || d.data[d.pos] != ':' {
		return errMalformed
	}
	d.pos++
	return nil
}

// Valid reports whether data is one syntactically valid JSON value,
// surrounded by nothing but whitespace. It needs no memory proportional to
// the nesting depth beyond one byte per open container.
func Valid(data []byte) bool {
	d := decoder{data: data}
	if err := d.skipValue(); err != nil {
		return false
	}
	d.skipSpace()
	return d.pos == len(d.data)
}
