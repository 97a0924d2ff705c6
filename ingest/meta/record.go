package meta

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/layout"
	"github.com/gazette-archive/gazette/ingest/page"
)

// The 版记 closes an original's last page between full-width rules: the
// 抄送 list (抄送：names，names。, wrapped under its first name), then the
// 印发机关 left and the 印发日期 right (…办公室　2015年11月5日印发). On a
// scan the small print of its labels is misread more than the body's: the
// colon after 抄送 read as a comma or lost, one character of 抄送 or of
// 印发 misread, a stray mark before the label, a rule read as a dash after
// the last name, the date's month past reading. The labels are therefore
// known by their shape where the 版记 stands, at the very end: a label of
// two characters one of which is the keyword's, then a mark in the
// colon's place and a list of names; a line that ends in a date and the
// 印发 mark. What is read is never completed: a name or date past reading
// stays out of its field, and every line stays in the text.

// maxRecordScan is the most paragraphs at the end read for a 版记.
const maxRecordScan = 12

// recordReach is how many paragraphs from the end (or above the 印发
// line) a label read with a slip may stand: the 抄送 list wraps to a few
// lines at most, and nothing but the 印发 line follows it.
const recordReach = 3

// ccLabels are the labels that open a 抄送 list.
var ccLabels = []string{"抄送", "抄报", "抄報", "分送"}

// labelMarks are what OCR reads a label's colon as: the colon itself, a
// comma, a semicolon, a stop or an enumeration comma.
const labelMarks = "：:，,；;.．、"

// strayFront drops up to two marks a scan put before a line's first
// character (。抄送：…, ·抄送：…): dots of speckle, a rule's end.
func strayFront(t string) string {
	for k := 0; k < 2; k++ {
		r, w := utf8.DecodeRuneInString(t)
		if w == 0 || unicode.Is(unicode.Han, r) || unicode.IsLetter(r) || unicode.IsDigit(r) {
			break
		}
		t = t[w:]
	}
	return t
}

// ccHead reads the label that opens a 抄送 list (t squeezed) and returns
// the list after it. exact is set for the label as printed, colon and
// all; it is false where the label is known only by its shape, to be
// taken where the 版记 stands and a list of names follows: as printed
// with its colon read as another mark (抄送，) or lost (抄送市委办公厅), or
// two characters, one of them the keyword's in its place (抄迭, 妙送),
// then a mark in the colon's place. 主送, which a 版记 may also print, is never
// taken for it.
func ccHead(t string) (rest string, exact, ok bool) {
	t = strayFront(t)
	rs := []rune(t)
	if len(rs) < 4 {
		return "", false, false
	}
	label := string(rs[:2])
	mark := strings.ContainsRune(labelMarks, rs[2])
	after := string(rs[2:])
	if mark {
		after = string(rs[3:])
	}
	for _, l := range ccLabels {
		if label == l {
			return after, rs[2] == '：' || rs[2] == ':', after != ""
		}
	}
	if !mark || label == "主送" || !unicode.Is(unicode.Han, rs[0]) || !unicode.Is(unicode.Han, rs[1]) {
		return "", false, false
	}
	for _, l := range ccLabels {
		lr := []rune(l)
		if rs[0] == lr[0] || rs[1] == lr[1] {
			return after, false, after != ""
		}
	}
	return "", false, false
}

// namesList reports whether s (the start of a 抄送 list, perhaps cut
// where its line wraps) reads as names: most of them, the last counted
// only where a stop or comma closes it, are recipients or authorities.
// One name misread (市委办公打) leaves a list a list.
func namesList(s string) bool {
	closed := strings.HasSuffix(s, "。") || strings.HasSuffix(s, "，") || strings.HasSuffix(s, ",")
	names := splitNames(s)
	if !closed && len(names) > 1 {
		names = names[:len(names)-1]
	}
	like := 0
	for _, n := range names {
		if recipientLike(cleanName(n)) {
			like++
		}
	}
	return like > 0 && 2*like > len(names)
}

// cleanName drops what a scan adds at a name's ends: marks that are no
// part of a name (a rule read as a dash after the last name, 省检察院-),
// or a rule read as 一 where the name reads as one without it.
func cleanName(n string) string {
	keep := func(r rune) bool { return unicode.Is(unicode.Han, r) || strings.ContainsRune("（）()", r) }
	n = strings.TrimFunc(n, func(r rune) bool { return !keep(r) })
	if t := strings.TrimRight(n, "一丨"); t != n && recipientLike(t) && !recipientLike(n) {
		return t
	}
	return n
}

// printMark reports whether tail, what follows the date of a 印发 line,
// is the 印发 mark: as printed, or (slip) with one of its two characters
// misread (印友, 了发).
func printMark(tail string, slip bool) bool {
	if tail == "印发" || tail == "印發" {
		return true
	}
	rs := []rune(tail)
	return slip && len(rs) == 2 && (rs[0] == '印' || rs[1] == '发' || rs[1] == '發')
}

// printLine reads a 印发 line (惠州市人民政府办公室　2015年11月5日印发): the
// printing office before the date, if on the same line, and the date.
// slip allows the line as a scan reads it where only a 印发 line can
// stand (the 版记's last line): its mark misread (see printMark), or its
// date past reading (2018年？月28日), the office then read and the date
// left out, or the office's end misread as marks, the office then left
// out and the date read. A date of a year no document is printed in (before
// gazette.MinYear, or yet to come: a scan's 2682年 for 2016年 that OCR's
// checks could not settle, see ocr.CheckDates) is no 印发日期 either.
func printLine(raw string, slip bool) (by string, date gazette.Date, ok bool) {
	// Marks a scan read beside the line from speckle (”…印发”) are none
	// of it.
	t := strings.TrimFunc(page.Squeeze(raw), func(r rune) bool { return strings.ContainsRune(specks, r) })
	if countable(t, maxDateLine+30) > maxDateLine+30 {
		return "", gazette.Date{}, false
	}
	rs := []rune(t)
	if len(rs) < 6 || !printMark(string(rs[len(rs)-2:]), slip) {
		return "", gazette.Date{}, false
	}
	body := string(rs[:len(rs)-2])
	start, read := len(body), false
	if ds := FindDates(body); len(ds) > 0 && ds[len(ds)-1].End == len(body) {
		d := ds[len(ds)-1]
		start, read, date = d.Start, true, d.Date
	} else if at := unreadDate(body); slip && at >= 0 {
		start = at
	} else {
		return "", gazette.Date{}, false
	}
	by = strings.TrimSpace(body[:start])
	if by != "" {
		by = cleanName(by)
	}
	if by != "" && !authorityLike(by) {
		if i := strings.IndexAny(by, "，。；：:,"); i >= 0 && !(slip && authorityLike(cleanName(by[:i]))) {
			// A sentence that ends …印发; where only a 印发 line can
			// stand, the office's end misread as marks
			// (泽安省卫生健康委员会； \公室) is the office misread.
			return "", gazette.Date{}, false
		}
		// The office misread (澜江省人民政府办公打): the date stands.
		by = ""
	}
	if !read || date.Year < gazette.MinYear || date.Year > time.Now().Year() {
		return by, gazette.Date{}, true
	}
	return by, date, true
}

// unreadDate returns where a date that OCR misread past reading starts at
// the end of s (2018年？月28日): four digits of a year and 年, then at most
// a dozen characters to the 日 that ends s; -1 for none.
func unreadDate(s string) int {
	if !strings.HasSuffix(s, "日") {
		return -1
	}
	y := strings.LastIndex(s, "年")
	if y < 4 || utf8.RuneCountInString(s[y:]) > 12 {
		return -1
	}
	for _, c := range s[y-4 : y] {
		if c < '0' || c > '9' {
			return -1
		}
	}
	return y - 4
}

// Record reads the 版记 at the end of a document's paragraphs into o: the
// 抄送 list (over as many lines as it wraps to), the 印发机关 and the
// 印发日期, and sets o.RecordStart.
func Record(paras []layout.Paragraph, o *Original) {
	o.RecordStart = len(paras)
	lo := max(0, len(paras)-maxRecordScan)
	printAt, ccAt := -1, -1
	cut := -1 // where the 印发 line starts in the 抄送 paragraph, if there
	var ccRest string
	for i := len(paras) - 1; i >= lo; i-- {
		t := strings.TrimSpace(paras[i].Text)
		if printAt < 0 && ccAt < 0 {
			// Only furniture a scan left (a page number read as marks)
			// may follow the 印发 line read with a slip.
			if by, d, ok := printLine(t, i >= len(paras)-2); ok {
				printAt, o.PrintedBy, o.PrintDate = i, by, d
				continue
			}
		}
		rest, exact, ok := ccHead(page.Squeeze(t))
		if !ok {
			continue
		}
		end := len(paras)
		if printAt >= 0 {
			end = printAt
		}
		if !exact && (end-i > recordReach || !namesList(rest)) {
			continue
		}
		ccAt, ccRest = i, rest
		if printAt < 0 {
			// The 印发 line run into the 抄送 paragraph on a scan:
			// after the full stop that closes the list.
			if k := strings.LastIndex(t, "。"); k > 0 {
				if by, d, ok := printLine(t[k+len("。"):], true); ok {
					o.PrintedBy, o.PrintDate = by, d
					cut = k + len("。")
				}
			}
		}
		break
	}
	if printAt < 0 && ccAt < 0 {
		return
	}
	ccEnd := len(paras)
	if printAt >= 0 {
		ccEnd = printAt
		o.RecordStart = printAt
		if o.PrintedBy == "" && printAt > 0 && printAt-1 != ccAt {
			// The office on a line of its own above the date.
			if prev := page.Squeeze(paras[printAt-1].Text); authorityLike(prev) {
				o.PrintedBy = prev
				ccEnd, o.RecordStart = printAt-1, printAt-1
			}
		}
	}
	if ccAt >= 0 && ccAt < ccEnd {
		o.RecordStart = ccAt
		if cut > 0 {
			if r, _, ok := ccHead(page.Squeeze(strings.TrimSpace(paras[ccAt].Text)[:cut])); ok {
				ccRest = r
			}
		}
		var b strings.Builder
		b.WriteString(ccRest)
		for i := ccAt + 1; i < ccEnd; i++ {
			b.WriteString(page.Squeeze(paras[i].Text))
		}
		for _, n := range splitNames(b.String()) {
			if n = cleanName(n); n != "" {
				o.CC = append(o.CC, n)
			}
		}
		o.CC = dedupe(o.CC)
	}
}
