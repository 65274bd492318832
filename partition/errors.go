package partition

import "errors"

// Errors of the state machine.
var (
	// ErrConditionFailed is a command's result when its condition does not
	// hold; the result's Old holds the current item (for
	// ReturnValuesOnConditionCheckFailure).
	ErrConditionFailed = errors.New("partition: the conditional request failed")
	// ErrCorruptCommand is returned (fatally) by Apply when an entry does not
	// decode: a replica must stop rather than skip it.
	ErrCorruptCommand = errors.New("partition: corrupt command")
	// ErrCorruptItem is returned when a stored item record does not decode.
	ErrCorruptItem = errors.New("partition: corrupt stored item")
	// ErrClosed is returned by operations on a closed component.
	ErrClosed = errors.New("partition: closed")
)
