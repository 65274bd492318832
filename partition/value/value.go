package value

// Type is the data type of an attribute value, one of DynamoDB's ten.
type Type uint8

// The ten DynamoDB attribute types. The zero Type is invalid.
const (
	TypeS    Type = iota + 1 // string
	TypeN                    // number
	TypeB                    // binary
	TypeBOOL                 // boolean
	TypeNULL                 // null
	TypeM                    // map
	TypeL                    // list
	TypeSS                   // string set
	TypeNS                   // number set
	TypeBS                   // binary set
)

var typeNames = [...]string{
	TypeS: "S", TypeN: "N", TypeB: "B", TypeBOOL: "BOOL", TypeNULL: "NULL",
	TypeM: "M", TypeL: "L", TypeSS: "SS", TypeNS: "NS", TypeBS: "BS",
}

// String returns DynamoDB's short type descriptor ("S", "N", "SS", ...).
func (t Type) String() string {
	if int(t) < len(typeNames) && typeNames[t] != "" {
		return typeNames[t]
	}
	return "INVALID"
}

// ParseType returns the Type for a DynamoDB type descriptor ("S", "NS", ...).
func ParseType(s string) (Type, bool) {
	for t, name := range typeNames {
		if name != "" && name == s {
			return Type(t), true
		}
	}
	return 0, false
}

// IsSet reports whether t is one of the set types SS, NS and BS.
func (t Type) IsSet() bool { return t == TypeSS || t == TypeNS || t == TypeBS }

// IsScalarKey reports whether t may be the type of a key attribute (S, N, B).
func (t Type) IsScalarKey() bool { return t == TypeS || t == TypeN || t == TypeB }

// Value is one DynamoDB attribute value. Type says which one field holds
// the value; the other fields are zero. A NULL value has Type TypeNULL (its
// NULL is always true on the wire).
//
// Values are treated as immutable once built: code that derives a new value
// from an old one copies the maps and slices it changes.
type Value struct {
	Type Type
	S    string           // TypeS
	N    Number           // TypeN
	B    []byte           // TypeB
	BOOL bool             // TypeBOOL
	M    map[string]Value // TypeM
	L    []Value          // TypeL
	SS   []string         // TypeSS
	NS   []Number         // TypeNS
	BS   [][]byte         // TypeBS
}

// Item is a DynamoDB item: attribute names to values.
type Item map[string]Value

// Constructors for the common cases.

// S returns a string value.
func S(s string) Value { return Value{Type: TypeS, S: s} }

// N returns a number value.
func N(n Number) Value { return Value{Type: TypeN, N: n} }

// B returns a binary value.
func B(b []byte) Value { return Value{Type: TypeB, B: b} }

// Bool returns a boolean value.
func Bool(b bool) Value { return Value{Type: TypeBOOL, BOOL: b} }

// Null returns the NULL value.
func Null() Value { return Value{Type: TypeNULL} }

// M returns a map value.
func M(m map[string]Value) Value { return Value{Type: TypeM, M: m} }

// L returns a list value.
func L(l ...Value) Value { return Value{Type: TypeL, L: l} }

// SS returns a string set value.
func SS(ss ...string) Value { return Value{Type: TypeSS, SS: ss} }

// NS returns a number set value.
func NS(ns ...Number) Value { return Value{Type: TypeNS, NS: ns} }

// BS returns a binary set value.
func BS(bs ...[]byte) Value { return Value{Type: TypeBS, BS: bs} }
