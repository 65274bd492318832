package keys

import "github.com/atolldb/atoll/partition/value"

// Role is the part a key attribute plays in a key schema.
type Role uint8

// The two key roles.
const (
	PartitionKey Role = iota + 1 // HASH
	SortKey                      // RANGE
)

// ValidateKeyValue checks the value v given for key attribute name, declared
// with type want (S, N or B) in the table's or index's AttributeDefinitions,
// and returns a *value.ValidationError with DynamoDB's message, or nil. It
// checks, in DynamoDB's order, the type, emptiness and size against
// value.MaxPartitionKeySize and value.MaxSortKeySize (bytes of the value:
// UTF-8 bytes of a string, bytes of a binary; a Number, at most 21 bytes,
// can never exceed them).
func ValidateKeyValue(name string, want value.Type, v value.Value, role Role) error {
	if v.Type != want {
		return value.Validationf("One or more parameter values were invalid: Type mismatch for key %s expected: %s actual: %s", name, want, v.Type)
	}
	var size int
	switch v.Type {
	case value.TypeS:
		if v.S == "" {
			return value.Validationf("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: %s", name)
		}
		size = len(v.S)
	case value.TypeB:
		if len(v.B) == 0 {
			return value.Validationf("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: %s", name)
		}
		size = len(v.B)
	}
	switch {
	case role == PartitionKey && size > value.MaxPartitionKeySize:
		return value.Validationf("One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of%d bytes", value.MaxPartitionKeySize)
	case role == SortKey && size > value.MaxSortKeySize:
		return value.Validationf("One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of %d bytes", value.MaxSortKeySize)
	}
	return nil
}
