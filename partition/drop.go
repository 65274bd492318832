package partition

import (
	"context"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/atolldb/atoll/partition/keys"
)

// DropTable deletes every item of table from db, and the table's
// statistics, in bounded chunks (Badger's DropPrefix would block all writes).
// It runs outside the state machine: table ids are never reused, so once the
// catalog has removed the table its keys are unreachable and can go at any
// pace. It stops early, returning ctx's error, when ctx ends. Only the
// table's keys go: the groups' other system keys (applied indexes, request
// deduplication records) stay. Table id 0, the system keyspace, is refused.
func DropTable(ctx context.Context, db *badger.DB, table uint64) error {
	if table == 0 {
		return errors.New("drop table 0: the system keyspace is no table")
	}
	prefixes := [][]byte{keys.TablePrefix(table), statsPrefix(table)}
	for _, prefix := range prefixes {
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			batch, err := collectKeys(db, prefix, 1000)
			if err != nil {
				return fmt.Errorf("drop table %d: %w", table, err)
			}
			if len(batch) == 0 {
				break
			}
			wb := db.NewWriteBatch()
			for _, k := range batch {
				if err := wb.Delete(k); err != nil {
					wb.Cancel()
					return fmt.Errorf("drop table %d: %w", table, err)
				}
			}
			if err := wb.Flush(); err != nil {
				return fmt.Errorf("drop table %d: %w", table, err)
			}
		}
	}
	return nil
}

func statsPrefix(table uint64) []byte {
	k := keys.TablePrefix(0)
	k = append(k, sysStats)
	return append(k, keys.TablePrefix(table)...)
}

// collectKeys returns up to n keys with the prefix.
func collectKeys(db *badger.DB, prefix []byte, n int) ([][]byte, error) {
	var out [][]byte
	err := db.View(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.Prefix = prefix
		opts.PrefetchValues = false
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid() && len(out) < n; it.Next() {
			out = append(out, it.Item().KeyCopy(nil))
		}
		return nil
	})
	return out, err
}
