// Package partition is atoll's storage-side core: the item model, keys,
// expressions and the deterministic state machine that a group applies.
//
// Subpackages, by responsibility:
//
//   - value: DynamoDB attribute values and items, DynamoDB numbers (exact
//     decimals), validation, comparison, item size accounting and the
//     binary item encoding.
//   - keys: the order-preserving key encoding, the pinned partition-key hash
//     and the ring position of an item.
//   - expr: parsing, binding and evaluating DynamoDB's expressions
//     (condition, filter, key condition, update, projection), the legacy
//     request parameters they replace, and the binary encoding of bound
//     expression trees.
//
// This package holds the state machine: Command (a validated, bound write and
// its stable binary encoding, with an optional request ID that apply
// deduplicates), StateMachine (Apply over the node's data Badger, plus
// consistent reads), Committer (applies many groups' entries in
// shared commits, so that they share one sync) and DropTable. See DESIGN.md for the key
// layout and the invariants.
//
// Concurrency: StateMachine.Apply is called by one goroutine at a time (the
// group's apply loop); Get, Range and TableStats may run concurrently with it
// and read the latest committed state. A Committer serves the Apply calls of
// any number of state machines concurrently; it owns one goroutine, stopped
// by Close.
//
// Nothing under partition imports Raft, gRPC or HTTP, and wire types (protobuf,
// DynamoDB JSON) never reach it: the edges convert them.
package partition
