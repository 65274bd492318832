package keys

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/atolldb/atoll/partition/value"
)

func pos(t testing.TB, pk value.Value, sk *value.Value) []byte {
	t.Helper()
	p, err := Position(pk, sk)
	if err != nil {
		t.Fatalf("Position(%s) = %v", show(pk), err)
	}
	return p
}

func TestPositionLayout(t *testing.T) {
	pk, sk := value.S("user#1"), num(t, "-12.5")
	got := pos(t, pk, &sk)
	h, err := Hash(pk)
	if err != nil {
		t.Fatalf("Hash = %v", err)
	}
	want := binary.BigEndian.AppendUint64(nil, h)
	want = append(want, enc(t, pk)...)
	want = append(want, enc(t, sk)...)
	if !bytes.Equal(got, want) {
		t.Errorf("Position(%s, %s) = %x, want %x", show(pk), show(sk), got, want)
	}
	prefix, err := PartitionPrefix(pk)
	if err != nil {
		t.Fatalf("PartitionPrefix = %v", err)
	}
	if !bytes.HasPrefix(got, prefix) || len(prefix) != HashSize+len(enc(t, pk)) {
		t.Errorf("PartitionPrefix(%s) = %x, want hash and enc(pk) prefix of %x", show(pk), prefix, got)
	}
}

func TestPositionRoundTrip(t *testing.T) {
	vals := trickyValues(t)
	for _, pk := range vals {
		for _, sk := range []*value.Value{nil, &vals[0], &vals[12], &vals[len(vals)-1], &vals[len(vals)-5]} {
			skType := value.Type(0)
			if sk != nil {
				skType = sk.Type
			}
			p := pos(t, pk, sk)
			h, gotPK, gotSK, err := DecodePosition(p, pk.Type, skType)
			if err != nil {
				t.Fatalf("DecodePosition(%x) = %v", p, err)
			}
			wantSK := value.Value{}
			if sk != nil {
				wantSK = *sk
			}
			if h != binary.BigEndian.Uint64(p) {
				t.Errorf("DecodePosition(%x) hash = %x, want %x", p, h, p[:8])
			}
			norm := func(v value.Value) value.Value {
				if v.Type == value.TypeB && v.B == nil {
					v.B = []byte{}
				}
				return v
			}
			if diff := cmp.Diff([]value.Value{norm(pk), norm(wantSK)}, []value.Value{gotPK, gotSK}, cmpOpts); diff != "" {
				t.Errorf("DecodePosition(Position(%s)) mismatch (-want +got):\n%s", show(pk), diff)
			}
		}
	}
}

func TestPositionErrors(t *testing.T) {
	bad := value.Bool(true)
	if _, err := Position(bad, nil); !errors.Is(err, ErrNotKeyType) {
		t.Errorf("Position(BOOL, nil) error = %v, want ErrNotKeyType", err)
	}
	pk := value.S("a")
	if _, err := Position(pk, &bad); !errors.Is(err, ErrNotKeyType) {
		t.Errorf("Position(S, BOOL) error = %v, want ErrNotKeyType", err)
	}
	if got, err := AppendPosition([]byte("keep"), pk, &bad); err == nil || string(got) != "keep" {
		t.Errorf("AppendPosition(keep, S, BOOL) = %q, %v, want keep and an error", got, err)
	}
}

func TestDecodePositionErrors(t *testing.T) {
	sk := value.S("x")
	good := pos(t, value.S("a"), &sk)
	flipped := bytes.Clone(good)
	flipped[0] ^= 1
	tests := []struct {
		name           string
		pos            []byte
		pkType, skType value.Type
		want           error
	}{
		{"short", good[:7], value.TypeS, value.TypeS, ErrCorrupt},
		{"hash only", good[:8], value.TypeS, value.TypeS, ErrCorrupt},
		{"hash mismatch", flipped, value.TypeS, value.TypeS, ErrCorrupt},
		{"trailing bytes", append(bytes.Clone(good), 0), value.TypeS, value.TypeS, ErrCorrupt},
		{"missing sort key", good[:len(good)-4], value.TypeS, value.TypeS, ErrCorrupt},
		{"unexpected sort key", good, value.TypeS, 0, ErrCorrupt},
		{"wrong pk type", good, value.TypeN, value.TypeS, ErrCorrupt},
		{"wrong sk type", good, value.TypeS, value.TypeB, ErrCorrupt},
		{"pk not key type", good, value.TypeM, value.TypeS, ErrNotKeyType},
		{"sk not key type", good, value.TypeS, value.TypeL, ErrNotKeyType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, _, err := DecodePosition(tt.pos, tt.pkType, tt.skType); !errors.Is(err, tt.want) {
				t.Errorf("DecodePosition(%x, %s, %s) error = %v, want %v", tt.pos, tt.pkType, tt.skType, err, tt.want)
			}
		})
	}
}

// TestPartitionRange checks that [PartitionPrefix(pk), PrefixEnd(...)) holds
// exactly the positions of items with partition key pk.
func TestPartitionRange(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	var pks []value.Value
	for i := 0; i < 30; i++ {
		pks = append(pks, value.B(randBytes(r)), value.S(string(randBytes(r))), num(t, randNumber(r)))
	}
	for _, pk := range pks {
		start, err := PartitionPrefix(pk)
		if err != nil {
			t.Fatalf("PartitionPrefix(%s) = %v", show(pk), err)
		}
		end := PrefixEnd(start)
		for _, other := range pks {
			for i := 0; i < 5; i++ {
				sk := value.B(randBytes(r))
				p := pos(t, other, &sk)
				in := bytes.Compare(p, start) >= 0 && (end == nil || bytes.Compare(p, end) < 0)
				same := other.Type == pk.Type && bytes.Equal(enc(t, other), enc(t, pk))
				if in != same {
					t.Fatalf("position of (%s, %s) in range of %s = %v, want %v", show(other), show(sk), show(pk), in, same)
				}
			}
		}
	}
}

func TestPrefixEnd(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"simple", "ab", "ac"},
		{"carry", "a\xff\xff", "b"},
		{"all ff", "\xff\xff", ""},
		{"zero", "\x00", "\x01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(tt.in)
			got := PrefixEnd(in)
			if tt.want == "" && got != nil {
				t.Errorf("PrefixEnd(%q) = %q, want nil", tt.in, got)
			}
			if string(got) != tt.want {
				t.Errorf("PrefixEnd(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if string(in) != tt.in {
				t.Errorf("PrefixEnd(%q) modified its input to %q", tt.in, in)
			}
		})
	}
}

func TestDataKey(t *testing.T) {
	p := pos(t, value.S("a"), nil)
	tests := []struct {
		name string
		id   uint64
	}{
		{"zero", 0},
		{"small", 42},
		{"max", 1<<64 - 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := DataKey(tt.id, p)
			prefix := TablePrefix(tt.id)
			if want := binary.BigEndian.AppendUint64(nil, tt.id); !bytes.Equal(prefix, want) {
				t.Errorf("TablePrefix(%d) = %x, want %x", tt.id, prefix, want)
			}
			if want := append(bytes.Clone(prefix), p...); !bytes.Equal(k, want) {
				t.Errorf("DataKey(%d, %x) = %x, want %x", tt.id, p, k, want)
			}
			id, gotPos, err := SplitDataKey(k)
			if err != nil || id != tt.id || !bytes.Equal(gotPos, p) {
				t.Errorf("SplitDataKey(%x) = %d, %x, %v, want %d, %x, nil", k, id, gotPos, err, tt.id, p)
			}
		})
	}
	if _, _, err := SplitDataKey(make([]byte, 15)); !errors.Is(err, ErrCorrupt) {
		t.Errorf("SplitDataKey(15 bytes) error = %v, want ErrCorrupt", err)
	}
	// Tables do not interleave: every key of table 1 sorts before table 2's.
	if k1, k2 := DataKey(1, bytes.Repeat([]byte{0xFF}, 20)), DataKey(2, nil); bytes.Compare(k1, k2) >= 0 {
		t.Errorf("DataKey(1, ff...) = %x >= DataKey(2, nil) = %x", k1, k2)
	}
}
