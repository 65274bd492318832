package node

import (
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/dgraph-io/badger/v4"
)

// badgerOptions returns the options of the node's Badger named name ("data"
// or "raft"; the raft DB's own rules are applied on top by
// raftlog.BadgerOptions). The data DB syncs every commit (SyncWrites): an
// acknowledged write is durable through the Raft log, but the log is
// truncated after a snapshot, and by then the data DB must hold everything
// applied. Badger's DB.Sync cannot promise that on its own, as it syncs only
// the active memtable's write-ahead log; syncing each apply commit does.
func badgerOptions(cfg Config, name string, log *slog.Logger) badger.Options {
	opts := badger.DefaultOptions(filepath.Join(cfg.DataDir, name))
	if cfg.InMemory {
		opts = badger.DefaultOptions("").WithInMemory(true)
	}
	s := cfg.Storage
	return opts.
		WithLogger(badgerLogger{log.With("component", "badger", "db", name)}).
		WithSyncWrites(!cfg.NoSync && !cfg.InMemory).
		WithDetectConflicts(false).
		WithMemTableSize(s.MemTableSize).
		WithNumMemtables(s.NumMemtables).
		WithNumLevelZeroTables(2).
		WithNumLevelZeroTablesStall(8).
		WithBaseTableSize(4 << 20).
		WithBlockCacheSize(s.BlockCacheSize).
		WithIndexCacheSize(s.IndexCacheSize).
		WithValueLogFileSize(s.ValueLogFileSize).
		WithNumCompactors(2)
}

// badgerLogger adapts slog to Badger's logger. Badger's info chatter goes to
// debug.
type badgerLogger struct{ log *slog.Logger }

func (l badgerLogger) Errorf(f string, a ...any)   { l.log.Error(fmt.Sprintf(f, a...)) }
func (l badgerLogger) Warningf(f string, a ...any) { l.log.Warn(fmt.Sprintf(f, a...)) }
func (l badgerLogger) Infof(f string, a ...any)    { l.log.Debug(fmt.Sprintf(f, a...)) }
func (l badgerLogger) Debugf(f string, a ...any)   { l.log.Debug(fmt.Sprintf(f, a...)) }
