package bleveindex

import (
	"strconv"
	"testing"
)

// TestEvictKeepsListsInUse fills a segment's block maxima past their
// limit twice, meeting one word's list again in between, as the words of
// most queries are: that list stays, the lists met only before go.
func TestEvictKeepsListsInUse(t *testing.T) {
	m := &segMaxes{lists: map[[2]string]*blockMaxes{}}
	key := func(i int) [2]string { return [2]string{fBody, "w" + strconv.Itoa(i)} }
	next := 0
	for ; next <= maxListsPerSegment; next++ { // one past full: an eviction
		m.entry(key(next))
	}
	if n := len(m.lists); n > maxListsPerSegment*3/4+1 {
		t.Fatalf("%d lists after an eviction; want at most %d", n, maxListsPerSegment*3/4+1)
	}
	hot := m.entry(key(0)) // met again
	for ; len(m.lists) < maxListsPerSegment; next++ {
		m.entry(key(next))
	}
	m.entry(key(next)) // the second eviction
	if m.lists[key(0)] != hot {
		t.Errorf("the list met since the last eviction was dropped")
	}
	for i := 1; i < maxListsPerSegment; i++ {
		if m.lists[key(i)] != nil {
			t.Fatalf("list %d, met only before the first eviction, kept after the second", i)
		}
	}
}

// TestEvictReleasesHolders has the lists of a segment take its room for
// holders, then evicts them: the room of the lists dropped is free again,
// and that of the lists kept is still taken.
func TestEvictReleasesHolders(t *testing.T) {
	m := &segMaxes{lists: map[[2]string]*blockMaxes{}}
	const need = 100
	for i := 0; i <= maxListsPerSegment; i++ { // one past full: an eviction
		e := m.entry([2]string{fBody, "w" + strconv.Itoa(i)})
		m.mu.Lock()
		m.holders += need // as holdersOf reserves it
		e.reserved = need
		m.mu.Unlock()
	}
	kept := 0
	for _, e := range m.lists {
		kept += e.reserved
	}
	if kept == 0 || m.holders != kept {
		t.Errorf("holders take %d bytes after an eviction; the lists kept reserved %d", m.holders, kept)
	}
}
