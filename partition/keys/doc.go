// Package keys turns DynamoDB key values into the byte strings atoll stores
// and routes by: an order-preserving encoding of one key value, the pinned
// 64-bit hash of a partition key, an item's ring position, and the data DB
// key of an item.
//
// Main API: AppendValue and DecodeValue (one key value), Hash and
// HashEncoded (the ring hash), Position, AppendPosition, PartitionPrefix and
// DecodePosition (ring positions), DataKey, TablePrefix and SplitDataKey
// (data DB keys), SegmentRange, TableSegmentRange and SegmentOf (parallel
// Scan segments), PrefixEnd (exclusive range ends). ValidateSegment
// checks user input with DynamoDB's ValidationException
// messages (*value.ValidationError); every other error wraps one of the
// sentinels in errors.go and means a programming or storage fault.
//
// # Stability
//
// Everything below is an on-disk and on-the-wire format: data keys, ring
// range boundaries held by the meta group, and split keys are all built from
// it. It must never change. The tests hold golden encodings and golden hash
// values; a change that breaks them is a data-format break, not a test to
// update.
//
// # Key value encoding
//
// AppendValue writes one S, N or B value as a type tag byte followed by a
// payload. For two values of the same type, bytes.Compare of the encodings
// agrees with DynamoDB's order (strings by UTF-8 bytes, binaries by unsigned
// bytes, numbers numerically), and no encoding is a proper prefix of another,
// so enc(pk) || enc(sk) sorts by (pk, sk).
//
// String, tag 'S' (0x53), and binary, tag 'B' (0x42): the bytes of the value
// with every 0x00 written as 0x00 0xFF, then the terminator 0x00 0x01.
//
//	S "ab"      53 61 62 00 01
//	B 00 FF     42 00 FF FF 00 01
//
// Number, tag 'N' (0x4E), then a sign byte: 0x01 negative, 0x02 zero,
// 0x03 positive. Zero ends there. A nonzero number d.ddd × 10^E (the
// canonical significant digits of value.Number, at most 38, first and last
// nonzero; E between -130 and 125) continues with:
//
//   - an exponent byte E+130 (0x00 for 1E-130 .. 0xFF for 9.9E+125);
//   - the digits in base 100: padded with one '0' to an even count and taken
//     in pairs p (0..99); each pair but the last is the byte 2p+1 (odd), the
//     last is 2p (even, and never 0 because the last digit is nonzero), so
//     the digit bytes end themselves.
//
// For a negative number the exponent byte and every digit byte are
// complemented (x XOR 0xFF), which reverses their order. Examples:
//
//	N 0         4E 02
//	N 1         4E 03 82 14          (E=0 -> 0x82; pair 10 last -> 20 = 0x14)
//	N 123       4E 03 84 19 3C       (E=2; pairs 12, 30 -> 25, 60)
//	N -1        4E 01 7D EB
//	N 1E-130    4E 03 00 14
//
// # Hash and ring position
//
// The ring hash of a partition key is xxhash64 (github.com/cespare/xxhash/v2,
// XXH64 with seed 0) of its encoding, tag byte included. An item's ring
// position is
//
//	hash (8 bytes, big-endian) || enc(pk) || enc(sk)
//
// with enc(sk) absent for a table without a sort key. The ring, the ordered
// space of positions, is cut into contiguous ranges owned by Raft groups; a
// parallel Scan's segments are equal slices of the 64-bit hash space
// (SegmentRange). The data DB key of an item is
//
//	table id (8 bytes, big-endian uint64) || ring position
//
// # Concurrency
//
// Every function is pure: no package state, safe for concurrent use.
// Decoders return values that do not alias their input; DataKey copies its
// input, SplitDataKey returns a subslice of it.
package keys
