package value

import (
	"encoding/base64"
	"strings"
)

// Messages that the edges decoding attribute values report too.
const (
	// MsgEmptyValue is DynamoDB's message for an attribute value with no type.
	MsgEmptyValue = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
	// MsgNesting is DynamoDB's message for a value nested deeper than MaxNestingDepth.
	MsgNesting = "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit"
)

// DynamoDB's messages for attribute values it refuses to store. The double
// space in the empty-set messages and the missing space before "of type BS"
// are DynamoDB's own.
const (
	msgEmptySS        = "One or more parameter values were invalid: An string set  may not be empty"
	msgEmptyNS        = "One or more parameter values were invalid: An number set  may not be empty"
	msgEmptyBS        = "One or more parameter values were invalid: Binary sets should not be empty"
	msgDuplicateSS    = "One or more parameter values were invalid: Input collection [%s] contains duplicates."
	msgDuplicateNS    = "Input collection contains duplicates"
	msgDuplicateBS    = "One or more parameter values were invalid: Input collection [%s]of type BS contains duplicates."
	msgItemSize       = "Item size has exceeded the maximum allowed size"
	msgKeyType        = "One or more parameter values were invalid: Type mismatch for key %s expected: %s actual: %s"
	msgKeyEmptyString = "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: %s"
	msgKeyEmptyBinary = "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: %s"
	msgHashKeySize    = "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of%d bytes"
	msgRangeKeySize   = "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of %d bytes"
)

// Validate checks v, as the value of a top-level attribute of an item,
// against DynamoDB's rules for stored values and returns a *ValidationError
// with DynamoDB's message for the first rule broken, or nil:
//
//   - the Type is one of the ten types;
//   - sets are not empty and hold no duplicates (numbers compared
//     numerically, so "1" and "1.0" are duplicates); empty strings and
//     binaries are allowed as set members, as DynamoDB allows them;
//   - maps and lists nest at most MaxNestingDepth levels, the value itself
//     being level 1.
//
// Empty strings and binaries are valid values; the rules for key attributes
// are in ValidateKeyValue. Numbers are valid by construction (ParseNumber
// enforces their limits).
func (v Value) Validate() error { return v.validate(1) }

func (v Value) validate(level int) error {
	if level > MaxNestingDepth {
		return Validationf(MsgNesting)
	}
	switch v.Type {
	case TypeS, TypeN, TypeB, TypeBOOL, TypeNULL:
		return nil
	case TypeM:
		for _, e := range v.M {
			if err := e.validate(level + 1); err != nil {
				return err
			}
		}
		return nil
	case TypeL:
		for _, e := range v.L {
			if err := e.validate(level + 1); err != nil {
				return err
			}
		}
		return nil
	case TypeSS:
		return validateSS(v.SS)
	case TypeNS:
		return validateNS(v.NS)
	case TypeBS:
		return validateBS(v.BS)
	}
	return Validationf(MsgEmptyValue)
}

func validateSS(ss []string) error {
	if len(ss) == 0 {
		return Validationf(msgEmptySS)
	}
	seen := make(map[string]struct{}, len(ss))
	for _, s := range ss {
		if _, dup := seen[s]; dup {
			return Validationf(msgDuplicateSS, strings.Join(ss, ", "))
		}
		seen[s] = struct{}{}
	}
	return nil
}

func validateNS(ns []Number) error {
	if len(ns) == 0 {
		return Validationf(msgEmptyNS)
	}
	seen := make(map[Number]struct{}, len(ns))
	for _, n := range ns {
		if _, dup := seen[n]; dup { // canonical form: == is numeric equality
			return Validationf(msgDuplicateNS)
		}
		seen[n] = struct{}{}
	}
	return nil
}

func validateBS(bs [][]byte) error {
	if len(bs) == 0 {
		return Validationf(msgEmptyBS)
	}
	seen := make(map[string]struct{}, len(bs))
	for _, b := range bs {
		if _, dup := seen[string(b)]; dup {
			enc := make([]string, len(bs))
			for i, m := range bs {
				enc[i] = base64.StdEncoding.EncodeToString(m)
			}
			return Validationf(msgDuplicateBS, strings.Join(enc, ", "))
		}
		seen[string(b)] = struct{}{}
	}
	return nil
}

// ValidateItem validates every attribute value of it (see Value.Validate)
// and then its size against MaxItemSize (see Item.Size), returning DynamoDB's
// message for the first problem found, or nil. Attributes are checked in
// sorted name order so that the error reported for an item with several bad
// attributes is deterministic. Key attributes are checked separately with
// ValidateKeyValue, by the caller that knows the key schema.
func ValidateItem(it Item) error {
	for _, name := range sortedNames(it) {
		if err := it[name].Validate(); err != nil {
			return err
		}
	}
	return CheckItemSize(it)
}

// CheckItemSize returns DynamoDB's "Item size has exceeded the maximum
// allowed size" error when it.Size() is larger than MaxItemSize.
func CheckItemSize(it Item) error {
	if it.Size() > MaxItemSize {
		return Validationf(msgItemSize)
	}
	return nil
}

// KeyRole is the part a key attribute plays in a primary key.
type KeyRole uint8

// The two key roles.
const (
	PartitionKeyRole KeyRole = iota + 1 // HASH
	SortKeyRole                         // RANGE
)

// ValidateKeyValue checks v as the value of the table key attribute name,
// declared with type want (S, N or B), and returns DynamoDB's message for the
// first rule broken, in DynamoDB's order: the type must be want; a string or
// binary must not be empty; a partition key value may hold at most
// MaxPartitionKeySize bytes and a sort key value at most MaxSortKeySize bytes
// (UTF-8 bytes of a string, bytes of a binary; a number, at most 21 bytes,
// never exceeds either).
func ValidateKeyValue(name string, v Value, want Type, role KeyRole) error {
	if v.Type != want {
		return Validationf(msgKeyType, name, want, v.Type)
	}
	size := 0
	switch v.Type {
	case TypeS:
		if v.S == "" {
			return Validationf(msgKeyEmptyString, name)
		}
		size = len(v.S)
	case TypeB:
		if len(v.B) == 0 {
			return Validationf(msgKeyEmptyBinary, name)
		}
		size = len(v.B)
	}
	switch {
	case role == PartitionKeyRole && size > MaxPartitionKeySize:
		return Validationf(msgHashKeySize, MaxPartitionKeySize)
	case role == SortKeyRole && size > MaxSortKeySize:
		return Validationf(msgRangeKeySize, MaxSortKeySize)
	}
	return nil
}
