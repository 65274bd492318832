package wire

import (
	"bytes"
	"reflect"

	"github.com/atolldb/atoll/partition/value"
)

// AttributeValue is one DynamoDB attribute value in DynamoDB JSON, such as
// {"S":"x"} or {"M":{"a":{"N":"1"}}}. It is a value.Value (convert with
// value.Value(av)); its zero value (Type 0) is "absent".
type AttributeValue value.Value

// Item is an attribute map in DynamoDB JSON: an item, a key,
// ExpressionAttributeValues, ExclusiveStartKey and the like. It is a
// value.Item (convert with value.Item(it)).
type Item value.Item

// attributeTypes maps DynamoDB JSON member names of an AttributeValue to
// their types.
func attributeType(name []byte) (value.Type, bool) {
	switch string(name) {
	case "S":
		return value.TypeS, true
	case "N":
		return value.TypeN, true
	case "B":
		return value.TypeB, true
	case "BOOL":
		return value.TypeBOOL, true
	case "NULL":
		return value.TypeNULL, true
	case "M":
		return value.TypeM, true
	case "L":
		return value.TypeL, true
	case "SS":
		return value.TypeSS, true
	case "NS":
		return value.TypeNS, true
	case "BS":
		return value.TypeBS, true
	}
	return 0, false
}

// attributeValue decodes an AttributeValue at nesting level (the value of
// a top-level attribute is level 1, as in value.Value.Validate). A value
// nested deeper than value.MaxNestingDepth is skipped without being built
// and recorded as DynamoDB's nesting ValidationError; so are the other
// invalid-but-well-formed cases. null is an empty AttributeValue.
func (d *decoder) attributeValue(level int) (value.Value, error) {
	switch k := d.peek(); k {
	case kindNull:
		d.recordInvalid(value.Validationf(value.MsgEmptyValue))
		return value.Value{}, d.readNull()
	case kindObject:
	default:
		return value.Value{}, containerMismatch(k, msgExpectedStruct)
	}
	if level > value.MaxNestingDepth {
		d.recordInvalid(value.Validationf(value.MsgNesting))
		return value.Value{}, d.skipValue()
	}
	var v value.Value
	n := 0
	err := d.readObject(func(key []byte) error {
		t, ok := attributeType(key)
		if !ok {
			return d.skipValue()
		}
		if d.peek() == kindNull {
			return d.readNull()
		}
		m, err := d.attributeMember(t, level)
		if err != nil {
			return err
		}
		if n == 0 {
			v = m
		}
		n++
		return nil
	})
	if err != nil {
		return value.Value{}, err
	}
	switch {
	case n == 0:
		d.recordInvalid(value.Validationf(value.MsgEmptyValue))
	case n > 1:
		d.recordInvalid(value.Validationf(msgMultipleDatatypes))
	}
	return v, nil
}

// attributeMember decodes the member of type t of an AttributeValue at
// level; the cursor is on the member's (non-null) value.
func (d *decoder) attributeMember(t value.Type, level int) (value.Value, error) {
	v := value.Value{Type: t}
	var err error
	switch t {
	case value.TypeS:
		v.S, _, err = d.stringValue()
	case value.TypeN:
		v.N, err = d.number()
	case value.TypeB:
		v.B, _, err = d.blobValue()
		if v.B == nil && err == nil {
			v.B = []byte{}
		}
	case value.TypeBOOL:
		v.BOOL, _, err = d.boolValue()
	case value.TypeNULL:
		var null bool
		null, _, err = d.boolValue()
		if err == nil && !null {
			d.recordInvalid(value.Validationf(msgNullFalse))
		}
	case value.TypeM:
		k := d.peek()
		if k != kindObject {
			return v, containerMismatch(k, msgExpectedMap)
		}
		v.M = map[string]value.Value{}
		err = d.readObject(func(key []byte) error {
			e, err := d.attributeValue(level + 1)
			v.M[string(key)] = e
			return err
		})
	case value.TypeL:
		k := d.peek()
		if k != kindArray {
			return v, containerMismatch(k, msgExpectedList)
		}
		v.L = []value.Value{}
		err = d.readArray(func() error {
			e, err := d.attributeValue(level + 1)
			v.L = append(v.L, e)
			return err
		})
	case value.TypeSS:
		v.SS = []string{}
		err = d.list(func() error {
			s, _, err := d.stringValue()
			v.SS = append(v.SS, s)
			return err
		})
	case value.TypeNS:
		v.NS = []value.Number{}
		err = d.list(func() error {
			n, err := d.number()
			v.NS = append(v.NS, n)
			return err
		})
	case value.TypeBS:
		v.BS = [][]byte{}
		err = d.list(func() error {
			b, _, err := d.blobValue()
			if b == nil {
				b = []byte{}
			}
			v.BS = append(v.BS, b)
			return err
		})
	}
	return v, err
}

// list reads an array where a list is expected.
func (d *decoder) list(elem func() error) error {
	if k := d.peek(); k != kindArray {
		return containerMismatch(k, msgExpectedList)
	}
	return d.readArray(elem)
}

// number reads the string form of a Number. A string that is not a valid
// DynamoDB number is recorded as value.ParseNumber's ValidationError.
func (d *decoder) number() (value.Number, error) {
	s, _, err := d.stringValue()
	if err != nil {
		return value.Number{}, err
	}
	n, nerr := value.ParseNumber(s)
	if nerr != nil {
		d.recordInvalid(nerr)
	}
	return n, nil
}

// item decodes an attribute map whose values are at level 1.
func (d *decoder) item() (value.Item, error) {
	switch k := d.peek(); k {
	case kindNull:
		return nil, d.readNull()
	case kindObject:
	default:
		return nil, containerMismatch(k, msgExpectedMap)
	}
	it := value.Item{}
	err := d.readObject(func(key []byte) error {
		v, err := d.attributeValue(1)
		it[string(key)] = v
		return err
	})
	return it, err
}

func decodeAttributeValueField(d *decoder, v reflect.Value) error {
	av, err := d.attributeValue(1)
	if err == nil {
		v.Set(reflect.ValueOf(AttributeValue(av)))
	}
	return err
}

func decodeItemField(d *decoder, v reflect.Value) error {
	it, err := d.item()
	if err == nil {
		v.Set(reflect.ValueOf(Item(it)))
	}
	return err
}

// DecodeAttributeValue decodes one AttributeValue in DynamoDB JSON, with
// Unmarshal's errors.
func DecodeAttributeValue(data []byte) (value.Value, error) {
	var av AttributeValue
	err := Unmarshal(data, &av)
	return value.Value(av), err
}

// DecodeItem decodes an attribute map in DynamoDB JSON, with Unmarshal's
// errors.
func DecodeItem(data []byte) (value.Item, error) {
	var it Item
	err := Unmarshal(data, &it)
	return value.Item(it), err
}

// UnmarshalJSON implements json.Unmarshaler with DecodeAttributeValue.
func (av *AttributeValue) UnmarshalJSON(data []byte) error {
	v, err := DecodeAttributeValue(data)
	*av = AttributeValue(v)
	return err
}

// MarshalJSON implements json.Marshaler with AppendAttributeValue.
func (av AttributeValue) MarshalJSON() ([]byte, error) {
	return AppendAttributeValue(nil, value.Value(av))
}

// UnmarshalJSON implements json.Unmarshaler with DecodeItem.
func (it *Item) UnmarshalJSON(data []byte) error {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return nil
	}
	v, err := DecodeItem(data)
	*it = Item(v)
	return err
}

// MarshalJSON implements json.Marshaler with AppendItem.
func (it Item) MarshalJSON() ([]byte, error) {
	if it == nil {
		return []byte("null"), nil
	}
	return AppendItem(nil, value.Item(it))
}
