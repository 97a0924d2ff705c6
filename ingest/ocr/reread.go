package ocr

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/agnivade/levenshtein"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/page"
)

// Date lines read a second time. A 成文日期 stands on a line of its own
// under the signature, where the seal is stamped: read with the page, the
// seal's leftovers round its strokes garble it (二和所一三年三月十芝晶 for
// 二〇一三年三月十二日, 二@〇一三年). Read again alone, from a crop of just
// that line at twice the size, it often comes out whole; but no one way
// of reading it again does every time. So it is read in several ways (see
// dateReadings), and the date most of the readings make is taken where
// more make it than make the first reading's (see chooseDate). Each
// change is recorded (RuleReread) with the page's confidence; CheckDates
// then holds the date to the file's 印发日期 and 文号 as any other. Where
// no reading makes a date alone, the readings stay on the line
// (page.Line.Readings), and CheckDates settles the date by them where they
// settle on one (see sealedReadings).
//
// The 版记's 印发 line (XX办公室　　2024年4月15日印发) and a 文号 line
// (粤卫〔2002〕60号, read 6号) are read again the same way, their words
// with any character: the 印发 line's date is chosen as a date line's
// (see rereadPrint), and a 文号's year, serial and agency code by the
// readings' majority (see chooseNumber).

// RuleReread names a line replaced by its readings again.
const RuleReread = "reread"

// dateChars are all a 成文日期 is written in.
const dateChars = "〇○O一二三四五六七八九十年月日0123456789"

// maxDateRunes is the longest a line read for a date is: a date in
// Chinese numerals (二〇一六年十二月二十八日) and a few marks of the seal.
const maxDateRunes = 16

// dateShaped reports whether a line, spaces left out, is worth reading
// again as a date: short, and with two of 年, 月 and 日 (or what 日 is read
// as) and at least three numerals or digits.
func dateShaped(s string) bool {
	s = page.Squeeze(s)
	if n := utf8.RuneCountInString(s); n < 6 || n > maxDateRunes {
		return false
	}
	units, nums := 0, 0
	for _, r := range s {
		switch {
		case r == '年' || r == '月' || r == '日' || strings.ContainsRune(dayReadings, r):
			units++
		case r >= '0' && r <= '9' || isNumeral(r):
			nums++
		}
	}
	return units >= 2 && nums >= 3
}

// wholeDate returns the date a line is, spaces left out, if it is exactly
// one date of a year the archive holds (gazette.MinYear to this year: a
// 〇 read as 一 makes 一〇一〇年, a date, but not one a document bears).
func wholeDate(s string) (gazette.Date, bool) {
	s = page.Squeeze(s)
	ds := gazette.FindDates(s)
	if len(ds) != 1 || ds[0].Start != 0 || ds[0].End != len(s) {
		return gazette.Date{}, false
	}
	d := ds[0].Date
	if d.Year < gazette.MinYear || d.Year > time.Now().Year() {
		return gazette.Date{}, false
	}
	return d, true
}

// reReadDate is a reading of a date line in Chinese numerals, loosely: the
// year, month and day as read (any characters), and 日 or what it is read
// as, or nothing (a reading restricted to dateChars drops a 日 it is unsure
// of).
var reReadDate = regexp.MustCompile(`^(\S{3,6})年(\S{1,3})月(\S{1,3}?)([日` + dayReadings + `]?)$`)

// asDate returns the date a reading of a date line makes once what
// tesseract reliably reads for a Chinese numeral is folded (see
// numeralReadings: 从 for 八, O for 〇), a 日 misread or left out is put
// back, and a 〇 read twice (二〇〇一三年: one round glyph taken for two) is read
// once where the year then has four numerals. ok is false where it makes
// no date.
func asDate(read string) (gazette.Date, string, bool) {
	read = page.Squeeze(read)
	if d, ok := wholeDate(read); ok {
		return d, read, true
	}
	m := reReadDate.FindStringSubmatch(read)
	if m == nil {
		return gazette.Date{}, "", false
	}
	fold := func(s string) string {
		rs := []rune(s)
		for i, r := range rs {
			if c, ok := numeralReadings[r]; ok {
				rs[i] = c
			}
		}
		return string(rs)
	}
	year, rest := fold(m[1]), fold(m[2])+"月"+fold(m[3])+"日"
	years := []string{year}
	if n := utf8.RuneCountInString(year); n == 5 && strings.Contains(year, "〇〇") {
		years = append(years, strings.Replace(year, "〇〇", "〇", 1))
	}
	for _, y := range years {
		if d, ok := wholeDate(y + "年" + rest); ok {
			return d, y + "年" + rest, true
		}
	}
	return gazette.Date{}, "", false
}

// chooseDate picks the date line's text from its first reading (with the
// page) and its readings again (alone): the date most readings make (see
// asDate); where as many make another, the one nearer to all readings,
// those that make no date too (二所三年三月十立日 still says 三月), then the
// one they make more surely; and only where more readings make it than
// make the first reading's date, or the first makes none. ok is false
// where the first reading stands.
func chooseDate(first string, again []lineReading) (string, bool) {
	type tally struct {
		text  string
		votes int
		conf  float64
		dist  int // edit distance to all readings
	}
	tallies := map[gazette.Date]*tally{}
	firstDate, firstOK := wholeDate(first)
	if firstOK {
		tallies[firstDate] = &tally{text: first, votes: 1}
	}
	for _, r := range again {
		d, text, ok := asDate(r.text)
		if !ok {
			continue
		}
		t := tallies[d]
		if t == nil {
			// Written as printed: a reading mixes numerals at times
			// (2〇15年, a 0 read as O and folded).
			t = &tally{text: d.Chinese()}
			if strings.ContainsAny(text, "0123456789") {
				t.text = fmt.Sprintf("%d年%d月%d日", d.Year, d.Month, d.Day)
			}
			tallies[d] = t
		}
		t.votes++
		t.conf += r.conf
	}
	for _, t := range tallies {
		t.dist = levenshtein.ComputeDistance(t.text, page.Squeeze(first))
		for _, r := range again {
			t.dist += levenshtein.ComputeDistance(t.text, r.text)
		}
	}
	better := func(a, b *tally) int {
		switch {
		case a.votes != b.votes:
			return cmp.Compare(a.votes, b.votes)
		case a.dist != b.dist:
			return cmp.Compare(b.dist, a.dist)
		}
		return cmp.Compare(a.conf, b.conf)
	}
	var best *tally
	var bestDate gazette.Date
	tie := false
	for d, t := range tallies {
		if best == nil {
			best, bestDate = t, d
			continue
		}
		switch c := better(t, best); {
		case c > 0:
			best, bestDate, tie = t, d, false
		case c == 0:
			tie = true
		}
	}
	if best == nil || tie || firstOK && (bestDate == firstDate || best.votes <= tallies[firstDate].votes) {
		return first, false
	}
	return best.text, true
}

// rereadLine returns a date line's text with the date chooseDate takes
// from the readings again in place of the date of its first reading. The
// words around that date (2024年4月15日出版, 自2024年6月1日起施行) are
// kept as first read: the readings again are of a date alone, and a line's
// words are content, never dropped for a date. Marks around it, which are
// the seal's (@二〇一三年…日。), go with it. ok is false where the line
// stands as first read.
func rereadLine(first string, again []lineReading) (string, bool) {
	rs := []rune(first)
	numeral := func(r rune) bool {
		_, misread := numeralReadings[r]
		return r >= '0' && r <= '9' || isNumeral(r) || misread
	}
	from := slices.IndexFunc(rs, numeral)
	if from < 0 {
		return first, false
	}
	to := len(rs) - 1
	for to > from && !numeral(rs[to]) && rs[to] != '日' && !strings.ContainsRune(dayReadings, rs[to]) {
		to--
	}
	word := func(part []rune) bool { return slices.ContainsFunc(part, unicode.IsLetter) }
	pre, post := rs[:from], rs[to+1:]
	if !word(pre) {
		pre = nil
	}
	if !word(post) {
		post = nil
	}
	date, ok := chooseDate(string(rs[len(pre):len(rs)-len(post)]), again)
	if !ok {
		return first, false
	}
	return string(pre) + date + string(post), true
}

// lineReading is one reading of a line read again alone (a date, 印发,
// 文号 or registration line), and tesseract's confidence
// in it (0–1).
type lineReading struct {
	text string
	conf float64
}

// rereadDates reads each date, 印发 and 文号 line of p (see rereadKindOf)
// again from img, the grey page it was read from at dpi, and from plain,
// the page as scanned before its seals were dropped (nil: none were);
// and puts in the date or number its kind takes from the readings. It
// returns how many lines it changed.
func (e *Engine) rereadDates(ctx context.Context, dir string, p *page.Page, img, plain *raster, dpi int) (int, error) {
	px := float64(dpi) / 72
	changed := 0
	plainWays := plainReadings
	if plain != nil && bilevel(plain) {
		plainWays = ringReadings
	}
	for li, l := range p.Lines {
		h := l.Size * px
		if h <= 0 {
			continue
		}
		kind, ok := rereadKindOf(l.Text)
		if !ok {
			continue
		}
		// The line's box, with room either side for a numeral the first
		// reading lost at an end, and above and below for its strokes
		// that did not count to the box (see tightLine).
		b := box{int(l.X*px - 2*h), int(l.Y*px - 1.4*h), int((l.X+l.W)*px + 2*h), int(l.Y*px + 0.4*h)}
		crop := img.crop(b)
		if crop == nil {
			continue
		}
		lang := e.lang
		if kind.latin {
			lang = e.digitLang
		}
		again, err := e.readCropAgain(ctx, dir, crop, dpi, lang, kind.psm, kind.ways)
		if err != nil {
			return changed, err
		}
		if plain != nil {
			// The seal's ink as scanned is lighter than the text: left
			// out by a threshold here, where no ring had to be found. On a
			// 1-bit page it is as black as the text, and the line is read
			// with the ring left in: whitening it cost the date's strokes
			// under it (年, 十), which the ring only crosses. The line's
			// rows are those of the page without its seals: the ring,
			// running down through the line, joins it to the rows above
			// and below, and the star and the signature over it were read
			// with the date (-Ac=人RE人 for 二〇〇二年五月三十日).
			more, err := e.readCropAgain(ctx, dir, plain.crop(lineRows(img, b)), dpi, lang, kind.psm, kind.only(plainWays))
			if err != nil {
				return changed, err
			}
			again = append(again, more...)
		}
		to, ok := kind.choose(l.Text, again)
		if !ok {
			if kind.name == "date" {
				// No reading made a date alone; with the 印发日期 and the
				// 文号 one may (see CheckDates).
				p.Lines[li].Readings = readingTexts(again)
			}
			continue
		}
		p.Corrections = append(p.Corrections, page.Correction{Line: li, From: l.Text, To: to, Rule: RuleReread, Confidence: p.Confidence})
		p.Lines[li].Text = to
		changed++
	}
	return changed, nil
}

// lineRows narrows a line's box b to the rows tightLine keeps of it on
// img, the page without its seals.
func lineRows(img *raster, b box) box {
	c := img.crop(b)
	if c == nil {
		return b
	}
	dropRules(c)
	y0, y1 := lineBand(c)
	top := max(0, b.y0)
	return box{b.x0, top + y0, b.x1, top + y1}
}

// readingTexts returns the texts of readings, each once, empty ones left
// out.
func readingTexts(rs []lineReading) []string {
	var out []string
	for _, r := range rs {
		if r.text != "" && !slices.Contains(out, r.text) {
			out = append(out, r.text)
		}
	}
	return out
}

// readCropAgain reads a crop of one line (a date, a 文号, a registration
// number ...) at dpi, with lang, segmented as psm says, in
// each of ways (see dateReadings), and returns what each read,
// post-corrected. The crop's rules are whitened first (see dropRules):
// it is its own.
func (e *Engine) readCropAgain(ctx context.Context, dir string, crop *raster, dpi int, lang string, psm int, ways []readWay) ([]lineReading, error) {
	if crop == nil {
		return nil, nil
	}
	dropRules(crop)
	k := max(2, 400/dpi)
	var out []lineReading
	for _, v := range ways {
		c := crop
		if v.level > 0 {
			c = &raster{w: crop.w, h: crop.h, ch: 1, pix: make([]byte, len(crop.pix))}
			light := false
			for i, p := range crop.pix {
				c.pix[i] = p
				if p >= v.level && p < 255 {
					c.pix[i], light = 255, true
				}
			}
			if !light {
				continue // a 1-bit page: the same image, no second opinion
			}
		}
		c = tightLine(c)
		if c == nil {
			continue
		}
		c = c.scale(k + v.up)
		file := filepath.Join(dir, "date.pgm")
		if err := os.WriteFile(file, c.pgm(), 0o600); err != nil {
			return nil, err
		}
		args := []string{file, "stdout", "-l", lang, "--psm", strconv.Itoa(psm), "--dpi", strconv.Itoa((k + v.up) * dpi)}
		if v.only {
			args = append(args, "-c", "tessedit_char_whitelist="+dateChars)
		}
		env := append(os.Environ(), "OMP_THREAD_LIMIT=1")
		tsv, err := run(ctx, e.lim, env, e.tesseract, append(args, "tsv")...)
		if err != nil {
			return nil, err
		}
		q, err := parseTSV(tsv, float64((k+v.up)*dpi), nil)
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		for _, l := range q.Lines {
			b.WriteString(page.Squeeze(l.Text))
		}
		out = append(out, lineReading{b.String(), q.Confidence})
	}
	return out, nil
}

// dateReadings are the ways a date line is read again: as it is and with
// pixels as light as sealLevel whitened (what a seal left round the
// strokes), each with any character and with dateChars only.
var dateReadings = []readWay{{0, false, 0}, {0, true, 0}, {sealLevel, false, 0}, {sealLevel, true, 0}}

// plainReadings are the ways a date line is read from the page as
// scanned: with the seal's ink, lighter than sealLevel, whitened.
var plainReadings = []readWay{{sealLevel, false, 0}, {sealLevel, true, 0}}

// ringReadings are the ways a date line of a 1-bit page is read from the
// page as scanned, its seal's ring as black as the text: as it is, with
// any character and with dateChars only.
var ringReadings = []readWay{{0, false, 0}, {0, true, 0}}

// wordReadings are the ways a line of words round a number (a 文号 line,
// a 印发 line) is read again: any character, as it is, once more a size
// larger, and with pixels as light as sealLevel whitened.
var wordReadings = []readWay{{0, false, 0}, {0, false, 1}, {sealLevel, false, 0}}

// readWay is a way to read a line again: pixels as light as level or
// lighter whitened (0: none), only dateChars allowed or any, and up
// times the line's height larger than the usual enlargement.
type readWay struct {
	level byte
	only  bool
	up    int
}

// rereadKind is a kind of line read again: the ways it is read, and how
// its text is chosen from the readings.
type rereadKind struct {
	name   string // date, print (印发) or number (文号)
	psm    int    // tesseract's page segmentation: 7, one line; 6 for a 印发 line, whose gap left psm 7's TSV empty
	ways   []readWay
	choose func(first string, again []lineReading) (string, bool)
	words  bool // ways with dateChars only are no reading of it
	latin  bool // read with the engine's Latin model (digitLang), not its Chinese one
}

// only returns the ways of ws that read a line of this kind.
func (k rereadKind) only(ws []readWay) []readWay {
	if !k.words {
		return ws
	}
	var out []readWay
	for _, w := range ws {
		if !w.only {
			out = append(out, w)
		}
	}
	return out
}

// maxNumberRunes is the longest a 文号 line read again is: the number,
// and 签发人 with a name or two beside it on a report's.
const maxNumberRunes = 30

// rereadKindOf tells whether a line is read again, and as what: a date
// line (see dateShaped), a 印发 line (see printParts), a short line
// with one 文号 (the 发文字号 under the heading, a decree's 第N号) or one
// a 文号 garbled past finding (see reGarbledNumber), or a registration
// number (see registrationShaped).
func rereadKindOf(s string) (rereadKind, bool) {
	switch {
	case dateShaped(s):
		return rereadKind{name: "date", psm: 7, ways: dateReadings, choose: rereadLine}, true
	case func() bool { _, _, _, ok := printParts(s); return ok }():
		return rereadKind{name: "print", psm: 6, ways: wordReadings, choose: rereadPrint, words: true}, true
	case utf8.RuneCountInString(page.Squeeze(s)) <= maxNumberRunes && len(gazette.FindDocNumbers(s)) == 1,
		reGarbledNumber.MatchString(page.Squeeze(s)) && len(gazette.FindDocNumbers(s)) == 0:
		return rereadKind{name: "number", psm: 7, ways: wordReadings, choose: chooseNumber, words: true}, true
	case registrationShaped(s):
		return rereadKind{name: "registration", psm: 7, ways: latinReadings, choose: chooseRegistration, words: true, latin: true}, true
	}
	return rereadKind{}, false
}

// latinReadings are the ways a line of Latin letters and digits is read
// again: as it is, and once more a size larger.
var latinReadings = []readWay{{0, false, 0}, {0, false, 1}}

// reRegistrationRead is a line as the Chinese model reads a 规范性文件
// registration number (HNGS—2012—24, GZ0320150155): Latin letters first,
// then letters, digits and dashes, a dash perhaps read as 一 or as
// another Han character (ZAGS示2018一18); a speck before or after it may
// be read as a mark (_ZAGS一2018一18).
var reRegistrationRead = regexp.MustCompile(`^[^0-9A-Za-z\p{Han}]{0,2}[A-Za-z][0-9A-Za-z一—–\-－.．\p{Han}]{6,23}[^0-9A-Za-z\p{Han}]{0,2}$`)

// registrationShaped reports whether a line, spaces left out, is worth
// reading again as a registration number: letters and digits alone, two
// letters and five digits (a year and a serial) at least, and no more
// Han characters than the two dashes between them may be misread as.
// The Chinese model misreads their letters (HNGS as HNBS or HNB, YN1 as
// YNL) and dashes; the Latin one reads them.
func registrationShaped(s string) bool {
	t := page.Squeeze(s)
	if !reRegistrationRead.MatchString(t) {
		return false
	}
	letters, digits, han := 0, 0, 0
	for _, r := range t {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r < utf8.RuneSelf && unicode.IsLetter(r):
			letters++
		case r != '一' && unicode.Is(unicode.Han, r):
			han++
		}
	}
	return letters >= 2 && digits >= 5 && han <= 2 // a year and a serial at least
}

// reRegistrationParts takes a registration number read apart: its code
// and its year and serial with the dashes between (HNGS—2012—24), or its
// code run into its digits (GZ0320150155).
var reRegistrationParts = regexp.MustCompile(`^([A-Z]{2,12})([一—–\-－.．]{1,2})((?:19|20)[0-9]{2})([一—–\-－.．]{1,2})([0-9]{1,6})$|^([A-Z]{1,8})([0-9]{8,16})$`)

// chooseRegistration returns the registration number most readings again
// make (the most read first on a tie) where it differs from the first
// reading, and in any case with its dashes as printed: the first
// reading's, a 一 read for a dash written as the dash, and one dash
// throughout (HNGS一2012一24 and YNFG-2019一1 are HNGS—2012—24 and
// YNFG—2019—1): the Chinese model reads a dash as 一 and a short one as -,
// the Latin model reads its length less surely still. ok is false where
// the first reading stands.
func chooseRegistration(first string, again []lineReading) (string, bool) {
	counts := map[string]int{}
	var order []string
	f := registrationText(first)
	for _, r := range again {
		// Marks before a reading again are no specks but letters read
		// as marks (—*KNGS for HNGS): it is taken as it reads.
		t := strings.ToUpper(page.Squeeze(r.text))
		if !reRegistrationParts.MatchString(t) {
			continue
		}
		if reRegistrationParts.MatchString(f) && lettersLost(registrationKey(f), registrationKey(t)) {
			// The first reading with a letter lost (ZAS for ZAGS, its
			// letters narrow in a small size): no vote against it.
			continue
		}
		key := registrationKey(t)
		if counts[key] == 0 {
			order = append(order, t)
		}
		counts[key]++
	}
	best := f
	if !reRegistrationParts.MatchString(f) || len(order) > 0 && counts[registrationKey(f)] == 0 {
		best = ""
	}
	for _, t := range order {
		if best == "" || counts[registrationKey(t)] > counts[registrationKey(best)] {
			best = t
		}
	}
	if best == "" {
		return first, false
	}
	to := best
	if m := reRegistrationParts.FindStringSubmatch(best); m[1] != "" {
		seps := [2]string{m[2], m[4]}
		if fm := reRegistrationParts.FindStringSubmatch(f); fm != nil && fm[1] != "" {
			seps = [2]string{fm[2], fm[4]}
		}
		for i := range seps {
			seps[i] = strings.ReplaceAll(seps[i], "一", "—")
		}
		if seps[0] != seps[1] && (seps[0] == "—" || seps[1] == "—") {
			seps = [2]string{"—", "—"}
		}
		to = m[1] + seps[0] + m[3] + seps[1] + m[5]
	}
	to = runOnDigits(to)
	if to == first {
		return first, false
	}
	return to, true
}

// runOnDigits reads the last of three letters before a run-on
// registration number's digits as the digit it looks like (YNL620220072
// is YN1620220072, HND… is HN0…), where that gives the run-on form: a
// province's two letters, then ten digits with a year after the first
// two (GZ0320150155). Both models read a 1 or a 0 after capitals as a
// capital.
func runOnDigits(s string) string {
	m := reRunOnRead.FindStringSubmatch(s)
	if m == nil {
		return s
	}
	d, ok := letterDigits[rune(m[2][0])]
	if !ok {
		return s
	}
	digits := string(d) + m[3]
	if len(digits) != 10 || !reRunOnYear.MatchString(digits[2:6]) {
		return s
	}
	return m[1] + digits
}

var (
	reRunOnRead  = regexp.MustCompile(`^([A-Z]{2})([A-Z])([0-9]{9})$`)
	reRunOnYear  = regexp.MustCompile(`^(19|20)[0-9]{2}$`)
	letterDigits = map[rune]rune{'L': '1', 'I': '1', 'O': '0', 'D': '0', 'Q': '0', 'S': '5', 'B': '8', 'Z': '2'}
)

// lettersLost reports whether b is a with one or more of its characters
// left out, and nothing else changed.
func lettersLost(a, b string) bool {
	if len(b) >= len(a) {
		return false
	}
	i := 0
	for j := 0; j < len(a) && i < len(b); j++ {
		if a[j] == b[i] {
			i++
		}
	}
	return i == len(b)
}

// registrationText is the first reading of a registration number as
// compared: without spaces, in capitals, and without the marks specks
// beside it were read as (_ZAGS一2018一18).
func registrationText(s string) string {
	return strings.TrimFunc(strings.ToUpper(page.Squeeze(s)), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// registrationKey is a registration number's letters and digits, its
// dashes left out.
func registrationKey(s string) string {
	return strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return unicode.ToUpper(r)
		}
		return -1
	}, s)
}

// printParts splits a 印发 line of the 版记 (XX办公室　　2024年4月15日印发)
// into what stands before its date (the office, and the gap), the date,
// and 印发 after it. ok is false where the line ends otherwise, or what
// stands before 印发 is no date's shape.
func printParts(s string) (pre, date, post string, ok bool) {
	t := strings.TrimRightFunc(s, unicode.IsSpace)
	var body string
	for _, suffix := range []string{"印发", "印發"} {
		if b, found := strings.CutSuffix(t, suffix); found {
			body, post, ok = b, s[len(b):], true
			break
		}
	}
	if !ok {
		return "", "", "", false
	}
	rs := []rune(body)
	i := len(rs)
	for i > 0 && (dateRune(rs[i-1]) || unicode.IsSpace(rs[i-1])) {
		i--
	}
	for i < len(rs) && unicode.IsSpace(rs[i]) {
		i++
	}
	pre, date = string(rs[:i]), string(rs[i:])
	if !dateShaped(date) || !strings.Contains(date, "年") {
		return "", "", "", false
	}
	return pre, date, post, true
}

// dateRune reports whether r is part of a date as read: a numeral or
// digit, what tesseract reads for a numeral, or a unit.
func dateRune(r rune) bool {
	_, misread := numeralReadings[r]
	return r >= '0' && r <= '9' || isNumeral(r) || misread || strings.ContainsRune("年月日"+dayReadings, r)
}

// rereadPrint returns a 印发 line with the date chooseDate takes from the
// dates of the readings again in place of its date as first read; the
// office before it and 印发 are kept as first read.
func rereadPrint(first string, again []lineReading) (string, bool) {
	pre, date, post, ok := printParts(first)
	if !ok {
		return first, false
	}
	var dates []lineReading
	for _, r := range again {
		if _, d, _, ok := printParts(r.text); ok {
			dates = append(dates, lineReading{d, r.conf})
		}
	}
	to, ok := chooseDate(date, dates)
	if !ok {
		return first, false
	}
	return pre + to + post, true
}

// chooseNumber returns a 文号 line with the number its readings make in
// place of the number first read: its year and serial those most readings
// make, where more readings again make them than make the first
// reading's, and its agency code the one more than half the readings make
// (the first's among them), where it differs from the first's in one
// character only (澜府 read 润府 with the page, 澜府 alone three times). A
// code read with a character lost or gained is a reading cut short or run
// into its neighbour, and counts for no code. Digits a reading lost or
// misread (60号 read as 6号) come back where the readings again agree on
// them, never made up; readings that lost one of the first's digits (92号
// read 9号) are no votes. ok is false where the line stands.
func chooseNumber(first string, again []lineReading) (string, bool) {
	ms := gazette.FindDocNumbers(first)
	if len(ms) == 0 {
		return garbledNumber(first, again)
	}
	if len(ms) != 1 {
		return first, false
	}
	was := ms[0].Number
	type count struct{ year, serial int }
	counts := map[count]int{{was.Year, was.Serial}: 1}
	codes := map[string]int{was.Agency: 1}
	written := map[gazette.DocNumber]string{}
	gained := map[string]int{} // Han characters readings again make before the first's code
	readings := 1
	for _, r := range again {
		rm := gazette.FindDocNumbers(r.text)
		if len(rm) != 1 || rm[0].Number.Kind != was.Kind {
			continue
		}
		n := rm[0].Number
		if n.Year == was.Year && digitLost(was.Serial, n.Serial) {
			// The first reading's serial with a digit lost (92 read 9 on a
			// 1-bit page, the crop's edge or a thin stroke): a reading
			// short of a digit the page showed, no vote against it.
			continue
		}
		readings++
		counts[count{n.Year, n.Serial}]++
		if oneCharApart(n.Agency, was.Agency) {
			codes[n.Agency]++
		}
		if c, ok := strings.CutSuffix(n.Agency, was.Agency); ok && utf8.RuneCountInString(c) == 1 && unicode.Is(unicode.Han, []rune(c)[0]) {
			gained[c]++
		}
		if _, ok := written[n]; !ok {
			written[n] = r.text[rm[0].Start:rm[0].End]
		}
	}
	best, tie := count{was.Year, was.Serial}, false
	for c, v := range counts {
		switch {
		case v > counts[best]:
			best, tie = c, false
		case v == counts[best] && c != best:
			tie = true
		}
	}
	if tie {
		best = count{was.Year, was.Serial}
	}
	to := was
	to.Year, to.Serial = best.year, best.serial
	for code, v := range codes {
		if 2*v > readings {
			to.Agency = code
		}
	}
	if c := lostFirst(gained, readings-1); c != "" && to.Agency == was.Agency {
		to.Agency = c + was.Agency
	}
	if to == was {
		return first, false
	}
	text, ok := written[to]
	if !ok {
		text = to.String() // the parts from different readings
	}
	return first[:ms[0].Start] + text + first[ms[0].End:], true
}

// reGarbledNumber is a line that is a 文号's shape but for its serial or
// closing bracket, which the first reading garbled (临政（2023) ）更号 for
// 临政（2023）12号): an agency's Han run, an opening mark, a year, a few
// characters and 号.
var reGarbledNumber = regexp.MustCompile(`^\p{Han}{1,10}[\[［【〔(（{｛〈<「『〖]?((?:19|20)[0-9]{2})[^号]{1,5}号$`)

// garbledNumber returns the 文号 a line the first reading made no number
// of is (see reGarbledNumber), where more than half of its readings again
// make the same one, and it has the first reading's agency code and year:
// the whole line is that number, as the readings wrote it. ok is false
// where no such number is.
func garbledNumber(first string, again []lineReading) (string, bool) {
	t := page.Squeeze(first)
	m := reGarbledNumber.FindStringSubmatchIndex(t)
	if m == nil {
		return first, false
	}
	votes := map[gazette.DocNumber]int{}
	written := map[gazette.DocNumber]string{}
	for _, r := range again {
		rm := gazette.FindDocNumbers(r.text)
		if len(rm) != 1 || rm[0].Number.Kind != gazette.DocNumberRegular {
			continue
		}
		n := rm[0].Number
		if !strings.HasPrefix(t, n.Agency) || strconv.Itoa(n.Year) != t[m[2]:m[3]] {
			continue
		}
		votes[n]++
		if _, ok := written[n]; !ok {
			written[n] = r.text[rm[0].Start:rm[0].End]
		}
	}
	for n, v := range votes {
		if 2*v > len(again) {
			return written[n], true
		}
	}
	return first, false
}

// lostFirst returns the character the first reading of a 文号 lost before
// its code, "" for none: where more than half of the again readings
// again make the first's code with one Han character before it (gained:
// how many make each), the first lost it at the crop's edge (粤 of
// 粤人社规, read 人社规 with the page; 灸人社规, 粤人社规, 粤人社规 alone).
// What they read there is a narrow character's guess as often as not: a
// province's abbreviation among them is taken first, for that is what
// stands there; else the one most make (CheckDocNumbers may then hold it
// to the province the 发文机关标志 names).
func lostFirst(gained map[string]int, again int) string {
	n := 0
	for _, v := range gained {
		n += v
	}
	if 2*n <= again {
		return ""
	}
	best := ""
	better := func(c string) bool {
		if best == "" {
			return true
		}
		pc, pb := gazette.IsProvinceAbbrev([]rune(c)[0]), gazette.IsProvinceAbbrev([]rune(best)[0])
		if pc != pb {
			return pc
		}
		return gained[c] > gained[best] || gained[c] == gained[best] && c < best
	}
	for c := range gained {
		if better(c) {
			best = c
		}
	}
	return best
}

// digitLost reports whether serial b is serial a with one of its digits
// left out (92 and 9, 120 and 12).
func digitLost(a, b int) bool {
	sa, sb := strconv.Itoa(a), strconv.Itoa(b)
	if len(sb) != len(sa)-1 {
		return false
	}
	for i := range sa {
		if sa[:i]+sa[i+1:] == sb {
			return true
		}
	}
	return false
}

// oneCharApart reports whether two agency codes are as long and differ in
// one character at most.
func oneCharApart(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) != len(rb) {
		return false
	}
	diff := 0
	for i := range ra {
		if ra[i] != rb[i] {
			diff++
		}
	}
	return diff <= 1
}

// sealLevel is the grey from which a pixel of a date line is taken for a
// seal's ink, not the text's: stamp ink scans at about 140 on paper of
// 255 (see greyInkLow), text under 100.
const sealLevel = 120

// dropRules whitens, in place, the rules of a line's crop: runs of ink
// along a row longer than ruleRun times the crop's height, which no
// character's stroke is (一 is a character wide). The 版记's 印发 line
// stands between two rules; read with them, it came back empty.
func dropRules(c *raster) {
	long := int(ruleRun * float64(c.h))
	for y := range c.h {
		row := c.pix[y*c.w : (y+1)*c.w]
		for x := 0; x < c.w; {
			if row[x] >= 128 {
				x++
				continue
			}
			end := x
			for end < c.w && row[end] < 128 {
				end++
			}
			if end-x > long {
				for i := x; i < end; i++ {
					row[i] = 255
				}
			}
			x = end
		}
	}
}

// ruleRun is how many times a line crop's height (about twice the
// line's) a run of ink along a row is long at least to be a rule.
const ruleRun = 1.5

// minRowInk is the fewest dark pixels a row of a line holds: fewer are a
// speck or two of noise between lines.
const minRowInk = 3

// tightLine cuts a crop to the band of rows around its middle that hold
// ink: the line itself, without the edges of the lines above and below.
func tightLine(c *raster) *raster {
	y0, y1 := lineBand(c)
	return c.crop(box{0, y0, c.w, y1})
}

// lineBand returns the rows of a crop tightLine keeps, ends exclusive.
func lineBand(c *raster) (int, int) {
	rows := make([]int, c.h)
	for y := range c.h {
		for x := range c.w {
			if c.pix[y*c.w+x] < 128 {
				rows[y]++
			}
		}
		if rows[y] < minRowInk {
			rows[y] = 0 // a speck of the scan's noise, not a stroke
		}
	}
	// The band: from the row with the most ink near the middle, out to
	// the first rows empty on either side.
	mid := c.h / 2
	best := mid
	for y := c.h / 4; y < 3*c.h/4; y++ {
		if rows[y] > rows[best] {
			best = y
		}
	}
	y0, y1 := best, best
	for y0 > 0 && rows[y0-1] > 0 {
		y0--
	}
	for y1 < c.h-1 && rows[y1+1] > 0 {
		y1++
	}
	pad := (y1 - y0) / 3
	return max(0, y0-pad), min(c.h, y1+1+pad)
}
