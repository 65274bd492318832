// Package wire is DynamoDB's JSON protocol as data: AttributeValue and Item
// (DynamoDB JSON such as {"S":"x"} decoded straight into value.Value and
// value.Item), and the Input and Output structures of every operation the
// router serves, with DynamoDB's member names.
//
// Unmarshal decodes a request body with DynamoDB's rules and errors: exact
// member names, unknown members ignored, null members absent, a
// *SerializationError with DynamoDB's message for JSON of the wrong shape or
// no JSON at all, and a *value.ValidationError for an attribute value that
// is not one (empty, two types, NULL false, a bad number, nested deeper than
// value.MaxNestingDepth). Nesting is bounded before anything is built:
// values past the limit and unknown members are skipped by an iterative
// scanner, so no input can exhaust the stack.
//
// Marshal encodes responses; AppendItem and AppendAttributeValue are the
// hand-written fast path for items (numbers in Number.String's canonical
// form, binaries in standard base64, attribute names sorted so that output
// is deterministic). AttributeValue and Item also implement json.Marshaler
// and json.Unmarshaler, for code that uses encoding/json.
//
// Wire types stay at the edge: handlers convert them (value.Item(it) costs
// nothing) before calling into storage code.
//
// Concurrency: all functions are safe for concurrent use. Decoded values
// share no memory with the input.
package wire
