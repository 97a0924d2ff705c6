package ocr

import (
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

// Post-correction. Tesseract confuses things the printed form leaves in no
// doubt: the bracket of a 文号 (〔 read as [5, 【, ( or 3), the 〇 of a year
// (read as O or 0), the 日 of a date under a seal (晶). Each rule here
// changes a line only where the domain's own parsers (gazette.ParseDocNumber,
// gazette.ParseDate) accept the result and refuse what was read, and every
// change is recorded as a page.Correction with the confidence of what it
// replaced: nothing is corrected silently.

// The rules, as named in page.Correction.Rule.
const (
	RuleZero      = "zero"      // 〇 or 0 read as O, o, D, 口, ()
	RuleDocNumber = "docnumber" // the brackets of a 文号
	RuleDate      = "date"      // a date that cannot exist as read
	RuleLexicon   = "lexicon"   // a name of a place or authority
	RuleTrial     = "trial"     // the brackets of （试行） or （暂行） in a title
	RuleWord      = "word"      // a set word of official text one character off (办公打, 管理力法)
	RuleNesting   = "nesting"   // the 〉 closing a title inside a 《…》, read as 》
	RuleRunOn     = "runon"     // a run-on registration number's 1 or 0 read as a capital (YNL6…)
)

// reading is one line under correction: its runes and, for each, the
// confidence (0–100) of the word it was read in.
type reading struct {
	rs    []rune
	conf  []float64
	fixes []page.Correction // Line is set by the caller
}

func newReading(text string, conf []float64) *reading {
	rs := []rune(text)
	if len(conf) != len(rs) {
		conf = make([]float64, len(rs))
		for i := range conf {
			conf[i] = 100
		}
	}
	return &reading{rs: rs, conf: conf}
}

func (r *reading) String() string { return string(r.rs) }

// edit replaces rs[from:to] with with.
type edit struct {
	from, to int
	with     []rune
}

// apply makes the edits (sorted, not overlapping) and records them under
// rule, one correction per token: an edit widened by widen (nil: not
// widened) to show what it belongs to (the whole year of a 〇), edits whose
// tokens meet recorded as one.
func (r *reading) apply(rule string, edits []edit, widen func(rs []rune, from, to int) (int, int)) {
	if len(edits) == 0 {
		return
	}
	slices.SortFunc(edits, func(a, b edit) int { return a.from - b.from })
	type span struct {
		from, to int
		edits    []edit
	}
	var spans []span
	for _, e := range edits {
		from, to := e.from, e.to
		if widen != nil {
			from, to = widen(r.rs, from, to)
		}
		if n := len(spans); n > 0 && from <= spans[n-1].to {
			spans[n-1].to = max(spans[n-1].to, to)
			spans[n-1].edits = append(spans[n-1].edits, e)
			continue
		}
		spans = append(spans, span{from, to, []edit{e}})
	}
	var rs []rune
	var conf []float64
	at := 0
	for _, s := range spans {
		rs = append(rs, r.rs[at:s.from]...)
		conf = append(conf, r.conf[at:s.from]...)
		var to []rune
		low := 100.0
		pos := s.from
		for _, e := range s.edits {
			to = append(to, r.rs[pos:e.from]...)
			to = append(to, e.with...)
			for _, c := range r.conf[e.from:e.to] {
				low = min(low, c)
			}
			pos = e.to
		}
		to = append(to, r.rs[pos:s.to]...)
		from := string(r.rs[s.from:s.to])
		if string(to) != from {
			r.fixes = append(r.fixes, page.Correction{From: from, To: string(to), Rule: rule, Confidence: low / 100})
		}
		// The new runes take the lowest confidence of what they replace.
		rs = append(rs, to...)
		for range to {
			conf = append(conf, low)
		}
		at = s.to
	}
	r.rs = append(rs, r.rs[at:]...)
	r.conf = append(conf, r.conf[at:]...)
}

// correctLine runs every rule over one line, names against lex (nil: no
// names are checked).
func correctLine(r *reading, lex *Lexicon, quoting bool) {
	fixReading(r)
	fixDocNumbers(r)
	fixDates(r)
	fixTrial(r, quoting)
	fixRunOn(r)
	fixWords(r)
	fixNames(r, lex)
}

// setWords are words every official text prints, as tesseract misreads one
// character of them into no word at all where they stand: 厅 read as the
// 打, 斤 or 厂 it looks like, 办 as 力 (its dots lost), 予 as 子. Each holds where
// its context allows only the word: before is the characters that may
// precede the misreading ("" any), and closed asks that no Han character
// follow it but the start of 关于 or of the 文件 of a 发文机关标志
// (办公打 before a date, a comma or 文件; not 办公厂房).
var setWords = []struct {
	read, word string
	before     string
	closed     bool
}{
	{read: "办公打", word: "办公厅", closed: true},
	{read: "办公斤", word: "办公厅", closed: true},
	{read: "办公厂", word: "办公厅", closed: true},
	{read: "办公亍", word: "办公厅", closed: true},
	{read: "办分厅", word: "办公厅", closed: true}, // 公 read as the 分 it looks like
	// 管理办法, 实施办法, 暂行办法, 《…》办法; never 电力法 or 暴力法.
	{read: "力法", word: "办法", before: "理施行》"},
	// The 附注 (此件不予公开): 予 read as the 子 or 于 it looks like.
	{read: "不子公开", word: "不予公开"},
	{read: "不于公开", word: "不予公开"},
}

// fixWords writes a set word that one misread character made into no word
// as printed (see setWords).
func fixWords(r *reading) {
	rs := r.rs
	var edits []edit
	for _, w := range setWords {
		read, word := []rune(w.read), []rune(w.word)
		for i := 0; i+len(read) <= len(rs); i++ {
			if !slices.Equal(rs[i:i+len(read)], read) {
				continue
			}
			if w.before != "" && (i == 0 || !strings.ContainsRune(w.before, rs[i-1])) {
				continue
			}
			if j := i + len(read); w.closed && j < len(rs) && unicode.Is(unicode.Han, rs[j]) && !strings.HasPrefix(string(rs[j:]), "关于") && !strings.HasPrefix(string(rs[j:]), "文件") {
				continue
			}
			edits = append(edits, edit{i, i + len(read), word})
		}
	}
	r.apply(RuleWord, edits, nil)
}

// quotingAfter reports whether a 《 is left open at the end of line, given
// whether one was open before it: a title quoted in the text may wrap.
func quotingAfter(line string, before bool) bool {
	for _, c := range line {
		switch c {
		case '《':
			before = true
		case '》':
			before = false
		}
	}
	return before
}

// fixTrial writes the brackets of a title's （试行） or （暂行） as printed,
// where tesseract read the opening one as 〈, < or ( and the closing one,
// with the 》 that closes the title after it, as one stray character:
// 《…实施细则〈试行六的通知 becomes 《…实施细则（试行）》的通知. The stray
// character is taken for the brackets only where what follows it ends a
// title (的, 印发, a full stop or comma, the end of the line), and 》 is
// added only where a 《 is open (quoting: from the lines before).
func fixTrial(r *reading, quoting bool) {
	rs := r.rs
	var edits []edit
	open := quoting
	for i := 0; i+2 < len(rs); i++ {
		switch rs[i] {
		case '《':
			open = true
		case '》':
			open = false
		}
		if !strings.ContainsRune("（(〈<【[{", rs[i]) || !(rs[i+1] == '试' || rs[i+1] == '暂') || rs[i+2] != '行' {
			continue
		}
		word := string(rs[i+1 : i+3])
		j := i + 3
		switch {
		case j < len(rs) && (rs[j] == '）' || rs[j] == ')'):
			if rs[i] != '（' || rs[j] != '）' {
				edits = append(edits, edit{i, j + 1, []rune("（" + word + "）")})
			}
		case j < len(rs) && !isCJKPunct(rs[j]) && endsTitle(rs, j+1):
			with := "（" + word + "）"
			if open && (j+1 >= len(rs) || rs[j+1] != '》') {
				with += "》"
				open = false
			}
			edits = append(edits, edit{i, j + 1, []rune(with)})
		}
		i = j - 1
	}
	r.apply(RuleTrial, edits, nil)
}

// endsTitle reports whether rs from i goes on as the text after a quoted
// title does: 的, 印发, 》, a comma or full stop, or nothing.
func endsTitle(rs []rune, i int) bool {
	if i >= len(rs) {
		return true
	}
	rest := string(rs[i:])
	return strings.HasPrefix(rest, "的") || strings.HasPrefix(rest, "印发") || strings.ContainsRune("》，。、；", rs[i])
}

func isCJKPunct(r rune) bool { return strings.ContainsRune("，。、；：！？《》“”", r) }

// fixReading corrects what tesseract reliably confuses in Chinese text
// where the printed form is not in doubt: the 〇 of a Chinese-numeral date
// read as a Latin O or a zero ("二O二四年"), and a letter O among Arabic
// digits before a unit of a date or number ("2O15年", "1O月").
func fixReading(r *reading) {
	rs := r.rs
	numeral := func(i int) bool {
		return i >= 0 && i < len(rs) && strings.ContainsRune("一二三四五六七八九十〇", rs[i])
	}
	zero := func(r rune) bool { return r == 'O' || r == 'o' || r == '0' || r == 'Ｏ' || r == '０' }
	var edits []edit
	for i := 0; i < len(rs); i++ {
		if !zero(rs[i]) || !numeral(i-1) {
			continue
		}
		j := i // a run of them: 二OO二年 is 2002
		for j < len(rs) && zero(rs[j]) {
			j++
		}
		if numeral(j) || j < len(rs) && rs[j] == '年' {
			edits = append(edits, edit{i, j, []rune(strings.Repeat("〇", j-i))})
		}
		i = j
	}
	edits = append(edits, fixYears(rs, edits)...)
	r.apply(RuleZero, edits, number(func(c rune) bool { return strings.ContainsRune("一二三四五六七八九十〇", c) || zero(c) }))
	r.apply(RuleZero, arabicZeros(r.rs), number(func(c rune) bool { return c >= '0' && c <= '9' || c == 'O' || c == 'o' }))
}

// number widens an edit to the number around it, digits as digit says,
// and the unit after it (2O15年, 二O一九年).
func number(digit func(rune) bool) func(rs []rune, from, to int) (int, int) {
	return func(rs []rune, from, to int) (int, int) {
		for from > 0 && digit(rs[from-1]) {
			from--
		}
		for to < len(rs) && digit(rs[to]) {
			to++
		}
		if to < len(rs) && strings.ContainsRune("年月日号", rs[to]) {
			to++
		}
		return from, to
	}
}

// zeroReadings are what tesseract makes of the 〇 of a printed year, the
// two-character ones first: 二DO二四年, 二()二四年, 二口二四年.
var zeroReadings = [][]rune{
	[]rune("DO"), []rune("D0"), []rune("DQ"), []rune("()"), []rune("（）"), []rune("[]"),
	[]rune("O"), []rune("o"), []rune("0"), []rune("Ｏ"), []rune("０"), []rune("D"), []rune("Q"), []rune("口"), []rune("○"),
	// Round Arabic digits: no year printed in Chinese numerals holds
	// one (二9二四年), so among them they can only be its 〇.
	[]rune("6"), []rune("8"), []rune("9"),
}

// fixYears finds the 〇 of a Chinese-numeral year before 年 however it
// was read: what stands before 年 must read as the four digits of one
// year, starting with a printed 一 or 二 (1xxx, 2xxx), and not be the end
// of a longer number. Only then is each misreading a 〇. It returns the
// edits not already among done.
func fixYears(rs []rune, done []edit) []edit {
	isNumeral := func(r rune) bool { return strings.ContainsRune("一二三四五六七八九〇", r) }
	var fix []edit
	for i, r := range rs {
		if r != '年' {
			continue
		}
		j, slots := i, 0
		var zeros []edit
	slot:
		for slots < 4 && j > 0 {
			if isNumeral(rs[j-1]) {
				j--
				slots++
				continue
			}
			for _, z := range zeroReadings {
				if j >= len(z) && slices.Equal(rs[j-len(z):j], z) {
					zeros = append(zeros, edit{j - len(z), j, []rune{'〇'}})
					j -= len(z)
					slots++
					continue slot
				}
			}
			break
		}
		if slots == 4 && len(zeros) > 0 && (rs[j] == '一' || rs[j] == '二') && (j == 0 || !isNumeral(rs[j-1])) {
			fix = append(fix, zeros...)
		}
	}
	return slices.DeleteFunc(fix, func(e edit) bool {
		return slices.ContainsFunc(done, func(d edit) bool { return e.from < d.to && d.from < e.to })
	})
}

// reYear is an Arabic-numeral year: four digits before 年, not the end of a
// longer number.
var reYear = regexp.MustCompile(`(?:^|[^0-9])([0-9]{4}) ?年`)

// roundDigits are the digits tesseract confuses with each other in a
// scan's small print: the round ones (2002 read 2692 or 2062), and 1 with 7.
var roundDigits = map[byte]string{'0': "689", '6': "0589", '8': "0369", '9': "068", '3': "8", '5': "6", '1': "7", '7': "1"}

// CheckYears corrects a year that cannot be as read: an Arabic-numeral
// year anywhere in a line (a title's 关于申请安排2692年…的请示, not only a
// date) more than maxYearsAhead past the file's own year, that of its
// first regular 文号, else of its 印发日期. It becomes the year nearest the
// file's that OCR can have misread it from: one digit apart, or two where
// both are digits tesseract confuses (see roundDigits); where no such year
// lies within reach it stays as read. Each change is recorded in the
// page's Corrections with the page's confidence; pages of other
// extractors are left alone.
func CheckYears(pages []page.Page) {
	ref := fileYear(pages)
	if ref == 0 {
		return
	}
	for pi := range pages {
		p := &pages[pi]
		if p.Extractor != page.OCR {
			continue
		}
		for li, l := range p.Lines {
			text := l.Text
			for _, m := range reYear.FindAllStringSubmatchIndex(l.Text, -1) {
				y, _ := strconv.Atoi(l.Text[m[2]:m[3]])
				if y <= ref+maxYearsAhead {
					continue
				}
				if c := misreadYear(l.Text[m[2]:m[3]], ref); c != "" {
					text = text[:m[2]] + c + text[m[3]:]
				}
			}
			if text != l.Text {
				p.Corrections = append(p.Corrections, page.Correction{Line: li, From: l.Text, To: text, Rule: RuleDate, Confidence: p.Confidence})
				p.Lines[li].Text = text
			}
		}
	}
}

// fileYear is the year of a file's first regular 文号, else of its last
// 印发日期; 0 when it prints neither.
func fileYear(pages []page.Page) int {
	printed := 0
	for _, p := range pages {
		for _, l := range p.Lines {
			for _, m := range gazette.FindDocNumbers(l.Text) {
				if m.Number.Kind == gazette.DocNumberRegular {
					return m.Number.Year
				}
			}
			if i := strings.Index(l.Text, "印发"); i >= 0 {
				if ds := gazette.FindDates(l.Text[:i]); len(ds) > 0 {
					printed = ds[len(ds)-1].Date.Year
				}
			}
		}
	}
	return printed
}

// misreadYear returns the year, within maxYearsAhead of ref and not
// before 1900, that read can be a misreading of (see CheckYears): one
// misread in digits tesseract confuses before any other, then the nearest
// ref; "" for none.
func misreadYear(read string, ref int) string {
	best, bestRank := "", 0
	for c := max(1900, ref-maxYearsAhead); c <= ref+maxYearsAhead; c++ {
		cand := strconv.Itoa(c)
		diff, round := 0, true
		for i := range 4 {
			if cand[i] != read[i] {
				diff++
				round = round && strings.IndexByte(roundDigits[cand[i]], read[i]) >= 0
			}
		}
		if diff == 1 || diff == 2 && round {
			rank := abs(c - ref)
			if !round {
				rank += 1000
			}
			if best == "" || rank < bestRank {
				best, bestRank = cand, rank
			}
		}
	}
	return best
}

// arabicZeros finds a letter O read for the digit 0 inside an Arabic
// number that a unit of a date or a 文号 follows (2O15年, 1O月, 2O日, 1O号)
// and that is not part of a code of letters and digits (GZ2O15年).
func arabicZeros(rs []rune) []edit {
	digit := func(i int) bool { return i >= 0 && i < len(rs) && rs[i] >= '0' && rs[i] <= '9' }
	o := func(i int) bool { return i >= 0 && i < len(rs) && (rs[i] == 'O' || rs[i] == 'o') }
	var edits []edit
	for i := 0; i < len(rs); i++ {
		if !digit(i) || digit(i-1) || o(i-1) || i > 0 && isLatin(rs[i-1]) {
			continue
		}
		j := i // the number: digits and Os
		for j < len(rs) && (digit(j) || o(j)) {
			j++
		}
		if j < len(rs) && strings.ContainsRune("年月日号〕]", rs[j]) {
			for k := i; k < j; k++ {
				if o(k) {
					edits = append(edits, edit{k, k + 1, []rune{'0'}})
				}
			}
		}
		i = j
	}
	return edits
}

func isLatin(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' }

// reDocNumberRead is a 文号 as tesseract reads it: the agency's Han run, an
// opening bracket read as a bracket (with a stray character after it, [5)
// or as a digit or bar, the year, a closing bracket read as a bracket
// (or two: ]】), bar, J or 1, the serial and 号.
var reDocNumberRead = regexp.MustCompile(
	`(\p{Han}+) ?` +
		`([\[［【〔(（{｛〈<「『〖]{1,2}[ ]?[0-9lI|]?|[13lI|])` + // opening, doubled at times: 〔【
		` ?((?:19|20)[0-9]{2}) ?` +
		`([\]］】〕)）}｝〉>」』〗|lIJ1][\]］】〕)）}｝〉>」』〗]?)?` + // closing, doubled at times: ]】
		` ?([0-9]{1,7}) ?号`)

var bracketRunes = "[［【〔(（{｛〈<「『〖]］】〕)）}｝〉>」』〗"

// fixDocNumbers writes the brackets of a regular 文号 as printed, 〔 and 〕,
// where tesseract read them as something else: 深府[52016] 60号 becomes
// 深府〔2016〕60号, 粤教考[2015] 14号 粤教考〔2015〕14号. The number must parse
// with gazette.ParseDocNumber once corrected, and either bracket must have
// been read as a bracket.
func fixDocNumbers(r *reading) {
	s := r.String()
	var edits []edit
	for _, m := range reDocNumberRead.FindAllStringSubmatchIndex(s, -1) {
		open, close := s[m[4]:m[5]], ""
		if m[8] >= 0 {
			close = s[m[8]:m[9]]
		}
		openBracket := strings.ContainsAny(open, bracketRunes)
		closeBracket := close != "" && strings.ContainsAny(close, bracketRunes)
		switch {
		case !openBracket && !closeBracket:
			continue // 粤教考3201511 4号: where the year starts is a guess
		case close == "1" && s[m[9]] != ' ':
			continue // 粤教考[201514号: 〕 read as 1, or lost before 14?
		}
		year, serial := s[m[6]:m[7]], s[m[10]:m[11]]
		fixed := "〔" + year + "〕" + serial + "号"
		// The agency as gazette finds it in the Han run (without words
		// in front of it such as 根据), and the number it makes.
		run := s[m[2]:m[3]]
		found := gazette.FindDocNumbers(run + fixed)
		if len(found) == 0 || found[len(found)-1].End != len(run+fixed) {
			continue
		}
		f := found[len(found)-1]
		if f.Number.Kind != gazette.DocNumberRegular || f.Start >= len(run) {
			continue
		}
		// The edit covers the whole number, so the correction reads as one.
		from := utf8.RuneCountInString(s[:m[2]+f.Start])
		to := utf8.RuneCountInString(s[:m[1]])
		edits = append(edits, edit{from, to, []rune(run[f.Start:] + fixed)})
	}
	r.apply(RuleDocNumber, edits, nil)
}

// dayReadings are what tesseract makes of the 日 of a date, under a seal
// or a stain; digitReadings what it makes of a digit of the month or day.
var (
	dayReadings   = "晶曰目臼白旦昌百"
	digitReadings = map[rune]rune{'工': '1', 'l': '1', 'I': '1', '|': '1', 'O': '0', 'o': '0'}
)

// reDateRead is an Arabic-numeral date as tesseract reads it: the month and
// the day may hold a misread digit, the day may end in a misread 日.
var reDateRead = regexp.MustCompile(`([0-9]{4}) ?年 ?([0-9工lI|Oo]{1,2}) ?月 ?([0-9工lI|Oo]{1,2}) ?([日晶曰目臼白旦昌百])`)

// fixDates corrects a date whose month or day holds a letter read for a
// digit (12月工日) or whose 日 was misread (3月16晶), when the corrected
// date exists (gazette.ParseDate). A date that cannot exist for other
// reasons (a year read wrongly) is left to CheckDates.
func fixDates(r *reading) {
	s := r.String()
	var edits []edit
	for _, m := range reDateRead.FindAllStringSubmatchIndex(s, -1) {
		read := []rune(s[m[0]:m[1]])
		fixed := make([]rune, len(read))
		changed := false
		for i, c := range read {
			fixed[i] = c
			if d, ok := digitReadings[c]; ok {
				fixed[i], changed = d, true
			}
		}
		if last := len(fixed) - 1; strings.ContainsRune(dayReadings, fixed[last]) {
			fixed[last], changed = '日', true
		}
		if !changed {
			continue
		}
		if _, err := gazette.ParseDate(string(fixed)); err != nil {
			continue
		}
		from := utf8.RuneCountInString(s[:m[0]])
		edits = append(edits, edit{from, from + len(read), fixed})
	}
	if len(edits) == 0 {
		edits = lineDate(s)
	}
	if len(edits) == 0 {
		edits = chineseDates(s)
	}
	r.apply(RuleDate, edits, nil)
}

// reChineseDate is a date in Chinese numerals (a 成文日期 as GB/T 9704
// prints it), its month and day as read.
var reChineseDate = regexp.MustCompile(`[一二三四五六七八九〇]{4}年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日`)

// strokeReadings are the numerals tesseract reads for one another by a
// stroke too many or too few: 二十三日 read as 三十三日.
var strokeReadings = map[rune][]rune{'一': {'二'}, '二': {'一', '三'}, '三': {'二'}}

// chineseDates corrects a Chinese-numeral date that cannot exist as read
// (二月三十三日) where exactly one numeral of its month and day, read with
// a stroke too many or too few, makes a date that does: 二月二十三日. Two
// or more such dates leave the line as it is.
func chineseDates(s string) []edit {
	var edits []edit
	for _, m := range reChineseDate.FindAllStringSubmatchIndex(s, -1) {
		date := s[m[0]:m[1]]
		if _, err := gazette.ParseDate(date); err == nil {
			continue
		}
		rs := []rune(date)
		first := utf8.RuneCountInString(s[m[0]:m[2]]) // the month's first numeral
		var found []rune
		for i := first; i < len(rs); i++ {
			for _, alt := range strokeReadings[rs[i]] {
				try := slices.Clone(rs)
				try[i] = alt
				if _, err := gazette.ParseDate(string(try)); err == nil {
					if found != nil {
						found = nil
						goto next
					}
					found = try
				}
			}
		}
		if found != nil {
			from := utf8.RuneCountInString(s[:m[0]])
			edits = append(edits, edit{from, from + len(rs), found})
		}
	next:
	}
	return edits
}

// reDateLine is a line that is only an Arabic-numeral date whose 日 was
// read as some other mark: 2015年3月140, 2015年3月14侣. A 成文日期 stands
// alone on its line, so whatever follows the day there can only be its 日.
var reDateLine = regexp.MustCompile(`^ *([0-9]{4}) ?年 ?([0-9]{1,2}) ?月 ?([0-9]{1,2}) ?([^0-9日\s]|[0-9])$`)

// reDateUnits is a line that is only an Arabic-numeral date whose 年 or
// 月 was read as some other mark (2015第3月14日, under a seal): between
// the printed digits of a 成文日期 there can be nothing else.
var reDateUnits = regexp.MustCompile(`^ *([0-9]{4}) ?([^0-9\s]) ?([0-9]{1,2}) ?([^0-9\s]) ?([0-9]{1,2}) ?日 *$`)

// lineDate corrects the 日 of a line that is only a date (see
// reDateLine); a digit counts as the misread 日 only when the day cannot
// take it (14 then 0 is not day 140), and the date must exist. Or it
// corrects the one of its 年 and 月 that was misread (see reDateUnits).
func lineDate(s string) []edit {
	if m := reDateUnits.FindStringSubmatch(s); m != nil && (m[2] == "年") != (m[4] == "月") {
		fixed := m[1] + "年" + m[3] + "月" + m[5] + "日"
		if _, err := gazette.ParseDate(fixed); err != nil {
			return nil
		}
		from := utf8.RuneCountInString(s) - utf8.RuneCountInString(strings.TrimLeft(s, " "))
		return []edit{{from, utf8.RuneCountInString(strings.TrimRight(s, " ")), []rune(fixed)}}
	}
	m := reDateLine.FindStringSubmatchIndex(s)
	if m == nil {
		return nil
	}
	last := s[m[8]:m[9]]
	if last >= "0" && last <= "9" {
		if d, _ := strconv.Atoi(s[m[6]:m[7]] + last); d <= 31 && m[7]-m[6] == 1 {
			return nil // 3月1 then 4: the day is 14, its 日 lost
		}
	}
	fixed := s[m[2]:m[3]] + "年" + s[m[4]:m[5]] + "月" + s[m[6]:m[7]] + "日"
	if _, err := gazette.ParseDate(fixed); err != nil {
		return nil
	}
	from := utf8.RuneCountInString(s[:m[2]])
	return []edit{{from, utf8.RuneCountInString(s), []rune(fixed)}}
}

// CheckDates checks the dates OCR read against each other and against the
// calendar, and corrects a year misread in one digit; each change is
// recorded in the page's Corrections with the page's confidence, and pages
// of other extractors are left alone.
//
// The reference is the 印发日期 of the 版记, else the year of the first
// regular 文号. A 印发日期 after this year (2613年3月14日印发), or before
// gazette.MinYear, is first set to the one year a digit apart that can be,
// the 文号's if several can; one years after the signed date above it
// (2016年3月9日印发 under 2010年3月8日 and 〔2010〕) to the signed date's
// year (see printAfterSigned). Then a signed date (成文日期, a line that is only a date) that
// cannot be as read (after the 印发日期, or more than a year after the
// 文号's year) becomes the reference's year where that is a digit apart:
// signed 2086年3月16日 where the 版记 says 2016年3月17日印发 becomes
// 2016年3月16日, 二〇二三年三月十二日 where it says 2013年3月14日印发
// 二〇一三年三月十二日. And any date more than maxYearsAhead past the reference
// (有效期至2920年) is a digit misread (see farYears). A 令's signed date
// is held to the dates of the sentence it signs (see orderDates), and
// one that fits them is not held to the file's 印发日期, which in an issue
// of the gazette is another document's.
func CheckDates(pages []page.Page) {
	signs := orderDates(pages)
	var printed gazette.Date
	printPage, printLine := -1, -1
	numberYear := 0
	for pi, p := range pages {
		for li, l := range p.Lines {
			if i := strings.Index(l.Text, "印发"); i >= 0 {
				if ds := gazette.FindDates(l.Text[:i]); len(ds) > 0 {
					printed, printPage, printLine = ds[len(ds)-1].Date, pi, li
				}
			}
			if numberYear == 0 {
				for _, m := range gazette.FindDocNumbers(l.Text) {
					if m.Number.Kind == gazette.DocNumberRegular {
						numberYear = m.Number.Year
						break
					}
				}
			}
		}
	}
	if thisYear := time.Now().Year(); !printed.IsZero() && (printed.Year > thisYear || printed.Year < gazette.MinYear) && pages[printPage].Extractor == page.OCR {
		printed = pastYear(&pages[printPage], printLine, printed, numberYear, thisYear)
	}
	if !printed.IsZero() && pages[printPage].Extractor == page.OCR {
		if signed, ok := signedBefore(pages, printPage, printLine); ok {
			printed = printAfterSigned(&pages[printPage], printLine, printed, signed, numberYear)
		}
	}
	if !printed.IsZero() && numberYear > printed.Year && oneDigitApart(numberYear, printed.Year) {
		numberYear = laterNumbers(pages, printed.Year)
	}
	ref := printed.Year
	if ref == 0 {
		ref = numberYear
	}
	if ref == 0 {
		sealedInIssue(pages, signs)
		return
	}
	for pi := range pages {
		p := &pages[pi]
		if p.Extractor != page.OCR {
			continue
		}
		for li, l := range p.Lines {
			if fixed, ok := farYears(l.Text, ref); ok {
				p.Corrections = append(p.Corrections, page.Correction{Line: li, From: l.Text, To: fixed, Rule: RuleDate, Confidence: p.Confidence})
				p.Lines[li].Text, l.Text = fixed, fixed
			}
			text := strings.TrimSpace(l.Text)
			if fixed, ok := lostNumeral(text, ref, printed); ok {
				p.Lines[li].Text = fixed
				p.Corrections = append(p.Corrections, page.Correction{Line: li, From: text, To: fixed, Rule: RuleDate, Confidence: p.Confidence})
				continue
			}
			d, whole := onlyDate(text)
			if !whole {
				fixed, ok := sealedDate(text, printed, yearsOf(numberYear))
				if !ok && !legibleDay(text) {
					fixed, ok = sealedReadings(text, l.Readings, printed, yearsOf(numberYear))
				}
				if !ok {
					fixed, ok = dayLost(text, l.Readings, printed)
				}
				if ok {
					p.Lines[li].Text = fixed
					p.Corrections = append(p.Corrections, page.Correction{Line: li, From: text, To: fixed, Rule: RuleDate, Confidence: p.Confidence})
				}
				continue // not a line of its own date
			}
			impossible := !printed.IsZero() && d.Compare(printed) > 0 || printed.IsZero() && d.Year > numberYear+1
			if !impossible || signs[[2]int{pi, li}] || d.Year == ref || !oneDigitApart(d.Year, ref) {
				continue
			}
			// The year as written, in Arabic or Chinese numerals (a year
			// read again alone, see rereadDates, is written with 〇).
			old, year := strconv.Itoa(d.Year), strconv.Itoa(ref)
			if !strings.HasPrefix(text, old) {
				old, year = gazette.ChineseYear(d.Year), gazette.ChineseYear(ref)
			}
			if !strings.HasPrefix(text, old) {
				continue // a year written otherwise (二○一○年): left as read
			}
			fixed := year + text[len(old):]
			nd, err := gazette.ParseDate(fixed)
			if err != nil || !printed.IsZero() && nd.Compare(printed) > 0 {
				continue
			}
			p.Lines[li].Text = fixed
			p.Corrections = append(p.Corrections, page.Correction{Line: li, From: text, To: fixed, Rule: RuleDate, Confidence: p.Confidence})
		}
	}
}

// reDayLost is an Arabic-numeral date line whose day a seal took, its
// year and month legible (2016年9月日).
var reDayLost = regexp.MustCompile(`^((?:19|20)[0-9]{2})年([0-9]{1,2})月日$`)

// reMonthDay is a month and day as a reading gives them, with the digits
// before the month's (a year's run on).
var reMonthDay = regexp.MustCompile(`([0-9]+)月([0-9]{1,2})日`)

// dayLost returns the date a line read without its day (see reDayLost)
// is, where two or more of its other readings (page.Line.Readings) give a
// day after the same month (eole和9月6日人, 69月6日) and none another; the
// date must exist and not be after the 印发日期 printed (zero: none).
func dayLost(text string, readings []string, printed gazette.Date) (string, bool) {
	m := reDayLost.FindStringSubmatch(page.Squeeze(text))
	if m == nil {
		return "", false
	}
	day, votes := "", 0
	for _, r := range readings {
		for _, d := range reMonthDay.FindAllStringSubmatch(page.Squeeze(r), -1) {
			// The month: the last two digits before 月 where they make
			// one (11月), else the last (69月: the year's 6 run on).
			month := d[1][len(d[1])-1:]
			if n := len(d[1]); n >= 2 && d[1][n-2] == '1' && d[1][n-1] <= '2' {
				month = d[1][n-2:]
			}
			switch {
			case month != m[2]:
			case day == "" || d[2] == day:
				day, votes = d[2], votes+1
			default:
				return "", false
			}
		}
	}
	if votes < 2 {
		return "", false
	}
	fixed := m[1] + "年" + m[2] + "月" + day + "日"
	d, err := gazette.ParseDate(fixed)
	if err != nil || !printed.IsZero() && d.Compare(printed) > 0 {
		return "", false
	}
	return fixed, true
}

// onlyDate returns the date text is, if it is exactly one date and
// nothing else, as read.
func onlyDate(text string) (gazette.Date, bool) {
	ds := gazette.FindDates(text)
	if len(ds) != 1 || ds[0].Start != 0 || ds[0].End != len(text) {
		return gazette.Date{}, false
	}
	return ds[0].Date, true
}

// yearsOf is the one year y, none for 0.
func yearsOf(y int) []int {
	if y == 0 {
		return nil
	}
	return []int{y}
}

// sealedInIssue settles the signed dates read garbled (see sealedDate) of
// a file that prints no 印发日期 and no regular 文号 to hold them to: an
// issue of the gazette with 令s and appointments only, whose
// 二〇一四年十一月三十日 under a seal read 二四年十一月三十日 and, again
// alone, 二C一四年…. Each is held to the years of the dates the file's
// other date lines print whole, and the years either side: the documents
// of one issue are signed within a year or so of each other. The year
// read most nearly wins, and only one date may fit. A 令's signed date
// is the sentence's it signs, settled or not (signs, see orderDates).
func sealedInIssue(pages []page.Page, signs map[[2]int]bool) {
	var years []int
	for _, p := range pages {
		for _, l := range p.Lines {
			text := strings.TrimSpace(l.Text)
			if d, ok := onlyDate(text); ok {
				for y := d.Year - 1; y <= d.Year+1; y++ {
					if !slices.Contains(years, y) {
						years = append(years, y)
					}
				}
			}
		}
	}
	if len(years) == 0 {
		return
	}
	for pi := range pages {
		p := &pages[pi]
		if p.Extractor != page.OCR {
			continue
		}
		for li, l := range p.Lines {
			text := strings.TrimSpace(l.Text)
			if _, ok := signs[[2]int{pi, li}]; ok {
				continue
			}
			if _, ok := onlyDate(text); ok {
				continue // a date as it is
			}
			fixed, ok := sealedDate(text, gazette.Date{}, years)
			if !ok && !legibleDay(text) {
				fixed, ok = sealedReadings(text, l.Readings, gazette.Date{}, years)
			}
			if ok {
				p.Lines[li].Text = fixed
				p.Corrections = append(p.Corrections, page.Correction{Line: li, From: text, To: fixed, Rule: RuleDate, Confidence: p.Confidence})
			}
		}
	}
}

// A 成文日期 in Chinese numerals under a seal comes back from tesseract
// with numerals lost or misread as other characters (二〇一〇年三月作晶,
// 二所OO二年五月三牛日, 二0一年三月人日). It is settled against the dates
// it can be: those of the 版记's 印发日期's year and the year before, up to
// that date (a document is signed before it is printed), and those of the
// 文号's year. The read month must be one's month exactly; the year as
// read at most one edit from one's year (the nearest win); and the day as
// read as long as one's day, its numerals where legible the same. Only one
// date may fit.

// numeralReadings are what tesseract reads Chinese numerals of a date as,
// under a seal: 〇 as a letter or a digit, 八 as 人 or 入, 十 as 千 or +.
var numeralReadings = map[rune]rune{
	'0': '〇', 'O': '〇', 'o': '〇', 'D': '〇', 'C': '〇', 'c': '〇', '○': '〇', '口': '〇',
	'人': '八', '入': '八', '从': '八',
	'千': '十', '+': '十',
}

// reSealedDate is a line that is a date's shape: a year of three to six
// characters, a month, a day of one to three and 日 or what 日 is read as.
var reSealedDate = regexp.MustCompile(`^(\S{3,6})年(\S{1,3})月(\S{1,3}?)([日` + dayReadings + `])$`)

// reSealedArabic is a line that is an Arabic-numeral date but for its 月
// and 日, both misread (one misread is lineDate's).
var reSealedArabic = regexp.MustCompile(`^((?:19|20)[0-9]{2})年([0-9]{1,2})[^0-9月]([0-9]{1,2})[^0-9日]$`)

// reSealedYear is an Arabic-numeral date whose year alone a seal
// garbled (和018年10月25日: its first digit read as a character or lost),
// its month and day legible.
var reSealedYear = regexp.MustCompile(`^(\S?[0-9]{2,4})年([0-9]{1,2}月[0-9]{1,2}日)$`)

// sealedYear returns the date of a year read garbled (year) and a month
// and day read whole (rest, 10月25日) where exactly one year it can be is
// one edit from the year as read: the 印发日期's or the year before (the
// date no later than the printing), or the 文号's.
func sealedYear(year, rest string, printed gazette.Date, years []int) (string, bool) {
	if _, err := gazette.ParseDate(year + "年" + rest); err == nil {
		return "", false // a date as it is
	}
	var found []string
	for _, y := range append([]int{printed.Year, printed.Year - 1}, years...) {
		if y <= 0 || levenshtein.ComputeDistance(year, strconv.Itoa(y)) != 1 {
			continue
		}
		fixed := strconv.Itoa(y) + "年" + rest
		d, err := gazette.ParseDate(fixed)
		if err != nil || !printed.IsZero() && (d.Compare(printed) > 0 || d.Year < printed.Year-1) {
			continue
		}
		if !slices.Contains(found, fixed) {
			found = append(found, fixed)
		}
	}
	if len(found) != 1 {
		return "", false
	}
	return found[0], true
}

// sealedDate returns the date a line read as garbled Chinese numerals is
// (see above), written as printed, if it is a date's shape and one date
// only fits it. The dates it can be are those up to the 印发日期 printed
// (see above) and those of the whole years given (the 文号's).
func sealedDate(text string, printed gazette.Date, years []int) (string, bool) {
	t := page.Squeeze(text)
	if printed.IsZero() && len(years) == 0 {
		return "", false
	}
	if m := reSealedArabic.FindStringSubmatch(t); m != nil {
		// In Arabic numerals, its 月 and 日 misread (2015年3呈14惠): the
		// digits as read, where the date lies in the year before the
		// 印发日期, else in the 文号's year.
		fixed := m[1] + "年" + m[2] + "月" + m[3] + "日"
		d, err := gazette.ParseDate(fixed)
		switch {
		case err != nil:
			return "", false
		case !printed.IsZero() && d.Compare(printed) <= 0 && d.Time(time.UTC).AddDate(1, 0, 0).After(printed.Time(time.UTC)):
			return fixed, true
		case printed.IsZero() && slices.Contains(years, d.Year):
			return fixed, true
		}
		return "", false
	}
	if m := reSealedYear.FindStringSubmatch(t); m != nil {
		return sealedYear(m[1], m[2], printed, years)
	}
	m := reSealedDate.FindStringSubmatch(t)
	if m == nil {
		return "", false
	}
	year, month, day := foldNumerals(m[1]), foldNumerals(m[2]), foldNumerals(m[3])
	if !allNumerals(month) || year[0] != '一' && year[0] != '二' {
		return "", false // a year starts 1 or 2: 于二〇一年 is a sentence
	}
	var from, to time.Time
	if !printed.IsZero() {
		to = printed.Time(time.UTC)
		from = time.Date(printed.Year-1, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	// fits returns how far d's year is from the year as read, or -1
	// where d does not fit.
	fits := func(d gazette.Date) int {
		cy, cm, cd := gazette.ChineseYear(d.Year), gazette.ChineseNumber(int(d.Month)), gazette.ChineseNumber(d.Day)
		dist := levenshtein.ComputeDistance(string(year), string(cy))
		if string(month) != cm || len([]rune(cd)) != len(day) || dist > 1 {
			return -1
		}
		for i, r := range []rune(cd) {
			if isNumeral(day[i]) && day[i] != r {
				return -1
			}
		}
		return dist
	}
	// The dates that fit with the year read most nearly.
	var found []gazette.Date
	best := 2
	try := func(a, b time.Time) {
		for t := a; !t.After(b); t = t.AddDate(0, 0, 1) {
			d := gazette.DateOf(t)
			switch dist := fits(d); {
			case dist < 0 || dist > best || slices.Contains(found, d):
			case dist < best:
				found, best = []gazette.Date{d}, dist
			default:
				found = append(found, d)
			}
		}
	}
	if !printed.IsZero() {
		try(from, to)
	}
	for _, y := range years {
		if printed.IsZero() || y != printed.Year && y != printed.Year-1 {
			try(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC))
		}
	}
	if len(found) != 1 {
		return "", false
	}
	return found[0].Chinese(), true
}

// sealedReadings returns the date the other readings of a line (see
// page.Line.Readings) are, where those sealedDate settles settle on one
// date; it is asked only where the line's own reading, text, has no
// legible month and day (see legibleDay): under a 1-bit page's seal the
// line read with the ring whitened lost its 年 (二wo二“五月三--昌), and
// read with the ring left in kept it (二No二年五月三了日). A reading's date
// that the line's own reading of a date's shape rules out (see
// shapeFits) is no vote: a reading again that lost a numeral of the day
// (二二四年二月十日) against the line's 十去晶, two characters, and
// another reading's 十三日.
func sealedReadings(text string, readings []string, printed gazette.Date, years []int) (string, bool) {
	var found string
	for _, r := range readings {
		fixed, ok := sealedDate(r, printed, years)
		switch {
		case !ok || !shapeFits(text, fixed):
		case found == "":
			found = fixed
		case fixed != found:
			return "", false
		}
	}
	return found, found != ""
}

// shapeFits reports whether date, as printed, can be what text, a line
// read as a date's shape in Chinese numerals (see reSealedDate), is: its
// day is no shorter than text's. A reading again loses a numeral under a
// seal more often than it makes one up, and the line's month and numerals
// are no surer than the reading's. A text of no such shape rules nothing
// out.
func shapeFits(text, date string) bool {
	m := reSealedDate.FindStringSubmatch(page.Squeeze(text))
	d, err := gazette.ParseDate(date)
	if m == nil || err != nil {
		return true
	}
	return utf8.RuneCountInString(gazette.ChineseNumber(d.Day)) >= utf8.RuneCountInString(m[3])
}

// legibleDay reports whether a line read as a date's shape has its month
// and day legible, in numerals or digits: the line's own reading of them
// stands against its other readings. A gazette issue's 己G二二年六月二十三日
// was read 二吃二二年六月二十二日 twice again alone, from one crop, and
// those settled on the 22nd.
func legibleDay(text string) bool {
	t := page.Squeeze(text)
	if reSealedArabic.MatchString(t) {
		return true
	}
	m := reSealedDate.FindStringSubmatch(t)
	if m == nil {
		return false
	}
	return allNumerals(foldNumerals(m[2])) && allNumerals(foldNumerals(m[3]))
}

// foldNumerals reads each character of s that OCR takes for a Chinese
// numeral (numeralReadings) as that numeral.
func foldNumerals(s string) []rune {
	rs := []rune(s)
	for i, r := range rs {
		if c, ok := numeralReadings[r]; ok {
			rs[i] = c
		}
	}
	return rs
}

func isNumeral(r rune) bool { return strings.ContainsRune("〇一二三四五六七八九十", r) }

func allNumerals(rs []rune) bool {
	return len(rs) > 0 && !slices.ContainsFunc(rs, func(r rune) bool { return !isNumeral(r) })
}

// reShortYearDate is a line that is only a Chinese-numeral date whose year
// has three numerals: one was lost under a seal (二〇一年三月八日).
var reShortYearDate = regexp.MustCompile(`^([一二三四五六七八九〇]{3})年([一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)$`)

// lostNumeral restores the year of a signed date read with a numeral too
// few (see reShortYearDate) from the reference year ref, where the three
// read are ref's numerals with one left out, in order, and the date then
// exists and is not after the 印发日期 printed (zero: none).
func lostNumeral(text string, ref int, printed gazette.Date) (string, bool) {
	m := reShortYearDate.FindStringSubmatch(text)
	if m == nil {
		return "", false
	}
	year := []rune(gazette.ChineseYear(ref))
	read := []rune(m[1])
	found := false
	for i := range year {
		if string(slices.Delete(slices.Clone(year), i, i+1)) == string(read) {
			found = true
		}
	}
	if !found {
		return "", false
	}
	fixed := string(year) + "年" + m[2]
	d, err := gazette.ParseDate(fixed)
	if err != nil || !printed.IsZero() && d.Compare(printed) > 0 {
		return "", false
	}
	return fixed, true
}

// laterNumbers corrects the year of each regular 文号 OCR read as later
// than the 印发日期's year, a digit apart from it: a document is numbered
// in the year it is issued, never after it is printed (豫交规〔2016〕24号
// printed 2010年3月9日 is 豫交规〔2010〕24号). It returns that year.
func laterNumbers(pages []page.Page, printYear int) int {
	for pi := range pages {
		p := &pages[pi]
		if p.Extractor != page.OCR {
			continue
		}
		for li, l := range p.Lines {
			text := l.Text
			for _, m := range gazette.FindDocNumbers(l.Text) {
				n := m.Number
				if n.Kind != gazette.DocNumberRegular || n.Year <= printYear || !oneDigitApart(n.Year, printYear) {
					continue
				}
				raw := l.Text[m.Start:m.End]
				fixed := strings.Replace(raw, strconv.Itoa(n.Year), strconv.Itoa(printYear), 1)
				text = strings.Replace(text, raw, fixed, 1)
			}
			if text != l.Text {
				p.Corrections = append(p.Corrections, page.Correction{Line: li, From: l.Text, To: text, Rule: RuleDate, Confidence: p.Confidence})
				p.Lines[li].Text = text
			}
		}
	}
	return printYear
}

// pastYear corrects the year of a 印发日期 that cannot be, read on line li
// of p (one that has not come yet, or before gazette.MinYear): to the one
// year a digit apart that can (numberYear, the 文号's, where several can),
// if the date then exists; it returns the date as it then reads.
func pastYear(p *page.Page, li int, printed gazette.Date, numberYear, thisYear int) gazette.Date {
	var years []int
	for y := gazette.MinYear; y <= thisYear; y++ {
		if oneDigitApart(printed.Year, y) {
			years = append(years, y)
		}
	}
	year := 0
	switch {
	case slices.Contains(years, numberYear):
		year = numberYear
	case len(years) == 1:
		year = years[0]
	default:
		return printed
	}
	return setPrintYear(p, li, printed, year)
}

// setPrintYear writes year for the year of the 印发日期 printed on line li
// of p, if the date then exists, and records the change; it returns the
// date as the line then reads.
func setPrintYear(p *page.Page, li int, printed gazette.Date, year int) gazette.Date {
	text := p.Lines[li].Text
	old := strconv.Itoa(printed.Year) + "年"
	i := strings.LastIndex(text[:strings.Index(text, "印发")], old)
	if i < 0 {
		return printed
	}
	fixed := text[:i] + strconv.Itoa(year) + text[i+len(old)-len("年"):]
	d := printed
	d.Year = year
	if _, err := gazette.ParseDate(d.String()); err != nil {
		return printed
	}
	p.Lines[li].Text = fixed
	p.Corrections = append(p.Corrections, page.Correction{Line: li, From: text, To: fixed, Rule: RuleDate, Confidence: p.Confidence})
	return d
}

// maxPrintLag is how long after its 成文日期 a document's 印发日期 lies at
// most: an office prints what was signed within days or weeks, a few
// months where it waits for a session's other documents.
const maxPrintLag = 183

// signedBefore returns the 成文日期 above the 印发 line (line li of page
// pi): the last line before it that is one date and nothing else.
func signedBefore(pages []page.Page, pi, li int) (gazette.Date, bool) {
	for ; pi >= 0; pi-- {
		lines := pages[pi].Lines
		if li < 0 || li > len(lines) {
			li = len(lines)
		}
		for k := li - 1; k >= 0; k-- {
			text := strings.TrimSpace(lines[k].Text)
			if d, ok := onlyDate(text); ok {
				return d, true
			}
		}
		li = -1
	}
	return gazette.Date{}, false
}

// printAfterSigned holds the 印发日期 read on line li of p to the signed
// date above it: a document is printed on or after the day it is signed,
// within maxPrintLag. A 印发日期 outside that whose year is a misreading
// of the signed date's (one digit apart, or two round ones: 2016 or 2018
// for 2010) takes the signed date's year where the date then lies within
// it and the 文号 (numberYear) was numbered in that year too: two dates
// read alike against one. Without a 文号, or where it agrees with the
// 印发日期, the signed date is as much in doubt and nothing is changed
// here (see CheckDates for the signed date). It returns the date as the
// line then reads.
func printAfterSigned(p *page.Page, li int, printed, signed gazette.Date, numberYear int) gazette.Date {
	within := func(d gazette.Date) bool {
		return d.Compare(signed) >= 0 && d.Time(time.UTC).Sub(signed.Time(time.UTC)) <= maxPrintLag*24*time.Hour
	}
	if within(printed) || numberYear != signed.Year || printed.Year == signed.Year || printed.Year < 1000 {
		return printed
	}
	if misreadYear(strconv.Itoa(printed.Year), signed.Year) != strconv.Itoa(signed.Year) {
		return printed
	}
	d := printed
	d.Year = signed.Year
	if _, err := gazette.ParseDate(d.String()); err != nil || !within(d) {
		return printed
	}
	return setPrintYear(p, li, printed, signed.Year)
}

// maxYearsAhead is how far past the file's own year (its 印发日期 or
// 文号) a date it prints can lie: a 有效期 runs five or ten years, a plan
// looks ahead a few decades at most. A year beyond it (有效期至2920年) is a
// digit misread.
const maxYearsAhead = 50

// reYearOfDate is the year of an Arabic-numeral date (2920年5月31日).
// A date cut at the end of a line (有效期至2920年5 / 月31日) counts.
var reYearOfDate = regexp.MustCompile(`([0-9]{4}) ?年 ?(?:[0-9]{1,2} ?月|[0-9]{0,2} *$)`)

// farYears corrects, in one line, the year of each date that lies more
// than maxYearsAhead past ref (or before 1900): to the year one digit
// apart from it that is nearest to ref, if one lies within reach. It
// reports whether it changed the line.
func farYears(text string, ref int) (string, bool) {
	ms := reYearOfDate.FindAllStringSubmatchIndex(text, -1)
	if ms == nil {
		return text, false
	}
	b := []byte(text)
	changed := false
	for _, m := range ms {
		y, _ := strconv.Atoi(text[m[2]:m[3]])
		if y >= 1900 && y <= ref+maxYearsAhead {
			continue
		}
		best := 0
		for c := ref - maxYearsAhead; c <= ref+maxYearsAhead; c++ {
			if c >= 1900 && oneDigitApart(y, c) && (best == 0 || abs(c-ref) < abs(best-ref)) {
				best = c
			}
		}
		if best == 0 {
			continue
		}
		copy(b[m[2]:m[3]], strconv.Itoa(best))
		changed = true
	}
	return string(b), changed
}

func abs(n int) int { return max(n, -n) }

// oneDigitApart reports whether two four-digit years differ in one digit.
func oneDigitApart(a, b int) bool {
	return a != b && oneCharApart(strconv.Itoa(a), strconv.Itoa(b))
}

// rePassed is the sentence of a 令 that says on which day the rule was
// passed and from which it takes effect: 《…》已经2023年2月8日省人民政府
// 第43次常务会议通过，现予公布，自2023年4月1日起施行.
var rePassed = regexp.MustCompile(`已经\s*([0-9]{4}\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日).{0,60}?通过.{0,40}?自\s*([0-9]{4}\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日)\s*起施行`)

// orderDates corrects the year of a 令's signed date (the date line under
// the 省长's name) that a scan read one digit off where the sentence it
// signs says it cannot be: a 令 is signed on or after the day the rule was
// passed and on or before the day it takes effect. Two dates read alike
// (passed 2023年2月8日, in effect 2023年4月1日) outweigh the one that
// disagrees (2022年2月18日 becomes 2023年2月18日); where no year a digit
// apart fits between them, nothing changes. It returns the lines (page
// and line index) of the 令s' signed dates, true for those that fit, as
// read or corrected, false for those that do not.
func orderDates(pages []page.Page) map[[2]int]bool {
	fit := map[[2]int]bool{}
	for pi := range pages {
		p := &pages[pi]
		if p.Extractor != page.OCR {
			continue
		}
		var sentence []rune // the lines since the last sentence found, for one that wraps
		var passed, effective gazette.Date
		for li := range p.Lines {
			text := strings.TrimSpace(p.Lines[li].Text)
			sentence = append(sentence, []rune(text)...)
			if m := rePassed.FindStringSubmatch(string(sentence)); m != nil {
				a, errA := gazette.ParseDate(m[1])
				b, errB := gazette.ParseDate(m[2])
				if errA == nil && errB == nil && a.Compare(b) <= 0 {
					passed, effective = a, b
				}
				sentence = sentence[:0]
				continue
			}
			if len(sentence) > 300 {
				sentence = sentence[len(sentence)-150:]
			}
			if passed.IsZero() {
				continue
			}
			signed, whole := onlyDate(text)
			if !whole {
				if !dateShaped(text) {
					continue
				}
				// A date line whose year lost numerals (二七年 for
				// 二〇一七年, the 〇 and 一 of a small type too thin) is
				// the signature's too: settled by the sentence it signs.
				fixed, ok := signedBetween(text, p.Lines[li].Readings, passed, effective)
				if ok {
					p.Corrections = append(p.Corrections, page.Correction{Line: li, From: text, To: fixed, Rule: RuleDate, Confidence: p.Confidence})
					p.Lines[li].Text = fixed
				}
				fit[[2]int{pi, li}] = ok
				passed, effective = gazette.Date{}, gazette.Date{}
				continue
			}
			// The first line after the sentence that is a date alone is
			// its signature's.
			old := strconv.Itoa(signed.Year)
			d := signed
			d.Year = passed.Year
			_, err := gazette.ParseDate(d.String())
			if (signed.Compare(passed) < 0 || signed.Compare(effective) > 0) && err == nil && oneDigitApart(signed.Year, passed.Year) &&
				d.Compare(passed) >= 0 && d.Compare(effective) <= 0 && strings.HasPrefix(text, old) {
				fixed := strconv.Itoa(passed.Year) + text[len(old):]
				p.Corrections = append(p.Corrections, page.Correction{Line: li, From: text, To: fixed, Rule: RuleDate, Confidence: p.Confidence})
				p.Lines[li].Text = fixed
				signed = d
			}
			fit[[2]int{pi, li}] = signed.Compare(passed) >= 0 && signed.Compare(effective) <= 0
			passed, effective = gazette.Date{}, gazette.Date{}
		}
	}
	return fit
}

// signedBetween returns the Chinese-numeral date a 令's date line read
// with its year garbled is (text, or one of its readings again), where
// exactly one date between passed and effective fits it: the month and the
// day read whole, the numerals of the year read (two or more) in order
// among the year's, the rest lost or misread (二七年, 二有一关年 for
// 二〇一六年). The window of the sentence the 令 signs is a few months, so
// the year is never a guess among several.
func signedBetween(text string, readings []string, passed, effective gazette.Date) (string, bool) {
	if passed.IsZero() || effective.Compare(passed) < 0 || effective.Year-passed.Year > 1 {
		return "", false
	}
	var found []gazette.Date
	for _, read := range append([]string{text}, readings...) {
		m := reShortSigned.FindStringSubmatch(page.Squeeze(read))
		if m == nil {
			continue
		}
		year, month, day := foldNumerals(m[1]), foldNumerals(m[2]), foldNumerals(m[3])
		var nums []rune
		for _, r := range year {
			if isNumeral(r) {
				nums = append(nums, r)
			}
		}
		if len(nums) < 2 || !allNumerals(month) || !allNumerals(day) {
			continue
		}
		for y := passed.Year; y <= effective.Year; y++ {
			cy := []rune(gazette.ChineseYear(y))
			if !inOrder(nums, cy) {
				continue
			}
			d, err := gazette.ParseDate(string(cy) + "年" + string(month) + "月" + string(day) + "日")
			if err != nil || d.Compare(passed) < 0 || d.Compare(effective) > 0 || slices.Contains(found, d) {
				continue
			}
			found = append(found, d)
		}
	}
	if len(found) != 1 {
		return "", false
	}
	return found[0].Chinese(), true
}

// reShortSigned is reSealedDate with a year of two characters or more.
var reShortSigned = regexp.MustCompile(`^(\S{2,6})年(\S{1,3})月(\S{1,3}?)([日` + dayReadings + `])$`)

// inOrder reports whether sub's runes are all in s, in order.
func inOrder(sub, s []rune) bool {
	i := 0
	for _, r := range s {
		if i < len(sub) && sub[i] == r {
			i++
		}
	}
	return i == len(sub)
}

// fixNesting corrects the 〉 that closes a title named inside another
// (《…国务院〈…纲要〉的意见》) where it was read as 》: the two marks differ
// by a stroke, and a 》 there would leave the 〈 open and close the outer
// title early. A 》 is taken for 〉 only where a 〈 opened inside a 《 is
// open and the next book-title mark after it, on its line or a later one
// of the page, is a 》 that closes the 《. Each change is recorded with
// the page's confidence.
func fixNesting(p *page.Page) {
	type mark struct {
		line, at int
		r        rune
	}
	var marks []mark
	for li, l := range p.Lines {
		for i, r := range []rune(l.Text) {
			if strings.ContainsRune("《》〈〉", r) {
				marks = append(marks, mark{li, i, r})
			}
		}
	}
	var stack []rune
	for k, m := range marks {
		switch m.r {
		case '《', '〈':
			stack = append(stack, m.r)
			continue
		}
		n := len(stack)
		if m.r == '》' && n >= 2 && stack[n-1] == '〈' && stack[n-2] == '《' && k+1 < len(marks) && marks[k+1].r == '》' {
			rs := []rune(p.Lines[m.line].Text)
			from := string(rs)
			rs[m.at] = '〉'
			p.Lines[m.line].Text = string(rs)
			p.Corrections = append(p.Corrections, page.Correction{Line: m.line, From: from, To: string(rs), Rule: RuleNesting, Confidence: p.Confidence})
			stack = stack[:n-1]
			continue
		}
		if n > 0 {
			stack = stack[:n-1]
		}
	}
}

// reRunOnIn finds a run-on registration number read with three capitals
// (see runOnDigits) on a line, where no letter or digit runs on either
// side: 秘密 beside it on its row is read into the same line.
var reRunOnIn = regexp.MustCompile(`(?:^|[^A-Za-z0-9])([A-Z]{3}[0-9]{9})(?:$|[^A-Za-z0-9])`)

// fixRunOn corrects the capital read for a digit after a run-on
// registration number's two letters (see runOnDigits) wherever the
// number stands on the line.
func fixRunOn(r *reading) {
	s := r.String()
	var edits []edit
	for _, m := range reRunOnIn.FindAllStringSubmatchIndex(s, -1) {
		num := s[m[2]:m[3]]
		if fixed := runOnDigits(num); fixed != num {
			at := utf8.RuneCountInString(s[:m[2]]) + 2
			edits = append(edits, edit{at, at + 1, []rune{rune(fixed[2])}})
		}
	}
	r.apply(RuleRunOn, edits, nil)
}
