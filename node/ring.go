package node

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/atolldb/atoll/partition/keys"
)

// sysRing is the data DB's system key holding how many ranges the ring was
// cut into when the node was first started (see partition/DESIGN.md for the
// other system keys).
const sysRing byte = 0x12

func ringKey() []byte { return append(keys.TablePrefix(0), sysRing) }

// loadRing returns the number of ranges recorded in db, storing want when
// none is recorded yet (a new node). The ring of an existing node never
// changes with a flag: its groups already own their ranges.
func loadRing(db *badger.DB, want int) (int, error) {
	var got int
	err := db.Update(func(txn *badger.Txn) error {
		it, err := txn.Get(ringKey())
		if errors.Is(err, badger.ErrKeyNotFound) {
			got = want
			return txn.Set(ringKey(), binary.BigEndian.AppendUint64(nil, uint64(want)))
		}
		if err != nil {
			return err
		}
		return it.Value(func(v []byte) error {
			if len(v) != 8 {
				return fmt.Errorf("ring record of %d bytes", len(v))
			}
			got = int(binary.BigEndian.Uint64(v))
			return nil
		})
	})
	if err != nil {
		return 0, fmt.Errorf("ring record: %w", err)
	}
	return got, nil
}
