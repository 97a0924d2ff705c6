package gazette

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DocNumberKind is the printed form of a document number (发文字号). It
// decides how the number is written back by DocNumber.String.
type DocNumberKind int

const (
	// DocNumberRegular is 机关代字〔年份〕序号号, e.g. 闽政〔2019〕14号: the form
	// GB/T 9704-2012 prescribes for normative documents. An agency that ends
	// in 令 or 公告 but is printed with a bracketed year (渝府令〔2023〕358号)
	// is still of this kind: the kind follows the form.
	DocNumberRegular DocNumberKind = iota + 1
	// DocNumberOrder is …令第N号, e.g. 福建省人民政府令第208号: rules (规章)
	// numbered by a running order number, usually without a year. Ministries
	// that restart the count each year print …令2016年第62号; then Year is set.
	DocNumberOrder
	// DocNumberAnnouncement is …YYYY年第N号, e.g. 国家税务总局公告2018年第14号 or
	// just 公告2018年第14号: announcements numbered within a year.
	DocNumberAnnouncement
)

// String returns a short English name of the kind, for logs and JSON.
func (k DocNumberKind) String() string {
	switch k {
	case DocNumberRegular:
		return "regular"
	case DocNumberOrder:
		return "order"
	case DocNumberAnnouncement:
		return "announcement"
	}
	return "DocNumberKind(" + strconv.Itoa(int(k)) + ")"
}

// DocNumber is a parsed document number (发文字号). The zero value means
// "no number": documents such as appointments (人事任免) have none.
type DocNumber struct {
	Kind DocNumberKind
	// Agency is the issuing agency's code (机关代字) as printed, Han
	// characters only: 闽政, 晋政办发, 福建省人民政府令, 省政府令, 国家税务总局公告,
	// or just 公告. For orders it ends in 令.
	Agency string
	// Year is the year in the number; 0 for orders that carry none.
	Year int
	// Serial is the running number (序号), always > 0.
	Serial int
}

// Limits of what ParseDocNumber accepts.
const (
	// MaxDocNumberLen is the longest input, in runes, that ParseDocNumber
	// examines; longer input is refused before any other work.
	MaxDocNumberLen = 200
	// MinDocNumberYear is the earliest plausible year in a number.
	MinDocNumberYear = 1949
	// MaxDocNumberYear is the latest plausible year in a number.
	MaxDocNumberYear = 2100

	maxAgencyRunes  = 30 // the longest real one, 中华人民共和国国家发展和改革委员会令, has 18
	maxSerialDigits = 7
)

// IsZero reports whether n is the zero DocNumber (no number).
func (n DocNumber) IsZero() bool { return n == DocNumber{} }

// String returns the canonical GB/T 9704 spelling: 闽政〔2019〕14号,
// 福建省人民政府令第208号, 交通运输部令2016年第62号, 公告2018年第14号. It returns
// "" for the zero DocNumber and for an unknown Kind.
func (n DocNumber) String() string {
	switch n.Kind {
	case DocNumberRegular:
		return fmt.Sprintf("%s〔%d〕%d号", n.Agency, n.Year, n.Serial)
	case DocNumberOrder:
		if n.Year == 0 {
			return fmt.Sprintf("%s第%d号", n.Agency, n.Serial)
		}
		return fmt.Sprintf("%s%d年第%d号", n.Agency, n.Year, n.Serial)
	case DocNumberAnnouncement:
		return fmt.Sprintf("%s%d年第%d号", n.Agency, n.Year, n.Serial)
	}
	return ""
}

// MarshalText encodes n as its canonical String, so a DocNumber is a plain
// JSON string; the zero DocNumber encodes as "".
func (n DocNumber) MarshalText() ([]byte, error) { return []byte(n.String()), nil }

// UnmarshalText parses text with ParseDocNumber; empty text gives the zero
// DocNumber.
func (n *DocNumber) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*n = DocNumber{}
		return nil
	}
	v, err := ParseDocNumber(string(text))
	if err != nil {
		return err
	}
	*n = v
	return nil
}

// NormalizeDocNumber parses s and returns its canonical spelling, so that
// every way of writing one number gives the same search key.
func NormalizeDocNumber(s string) (string, error) {
	n, err := ParseDocNumber(s)
	if err != nil {
		return "", err
	}
	return n.String(), nil
}

// Pieces of the patterns below. They run on folded text (see foldText):
// ASCII digits, every bracket as 〔 or 〕, whitespace as one ' ', no
// zero-width characters.
const (
	han = `\p{Han}`
	// A year in Arabic digits, or in Chinese numerals digit by digit
	// (二〇一九); ○ (U+25CB) and 零 stand in for 〇 in real text.
	yearPat   = `([0-9]{4}|[〇○零一二三四五六七八九]{4})`
	serialPat = `([0-9]+)`
)

var (
	// 闽政〔2019〕14号 and its damaged spellings: a missing bracket, 第 before
	// the serial, no 号, or no brackets at all (闽政 2019 14号; checked in code).
	reRegular = regexp.MustCompile(`^(` + han + `+)( ?〔)? ?` + yearPat + `( ?〕)?( ?第)? ?` + serialPat + `( ?号)?$`)
	// 晋政发〔2014〕号16: the serial typed after 号.
	reSerialAfter = regexp.MustCompile(`^(` + han + `+) ?〔 ?` + yearPat + ` ?〕 ?号 ?` + serialPat + `$`)
	// 福建省人民政府令第208号, 省政府令 第219号.
	reOrder = regexp.MustCompile(`^(` + han + `*令) ?(第)? ?` + serialPat + `( ?号)?$`)
	// 国家税务总局公告2018年第14号, 交通运输部令2016年第62号.
	reYearSerial = regexp.MustCompile(`^(` + han + `+) ?([0-9]{4}) ?年 ?(第)? ?` + serialPat + `( ?号)?$`)

	// A label in front of the number, as on government web pages.
	reLabel = regexp.MustCompile(`^(?:发文字号|发文文号|文号) ?:? ?`)
	// Empty brackets left behind by a template: 渝府发〔2000〕48号〔〕.
	reEmptyBrackets = regexp.MustCompile(`(?: ?〔 ?〕)+$`)
)

// ParseDocNumber parses a document number written in any of the spellings
// found on government sites and in gazette PDFs: any bracket pair, mixed
// pairs, full-width digits, spaces and zero-width characters anywhere, a
// missing or extra 第, a missing 号, a leading 发文字号： label, trailing empty
// brackets. Errors wrap ErrInvalid and say why the input was refused.
func ParseDocNumber(s string) (DocNumber, error) {
	// Refuse oversized input before touching it: the length check on bytes
	// is O(1), and only then are runes counted.
	if len(s) > utf8.UTFMax*MaxDocNumberLen || utf8.RuneCountInString(s) > MaxDocNumberLen {
		return DocNumber{}, docNumberError(s, "longer than %d characters", MaxDocNumberLen)
	}
	if !utf8.ValidString(s) {
		return DocNumber{}, docNumberError(s, "not valid UTF-8")
	}
	c, labelled := cleanDocNumber(foldText(s).s)
	if c == "" {
		if labelled {
			return DocNumber{}, docNumberError(s, "only a label, no number")
		}
		return DocNumber{}, docNumberError(s, "empty")
	}
	n, reason := matchDocNumber(c)
	if reason != "" {
		return DocNumber{}, docNumberError(s, "%s", reason)
	}
	return n, nil
}

// cleanDocNumber trims folded text down to the number itself. Spaces go,
// except between two digits, where they may be all that separates year and
// serial (闽政 2019 14号); text extracted from PDFs spaces out every
// character (闽 政 〔 2019 〕 14 号). Labels go (as often as they repeat, so
// that no agency can begin with one), and so do trailing empty brackets.
// It reports whether a label was removed.
func cleanDocNumber(c string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(c); i++ {
		if c[i] == ' ' && !(i > 0 && isASCIIDigit(c[i-1]) && i+1 < len(c) && isASCIIDigit(c[i+1])) {
			continue
		}
		b.WriteByte(c[i])
	}
	c = b.String()
	labelled := false
	for {
		loc := reLabel.FindStringIndex(c)
		if loc == nil {
			break
		}
		c, labelled = c[loc[1]:], true
	}
	return reEmptyBrackets.ReplaceAllString(c, ""), labelled
}

// matchDocNumber parses clean folded text. It returns the number, or a
// reason it is not one.
func matchDocNumber(c string) (DocNumber, string) {
	if m := reRegular.FindStringSubmatchIndex(c); m != nil {
		sub := func(i int) string { return submatch(c, m, i) }
		open, close, di, hao := sub(2) != "", sub(4) != "", sub(5) != "", sub(7) != ""
		yearEnd := m[2*3+1]
		switch {
		case !open && !close && !hao:
			return DocNumber{}, "year not in brackets and no 号"
		case !open && !close && !isASCIIDigit(sub(3)[0]):
			return DocNumber{}, "year in Chinese numerals without brackets"
		case !close && !di && c[yearEnd] != ' ':
			// 闽政〔201914号: where the year ends is a guess.
			return DocNumber{}, "year and serial run together"
		}
		return checkDocNumber(DocNumber{Kind: DocNumberRegular, Agency: sub(1)}, sub(3), sub(6))
	}
	if m := reSerialAfter.FindStringSubmatch(c); m != nil {
		// A typo of 晋政发〔2014〕16号; the brackets and the lone serial leave
		// no doubt which number is meant.
		return checkDocNumber(DocNumber{Kind: DocNumberRegular, Agency: m[1]}, m[2], m[3])
	}
	if m := reOrder.FindStringSubmatch(c); m != nil {
		if m[2] == "" && m[4] == "" {
			return DocNumber{}, "order number without 第 or 号"
		}
		return checkDocNumber(DocNumber{Kind: DocNumberOrder, Agency: m[1]}, "", m[3])
	}
	if m := reYearSerial.FindStringSubmatch(c); m != nil {
		if m[3] == "" && m[5] == "" {
			return DocNumber{}, "年 number without 第 or 号"
		}
		kind := DocNumberAnnouncement
		if strings.HasSuffix(m[1], "令") {
			kind = DocNumberOrder
		}
		return checkDocNumber(DocNumber{Kind: kind, Agency: m[1]}, m[2], m[4])
	}
	return DocNumber{}, whyNotDocNumber(c)
}

// checkDocNumber fills in year and serial and applies the rules every form
// shares. year is "" for forms without one.
func checkDocNumber(n DocNumber, year, serial string) (DocNumber, string) {
	a := n.Agency
	switch {
	case utf8.RuneCountInString(a) > maxAgencyRunes:
		return DocNumber{}, fmt.Sprintf("agency longer than %d characters", maxAgencyRunes)
	case n.Kind == DocNumberOrder && a == "令":
		return DocNumber{}, "no issuing agency before 令"
	case a == "其他" || a == "其它":
		// Sites file documents without a number under "other" and print the
		// category where the agency belongs; it identifies no issuer.
		return DocNumber{}, fmt.Sprintf("placeholder agency %q", a)
	case strings.HasPrefix(a, "号") || strings.HasPrefix(a, "第"):
		// 号市人大公告1996年第40号: the tail of a preceding number was scraped too.
		return DocNumber{}, "agency begins with 号 or 第: the tail of another number"
	}
	for _, w := range sentenceWords {
		if strings.Contains(a, w) {
			// 的通知沪府发〔2009〕26号, 根据国办公开办函〔…〕: a scraper took
			// the words in front of the number too.
			return DocNumber{}, fmt.Sprintf("agency contains %s: title or sentence text, not an agency code", w)
		}
	}
	if year != "" {
		n.Year = parseYearDigits(year)
		if n.Year < MinDocNumberYear || n.Year > MaxDocNumberYear {
			return DocNumber{}, fmt.Sprintf("year %s outside %d–%d", year, MinDocNumberYear, MaxDocNumberYear)
		}
	}
	digits := strings.TrimLeft(serial, "0")
	switch {
	case digits == "":
		return DocNumber{}, "serial is zero"
	case len(digits) > maxSerialDigits:
		return DocNumber{}, fmt.Sprintf("serial longer than %d digits", maxSerialDigits)
	}
	n.Serial, _ = strconv.Atoi(digits) // at most 7 ASCII digits: cannot fail
	return n, ""
}

// whyNotDocNumber explains why clean folded text matched no form.
func whyNotDocNumber(c string) string {
	for _, r := range c {
		if !unicode.Is(unicode.Han, r) && !isDigitRune(r) && !strings.ContainsRune("〔〕 :○", r) {
			return fmt.Sprintf("unexpected character %q", r)
		}
	}
	lead := c[:len(c)-len(strings.TrimLeftFunc(c, func(r rune) bool { return unicode.Is(unicode.Han, r) }))]
	if lead == "" || lead == "第" {
		return "no issuing agency before the number"
	}
	groups := strings.FieldsFunc(c, func(r rune) bool { return !isDigitRune(r) })
	hasYear := false
	for _, g := range groups {
		hasYear = hasYear || len(g) == 4
	}
	switch {
	case len(groups) == 0:
		return "no number"
	case !hasYear && !strings.Contains(c, "令"):
		return "no year (and not an order: no 令)"
	case len(groups) == 1 && hasYear:
		return "no serial after the year"
	}
	return "not a document number form (机关代字〔年份〕序号号, …令第N号 or …年第N号)"
}

// docNumberError builds an error for input s that wraps ErrInvalid.
func docNumberError(s, format string, args ...any) error {
	return invalidf("document number", s, format, args...)
}

// invalidf builds an error wrapping ErrInvalid for a value of the given
// kind. It quotes at most 40 runes of s, so that a huge input does not make
// a huge message.
func invalidf(kind, s, format string, args ...any) error {
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:40]) + "…"
	}
	return fmt.Errorf("%s %q: %s: %w", kind, s, fmt.Sprintf(format, args...), ErrInvalid)
}

// DocNumberMatch is a document number found in free text.
type DocNumberMatch struct {
	Number DocNumber
	// Start and End are byte offsets into the searched text:
	// text[Start:End] is the number as written there.
	Start, End int
}

// Patterns for free text. They are stricter than ParseDocNumber: a year in
// brackets with 号 or a closing bracket, 令第N号, or 公告/令 YYYY年第N号, so
// that ordinary sentences with numbers are not taken for document numbers.
var reFindDocNumber = regexp.MustCompile(
	`(` + han + `+) ?(?:〔 ?` + yearPat + `(?: ?〕| ) ?(?:第 ?)?[0-9]+(?: ?号)?|[0-9]{4} ?〕 ?(?:第 ?)?[0-9]+ ?号)` +
		`|(` + han + `*令) ?(?:第 ?)?[0-9]+ ?号` +
		`|(` + han + `*(?:公告|令)) ?[0-9]{4} ?年 ?第 ?[0-9]+ ?号`)

// sentenceWords occur in titles and sentences but never inside an agency
// code or name: ParseDocNumber refuses an agency holding one, and
// FindDocNumbers starts the agency after the last one.
var sentenceWords = []string{
	"的", "根据", "依据", "按照", "依照", "参照", "贯彻", "落实", "执行", "印发", "转发",
	"关于", "废止", "修改", "修订", "现将", "以及", "通知", "发布", "要求", "文件",
}

// stopWords end the words in front of an agency in running text
// (根据闽政〔2019〕14号, 见闽政…) on top of sentenceWords. Single characters
// are too common to refuse in ParseDocNumber, so only FindDocNumbers uses
// them: the list is a heuristic.
var stopWords = append([]string{
	"请", "见", "即", "及", "与", "或", "以", "为", "是", "在", "对", "将", "把", "据", "按",
	"号", "精神", "文号", "字号", "批复", "通告", "决定", "意见", "办法", "规定", "细则", "报告", "请示",
	"明确", "调整", "实施", "做好", "加强", "停止", "撤销", "清理", "继续", "暂停", "结合", "参见",
}, sentenceWords...)

// codeStopWords also end the words in front of a short agency code
// (国办发〔1993〕55号和国函〔1996〕69号) but not in front of a full name
// ending in 令 or 公告, where they occur: 中华人民共和国国务院令.
var codeStopWords = []string{"和"}

// FindDocNumbers returns the document numbers in free text, such as a search
// query (闽政〔2019〕14号 实施意见) or the 文号 line of a PDF page, in order of
// appearance. Each match, cut out of text, parses with ParseDocNumber to the
// same number. The agency in front of a number is taken back to the nearest
// punctuation or stop word, so "根据闽政〔2019〕14号" yields 闽政.
func FindDocNumbers(text string) []DocNumberMatch {
	f := foldText(text)
	var out []DocNumberMatch
	prevEnd := -1 // end of the previous number-like match in f.s
	for _, m := range docNumberMatches(f.s) {
		// The Han run in front: whichever alternative matched.
		runStart, runEnd := m[2], m[3]
		for _, g := range []int{3, 4} {
			if runStart < 0 {
				runStart, runEnd = m[2*g], m[2*g+1]
			}
		}
		// 2019年4月28日国务院令第1号: a run glued to a number starts with its
		// unit, not with the agency. (日 cannot be a stop word: 日照市.)
		if runStart > 0 && isASCIIDigit(f.s[runStart-1]) {
			for _, unit := range []string{"年", "月", "日", "号"} {
				if strings.HasPrefix(f.s[runStart:runEnd], unit) {
					runStart += len(unit)
					break
				}
			}
		}
		afterNumber := prevEnd >= 0 && strings.TrimSpace(f.s[prevEnd:runStart]) == "" ||
			runStart > 0 && isASCIIDigit(f.s[runStart-1])
		prevEnd = m[1]
		start := agencyStart(f.s[runStart:runEnd], m[2] >= 0, afterNumber) + runStart
		if start >= runEnd {
			continue
		}
		cand := f.s[start:m[1]]
		if m[2] >= 0 && !strings.HasSuffix(cand, "号") && !strings.Contains(cand, "〕") {
			continue // 闽政〔2019 14: too weak in running text
		}
		// Parse what was written, so that a match always agrees with
		// ParseDocNumber (limits and labels included).
		lo, hi := f.start[start], f.end[m[1]-1]
		n, err := ParseDocNumber(text[lo:hi])
		if err != nil {
			continue
		}
		out = append(out, DocNumberMatch{Number: n, Start: lo, End: hi})
	}
	return out
}

// docNumberMatches is reFindDocNumber.FindAllStringSubmatchIndex(s, -1)
// on folded text, read only where a match can be. Every match is a run of
// Han characters, digits, brackets, ○ and spaces that holds a digit, and
// the pattern looks at nothing around it; so the runs without a digit
// (most of a document's body) are skipped rather than tried at every Han
// character, and the matches are the same.
func docNumberMatches(s string) [][]int {
	var out [][]int
	for start := 0; start < len(s); {
		end, digit := start, false
		for end < len(s) {
			r, n := utf8.DecodeRuneInString(s[end:])
			isDigit := r >= '0' && r <= '9'
			if !isDigit && r != ' ' && r != '〔' && r != '〕' && r != '○' && !unicode.Is(unicode.Han, r) {
				break
			}
			digit = digit || isDigit
			end += n
		}
		if digit {
			for _, m := range reFindDocNumber.FindAllStringSubmatchIndex(s[start:end], -1) {
				for i := range m {
					if m[i] >= 0 {
						m[i] += start
					}
				}
				out = append(out, m)
			}
		}
		if end == start { // a character no match holds
			_, n := utf8.DecodeRuneInString(s[start:])
			end += n
		}
		start = end
	}
	return out
}

// agencyStart returns the byte offset in run (a run of Han characters in
// front of a number) where the agency begins: after the last stop word that
// leaves something, and within maxAgencyRunes of the end. code says the
// number has the regular form, whose agency is a short code; afterNumber
// says the run directly follows another number (55号和国函〔1996〕69号).
func agencyStart(run string, code, afterNumber bool) int {
	start := 0
	if n := utf8.RuneCountInString(run); n > maxAgencyRunes {
		for i := range run {
			if n == maxAgencyRunes {
				start = i
				break
			}
			n--
		}
	}
	cut := func(words []string) {
		for _, w := range words {
			// A stop word at the very end is the agency's own suffix
			// (农业农村部通告〔2019〕3号), not words in front of it.
			i := strings.LastIndex(run, w)
			if i < 0 || i+len(w) <= start || i+len(w) >= len(run) {
				continue
			}
			// 将 (将乐县), 即 (即墨区) and 和 (和田地区) also abbreviate
			// places: at the start of a run they begin the agency, unless
			// a number precedes and they join the two.
			if i == 0 && !afterNumber && (w == "将" || w == "即" || w == "和") {
				continue
			}
			start = i + len(w)
		}
	}
	cut(stopWords)
	if code {
		cut(codeStopWords)
	}
	return start
}

// foldedText is text prepared for matching, with a map back to the
// original: the bytes of s at i came from original[start[i]:end[i]].
type foldedText struct {
	s          string
	start, end []int
}

// foldText folds the spelling variants that do not change meaning: it drops
// zero-width characters, turns every run of whitespace (ASCII, U+3000, NBSP,
// …) into one ' ', maps full-width ASCII (０-９, （, ：, …) to ASCII, and every
// bracket that real 文号 use to 〔 or 〕. Invalid UTF-8 becomes U+FFFD.
func foldText(s string) foldedText {
	var b strings.Builder
	b.Grow(len(s))
	f := foldedText{start: make([]int, 0, len(s)), end: make([]int, 0, len(s))}
	lastSpace := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		start := i
		i += size
		switch {
		case isZeroWidth(r):
			continue
		case unicode.IsSpace(r):
			if lastSpace {
				f.end[len(f.end)-1] = i // one ' ' stands for the whole run
				continue
			}
			r = ' '
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
			r -= 0xFEE0
		}
		switch r {
		case '[', '(', '{', '【', '〖', '﹝', '〘':
			r = '〔'
		case ']', ')', '}', '】', '〗', '﹞', '〙':
			r = '〕'
		}
		lastSpace = r == ' '
		n, _ := b.WriteRune(r)
		for range n {
			f.start = append(f.start, start)
			f.end = append(f.end, i)
		}
	}
	f.s = b.String()
	return f
}

// isZeroWidth reports the invisible characters that scraped text carries.
// zeroWidth are the characters text folding drops: invisible, and they
// break matches in text copied from PDFs and web pages.
var zeroWidth = [...]rune{'\u200B', '\u200C', '\u200D', '\uFEFF', '\u2060', '\u00AD'}

func isZeroWidth(r rune) bool { return slices.Contains(zeroWidth[:], r) }

func isASCIIDigit(c byte) bool { return '0' <= c && c <= '9' }

func isDigitRune(r rune) bool { return '0' <= r && r <= '9' }

// cnDigits are the Chinese numerals 〇 to 九, at their values.
var cnDigits = []rune("〇一二三四五六七八九")

// chineseDigit maps an Arabic digit, a Chinese numeral 〇…九, or a stand-in
// for 〇 seen in print and OCR (○, 零, O, o) to its value.
func chineseDigit(r rune) (int, bool) {
	switch r {
	case '○', '零', 'O', 'o':
		return 0, true
	}
	if '0' <= r && r <= '9' {
		return int(r - '0'), true
	}
	for d, c := range cnDigits {
		if c == r {
			return d, true
		}
	}
	return 0, false
}

// parseYearDigits reads a year written digit by digit, in Arabic or
// Chinese numerals or a mixture (二0一九). It returns -1 if a rune is not a
// digit.
func parseYearDigits(s string) int {
	y := 0
	for _, r := range s {
		d, ok := chineseDigit(r)
		if !ok {
			return -1
		}
		y = y*10 + d
	}
	return y
}

// submatch returns group i of a FindStringSubmatchIndex result, or "".
func submatch(s string, m []int, i int) string {
	if m[2*i] < 0 {
		return ""
	}
	return s[m[2*i]:m[2*i+1]]
}
