package node

import (
	"fmt"
	"log/slog"

	"github.com/dgraph-io/badger/v4"
)

// badgerOptions returns the data Badger's options for cfg. With SyncWrites
// every commit syncs the write-ahead log of the memtable it wrote to before
// it returns. That is what makes an acknowledged write durable: the local
// proposer applies each batch of concurrent writes in one commit, so the
// batch shares one sync (group commit). An explicit DB.Sync after the
// commit would not do: it syncs only the active memtable's log, so a batch
// whose commit rotated the memtable could be lost on power failure.
func badgerOptions(cfg Config, log *slog.Logger) badger.Options {
	opts := badger.DefaultOptions(cfg.DataDir)
	if cfg.InMemory {
		opts = badger.DefaultOptions("").WithInMemory(true)
	}
	s := cfg.Storage
	return opts.
		WithLogger(badgerLogger{log.With("component", "badger")}).
		WithSyncWrites(cfg.SyncWrites && !cfg.InMemory).
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
