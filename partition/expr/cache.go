package expr

import (
	"github.com/cespare/xxhash/v2"
	lru "github.com/hashicorp/golang-lru/v2"
)

// parseCache keeps recent parse results, keyed by expression kind and text.
// Applications send the same few expression texts over and over with
// different values, so most requests skip lexing and parsing. Syntax and
// static errors are cached too: they depend only on the text.
//
// The cache is split into shards, each an LRU list behind its own mutex
// (golang-lru), chosen by a hash of the key, so concurrent requests rarely
// contend. Its total size never exceeds the configured capacity. Cached
// values are immutable *parsed trees shared by all goroutines.
type parseCache struct {
	shards []*lru.Cache[cacheKey, *parsed]
}

type cacheKey struct {
	kind Kind
	text string
}

// maxCacheShards is the shard count of large caches; small caches use one
// shard per entry at most so that every shard holds at least one entry.
const maxCacheShards = 16

// newParseCache returns a cache holding at most size entries, or nil when
// size is 0.
func newParseCache(size int) *parseCache {
	if size <= 0 {
		return nil
	}
	n := min(size, maxCacheShards)
	c := &parseCache{shards: make([]*lru.Cache[cacheKey, *parsed], n)}
	for i := range c.shards {
		per := size / n
		if i < size%n {
			per++
		}
		s, err := lru.New[cacheKey, *parsed](per)
		if err != nil { // only for per <= 0, which cannot happen here
			return nil
		}
		c.shards[i] = s
	}
	return c
}

func (c *parseCache) shard(kind Kind, text string) *lru.Cache[cacheKey, *parsed] {
	h := xxhash.Sum64String(text) ^ uint64(kind)*0x9e3779b97f4a7c15
	return c.shards[h%uint64(len(c.shards))]
}

func (c *parseCache) get(kind Kind, text string) (*parsed, bool) {
	return c.shard(kind, text).Get(cacheKey{kind, text})
}

func (c *parseCache) add(kind Kind, text string, p *parsed) {
	c.shard(kind, text).Add(cacheKey{kind, text}, p)
}

// len returns the number of cached entries.
func (c *parseCache) len() int {
	n := 0
	for _, s := range c.shards {
		n += s.Len()
	}
	return n
}
