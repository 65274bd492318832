package keys

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/cespare/xxhash/v2"

	"github.com/atolldb/atoll/partition/value"
)

// HashSize is the length of the hash at the front of a ring position.
const HashSize = 8

// TableIDSize is the length of the table id at the front of a data key.
const TableIDSize = 8

// HashEncoded returns the pinned ring hash of an already encoded partition
// key: xxhash64 with seed 0 over the bytes AppendValue produced.
func HashEncoded(encodedPK []byte) uint64 { return xxhash.Sum64(encodedPK) }

// Hash returns the pinned ring hash of the partition key value pk.
func Hash(pk value.Value) (uint64, error) {
	var buf [64]byte
	enc, err := AppendValue(buf[:0], pk)
	if err != nil {
		return 0, err
	}
	return HashEncoded(enc), nil
}

// AppendPosition appends the ring position of an item to dst: the 8-byte
// big-endian hash of enc(pk), then enc(pk), then enc(*sk) when sk is not nil
// (a table with a sort key). Errors wrap ErrNotKeyType or ErrNumberRange.
func AppendPosition(dst []byte, pk value.Value, sk *value.Value) ([]byte, error) {
	start := len(dst)
	dst = append(dst, make([]byte, HashSize)...)
	dst, err := AppendValue(dst, pk)
	if err != nil {
		return dst[:start], fmt.Errorf("partition key: %w", err)
	}
	binary.BigEndian.PutUint64(dst[start:], HashEncoded(dst[start+HashSize:]))
	if sk != nil {
		if dst, err = AppendValue(dst, *sk); err != nil {
			return dst[:start], fmt.Errorf("sort key: %w", err)
		}
	}
	return dst, nil
}

// Position returns the ring position of an item with partition key pk and,
// for a table with a sort key, sort key *sk (nil otherwise).
func Position(pk value.Value, sk *value.Value) ([]byte, error) {
	return AppendPosition(nil, pk, sk)
}

// PartitionPrefix returns hash(pk) || enc(pk): every ring position of an item
// with partition key pk starts with it, and no other position does, so
// [PartitionPrefix, PrefixEnd(PartitionPrefix)) is one item collection.
func PartitionPrefix(pk value.Value) ([]byte, error) {
	return AppendPosition(nil, pk, nil)
}

// DecodePosition splits a ring position into its hash, partition key and sort
// key. skType is 0 for a table without a sort key (sk is then the zero
// Value). It checks that the hash matches the partition key and that nothing
// follows the last key; errors wrap ErrCorrupt or ErrNotKeyType.
func DecodePosition(pos []byte, pkType, skType value.Type) (hash uint64, pk, sk value.Value, err error) {
	if len(pos) < HashSize {
		return 0, value.Value{}, value.Value{}, fmt.Errorf("ring position of %d bytes: %w", len(pos), ErrCorrupt)
	}
	hash = binary.BigEndian.Uint64(pos)
	pk, rest, err := DecodeValue(pos[HashSize:], pkType)
	if err != nil {
		return 0, value.Value{}, value.Value{}, fmt.Errorf("partition key: %w", err)
	}
	if got := HashEncoded(pos[HashSize : len(pos)-len(rest)]); got != hash {
		return 0, value.Value{}, value.Value{}, fmt.Errorf("hash %016x, partition key hashes to %016x: %w", hash, got, ErrCorrupt)
	}
	if skType != 0 {
		if sk, rest, err = DecodeValue(rest, skType); err != nil {
			return 0, value.Value{}, value.Value{}, fmt.Errorf("sort key: %w", err)
		}
	}
	if len(rest) != 0 {
		return 0, value.Value{}, value.Value{}, fmt.Errorf("%d trailing bytes: %w", len(rest), ErrCorrupt)
	}
	return hash, pk, sk, nil
}

// TablePrefix returns the 8-byte big-endian table id that starts every data
// key of the table.
func TablePrefix(tableID uint64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, TableIDSize), tableID)
}

// DataKey returns the data DB key of an item: table id || ring position. It
// copies pos.
func DataKey(tableID uint64, pos []byte) []byte {
	k := make([]byte, 0, TableIDSize+len(pos))
	k = binary.BigEndian.AppendUint64(k, tableID)
	return append(k, pos...)
}

// SplitDataKey splits a data key into its table id and ring position (which
// aliases key). It returns an error wrapping ErrCorrupt if key is too short
// to hold a table id and a hash.
func SplitDataKey(key []byte) (tableID uint64, pos []byte, err error) {
	if len(key) < TableIDSize+HashSize {
		return 0, nil, fmt.Errorf("data key of %d bytes: %w", len(key), ErrCorrupt)
	}
	return binary.BigEndian.Uint64(key), key[TableIDSize:], nil
}

// PrefixEnd returns the smallest key greater than every key that starts with
// prefix, for use as an exclusive upper bound, or nil when there is none
// (prefix is empty or all 0xFF): nil then means "to the end of the key space".
func PrefixEnd(prefix []byte) []byte {
	end := bytes.Clone(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] != 0xFF {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}
