package ingesteval

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold is the form text is compared in: NFKC (so full-width digits and
// letters, ideographic spaces, compatibility ideographs and Kangxi radicals
// compare equal to their ordinary forms, as a reader sees them), with every
// whitespace character removed (line breaks, the spaces pdftotext -layout
// pads with, and the spaces some extractors put between Han characters are
// layout, not text), and with runs of three or more leader characters
// removed (the dot leaders of a table of contents, rules: layout too, and
// drawn differently by every extractor; a Chinese ellipsis …… goes with
// them, on both sides alike).
func Fold(s string) []rune { return fold(s, false) }

// foldRef folds a reference: as Fold, with U+FFFD counted among the leader
// characters, since a reference re-decoded from another encoding marks
// with it what it could not decode (the leaders of GBK-era files, mostly).
func foldRef(s string) []rune { return fold(s, true) }

func fold(s string, ref bool) []rune {
	s = norm.NFKC.String(s)
	out := make([]rune, 0, len(s)/3)
	run := 0 // leader characters at the end of out
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		if isLeader(r) || ref && r == unknown {
			run++
		} else {
			if run >= 3 {
				out = out[:len(out)-run]
			}
			run = 0
		}
		out = append(out, r)
	}
	if run >= 3 {
		out = out[:len(out)-run]
	}
	return out
}

// unknown is U+FFFD, the replacement character.
const unknown = '\uFFFD'

// isLeader reports whether r draws leaders or rules (after NFKC, which
// makes … three dots and － a hyphen).
func isLeader(r rune) bool {
	switch r {
	case '.', '·', '・', '⋯', '_', '-', '—', '─', '━', '…':
		return true
	}
	return false
}

// foldString is Fold as a string, for equality tests.
func foldString(s string) string { return string(Fold(s)) }

// MaxBand bounds the work of one edit distance: past this many errors the
// distance is reported as at least MaxBand+1 (Chars.Capped), and the
// accuracy as an upper bound. A text that far off has failed whatever its
// exact score, and an exact distance of two long, unrelated texts costs
// seconds.
const MaxBand = 4096

// Distance returns the Levenshtein distance between a and the reference b
// (insertions, deletions and substitutions of one character each) when it
// is at most limit; otherwise it returns limit+1 and false. A U+FFFD in b
// matches any one character of a: the reference does not know what is
// there, so nothing there is counted. It runs in
// O(min(len)·d) time for a distance d, by Ukkonen's diagonal band, doubled
// until the distance fits in it.
func Distance(a, b []rune, limit int) (int, bool) {
	// Common ends cost nothing and are most of a good extraction.
	for len(a) > 0 && len(b) > 0 && same(a[0], b[0]) {
		a, b = a[1:], b[1:]
	}
	for len(a) > 0 && len(b) > 0 && same(a[len(a)-1], b[len(b)-1]) {
		a, b = a[:len(a)-1], b[:len(b)-1]
	}
	diff := len(a) - len(b)
	if diff < 0 {
		diff = -diff
	}
	if diff > limit {
		return limit + 1, false
	}
	k := max(diff, 32)
	for {
		k = min(k, limit)
		if d, ok := banded(a, b, k); ok {
			return d, true
		}
		if k == limit {
			return limit + 1, false
		}
		k *= 2
	}
}

// same reports whether output character x matches reference character y.
func same(x, y rune) bool { return x == y || y == unknown }

// banded computes the edit distance of a and b if it is at most k, looking
// only at cells within k of the diagonal: a path through any other cell
// costs more than k.
func banded(a, b []rune, k int) (int, bool) {
	n, m := len(a), len(b)
	if n-m > k || m-n > k {
		return k + 1, false
	}
	const inf = 1 << 30
	w := 2*k + 1
	prev, cur := make([]int, w), make([]int, w)
	// Cell (i, j) lives at index j-i+k of row i.
	for d := range w {
		if j := d - k; j >= 0 && j <= m {
			prev[d] = j
		} else {
			prev[d] = inf
		}
	}
	for i := 1; i <= n; i++ {
		rowMin := inf
		for d := range w {
			j := i + d - k
			if j < 0 || j > m {
				cur[d] = inf
				continue
			}
			if j == 0 {
				cur[d] = i
			} else {
				v := prev[d]
				if !same(a[i-1], b[j-1]) {
					v++
				}
				if d+1 < w && prev[d+1]+1 < v {
					v = prev[d+1] + 1
				}
				if d > 0 && cur[d-1]+1 < v {
					v = cur[d-1] + 1
				}
				cur[d] = v
			}
			rowMin = min(rowMin, cur[d])
		}
		if rowMin > k {
			return k + 1, false
		}
		prev, cur = cur, prev
	}
	if d := prev[m-n+k]; d <= k {
		return d, true
	}
	return k + 1, false
}

// Chars is character accuracy summed over texts: 1 − errors / reference
// characters, over folded text (see Fold).
type Chars struct {
	Errors int // edit operations to turn the output into the reference
	Ref    int // characters of the reference
	Texts  int // texts compared
	// Capped counts texts whose distance exceeded MaxBand: their Errors
	// are a lower bound, so Accuracy is an upper bound.
	Capped int
}

// CompareText scores got against the reference want, both folded (see
// Fold and foldRef; a U+FFFD in want matches anything, see Distance).
func CompareText(got, want string) Chars {
	g, w := Fold(got), foldRef(want)
	d, ok := Distance(g, w, MaxBand)
	c := Chars{Errors: d, Ref: len(w), Texts: 1}
	if !ok {
		c.Capped = 1
	}
	return c
}

// Add sums two counts.
func (c Chars) Add(o Chars) Chars {
	return Chars{Errors: c.Errors + o.Errors, Ref: c.Ref + o.Ref, Texts: c.Texts + o.Texts, Capped: c.Capped + o.Capped}
}

// Accuracy is 1 − errors / reference characters, floored at 0 (an output
// much longer than the reference has more errors than the reference has
// characters). It is 0 for no reference at all.
func (c Chars) Accuracy() float64 {
	if c.Ref == 0 {
		return 0
	}
	return max(0, 1-float64(c.Errors)/float64(c.Ref))
}

// TitleMatch is the similarity (1 − distance / longer length, folded) a
// found title needs for its document to count as the true one in the
// boundary score: a start on the right page under a title with an OCR slip
// is the right boundary; the title field is scored exactly, separately.
const TitleMatch = 0.8

// similarity is 1 − distance / the longer length of two folded strings.
func similarity(a, b string) float64 {
	x, y := Fold(a), Fold(b)
	n := max(len(x), len(y))
	if n == 0 {
		return 1
	}
	d, _ := Distance(x, y, n)
	return 1 - float64(d)/float64(n)
}

// Boundaries counts document starts: Found by the pipeline, in the Truth,
// and Matched one to one.
type Boundaries struct{ Found, Truth, Matched int }

// Add sums two counts.
func (b Boundaries) Add(o Boundaries) Boundaries {
	return Boundaries{b.Found + o.Found, b.Truth + o.Truth, b.Matched + o.Matched}
}

// Precision is the share of found starts that are true; 0 when none found.
func (b Boundaries) Precision() float64 { return ratio(b.Matched, b.Found) }

// Recall is the share of true starts found; 0 when there are none.
func (b Boundaries) Recall() float64 { return ratio(b.Matched, b.Truth) }

// F1 is the harmonic mean of precision and recall.
func (b Boundaries) F1() float64 {
	p, r := b.Precision(), b.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// span is what the boundary match looks at in a document.
type span struct {
	start int
	title string
}

// matchStarts pairs found documents with true ones: a found document
// matches a true one when it starts on the same file page and its title is
// at least TitleMatch similar. Pairs are taken greedily, the most similar
// first, each document at most once. It returns, for each true document,
// the index of its found one or -1.
func matchStarts(found, truth []span) []int {
	type pair struct {
		f, t int
		sim  float64
	}
	var pairs []pair
	for ti, t := range truth {
		for fi, f := range found {
			if f.start != t.start {
				continue
			}
			if s := similarity(f.title, t.title); s >= TitleMatch {
				pairs = append(pairs, pair{fi, ti, s})
			}
		}
	}
	slices.SortStableFunc(pairs, func(a, b pair) int {
		switch {
		case a.sim > b.sim:
			return -1
		case a.sim < b.sim:
			return 1
		}
		return 0
	})
	out := make([]int, len(truth))
	for i := range out {
		out[i] = -1
	}
	used := make([]bool, len(found))
	for _, p := range pairs {
		if out[p.t] == -1 && !used[p.f] {
			out[p.t], used[p.f] = p.f, true
		}
	}
	return out
}

// sameSet reports whether two lists hold the same strings once folded,
// whatever their order and repetitions.
func sameSet(a, b []string) bool {
	set := func(xs []string) []string {
		var out []string
		for _, x := range xs {
			if f := foldString(x); f != "" {
				out = append(out, f)
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return slices.Equal(set(a), set(b))
}

// joinNonEmpty joins the non-empty strings with newlines.
func joinNonEmpty(parts ...string) string {
	var keep []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, "\n")
}
