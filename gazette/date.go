package gazette

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Date is a civil date (no time zone) as printed in a gazette: 成文日期,
// 发布日期, 施行日期, 有效期至. The zero Date means "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Limits of what ParseDate accepts.
const (
	// MaxDateLen is the longest input, in runes, that ParseDate examines.
	MaxDateLen = 64
	// MinDateYear is the earliest year ParseDate accepts: years have four digits.
	MinDateYear = 1000
	// MaxDateYear is the latest year ParseDate accepts.
	MaxDateYear = 9999
)

// Pieces of the date patterns. They run on folded text (see foldText), so
// digits are ASCII and separators ASCII.
const (
	// A year digit by digit, Arabic or Chinese, with the stand-ins for 〇
	// seen in print and OCR: ○ (U+25CB), 零, the letter O and the digit 0.
	cnYearPat = `([0-9〇○零Oo一二三四五六七八九]{4})`
	// A month or day in Arabic digits or Chinese numerals (十二, 二十八, 卅一).
	cnSmallPat = `([0-9]{1,2}|[〇零一二三四五六七八九十廿卅]{1,3})`
)

var (
	// 2019年4月28日, 二〇一九年四月二十八日, with spaces removed before matching.
	reDateCN = regexp.MustCompile(`^` + cnYearPat + `年` + cnSmallPat + `月` + cnSmallPat + `日$`)
	// 2019-04-28, 2019/4/28, 2019.4.28: one separator used twice.
	reDateNumeric = regexp.MustCompile(`^([0-9]{4})([-/.])([0-9]{1,2})([-/.])([0-9]{1,2})$`)

	// The same for running text, where spaces may sit between the parts.
	reFindDate = regexp.MustCompile(cnYearPat + ` ?年 ?` + cnSmallPat + ` ?月 ?` + cnSmallPat + ` ?日` +
		`|([0-9]{4})([-/.])([0-9]{1,2})([-/.])([0-9]{1,2})`)
)

// ParseDate parses a date as printed in Chinese text or metadata:
// 2019年4月28日, 2019年04月28日, 二〇一九年四月二十八日 (also with ○, 零 or 0 for
// 〇), 2019.4.28, 2019-04-28, 2019/4/28, full-width digits, spaces and
// zero-width characters inside. It checks the calendar (2019-02-29 is
// refused). Errors wrap ErrInvalid.
func ParseDate(s string) (Date, error) {
	if len(s) > utf8.UTFMax*MaxDateLen || utf8.RuneCountInString(s) > MaxDateLen {
		return Date{}, dateError(s, "longer than %d characters", MaxDateLen)
	}
	if !utf8.ValidString(s) {
		return Date{}, dateError(s, "not valid UTF-8")
	}
	// Spaces carry no meaning inside a date: 2019 年 4 月 28 日.
	c := strings.ReplaceAll(foldText(s).s, " ", "")
	if c == "" {
		return Date{}, dateError(s, "empty")
	}
	d, reason := matchDate(c)
	if reason != "" {
		return Date{}, dateError(s, "%s", reason)
	}
	return d, nil
}

// matchDate parses folded text without spaces; it returns the date or a
// reason it is not one.
func matchDate(c string) (Date, string) {
	if m := reDateCN.FindStringSubmatch(c); m != nil {
		return makeDate(m[1], m[2], m[3])
	}
	if m := reDateNumeric.FindStringSubmatch(c); m != nil {
		if m[2] != m[4] {
			return Date{}, "mixed separators"
		}
		return makeDate(m[1], m[3], m[5])
	}
	return Date{}, "not a date (2019年4月28日, 二〇一九年四月二十八日 or 2019-04-28)"
}

// makeDate checks the parts of a date against the calendar.
func makeDate(year, month, day string) (Date, string) {
	y := parseYearDigits(year)
	if y < MinDateYear || y > MaxDateYear {
		return Date{}, fmt.Sprintf("year %s outside %d–%d", year, MinDateYear, MaxDateYear)
	}
	m, ok := parseSmallNumber(month)
	if !ok {
		return Date{}, fmt.Sprintf("month %q is not a number", month)
	}
	if m < 1 || m > 12 {
		return Date{}, fmt.Sprintf("month %d outside 1–12", m)
	}
	d, ok := parseSmallNumber(day)
	if !ok {
		return Date{}, fmt.Sprintf("day %q is not a number", day)
	}
	if last := daysIn(time.Month(m), y); d < 1 || d > last {
		return Date{}, fmt.Sprintf("day %d outside 1–%d for %d-%02d", d, last, y, m)
	}
	return Date{Year: y, Month: time.Month(m), Day: d}, ""
}

// daysIn returns the number of days in month m of year y.
func daysIn(m time.Month, y int) int {
	// Day 0 of the next month is the last day of this one.
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// parseSmallNumber reads 1–99 in Arabic digits or in Chinese numerals as
// dates print them: 四, 十, 十二, 二十, 二十八, 三十一, and 廿/卅 for 二十/三十.
func parseSmallNumber(s string) (int, bool) {
	if s != "" && isASCIIDigit(s[0]) {
		n, err := strconv.Atoi(s)
		return n, err == nil
	}
	r := []rune(s) // the pattern admits only 〇零一…九十廿卅 here
	tens, rest := 0, r
	switch {
	case len(r) > 0 && r[0] == '廿':
		tens, rest = 2, r[1:]
	case len(r) > 0 && r[0] == '卅':
		tens, rest = 3, r[1:]
	case len(r) > 0 && r[0] == '十':
		tens, rest = 1, r[1:]
	case len(r) > 1 && r[1] == '十':
		d, ok := chineseDigit(r[0])
		if !ok || d < 2 {
			return 0, false // 一十 and 〇十 are not written
		}
		tens, rest = d, r[2:]
	}
	switch len(rest) {
	case 0:
		return tens * 10, tens > 0
	case 1:
		d, ok := chineseDigit(rest[0])
		if !ok || d == 0 {
			return 0, false // 〇 alone or after 十 is not written
		}
		return tens*10 + d, true
	}
	return 0, false
}

// dateError builds an error for input s that wraps ErrInvalid.
func dateError(s, format string, args ...any) error {
	return invalidf("date", s, format, args...)
}

// ChinaTime is the zone the gazette's dates and moments are in (UTC+8,
// without daylight saving): an issue dated a day appears that day there.
var ChinaTime = time.FixedZone("CST", 8*3600)

// DateOf returns the civil date of t in t's own location, and the zero
// Date for the zero time (no moment is no date, not 0001-01-01).
func DateOf(t time.Time) Date {
	if t.IsZero() {
		return Date{}
	}
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// IsZero reports whether d is the zero Date (no date).
func (d Date) IsZero() bool { return d == Date{} }

// String returns d as 2019-04-28, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Chinese writes the date in Chinese numerals, as a signature line prints
// it: 二〇一九年四月二十八日. ParseDate reads it back.
func (d Date) Chinese() string {
	return ChineseYear(d.Year) + "年" + ChineseNumber(int(d.Month)) + "月" + ChineseNumber(d.Day) + "日"
}

// ChineseYear writes a year digit by digit in Chinese numerals, as dates
// print it: 二〇一九.
func ChineseYear(y int) string {
	var b strings.Builder
	for _, c := range strconv.Itoa(y) {
		b.WriteRune(cnDigits[c-'0'])
	}
	return b.String()
}

// ChineseNumber writes 0–999 in Chinese numerals as counts and dates print
// them: 十二, 二十八, 一百零五; other numbers in Arabic digits.
func ChineseNumber(n int) string {
	digit := func(n int) string { return string(cnDigits[n]) }
	switch {
	case n < 0 || n > 999:
		return strconv.Itoa(n)
	case n < 10:
		return digit(n)
	case n == 10:
		return "十"
	case n < 20:
		return "十" + digit(n%10)
	case n < 100 && n%10 == 0:
		return digit(n/10) + "十"
	case n < 100:
		return digit(n/10) + "十" + digit(n%10)
	}
	s, r := digit(n/100)+"百", n%100
	switch {
	case r == 0:
		return s
	case r < 10:
		return s + "零" + digit(r)
	case r%10 == 0:
		return s + digit(r/10) + "十" // 一百一十, not 一百十
	}
	return s + digit(r/10) + "十" + digit(r%10)
}

// Compare returns -1, 0 or +1 as d is before, equal to or after o. The
// zero Date sorts first.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return cmpInt(d.Year, o.Year)
	case d.Month != o.Month:
		return cmpInt(int(d.Month), int(o.Month))
	}
	return cmpInt(d.Day, o.Day)
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Time returns midnight at the start of d in loc; a nil loc means UTC.
func (d Date) Time(loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// MarshalText encodes d as 2019-04-28; the zero Date encodes as "". A date
// UnmarshalText would refuse (year outside MinDateYear–MaxDateYear, no
// such day) fails with ErrInvalid, so no record is written that cannot be
// read back.
func (d Date) MarshalText() ([]byte, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	return []byte(d.String()), nil
}

// check reports why a non-zero d is not a date UnmarshalText accepts.
func (d Date) check() error {
	if d.IsZero() {
		return nil
	}
	if d.Year < MinDateYear || d.Year > MaxDateYear {
		return dateError(d.String(), "year %d outside %d–%d", d.Year, MinDateYear, MaxDateYear)
	}
	if d.Month < 1 || d.Month > 12 {
		return dateError(d.String(), "month %d outside 1–12", int(d.Month))
	}
	if last := daysIn(d.Month, d.Year); d.Day < 1 || d.Day > last {
		return dateError(d.String(), "day %d outside 1–%d for %d-%02d", d.Day, last, d.Year, int(d.Month))
	}
	return nil
}

// UnmarshalText accepts exactly 2019-04-28, a valid date, or "" for the
// zero Date. It is strict on purpose: it reads what MarshalText wrote; use
// ParseDate for printed dates.
func (d *Date) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*d = Date{}
		return nil
	}
	s := string(text)
	if len(s) != len("2006-01-02") || s[4] != '-' || s[7] != '-' {
		return dateError(s, "not in the form 2006-01-02")
	}
	for i := range len(s) {
		if i != 4 && i != 7 && !isASCIIDigit(s[i]) {
			return dateError(s, "not in the form 2006-01-02")
		}
	}
	v, reason := makeDate(s[:4], s[5:7], s[8:])
	if reason != "" {
		return dateError(s, "%s", reason)
	}
	*d = v
	return nil
}

// MarshalJSON encodes d as "2019-04-28", and the zero Date as null; it
// fails like MarshalText for a date that could not be read back.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	if err := d.check(); err != nil {
		return nil, err
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON accepts "2019-04-28" and null (the zero Date).
func (d *Date) UnmarshalJSON(data []byte) error {
	if bytes.Equal(data, []byte("null")) {
		*d = Date{}
		return nil
	}
	if len(data) < 2 || data[0] != '"' || data[len(data)-1] != '"' {
		return fmt.Errorf("date: JSON %.40q is not a string or null: %w", data, ErrInvalid)
	}
	inner := data[1 : len(data)-1]
	if len(inner) == 0 {
		return fmt.Errorf("date: empty JSON string, want \"2006-01-02\" or null: %w", ErrInvalid)
	}
	return d.UnmarshalText(inner)
}

// DateMatch is a date found in running text.
type DateMatch struct {
	Date Date
	// Start and End are byte offsets into the searched text:
	// text[Start:End] is the date as written there.
	Start, End int
}

// FindDates returns the valid dates in running text in order of appearance,
// such as the 成文日期 under a document's signature or the history lines of
// a law (2014年11月24日 中华人民共和国国务院令第656号公布). Each match, cut out
// of text, parses with ParseDate to the same date.
func FindDates(text string) []DateMatch {
	f := foldText(text)
	var out []DateMatch
	for _, m := range reFindDate.FindAllStringSubmatchIndex(f.s, -1) {
		start, end := m[0], m[1]
		// A date glued to more digits (12019年…, 2019-04-288) is something else.
		numeric := m[2] < 0
		if start > 0 && isASCIIDigit(f.s[start-1]) || numeric && end < len(f.s) && isASCIIDigit(f.s[end]) {
			continue
		}
		// Parse what was written, so that a match always agrees with ParseDate.
		lo, hi := f.start[start], f.end[end-1]
		d, err := ParseDate(text[lo:hi])
		if err != nil {
			continue
		}
		out = append(out, DateMatch{Date: d, Start: lo, End: hi})
	}
	return out
}
