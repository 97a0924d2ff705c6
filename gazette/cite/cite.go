package cite

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/gazette"
)

// Form is how a citation is written.
type Form string

const (
	// ByNumber is a 文号 alone: 闽政〔2019〕14号, 国务院令第588号.
	ByNumber Form = "number"
	// ByTitle is a 《title》, perhaps with a revision year or a 文号 after it.
	ByTitle Form = "title"
)

// Citation is one citation found in a text.
type Citation struct {
	Form Form `json:"form"`
	// Start and End are byte offsets into the text searched:
	// text[Start:End] is the citation as printed, from 《 to 》 and any
	// parenthesis right after it that gives its year or 文号 (or the 文号
	// alone), but not the provision.
	Start int `json:"start"`
	End   int `json:"end"`
	// Text is text[Start:End].
	Text string `json:"text"`
	// Title is the 《title》 as printed, without the 《》; "" for ByNumber.
	Title string `json:"title,omitempty"`
	// Key is what a title lookup uses: NormalizeTitle of Title; "" for
	// ByNumber.
	Key string `json:"key,omitempty"`
	// Number is the 文号 cited, alone or in the parenthesis after a title.
	Number gazette.DocNumber `json:"number"`
	// Year is the revision year a title gives (（2019年修正）); 0 for none.
	Year int `json:"year,omitempty"`
	// Provision is the 第N条 printed right after the citation, if any.
	Provision string `json:"provision,omitempty"`
	// Type is the relation the words around the citation say the citing
	// document has to the cited one: gazette.BasedOn after 根据 or 依据,
	// gazette.Repeals or gazette.Amends where the sentence says so without
	// doubt, else gazette.Cites.
	Type gazette.RelationType `json:"type"`
}

// Ref is what identifies the cited document: "number:" and the canonical
// 文号 when the citation gives one, else "title:" and the title's key. Two
// citations of one document in different spellings have the same Ref.
func (c *Citation) Ref() string {
	if !c.Number.IsZero() {
		return "number:" + c.Number.String()
	}
	return "title:" + c.Key
}

// Label is how the cited document is named in lists: the title in 《》, with
// its 文号 or revision year, or the 文号 alone.
func (c *Citation) Label() string {
	var b strings.Builder
	if c.Title != "" {
		b.WriteString("《" + c.Title + "》")
	}
	switch {
	case !c.Number.IsZero() && c.Title != "":
		b.WriteString("（" + c.Number.String() + "）")
	case !c.Number.IsZero():
		b.WriteString(c.Number.String())
	case c.Year > 0:
		b.WriteString("（" + strconv.Itoa(c.Year) + "年）")
	}
	return b.String()
}

// maxTitleRunes bounds a 《title》: an opening 《 with no 》 within it is not
// a title (a stray bracket, a cut paragraph).
const maxTitleRunes = 200

// Find returns the citations in text, in order of appearance, never
// overlapping: 《titles》 of laws, regulations and documents, and 文号
// outside them. A 文号 inside a 《title》 is part of the title; one in the
// parenthesis right after a title gives the title's number. Titles of
// things that are not normative documents (《营业执照》, 《报告》,
// 《人民日报》) are not citations. Only the outermost of nested titles is a
// citation: 《国务院关于修改〈…条例〉的决定》 cites the decision.
func Find(text string) []Citation {
	var out []Citation
	titles := findTitles(text)
	aliases := map[string]Citation{} // 以下简称《X》: X's key stands for the citation
	for _, t := range titles {
		if len(out) > 0 && t[0] < out[len(out)-1].End {
			continue // the short name in the parenthesis of the one before
		}
		c, ok := titleCitation(text, t[0], t[1], aliases)
		if !ok {
			continue
		}
		if a, ok := aliases[c.Key]; ok && c.Number.IsZero() && c.Year == 0 {
			c.Key, c.Number, c.Year = a.Key, a.Number, a.Year
		}
		out = append(out, c)
	}
	inTitle := func(start, end int) bool {
		return slices.ContainsFunc(titles, func(t [2]int) bool { return start < t[1] && end > t[0] })
	}
	taken := func(start, end int) bool {
		return slices.ContainsFunc(out, func(c Citation) bool { return start < c.End && end > c.Start })
	}
	for _, m := range findNumbers(text) {
		if inTitle(m.Start, m.End) || taken(m.Start, m.End) {
			continue
		}
		// 原国家工商行政管理局令第1号公布的《…》, 公安部令第159号《…》: a number
		// printed just before a title is that title's.
		if i := slices.IndexFunc(out, func(c Citation) bool {
			return c.Form == ByTitle && c.Start >= m.End && numberBefore(text[m.End:c.Start])
		}); i >= 0 {
			if out[i].Number.IsZero() {
				out[i].Number = m.Number
			}
			continue
		}
		out = append(out, Citation{Form: ByNumber, Start: m.Start, End: m.End, Text: text[m.Start:m.End], Number: m.Number})
	}
	slices.SortFunc(out, func(a, b Citation) int { return a.Start - b.Start })
	for i := range out {
		c := &out[i]
		if p, n := gazette.Provision(text[c.End:]); n > 0 {
			c.Provision = p
		}
		c.Type = relationType(text, out, i)
	}
	return out
}

// numberBefore reports whether the text between a 文号 and a title joins
// them as one citation: nothing, or 公布的, 发布的, 印发的, 的.
func numberBefore(between string) bool {
	switch strings.TrimSpace(between) {
	case "", "的", "公布的", "发布的", "印发的", "颁布的", "修订的", "修正的":
		return true
	}
	return false
}

// findTitles returns the byte spans of the outermost 《…》 in text, 《 and 》
// included. Inner 《》 (a careless spelling of 〈〉) nest; a 》 with no 《 is
// ignored, and a 《 not closed within maxTitleRunes or before a line break
// is dropped.
func findTitles(text string) [][2]int {
	var out [][2]int
	depth, start, runes := 0, -1, 0
	for i, r := range text {
		if depth > 0 {
			runes++
			if runes > maxTitleRunes || r == '\n' {
				depth, start = 0, -1
				// reconsider this rune as ordinary text
			}
		}
		switch r {
		case '《':
			if depth == 0 {
				start, runes = i, 0
			}
			depth++
		case '》':
			if depth == 0 {
				continue
			}
			depth--
			if depth == 0 {
				out = append(out, [2]int{start, i + len("》")})
				start = -1
			}
		}
	}
	return out
}

// revisionRE is a parenthesis that dates a version of a law: （2019年修正）,
// (2021年修订), （2018年版）, （二〇一九年修正）, (2015修正).
var revisionRE = regexp.MustCompile(`^[(（〔［\[]\s*([0-9０-９]{4}|[〇○零一二三四五六七八九]{4})\s*年?\s*(?:修正|修订|修改|第[一二三四五六七八九十]+次修正|第[一二三四五六七八九十]+次修订|版|文本|本)?\s*[)）〕］\]]`)

// parenRE is a parenthesis right after a title, whatever it holds.
var parenRE = regexp.MustCompile(`^\s*[(（]([^()（）\n]{1,80})[)）]`)

// titleCitation makes the citation of the 《title》 at text[start:end], or
// reports that it is not one of a normative document.
func titleCitation(text string, start, end int, aliases map[string]Citation) (Citation, bool) {
	inner := text[start+len("《") : end-len("》")]
	c := Citation{Form: ByTitle, Start: start, End: end, Title: strings.TrimSpace(inner)}
	body := foldTitle(inner)
	// A revision year or a 文号 printed inside the title, at its end.
	if i := strings.LastIndex(body, "("); i > 0 {
		if y, ok := revisionYear(body[i:]); ok {
			c.Year = y
			body = body[:i]
		} else if n, ok := wholeNumber(strings.Trim(body[i:], "()")); ok && strings.HasSuffix(body, ")") {
			c.Number = n
			body = body[:i]
		}
	}
	if !Normative(body) {
		return Citation{}, false
	}
	// A revision year, 文号 or short name in the parenthesis after the
	// title: （2019年修正）, （国务院令第513号）, （法释〔2008〕5号，以下简称《解释》）.
	c.Key = key(body)
	if m := parenRE.FindStringSubmatchIndex(text[end:]); m != nil {
		if y, n, alias, ok := parenthesis(text[end+m[2] : end+m[3]]); ok {
			if c.Year == 0 {
				c.Year = y
			}
			if c.Number.IsZero() {
				c.Number = n
			}
			if alias != "" {
				aliases[alias] = c
			}
			c.End = end + m[1]
		}
	}
	if c.Key == "" {
		return Citation{}, false
	}
	c.Text = text[c.Start:c.End]
	return c, true
}

// parenthesis reads what a parenthesis right after a title says of it: a
// revision year, a 文号 (with the date it was published), a short name
// (以下简称《X》, 简称X), in parts separated by commas. ok is false if any
// part is something else, such as 单片 or 试行.
func parenthesis(inside string) (year int, n gazette.DocNumber, alias string, ok bool) {
	parts := strings.FieldsFunc(inside, func(r rune) bool { return strings.ContainsRune("，,；;、", r) })
	if len(parts) == 0 {
		return 0, n, "", false
	}
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if y, isYear := revisionYear("(" + p + ")"); isYear && year == 0 {
			year = y
			continue
		}
		if x, isNum := wholeNumber(p); isNum && n.IsZero() {
			n = x
			continue
		}
		if a, isAlias := strings.CutPrefix(strings.TrimPrefix(p, "以下"), "简称"); isAlias && alias == "" {
			a = strings.TrimSpace(a)
			if strings.HasPrefix(a, "《") && strings.HasSuffix(a, "》") {
				alias = key(foldTitle(a[len("《") : len(a)-len("》")]))
				continue
			}
			if a != "" {
				continue // a short name without 《》 names nothing to cite
			}
		}
		return 0, gazette.DocNumber{}, "", false
	}
	return year, n, alias, true
}

// revisionYear reads a parenthesis such as （2019年修正）.
func revisionYear(p string) (int, bool) {
	m := revisionRE.FindStringSubmatch(p)
	if m == nil || len(m[0]) != len(p) {
		return 0, false
	}
	y := 0
	for _, r := range m[1] {
		d := digitValue(r)
		if d < 0 {
			return 0, false
		}
		y = y*10 + d
	}
	if y < gazette.MinDocNumberYear || y > gazette.MaxDocNumberYear {
		return 0, false
	}
	return y, true
}

func digitValue(r rune) int {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0')
	case r >= '０' && r <= '９':
		return int(r - '０')
	case r == '〇' || r == '○' || r == '零':
		return 0
	}
	if i := strings.IndexRune("一二三四五六七八九", r); i >= 0 {
		return utf8.RuneCountInString("一二三四五六七八九"[:i]) + 1
	}
	return -1
}

// wholeNumber parses s as exactly one 文号 (国务院令第588号, 闽政〔2019〕14号,
// 国务院第588号令), with nothing else around it but spaces, a date in front
// and a trailing 公布/发布/印发: （2005年3月1日省人民政府令第5号公布）.
func wholeNumber(s string) (gazette.DocNumber, bool) {
	s = strings.TrimSpace(s)
	if ds := gazette.FindDates(s); len(ds) > 0 && ds[0].Start == 0 {
		s = strings.TrimSpace(s[ds[0].End:])
	}
	for _, suffix := range []string{"公布", "发布", "印发"} {
		s = strings.TrimSuffix(s, suffix)
	}
	ms := findNumbers(s)
	if len(ms) != 1 || ms[0].Start != 0 || strings.TrimSpace(s[ms[0].End:]) != "" {
		return gazette.DocNumber{}, false
	}
	return ms[0].Number, true
}

// orderAfterRE is a 令 number written 第N号令 (国务院第588号令, 省政府第12号令):
// the agency, then the serial; gazette.ParseDocNumber reads it once put in
// the usual order.
var orderAfterRE = regexp.MustCompile(`(\p{Han}{2,30})第\s*([0-9０-９]{1,7})\s*号令`)

// findNumbers returns the 文号 in text: gazette.FindDocNumbers, and 令
// numbers written 第N号令.
func findNumbers(text string) []gazette.DocNumberMatch {
	out := gazette.FindDocNumbers(text)
	for i, m := range out {
		out[i] = joined(text, dropFormer(text, m))
	}
	if !strings.Contains(text, "号令") { // what every match holds: a cheap test first
		return out
	}
	for _, m := range orderAfterRE.FindAllStringSubmatchIndex(text, -1) {
		if slices.ContainsFunc(out, func(o gazette.DocNumberMatch) bool { return m[0] < o.End && m[1] > o.Start }) {
			continue
		}
		// Put the number in the usual order and let gazette.FindDocNumbers
		// find where the agency begins in the words in front of it.
		run := text[m[2]:m[3]]
		cand := run + "令第" + text[m[4]:m[5]] + "号"
		ms := gazette.FindDocNumbers(cand)
		if len(ms) == 0 {
			continue
		}
		last := ms[len(ms)-1]
		if last.End != len(cand) || last.Number.Kind != gazette.DocNumberOrder {
			continue
		}
		// Words of the sentence that gazette.FindDocNumbers leaves in
		// front (已经国务院…): drop them while the rest still names a body
		// that issues 令.
		for start := last.Start; start < len(run); {
			if plausibleAgency(run[start:]) {
				if n, err := gazette.ParseDocNumber(cand[start:]); err == nil {
					out = append(out, dropFormer(text, gazette.DocNumberMatch{Number: n, Start: m[2] + start, End: m[1]}))
				}
				break
			}
			w, ok := leadingWord(run[start:])
			if !ok {
				break
			}
			start += len(w)
		}
	}
	slices.SortFunc(out, func(a, b gazette.DocNumberMatch) int { return a.Start - b.Start })
	return out
}

// dropFormer takes 原 (former) off the front of an agency, as in
// 原国家工商行政管理局令第1号: the agency is 国家工商行政管理局, whose name the
// number carries. Place names that begin with 原 (原平市, 原阳县, 原州区)
// keep it.
func dropFormer(text string, m gazette.DocNumberMatch) gazette.DocNumberMatch {
	rest, ok := strings.CutPrefix(text[m.Start:m.End], "原")
	if !ok || strings.HasPrefix(rest, "平") || strings.HasPrefix(rest, "阳") || strings.HasPrefix(rest, "州") {
		return m
	}
	n, err := gazette.ParseDocNumber(rest)
	if err != nil {
		return m
	}
	return gazette.DocNumberMatch{Number: n, Start: m.Start + len("原"), End: m.End}
}

// agencyEnds are how the names of bodies that issue 令 end: a government,
// a ministry or commission, an office, a bureau...
var agencyEnds = []string{"政府", "国务院", "部", "委员会", "委", "局", "署", "行", "院", "办", "厅", "会", "总局"}

// plausibleAgency reports whether a name in front of 第N号令 is that of a
// body that issues 令, which running text in front of it is not.
func plausibleAgency(a string) bool {
	if _, ok := leadingWord(a); ok || strings.Contains(a, "的") {
		return false
	}
	return slices.ContainsFunc(agencyEnds, func(e string) bool { return strings.HasSuffix(a, e) })
}

// sentenceStarts are words that begin a clause in front of an agency's
// name (已经国务院第588号令公布, 由省政府第3号令发布) and begin no agency's name.
var sentenceStarts = []string{"已经", "业经", "经", "由", "现将", "将"}

// leadingWord returns the word of sentenceStarts s begins with.
func leadingWord(s string) (string, bool) {
	for _, w := range sentenceStarts {
		if strings.HasPrefix(s, w) {
			return w, true
		}
	}
	return "", false
}

// joined takes 和, 及 or 与 off the front of a number that follows another
// citation (《…》和闽政〔2019〕14号): there it joins the two, and is not the
// first character of a place (和田地区), as gazette.FindDocNumbers must
// assume when it knows nothing of the citation in front.
func joined(text string, m gazette.DocNumberMatch) gazette.DocNumberMatch {
	before := strings.TrimRight(text[:m.Start], " \u3000")
	if !strings.HasSuffix(before, "》") && !strings.HasSuffix(before, "）") && !strings.HasSuffix(before, ")") && !strings.HasSuffix(before, "号") {
		return m
	}
	for _, w := range []string{"和", "及", "与"} {
		rest, ok := strings.CutPrefix(text[m.Start:m.End], w)
		if !ok {
			continue
		}
		if n, err := gazette.ParseDocNumber(rest); err == nil {
			return gazette.DocNumberMatch{Number: n, Start: m.Start + len(w), End: m.End}
		}
	}
	return m
}

// normativeEnds are the words a normative document's title ends in: the
// names of the forms of laws, regulations, rules and official documents
// (公文, GB/T 9704-2012 and the 党政机关公文处理工作条例's 15 kinds).
var normativeEnds = []string{
	"法", "法典", "宪法", "修正案", "通则", "总则", "条例", "规定", "办法", "细则", "规则", "规程", "规范", "准则", "标准",
	"决定", "决议", "命令", "令", "通知", "通报", "意见", "批复", "答复", "复函", "函", "公告", "通告",
	"解释", "纪要", "纲要", "规划", "计划", "方案", "目录", "清单", "章程", "守则", "制度", "指南", "指引",
	"公约", "协定", "议定书", "条约", "宣言", "要点", "议案",
}

// notNormativeEnds are titles that end like a normative form but name
// something else: 《…报告》 and 《…请示》 go up to a superior and decide
// nothing, so they are kept out together with what ends in them.
var notNormativeEnds = []string{"报告", "请示", "工作报告", "申请表", "登记表", "许可证", "执照", "证书"}

// Normative reports whether a title, folded, names a law, regulation,
// rule or official document rather than a report, a form, a book or a
// newspaper: by the word it ends in, after any parenthesis such as （试行）
// or （暂行）.
func Normative(title string) bool {
	t := strings.TrimSpace(title)
	for {
		i := strings.LastIndexAny(t, "(（")
		if i <= 0 || !strings.HasSuffix(t, ")") && !strings.HasSuffix(t, "）") {
			break
		}
		t = strings.TrimSpace(t[:i])
	}
	if slices.ContainsFunc(notNormativeEnds, func(e string) bool { return strings.HasSuffix(t, e) }) {
		return false
	}
	return slices.ContainsFunc(normativeEnds, func(e string) bool { return strings.HasSuffix(t, e) })
}

// foldTitle folds the spellings of a title that do not change it: spaces
// and zero-width characters go, full-width ASCII becomes ASCII, and inner
// 《》 become 〈〉.
func foldTitle(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || r == '\u200B' || r == '\u200C' || r == '\u200D' || r == '\uFEFF' || r == '\u2060' || r == '\u00AD':
			continue
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		}
		switch r {
		case '《':
			r = '〈'
		case '》':
			r = '〉'
		case '“', '”', '"':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// key is the lookup key of a folded title without its revision year: the
// 中华人民共和国 in front of a national law goes, because 《行政许可法》 and
// 《中华人民共和国行政许可法》 are one law.
func key(body string) string {
	return strings.TrimPrefix(body, "中华人民共和国")
}

// NormalizeTitle returns the key a title is looked up by: spaces,
// quotation marks and a revision year (（2019年修正）) dropped, full-width
// ASCII folded, inner 《》 as 〈〉, without 中华人民共和国 in front. A
// document's own title and a citation of it have the same key.
func NormalizeTitle(title string) string {
	body := foldTitle(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(title), "《"), "》"))
	if i := strings.LastIndexAny(body, "("); i > 0 {
		if _, ok := revisionYear(body[i:]); ok {
			body = body[:i]
		}
	}
	return key(body)
}

// Placed is a citation in one paragraph of a body: Start and End are
// offsets into that paragraph.
type Placed struct {
	Citation
	Paragraph int `json:"paragraph"`
}

// InBody returns the citations of a document's body (its paragraphs), in
// order. The paragraphs are read as one text, so that a short name
// defined in one (以下简称《解释》) is known in the next; a citation never
// spans two paragraphs.
func InBody(body []string) []Placed {
	text := strings.Join(body, "\n")
	starts := make([]int, len(body))
	at := 0
	for i, p := range body {
		starts[i] = at
		at += len(p) + 1
	}
	var out []Placed
	for _, c := range Find(text) {
		i, _ := slices.BinarySearch(starts, c.Start+1)
		i-- // the paragraph starting at or before c.Start
		if i < 0 || c.End > starts[i]+len(body[i]) {
			continue
		}
		c.Start -= starts[i]
		c.End -= starts[i]
		out = append(out, Placed{Citation: c, Paragraph: i})
	}
	return out
}
