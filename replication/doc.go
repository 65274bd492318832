// Package replication turns the partition state machine into replicated,
// durable groups. Today it holds the single-replica proposer, Local, and the
// hybrid logical clock, HLC; Raft groups (hashicorp/raft, many per node
// sharing one transport and one log store) arrive behind the same Propose
// contract.
//
// Local applies commands straight to a partition.StateMachine with group
// commit: proposals that arrive while a batch is being applied and synced
// form the next batch and share one fsync. Every proposal is answered only
// once its batch is durable. Local owns one goroutine, stopped by Close.
//
// HLC timestamps order commands like wall-clock time and never repeat; the
// proposer stamps each entry with one so that apply never reads a clock.
package replication
