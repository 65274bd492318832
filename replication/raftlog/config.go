package raftlog

import (
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// Config configures a Store.
type Config struct {
	// MaxBatch is the most write requests (StoreLogs, Set, DeleteRange
	// calls, from any group) the committer takes in one round. A round is
	// written in as few Badger transactions as Badger's size limits allow,
	// each followed by one fsync.
	MaxBatch int
	// NoSync skips the fsync after each commit. Only for throwaway in-memory
	// nodes and tests: with it, acknowledged entries can be lost in a crash.
	NoSync bool
}

// DefaultConfig returns the defaults: rounds of up to 1024 requests, synced.
func DefaultConfig() Config { return Config{MaxBatch: 1024} }

// Validate reports a configuration error.
func (c Config) Validate() error {
	if c.MaxBatch < 1 {
		return fmt.Errorf("raftlog: Config.MaxBatch = %d, want at least 1", c.MaxBatch)
	}
	return nil
}

// BadgerOptions returns opts with the settings the raft Badger needs:
//
//   - SyncWrites false: the committer calls DB.Sync itself, once per commit,
//     which is what lets concurrent appends share one fsync.
//   - DetectConflicts false: the committer is the only writer and never
//     reads in its transactions, so conflict tracking is pure overhead.
//
// The raft Badger must hold nothing else, and nothing but the Store may
// write to it (see DESIGN.md: DB.Sync only syncs the active memtable, so a
// foreign write could strand unsynced entries in a rotated memtable). Do
// not run value-log GC on it either: it rewrites through the write path.
// Other options (directory, memtable and cache sizes, logger) are the
// caller's.
func BadgerOptions(opts badger.Options) badger.Options {
	return opts.WithSyncWrites(false).WithDetectConflicts(false)
}
