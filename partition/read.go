package partition

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/atolldb/atoll/partition/keys"
	"github.com/atolldb/atoll/partition/value"
)

// Get returns the item of table at ring position pos, or nil when there is none.
// It reads the latest applied state and may run concurrently with Apply.
func (sm *StateMachine) Get(table uint64, pos []byte) (value.Item, error) {
	var out value.Item
	err := sm.db.View(func(txn *badger.Txn) error {
		it, err := txn.Get(keys.DataKey(table, pos))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		raw, err := it.ValueCopy(nil)
		if err != nil {
			return err
		}
		_, out, err = DecodeRecord(raw)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get table %d: %w", table, err)
	}
	return out, nil
}

// RangeFunc receives one item of a Range: its ring position (valid only
// during the call) and the item. It returns false to stop.
type RangeFunc func(pos []byte, item value.Item) (more bool, err error)

// Range calls fn for the items of table whose ring positions lie in
// [start, end), in ascending order, or in descending order when reverse is
// set. A nil start means the beginning of the table, a nil end its end. All
// items come from one consistent snapshot. It may run concurrently with Apply.
func (sm *StateMachine) Range(table uint64, start, end []byte, reverse bool, fn RangeFunc) error {
	prefix := keys.TablePrefix(table)
	lo := keys.DataKey(table, start)
	var hi []byte // exclusive
	if end != nil {
		hi = keys.DataKey(table, end)
	} else {
		hi = keys.PrefixEnd(prefix)
	}
	err := sm.db.View(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.Prefix = prefix
		opts.Reverse = reverse
		opts.PrefetchValues = true
		opts.PrefetchSize = 16
		it := txn.NewIterator(opts)
		defer it.Close()
		if reverse {
			it.Seek(hi)
		} else {
			it.Seek(lo)
		}
		for ; it.Valid(); it.Next() {
			k := it.Item().Key()
			if bytes.Compare(k, lo) < 0 {
				if reverse {
					return nil
				}
				continue
			}
			if bytes.Compare(k, hi) >= 0 {
				if reverse {
					continue
				}
				return nil
			}
			raw, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			_, item, err := DecodeRecord(raw)
			if err != nil {
				return err
			}
			more, err := fn(k[keys.TableIDSize:], item)
			if err != nil || !more {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("range table %d: %w", table, err)
	}
	return nil
}

// TableStats returns the number of items of table in this group and their
// total size as value.Item.Size counts it.
func (sm *StateMachine) TableStats(table uint64) (count, size int64, err error) {
	var st stats
	err = sm.db.View(func(txn *badger.Txn) error {
		var err error
		st, err = readStats(txn, statsKey(table, sm.group))
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("group %d: stats of table %d: %w", sm.group, table, err)
	}
	return st.count, st.bytes, nil
}
