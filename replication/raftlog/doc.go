// Package raftlog is the node-wide Raft log store: one Badger (the node's
// "raft" DB, separate from the data DB) holds the log and the stable store
// (current term, vote) of every Raft group on the node.
//
// Open starts a Store over a Badger the caller opened with BadgerOptions;
// Store.Group(id) returns the group's *GroupStore, which implements
// raft.LogStore and raft.StableStore for that group's raft.Raft.
//
// # Durability and group commit
//
// Every write (StoreLogs, StoreLog, Set, SetUint64, DeleteRange) is queued
// for the Store's single committer goroutine and returns only once it is on
// stable storage. The committer takes everything queued, from all groups,
// writes it in one Badger transaction (several if Badger's size limit
// requires), calls DB.Sync once per transaction and then releases every
// waiter: writes that arrive while a sync is in progress share the next one.
// Stats reports writes and fsyncs.
//
// A failed commit or fsync stops the store: that write and every later call
// return an error wrapping ErrFailed, and the node must restart.
//
// # Concurrency
//
// All methods are safe for concurrent use. Writes block until durable;
// reads (GetLog, Get, GetUint64) read Badger directly and FirstIndex and
// LastIndex come from per-group bounds cached in memory. Store.Close commits
// what is queued, stops the committer and waits for it.
//
// See DESIGN.md for the key layout, the log encoding and why every commit
// is synced.
package raftlog
