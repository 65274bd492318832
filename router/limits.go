package router

// Limits DynamoDB places on requests, enforced by the operation handlers
// with DynamoDB's errors. Each cites the limit it mirrors. Limits of the
// item model (item size, key sizes, nesting) are in partition/value, those
// of expressions in partition/expr, the request size in config.go.

// Table name rules: "Supported data types and naming rules".
const (
	MinTableNameLength = 3
	MaxTableNameLength = 255
)

// maxConstraintErrors is how many constraint violations DynamoDB lists in
// one "N validation errors detected" message at most.
const maxConstraintErrors = 10

// Capacity unit arithmetic ("Read/write capacity mode" in the developer
// guide): a read unit covers 4 KB read strongly consistently (eventually
// consistent reads cost half), a write unit 1 KB; every request costs at
// least one unit (half for an eventually consistent read). The figures of
// admission (burst, on-demand limits) are in router/capacity.
const (
	readUnitBytes  = 4096
	writeUnitBytes = 1024
)

// Limits of the control plane ("Service, account, and table quotas in
// Amazon DynamoDB" and the API reference's member constraints).
const (
	// MaxCapacityUnits is the largest ReadCapacityUnits or
	// WriteCapacityUnits DynamoDB accepts at all ("Given value N for
	// ReadCapacityUnits is out of bounds" above it). The per-table quota
	// (40,000 by default) is not enforced.
	MaxCapacityUnits = 1_000_000_000_000
	// MaxListTablesLimit is the largest and default ListTables Limit.
	MaxListTablesLimit = 100
)

// MaxTTLAttributeNameLength bounds TimeToLiveSpecification.AttributeName.
const MaxTTLAttributeNameLength = 255

// Limits of AttributesToGet ("AttributesToGet" in the API reference: 1 to
// 255 names).
const (
	minAttributesToGet = 1
	maxAttributesToGet = 255
)

// queryMaxPageBytes is the most data one Query or Scan page reads: "A single
// Query operation will read up to the maximum number of items set (if using
// the Limit parameter) or a maximum of 1 MB of data" (Query and Scan in the
// API reference). Items are counted at their DynamoDB size before any
// filter, and the item that reaches the limit is still part of the page.
const queryMaxPageBytes = 1 << 20

// Limits of the batch operations ("BatchGetItem" and "BatchWriteItem" in
// the API reference).
const (
	// MaxBatchGetKeys is the most keys one BatchGetItem may request,
	// across all tables.
	MaxBatchGetKeys = 100
	// MaxBatchWriteRequests is the most put and delete requests in one
	// BatchWriteItem, across all tables.
	MaxBatchWriteRequests = 25
	// MaxBatchGetResponseBytes is the most item data one BatchGetItem
	// returns (16 MB); the keys past it come back in UnprocessedKeys.
	MaxBatchGetResponseBytes = 16 << 20
)

// Tag limits.
const (
	// MaxTagsPerResource is the number of tags a table may carry.
	MaxTagsPerResource = 50
	// MaxTagKeyLength and MaxTagValueLength bound a tag's key (at least
	// one character) and value (possibly empty), in characters.
	MaxTagKeyLength   = 128
	MaxTagValueLength = 256
)
