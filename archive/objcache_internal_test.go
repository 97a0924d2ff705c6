package archive

import (
	"fmt"
	"strings"
	"testing"
)

func TestObjectCacheBound(t *testing.T) {
	c := newObjectCache(64 * 100) // entries up to 100 bytes
	for i := range 100 {
		c.put(fmt.Sprint("k", i), strings.Repeat("x", 90), 90)
		c.get("k0") // kept in use: the least recently used go first
	}
	if c.bytes > c.maxBytes {
		t.Errorf("%d bytes kept, bound %d", c.bytes, c.maxBytes)
	}
	if _, ok := c.get("k0"); !ok {
		t.Error("the entry in use was dropped")
	}
	if _, ok := c.get("k1"); ok {
		t.Error("the oldest unused entry was kept past the bound")
	}
	if _, ok := c.get("k99"); !ok {
		t.Error("the newest entry was dropped")
	}
	c.put("big", strings.Repeat("x", 101), 101)
	if _, ok := c.get("big"); ok {
		t.Error("an entry over a 64th of the bound was kept")
	}
}
