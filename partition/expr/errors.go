package expr

import (
	"fmt"
	"strings"

	"github.com/atolldb/atoll/partition/value"
)

// Every error this package returns for bad user input is a
// *value.ValidationError carrying DynamoDB's exact message; the API edge maps
// it to a ValidationException. The helpers below build those messages so
// that each text is spelled once.

// invalidf returns "Invalid <Kind>: <message>", the form DynamoDB uses for
// every problem found inside one expression.
func invalidf(kind Kind, format string, args ...any) error {
	return &value.ValidationError{Message: "Invalid " + kind.String() + ": " + fmt.Sprintf(format, args...)}
}

// Message bodies shared between parsing, binding and checking. Each is the
// part after "Invalid <Kind>: ".
const (
	msgEmpty            = "The expression can not be empty;"
	msgTooLarge         = "Expression size has exceeded the maximum allowed size; expression size: %d"
	msgSyntax           = "Syntax error; token: \"%s\", near: \"%s\""
	msgReserved         = "Attribute name is a reserved keyword; reserved keyword: %s"
	msgRedundantParens  = "The expression has redundant parentheses;"
	msgUnknownFunction  = "Invalid function name; function: %s"
	msgMisusedFunction  = "The function is not allowed to be used this way in an expression; function: %s"
	msgNotInCondition   = "The function is not allowed in a condition expression; function: %s"
	msgNotInUpdate      = "The function is not allowed in an update expression; function: %s"
	msgSectionTwice     = "The \"%s\" section can only be used once in an update expression;"
	msgNameUndefined    = "An expression attribute name used in the document path is not defined; attribute name: %s"
	msgValueUndefined   = "An expression attribute value used in expression is not defined; attribute value: %s"
	msgOperandCount     = "Incorrect number of operands for operator or function; operator or function: %s, number of operands: %d"
	msgNeedsPath        = "Operator or function requires a document path; operator or function: %s"
	msgOperandType      = "Incorrect operand type for operator or function; operator or function: %s, operand type: %s"
	msgActionType       = "Incorrect operand type for operator or function; operator: %s, operand type: %s, typeSet: ALLOWED_FOR_%s_OPERAND"
	msgNotDistinct      = "The first operand must be distinct from the remaining operands for this operator or function; operator: %s, first operand: %s"
	msgBetweenTypes     = "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {%s}, upper bound operand: AttributeValue: {%s}"
	msgBetweenOrder     = "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {%s}, upper bound operand: AttributeValue: {%s}"
	msgInTooMany        = "The IN operator is provided with too many operands; number of operands: %d"
	msgBadTypeName      = "Invalid attribute type name found; type: %s, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"
	msgPathsOverlap     = "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: %s, path two: %s"
	msgPathsConflict    = "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: %s, path two: %s"
	msgTooDeep          = "The expression is nested too deeply; maximum depth: %d"
	attributeTypeAnyArg = "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"
)

// Request-level messages (no "Invalid <Kind>: " prefix).
const (
	msgNamesEmpty         = "ExpressionAttributeNames must not be empty"
	msgValuesEmpty        = "ExpressionAttributeValues must not be empty"
	msgNamesBadKey        = "ExpressionAttributeNames contains invalid key: Syntax error; key: \"%s\""
	msgValuesBadKey       = "ExpressionAttributeValues contains invalid key: Syntax error; key: \"%s\""
	msgNamesEmptyValue    = "ExpressionAttributeNames contains invalid value: Empty attribute name for key %s"
	msgNamesUnused        = "Value provided in ExpressionAttributeNames unused in expressions: keys: {%s}"
	msgValuesUnused       = "Value provided in ExpressionAttributeValues unused in expressions: keys: {%s}"
	msgNamesNoExpression  = "ExpressionAttributeNames can only be specified when using expressions"
	msgValuesNoExpression = "ExpressionAttributeValues can only be specified when using expressions"
	msgSubstitutionSize   = "Expression attribute names and values exceed the maximum allowed size; size: %d"
)

// Key condition messages (KeyConditionFor); DynamoDB words them without the
// "Invalid KeyConditionExpression: " prefix.
const (
	msgKeyInvalidOperator = "Invalid operator used in KeyConditionExpression: %s"
	msgKeyNested          = "KeyConditionExpressions cannot contain nested operations"
	msgKeyFirstOperand    = "Invalid condition in KeyConditionExpression: %s operator must have the key attribute as its first operand"
	msgKeyMultipleNames   = "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"
	msgKeyNestedAttribute = "KeyConditionExpressions cannot have conditions on nested attributes"
	msgKeyNoAttribute     = "Invalid condition in KeyConditionExpression: No key attribute specified"
	msgKeyOnePerKey       = "KeyConditionExpressions must only contain one condition per key"
	msgKeyMissed          = "Query condition missed key schema element: %s"
	msgKeyNotSupported    = "Query key condition not supported"
)

// validationf returns a request-level *value.ValidationError.
func validationf(format string, args ...any) error {
	return &value.ValidationError{Message: fmt.Sprintf(format, args...)}
}

// joinKeys renders placeholder keys as DynamoDB lists them in the "unused"
// messages: comma and space separated.
func joinKeys(keys []string) string { return strings.Join(keys, ", ") }
