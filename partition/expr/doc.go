// Package expr parses, binds and evaluates DynamoDB expressions: condition,
// filter, key condition, update and projection expressions, plus the legacy
// (pre-expression) request parameters translated into the same trees. It is
// a pure library: no storage, network or replication.
//
// # Life cycle of a tree
//
// Parsing (ParseCondition, ParseUpdate, ParseProjection) turns expression
// text into an unbound tree (ast.go). Unbound trees still hold the request's
// placeholders ("#n", ":v"), depend only on the text, and are cached and
// shared between goroutines, so they are never modified once built.
//
// Compile takes all expression parameters of one request, parses each
// (through the cache), then binds it against the request's
// ExpressionAttributeNames and ExpressionAttributeValues, producing a new,
// bound tree in which every path element is a real attribute name and every
// ValueOperand carries its value. It runs every check DynamoDB runs before
// reading an item, in DynamoDB's order, and returns DynamoDB's exact
// ValidationException message as a *value.ValidationError. Only bound trees
// are evaluated. KeyConditionFor turns a bound key condition into a
// KeyCondition once the key schema is known.
//
// # Cache
//
// A Compiler keeps the most recently used parse results (trees and syntax
// errors alike), keyed by expression kind and text, in a sharded LRU cache
// of Config.CacheSize entries.
//
// # Concurrency
//
// A Compiler is safe for concurrent use. Trees, bound or not, are immutable
// after they are returned and may be shared freely; callers must not modify
// them.
package expr
