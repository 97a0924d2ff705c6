package bleveindex

import (
	"fmt"
	"math/rand/v2"
	"slices"

	seg "github.com/blevesearch/scorch_segment_api/v2"
)

// SeekAgrees reads term in every text field of every segment of x with a
// seeker and with zap's Advance alone, side by side, to targets at random
// gaps (some past many chunks, some not in the list), and reports the
// first posting they disagree on (document, frequency, norm, positions),
// and how many advances jumped to a later chunk.
func (x *Index) SeekAgrees(term string, seed uint64) (jumps int, err error) {
	r, err := x.reader()
	if err != nil {
		return 0, err
	}
	defer r.Close()
	rng := rand.New(rand.NewPCG(seed, seed))
	for _, s := range r.Segments() {
		n := s.Segment().Count()
		for _, f := range textFields {
			for _, locs := range []bool{false, true} {
				pl, err := cleanPostings(s, f.name, term)
				if err != nil || pl == nil {
					return jumps, err
				}
				sk := newSeeker(s, pl, locs)
				plain := pl.Iterator(true, true, locs, nil)
				var a, b seg.Posting
				for target := uint64(rng.IntN(64)); target < n; target += 1 + uint64(rng.IntN(300)) {
					if a != nil && a.Number() >= target {
						continue
					}
					if sk.zap != nil && target/sk.chunk > 0 && (a == nil || a.Number()/sk.chunk < target/sk.chunk) {
						jumps++
					}
					if a, err = sk.advance(a, target); err != nil {
						return jumps, err
					}
					if b, err = plain.Advance(target); err != nil {
						return jumps, err
					}
					if (a == nil) != (b == nil) {
						return jumps, fmt.Errorf("%s in %s at %d: seeker %v, Advance %v", term, f.name, target, a, b)
					}
					if a == nil {
						break
					}
					if a.Number() != b.Number() || a.Frequency() != b.Frequency() || a.Norm() != b.Norm() || !slices.Equal(postingPositions(a), postingPositions(b)) {
						return jumps, fmt.Errorf("%s in %s at %d: seeker %d ×%d norm %v at %v, Advance %d ×%d norm %v at %v", term, f.name, target,
							a.Number(), a.Frequency(), a.Norm(), postingPositions(a), b.Number(), b.Frequency(), b.Norm(), postingPositions(b))
					}
				}
			}
		}
	}
	return jumps, nil
}

func postingPositions(p seg.Posting) []uint64 {
	var out []uint64
	for _, l := range p.Locations() {
		out = append(out, l.Pos())
	}
	return out
}

// PhraseListsRead is how many phrase lists searches have read
// (phraselist.go), in this process.
func PhraseListsRead() int64 { return phraseListsRead.Load() }

// SetPhraseListMin sets the fewest candidates of a phrase for which a
// phrase list is read, until restore is called.
func SetPhraseListMin(n uint64) (restore func()) {
	old := phraseListMin
	phraseListMin = n
	return func() { phraseListMin = old }
}
