package membership

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestMetaRoundTrip(t *testing.T) {
	tests := []NodeMeta{
		{},
		{ID: "n1"},
		{ID: "n1", GRPCAddr: "10.0.0.1:7000", APIAddr: "[2001:db8::1]:8000", Zone: "eu-west-1a"},
		{ID: "ノード", Zone: "zone\x00with\xffbytes"},
		{ID: strings.Repeat("i", 300), Zone: strings.Repeat("z", MaxMetaSize-9-300)},
	}
	for _, want := range tests {
		b := encodeMeta(want)
		if len(b) != encodedMetaSize(want) {
			t.Errorf("len(encodeMeta(%+v)) = %d, encodedMetaSize = %d", want, len(b), encodedMetaSize(want))
		}
		got, err := decodeMeta(b)
		if err != nil || got != want {
			t.Errorf("decodeMeta(encodeMeta(%+v)) = %+v, %v", want, got, err)
		}
	}
}

func TestDecodeMetaRejects(t *testing.T) {
	valid := encodeMeta(NodeMeta{ID: "n1", Zone: "z"})
	tests := []struct {
		name string
		b    []byte
	}{
		{"nil", nil},
		{"version only", []byte{metaVersion}},
		{"unknown version", append([]byte{2}, valid[1:]...)},
		{"truncated length", valid[:4]},
		{"truncated field", valid[:len(valid)-1]},
		{"length past the end", []byte{metaVersion, 0xff, 0xff, 'a'}},
		{"trailing bytes", append(bytes.Clone(valid), 0)},
		{"too long", append([]byte{metaVersion, 0x02, 0x00}, make([]byte, 512+6)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if m, err := decodeMeta(tt.b); !errors.Is(err, ErrInvalidMeta) {
				t.Errorf("decodeMeta(%x) = %+v, %v; want ErrInvalidMeta", tt.b, m, err)
			}
		})
	}
}

// FuzzDecodeMeta checks that decodeMeta never panics, fails only with
// ErrInvalidMeta, and accepts exactly encodeMeta's outputs.
func FuzzDecodeMeta(f *testing.F) {
	f.Add(encodeMeta(NodeMeta{ID: "n1", GRPCAddr: "10.0.0.1:7000", APIAddr: "10.0.0.1:8000", Zone: "z1"}))
	f.Add(encodeMeta(NodeMeta{}))
	f.Add([]byte{})
	f.Add([]byte{metaVersion, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decodeMeta(b)
		if err != nil {
			if !errors.Is(err, ErrInvalidMeta) {
				t.Fatalf("decodeMeta(%x) error %v does not wrap ErrInvalidMeta", b, err)
			}
			return
		}
		if got := encodeMeta(m); !bytes.Equal(got, b) {
			t.Fatalf("encodeMeta(decodeMeta(%x)) = %x, not canonical", b, got)
		}
		if len(b) > MaxMetaSize {
			t.Fatalf("decodeMeta accepted %d bytes, more than MaxMetaSize", len(b))
		}
	})
}
