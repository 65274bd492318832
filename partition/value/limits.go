package value

// Limits of DynamoDB's item model, enforced by this package and by the
// packages that build on it. Each constant names the DynamoDB limit it
// mirrors ("Service, account, and table quotas in Amazon DynamoDB" and the
// "Supported data types and naming rules" pages of the developer guide).
const (
	// MaxNumberDigits is the precision of a Number: "Numbers can have up to
	// 38 digits of precision".
	MaxNumberDigits = 38
	// MaxNumberExponent is the exponent of the leading digit of the largest
	// positive Number, 9.9999999999999999999999999999999999999E+125.
	MaxNumberExponent = 125
	// MinNumberExponent is the exponent of the leading digit of the smallest
	// positive Number, 1E-130.
	MinNumberExponent = -130

	// MaxNestingDepth is the deepest nesting of maps and lists in an
	// attribute value: "DynamoDB supports nested attributes up to 32 levels
	// deep". A top-level map or list is level 1.
	MaxNestingDepth = 32

	// MaxItemSize is the maximum item size, 400 KB, counting attribute names
	// and values (see Item.Size).
	MaxItemSize = 400 * 1024

	// MaxPartitionKeySize is the maximum length in bytes of a partition key
	// value: 2048 bytes.
	MaxPartitionKeySize = 2048
	// MinPartitionKeySize is the minimum length of a partition key value
	// (empty string and binary key values are rejected).
	MinPartitionKeySize = 1
	// MaxSortKeySize is the maximum length in bytes of a sort key value:
	// 1024 bytes.
	MaxSortKeySize = 1024

	// MaxAttributeNameSize is the maximum length of an attribute name in an
	// item: 64 KB (UTF-8 bytes).
	MaxAttributeNameSize = 64 * 1024
	// MaxKeyAttributeNameSize is the maximum length of the name of a key
	// attribute (table or index key, projected attribute): 255 bytes.
	MaxKeyAttributeNameSize = 255
)

// walkDepthLimit bounds the recursion of Equal, Clone and Size over values
// that may not have been validated yet (a valid value nests at most
// MaxNestingDepth levels; an update can place such a value below a path of
// up to MaxNestingDepth levels before the result is validated).
const walkDepthLimit = 4 * MaxNestingDepth
