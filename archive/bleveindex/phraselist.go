package bleveindex

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// Phrase lists. A word of three Han characters (当事人, 劳动者) is the
// phrase of its two bigrams, and which documents hold it, and how often,
// is known only from the positions of both in every document holding
// both: 当事人 in 38,000 of 100,000 documents cost 10 to 20 ms a search,
// the dearest term of the questions that hold it, and such words recur
// across questions. A segment never changes, so the first search that
// meets a phrase with at least phraseListMin candidates in a field of a
// segment reads them once into a phrase list: the documents holding the
// phrase there (deleted ones too: a search of an older snapshot may still
// see them; each search drops its own), with the phrase's frequency and
// the field's norm in each, the figures the positions give (clauseReader.
// match). Searches then take the phrase's documents and scores from it,
// reading no postings. Memory: 12 bytes per document holding the phrase,
// at most phraseListBytes a segment (then the lists are dropped and read
// again as they are met).

const phraseListBytes = 32 << 20

// phraseListMin is the fewest candidates of a phrase in a field of a
// segment for which a phrase list is read (a variable for tests).
var phraseListMin uint64 = 1024

// phraseListsRead counts the phrase lists read, for tests.
var phraseListsRead atomic.Int64

// phraseList is one phrase in one field of one segment, read once.
type phraseList struct {
	once  sync.Once
	docs  *roaring.Bitmap // the documents holding the phrase
	local []uint32        // the same, ascending
	freq  []uint32        // the phrase's frequency in each
	norm  []float32       // the field's norm in each (zap keeps float32s)
	err   error
}

// segPhrases holds the phrase lists of one segment.
type segPhrases struct {
	mu    sync.Mutex
	lists map[string]*phraseList
	bytes int
}

// phraseListOf returns the phrase list of clause c in field of segment s,
// whose table is t, reading it the first time.
func phraseListOf(s *scorch.SegmentSnapshot, t *segTable, field string, c clause) (*phraseList, error) {
	m := segmentMaxes(t)
	var key strings.Builder
	key.WriteString(field)
	for i, term := range c.terms {
		key.WriteString("\x00" + term + "@" + strconv.FormatUint(c.offsets[i], 10))
	}
	m.phrases.mu.Lock()
	e := m.phrases.lists[key.String()]
	if e == nil {
		if m.phrases.lists == nil || m.phrases.bytes >= phraseListBytes {
			m.phrases.lists, m.phrases.bytes = map[string]*phraseList{}, 0
		}
		e = &phraseList{}
		m.phrases.lists[key.String()] = e
	}
	m.phrases.mu.Unlock()
	e.once.Do(func() {
		e.err = e.read(s, field, c)
		phraseListsRead.Add(1)
		m.phrases.mu.Lock()
		m.phrases.bytes += 12 * len(e.local)
		m.phrases.mu.Unlock()
	})
	return e, e.err
}

// read reads the positions of c's terms in every document of segment s
// holding them all in field, deleted ones too.
func (e *phraseList) read(s *scorch.SegmentSnapshot, field string, c clause) error {
	e.docs = roaring.New()
	r := &clauseReader{clause: c, clean: true}
	for _, term := range c.terms {
		pl, err := cleanPostings(s, field, term)
		if err != nil {
			return err
		}
		if pl == nil || pl.Count() == 0 {
			return nil
		}
		one := roaring.New()
		if !orInto(one, pl) {
			return errNotDirect
		}
		if r.cands == nil {
			r.cands = one
		} else {
			r.cands.And(one)
		}
		r.pls = append(r.pls, pl)
	}
	if err := r.open(s, field); err != nil {
		return err
	}
	var err error
	r.cands.Iterate(func(local uint32) bool {
		var freq int
		var norm float64
		if freq, norm, err = r.match(uint64(local)); err != nil || freq == 0 {
			return err == nil
		}
		e.local = append(e.local, local)
		e.freq = append(e.freq, uint32(freq))
		e.norm = append(e.norm, float32(norm))
		return true
	})
	if err != nil {
		return err
	}
	e.docs.AddMany(e.local)
	e.local, e.freq, e.norm = slices.Clip(e.local), slices.Clip(e.freq), slices.Clip(e.norm)
	return nil
}

// find returns the phrase's frequency and the norm in document local, 0
// when it does not hold the phrase, and the index to search from next
// (at, before: the calls come mostly in ascending order).
func (e *phraseList) find(at int, local uint32) (freq int, norm float64, next int) {
	l := e.local
	at = min(at, len(l))
	if at > 0 && l[at-1] >= local {
		at = 0 // backwards: from the start
	}
	// gallop from at: every entry before at is below local, and local
	// is at hi or before (or nowhere)
	hi, step := at, 1
	for hi < len(l) && l[hi] < local {
		at, hi, step = hi+1, hi+step, step*2
	}
	i, found := slices.BinarySearch(l[at:min(hi+1, len(l))], local)
	if !found {
		return 0, 0, at + i
	}
	return int(e.freq[at+i]), float64(e.norm[at+i]), at + i
}
