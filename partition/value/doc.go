// Package value is atoll's model of DynamoDB data: attribute values, items,
// numbers, and DynamoDB's rules for them. It is the innermost layer of the
// partition: it does no I/O and knows nothing of storage, networking or
// Raft, and everything in it is deterministic, so it may run on the apply
// path.
//
// # Main types
//
//   - Value is one attribute value of one of DynamoDB's ten types (Type);
//     Item maps attribute names to Values.
//   - Number is a DynamoDB number: an exact decimal of at most 38
//     significant digits in DynamoDB's range, kept in a canonical form so
//     that == is numeric equality. ParseNumber reads DynamoDB's text form;
//     String writes the text DynamoDB returns; Add and Sub are exact.
//   - ValidationError carries a user error with DynamoDB's exact message
//     text; the API edge turns it into a ValidationException.
//
// Validate, ValidateItem and ValidateKeyValue enforce DynamoDB's rules for
// stored values (non-empty sets without duplicates, nesting depth, item
// size, key values); Equal and Compare implement DynamoDB's comparisons;
// Size computes sizes the way DynamoDB counts them. The limits enforced are
// named constants in limits.go.
//
// # Concurrency
//
// Values, Items and Numbers are immutable once built: nothing in this
// package modifies a value it is given, and code that derives a new value
// from an old one copies the maps and slices it changes (Clone makes a deep
// copy). A built value may therefore be shared between goroutines without
// locking. All functions are safe for concurrent use.
package value
