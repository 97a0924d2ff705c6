package archive

import (
	"sync"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// objectCache keeps the bytes of immutable objects read and verified
// before: issue manifests (written once, only if absent, never changed)
// and records (named by their SHA-256). Reading a document then costs one
// storage read, its history's, instead of three, and no hashing. Entries
// are bytes, decoded anew by each reader, so no caller can change what
// another reads. It is bounded in bytes, least recently used out first.
// Safe for concurrent use.
type objectCache struct {
	mu       sync.Mutex
	lru      *simplelru.LRU[string, []byte]
	bytes    int
	maxBytes int
}

// objectCacheBytes bounds the object cache. Most manifests and records are
// a few KB; one larger than a 64th of the bound (a long law's record) is
// read from storage each time rather than crowding out hundreds of others.
const objectCacheBytes = 64 << 20

func newObjectCache(maxBytes int) *objectCache {
	c := &objectCache{maxBytes: maxBytes}
	// Bounded by bytes below, not by count: the count bound is only a cap.
	c.lru, _ = simplelru.NewLRU(1<<20, func(_ string, v []byte) { c.bytes -= len(v) })
	return c
}

func (c *objectCache) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Get(key)
}

// put keeps raw, verified, under key, unless it is too large to be worth it.
func (c *objectCache) put(key string, raw []byte) {
	if len(raw) > c.maxBytes/64 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lru.Contains(key) {
		return
	}
	c.lru.Add(key, raw)
	c.bytes += len(raw)
	for c.bytes > c.maxBytes {
		c.lru.RemoveOldest()
	}
}
