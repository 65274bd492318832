// Package meta is the meta group: a small Raft group holding the cluster's
// truth, which every node replicates (a voter on up to three nodes, a
// non-voter elsewhere) so that every router reads a local, possibly slightly
// stale copy.
//
// State is that truth: the nodes (Node), the live tables (Table, whose Data
// is the router's opaque description), the ring (Range: ranges of ring
// positions, each owned by one Raft group, with an epoch and voters) and the
// table and group ID allocators. It is small, so the FSM keeps it in memory
// and raft's snapshot store holds whole copies (the classic Consul pattern),
// unlike the partition groups whose data DB is the snapshot. On restart raft
// restores the newest snapshot and replays the log after it.
//
// A Command (JSON in the raft log) changes the state: put-node,
// create-table, put-table, delete-table (optimistic, by table version),
// init-ring and put-range (by range epoch). Apply is deterministic; a
// command's user-level error (ErrTableExists, ErrVersionMismatch, ...) is
// its Result's Err, with a stable code (ErrorCode, ErrorFromCode) for RPCs.
// An entry that does not decode to a known command is fatal: the replica
// stops (Err, replication.ErrApplyFailed) rather than diverge.
//
// Meta is a node's replica, opened with Open over the node's shared
// transport and raft-log store (GroupID's views) and a snapshot store.
// Propose, Barrier and the membership changes (AddNonvoter, AddVoter,
// RemoveServer) work on the leader only and otherwise return a
// *replication.NotLeaderError with the leader hint; State, Changed,
// WaitApplied, Leader and LastContact work on any replica.
//
// # Concurrency
//
// Every method of Meta is safe for concurrent use. State returns an
// immutable snapshot: each applied command builds a new State
// (copy-on-write: only the maps and slices it changes are cloned) and swaps
// an atomic pointer, so readers never lock and never see half a change, and
// must never modify what they get. Changed returns a channel closed when the
// next State is published (a broadcast). Raft calls the FSM from its own
// goroutine. Meta owns a watcher goroutine (shutting raft down after a fatal
// apply error) and the goroutines waiting on raft futures; Close stops raft
// and waits for them.
package meta
