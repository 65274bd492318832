package expr

import (
	"testing"

	"github.com/atolldb/atoll/partition/value"
)

func benchmarkCompile(b *testing.B, cacheSize int, r Request) {
	c := ptCompiler(b, cacheSize)
	if _, err := c.Compile(r); err != nil {
		b.Fatalf("Compile error = %v", err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.Compile(r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompileCondition(b *testing.B) {
	r := Request{
		Condition: "attribute_not_exists(pk) OR #v < :v",
		Names:     map[string]string{"#v": "version"},
		Values:    map[string]value.Value{":v": value.N(value.MustParseNumber("7"))},
	}
	b.Run("cached", func(b *testing.B) { benchmarkCompile(b, DefaultConfig().CacheSize, r) })
	b.Run("uncached", func(b *testing.B) { benchmarkCompile(b, 0, r) })
}

func BenchmarkCompileUpdate(b *testing.B) {
	r := Request{
		Update: "SET #c = #c + :one, updated = :now REMOVE tmp ADD tags :t",
		Names:  map[string]string{"#c": "count"},
		Values: map[string]value.Value{
			":one": value.N(value.MustParseNumber("1")),
			":now": value.S("2026-01-01T00:00:00Z"),
			":t":   value.SS("a", "b"),
		},
	}
	b.Run("cached", func(b *testing.B) { benchmarkCompile(b, DefaultConfig().CacheSize, r) })
	b.Run("uncached", func(b *testing.B) { benchmarkCompile(b, 0, r) })
}
