package router

import (
	"errors"
	"fmt"

	"github.com/atolldb/atoll/partition/value"
)

// ErrorCode names a DynamoDB error type that operation handlers return
// through *Error. The HTTP status, the __type namespace and the message
// member of each are in errmap.go, the one place that knows them.
type ErrorCode uint8

// DynamoDB error types a handler may return. ValidationException comes from
// *value.ValidationError, SerializationException from
// *wire.SerializationError and UnknownOperationException from
// ErrNotImplemented; InternalServerError is any other error.
const (
	// CodeResourceNotFound: the table or index does not exist or is not
	// ACTIVE.
	CodeResourceNotFound ErrorCode = iota + 1
	// CodeResourceInUse: the table is being created, updated or deleted,
	// or already exists.
	CodeResourceInUse
	// CodeConditionalCheckFailed: a condition expression (or Expected)
	// evaluated to false. Error.Item carries the item for
	// ReturnValuesOnConditionCheckFailure=ALL_OLD.
	CodeConditionalCheckFailed
	// CodeLimitExceeded: too many concurrent control-plane operations, or
	// another account/table limit.
	CodeLimitExceeded
	// CodeItemCollectionSizeLimitExceeded: an item collection of a table
	// with local secondary indexes would exceed 10 GB.
	CodeItemCollectionSizeLimitExceeded
	// CodeProvisionedThroughputExceeded: a provisioned table's capacity is
	// exhausted.
	CodeProvisionedThroughputExceeded
	// CodeThrottling: an on-demand table (or a hot partition) cannot take
	// the request rate.
	CodeThrottling
	// CodeTransactionConflict: the item is part of an ongoing transaction.
	CodeTransactionConflict
	// CodeRequestLimitExceeded: the account's throughput limit is reached.
	CodeRequestLimitExceeded
)

// Error is a DynamoDB error returned by an operation handler: the error
// type, DynamoDB's message, and for ConditionalCheckFailedException the
// current item when the request asked for it.
type Error struct {
	Code    ErrorCode
	Message string
	// Item is sent as the "Item" member of a
	// ConditionalCheckFailedException; nil sends none.
	Item value.Item
}

func (e *Error) Error() string {
	return errorTypes[e.Code].name + ": " + e.Message
}

// Errorf returns an *Error of the given code with a formatted message.
func Errorf(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Errors with DynamoDB's usual messages. Handlers return them as they are
// (or wrapped with %w); ones needing a different message or an item use
// Errorf or build an *Error.
var (
	// ErrResourceNotFound is returned when the table named by a data-plane
	// request (PutItem, Query, ...) does not exist. (The control plane names
	// the table in its message: "Requested resource not found: Table: X not
	// found".)
	ErrResourceNotFound = &Error{Code: CodeResourceNotFound, Message: "Requested resource not found"}
	// ErrConditionalCheckFailed is returned when a write's condition is
	// false and no item is to be returned.
	ErrConditionalCheckFailed = &Error{Code: CodeConditionalCheckFailed, Message: "The conditional request failed"}
	// ErrProvisionedThroughputExceeded is returned when a provisioned
	// table's capacity is exhausted (capacity.ErrProvisionedThroughputExceeded
	// is sent with its message).
	ErrProvisionedThroughputExceeded = &Error{Code: CodeProvisionedThroughputExceeded,
		Message: "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API."}
	// ErrThrottling is returned when an on-demand table cannot take the
	// request rate yet (capacity.ErrThrottled is sent with its message).
	ErrThrottling = &Error{Code: CodeThrottling,
		Message: "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly. If exceptions persist, check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html"}
	// ErrRequestLimitExceeded is returned when the account-level
	// throughput limit is reached.
	ErrRequestLimitExceeded = &Error{Code: CodeRequestLimitExceeded,
		Message: "Throughput exceeds the current throughput limit for your account. Please contact AWS Support at https://aws.amazon.com/support request a limit increase"}
	// ErrTransactionConflict is returned when a plain write hits an item
	// that a transaction has prepared.
	ErrTransactionConflict = &Error{Code: CodeTransactionConflict,
		Message: "Transaction is ongoing for the item"}
)

// ErrNotImplemented is returned by the handler of an operation atoll
// accepts but does not serve yet. It is answered as UnknownOperationException,
// exactly like an operation DynamoDB does not know, so that clients never
// mistake it for a working operation.
var ErrNotImplemented = errors.New("router: operation not implemented")

// errUnknownOperation is the internal error for a missing or unknown
// X-Amz-Target.
var errUnknownOperation = errors.New("router: unknown operation")

// ConditionalCheckFailed returns the ConditionalCheckFailedException for a
// write whose condition is false; item, when non-nil, is returned to the
// client (ReturnValuesOnConditionCheckFailure=ALL_OLD).
func ConditionalCheckFailed(item value.Item) *Error {
	return &Error{Code: CodeConditionalCheckFailed, Message: ErrConditionalCheckFailed.Message, Item: item}
}
