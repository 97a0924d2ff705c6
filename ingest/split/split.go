package split

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/ingest/layout"
	"github.com/gazette-archive/gazette/ingest/meta"
	"github.com/gazette-archive/gazette/ingest/page"
)

// Source says how a document's start was found.
type Source string

// The ways a start is found, from the most to the least certain.
const (
	// FromContents: a table-of-contents entry whose title was found on the
	// page it points to.
	FromContents Source = "contents"
	// FromShape: the shape of the text (title, 文号, 令 heading, banner,
	// previous signature).
	FromShape Source = "shape"
	// FromPage: a table-of-contents entry that could not be confirmed,
	// placed at the top of the page it points to.
	FromPage Source = "page"
)

// Entry is one line of the table of contents.
type Entry struct {
	Title   string `json:"title"`
	Section string `json:"section,omitempty"`
	Printed int    `json:"printed"` // the page number printed in the entry, 0 if none
	File    int    `json:"file"`    // the file page it maps to, 0 if unknown
}

// Document is one document of the issue.
type Document struct {
	Title      string             `json:"title"`
	Section    string             `json:"section,omitempty"`
	PageStart  int                `json:"page_start"` // file pages, 1-based, inclusive
	PageEnd    int                `json:"page_end"`
	Paragraphs []layout.Paragraph `json:"paragraphs"`
	Source     Source             `json:"source"`
}

// Text returns the document's paragraphs, one a line.
func (d Document) Text() string { return layout.Text(d.Paragraphs) }

// Issue is an issue split into its parts.
type Issue struct {
	// Contents is the table of contents, empty if none was found.
	Contents []Entry `json:"contents,omitempty"`
	// ContentsPages are the file pages holding it.
	ContentsPages []int `json:"contents_pages,omitempty"`
	// Front is what comes before the first document: cover, contents.
	Front     []layout.Paragraph `json:"front"`
	Documents []Document         `json:"documents"`
}

// Split divides cleaned pages into documents. It never fails: an issue
// whose starts cannot be found is one document.
func Split(pages []layout.Page) Issue {
	var is Issue
	var headed bool
	is.Contents, is.ContentsPages, headed = findContents(pages)
	paras := layout.Paragraphs(pages)
	fileOf := printedToFile(pages)
	for i := range is.Contents {
		is.Contents[i].File = fileOf(is.Contents[i].Printed)
	}
	s, starts, confirmed := confirm(paras, is.Contents, is.ContentsPages)
	if !headed && len(is.Contents) > 0 && confirmed*2 < len(is.Contents) {
		// Contents known by their shape alone whose titles are not in
		// the issue were something else (a table of figures): pages of
		// the documents, read again as such.
		is.Contents, is.ContentsPages = nil, nil
		s, starts, confirmed = confirm(paras, nil, nil)
	}
	skip := s.skip
	if len(is.Contents) == 0 || confirmed*2 < len(is.Contents) {
		// No usable contents: the shape decides, contents-confirmed
		// starts kept.
		starts = s.merge(starts, s.shapeStarts(0, len(paras)))
	} else {
		// Contents that a scan read only in part (an entry's page number
		// lost, two entries run together) miss documents: a start of the
		// surest shape, a title straight over its 文号 after the end of
		// the document before, is one all the same.
		starts = s.merge(starts, s.sureShapeStarts(starts))
	}
	slices.SortFunc(starts, func(a, b start) int { return a.para - b.para })
	starts = slices.CompactFunc(starts, func(a, b start) bool { return a.para == b.para })
	s.withMastheads(starts)
	first := len(paras)
	if len(starts) > 0 {
		first = starts[0].para
	}
	for i := 0; i < first; i++ {
		is.Front = append(is.Front, paras[i])
	}
	if len(starts) == 0 {
		var body []layout.Paragraph
		for i, p := range paras {
			if !skip[p.Page] {
				body = append(body, paras[i])
			}
		}
		if len(body) > 0 {
			is.Front = nil
			is.Documents = []Document{document(body, "", "", FromShape)}
		}
		return is
	}
	for k, st := range starts {
		end := len(paras)
		if k+1 < len(starts) {
			end = starts[k+1].para
		}
		var body []layout.Paragraph
		for i := st.para; i < end; i++ {
			if skip[paras[i].Page] || s.banner[i] != "" {
				continue
			}
			body = append(body, paras[i])
		}
		if len(body) == 0 {
			continue
		}
		title := st.title
		if title == "" {
			title = s.headingTitle(st.para, end)
		}
		is.Documents = append(is.Documents, document(body, title, s.sectionAt(st.para, st.section), st.source))
	}
	return is
}

// confirm reads the paragraphs with the contents pages left out and
// looks for the contents' entries in them: the scanner, the starts found
// and how many of them the contents confirmed.
func confirm(paras []layout.Paragraph, contents []Entry, contentsPages []int) (*scanner, []start, int) {
	skip := map[int]bool{}
	for _, p := range contentsPages {
		skip[p] = true
	}
	s := newScanner(paras, skip)
	for _, e := range contents {
		if e.Section != "" {
			s.sections[string(normal(e.Section))] = true
		}
	}
	s.shape()
	starts := s.fromContents(contents)
	confirmed := 0
	for _, st := range starts {
		if st.source == FromContents {
			confirmed++
		}
	}
	return s, starts, confirmed
}

func document(body []layout.Paragraph, title, section string, src Source) Document {
	d := Document{Title: title, Section: section, Paragraphs: body, Source: src, PageStart: body[0].Page}
	for _, p := range body {
		d.PageEnd = max(d.PageEnd, p.PageEnd, p.Page)
	}
	return d
}

// start is a document start: an index into the paragraphs.
type start struct {
	para    int
	title   string
	section string
	source  Source
}

// printedToFile returns a function mapping a printed page number to a file
// page: the page printing it, else by the usual offset between printed and
// file numbers; 0 when the issue prints no numbers.
func printedToFile(pages []layout.Page) func(int) int {
	exact := map[int]int{}
	offsets := map[int]int{}
	for _, p := range pages {
		if p.Printed > 0 {
			if _, dup := exact[p.Printed]; !dup {
				exact[p.Printed] = p.Number
			}
			offsets[p.Number-p.Printed]++
		}
	}
	best, bestN := 0, 0
	for off, n := range offsets {
		if n > bestN || n == bestN && off < best {
			best, bestN = off, n
		}
	}
	return func(printed int) int {
		if printed <= 0 {
			return 0
		}
		if f, ok := exact[printed]; ok {
			return f
		}
		if bestN == 0 {
			return 0
		}
		if f := printed + best; f >= 1 && f <= len(pages) {
			return f
		}
		return 0
	}
}

var (
	reContentsHead = regexp.MustCompile(`^(?:本期)?目\s*[录錄次]\s*(?:[(（]续[)）])?$|^(?i)contents$`)
	// An entry: a title, leaders or spaces, and a page number at the end.
	reEntry      = regexp.MustCompile(`^(.*?)(?:\s*[.．·…⋯•_\-—－]{2,}\s*|\s+)[(（]?([0-9０-９]{1,4})[)）]?$`)
	reOnlyNumber = regexp.MustCompile(`^[(（]?([0-9０-９]{1,4})[)）]?$`)
	reBanner     = regexp.MustCompile(`^[【\[［〖](.{1,20})[】\]］〗]$`)
)

// endsInNumber reports whether s ends in a digit, perhaps in brackets: what
// reEntry needs, tested before the pattern, which tries every split of a
// line and runs on every line of the page after the contents too.
func endsInNumber(s string) bool {
	r, n := utf8.DecodeLastRuneInString(s)
	if r == ')' || r == '）' {
		r, _ = utf8.DecodeLastRuneInString(s[:len(s)-n])
	}
	return r >= '0' && r <= '9' || r >= '０' && r <= '９'
}

// reLeaderEnd is a title ending in dot leaders whose page number a scan
// lost.
var reLeaderEnd = regexp.MustCompile(`^(.*?)\s*[.．·…⋯•]{2,}$`)

// reBareEntry is an entry whose leaders a scan lost: the title's last
// character, then the page number straight after it (…办法1, …的通知12).
var reBareEntry = regexp.MustCompile(`^(.*[\p{Han}》」）)】\]])([0-9０-９]{1,3})$`)

// reYearBracket is the year of a 文号 in its brackets ((梧府〔2024〕), whose
// serial, wrapped or not, is no page number.
var reYearBracket = regexp.MustCompile(`[〔\[［【(（{｛]\s*(?:19|20)[0-9]{2}\s*[〕\]］】)）}｝]$`)

// bareEntry reads an entry without leaders or spaces before its page
// number: only where the title ends as titles do (a kind word, a closing
// quote or bracket), or is the short tail of a title wrapped from the line
// before (whose last word OCR may have misread), so that a long line
// ending in a number of its own (…第3條之2) is not cut there.
func bareEntry(l string, continues bool) []string {
	m := reBareEntry.FindStringSubmatch(l)
	if m == nil {
		return nil
	}
	t := strings.TrimSpace(m[1])
	r, _ := utf8.DecodeLastRuneInString(t)
	short := continues && utf8.RuneCountInString(t) <= 12 // the tail of a wrapped title
	if !short && !endsWithKind(t) && !strings.ContainsRune("》」）)】]", r) || reYearBracket.MatchString(t) {
		return nil
	}
	return m
}

// trimGarbage drops what OCR made of dot leaders at the end of a title
// (…任免的eeeeooesse6se): a run of three or more Latin letters and digits
// after the last Han character of a Han title.
func trimGarbage(t string) string {
	i := strings.LastIndexFunc(t, func(r rune) bool { return unicode.Is(unicode.Han, r) || strings.ContainsRune("》」）)", r) })
	if i < 0 {
		return t
	}
	_, n := utf8.DecodeRuneInString(t[i:])
	tail := t[i+n:]
	if utf8.RuneCountInString(strings.TrimSpace(tail)) < 3 {
		return t
	}
	for _, r := range tail {
		if r > unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsSpace(r) || strings.ContainsRune(leaders, r)) {
			return t
		}
	}
	return t[:i+n]
}

// leaders are the characters of dot leaders between a title and its page.
const leaders = ".．·…⋯•_-—－ \u3000"

// FindContents finds the table of contents in the first pages of an issue
// and returns its entries and the file pages it covers.
func FindContents(pages []layout.Page) ([]Entry, []int) {
	entries, tocPages, _ := findContents(pages)
	return entries, tocPages
}

// frontPages is how many pages from the start of an issue the contents
// are looked for in.
const frontPages = 8

// findContents is FindContents; headed says whether the contents were
// found by their heading, rather than by the shape of their entries alone.
func findContents(pages []layout.Page) (entries []Entry, tocPages []int, headed bool) {
	startPage := -1
	for i := 0; i < min(len(pages), frontPages) && startPage < 0; i++ {
		for k, l := range pages[i].Lines {
			if k > 5 {
				break
			}
			if contentsHead(l.Text) {
				startPage, headed = i, true
				break
			}
		}
		if startPage < 0 && entryShaped(entryLines(pages[i])) {
			startPage = i
		}
	}
	if startPage < 0 {
		return nil, nil, false
	}
	section, pending := "", ""
	for i := startPage; i < len(pages); i++ {
		el := entryLines(pages[i])
		lines, matched := el.lines, el.matched
		// A page continues the contents while it is mostly entries.
		if i > startPage && el.numbered*3 < len(lines) {
			break
		}
		tocPages = append(tocPages, pages[i].Number)
		top := i == startPage
		for k, l := range lines {
			compact := page.Squeeze(l)
			m := matched[k]
			// The heading, however OCR read it (目对, 利和): a short line
			// before the first entry or banner, which is no title.
			if contentsHead(compact) || top && m == nil && pending == "" && utf8.RuneCountInString(compact) <= maxHeadRunes && !isSectionWord(compact) {
				continue
			}
			if m == nil && pending != "" {
				// The page number alone, wrapped from its title's line.
				if n := reOnlyNumber.FindStringSubmatch(compact); n != nil {
					m = []string{l, "", n[1]}
				}
			}
			if m != nil && (hasHan(m[1]) || pending != "") {
				top = false
				n, _ := strconv.Atoi(foldDigits(m[2]))
				// Leaders may wrap on to the number's line.
				title := trimGarbage(strings.Trim(layout.JoinLines(pending, strings.TrimSpace(m[1])), leaders))
				pending = ""
				entries = append(entries, Entry{Title: title, Section: section, Printed: n})
				continue
			}
			if b := reBanner.FindStringSubmatch(compact); b != nil {
				top = false
				section, pending = b[1], ""
				continue
			}
			if pending != "" && isSectionWord(pending) {
				section = pending
				pending = ""
			}
			if pending == "" && isSectionWord(l) {
				top = false
				section = compact
				continue
			}
			pending = layout.JoinLines(pending, l)
		}
	}
	return entries, tocPages, headed
}

// specks are the marks OCR reads speckle beside a heading as.
const specks = "“”\"'‘’`。，、；：.,;:·-‐–—_~～|｜"

// maxHeadRunes is the longest a contents heading is: 本期目录 and, wide
// spaced, 目 录 once its spaces are gone.
const maxHeadRunes = 4

// contentsHead reports whether a line is the contents' heading: 目录, 目次,
// 本期目录, 目录（续）, Contents; or a two-character line with one of the two
// read right, as OCR reads the wide-spaced heading's 录 (对, 系, 孙). Marks
// a scan read beside it from speckle (目录，) do not count.
func contentsHead(s string) bool {
	s = strings.TrimFunc(page.Squeeze(s), func(r rune) bool { return strings.ContainsRune(specks, r) })
	if reContentsHead.MatchString(s) {
		return true
	}
	rs := []rune(strings.TrimPrefix(s, "本期"))
	return len(rs) == 2 && (rs[0] == '目' || strings.ContainsRune("录錄", rs[1]))
}

// pageEntries is a page's lines read as contents lines.
type pageEntries struct {
	lines    []string
	matched  [][]string // reEntry's submatches of each line, nil for none
	numbered int        // lines with a page number
}

// entryLines reads a page's lines as contents lines: each line's title
// and page number, where it has one.
func entryLines(p layout.Page) pageEntries {
	var el pageEntries
	for _, l := range p.Lines {
		// A closing bracket that wrapped away from its number
		// belongs to the line before.
		// (Ideographic spaces separate a title from its number too.)
		if t := strings.TrimLeft(strings.TrimSpace(strings.ReplaceAll(l.Text, "\u3000", " ")), ")）"); t != "" {
			el.lines = append(el.lines, t)
		}
	}
	el.matched = make([][]string, len(el.lines))
	var lost []int // lines ending in leaders without a number
	for k, l := range el.lines {
		if m := reLeaderEnd.FindStringSubmatch(l); m != nil && hasHan(m[1]) &&
			(k+1 == len(el.lines) || !reOnlyNumber.MatchString(strings.TrimLeft(page.Squeeze(el.lines[k+1]), leaders))) {
			el.matched[k] = []string{l, m[1], ""}
			lost = append(lost, k)
			continue
		}
		if endsInNumber(l) {
			m := reEntry.FindStringSubmatch(l)
			if m != nil && reYearBracket.MatchString(strings.TrimSpace(m[1])) {
				m = nil // a 文号's serial (梧政文[2024] 14), wrapped from its title
			}
			if m == nil {
				m = bareEntry(l, k > 0 && el.matched[k-1] == nil)
			}
			el.matched[k] = m
		}
		if el.matched[k] != nil {
			el.numbered++
		}
	}
	// Leaders to a page number a scan lost (not one wrapped on to the
	// next line) end an entry on no page, among entries that have their
	// numbers; where most lines end in bare leaders, the list prints no
	// numbers (a report's outline) and is no contents.
	if len(lost) <= el.numbered {
		el.numbered += len(lost)
	} else {
		for _, k := range lost {
			el.matched[k] = nil
		}
	}
	return el
}

// Contents without a heading (OCR lost it or read it as something else)
// are known by their entries: at least minShapedEntries titles with a page
// number, whose numbers run on in order (each at least the one before,
// but for one in five pairs, or one, for a number misread: a scan's thin
// 5 read as 3), on a page where every line but one in five is an entry, a
// banner or section name, or the first line of a title wrapped on to its
// number's line.
const minShapedEntries = 3

// entryShaped reports whether a page's lines are contents by their shape
// alone (see minShapedEntries).
func entryShaped(el pageEntries) bool {
	if el.numbered < minShapedEntries {
		return false
	}
	covered, pairs, descents, last := 0, 0, 0, -1
	for k, l := range el.lines {
		compact := page.Squeeze(l)
		switch m := el.matched[k]; {
		case m != nil && m[2] == "":
			covered++ // its number lost
		case m != nil:
			covered++
			n, _ := strconv.Atoi(foldDigits(m[2]))
			if last >= 0 {
				pairs++
				if n < last {
					descents++
				}
			}
			last = n
		case reBanner.MatchString(compact) || isSectionWord(compact):
			covered++
		case k+1 < len(el.lines) && el.matched[k+1] != nil:
			covered++ // a title wrapped on to the next line
		}
	}
	return 5*covered >= 4*len(el.lines) && descents <= max(1, pairs/5)
}

// isSectionWord reports whether an unnumbered contents line names a section
// (省政府文件, 部门文件, 人事任免, 內政篇) rather than starting a wrapped title.
func isSectionWord(s string) bool {
	s = page.Squeeze(s)
	if utf8.RuneCountInString(s) > 12 {
		return false
	}
	for _, suf := range []string{"文件", "任免", "篇", "规章", "規章", "令", "公告", "通知", "其他", "附录", "附錄"} {
		if strings.HasSuffix(s, suf) {
			return true
		}
	}
	return false
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func foldDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return r - '０' + '0'
		}
		return r
	}, s)
}

// scanner holds the paragraphs and what is known of each.
type scanner struct {
	paras  []layout.Paragraph
	info   []paraInfo   // what every paragraph is, worked out once
	skip   map[int]bool // contents pages
	banner []string     // the section a banner paragraph names, or ""
	cand   []bool       // the paragraph has a document start's shape
	// prevBanner is, for each paragraph, the index of the last banner
	// before it, or -1.
	prevBanner []int
	// sections are the section names the contents list.
	sections map[string]bool
	buf      []rune // the window being scored, reused
}

// paraInfo is what the scans ask of a paragraph again and again, computed
// once: the patterns behind IsDocNumberLine and IsDateLine cost far more
// than the scans themselves.
type paraInfo struct {
	// squeezed is the text without spaces, for paragraphs of at most
	// 2*maxTitleRunes runes (longer ones are body text, which no scan
	// reads); "" for the others.
	squeezed string
	runes    int    // runes of the text without spaces
	norm     []rune // normal(text)
	number   bool   // a 文号 line
	date     bool   // a date line
	record   bool   // a 版记 line (抄送, 印发) closing a document
}

func newScanner(paras []layout.Paragraph, skip map[int]bool) *scanner {
	s := &scanner{paras: paras, skip: skip, sections: map[string]bool{}, info: make([]paraInfo, len(paras))}
	for i, p := range paras {
		t, n := squeezeShort(p.Text, 2*maxTitleRunes)
		s.info[i] = paraInfo{squeezed: t, runes: n, norm: normal(p.Text)}
		if n <= 2*maxTitleRunes {
			s.info[i].number = meta.IsDocNumberLine(t)
			s.info[i].date = meta.IsDateLine(t)
			s.info[i].record = meta.IsRecordLine(t)
		}
	}
	return s
}

// squeezeShort counts the runes of s that are not spaces, and returns s
// without its spaces when there are at most limit of them ("" otherwise).
func squeezeShort(s string, limit int) (string, int) {
	n, spaces := 0, false
	for _, r := range s {
		if unicode.IsSpace(r) {
			spaces = true
		} else {
			n++
		}
	}
	switch {
	case n > limit:
		return "", n
	case !spaces:
		return s, n
	}
	return page.Squeeze(s), n
}

// The CJK Unified Ideographs block, every code point of it a letter.
const cjkFirst, cjkLast = 0x4E00, 0x9FFF

// normal folds text for matching: letters and digits only, full-width
// folded, traditional forms of common title words kept as they are.
func normal(s string) []rune {
	out := make([]rune, 0, utf8.RuneCountInString(s))
	for _, r := range s {
		switch {
		case r >= cjkFirst && r <= cjkLast: // most of the text: all letters
			out = append(out, r)
		case r < utf8.RuneSelf:
			if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
				out = append(out, r)
			}
		case r >= '０' && r <= '９':
			out = append(out, r-'０'+'0')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			out = append(out, r)
		}
	}
	return out
}

// pairs counts the character pairs of one text (a contents title), so that
// it can be matched against many others without building a map for each.
// Matching looks up every pair of every window of paragraphs near the
// title's page, the hottest loop of Split: the pairs sit in a small
// open-addressed table rather than a map.
type pairs struct {
	text  []rune
	keys  []uint64 // pair (first<<32 | second) per table slot; 0 is empty
	slot  []int32  // per table slot: the pair's index into count
	shift uint     // 64 - log2(len(keys))
	count []int    // how often each pair occurs in text
	used  []int    // scratch: matches per pair in the current match
}

func pairKey(a, b rune) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

// find returns the table position of key: where it is, or the empty slot
// where it would go.
func (p *pairs) find(key uint64) int {
	mask := len(p.keys) - 1
	for i := int((key * 0x9E3779B97F4A7C15) >> p.shift); ; i = (i + 1) & mask {
		if k := p.keys[i]; k == key || k == 0 {
			return i
		}
	}
}

func newPairs(a []rune) *pairs {
	size, shift := 8, uint(61)
	for size < 2*len(a) {
		size, shift = size*2, shift-1
	}
	p := &pairs{text: a, keys: make([]uint64, size), slot: make([]int32, size), shift: shift}
	for i := 0; i+1 < len(a); i++ {
		k := pairKey(a[i], a[i+1])
		if k == 0 {
			continue // NUL pairs: never in normal text, and 0 marks empty slots
		}
		at := p.find(k)
		if p.keys[at] == 0 {
			p.keys[at], p.slot[at] = k, int32(len(p.count))
			p.count = append(p.count, 0)
		}
		p.count[p.slot[at]]++
	}
	p.used = make([]int, len(p.count))
	return p
}

// common counts the pairs b shares with the text, each as often as it
// occurs in both.
func (p *pairs) common(b []rune) int {
	clear(p.used)
	hit := 0
	for i := 0; i+1 < len(b); i++ {
		at := p.find(pairKey(b[i], b[i+1]))
		if p.keys[at] == 0 {
			continue
		}
		if s := p.slot[at]; p.used[s] < p.count[s] {
			p.used[s]++
			hit++
		}
	}
	return hit
}

// containment is the share of the text's pairs found in b: how much of a
// contents title (perhaps abbreviated) appears in a page's text.
func (p *pairs) containment(b []rune) float64 {
	if len(p.text) < 2 || len(b) < 2 {
		if len(p.text) == 1 && slices.Contains(b, p.text[0]) {
			return 1
		}
		return 0
	}
	return float64(p.common(b)) / float64(len(p.text)-1)
}

// containedIn is the share of b's pairs found in the text: how much of a
// paragraph is the title, counted from the title's side.
func (p *pairs) containedIn(b []rune) float64 {
	if len(b) < 2 || len(p.text) < 2 {
		if len(b) == 1 && slices.Contains(p.text, b[0]) {
			return 1
		}
		return 0
	}
	return float64(p.common(b)) / float64(len(b)-1)
}

// window is the text of up to n paragraphs from i, cut to limit runes; it
// stops at the contents, whose entries hold every title. It reuses one
// buffer: the result is valid until the next call.
func (s *scanner) window(i, n, limit int) []rune {
	out := s.buf[:0]
	for k := i; k < len(s.paras) && k < i+n && len(out) < limit && !s.skip[s.paras[k].Page]; k++ {
		out = append(out, s.info[k].norm...)
	}
	if len(out) > limit {
		out = out[:limit]
	}
	s.buf = out
	return out
}

// Limits of the search for an entry without a file page (an issue that
// prints no page numbers): a match this good is the entry's (the title's
// pairs all found, and most of the paragraph title), and the search ends
// this many paragraphs after the last confirmed start, so that entries
// never found do not each read the rest of the issue.
const (
	sureScore        = 1.1
	maxUnpagedSearch = 2000
)

// firstOnPage returns the index of the first paragraph on file page n or
// after it: paragraphs are in page order.
func (s *scanner) firstOnPage(n int) int {
	return sort.Search(len(s.paras), func(i int) bool { return s.paras[i].Page >= n })
}

// fromContents confirms contents entries on their pages, in order.
func (s *scanner) fromContents(entries []Entry) []start {
	var out []start
	last := -1
	type pend struct {
		e     Entry
		after int
	}
	var unconfirmed []pend
	for _, e := range entries {
		t := normal(e.Title)
		if len(t) == 0 {
			continue
		}
		title := newPairs(t)
		best, bestScore := -1, 0.0
		from := last + 1
		if e.File > 0 {
			// Paragraphs are in page order: start at the page before
			// the one the entry names.
			from = max(from, s.firstOnPage(e.File-1))
		}
		for i := from; i < len(s.paras); i++ {
			p := s.paras[i]
			if e.File > 0 && p.Page > e.File+1 {
				break
			}
			if e.File == 0 && (best >= 0 && bestScore >= sureScore && p.Page > s.paras[best].PageEnd+1 || i-last > maxUnpagedSearch) {
				// Without a page to look on, the first sure match in
				// order is the entry's; and a search has an end.
				break
			}
			if s.skip[p.Page] || s.banner[i] != "" || e.File > 0 && p.Page < e.File-1 {
				continue
			}
			in := s.info[i]
			if p.Align == layout.AlignRight || in.date || in.number {
				continue // signatures, dates and numbers are never titles
			}
			head := in.norm
			if len(head) > 3*len(t)+20 {
				continue // a body paragraph, not a title
			}
			// How much of the title the text from here holds, and how
			// much of this paragraph is title: a banner or the end of the
			// previous document just before the title scores lower.
			score := title.containment(s.window(i, 5, 2*len(t)+10)) + 0.2*title.containedIn(head)
			if p.Heading || s.cand[i] {
				score += 0.1
			}
			if e.File > 0 && p.Page != e.File {
				score -= 0.15
			}
			if score > bestScore+0.02 {
				best, bestScore = i, score
			}
		}
		if best >= 0 && bestScore >= 0.6 {
			// A title found in a paragraph without a start's shape (the
			// rule a 令 promulgates, a 主旨 line) belongs to the
			// start-shaped paragraph just before it.
			if !s.cand[best] {
				for k := best - 1; k > last && (e.File == 0 || s.paras[k].Page >= e.File-1); k-- {
					if s.cand[k] {
						best = k
						break
					}
				}
			}
			out = append(out, start{para: best, title: e.Title, section: e.Section, source: FromContents})
			last = best
			continue
		}
		unconfirmed = append(unconfirmed, pend{e: e, after: len(out)})
	}
	// Unconfirmed entries: the nearest start-shaped paragraph between the
	// confirmed neighbours, else the top of the page the entry names.
	// Only pages next to the named one can hold it, so each entry looks
	// there alone.
	var cands []int
	for i, c := range s.cand {
		if c && !s.skip[s.paras[i].Page] {
			cands = append(cands, i)
		}
	}
	var extra []start
	for _, u := range unconfirmed {
		lo, hi := 0, len(s.paras)
		if u.after > 0 {
			lo = out[u.after-1].para + 1
		}
		if u.after < len(out) {
			hi = out[u.after].para
		}
		if u.e.File > 0 {
			lo = max(lo, s.firstOnPage(u.e.File-1))
			hi = min(hi, s.firstOnPage(u.e.File+2))
		}
		best, bestD := -1, 1<<30
		k, _ := slices.BinarySearch(cands, lo)
		for ; k < len(cands) && cands[k] < hi; k++ {
			i := cands[k]
			d := 0
			if u.e.File > 0 {
				d = abs(s.paras[i].Page - u.e.File)
			}
			if d < bestD {
				best, bestD = i, d
			}
			if d == 0 {
				break // none nearer; the first of equals wins
			}
		}
		if best >= 0 && bestD <= 1 {
			extra = append(extra, start{para: best, title: u.e.Title, section: u.e.Section, source: FromShape})
			continue
		}
		if u.e.File > 0 && !s.skip[u.e.File] {
			if i := max(lo, s.firstOnPage(u.e.File)); i < hi && s.paras[i].Page == u.e.File {
				extra = append(extra, start{para: i, title: u.e.Title, section: u.e.Section, source: FromPage})
			}
		}
	}
	return append(out, extra...)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// merge adds shape starts to starts found through the contents.
func (s *scanner) merge(have, shaped []start) []start {
	at := map[int]bool{}
	for _, h := range have {
		at[h.para] = true
	}
	for _, sh := range shaped {
		if !at[sh.para] {
			have = append(have, sh)
		}
	}
	return have
}

// sureShapeStarts lists the start-shaped paragraphs that are surely
// starts and not yet among have: a title whose 文号 line follows it at once
// (or after one more title line), after the end of a document (its date,
// 附注 or 版记), and not within the first few paragraphs of a start.
func (s *scanner) sureShapeStarts(have []start) []start {
	near := map[int]bool{}
	for _, h := range have {
		for k := h.para; k < h.para+4 && k < len(s.paras); k++ {
			near[k] = true
		}
	}
	var out []start
	for i := range s.paras {
		if !s.cand[i] || near[i] || s.skip[s.paras[i].Page] || !s.afterEnd(i) {
			continue
		}
		if i+1 < len(s.paras) && s.info[i+1].number || i+2 < len(s.paras) && s.info[i+2].number && s.info[i+1].runes <= maxTitleRunes {
			out = append(out, start{para: i, source: FromShape})
		}
	}
	return out
}

// shapeStarts lists the start-shaped paragraphs in [lo, hi).
func (s *scanner) shapeStarts(lo, hi int) []start {
	var out []start
	for i := lo; i < hi; i++ {
		if s.cand[i] && !s.skip[s.paras[i].Page] {
			out = append(out, start{para: i, source: FromShape})
		}
	}
	return out
}

// sectionAt returns the section in force at paragraph i: the nearest banner
// before it, else the contents' section.
func (s *scanner) sectionAt(i int, fallback string) string {
	for k := i - 1; k >= 0 && k >= i-3; k-- {
		if s.banner[k] != "" {
			return s.banner[k]
		}
	}
	if fallback != "" {
		return fallback
	}
	if k := s.prevBanner[i]; k >= 0 {
		return s.banner[k]
	}
	return ""
}

// maxMasthead is the most paragraphs of a 版头 above a title: registration
// number, 份号, 密级, 紧急程度, a dozen joint issuers, 文件, the 文号.
const maxMasthead = 16

// withMastheads moves each start up over the 版头 printed above its title
// on the same page (an original's registration number, 发文机关标志 and
// 文号), which belongs to the document and not to the one before it.
func (s *scanner) withMastheads(starts []start) {
	for n := range starts {
		st := &starts[n]
		lo := 0
		if n > 0 {
			lo = starts[n-1].para + 1
		}
		lo = max(lo, st.para-maxMasthead)
		for k := lo; k < st.para; k++ {
			if s.paras[k].Page != s.paras[st.para].Page || s.skip[s.paras[k].Page] {
				continue
			}
			if meta.MastheadEnd(s.paras[k:st.para+1]) == st.para-k {
				st.para = k
				break
			}
		}
	}
}

// headingTitle joins the heading paragraphs at a start into a title,
// under the 版头 where an original prints one.
func (s *scanner) headingTitle(i, end int) string {
	i += meta.MastheadEnd(s.paras[i:min(end, i+maxMasthead)])
	var parts []string
	for k := i; k < end && k < i+3; k++ {
		p := s.paras[k]
		if s.info[k].number || s.info[k].date {
			break
		}
		if k > i && !p.Heading {
			break
		}
		parts = append(parts, p.Text)
	}
	t := ""
	for _, p := range parts {
		t = layout.JoinLines(t, p)
	}
	return t
}
