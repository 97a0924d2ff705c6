package bleveindex

import (
	"cmp"
	"slices"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/index/scorch"
)

// Prebuilt block maxima. The block maxima of a word (blockmax.go) are read
// from all of its postings the first time a search meets it in a segment:
// 7 ms for 人民 in 63,000 documents. With questions in the mix, a third of
// the CPU time of searches even after 2,000 of them went to such first
// reads (and to phrase lists), most of it in the few searches that met
// several new common words at once: the tail of the latency. So when a
// search first meets a segment of at least prebuildMinDocs documents, one
// worker reads the lists of the prebuildWords words held by most of its
// documents (the dearest to read, and those most queries meet) in the
// background, a word at a time, each in a slot of the search gate taken
// only when it is free (admit.Gate.TryEnter): it never makes a search
// wait for a slot, and a search that meets a list being read waits for it
// as it would have read it itself. A build of the suggestion table, the
// other background work a first search starts, counts as a search. The
// lists are the ones a search would read (segMaxes.maxima, the same
// keys), so results are the same as without them. A segment merged away
// before the worker is done is left: its lists would serve no search, and
// they go with its table.

// prebuildMinDocs is the fewest documents of a segment whose lists are
// prebuilt (a variable for tests): in smaller ones a first read is cheap.
var prebuildMinDocs uint64 = 8192

// prebuildWords is how many words' lists (one per text field) are
// prebuilt per segment: half of maxListsPerSegment, leaving the other
// half to the words searches meet.
const prebuildWords = maxListsPerSegment / 4

// prebuildWait is how long the worker waits for a free slot of the gate
// before it looks again.
const prebuildWait = 5 * time.Millisecond

// prebuiltWords counts the words whose lists the worker has read, for
// tests.
var prebuiltWords atomic.Int64

// queuePrebuild has the worker prebuild the lists of segment s, met by a
// search for the first time (x.tables), if it is large enough.
func (x *Index) queuePrebuild(s *scorch.SegmentSnapshot) {
	if s.Segment().Count() < prebuildMinDocs {
		return
	}
	x.preMu.Lock()
	defer x.preMu.Unlock()
	if x.closing {
		return
	}
	x.preQueue = append(x.preQueue, s.Id())
	if !x.prebuilding {
		x.prebuilding = true
		x.warming.Go(x.prebuildLoop)
	}
}

// prebuildLoop prebuilds the lists of the queued segments, one at a time,
// until none is left or the index closes.
func (x *Index) prebuildLoop() {
	for {
		x.preMu.Lock()
		if len(x.preQueue) == 0 || x.closing {
			x.prebuilding = false
			x.preMu.Unlock()
			return
		}
		id := x.preQueue[0]
		x.preQueue = x.preQueue[1:]
		x.preMu.Unlock()
		x.prebuildSegment(id)
	}
}

// prebuildSegment reads the lists of the words most documents of segment
// id hold, the most held first, while the segment is current. Errors are
// left to the searches that meet them.
func (x *Index) prebuildSegment(id uint64) {
	r, err := x.reader()
	if err != nil {
		return
	}
	defer r.Close()
	segs := r.Segments()
	i := slices.IndexFunc(segs, func(s *scorch.SegmentSnapshot) bool { return s.Id() == id })
	if i < 0 {
		return // merged away
	}
	// Its table as searches hold it (x.tables, called here on a snapshot
	// older than a search's, would have them forget newer tables).
	x.tabMu.Lock()
	e := x.tabs[id]
	x.tabMu.Unlock()
	if e == nil {
		return
	}
	s := segs[i]
	e.once.Do(func() { e.t, e.err = x.buildTable(s) })
	if e.err != nil {
		return
	}
	t := e.t
	// The dictionaries are walked in slots too: seconds of CPU in a
	// segment of 100,000 documents.
	leave, ok := x.idleSlot()
	if !ok {
		return
	}
	words, err := commonWords(s, func() bool {
		leave()
		leave, ok = x.idleSlot()
		return ok && x.current(id)
	})
	if ok {
		leave()
	}
	if err != nil || !ok {
		return
	}
	m := segmentMaxes(t)
	for _, w := range words {
		if !x.current(id) {
			return
		}
		leave, ok := x.idleSlot()
		if !ok {
			return
		}
		for j, f := range textFields {
			var head string
			if j > 0 {
				head = textFields[0].name + w.suffix
			}
			_, err = m.maxima(s, t, f.name+w.suffix, head, w.term)
		}
		leave()
		if err != nil {
			return
		}
		prebuiltWords.Add(1)
	}
}

// commonWord is a term of a text field (by suffix: bigrams or 4-grams)
// and how many documents of a segment hold it in the body.
type commonWord struct {
	suffix, term string
	docs         uint64
}

// commonWords returns the prebuildWords terms most documents of s hold in
// the body, of those held by 1/prunedShare of them (searched by blocks),
// the most held first. It calls pause every pauseTerms terms it reads,
// and stops, returning no words, when that returns false.
func commonWords(s *scorch.SegmentSnapshot, pause func() bool) ([]commonWord, error) {
	n := s.Segment().Count()
	var words []commonWord
	read := 0
	// walk adds the common terms of the body's field with suffix from
	// from (inclusive) to to (exclusive), nil for no bound.
	walk := func(suffix string, from, to []byte) (bool, error) {
		d, err := s.Segment().Dictionary(fBody + suffix)
		if err != nil || d == nil {
			return false, err
		}
		it := d.AutomatonIterator(nil, from, to)
		for {
			e, err := it.Next()
			if err != nil || e == nil {
				return err == nil, err
			}
			if e.Count*prunedShare >= n {
				words = append(words, commonWord{suffix, e.Term, e.Count})
			}
			if read++; read%pauseTerms == 0 && !pause() {
				return false, nil
			}
		}
	}
	if ok, err := walk("", nil, nil); !ok {
		return nil, err
	}
	// A 4-gram's first two characters are a bigram (shingles) that every
	// document holding it holds too: only the 4-grams of common bigrams
	// can be common, and only their ranges of the dictionary are walked.
	// The ranges are disjoint and in order, so the words come in the
	// order of a walk of the whole dictionary.
	for _, w := range words {
		if utf8.RuneCountInString(w.term) != 2 {
			continue
		}
		if ok, err := walk(shingleSuffix, []byte(w.term), []byte(w.term+"\xff")); !ok { // no UTF-8 byte is 0xff
			return nil, err
		}
	}
	slices.SortFunc(words, func(a, b commonWord) int { return cmp.Compare(b.docs, a.docs) })
	return words[:min(len(words), prebuildWords)], nil
}

// pauseTerms is how many terms commonWords reads in one slot of the gate,
// about a millisecond (a variable for tests).
var pauseTerms = 2048

// current reports whether segment id is in the newest snapshot a search
// has met.
func (x *Index) current(id uint64) bool {
	x.tabMu.Lock()
	defer x.tabMu.Unlock()
	return x.tabs[id] != nil
}

// idleSlot waits for a free slot of the search gate, and while the
// suggestion table is being built, for one more, and takes one; or
// returns false when the index closes.
func (x *Index) idleSlot() (leave func(), ok bool) {
	for {
		select {
		case <-x.stop:
			return nil, false
		default:
		}
		// A build of the suggestion table (3 s of CPU for 100,000
		// documents, started by the first lean search) takes a CPU of
		// its own, not a slot: beside it and a search, the worker made
		// three threads on two cores, and bench-search's run at 1
		// client, p99 36 ms, 42-56.
		spare := 0
		if x.suggest.Building() {
			spare = 1
		}
		if leave, ok := x.gate.Load().TryEnterSparing(spare); ok {
			return leave, true
		}
		select {
		case <-x.stop:
			return nil, false
		case <-time.After(prebuildWait):
		}
	}
}
