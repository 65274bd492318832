package wire

import (
	"fmt"
	"strings"
	"testing"

	"github.com/atolldb/atoll/partition/value"
)

// benchItem is an item of about 1 KB of DynamoDB JSON, of the usual mix of
// types.
func benchItem() value.Item {
	it := value.Item{
		"pk":      value.S("user#0123456789"),
		"sk":      value.S("profile"),
		"age":     value.N(value.MustParseNumber("42")),
		"balance": value.N(value.MustParseNumber("12345.678")),
		"active":  value.Bool(true),
		"avatar":  value.B([]byte(strings.Repeat("\x01\x02\x03", 40))),
		"tags":    value.SS("a", "b", "c", "d"),
		"scores":  value.NS(value.MustParseNumber("1"), value.MustParseNumber("2.5"), value.MustParseNumber("-3")),
		"bio":     value.S(strings.Repeat("lorem ipsum ", 20)),
	}
	addr := map[string]value.Value{}
	for i := range 8 {
		addr[fmt.Sprintf("line%d", i)] = value.S("12 Example Street")
	}
	it["address"] = value.M(addr)
	it["history"] = value.L(value.N(value.MustParseNumber("1")), value.S("x"), value.Null())
	return it
}

func BenchmarkDecodeItem1KB(b *testing.B) {
	data, err := AppendItem(nil, benchItem())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeItem(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeItem1KB(b *testing.B) {
	it := benchItem()
	data, _ := AppendItem(nil, it)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	buf := make([]byte, 0, 2048)
	for b.Loop() {
		var err error
		if buf, err = AppendItem(buf[:0], it); err != nil {
			b.Fatal(err)
		}
	}
}
