package ocr

import (
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/page"
)

// One name, several readings. An original prints its issuer's place over
// and over: in the 发文机关标志 (large, often red), the title, the
// signature, the 版记's 印发机关, the titles of attachments. OCR misreads
// a rare character of it differently each time (岚州省 read as 岗州省, 由州省
// and 网州省 in one file), or loses its front in the large type
// (省人民政府令第209号). Where the lexicon does not know the place (see
// fixNames), the file's own readings settle it: aligned on the character
// that ends the place's name (省, 市, 县, 区), each character of the name
// is the one most readings print there. A reading a character off is then
// written as settled, a heading that lost the name's front gets it back,
// and a 文号 whose agency code begins with a character the name was
// misread as (岗建 where 岚州省 was read 岗州省) begins with the name's.
// Where a second model read the name's lines again (see readNames), its
// readings vote too, the two models alike (see tally), and a character
// only one model reads is a misreading of one both read that scores more.
// Each change is recorded (RuleAgree) with the page's confidence.

// RuleAgree names a correction to the reading most of a file's readings of
// a name agree on.
const RuleAgree = "agree"

// nameEnds are the characters that end the name of a place an issuer
// belongs to.
const nameEnds = "省市县区"

// Lengths of a place's name before its end, as settled.
const (
	minPlace = 2 // 广东省, 深圳市
	maxPlace = 4
)

// nameSpot is one reading of a place's name: where it stands, and its
// characters before the end.
type nameSpot struct {
	page, line int
	at         []int  // the name's runes' indexes in the line's text, in order
	name       []rune // as read
	end        rune
	start      bool // the name begins a line, or a quoted title (《…)
	votes      bool // it takes part in settling the name
	// other is a spot of one of the line's other readings (see
	// readNames): it votes, but is no text to correct.
	other bool
}

// squeezedLine is a line's runes without spaces, and each one's index in
// the line's text.
func squeezedLine(text string) (rs []rune, at []int) {
	for i, r := range []rune(text) {
		if !unicode.IsSpace(r) {
			rs = append(rs, r)
			at = append(at, i)
		}
	}
	return rs, at
}

// authorityAfter reports whether rs at i goes on as a body's name does
// after its place (人民政府, 教育厅, …).
func authorityAfter(rs []rune, i int) bool {
	rest := string(rs[i:])
	if strings.HasPrefix(rest, "人民") || strings.HasPrefix(rest, "政府") {
		return true
	}
	return slices.ContainsFunc(departments, func(d string) bool { return strings.HasPrefix(rest, d) })
}

// nameSpots finds the readings of place names in a file's lines: each
// run of Han characters before an end that begins a line or a quoted
// title (its whole run up to the end, 2 to maxPlace characters), or that
// a body's name follows (up to maxPlace characters before it).
func nameSpots(pages []page.Page) []nameSpot {
	var out []nameSpot
	for pi, p := range pages {
		for li, l := range p.Lines {
			for ri, text := range append([]string{l.Text}, l.Readings...) {
				out = append(out, textSpots(pi, li, text, ri > 0)...)
			}
		}
	}
	return out
}

// textSpots are the name spots of one reading of line li of page pi.
func textSpots(pi, li int, text string, other bool) []nameSpot {
	var out []nameSpot
	rs, at := squeezedLine(text)
	for i, r := range rs {
		if !strings.ContainsRune(nameEnds, r) || i+1 >= len(rs) {
			continue
		}
		k := i // the name's first rune
		for k > 0 && i-k < maxPlace && unicode.Is(unicode.Han, rs[k-1]) && rs[k-1] != '《' {
			k--
		}
		start := k == 0 || rs[k-1] == '《'
		s := nameSpot{page: pi, line: li, at: at[k:i], name: slices.Clone(rs[k:i]), end: r, start: start, other: other}
		s.votes = authorityAfter(rs, i+1) || start && i-k >= minPlace
		if i-k == 0 && !start {
			continue
		}
		out = append(out, s)
	}
	return out
}

// settledName is a place's name as a file's readings settle it, and the
// characters it was misread as at each position.
type settledName struct {
	name    []rune
	end     rune
	misread map[rune]rune // a character read for one of the name's
}

// settleNames settles the place names of spots, one for each end (a file
// names its issuer's province or city; a name of another place differs
// in more than a character, or is a division the lexicon knows). The
// name's length is that of most readings that begin a line; each
// character the one at least two readings print there, and that scores
// more than any other (see tally). Where one position has no such
// character, the lexicon may settle it (see stemAt); else no name is
// settled.
func settleNames(spots []nameSpot) []settledName {
	var out []settledName
	for _, end := range nameEnds {
		lengths := map[int]int{}
		for _, s := range spots {
			if s.end == end && s.start && s.votes && len(s.name) >= minPlace {
				lengths[len(s.name)]++
			}
		}
		n, best, tie := 0, 0, false
		for l, c := range lengths {
			switch {
			case c > best:
				n, best, tie = l, c, false
			case c == best:
				tie = true
			}
		}
		if n == 0 || tie {
			continue
		}
		name := make([]rune, n)
		tallies := make([]tally, n)
		for j := range n {
			tallies[j] = tally{}
		}
		for _, s := range spots {
			if s.end != end || !s.votes || len(s.name) < n || s.start && len(s.name) != n {
				continue
			}
			tail := s.name[len(s.name)-n:]
			for j, r := range tail {
				tallies[j].add(r, s.other)
			}
		}
		open, unsettled := -1, 0 // a position no character settles; how many
		for j := range n {
			var top rune
			best, tie := 0, false
			for r := range tallies[j] {
				switch c := tallies[j].score(r); {
				case c > best:
					top, best, tie = r, c, false
				case c == best:
					tie = true
				}
			}
			if tie || tallies[j].count(top) < 2 {
				open, unsettled = j, unsettled+1
				continue
			}
			name[j] = top
		}
		byStem := unsettled == 1 && stemAt(name, open, tallies[open])
		if unsettled > 0 && !byStem || slices.ContainsFunc(name, func(r rune) bool { return strings.ContainsRune(nameEnds, r) }) {
			continue // no name, or the end of another word run in (城市管理局)
		}
		sn := settledName{name: name, end: end, misread: map[rune]rune{}}
		known := divisionNames()
		for j := range n {
			t := tallies[j]
			for r := range t {
				// A misreading: it scores half the name's character or
				// less, or fewer models read it (岗 the first model's
				// only, 岚 both's); any other, where the lexicon settled
				// the position. And it makes no place of its own (惠州市
				// beside 广州市: its 惠府 is no misread 广府).
				other := slices.Clone(name)
				other[j] = r
				c := name[j]
				wrong := 2*t.score(r) <= t.score(c) || t.models(r) < t.models(c) || byStem && j == open
				if r != c && wrong && !known[string(other)+string(end)] {
					sn.misread[r] = c
				}
			}
		}
		out = append(out, sn)
	}
	return out
}

// tally counts the characters read at one position of a name: by the
// first model (the line's text) and by the second (its other readings).
type tally map[rune]*[2]int

func (t tally) add(r rune, other bool) {
	if t[r] == nil {
		t[r] = new([2]int)
	}
	if other {
		t[r][1]++
	} else {
		t[r][0]++
	}
}

// count is how many readings print r.
func (t tally) count(r rune) int {
	if t[r] == nil {
		return 0
	}
	return t[r][0] + t[r][1]
}

// models is how many models read r at least once.
func (t tally) models(r rune) int {
	n := 0
	for m := range 2 {
		if t[r] != nil && t[r][m] > 0 {
			n++
		}
	}
	return n
}

// score weighs r by the share of each model's readings that print it,
// the two models alike however many lines each read: the first model
// reads 岚州 岗州 ten times and 岚州 three, the second 岚州 eight times of
// nine; 岚 scores 3/13 + 8/9, 岗 10/13. In whole numbers: each share times
// the other model's total (or 1 where it read nothing there).
func (t tally) score(r rune) int {
	var total [2]int
	for _, c := range t {
		total[0] += c[0]
		total[1] += c[1]
	}
	if t[r] == nil {
		return 0
	}
	return t[r][0]*max(1, total[1]) + t[r][1]*max(1, total[0])
}

// stemAt settles position j of name, which the readings do not, where
// exactly one character read there (tally) makes the name a division's
// stem that the lexicon knows (苍梧, of 苍梧县; its 苍 read 敬, 爸, 苑 and 苍
// once each, by two models): a real place's name is likelier than a misreading.
func stemAt(name []rune, j int, t tally) bool {
	stems := divisionStems()
	found := rune(0)
	for r := range t {
		try := slices.Clone(name)
		try[j] = r
		if !stems[string(try)] {
			continue
		}
		if found != 0 {
			return false
		}
		found = r
	}
	if found == 0 {
		return false
	}
	name[j] = found
	return true
}

// divisionStems are the names of China's divisions without the character
// that ends them (苍梧 of 苍梧县, 广州 of 广州市), two characters or more.
var divisionStems = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	for n := range divisionNames() {
		rs := []rune(n)
		if len(rs) > minPlace && strings.ContainsRune(nameEnds, rs[len(rs)-1]) {
			out[string(rs[:len(rs)-1])] = true
		}
	}
	return out
})

// CheckNames settles the place names the file's lines read (see above)
// and writes each reading a character off as settled, where the reading
// is no division the lexicon knows; a 令 heading or 发文机关标志 that
// lost the name's front gets it back; and a regular 文号 whose agency
// code begins with a character the name was misread as begins with the
// name's character. Pages of other extractors vote but are left alone.
func CheckNames(pages []page.Page) {
	spots := nameSpots(pages)
	names := settleNames(spots)
	if len(names) == 0 {
		return
	}
	known := divisionNames()
	type fix struct {
		at   int // rune index in the line's text
		with []rune
		ins  bool // inserted before at, not replacing
	}
	fixes := map[[2]int][]fix{}
	for _, s := range spots {
		if pages[s.page].Extractor != page.OCR || s.other {
			continue
		}
		for _, sn := range names {
			if s.end != sn.end {
				continue
			}
			n := len(sn.name)
			key := [2]int{s.page, s.line}
			switch {
			case len(s.name) >= n && (s.start && len(s.name) == n || !s.start && s.votes):
				tail := s.name[len(s.name)-n:]
				diff := -1
				for j := range n {
					if tail[j] != sn.name[j] {
						if diff >= 0 {
							diff = -2
							break
						}
						diff = j
					}
				}
				if diff < 0 || sn.misread[tail[diff]] != sn.name[diff] || known[string(tail)+string(s.end)] {
					continue
				}
				fixes[key] = append(fixes[key], fix{at: s.at[len(s.name)-n+diff], with: []rune{sn.name[diff]}})
			case s.start && len(s.name) < n && slices.Equal(s.name, sn.name[n-len(s.name):]) && lostFront(pages[s.page], s.line, sn):
				at := 0
				if len(s.at) > 0 {
					at = s.at[0]
				} else {
					_, idx := squeezedLine(pages[s.page].Lines[s.line].Text)
					at = idx[0]
				}
				fixes[key] = append(fixes[key], fix{at: at, with: slices.Clone(sn.name[:n-len(s.name)]), ins: true})
			}
		}
	}
	for pi := range pages {
		p := &pages[pi]
		if p.Extractor != page.OCR {
			continue
		}
		for li, l := range p.Lines {
			rs := []rune(l.Text)
			fs := fixes[[2]int{pi, li}]
			slices.SortFunc(fs, func(a, b fix) int { return b.at - a.at })
			for _, f := range fs {
				if f.ins {
					rs = slices.Insert(rs, f.at, f.with...)
				} else {
					rs[f.at] = f.with[0]
				}
			}
			rs = agreeCodes(rs, names)
			if text := string(rs); text != l.Text {
				p.Corrections = append(p.Corrections, page.Correction{Line: li, From: l.Text, To: text, Rule: RuleAgree, Confidence: p.Confidence})
				p.Lines[li].Text = text
			}
		}
	}
}

// lostFront reports whether line li of p, which begins with the tail of
// the settled name sn, is a heading that lost the name's front: a 令
// heading or 发文机关标志 (省人民政府令第209号, 梧省人民政府文件) or a
// line of its own not wrapped from the line before (the line before
// ends as a sentence, or holds nothing of the name).
func lostFront(p page.Page, li int, sn settledName) bool {
	rs, _ := squeezedLine(p.Lines[li].Text)
	i := slices.Index(rs, sn.end)
	if i < 0 || !authorityAfter(rs, i+1) {
		return false
	}
	t := string(rs)
	heading := strings.Contains(t, "令") || strings.HasSuffix(t, "文件")
	if !heading {
		return false
	}
	if li > 0 {
		prev, _ := squeezedLine(p.Lines[li-1].Text)
		if len(prev) > 0 && strings.ContainsRune(string(sn.name), prev[len(prev)-1]) {
			return false // the name wrapped: its front ends the line before
		}
	}
	return true
}

// agreeCodes writes the first character of each regular 文号's agency
// code in rs as the settled name's where it is a character the name was
// misread as in this file (岗建 where 岚州省 was read 岗州省 too).
func agreeCodes(rs []rune, names []settledName) []rune {
	s := string(rs)
	for _, m := range gazette.FindDocNumbers(s) {
		if m.Number.Kind != gazette.DocNumberRegular {
			continue
		}
		code := []rune(m.Number.Agency)
		if len(code) < 2 || gazette.IsProvinceAbbrev(code[0]) {
			continue
		}
		raw := []rune(s[m.Start:m.End])
		if raw[0] != code[0] {
			continue
		}
		for _, sn := range names {
			if to, ok := sn.misread[code[0]]; ok {
				at := len([]rune(s[:m.Start]))
				rs[at] = to
				break
			}
		}
	}
	return rs
}

// divisionNames is the set of China's divisions' names (see divisions),
// of any length: the lexicon holds only those long enough to correct.
var divisionNames = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	for f := range divisionRows() {
		for _, n := range f {
			if n != "" {
				out[n] = true
			}
		}
	}
	return out
})
