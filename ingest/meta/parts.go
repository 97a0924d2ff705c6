package meta

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/agnivade/levenshtein"

	"github.com/gazette-archive/gazette/ingest/layout"
	"github.com/gazette-archive/gazette/ingest/page"
)

// agree settles each issuer read from the 发文机关标志 against the other
// places an original prints the same name: the title before 关于, and the
// signature. On a scan the condensed red heading is misread more often
// than either (苍梧省 read as 世情省, its first character lost), so where
// readings of one name differ by a slip (see slip), the reading most
// places agree on wins, and on a tie the first of others (the title's,
// set in the body's type). Names that no other place prints stay as read.
func agree(issuers []string, others ...[]string) []string {
	out := make([]string, len(issuers))
	for i, a := range issuers {
		votes := map[string]int{a: 1}
		var order []string
		whole := map[string]bool{} // readings whose place differs whole
		for _, list := range others {
			for _, b := range list {
				switch {
				case b == a:
					votes[a]++
				case slip(a, b) || lostFront(a, b) || placeMisread(a, b):
					if votes[b] == 0 {
						order = append(order, b)
					}
					votes[b]++
					whole[b] = !slip(a, b) && !lostFront(a, b)
				}
			}
		}
		best := a
		for _, b := range order {
			if whole[b] && votes[b] < 2 && placeEnd(a) {
				// A name whose place the mark's red type misread whole
				// (将全客人民政府 for 苍梧省人民政府) is settled by one other
				// place only where the mark's is no place's name (no
				// 省, 市 …): else two must print the other, as one may
				// name another body.
				continue
			}
			if votes[b] >= votes[best] && (votes[b] > votes[best] || best == a) {
				best = b
			}
		}
		out[i] = best
	}
	return dedupe(out)
}

// officeOf is the body whose office prints an original (the 印发机关 of
// its 版记): 苍梧省卫生健康委员会办公室 prints for 苍梧省卫生健康委员会, 澜江省人民
// 政府办公厅 for 澜江省人民政府. Nil for another printer.
func officeOf(printedBy string) []string {
	for _, office := range []string{"办公室", "办公厅", "辦公室", "辦公廳"} {
		if body, ok := strings.CutSuffix(printedBy, office); ok && utf8.RuneCountInString(body) >= 4 {
			return []string{body}
		}
	}
	return nil
}

// officeAgrees writes the body in the name of the office that printed an
// original (its 版记's 印发机关, 苍柯省卫生健康委员会办公室) as the issuers
// were settled (see agree), where its reading is a slip of one of them.
func officeAgrees(printedBy string, issuers []string) string {
	for _, office := range []string{"办公室", "办公厅", "辦公室", "辦公廳"} {
		body, ok := strings.CutSuffix(printedBy, office)
		if !ok || utf8.RuneCountInString(body) < 4 {
			continue
		}
		for _, a := range issuers {
			// An issuer read with its front lost (省人民政府 for 苍梧省人民
			// 政府) is no better reading of a longer office's name.
			if a != body && slip(body, a) && !lostFront(a, body) {
				return a + office
			}
		}
	}
	return printedBy
}

// titleAgrees writes the issuers at the front of a title (before 关于) as
// the issuers were settled (see agree), where the title's reading of one
// is a slip of one of them.
func titleAgrees(title string, titleIssuers, issuers []string) string {
	i := strings.Index(title, "关于")
	if i < 0 {
		i = strings.Index(title, "關於")
	}
	if i <= 0 || len(titleIssuers) == 0 {
		return title
	}
	front := title[:i]
	for _, t := range titleIssuers {
		for _, a := range issuers {
			if a != t && slip(t, a) && strings.Contains(front, t) {
				front = strings.Replace(front, t, a, 1)
				break
			}
		}
	}
	return front + title[i:]
}

// issuerQuotes are the marks a scan reads for the gap between joint
// issuers at the front of a title.
const issuerQuotes = "“”\"‘’'"

// issuerGaps writes the gaps between joint issuers at the front of a
// title (云南省住房和城乡建设厅　云南省交通运输厅关于…) as the full-width
// space they are where a scan read them as quote marks (…建设厅“云南省…):
// an issuer's name quotes nothing, so marks between names that each read
// as an authority are gaps. Other titles come back as they are.
func issuerGaps(title string) string {
	i := strings.Index(title, "关于")
	if i < 0 {
		i = strings.Index(title, "關於")
	}
	if i <= 0 || !strings.ContainsAny(title[:i], issuerQuotes) {
		return title
	}
	parts := strings.FieldsFunc(title[:i], func(r rune) bool { return strings.ContainsRune(issuerQuotes, r) || unicode.IsSpace(r) })
	if len(parts) < 2 {
		return title
	}
	for _, p := range parts {
		if !authorityLike(p) {
			return title
		}
	}
	return strings.Join(parts, "\u3000") + title[i:]
}

// lostFront reports whether the reading a of a name is b with its front
// lost, as OCR loses the first characters of a red heading (健康委员会 for
// 苍梧省卫生健康委员会): a tail of b long enough to be a name, where
// what goes before it is no name of its own (广东省教育厅广东省公安厅 is
// two bodies run together).
func lostFront(a, b string) bool {
	return len(b) > len(a) && strings.HasSuffix(b, a) && utf8.RuneCountInString(a) >= 4 &&
		!authorityLike(strings.TrimSuffix(b, a))
}

// slip reports whether two readings of a name differ as a misreading does,
// not as two bodies' names do: in one or two characters, at most about one
// in four (广东省教育厅 and 广东省公安厅 are two bodies), or in the three of
// a place's name at the front of a long one (see placeMisread).
func slip(a, b string) bool {
	d := levenshtein.ComputeDistance(a, b)
	n := max(utf8.RuneCountInString(a), utf8.RuneCountInString(b))
	if d == 3 {
		return 4*d <= n+1 && placeMisread(a, b)
	}
	return d >= 1 && d <= 2 && 4*d <= n+1
}

// placeEnd reports whether the third character of name ends a place's
// name (苍梧省…, 广州市…), as that of a name with a place of two does.
func placeEnd(name string) bool {
	rs := []rune(name)
	return len(rs) > 2 && strings.ContainsRune(placeEnds, rs[2])
}

// placeMisread reports whether two readings of a name differ only in
// their first three characters, as long as each other: the place's name
// at its front misread whole (到二各人力资源和社会保障厅 for 云南省人力资源和社会
// 保障厅), the body's name after it read alike.
func placeMisread(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	return len(ra) == len(rb) && len(ra) > 3 && string(ra[3:]) == string(rb[3:])
}

// signatory returns the person who signs a 令 (省长　张三) among the lines
// above its date, or "".
func signatory(paras []layout.Paragraph) string {
	for i := len(paras) - 1; i >= 0; i-- {
		if m := rePerson.FindStringSubmatch(page.Squeeze(paras[i].Text)); m != nil {
			return m[1] + "　" + m[2]
		}
	}
	return ""
}

var (
	// reAttachNote opens a 附件说明: 附件：1．title, or 附件：title; on a
	// scan its colon may be read as another mark (附件，title), which is
	// taken where a title follows (see attachmentNote).
	reAttachNote = regexp.MustCompile(`^附\s*件\s*([:：]|[，,；;．.、])\s*(.+)$`)
	// reAttachItem is an item of a numbered 附件说明: 2．title.
	reAttachItem = regexp.MustCompile(`^([0-9]{1,2})\s*[．.、,，]\s*(.+)$`)
)

// Attachments returns the titles of a document's attachments (附件1…n),
// which are part of it: from its 附件说明 under the text (附件：1．…, the
// later items on lines of their own), else from the 附件N labels that head
// the attachments, each over its title.
func Attachments(paras []layout.Paragraph) []string {
	if titles := attachmentNote(paras); len(titles) > 0 {
		return titles
	}
	var titles []string
	for i := 0; i+1 < len(paras); i++ {
		if reAttachLabel.MatchString(page.Squeeze(paras[i].Text)) {
			if t := page.Squeeze(paras[i+1].Text); t != "" && utf8.RuneCountInString(t) <= 80 && !endsSentence(t) {
				titles = append(titles, t)
			}
		}
	}
	return titles
}

// attachmentStart returns the index of the first 附件N label that heads
// an attachment among paras, or -1.
func attachmentStart(paras []layout.Paragraph) int {
	for i := range paras {
		if reAttachLabel.MatchString(page.Squeeze(paras[i].Text)) {
			return i
		}
	}
	return -1
}

// attachmentNote reads a 附件说明. An item wrapped over lines set as a
// paragraph of their own goes on in the next paragraph that is not an
// item, as long as the item before it filled its line.
func attachmentNote(paras []layout.Paragraph) []string {
	for i, p := range paras {
		m := reAttachNote.FindStringSubmatch(page.Squeeze(p.Text))
		if m == nil {
			continue
		}
		first := m[2]
		if colon := m[1] == "：" || m[1] == ":"; !colon && (endsSentence(first) || strings.ContainsAny(first, "，。；")) {
			continue // a sentence that opens with 附件, not a 附件说明
		}
		item := reAttachItem.FindStringSubmatch(first)
		if item == nil {
			// A mark before the title (-河南省…表) is its number or
			// a speck misread: no title begins with one.
			return []string{trimItem(strings.TrimLeft(first, "-—–·.．、"))}
		}
		titles := []string{item[2]}
		next := 2
		for _, q := range paras[i+1:] {
			t := page.Squeeze(q.Text)
			if it := reAttachItem.FindStringSubmatch(t); it != nil && it[1] == strconv.Itoa(next) {
				titles = append(titles, it[2])
				next++
				continue
			}
			last := titles[len(titles)-1]
			if t == "" || q.Align == layout.AlignRight || q.Align == layout.AlignCentre ||
				utf8.RuneCountInString(last) < 20 || endsSentence(t) || utf8.RuneCountInString(t) > 40 {
				break
			}
			titles[len(titles)-1] = last + t
		}
		for k := range titles {
			titles[k] = trimItem(titles[k])
		}
		return titles
	}
	return nil
}

// trimItem drops the full stop or semicolon that may close an item, or
// the comma a scan reads a stray mark after it as.
func trimItem(s string) string { return strings.TrimRight(s, "。；;.，,、") }

// endsSentence reports whether s ends as a sentence does, not a title.
func endsSentence(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune("。！？；：，", r)
}

// reSecrecyRead is a 密级 mark as OCR reads it off a scan: a stray mark
// before it, its ★ read as a character (机密女5年, 机密雪5年), stray marks
// after the 保密期限; or, its level's first character lost, 密友5年.
var reSecrecyRead = regexp.MustCompile(`^[^\p{Han}]{0,2}(绝密|絕密|机密|機密|秘密)\p{Han}?([0-9]{1,2}|[一二三四五六七八九十]{1,3})(年|个月|個月)[^\p{Han}]{0,2}$|^[^\p{Han}]{0,2}(绝密|絕密|机密|機密|秘密)$|^[^\p{Han}]{0,2}(密\p{Han}?[0-9]{1,2}(?:年|个月|個月))[^\p{Han}]{0,2}$`)

// secrecyMark reads a 密级 line (squeezed): as printed (机密★1年), or as
// OCR misreads its ★, then written as printed; "" for another line.
func secrecyMark(t string) string {
	if reSecrecy.MatchString(t) {
		return t
	}
	m := reSecrecyRead.FindStringSubmatch(t)
	switch {
	case m == nil:
		return ""
	case m[4] != "":
		return m[4]
	case m[5] != "":
		return m[5] // its level lost: as read
	}
	return m[1] + "★" + m[2] + m[3]
}

// placeEnds are the characters that end a place's name in a title (苍梧省,
// 广州市, 番禺区).
const placeEnds = "省市县縣区區州"

// placeContext is how many characters after a place's name in the title
// must be printed alike in the text for the text's spelling of it to count
// (苍梧省预算绩效管理…, quoted in the text as the title names it): more than
// the 人民政府 that follows any place's name.
const placeContext = 6

// textSpelling finds a place's name in a title that OCR misread where the
// text prints it right: the title's display type (and the red heading,
// the seal over the signature, the small print of the 版记) is read worse
// than the body's, so where the text says 《苍梧省预算绩效管理办法》 and the
// title 关于印发苑梧省预算绩效管理办法的通知, and the text never prints the
// title's 苑梧省, the text's spelling is the name. The name must differ from
// the text's in one character, and the characters after it in the title
// must follow it in the text: a different place the text names (福州市 in
// a title of 广州市) is not taken for it. Only the place that begins an
// issuer's name (苍梧省卫生健康委员会) is looked for, never words that
// end like one (做好我市…, 现就我市…). It returns the title's reading and
// the text's, or "" for none.
func textSpelling(title, text string, issuers []string) (read, printed string) {
	rs := []rune(title)
	for i, r := range rs {
		if !strings.ContainsRune(placeEnds, r) || i+1+placeContext > len(rs) {
			continue
		}
		after := string(rs[i : i+1+placeContext])
		for n := 2; n <= 3 && i-n >= 0; n++ {
			name := string(rs[i-n : i+1])
			if !slices.ContainsFunc(issuers, func(a string) bool { return strings.HasPrefix(a, name) }) {
				continue
			}
			if strings.Contains(text, name) {
				break // the text prints the title's reading
			}
			found := ""
			for at := 0; ; {
				k := strings.Index(text[at:], after)
				if k < 0 {
					break
				}
				k += at
				at = k + len(after)
				before := []rune(text[:k])
				if len(before) < n {
					continue
				}
				cand := string(before[len(before)-n:]) + string(r)
				if slip(cand, name) && levenshtein.ComputeDistance(cand, name) == 1 && allHan(cand) {
					if found != "" && found != cand {
						found = "-" // two spellings: nothing settled
						break
					}
					found = cand
				}
			}
			if found != "" && found != "-" {
				return name, found
			}
		}
	}
	return "", ""
}

// reTitlePerson is the person an appointments notice's title names
// first (关于谭宇春等同志职务任免的通知, 关于任免张三同志职务的通知).
var reTitlePerson = regexp.MustCompile(`关于(?:任免|免去|任命)?(\p{Han}{2,4}?)等?同志`)

// personSpelling finds the name of the person an appointments notice's
// title names that OCR misread where the text prints it right: the
// title's display type is read worse than the body, whose decisions name
// each person after 任命 or 免去 (任命谭宇春为…, title 关于谭字春等同志…).
// The text must print one name alone that differs from the title's in
// one character, and never the title's; it returns the title's reading
// and the text's, or "" for none.
func personSpelling(title, text string) (read, printed string) {
	m := reTitlePerson.FindStringSubmatch(title)
	if m == nil || strings.Contains(text, m[1]) {
		return "", ""
	}
	name := []rune(m[1])
	found := ""
	for _, lead := range []string{"任命", "免去"} {
		for rest := text; ; {
			i := strings.Index(rest, lead)
			if i < 0 {
				break
			}
			rest = rest[i+len(lead):]
			cand := []rune(rest)
			if len(cand) < len(name) {
				break
			}
			c := string(cand[:len(name)])
			if !allHan(c) || levenshtein.ComputeDistance(c, m[1]) != 1 {
				continue
			}
			if found != "" && found != c {
				return "", "" // two names that near: nothing settled
			}
			found = c
		}
	}
	if found == "" {
		return "", ""
	}
	return m[1], found
}

func allHan(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

// reIssuesTitle is a title that issues or forwards a document it names
// (…关于印发泽安省政务服务“一网通办”工作方案的通知): the verb, the
// document's name, and the kind of the issuing document.
var reIssuesTitle = regexp.MustCompile(`(印发|转发|颁发|發布|发布|印發|轉發)(.+)的(通知|决定|決定|意见|意見|批复|批復|函)$`)

// quotedSpelling returns the name of the document a title issues as the
// body prints it, where the title's display type was misread (一阅通办,
// “_-网通办) or lost a word (促进经济 for 促进民营经济): the text quotes it
// (《泽安省政务服务“一网通办”工作方案》已经省人民政府同意，现印发给你们)
// and the document issued, attached, is headed by it, both in type that
// reads better. Each such reading that differs from the title's in two
// characters at most, one in five, is a vote, and so is each that reads
// as the title does; the one most votes print wins, none on a tie. It returns the title's reading and the
// body's, or "" for none.
func quotedSpelling(title string, paras []layout.Paragraph) (read, printed string) {
	m := reIssuesTitle.FindStringSubmatchIndex(title)
	if m == nil {
		return "", ""
	}
	read = title[m[4]:m[5]]
	name := strings.TrimSuffix(strings.TrimPrefix(read, "《"), "》")
	key := string(letters(name))
	n := utf8.RuneCountInString(key)
	// Readings are compared by their letters: a quote mark the text's
	// type was read with otherwise (" for ”) is no other spelling.
	votes, spelling := map[string]int{}, map[string]string{}
	vote := func(c string) {
		k := string(letters(c))
		if d := levenshtein.ComputeDistance(key, k); d > 2 || 5*d > n {
			return
		}
		votes[k]++
		if marks(c) == marks(name) || spelling[k] == "" {
			spelling[k] = c
		}
	}
	for _, p := range paras {
		t := page.Squeeze(p.Text)
		if p.Heading || p.Align == layout.AlignCentre {
			vote(t)
		}
		for _, q := range Quoted(t) {
			if strings.HasPrefix(t[q.Start:], "《") {
				vote(q.Text)
			}
		}
	}
	best, tie := "", false
	for c, v := range votes {
		switch {
		case best == "" || v > votes[best]:
			best, tie = c, false
		case v == votes[best]:
			tie = true
		}
	}
	if best == "" || tie || best == key {
		return "", ""
	}
	return name, spelling[best]
}

// marks is s without its letters and digits: its punctuation in order.
func marks(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return -1
		}
		return r
	}, s)
}
