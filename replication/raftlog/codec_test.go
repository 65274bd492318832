package raftlog

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/raft"
)

func TestLogCodecRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		log  raft.Log
	}{
		{"zero", raft.Log{}},
		{"command", raft.Log{Index: 1, Term: 1, Type: raft.LogCommand, Data: []byte("hello")}},
		{"all fields", raft.Log{
			Index: 1 << 40, Term: 77, Type: raft.LogConfiguration,
			Data: bytes.Repeat([]byte{0xab}, 300), Extensions: []byte("ext"),
			AppendedAt: time.Unix(1_700_000_000, 123_456_789),
		}},
		{"max ints", raft.Log{Index: math.MaxUint64, Term: math.MaxUint64, Type: raft.LogType(255)}},
		{"before 1970", raft.Log{Index: 2, Term: 2, Type: raft.LogNoop, AppendedAt: time.Unix(-5, 1)}},
		{"far future", raft.Log{Index: 3, Term: 3, AppendedAt: time.Date(9999, 1, 1, 0, 0, 0, 999_999_999, time.UTC)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := encodeLog(nil, &tt.log)
			if len(b) > encodedLogSize(&tt.log) {
				t.Errorf("encoding is %d bytes, encodedLogSize says at most %d", len(b), encodedLogSize(&tt.log))
			}
			var got raft.Log
			if err := decodeLog(b, &got); err != nil {
				t.Fatalf("decodeLog(encodeLog(%+v)) error: %v", tt.log, err)
			}
			if diff := cmp.Diff(tt.log, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLogCodecRejects(t *testing.T) {
	valid := encodeLog(nil, &raft.Log{Index: 5, Term: 2, Data: []byte("abc"), AppendedAt: time.Unix(10, 5)})
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"unknown version", append([]byte{2}, valid[1:]...)},
		{"trailing byte", append(append([]byte(nil), valid...), 0)},
		{"data length past end", []byte{1, 5, 2, 0, 200, 'a'}},
		{"bad time flag", []byte{1, 5, 2, 0, 0, 0, 7}},
		{"nanoseconds out of range", append([]byte{1, 5, 2, 0, 0, 0, 1, 0}, 0x80, 0x94, 0xeb, 0xdc, 0x03)}, // 1e9
		{"overlong uvarint", append([]byte{1}, bytes.Repeat([]byte{0xff}, 11)...)},
	}
	for i := 1; i < len(valid); i++ {
		tests = append(tests, struct {
			name string
			b    []byte
		}{fmt.Sprintf("truncated to %d", i), valid[:i]})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l raft.Log
			err := decodeLog(tt.b, &l)
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("decodeLog(%x) error = %v, want ErrCorrupt", tt.b, err)
			}
		})
	}
}

// FuzzDecodeLog checks that the decoder never panics and that whatever it
// accepts re-encodes to something that decodes to the same entry.
func FuzzDecodeLog(f *testing.F) {
	f.Add(encodeLog(nil, &raft.Log{}))
	f.Add(encodeLog(nil, &raft.Log{Index: 9, Term: 3, Type: raft.LogCommand, Data: []byte("cmd"), Extensions: []byte{1}, AppendedAt: time.Unix(1_700_000_000, 42)}))
	f.Add(encodeLog(nil, &raft.Log{Index: math.MaxUint64, Term: 1, Type: raft.LogBarrier, AppendedAt: time.Unix(-1, 0)}))
	f.Add([]byte{1, 0x80, 0x00, 0, 0, 0, 0, 0})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		var l raft.Log
		if err := decodeLog(b, &l); err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("decodeLog error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		again := encodeLog(nil, &l)
		var l2 raft.Log
		if err := decodeLog(again, &l2); err != nil {
			t.Fatalf("re-encoded entry does not decode: %v", err)
		}
		if diff := cmp.Diff(l, l2, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("decode(encode(decode(b))) differs (-first +second):\n%s", diff)
		}
	})
}
