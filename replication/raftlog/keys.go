package raftlog

import "encoding/binary"

// Key layout in the raft Badger. Every key starts with a kind byte and the
// group id (8 bytes, big endian), so that one group's keys of one kind are a
// contiguous range and groups never see each other's entries:
//
//	kindLog    | group | index (8 bytes, big endian)   -> encoded raft.Log
//	kindStable | group | key bytes as given by raft     -> value bytes
//
// Big-endian indexes sort numerically, so the first and last log of a group
// are one iterator seek away.
const (
	kindLog    byte = 0x01
	kindStable byte = 0x02

	groupPrefixLen = 1 + 8
	logKeyLen      = groupPrefixLen + 8
)

// groupPrefix returns kind | group.
func groupPrefix(kind byte, group uint64) []byte {
	p := make([]byte, groupPrefixLen, logKeyLen)
	p[0] = kind
	binary.BigEndian.PutUint64(p[1:], group)
	return p
}

// logKey returns the key of group's log entry at index.
func logKey(group, index uint64) []byte {
	return binary.BigEndian.AppendUint64(groupPrefix(kindLog, group), index)
}

// logKeyIndex returns the index of a log key; ok is false if k is not one.
func logKeyIndex(k []byte) (index uint64, ok bool) {
	if len(k) != logKeyLen || k[0] != kindLog {
		return 0, false
	}
	return binary.BigEndian.Uint64(k[groupPrefixLen:]), true
}

// stableKey returns the key of group's stable-store entry key.
func stableKey(group uint64, key []byte) []byte {
	p := groupPrefix(kindStable, group)
	return append(p, key...)
}
