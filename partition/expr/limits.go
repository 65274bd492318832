package expr

// Limits DynamoDB places on expressions (developer guide, "Service, account,
// and table quotas in Amazon DynamoDB", section "Expression parameters").
// They are enforced before any parsing work.
const (
	// MaxExpressionSize is the maximum length in bytes of any expression
	// string: "The maximum length of any expression string is 4 KB."
	MaxExpressionSize = 4096

	// MaxPlaceholderSize is the maximum length in bytes of one
	// ExpressionAttributeNames or ExpressionAttributeValues key: "The maximum
	// length of any single expression attribute name or expression attribute
	// value is 255 bytes. For example, #name is five bytes; :val is four
	// bytes."
	MaxPlaceholderSize = 255

	// MaxSubstitutionSize is the maximum total size in bytes of all
	// substitution variables of a request: "The maximum length of all
	// substitution variables in an expression is 2 MB. This is the sum of
	// the lengths of all ExpressionAttributeNames and
	// ExpressionAttributeValues." Names count their key and value bytes;
	// values their key bytes plus the value's item size (value.Value.Size).
	MaxSubstitutionSize = 2 << 20

	// MaxInOperands is the maximum number of operands on the right of IN:
	// "The maximum number of operands for the IN comparator is 100."
	MaxInOperands = 100
)

// maxDepth bounds every recursion over a parsed expression: parentheses and
// NOT nesting while parsing, and every walk over a tree afterwards. A tree
// parsed from an expression of at most MaxExpressionSize bytes is never
// deeper than that many levels (each level consumes at least one byte), so
// the bound never rejects a valid expression; it only guards callers that
// parse or build trees outside Compile.
const maxDepth = MaxExpressionSize
