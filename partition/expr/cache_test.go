package expr

import (
	"fmt"
	"sync"
	"testing"
)

func TestCacheReusesParse(t *testing.T) {
	c := ptCompiler(t, 8)
	const s = "attribute_exists(a)"
	first := c.parse(KindCondition, s)
	second := c.parse(KindCondition, s)
	if first != second {
		t.Errorf("parse(%q) twice returned different results %p and %p, want the cached one", s, first, second)
	}
	if other := c.parse(KindFilter, s); other == first {
		t.Errorf("parse(KindFilter, %q) shared the KindCondition entry; kinds must be cached apart", s)
	}
	bad := c.parse(KindCondition, "a =")
	if bad.err == nil {
		t.Fatalf("parse(%q).err = nil, want a syntax error", "a =")
	}
	if again := c.parse(KindCondition, "a ="); again != bad {
		t.Errorf("syntax error for %q was not cached", "a =")
	}
}

func TestCacheEvictionBoundsSize(t *testing.T) {
	for _, size := range []int{1, 5, 16, 100} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			c := ptCompiler(t, size)
			for i := 0; i < 10*size+50; i++ {
				c.parse(KindProjection, fmt.Sprintf("a%d", i))
				if n := c.cache.len(); n > size {
					t.Fatalf("after %d parses cache.len() = %d, want <= %d", i+1, n, size)
				}
			}
			if n := c.cache.len(); n == 0 {
				t.Errorf("cache.len() = 0 after many parses, want > 0")
			}
		})
	}
}

func TestCacheDisabled(t *testing.T) {
	c := ptCompiler(t, 0)
	if c.cache != nil {
		t.Fatalf("New(CacheSize 0).cache = %v, want nil", c.cache)
	}
	if p := c.parse(KindProjection, "a"); p.err != nil || len(p.projection) != 1 {
		t.Errorf("parse without cache = %+v, want one path", p)
	}
}

func TestCompileConcurrent(t *testing.T) {
	c := ptCompiler(t, 4)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				_, err := c.Compile(Request{Projection: fmt.Sprintf("a%d, b", i%7)})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent Compile error = %v", err)
	}
}
