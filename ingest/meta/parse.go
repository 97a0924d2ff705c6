package meta

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/gazette"
)

// DocNumber is a 文号 found in text.
type DocNumber struct {
	// Raw is the number as written.
	Raw string
	// Canonical is gazette's normal form (闽政〔2019〕14号), empty when
	// gazette.ParseDocNumber does not read it (a Taiwan 字號 such as
	// 院臺規字第1010128030號): compare Raw then.
	Canonical string
	Start     int // byte offsets of Raw in the searched text
	End       int
}

// reZiHao matches the 字號 style of Taiwan and of older mainland documents:
// an agency code ending in 字, then 第, a serial (letters allowed) and 號.
var reZiHao = regexp.MustCompile(`[\p{Han}（）()]{1,20}[0-9一二三四五六七八九]{0,3}字\s?第\s?[0-9A-Za-z]{1,16}\s?[號号]`)

// FindDocNumbers returns the document numbers in s in order: every number
// gazette.FindDocNumbers reads, and 字號 numbers it does not.
func FindDocNumbers(s string) []DocNumber {
	var out []DocNumber
	for _, m := range gazette.FindDocNumbers(s) {
		out = append(out, DocNumber{Raw: s[m.Start:m.End], Canonical: m.Number.String(), Start: m.Start, End: m.End})
	}
	for _, loc := range reZiHao.FindAllStringIndex(s, -1) {
		overlap := false
		for _, o := range out {
			if loc[0] < o.End && o.Start < loc[1] {
				overlap = true
			}
		}
		if overlap {
			continue
		}
		start := loc[0]
		// The code starts after the last sentence word in front of it.
		raw := s[start:loc[1]]
		for _, w := range []string{"依", "據", "据", "函", "及", "與", "与", "和", "號", "号", "日", "、", "，"} {
			if i := strings.LastIndex(raw[:strings.Index(raw, "字")], w); i >= 0 {
				start += i + len(w)
				raw = s[start:loc[1]]
			}
		}
		if raw == "" || strings.HasPrefix(raw, "字") {
			continue
		}
		d := DocNumber{Raw: raw, Start: start, End: loc[1]}
		if n, err := gazette.ParseDocNumber(raw); err == nil {
			d.Canonical = n.String()
		}
		out = append(out, d)
	}
	sortByStart(out)
	return out
}

func sortByStart(d []DocNumber) {
	for i := 1; i < len(d); i++ {
		for j := i; j > 0 && d[j].Start < d[j-1].Start; j-- {
			d[j], d[j-1] = d[j-1], d[j]
		}
	}
}

// Date is a date found in text.
type Date struct {
	Date       gazette.Date
	Start, End int // byte offsets in the searched text
}

// reMinguo matches a date in the Republic of China calendar (民國101年8月29日),
// whose year is the Gregorian year less 1911.
var reMinguo = regexp.MustCompile(`(?:中華民國|中华民国|民國|民国)\s?([0-9]{1,3}|[〇○零一二三四五六七八九十百]{1,6})\s?年\s?([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s?月\s?([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s?日`)

// FindDates returns the dates in s in order: those gazette.FindDates reads
// (2019年4月28日, 二〇一九年四月二十八日, 2019-04-28) and Republic of China
// dates (中華民國101年8月29日).
func FindDates(s string) []Date {
	var out []Date
	for _, m := range gazette.FindDates(s) {
		out = append(out, Date{Date: m.Date, Start: m.Start, End: m.End})
	}
	if !strings.Contains(s, "民國") && !strings.Contains(s, "民国") {
		return out // what reMinguo needs
	}
	for _, m := range reMinguo.FindAllStringSubmatchIndex(s, -1) {
		y, ok1 := smallNumber(s[m[2]:m[3]])
		mo, ok2 := smallNumber(s[m[4]:m[5]])
		d, ok3 := smallNumber(s[m[6]:m[7]])
		if !ok1 || !ok2 || !ok3 || y < 1 || mo < 1 || mo > 12 || d < 1 {
			continue
		}
		t := time.Date(y+1911, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if t.Day() != d {
			continue
		}
		out = append(out, Date{Date: gazette.DateOf(t), Start: m[0], End: m[1]})
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Start < out[j-1].Start; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// smallNumber reads a number below 1000 in Arabic or Chinese numerals
// (十二, 一百零一, 一〇一).
func smallNumber(s string) (int, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	digits := map[rune]int{'〇': 0, '○': 0, '零': 0, '一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	if !strings.ContainsAny(s, "十百") {
		n := 0
		for _, r := range s {
			d, ok := digits[r]
			if !ok {
				return 0, false
			}
			n = n*10 + d
		}
		return n, s != ""
	}
	total, cur := 0, 0
	for _, r := range s {
		switch r {
		case '百':
			total += max(cur, 1) * 100
			cur = 0
		case '十':
			total += max(cur, 1) * 10
			cur = 0
		default:
			d, ok := digits[r]
			if !ok {
				return 0, false
			}
			cur = d
		}
	}
	return total + cur, true
}

// covers reports whether the spans [start,end) cover most of s once spaces
// and brackets are set aside: the line is that thing and little else.
func covers(s string, start, end int) bool {
	n := countable(s[:start], len(s)) + countable(s[end:], len(s))
	return n*3 <= utf8.RuneCountInString(s[start:end])
}

// weightless reports whether covers sets r aside: a space, a bracket or
// punctuation around a number or date.
func weightless(r rune) bool {
	switch r {
	case '(', ')', '（', '）', '〔', '〕', '[', ']', '【', '】', ':', '：', '，', ',', '。', '.', '·', '—', '-':
		return true
	}
	return unicode.IsSpace(r)
}

// Longest lines, in characters other than spaces and punctuation, that can
// be a 文号 line or a date line: covers lets a line hold a third again of
// its match, and no 文号 (院臺規字第1010128030號, …委员会令2016年第62号) or
// date (中華民國一百零四年十二月三十一日) comes near these. The bound keeps
// the patterns off body paragraphs, which are most of an issue's text.
const (
	maxNumberLine = 64
	maxDateLine   = 40
)

// countable counts the characters covers weighs, stopping past limit.
func countable(s string, limit int) int {
	n := 0
	for _, r := range s {
		if !weightless(r) {
			n++
			if n > limit {
				break
			}
		}
	}
	return n
}

// mayHoldDocNumber is false for text no pattern of FindDocNumbers can
// match, cheaply: every form has a digit or 号 (or 號), and gazette's forms
// all need 号 or a closing bracket (any of those its folding turns into 〕),
// the 字號 form 号 or 號.
func mayHoldDocNumber(s string) bool {
	digit, closing := false, false
	for _, r := range s {
		switch {
		case r == '号' || r == '號':
			return true
		case r >= '0' && r <= '9' || r >= '０' && r <= '９':
			digit = true
		case r == '〕' || r == ']' || r == '）' || r == ')' || r == '}' || r == '】' || r == '〗' || r == '﹞' || r == '〙' || r == '］' || r == '｝':
			closing = true
		}
	}
	return digit && closing
}

// mayHoldDate is false for text no pattern of FindDates can match, cheaply:
// every form needs 年, 月 and 日, or digits with a separator (2019-04-28).
// The numeric form needs four digits, then a separator (2019-): format
// characters such as zero-width spaces, which gazette's folding drops, are
// passed over.
func mayHoldDate(s string) bool {
	var year, month, day, numeric bool
	run := 0 // digits in a row
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9' || r >= '０' && r <= '９':
			run++
		case r == '-' || r == '/' || r == '.' || r == '－' || r == '／' || r == '．':
			numeric = numeric || run >= 4
			run = 0
		case r >= utf8.RuneSelf && unicode.Is(unicode.Cf, r):
		default:
			run = 0
			switch r {
			case '年':
				year = true
			case '月':
				month = true
			case '日':
				day = true
			}
		}
	}
	return year && month && day || numeric
}

// IsDocNumberLine reports whether s is a 文号 line: a document number and
// little else (闽政〔2019〕14号, 〔2019〕… with its label, 台內地字第1010286048號).
func IsDocNumberLine(s string) bool {
	_, ok := docNumberLine(s)
	return ok
}

// docNumberLine is IsDocNumberLine, with the numbers found when it holds.
func docNumberLine(s string) ([]DocNumber, bool) {
	// Every form has a serial in digits or ends in 号.
	if countable(s, maxNumberLine) > maxNumberLine || !mayHoldDocNumber(s) {
		return nil, false
	}
	ds := FindDocNumbers(s)
	for _, d := range ds {
		if covers(s, d.Start, d.End) {
			return ds, true
		}
	}
	return nil, false
}

// IsDateLine reports whether s is a date line: a date and little else.
func IsDateLine(s string) bool {
	_, ok := dateLine(s)
	return ok
}

// dateLine is IsDateLine, with the dates found when it holds.
func dateLine(s string) ([]Date, bool) {
	if countable(s, maxDateLine) > maxDateLine || !mayHoldDate(s) {
		return nil, false
	}
	ds := FindDates(s)
	for _, d := range ds {
		if covers(s, d.Start, d.End) {
			return ds, true
		}
	}
	return nil, false
}

// Quote is a quoted title found in text: the text between the outermost
// marks, nested quotes kept (《云南省实施《中华人民共和国国防教育法》办法》
// or 《…〈…〉…》 yields the whole rule's name, not the law it implements).
type Quote struct {
	Text       string
	Start, End int // byte offsets of the marks in the searched text
}

// closer returns the mark that closes a quoted title opened by r, the
// pairs 《》, 「」 and “”; ok is false when r opens none.
func closer(r rune) (c rune, ok bool) {
	switch r {
	case '《':
		return '》', true
	case '「':
		return '」', true
	case '“':
		return '”', true
	}
	return 0, false
}

// Quoted returns the outermost quoted titles in s in order. Marks of each
// pair are matched by depth, so a title quoting another is one title; a
// mark left unclosed is ignored and the quotes inside it still count.
func Quoted(s string) []Quote {
	type open struct {
		mark rune
		at   int
	}
	var stack []open
	var spans []Quote
	for i, r := range s {
		if _, ok := closer(r); ok {
			stack = append(stack, open{r, i})
			continue
		}
		// The innermost open mark this one closes; marks left open
		// above it (a stray 《) are dropped.
		for k := len(stack) - 1; k >= 0; k-- {
			if c, _ := closer(stack[k].mark); c != r {
				continue
			}
			start := stack[k].at + len(string(stack[k].mark))
			spans = append(spans, Quote{Text: s[start:i], Start: stack[k].at, End: i + len(string(r))})
			stack = stack[:k]
			break
		}
	}
	// Keep the outermost: a span inside another closed span is part of it.
	var out []Quote
	for _, q := range spans {
		for len(out) > 0 && out[len(out)-1].Start >= q.Start {
			out = out[:len(out)-1]
		}
		out = append(out, q)
	}
	return out
}
