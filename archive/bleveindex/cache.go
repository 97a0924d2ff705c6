package bleveindex

import (
	"container/list"
	"slices"
	"sync"

	"github.com/gazette-archive/gazette/gazette"
)

// cacheEntries is how many recent results are kept. A gazette changes a
// few times a week and readers repeat the same searches (the issue of the
// day, popular words, the empty query behind the browse page), so recent
// results are worth keeping until the next write.
const cacheEntries = 256

// resultCache keeps recent search results, each with the write generation
// it was computed at; an entry from an older generation is never served.
type resultCache struct {
	mu      sync.Mutex
	max     int
	lru     *list.List // of *cacheEntry, most recent first
	entries map[string]*list.Element
}

type cacheEntry struct {
	key string
	gen uint64
	res gazette.Results
}

// SetCacheSize sets how many recent results x keeps; 0 turns the cache
// off, for benchmarks that measure the index's own work.
func (x *Index) SetCacheSize(n int) { x.cache.Store(newResultCache(n)) }

func newResultCache(max int) *resultCache {
	return &resultCache{max: max, lru: list.New(), entries: map[string]*list.Element{}}
}

func (c *resultCache) get(key string, gen uint64) (gazette.Results, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return gazette.Results{}, false
	}
	e := el.Value.(*cacheEntry)
	if e.gen != gen {
		c.lru.Remove(el)
		delete(c.entries, key)
		return gazette.Results{}, false
	}
	c.lru.MoveToFront(el)
	return cloneResults(e.res), true
}

func (c *resultCache) put(key string, gen uint64, res gazette.Results) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.max <= 0 {
		return
	}
	if el, ok := c.entries[key]; ok {
		if e := el.Value.(*cacheEntry); e.gen <= gen {
			e.gen, e.res = gen, cloneResults(res)
			c.lru.MoveToFront(el)
		}
		return
	}
	c.entries[key] = c.lru.PushFront(&cacheEntry{key, gen, cloneResults(res)})
	for c.lru.Len() > c.max {
		old := c.lru.Back()
		c.lru.Remove(old)
		delete(c.entries, old.Value.(*cacheEntry).key)
	}
}

// cloneResults copies res deeply enough that no caller can change what
// another one sees.
func cloneResults(res gazette.Results) gazette.Results {
	res.Hits = slices.Clone(res.Hits)
	for i := range res.Hits {
		res.Hits[i].Authorities = slices.Clone(res.Hits[i].Authorities)
	}
	res.Facets.Kind = slices.Clone(res.Facets.Kind)
	res.Facets.Authority = slices.Clone(res.Facets.Authority)
	res.Facets.Year = slices.Clone(res.Facets.Year)
	res.Facets.Validity = slices.Clone(res.Facets.Validity)
	return res
}
