package bleveindex

import (
	"github.com/blevesearch/bleve/v2/index/scorch"
	seg "github.com/blevesearch/scorch_segment_api/v2"
	zapx "github.com/blevesearch/zapx/v17"
)

// Seeking in postings. zap keeps a postings list's frequencies, norms and
// positions in chunks of documents, and its iterator's Advance walks the
// list's documents one by one up to the target, decoding the entries of
// the target's chunk that come before it. Scoring the few hits that can
// reach a page, scattered over a word held by most documents (blockmax.go),
// walked tens of thousands of documents for each: half of a question's
// time. A seeker first moves the iterator's bitmap to the start of the
// target's chunk (the exported PostingsIterator.Actual), when that chunk is
// past the one the iterator is in: Advance then walks that chunk only,
// and loads it as it loads any new chunk. It does so only where that is
// exactly what Advance does from there: a list read without deletions
// (Actual is then the iterator of every document of the list, which
// Advance walks, and the chunks are numbered by its documents), in a
// segment of a chunk mode whose chunk size is known (chunkSize);
// TestSeekerAdvance checks it against Advance alone.
type seeker struct {
	it    seg.PostingsIterator
	zap   *zapx.PostingsIterator // nil: Advance alone
	chunk uint64                 // documents per chunk
}

// newSeeker returns the iterator of pl, a postings list of segment s read
// without deletions (cleanPostings), as a seeker.
func newSeeker(s *scorch.SegmentSnapshot, pl seg.PostingsList, locs bool) seeker {
	sk := seeker{it: pl.Iterator(true, true, locs, nil)}
	z, ok := sk.it.(*zapx.PostingsIterator)
	cm, ok2 := s.Segment().(interface{ ChunkMode() uint32 })
	if !ok || !ok2 || z.Actual == nil {
		return sk // not zap, or a list of one document (no chunks)
	}
	if size := chunkSize(cm.ChunkMode(), pl.Count(), s.Segment().Count()); size > 0 {
		sk.zap, sk.chunk = z, size
	}
	return sk
}

// advance returns the first posting at or after document target, nil when
// there is none; cur is the last posting it returned (nil for none).
func (sk seeker) advance(cur seg.Posting, target uint64) (seg.Posting, error) {
	if sk.zap != nil {
		if c := target / sk.chunk; c > 0 && (cur == nil || cur.Number()/sk.chunk < c) {
			sk.zap.Actual.AdvanceIfNeeded(uint32(c * sk.chunk))
		}
	}
	return sk.it.Advance(target)
}

// chunkSize is the number of documents per chunk of a postings list of n
// documents in a zap segment of the given chunk mode and number of
// documents, as zap's getChunkSize computes it (the layout of the segment
// file: it cannot change for a mode); 0 for a mode not known here.
func chunkSize(mode uint32, n, docs uint64) uint64 {
	switch {
	case mode == 0:
		return 0
	case mode <= 1024:
		return uint64(mode)
	case mode == 1025:
		if n <= 1024 {
			return docs
		}
		return 1024
	case mode == 1026:
		return docs / (n/1024 + 1)
	}
	return 0
}

// cleanPostings is the postings list of term in field of segment s, deleted
// documents included (see seeker); nil when s has no such field or term.
func cleanPostings(s *scorch.SegmentSnapshot, field, term string) (seg.PostingsList, error) {
	d, err := s.Segment().Dictionary(field)
	if err != nil || d == nil {
		return nil, err
	}
	return d.PostingsList([]byte(term), nil, nil)
}
