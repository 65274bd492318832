package partition

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/atolldb/atoll/partition/keys"
)

// Request deduplication. A command with an ID (Command.ID) leaves, in the
// same transaction as its write, a record of its result under the group's
// system keys:
//
//	0 || 0x03 || group || id               -> dedup record
//	0 || 0x04 || group || time (8) || id   -> empty (the expiry index)
//	dedup record = format byte (1) || log index (8) || HLC time (8) || Result.Encode
//
// A later command with the same ID is not evaluated: apply answers it with
// the recorded result. Records expire DedupRetention of HLC time after the
// entry that wrote them; apply deletes expired ones itself, a few per entry,
// so that the keys present after any entry depend only on the log.

// DedupRetention is how long (in the HLC time of the log entries) the state
// machine remembers a request ID. A router must not retry a request whose
// outcome is unknown for longer than this after its first attempt, or the
// retry may apply twice.
const DedupRetention = 10 * time.Minute

// hlcLogicalBits mirrors the layout of replication's HLC timestamps
// (replication/hlc.go): milliseconds since the Unix epoch in the high 48
// bits, a logical counter in the low 16. TestDedupRetentionInHLCTime checks
// that the two agree.
const hlcLogicalBits = 16

// dedupRetentionHLC is DedupRetention in HLC units.
const dedupRetentionHLC = uint64(DedupRetention/time.Millisecond) << hlcLogicalBits

// maxExpirePerEntry bounds the expired IDs one entry deletes. It is above
// the one ID an entry records, so a backlog (after a pause of the group,
// say) drains while the group keeps applying.
const maxExpirePerEntry = 4

// expiryQueueSize is how many of the oldest expiry index keys a state
// machine keeps in memory, so that expiring costs no iterator per entry.
const expiryQueueSize = 256

// System key bytes of deduplication, under table id 0.
const (
	sysDedup       byte = 3 // || group id || request id -> dedup record
	sysDedupExpiry byte = 4 // || group id || HLC time || request id -> empty
)

const dedupFormat = 1

// dedupHeader is the length of a dedup record before the encoded result.
const dedupHeader = 1 + 8 + 8

func dedupKey(group uint64, id []byte) []byte {
	k := keys.TablePrefix(0)
	k = append(k, sysDedup)
	k = binary.BigEndian.AppendUint64(k, group)
	return append(k, id...)
}

// expiryPrefix is the prefix of the group's expiry index.
func expiryPrefix(group uint64) []byte {
	k := keys.TablePrefix(0)
	k = append(k, sysDedupExpiry)
	return binary.BigEndian.AppendUint64(k, group)
}

func expiryKey(group, ts uint64, id []byte) []byte {
	k := binary.BigEndian.AppendUint64(expiryPrefix(group), ts)
	return append(k, id...)
}

// expiryKeyParts returns the time and request id of an expiry index key of
// group (after its prefix: table id 0, the key kind byte, the group id).
func expiryKeyParts(k []byte) (ts uint64, id []byte) {
	const at = keys.TableIDSize + 1 + 8
	return binary.BigEndian.Uint64(k[at:]), k[at+8:]
}

// dedupRecord is a decoded dedup record.
type dedupRecord struct {
	// index is the log index of the entry that recorded it.
	index  uint64
	result Result
}

// encodeDedup returns the record of res, applied at index and HLC time ts:
// format byte, index, time (both 8 bytes), res.Encode.
func encodeDedup(index, ts uint64, res *Result) ([]byte, error) {
	b := make([]byte, 0, dedupHeader+256)
	b = append(b, dedupFormat)
	b = binary.BigEndian.AppendUint64(b, index)
	b = binary.BigEndian.AppendUint64(b, ts)
	return res.Encode(b)
}

func decodeDedup(b []byte) (dedupRecord, error) {
	if len(b) < dedupHeader || b[0] != dedupFormat {
		return dedupRecord{}, errors.New("bad dedup record header")
	}
	res, err := DecodeResult(b[dedupHeader:])
	if err != nil {
		return dedupRecord{}, err
	}
	return dedupRecord{index: binary.BigEndian.Uint64(b[1:]), result: res}, nil
}

// lookupDedup returns the record of id in the group, seeing the batch's own
// writes.
func (sm *StateMachine) lookupDedup(b *batch, id []byte) (dedupRecord, bool, error) {
	it, err := b.txn.Get(dedupKey(sm.group, id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return dedupRecord{}, false, nil
	}
	if err != nil {
		return dedupRecord{}, false, fmt.Errorf("read dedup record: %w", err)
	}
	raw, err := it.ValueCopy(nil)
	if err != nil {
		return dedupRecord{}, false, fmt.Errorf("read dedup record: %w", err)
	}
	rec, err := decodeDedup(raw)
	if err != nil {
		return dedupRecord{}, false, fmt.Errorf("%w: dedup record: %w", ErrCorruptItem, err)
	}
	return rec, true, nil
}

// record writes the dedup record of entry e (request id) with its result,
// and its expiry index key. It may commit the batch first, without e's
// index: the record carries e's index, so that a replay of e after a crash
// knows the record for its own and evaluates e again.
func (sm *StateMachine) record(b *batch, e Entry, id []byte, res *Result) error {
	rv, err := encodeDedup(e.Index, e.Time, res)
	if errors.Is(err, ErrUnencodableResult) {
		// Cannot happen with the errors apply produces; deterministic
		// anyway, so every replica leaves the ID unrecorded alike.
		sm.log.Warn("request result cannot be recorded; a retry would apply again", "index", e.Index, "err", err)
		return nil
	}
	if err != nil {
		return err
	}
	rk := dedupKey(sm.group, id)
	xk := expiryKey(sm.group, e.Time, id)
	if err := b.reserve(2, writeSize(rk, rv)+writeSize(xk, nil)); err != nil {
		return err
	}
	if err := b.set(rk, rv); err != nil {
		return err
	}
	if err := b.set(xk, nil); err != nil {
		return err
	}
	sm.expiry.insert(xk)
	return nil
}

// expired returns the expiry index keys (oldest first, at most
// maxExpirePerEntry) whose IDs expire with entry time ts: those recorded
// more than DedupRetention before it. It removes them from the in-memory
// queue; the caller deletes them and their records in the same commit as
// the entry's index.
func (sm *StateMachine) expired(b *batch, ts uint64) [][]byte {
	if ts <= dedupRetentionHLC {
		return nil
	}
	cutoff := ts - dedupRetentionHLC
	q := &sm.expiry
	var out [][]byte
	for len(out) < maxExpirePerEntry {
		// The keys in out are still in the index until the caller deletes
		// them: a refill starts after them.
		var after []byte
		if len(out) > 0 {
			after = out[len(out)-1]
		}
		q.fill(b, sm.group, after)
		if len(q.keys) == 0 {
			break
		}
		if t, _ := expiryKeyParts(q.keys[0]); t >= cutoff {
			break
		}
		out = append(out, q.keys[0])
		q.keys = q.keys[1:]
	}
	return out
}

// expiryQueue caches the oldest keys of a group's expiry index. When valid,
// keys are exactly the first len(keys) keys of the index, in order, as the
// batch being applied sees it (complete: all of them). Only the apply path
// uses it; an apply error or Reload invalidates it.
type expiryQueue struct {
	valid    bool
	complete bool
	keys     [][]byte
}

func (q *expiryQueue) invalidate() { *q = expiryQueue{} }

// fill reads the oldest keys of the index when the queue is invalid, or
// empty while the index may hold more. The keys up to after (nil: none) are
// about to be deleted and are left out.
func (q *expiryQueue) fill(b *batch, group uint64, after []byte) {
	if q.valid && (len(q.keys) > 0 || q.complete) {
		return
	}
	opts := badger.DefaultIteratorOptions
	opts.Prefix = expiryPrefix(group)
	opts.PrefetchValues = false
	it := b.txn.NewIterator(opts)
	defer it.Close()
	q.keys = q.keys[:0]
	if after == nil {
		it.Rewind()
	} else {
		it.Seek(append(bytes.Clone(after), 0))
	}
	for ; it.Valid() && len(q.keys) < expiryQueueSize; it.Next() {
		q.keys = append(q.keys, it.Item().KeyCopy(nil))
	}
	q.complete = !it.Valid()
	q.valid = true
}

// insert notes a key added to the index.
func (q *expiryQueue) insert(k []byte) {
	if !q.valid {
		return
	}
	i, found := slices.BinarySearchFunc(q.keys, k, bytes.Compare)
	if found || i == len(q.keys) && !q.complete {
		// Already there (a replayed entry), or past the cached prefix.
		return
	}
	q.keys = slices.Insert(q.keys, i, k)
	if len(q.keys) > 2*expiryQueueSize {
		q.keys = q.keys[:expiryQueueSize]
		q.complete = false
	}
}
