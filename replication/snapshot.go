package replication

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sync"

	"github.com/dgraph-io/badger/v4"
	"github.com/hashicorp/raft"

	"github.com/atolldb/atoll/partition"
	"github.com/atolldb/atoll/partition/keys"
)

// KeyRange is a contiguous range [Start, End) of ring positions. A group
// owns its range for every table. A nil End means to the end of the ring.
type KeyRange struct {
	Start, End []byte
}

// contains reports whether the ring position pos lies in r.
func (r KeyRange) contains(pos []byte) bool {
	return bytes.Compare(pos, r.Start) >= 0 && (r.End == nil || bytes.Compare(pos, r.End) < 0)
}

func (r KeyRange) equal(o KeyRange) bool {
	return bytes.Equal(r.Start, o.Start) && bytes.Equal(r.End, o.End) && (r.End == nil) == (o.End == nil)
}

// groupCursor walks the keys of one group in key order within a read
// transaction: the group's system keys (applied index, table statistics,
// request deduplication records, see partition.SystemKeyGroup) under table
// id 0, then for every table the data keys whose ring position
// lies in the group's range. It seeks over other groups' positions.
type groupCursor struct {
	group uint64
	span  KeyRange
	it    *badger.Iterator
	// advance is set when the iterator still points at the item last
	// returned (valid until the iterator moves).
	advance bool
}

// newGroupCursor opens a cursor over txn positioned at the first group key
// at or after from (nil: the beginning). Close releases it.
func newGroupCursor(txn *badger.Txn, group uint64, span KeyRange, from []byte, values bool) *groupCursor {
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = values
	opts.PrefetchSize = 16
	c := &groupCursor{group: group, span: span, it: txn.NewIterator(opts)}
	c.it.Seek(from)
	return c
}

// next returns the next key of the group, or nil when there are no more.
// The item is valid until the following call.
func (c *groupCursor) next() *badger.Item {
	if c.advance {
		c.it.Next()
		c.advance = false
	}
	for c.it.Valid() {
		item := c.it.Item()
		k := item.Key()
		if len(k) < keys.TableIDSize {
			c.it.Next()
			continue
		}
		table := binary.BigEndian.Uint64(k)
		if table == 0 {
			if g, ok := partition.SystemKeyGroup(k); ok && g == c.group {
				c.advance = true
				return item
			}
			// Skip other groups' runs of system keys (their request
			// deduplication records may be many) in one seek.
			if next := partition.SeekSystemKey(k, c.group); next != nil {
				c.it.Seek(next)
				continue
			}
			c.it.Next()
			continue
		}
		pos := k[keys.TableIDSize:]
		if bytes.Compare(pos, c.span.Start) < 0 {
			c.it.Seek(keys.DataKey(table, c.span.Start))
			continue
		}
		if c.span.End != nil && bytes.Compare(pos, c.span.End) >= 0 {
			if table == math.MaxUint64 {
				return nil
			}
			c.it.Seek(keys.TablePrefix(table + 1))
			continue
		}
		c.advance = true
		return item
	}
	return nil
}

func (c *groupCursor) close() { c.it.Close() }

// isGroupKey reports whether a data DB key belongs to group with span.
func isGroupKey(key []byte, group uint64, span KeyRange) bool {
	if len(key) < keys.TableIDSize {
		return false
	}
	if binary.BigEndian.Uint64(key) == 0 {
		g, ok := partition.SystemKeyGroup(key)
		return ok && g == group
	}
	return span.contains(key[keys.TableIDSize:])
}

// The snapshot stream of a group:
//
//	magic "atollsn1" | group (8 bytes BE) | uvarint len + range start |
//	end flag byte (0: open end, 1: end follows) [| uvarint len + range end]
//	records: uvarint key length (>= 1) | key | uvarint value length | value
//	terminator: uvarint 0
//	trailer: record count (8 bytes BE) | CRC-32C of every byte before it (4 bytes BE)
//
// Records come in key order.
const snapshotMagic = "atollsn1"

// Bounds checked while decoding a stream: Badger's key limit and a value
// bound well above DynamoDB's 400 KB item limit.
const (
	maxSnapshotKey   = 65000
	maxSnapshotValue = 64 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func appendSnapshotHeader(dst []byte, group uint64, span KeyRange) []byte {
	dst = append(dst, snapshotMagic...)
	dst = binary.BigEndian.AppendUint64(dst, group)
	dst = binary.AppendUvarint(dst, uint64(len(span.Start)))
	dst = append(dst, span.Start...)
	if span.End == nil {
		return append(dst, 0)
	}
	dst = append(dst, 1)
	dst = binary.AppendUvarint(dst, uint64(len(span.End)))
	return append(dst, span.End...)
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

const snapshotTrailer = 1 + 8 + 4 // terminator, count, checksum

// snapshotReader streams a group's keys from one read transaction in the
// snapshot format. It implements io.ReadCloser; Close discards the
// transaction. It is used by one goroutine at a time.
type snapshotReader struct {
	txn    *badger.Txn
	cur    *groupCursor
	crc    hash.Hash32
	buf    []byte
	off    int
	count  uint64
	done   bool
	size   int64 // expected total, from the sizing pass
	served int64
	err    error
}

// openSnapshotReader captures a read timestamp of db and returns a reader of
// the group's keys at that timestamp and the exact length of the stream.
func openSnapshotReader(db *badger.DB, group uint64, span KeyRange) (*snapshotReader, int64, error) {
	txn := db.NewTransaction(false)
	header := appendSnapshotHeader(nil, group, span)
	// First pass: the exact size, which InstallSnapshot sends ahead of the
	// data. Both passes read the same timestamp, so they see the same keys.
	size := int64(len(header) + snapshotTrailer)
	c := newGroupCursor(txn, group, span, nil, false)
	for item := c.next(); item != nil; item = c.next() {
		var vlen int
		if err := item.Value(func(v []byte) error { vlen = len(v); return nil }); err != nil {
			c.close()
			txn.Discard()
			return nil, 0, fmt.Errorf("size snapshot of group %d: %w", group, err)
		}
		klen := len(item.Key())
		size += int64(uvarintLen(uint64(klen)) + klen + uvarintLen(uint64(vlen)) + vlen)
	}
	c.close()
	r := &snapshotReader{
		txn:  txn,
		cur:  newGroupCursor(txn, group, span, nil, true),
		crc:  crc32.New(castagnoli),
		size: size,
	}
	r.emit(header)
	return r, size, nil
}

func (r *snapshotReader) emit(b []byte) {
	r.crc.Write(b)
	r.buf = append(r.buf, b...)
}

// fill encodes more records into buf.
func (r *snapshotReader) fill() error {
	r.buf, r.off = r.buf[:0], 0
	for len(r.buf) < 32<<10 {
		item := r.cur.next()
		if item == nil {
			var t [8]byte
			r.emit([]byte{0})
			binary.BigEndian.PutUint64(t[:], r.count)
			r.emit(t[:])
			r.buf = binary.BigEndian.AppendUint32(r.buf, r.crc.Sum32())
			r.done = true
			return nil
		}
		k := item.Key()
		var rec []byte
		rec = binary.AppendUvarint(rec, uint64(len(k)))
		rec = append(rec, k...)
		err := item.Value(func(v []byte) error {
			rec = binary.AppendUvarint(rec, uint64(len(v)))
			rec = append(rec, v...)
			return nil
		})
		if err != nil {
			return fmt.Errorf("read snapshot value: %w", err)
		}
		r.emit(rec)
		r.count++
	}
	return nil
}

func (r *snapshotReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	for r.off == len(r.buf) {
		if r.done {
			if r.served != r.size {
				r.err = fmt.Errorf("snapshot stream of %d bytes, sized %d", r.served, r.size)
				return 0, r.err
			}
			return 0, io.EOF
		}
		if err := r.fill(); err != nil {
			r.err = err
			return 0, err
		}
	}
	n := copy(p, r.buf[r.off:])
	r.off += n
	r.served += int64(n)
	return n, nil
}

// Close releases the cursor and the read transaction.
func (r *snapshotReader) Close() error {
	if r.cur != nil {
		r.cur.close()
		r.cur = nil
		r.txn.Discard()
	}
	return nil
}

// snapshotDecoder reads a snapshot stream, checking its framing, that every
// key belongs to the expected group and range, and its trailer.
type snapshotDecoder struct {
	r     *bufio.Reader
	crc   hash.Hash32
	group uint64
	span  KeyRange
	count uint64
	key   []byte
	val   []byte
}

func newSnapshotDecoder(src io.Reader, group uint64, span KeyRange) (*snapshotDecoder, error) {
	d := &snapshotDecoder{r: bufio.NewReaderSize(src, 64<<10), crc: crc32.New(castagnoli), group: group, span: span}
	magic, err := d.read(len(snapshotMagic))
	if err != nil {
		return nil, err
	}
	if string(magic) != snapshotMagic {
		return nil, fmt.Errorf("%w: bad magic", ErrBadSnapshot)
	}
	g, err := d.read(8)
	if err != nil {
		return nil, err
	}
	gotGroup := binary.BigEndian.Uint64(g)
	var hdr KeyRange
	if hdr.Start, err = d.bytes(maxSnapshotKey); err != nil {
		return nil, err
	}
	flag, err := d.read(1)
	if err != nil {
		return nil, err
	}
	switch flag[0] {
	case 0:
	case 1:
		if hdr.End, err = d.bytes(maxSnapshotKey); err != nil {
			return nil, err
		}
		if hdr.End == nil {
			hdr.End = []byte{}
		}
	default:
		return nil, fmt.Errorf("%w: bad range end flag", ErrBadSnapshot)
	}
	if gotGroup != group {
		return nil, fmt.Errorf("%w: snapshot of group %d, want group %d", ErrBadSnapshot, gotGroup, group)
	}
	if !hdr.equal(span) {
		return nil, fmt.Errorf("%w: snapshot range [%x, %x) differs from the group's [%x, %x)", ErrBadSnapshot, hdr.Start, hdr.End, span.Start, span.End)
	}
	return d, nil
}

// read returns the next n bytes (valid until the next call), hashing them.
func (d *snapshotDecoder) read(n int) ([]byte, error) {
	if cap(d.val) < n {
		d.val = make([]byte, n)
	}
	b := d.val[:n]
	if _, err := io.ReadFull(d.r, b); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadSnapshot, err)
	}
	d.crc.Write(b)
	return b, nil
}

func (d *snapshotDecoder) uvarint() (uint64, error) {
	var x uint64
	for shift := uint(0); shift < 64; shift += 7 {
		c, err := d.r.ReadByte()
		if err != nil {
			return 0, fmt.Errorf("%w: %w", ErrBadSnapshot, err)
		}
		d.crc.Write([]byte{c})
		x |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return x, nil
		}
	}
	return 0, fmt.Errorf("%w: bad uvarint", ErrBadSnapshot)
}

// bytes reads a uvarint length and that many bytes into a new slice.
func (d *snapshotDecoder) bytes(limit uint64) ([]byte, error) {
	n, err := d.uvarint()
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, fmt.Errorf("%w: field of %d bytes", ErrBadSnapshot, n)
	}
	if n == 0 {
		return nil, nil
	}
	b, err := d.read(int(n))
	if err != nil {
		return nil, err
	}
	return bytes.Clone(b), nil
}

// next returns the next record (fresh slices), or ok false after the last
// one, once the trailer has been verified.
func (d *snapshotDecoder) next() (key, val []byte, ok bool, err error) {
	klen, err := d.uvarint()
	if err != nil {
		return nil, nil, false, err
	}
	if klen == 0 {
		return nil, nil, false, d.trailer()
	}
	if klen > maxSnapshotKey {
		return nil, nil, false, fmt.Errorf("%w: key of %d bytes", ErrBadSnapshot, klen)
	}
	k, err := d.read(int(klen))
	if err != nil {
		return nil, nil, false, err
	}
	key = bytes.Clone(k)
	if d.key != nil && bytes.Compare(key, d.key) <= 0 {
		return nil, nil, false, fmt.Errorf("%w: keys out of order", ErrBadSnapshot)
	}
	if !isGroupKey(key, d.group, d.span) {
		return nil, nil, false, fmt.Errorf("%w: key %x is not in group %d", ErrBadSnapshot, key, d.group)
	}
	d.key = key
	if val, err = d.bytes(maxSnapshotValue); err != nil {
		return nil, nil, false, err
	}
	if val == nil {
		val = []byte{}
	}
	d.count++
	return key, val, true, nil
}

func (d *snapshotDecoder) trailer() error {
	c, err := d.read(8)
	if err != nil {
		return err
	}
	if got := binary.BigEndian.Uint64(c); got != d.count {
		return fmt.Errorf("%w: trailer counts %d records, read %d", ErrBadSnapshot, got, d.count)
	}
	want := d.crc.Sum32()
	var sum [4]byte
	if _, err := io.ReadFull(d.r, sum[:]); err != nil {
		return fmt.Errorf("%w: checksum: %w", ErrBadSnapshot, err)
	}
	if binary.BigEndian.Uint32(sum[:]) != want {
		return fmt.Errorf("%w: checksum mismatch", ErrBadSnapshot)
	}
	if _, err := d.r.ReadByte(); err != io.EOF {
		return fmt.Errorf("%w: data after the trailer", ErrBadSnapshot)
	}
	return nil
}

// verifySnapshot decodes a whole stream without keeping it.
func verifySnapshot(src io.Reader, group uint64, span KeyRange) error {
	d, err := newSnapshotDecoder(src, group, span)
	if err != nil {
		return err
	}
	for {
		_, _, ok, err := d.next()
		if err != nil || !ok {
			return err
		}
	}
}

// clearBatch bounds the deletes of one write batch while clearing a range.
const clearBatch = 1000

// clearGroup deletes every key of the group from db in bounded batches
// (never DropPrefix, which blocks all writes to the DB).
func clearGroup(db *badger.DB, group uint64, span KeyRange) error {
	var from []byte
	for {
		var batch [][]byte
		err := db.View(func(txn *badger.Txn) error {
			c := newGroupCursor(txn, group, span, from, false)
			defer c.close()
			for item := c.next(); item != nil && len(batch) < clearBatch; item = c.next() {
				batch = append(batch, item.KeyCopy(nil))
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("clear group %d: %w", group, err)
		}
		if len(batch) == 0 {
			return nil
		}
		wb := db.NewWriteBatch()
		for _, k := range batch {
			if err := wb.Delete(k); err != nil {
				wb.Cancel()
				return fmt.Errorf("clear group %d: %w", group, err)
			}
		}
		if err := wb.Flush(); err != nil {
			return fmt.Errorf("clear group %d: %w", group, err)
		}
		from = append(batch[len(batch)-1], 0) // just after the last deleted key
	}
}

// ingestSnapshot writes the records of a verified stream into db.
func ingestSnapshot(db *badger.DB, src io.Reader, group uint64, span KeyRange) error {
	d, err := newSnapshotDecoder(src, group, span)
	if err != nil {
		return err
	}
	wb := db.NewWriteBatch()
	defer wb.Cancel()
	for {
		k, v, ok, err := d.next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if err := wb.Set(k, v); err != nil {
			return fmt.Errorf("ingest snapshot: %w", err)
		}
	}
	if err := wb.Flush(); err != nil {
		return fmt.Errorf("ingest snapshot: %w", err)
	}
	return nil
}

// Keys of the group's raft StableStore used by the snapshot store.
var (
	stableSnapshotMeta = []byte("atoll/snapshot-meta")
	stableRestoring    = []byte("atoll/restoring")
)

// notFound reports a StableStore miss. hashicorp/raft's StableStore contract
// reports a missing key with an error whose text is "not found" (raft
// itself checks it that way); some stores return a nil value instead.
func notFound(err error) bool { return err != nil && err.Error() == "not found" }

// storedMeta is the persisted form of the current snapshot's metadata.
type storedMeta struct {
	Version            raft.SnapshotVersion
	ID                 string
	Index, Term        uint64
	Configuration      []byte // raft.EncodeConfiguration
	ConfigurationIndex uint64
}

// snapshotStore is a live raft.SnapshotStore over the data DB: the data DB
// is the snapshot. Create for a local snapshot records only the metadata
// (the FSM syncs the data DB first); Open of the current snapshot streams
// the group's keys at a fresh read timestamp, whose applied index is at or
// above the metadata's index, which is safe because the state machine skips
// entries at or below its applied index. A snapshot received from a leader
// is spooled to a file in dir, verified, and restored by the FSM, which then
// makes it current. Metadata persists in the group's StableStore.
//
// Raft calls its methods from several goroutines; mu guards the state.
type snapshotStore struct {
	group  uint64
	db     *badger.DB
	span   KeyRange
	stable raft.StableStore
	dir    string
	log    *slog.Logger

	mu sync.Mutex
	// current is the latest snapshot, nil before the first; guarded by mu.
	current *raft.SnapshotMeta
	// pending holds received snapshots awaiting restore, by ID; guarded by mu.
	pending map[string]*pendingSnapshot
	// seq numbers snapshots; guarded by mu.
	seq uint64
	// opened is the received snapshot last opened, which raft's FSM
	// goroutine restores next (raft wraps the reader, so Restore cannot
	// tell it from the reader); guarded by mu.
	opened string
}

type pendingSnapshot struct {
	meta raft.SnapshotMeta
	path string
}

var _ raft.SnapshotStore = (*snapshotStore)(nil)

// openSnapshotStore loads the group's snapshot metadata. It fails with
// ErrRestoreInterrupted when a restore of the group was cut short (the data
// of the group is then incomplete and the replica must be rebuilt).
func openSnapshotStore(group uint64, db *badger.DB, span KeyRange, stable raft.StableStore, dir string, log *slog.Logger) (*snapshotStore, error) {
	s := &snapshotStore{group: group, db: db, span: span, stable: stable, dir: dir, log: log, pending: map[string]*pendingSnapshot{}}
	restoring, err := stable.GetUint64(stableRestoring)
	if err != nil && !notFound(err) {
		return nil, fmt.Errorf("group %d: read restore marker: %w", group, err)
	}
	if restoring != 0 {
		return nil, fmt.Errorf("group %d: %w", group, ErrRestoreInterrupted)
	}
	raw, err := stable.Get(stableSnapshotMeta)
	if err != nil && !notFound(err) {
		return nil, fmt.Errorf("group %d: read snapshot metadata: %w", group, err)
	}
	if len(raw) > 0 {
		var m storedMeta
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("group %d: decode snapshot metadata: %w", group, err)
		}
		s.current = &raft.SnapshotMeta{
			Version: m.Version, ID: m.ID, Index: m.Index, Term: m.Term,
			Configuration: raft.DecodeConfiguration(m.Configuration), ConfigurationIndex: m.ConfigurationIndex,
		}
	}
	// Spooled snapshots of an earlier run were never restored: drop them.
	stale, _ := filepath.Glob(filepath.Join(dir, fmt.Sprintf("group-%d-*.snap", group)))
	for _, p := range stale {
		os.Remove(p)
	}
	return s, nil
}

// setCurrent persists meta as the current snapshot, unless the current one
// is newer. Raft may close a local snapshot taken at an earlier index after
// a snapshot from the leader was restored (the local one waits for the main
// goroutine, which was busy installing): going back to the older metadata
// would make raft look for log entries the follower never had on restart.
func (s *snapshotStore) setCurrent(meta raft.SnapshotMeta) error {
	// Metadata changes come from raft's snapshot and restore paths, one
	// after the other, so checking before writing is not racy.
	s.mu.Lock()
	cur := s.current
	s.mu.Unlock()
	if cur != nil && (cur.Term > meta.Term || cur.Term == meta.Term && cur.Index >= meta.Index) {
		return nil
	}
	raw, err := json.Marshal(storedMeta{
		Version: meta.Version, ID: meta.ID, Index: meta.Index, Term: meta.Term,
		Configuration: raft.EncodeConfiguration(meta.Configuration), ConfigurationIndex: meta.ConfigurationIndex,
	})
	if err != nil {
		return err
	}
	if err := s.stable.Set(stableSnapshotMeta, raw); err != nil {
		return fmt.Errorf("group %d: store snapshot metadata: %w", s.group, err)
	}
	s.mu.Lock()
	meta.Size = 0
	s.current = &meta
	s.mu.Unlock()
	return nil
}

// Create starts a snapshot at index and term. Raft calls it from its
// snapshot goroutine (a local snapshot: nothing is written to the sink) and
// from its main goroutine (a snapshot received from the leader, copied into
// the sink).
func (s *snapshotStore) Create(version raft.SnapshotVersion, index, term uint64, configuration raft.Configuration, configurationIndex uint64, _ raft.Transport) (raft.SnapshotSink, error) {
	s.mu.Lock()
	s.seq++
	id := fmt.Sprintf("%d-%d-%d", term, index, s.seq)
	s.mu.Unlock()
	return &snapshotSink{store: s, meta: raft.SnapshotMeta{
		Version: version, ID: id, Index: index, Term: term,
		Configuration: configuration, ConfigurationIndex: configurationIndex,
	}}, nil
}

// List returns the current snapshot, if any.
func (s *snapshotStore) List() ([]*raft.SnapshotMeta, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == nil {
		return nil, nil
	}
	m := *s.current
	return []*raft.SnapshotMeta{&m}, nil
}

// Open returns a snapshot's metadata and data: for the current snapshot, a
// stream of the group's keys at a fresh read timestamp (raft's replication
// goroutine sends it to a follower); for a received one, its spooled file
// (raft's FSM goroutine restores it).
func (s *snapshotStore) Open(id string) (*raft.SnapshotMeta, io.ReadCloser, error) {
	s.mu.Lock()
	p := s.pending[id]
	cur := s.current
	if p != nil {
		s.opened = id
	}
	s.mu.Unlock()
	if p != nil {
		f, err := os.Open(p.path)
		if err != nil {
			return nil, nil, fmt.Errorf("group %d: open received snapshot: %w", s.group, err)
		}
		m := p.meta
		return &m, &receivedReader{File: f, id: id, store: s}, nil
	}
	if cur == nil || cur.ID != id {
		return nil, nil, fmt.Errorf("group %d: %w: %s", s.group, ErrNoSnapshot, id)
	}
	r, size, err := openSnapshotReader(s.db, s.group, s.span)
	if err != nil {
		return nil, nil, err
	}
	m := *cur
	m.Size = size
	return &m, r, nil
}

// received registers a verified spooled snapshot.
func (s *snapshotStore) received(meta raft.SnapshotMeta, path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending[meta.ID] = &pendingSnapshot{meta: meta, path: path}
}

// drop forgets a received snapshot and removes its file.
func (s *snapshotStore) drop(id string) {
	s.mu.Lock()
	p := s.pending[id]
	delete(s.pending, id)
	s.mu.Unlock()
	if p != nil {
		os.Remove(p.path)
	}
}

// takeOpened returns and forgets the ID of the received snapshot last
// opened.
func (s *snapshotStore) takeOpened() (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.opened
	s.opened = ""
	return id, id != ""
}

// pendingMeta returns the metadata of a received snapshot.
func (s *snapshotStore) pendingMeta(id string) (raft.SnapshotMeta, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pending[id]
	if !ok {
		return raft.SnapshotMeta{}, false
	}
	return p.meta, true
}

// receivedReader reads a spooled snapshot; Close removes it.
type receivedReader struct {
	*os.File
	id    string
	store *snapshotStore
}

func (r *receivedReader) Close() error {
	err := r.File.Close()
	r.store.drop(r.id)
	return err
}

// snapshotSink is the sink of one Create. Bytes written to it (a snapshot
// received from the leader) are spooled to a file and verified on Close; a
// sink closed without data is a local snapshot and only records metadata.
type snapshotSink struct {
	store *snapshotStore
	meta  raft.SnapshotMeta
	file  *os.File
	n     int64
	// closed is set by the first Close or Cancel; both Persist and raft
	// close the sink, and only the first counts.
	closed bool
}

var _ raft.SnapshotSink = (*snapshotSink)(nil)

func (k *snapshotSink) ID() string { return k.meta.ID }

func (k *snapshotSink) Write(p []byte) (int, error) {
	if k.file == nil {
		if err := os.MkdirAll(k.store.dir, 0o755); err != nil {
			return 0, fmt.Errorf("group %d: snapshot spool directory: %w", k.store.group, err)
		}
		f, err := os.CreateTemp(k.store.dir, fmt.Sprintf("group-%d-*.snap", k.store.group))
		if err != nil {
			return 0, fmt.Errorf("group %d: spool snapshot: %w", k.store.group, err)
		}
		k.file = f
	}
	n, err := k.file.Write(p)
	k.n += int64(n)
	return n, err
}

func (k *snapshotSink) Close() error {
	if k.closed {
		return nil
	}
	k.closed = true
	if k.file == nil {
		return k.store.setCurrent(k.meta)
	}
	path := k.file.Name()
	err := k.file.Close()
	if err == nil {
		err = k.verify(path)
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("group %d: received snapshot: %w", k.store.group, err)
	}
	meta := k.meta
	meta.Size = k.n
	k.store.received(meta, path)
	return nil
}

func (k *snapshotSink) verify(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return verifySnapshot(f, k.store.group, k.store.span)
}

func (k *snapshotSink) Cancel() error {
	if k.closed {
		return nil
	}
	k.closed = true
	if k.file == nil {
		return nil
	}
	path := k.file.Name()
	err := k.file.Close()
	os.Remove(path)
	return err
}

// restore replaces the group's keys in the data DB with the stream of a
// received snapshot. It runs on raft's FSM goroutine. A stream that does
// not match the group is refused before anything changes; a failure after
// the group's keys started changing is reported with fatal set, and leaves
// the durable restore marker set so that the group refuses to start again.
func (s *snapshotStore) restore(src io.Reader) (fatal bool, err error) {
	// The stream was verified when it was received; read the header again
	// before touching anything.
	br := bufio.NewReaderSize(src, 64<<10)
	hdr, err := br.Peek(len(snapshotMagic) + 8)
	if err != nil || string(hdr[:len(snapshotMagic)]) != snapshotMagic {
		return false, fmt.Errorf("%w: bad header", ErrBadSnapshot)
	}
	if g := binary.BigEndian.Uint64(hdr[len(snapshotMagic):]); g != s.group {
		return false, fmt.Errorf("%w: snapshot of group %d, want group %d", ErrBadSnapshot, g, s.group)
	}
	if err := s.stable.SetUint64(stableRestoring, 1); err != nil {
		return false, fmt.Errorf("set restore marker: %w", err)
	}
	if err := clearGroup(s.db, s.group, s.span); err != nil {
		return true, err
	}
	if err := ingestSnapshot(s.db, br, s.group, s.span); err != nil {
		return true, err
	}
	if err := s.db.Sync(); err != nil {
		return true, fmt.Errorf("sync restored data: %w", err)
	}
	return false, nil
}

// restored makes the received snapshot id current and clears the restore
// marker, once its data is in the DB and synced.
func (s *snapshotStore) restored(id string) error {
	meta, ok := s.pendingMeta(id)
	if !ok {
		return fmt.Errorf("%w: received snapshot %s is gone", ErrNoSnapshot, id)
	}
	if err := s.setCurrent(meta); err != nil {
		return err
	}
	if err := s.stable.SetUint64(stableRestoring, 0); err != nil {
		return fmt.Errorf("clear restore marker: %w", err)
	}
	return nil
}
