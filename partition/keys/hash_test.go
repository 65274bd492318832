package keys

import (
	"encoding/binary"
	"encoding/hex"
	"testing"

	"github.com/atolldb/atoll/partition/value"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("hex.DecodeString(%q) = %v", s, err)
	}
	return b
}

// TestHashAlgorithm pins the hash function itself with the published XXH64
// (seed 0) reference values.
func TestHashAlgorithm(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want uint64
	}{
		{"", 0xef46db3751d8e999},
		{"a", 0xd24ec4f1a98c6e5b},
	} {
		if got := HashEncoded([]byte(tt.in)); got != tt.want {
			t.Errorf("HashEncoded(%q) = %#016x, want %#016x", tt.in, got, tt.want)
		}
	}
}

// TestHashGolden holds golden ring hashes. The hash places every item on the
// ring and is stored on disk (data keys, range boundaries): these values were
// computed once and are frozen. If this test fails, the on-disk format has
// changed; fix the code, never the expected values.
func TestHashGolden(t *testing.T) {
	tests := []struct {
		name string
		pk   value.Value
		want uint64
	}{
		{"S a", value.S("a"), 0xbf8e7f4f0b9d4d6e},
		{"S b", value.S("b"), 0x37bbd9b842beb3ad},
		{"S abc", value.S("abc"), 0x6c60c6c6c2526b8d},
		{"S user#1", value.S("user#1"), 0x8d12b5bfbfcc6c19},
		{"S user#2", value.S("user#2"), 0x26fcf0ba36ad2421},
		{"S \\x00", value.S("\x00"), 0x86bb82003ca0feb3},
		{"S a\\x00b", value.S("a\x00b"), 0x168c0a677b9988fc},
		{"S héllo", value.S("héllo"), 0x927c22b33a43b54c},
		{"S 世界", value.S("世界"), 0x0b3093aa6f36937f},
		{"S 🌍", value.S("🌍"), 0xf0ee5931645e1e49},
		{"S space", value.S(" "), 0x132e8c22088ef922},
		{"S ORDER#2024-01-01T00:00:00Z", value.S("ORDER#2024-01-01T00:00:00Z"), 0x46423e6b413303d4},
		{"N 0", num(t, "0"), 0x49866e2540286af9},
		{"N 1", num(t, "1"), 0x464406ffd7e59878},
		{"N -1", num(t, "-1"), 0xe2328dc7a4b9c8a3},
		{"N 2", num(t, "2"), 0x8330274c702bacf8},
		{"N 10", num(t, "10"), 0x0e62a424c650791f},
		{"N 0.5", num(t, "0.5"), 0x8f69c1e8de7c8f6b},
		{"N -0.5", num(t, "-0.5"), 0x835d1b8b6de1899a},
		{"N 123456789", num(t, "123456789"), 0x4c5b1bf8a3def982},
		{"N 3.14159", num(t, "3.14159"), 0x936f09ec8d9dc51e},
		{"N 1E-130", num(t, "1E-130"), 0x146ed3c8b65c343b},
		{"N 9.9999999999999999999999999999999999999E+125", num(t, "9.9999999999999999999999999999999999999E+125"), 0xa97787e43d3201f7},
		{"N -9.9999999999999999999999999999999999999E+125", num(t, "-9.9999999999999999999999999999999999999E+125"), 0x9422780fba919752},
		{"B 00", value.B(unhex(t, "00")), 0x0d838c978c161257},
		{"B 01", value.B(unhex(t, "01")), 0xae2901843298cbd6},
		{"B ff", value.B(unhex(t, "ff")), 0x668be40bd826d9b6},
		{"B 0000", value.B(unhex(t, "0000")), 0x4621ccb25e41d9e6},
		{"B 00ff", value.B(unhex(t, "00ff")), 0x5f94e82defbe5afe},
		{"B ff00", value.B(unhex(t, "ff00")), 0xa8ea71372557051a},
		{"B 616263", value.B(unhex(t, "616263")), 0xed7209c6685270be},
		{"B 0102030405060708", value.B(unhex(t, "0102030405060708")), 0x33efb7d410d2b0a8},
		{"B deadbeef", value.B(unhex(t, "deadbeef")), 0x19b61aaba0dc7e3a},
		{"B 00000000000000000000000000000000", value.B(unhex(t, "00000000000000000000000000000000")), 0x809e3e67348b44f4},
		{"B 0001", value.B(unhex(t, "0001")), 0x5a545efe0e2ae166},
		{"B 6b6579", value.B(unhex(t, "6b6579")), 0x86eccb7007dfa561},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Hash(tt.pk)
			if err != nil {
				t.Fatalf("Hash(%s) = %v", show(tt.pk), err)
			}
			if got != tt.want {
				t.Errorf("Hash(%s) = %#016x, want %#016x", show(tt.pk), got, tt.want)
			}
			pos, err := Position(tt.pk, nil)
			if err != nil {
				t.Fatalf("Position(%s, nil) = %v", show(tt.pk), err)
			}
			if h := binary.BigEndian.Uint64(pos); h != tt.want {
				t.Errorf("Position(%s, nil) hash = %#016x, want %#016x", show(tt.pk), h, tt.want)
			}
		})
	}
}
