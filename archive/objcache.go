package archive

import (
	"sync"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// objectCache keeps immutable objects read and verified before: issue
// manifests (written once, only if absent, never changed), decoded, in one,
// and records (named by their SHA-256), as bytes, in another. Reading a
// document then costs one storage read, its history's, instead of three,
// and no hashing or decoding of its issue's manifest. Callers outside the
// package never get what the cache holds: records are decoded anew,
// manifests cloned (inside it, sharedManifest lends one to readers that
// only read). It is bounded by the bytes the objects took in storage,
// least recently used out first. Safe for concurrent use.
type objectCache struct {
	mu       sync.Mutex
	lru      *simplelru.LRU[string, cached]
	bytes    int
	maxBytes int
}

// cached is an object in the cache with the bytes it took in storage.
type cached struct {
	v    any // []byte (a record) or *Manifest
	size int
}

// objectCacheBytes bounds the cache of records. Most records are a few
// KB; one larger than a 64th of the bound (a long law's) is read from
// storage each time rather than crowding out hundreds of others.
const objectCacheBytes = 64 << 20

// manifestCacheBytes bounds the cache of manifests: those of about 3,000
// issues of fifty documents (some 20 KB each in storage), the whole of a
// provincial gazette's run since 1949 and more.
const manifestCacheBytes = 64 << 20

func newObjectCache(maxBytes int) *objectCache {
	c := &objectCache{maxBytes: maxBytes}
	// Bounded by bytes below, not by count: the count bound is only a cap.
	c.lru, _ = simplelru.NewLRU(1<<20, func(_ string, v cached) { c.bytes -= v.size })
	return c
}

func (c *objectCache) get(key string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.lru.Get(key)
	return e.v, ok
}

// put keeps v, verified, under key, unless the size it took in storage is
// too large to be worth it. v is never changed afterwards.
func (c *objectCache) put(key string, v any, size int) {
	if size > c.maxBytes/64 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lru.Contains(key) {
		return
	}
	c.lru.Add(key, cached{v: v, size: size})
	c.bytes += size
	for c.bytes > c.maxBytes {
		c.lru.RemoveOldest()
	}
}
