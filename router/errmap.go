package router

import (
	"errors"
	"net/http"

	"github.com/atolldb/atoll/partition/value"
	"github.com/atolldb/atoll/router/capacity"
	"github.com/atolldb/atoll/router/wire"
)

// This file is the one place that turns errors into DynamoDB error
// responses. DynamoDB's error body is {"__type":"<namespace>#<Name>",
// "<message member>":"..."}: the namespace and the capitalisation of the
// message member differ by error type (errors raised by the service itself
// live in com.amazonaws.dynamodb.v20120810 and use "message"; errors of the
// shared request layer live in com.amazon.coral.* and vary). The SDKs take
// the error code from the part after '#' and read the message member
// case-insensitively.

const (
	nsDynamoDB   = "com.amazonaws.dynamodb.v20120810#"
	nsCoral      = "com.amazon.coral.service#"
	nsValidate   = "com.amazon.coral.validate#"
	nsAvailabity = "com.amazon.coral.availability#"
)

// errorType is how one DynamoDB error type is sent.
type errorType struct {
	name       string // ConditionalCheckFailedException
	namespace  string // "com.amazonaws.dynamodb.v20120810#"
	status     int    // HTTP status
	messageKey string // "message" or "Message"
}

var errorTypes = [...]errorType{
	CodeResourceNotFound:                {"ResourceNotFoundException", nsDynamoDB, http.StatusBadRequest, "message"},
	CodeResourceInUse:                   {"ResourceInUseException", nsDynamoDB, http.StatusBadRequest, "message"},
	CodeConditionalCheckFailed:          {"ConditionalCheckFailedException", nsDynamoDB, http.StatusBadRequest, "message"},
	CodeLimitExceeded:                   {"LimitExceededException", nsDynamoDB, http.StatusBadRequest, "message"},
	CodeItemCollectionSizeLimitExceeded: {"ItemCollectionSizeLimitExceededException", nsDynamoDB, http.StatusBadRequest, "message"},
	CodeProvisionedThroughputExceeded:   {"ProvisionedThroughputExceededException", nsDynamoDB, http.StatusBadRequest, "message"},
	CodeThrottling:                      {"ThrottlingException", nsAvailabity, http.StatusBadRequest, "message"},
	CodeTransactionConflict:             {"TransactionConflictException", nsDynamoDB, http.StatusBadRequest, "message"},
	CodeRequestLimitExceeded:            {"RequestLimitExceeded", nsDynamoDB, http.StatusBadRequest, "message"},
}

var (
	typeValidation       = errorType{"ValidationException", nsValidate, http.StatusBadRequest, "message"}
	typeSerialization    = errorType{"SerializationException", nsCoral, http.StatusBadRequest, "Message"}
	typeUnknownOperation = errorType{"UnknownOperationException", nsCoral, http.StatusBadRequest, ""}
	typeInternal         = errorType{"InternalServerError", nsDynamoDB, http.StatusInternalServerError, "message"}
)

// msgInternal is the only thing a client learns about an internal fault.
const msgInternal = "Internal server error"

// apiError is an error ready to be sent.
type apiError struct {
	typ     errorType
	message string     // omitted when empty
	item    value.Item // ConditionalCheckFailedException's Item, or nil
	// internal marks our own faults, which are logged.
	internal bool
}

// toAPIError maps err to the DynamoDB error sent for it.
func toAPIError(err error) apiError {
	var (
		dynErr *Error
		valErr *value.ValidationError
		serErr *wire.SerializationError
	)
	switch {
	case errors.As(err, &dynErr) && dynErr.Code > 0 && int(dynErr.Code) < len(errorTypes):
		return apiError{typ: errorTypes[dynErr.Code], message: dynErr.Message, item: dynErr.Item}
	case errors.As(err, &valErr):
		return apiError{typ: typeValidation, message: valErr.Message}
	case errors.As(err, &serErr):
		return apiError{typ: typeSerialization, message: serErr.Message}
	case errors.Is(err, ErrNotImplemented), errors.Is(err, errUnknownOperation):
		return apiError{typ: typeUnknownOperation}
	case errors.Is(err, capacity.ErrProvisionedThroughputExceeded):
		return apiError{typ: errorTypes[CodeProvisionedThroughputExceeded], message: ErrProvisionedThroughputExceeded.Message}
	case errors.Is(err, capacity.ErrThrottled):
		return apiError{typ: errorTypes[CodeThrottling], message: ErrThrottling.Message}
	}
	return apiError{typ: typeInternal, message: msgInternal, internal: true}
}

// body returns the JSON error body.
func (e apiError) body() []byte {
	b := make([]byte, 0, 128)
	b = append(b, `{"__type":"`...)
	b = append(b, e.typ.namespace...)
	b = append(b, e.typ.name...)
	b = append(b, '"')
	if e.message != "" && e.typ.messageKey != "" {
		b = append(b, `,"`...)
		b = append(b, e.typ.messageKey...)
		b = append(b, `":`...)
		b, _ = wire.Append(b, e.message)
	}
	if e.item != nil {
		if withItem, err := wire.AppendItem(append(b, `,"Item":`...), e.item); err == nil {
			b = withItem
		}
	}
	return append(b, '}')
}
