// Package replication turns the partition state machine into replicated,
// durable groups: Raft groups (hashicorp/raft, many per node sharing one
// transport, one log store and one data Badger), SplitRing, which cuts the
// ring into a new cluster's ranges, and the hybrid logical clock HLC.
//
// Manager runs a node's Raft groups (StartGroup, Group, StopGroup, Close).
// A Group is one replica: Propose (leader only) stamps a command with the
// HLC, replicates it and returns its partition.Result; membership changes
// (AddNonvoter, AddVoter, RemoveServer) and Snapshot go to raft. The FSM
// applies committed batches to the group's partition.StateMachine and stops
// the replica on an unexpected apply error. The data Badger is the
// snapshot: a live snapshot store streams a group's key range to a lagging
// follower, which clears its range and ingests it. See DESIGN.md.
//
// Group and Manager methods are safe for concurrent use. A Group owns a
// watcher goroutine and the waiters of its proposals; Shutdown (or
// Manager.Close) stops raft and waits for them.
//
// The subpackage meta runs the meta group; router/route sends each request
// to the group that owns its key.
//
// HLC timestamps order commands like wall-clock time and never repeat; the
// proposer stamps each entry with one so that apply never reads a clock.
package replication
