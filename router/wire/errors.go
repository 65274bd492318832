package wire

import "fmt"

// SerializationError is returned by Unmarshal when a request body is not
// JSON, or is JSON of the wrong shape for the operation (a string where a
// structure is expected, a number where a string is expected, invalid
// base64, ...). Message is the text DynamoDB sends with its
// SerializationException for the same input; it is empty for malformed JSON,
// for which DynamoDB sends no message.
type SerializationError struct {
	Message string
}

func (e *SerializationError) Error() string {
	if e.Message == "" {
		return "serialization error"
	}
	return e.Message
}

func serializationf(format string, args ...any) error {
	return &SerializationError{Message: fmt.Sprintf(format, args...)}
}

// errMalformed is returned for bytes that are not JSON. DynamoDB answers them
// with a SerializationException without a message.
var errMalformed = &SerializationError{}

// DynamoDB's SerializationException messages for JSON of the wrong shape.
// They come from the JSON deserialisation layer DynamoDB shares with other
// AWS JSON services; the article and the grammar ("an Boolean") are theirs.
const (
	msgUnexpectedObject = "Start of structure or map found where not expected."
	msgUnexpectedList   = "Start of list found where not expected"
	msgExpectedList     = "Expected list or null"
	msgExpectedMap      = "Expected map or null"
	msgExpectedStruct   = "Expected null"
	msgNotConvertible   = "%s can not be converted to %s" // token name, target type with article

	// Blob (base64) messages; %s is the offending text.
	msgBase64Length = "'%s' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: %d"
	msgBase64Char   = "'%s' can not be converted to a Blob: Invalid Base64 character: '%c'"
	msgBase64Last   = "'%s' can not be converted to a Blob: Invalid last non-pad Base64 character dectected"
)

// DynamoDB's ValidationException messages for attribute values that are
// well-formed JSON but not a valid AttributeValue (the empty-value and
// nesting messages are partition/value's).
const (
	msgMultipleDatatypes = "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
	msgNullFalse         = "One or more parameter values were invalid: Null attribute value types must have the value of true"
)
