package capacity

import "errors"

// Errors of Take. The router maps them to DynamoDB's errors (router's
// errmap.go); nothing else knows their DynamoDB names.
var (
	// ErrProvisionedThroughputExceeded is returned when a provisioned
	// table's bucket is empty or in debt.
	ErrProvisionedThroughputExceeded = errors.New("capacity: provisioned throughput exceeded")
	// ErrThrottled is returned when an on-demand table's bucket is empty
	// or in debt: the request rate is over the table's current limit.
	ErrThrottled = errors.New("capacity: on-demand throughput limit exceeded")
)
