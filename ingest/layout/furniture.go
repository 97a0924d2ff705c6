package layout

import (
	"cmp"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/ingest/page"
)

// zoneLines is how many lines at the top and at the bottom of a page are
// looked at for heads, footers and page numbers.
const zoneLines = 2

// zoneFraction is the part of the page height, at the top and at the
// bottom, where heads and footers sit when the height is known.
const zoneFraction = 0.12

var (
	// A line that is only a page number, in its usual decorations:
	// 5, — 5 —, -5-, －5－, ·5·, (5), 第5页, 第 5 页 共 22 页, 5/22.
	rePageNumber = regexp.MustCompile(`^[-·•.(（\[ ]*([0-9]{1,4})[-·•.)）\] ]*$`)
	rePageOfN    = regexp.MustCompile(`^第 ?([0-9]{1,4}) ?[页頁](?: ?[,，/]? ?共 ?[0-9]{1,4} ?[页頁])?$|^([0-9]{1,4}) ?/ ?[0-9]{1,4}$`)
	reRoman      = regexp.MustCompile(`^[-·•.(（ ]*((?i)[ivxlc]{1,7})[-·•.)） ]*$`)
	// reDecorated is a page number set between dashes or dots (— 5 —):
	// never body text, so it is taken a little further from the edge.
	reDecorated = regexp.MustCompile(`^[-·•]+ ?[0-9]{1,4} ?[-·•]+$`)
	// reDocNumber is a 发文字号 (东府〔2015〕111号, 第138号): content that
	// repeats its shape at the top of page after page of an issue whose
	// documents each start on a new page, never a running head.
	reDocNumber = regexp.MustCompile(`[〔\[［【(（〖]\s*(?:19|20)[0-9]{2}\s*[〕\]］】)）〗]\s*第?\s*[0-9]{1,6}\s*[号號]|令?\s*第\s*[0-9]{1,6}\s*[号號]$`)
	// A page number at either end of a running head.
	reHeadNumber = regexp.MustCompile(`^[-·• ]*([0-9]{1,4})[-·• ]+\S|\S[-·• ]+([0-9]{1,4})[-·• ]*$|第 ?([0-9]{1,4}) ?[页頁]`)
)

// foldPunct maps full-width digits and letters to ASCII and dashes to '-',
// so one pattern covers the spellings of a page number.
// Runs of spaces become one ' ', none at either end. It runs on every line
// at the top and bottom of every page: one pass, one allocation.
func foldPunct(s string) string {
	b := make([]byte, 0, len(s))
	space := false
	for _, r := range s {
		switch r {
		case '—', '–', '―', '－', '−', '‐', '‒', '~', '～':
			r = '-'
		case '・', '∙', '．':
			r = '·'
		default:
			if r >= '０' && r <= '９' || r >= 'Ａ' && r <= 'Ｚ' || r >= 'ａ' && r <= 'ｚ' {
				r -= 0xFEE0
			} else if r < utf8.RuneSelf && asciiSpace[r] || r >= utf8.RuneSelf && unicode.IsSpace(r) {
				space = len(b) > 0
				continue
			}
		}
		if space {
			b = append(b, ' ')
			space = false
		}
		b = utf8.AppendRune(b, r)
	}
	return string(b)
}

// asciiSpace marks the ASCII characters unicode.IsSpace reports.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// headKey is what stays of a head or footer line from page to page:
// numbers (Arabic, full-width or Chinese) become one '#', spaces go.
func headKey(s string) string {
	var b strings.Builder
	num := false
	for _, r := range foldPunct(s) {
		isNum := r >= '0' && r <= '9' || strings.ContainsRune("〇○零一二三四五六七八九十百", r)
		switch {
		case isNum && !num:
			b.WriteByte('#')
		case isNum, r == ' ':
		default:
			b.WriteRune(r)
		}
		num = isNum
	}
	return b.String()
}

// pageNumber returns the printed number a line consists of: its value
// (0 for Roman numerals) and its label; ok is false for other text.
func pageNumber(s string) (n int, label string, ok bool) {
	f := ocrDashes(foldPunct(s))
	if m := rePageNumber.FindStringSubmatch(f); m != nil {
		n, _ = strconv.Atoi(m[1])
		return n, m[1], true
	}
	if m := rePageOfN.FindStringSubmatch(f); m != nil {
		d := m[1] + m[2]
		n, _ = strconv.Atoi(d)
		return n, d, true
	}
	if m := reRoman.FindStringSubmatch(f); m != nil && romanValue(m[1]) > 0 {
		return 0, strings.ToLower(m[1]), true
	}
	return 0, "", false
}

// romanValue is the value of a well-formed lower-case or upper-case Roman
// numeral up to 399, or 0.
func romanValue(s string) int {
	s = strings.ToLower(s)
	vals := map[byte]int{'i': 1, 'v': 5, 'x': 10, 'l': 50, 'c': 100}
	total := 0
	for i := 0; i < len(s); i++ {
		v := vals[s[i]]
		if i+1 < len(s) && vals[s[i+1]] > v {
			total -= v
		} else {
			total += v
		}
	}
	if total <= 0 || toRoman(total) != s {
		return 0
	}
	return total
}

func toRoman(n int) string {
	var b strings.Builder
	for _, p := range []struct {
		v int
		s string
	}{{100, "c"}, {90, "xc"}, {50, "l"}, {40, "xl"}, {10, "x"}, {9, "ix"}, {5, "v"}, {4, "iv"}, {1, "i"}} {
		for n >= p.v {
			b.WriteString(p.s)
			n -= p.v
		}
	}
	return b.String()
}

// zoneRef is a line near the top or bottom of a page.
type zoneRef struct {
	page, line int
	top        bool
}

// inZone lists the lines of a page that may be heads or footers: the
// topmost and bottommost lines by position where positions are known (an
// extractor's reading order may put a footer before a table), else the
// first and last lines.
func inZone(lines []page.Line, height float64) []zoneRef {
	order := make([]int, len(lines))
	positioned := 0
	for j, l := range lines {
		order[j] = j
		if l.Y > 0 {
			positioned++
		}
	}
	byY := height > 0 && positioned*2 > len(lines)
	if byY {
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(lines[a].Y, lines[b].Y) })
	}
	var out []zoneRef
	n := len(order)
	for k, j := range order {
		top := k < zoneLines
		bottom := k >= n-zoneLines
		if !top && !bottom {
			continue
		}
		if byY {
			y := lines[j].Y / height
			frac := zoneFraction
			if reDecorated.MatchString(ocrDashes(foldPunct(lines[j].Text))) {
				frac = 1.5 * zoneFraction // — 21 — a little above the usual footer
			}
			top = top && y <= frac
			bottom = bottom && y >= 1-frac
			if !top && !bottom {
				continue
			}
		}
		out = append(out, zoneRef{line: j, top: top})
	}
	return out
}

// removeFurniture finds running heads, footers and page numbers, records
// printed page numbers and drops those lines from pages.
func removeFurniture(pages []Page, src []page.Page) {
	keys := map[string]map[int]bool{}
	// byParity counts keys on odd and on even pages apart, for heads that
	// alternate between facing pages.
	byParity := [2]map[string]int{{}, {}}
	parityPages := [2]int{}
	var zones [][]zoneRef
	for i, p := range pages {
		z := inZone(p.Lines, src[i].Height)
		for k := range z {
			z[k].page = i
		}
		zones = append(zones, z)
		parityPages[p.Number%2]++
		seen := map[string]bool{}
		for _, r := range z {
			for _, k := range lineKeys(p.Lines[r.line].Text, r.top) {
				if seen[k] {
					continue
				}
				seen[k] = true
				byParity[p.Number%2][k]++
				if keys[k] == nil {
					keys[k] = map[int]bool{}
				}
				keys[k][i] = true
			}
		}
	}
	// A head repeats on a good share of the pages; alternating odd and
	// even heads each repeat on half of them.
	threshold := max(2, int(math.Ceil(0.3*float64(len(pages)))))
	type cand struct {
		page, n int
		label   string
		pure    bool
	}
	var cands []cand
	name := coverName(pages)
	banners := bannerTexts(pages)
	drop := make([]map[int]bool, len(pages))
	for i, p := range pages {
		drop[i] = map[int]bool{}
		for _, r := range zones[i] {
			text := p.Lines[r.line].Text
			if n, label, ok := pageNumber(text); ok {
				drop[i][r.line] = true
				cands = append(cands, cand{page: i, n: n, label: label, pure: true})
				continue
			}
			if reDocNumber.MatchString(text) {
				continue // a 文号 is content, whatever it repeats
			}
			// A head that names the gazette (its name as the cover
			// prints it) or a section the banners name is a
			// head on any page, however few pages repeat it and
			// whatever one character OCR misread in it.
			head := i > 0 && r.top && (nameHead(text, name) || banners[fuzzyKey(text, banners)])
			for _, k := range lineKeys(text, r.top) {
				// Body text can repeat at the top of a few pages (the
				// same addressee line, a repeated clause): a head also
				// needs the smaller type or the extra space that sets it
				// off, unless it is on most pages.
				n := len(keys[k])
				par := p.Number % 2
				most := n >= max(3, (len(pages)*3+4)/5) ||
					byParity[par][k] >= max(3, (parityPages[par]*3+4)/5)
				if len(pages) > 1 && (n >= threshold && setOff(p.Lines, r.line) || most) {
					head = true
				}
			}
			if !head {
				continue
			}
			drop[i][r.line] = true
			if m := reHeadNumber.FindStringSubmatch(foldPunct(text)); m != nil {
				n, _ := strconv.Atoi(m[1] + m[2] + m[3])
				cands = append(cands, cand{page: i, n: n, label: strconv.Itoa(n)})
			}
		}
	}
	// Numbers inside heads are kept only where they follow the page order
	// (the year in a head does not).
	offsets := map[int]int{}
	for _, c := range cands {
		if c.n > 0 {
			offsets[c.n-pages[c.page].Number]++
		}
	}
	best, bestN := 0, 0
	for off, n := range offsets {
		if n > bestN || n == bestN && off < best {
			best, bestN = off, n
		}
	}
	for _, c := range cands {
		p := &pages[c.page]
		if p.PrintedLabel != "" && !c.pure {
			continue
		}
		if !c.pure && (c.n-p.Number != best || bestN < 2) {
			continue
		}
		p.Printed, p.PrintedLabel = c.n, c.label
	}
	for i := range pages {
		p := &pages[i]
		var keep []page.Line
		for j, l := range p.Lines {
			if drop[i][j] {
				p.Removed = append(p.Removed, l)
			} else {
				keep = append(keep, l)
			}
		}
		p.Lines = keep
	}
}

// reOCRDashes is a page number between dashes that OCR read as 一 (一5一,
// 一 12 一): a line no text prints.
var reOCRDashes = regexp.MustCompile(`^[一-]+ ?([0-9]{1,4}) ?[一-]+$`)

// ocrDashes turns such a line back into -5-; other text is returned as it
// is.
func ocrDashes(f string) string {
	if !strings.Contains(f, "一") {
		return f
	}
	if m := reOCRDashes.FindStringSubmatch(f); m != nil {
		return "-" + m[1] + "-"
	}
	return f
}

// coverName is the gazette's name as the cover prints it at the top of the
// first page (福建省人民政府公报), squeezed, as read: OCR may have misread
// one of its last two characters in the cover's large type (公掀); "" when
// the first page prints none.
func coverName(pages []Page) string {
	if len(pages) == 0 {
		return ""
	}
	for k, l := range pages[0].Lines {
		if k > 3 {
			break
		}
		t := page.Squeeze(l.Text)
		n := utf8.RuneCountInString(t)
		if rs := []rune(t); n >= 4 && n <= 30 && (rs[n-2] == '公' || rs[n-1] == '报' || rs[n-1] == '報') {
			return t
		}
	}
	return ""
}

// nameHead reports whether a line at the top of a page is a running head
// naming the gazette: it starts with the name, a character or two misread
// at most (得建省人民政府公报 for 福建省人民政府公报; one more where the
// cover's name was itself misread), and goes on with no more than the
// issue (2022年第16期) and page. Where the cover's reading lost the first
// characters of the name (省人民政府公报 for 泽安省人民政府公报: the
// province set apart, or in a colour the scan lost), the head may print
// up to three more before it, the rest read exactly.
func nameHead(text, name string) bool {
	if name == "" {
		return false
	}
	t, want := []rune(page.Squeeze(text)), []rune(name)
	if len(t) < len(want) || len(t) > len(want)+20 {
		return false
	}
	diff := 0
	for i, r := range want {
		if t[i] != r {
			diff++
		}
	}
	allow := max(1, len(want)/6)
	if !strings.HasSuffix(name, "公报") && !strings.HasSuffix(name, "公報") {
		allow++ // the cover's reading has a misread character of its own
	}
	if diff > allow {
		for lost := 1; lost <= 3 && len(want) >= 6 && len(t) >= lost+len(want); lost++ {
			notHan := func(r rune) bool { return !unicode.Is(unicode.Han, r) }
			if !strings.ContainsFunc(string(t[:lost]), notHan) && string(t[lost:lost+len(want)]) == name {
				t = t[lost:]
				diff = 0
				break
			}
		}
	}
	if diff > allow {
		return false
	}
	for _, r := range t[len(want):] {
		if unicode.Is(unicode.Han, r) && !strings.ContainsRune("年第期总總号號页頁〇○零一二三四五六七八九十百", r) {
			return false
		}
	}
	return true
}

// reBannerLine is a section banner printed in brackets (【省政府文件】).
var reBannerLine = regexp.MustCompile(`^[【\[［〖](.{1,20})[】\]］〗]$`)

// bannerTexts are the section names the issue prints as banners: the
// running heads of odd pages often repeat them without the brackets.
func bannerTexts(pages []Page) map[string]bool {
	out := map[string]bool{}
	for _, p := range pages {
		for _, l := range p.Lines {
			if m := reBannerLine.FindStringSubmatch(page.Squeeze(l.Text)); m != nil {
				out[m[1]] = true
			}
		}
	}
	return out
}

// fuzzyKey returns the banner text a head line is, exactly or but for one
// character of four or more, or "".
func fuzzyKey(text string, banners map[string]bool) string {
	t := page.Squeeze(text)
	if banners[t] {
		return t
	}
	tr := []rune(t)
	if len(tr) < 4 || len(tr) > 20 {
		return ""
	}
	for b := range banners {
		br := []rune(b)
		if len(br) != len(tr) {
			continue
		}
		diff := 0
		for i := range br {
			if br[i] != tr[i] {
				diff++
			}
		}
		if diff <= 1 {
			return b
		}
	}
	return ""
}

// setOff reports whether line j is set in smaller type than its neighbour
// in the body, or set apart from it by more than a line's usual space.
// Lines on its own baseline are parts of the same printed line (a head
// with the gazette's name on the left and the issue on the right), not
// its neighbour.
func setOff(lines []page.Line, j int) bool {
	l := lines[j]
	near, gap := -1, math.Inf(1)
	var pitches []float64
	for k, o := range lines {
		if k == j || sameBaseline(l, o) {
			continue
		}
		if d := math.Abs(o.Y - l.Y); d < gap {
			near, gap = k, d
		}
		// The body's line pitch, without the line itself: its own gap
		// would weigh on the measure on a page of few lines.
		if k > 0 && k-1 != j && !sameBaseline(l, lines[k-1]) {
			if d := o.Y - lines[k-1].Y; d > 0 {
				pitches = append(pitches, d)
			}
		}
	}
	if near < 0 {
		return false
	}
	if l.Size > 0 && lines[near].Size > 0 {
		return l.Size < 0.9*lines[near].Size
	}
	p := median(pitches)
	return p > 0 && gap > 1.3*p
}

// lineKeys are the keys a zone line is counted under: the whole line with
// numbers folded, and, for longer lines, its first eight characters, since
// heads often end with a part that changes (the section's name).
func lineKeys(s string, top bool) []string {
	k := headKey(s)
	if utf8.RuneCountInString(k) < 2 {
		return nil
	}
	side := "b:"
	if top {
		side = "t:"
	}
	out := []string{side + k}
	if r := []rune(k); len(r) >= 10 {
		out = append(out, side+"prefix:"+string(r[:8]))
	}
	return out
}

// sameBaseline reports whether two lines sit on one baseline: within a
// third of the larger type size, or within 3 points where sizes are not
// known (OCR moves lines by a point or two; body lines are a dozen or more
// apart).
func sameBaseline(a, b page.Line) bool {
	if a.Y <= 0 && b.Y <= 0 {
		return false // no positions: nothing can be said
	}
	tol := 3.0
	if s := max(a.Size, b.Size); s > 0 {
		tol = s / 3
	}
	return math.Abs(a.Y-b.Y) <= tol
}
