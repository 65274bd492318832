package raftlog

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/hashicorp/raft"
)

// logFormatV1 is the first byte of every encoded log entry. A new encoding
// gets a new version byte; the decoder keeps reading the old ones.
const logFormatV1 byte = 1

// Encoding of a raft.Log, version 1:
//
//	version     1 byte (logFormatV1)
//	index       uvarint
//	term        uvarint
//	type        1 byte
//	data        uvarint length, then the bytes
//	extensions  uvarint length, then the bytes
//	appendedAt  1 byte: 0 for the zero time, 1 when followed by
//	            varint Unix seconds and uvarint nanoseconds (< 1e9)
//
// The encoding is strict: trailing bytes are an error.

// encodeLog appends the encoding of l to dst.
func encodeLog(dst []byte, l *raft.Log) []byte {
	dst = append(dst, logFormatV1)
	dst = binary.AppendUvarint(dst, l.Index)
	dst = binary.AppendUvarint(dst, l.Term)
	dst = append(dst, byte(l.Type))
	dst = binary.AppendUvarint(dst, uint64(len(l.Data)))
	dst = append(dst, l.Data...)
	dst = binary.AppendUvarint(dst, uint64(len(l.Extensions)))
	dst = append(dst, l.Extensions...)
	if l.AppendedAt.IsZero() {
		return append(dst, 0)
	}
	dst = append(dst, 1)
	dst = binary.AppendVarint(dst, l.AppendedAt.Unix())
	return binary.AppendUvarint(dst, uint64(l.AppendedAt.Nanosecond()))
}

// encodedLogSize bounds the size of l's encoding, for preallocation.
func encodedLogSize(l *raft.Log) int {
	return 1 + 3*binary.MaxVarintLen64 + 1 + len(l.Data) + len(l.Extensions) + 1 + 2*binary.MaxVarintLen64
}

// decodeLog decodes b into l. l.Data and l.Extensions alias b (nil when
// empty): the caller passes a buffer it owns. A malformed b returns an
// error wrapping ErrCorrupt.
func decodeLog(b []byte, l *raft.Log) error {
	d := decoder{b: b}
	if v := d.byte(); d.err == nil && v != logFormatV1 {
		return fmt.Errorf("%w: unknown log format version %d", ErrCorrupt, v)
	}
	var out raft.Log
	out.Index = d.uvarint()
	out.Term = d.uvarint()
	out.Type = raft.LogType(d.byte())
	out.Data = d.bytes()
	out.Extensions = d.bytes()
	switch flag := d.byte(); {
	case d.err != nil:
	case flag == 1:
		sec := d.varint()
		nsec := d.uvarint()
		if d.err == nil && nsec >= uint64(time.Second) {
			return fmt.Errorf("%w: log appendedAt nanoseconds %d out of range", ErrCorrupt, nsec)
		}
		out.AppendedAt = time.Unix(sec, int64(nsec))
	case flag != 0:
		return fmt.Errorf("%w: log appendedAt flag %d", ErrCorrupt, flag)
	}
	if d.err != nil {
		return d.err
	}
	if len(d.b) != 0 {
		return fmt.Errorf("%w: %d trailing bytes after log entry", ErrCorrupt, len(d.b))
	}
	*l = out
	return nil
}

// decoder reads fields off b; the first error sticks and later reads
// return zero values.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: truncated or malformed log %s", ErrCorrupt, what)
	}
	d.b = nil
}

func (d *decoder) byte() byte {
	if d.err != nil || len(d.b) == 0 {
		d.fail("byte")
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("uvarint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

// bytes reads a uvarint length and that many bytes; nil when empty.
func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.fail("length")
		return nil
	}
	if n == 0 {
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}
