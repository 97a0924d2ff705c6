package meta

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/agnivade/levenshtein"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/layout"
	"github.com/gazette-archive/gazette/ingest/page"
)

// An agency's original (GB/T 9704-2012) prints three parts: the 版头 above
// the title (份号, 密级, 紧急程度, the 发文机关标志 …文件 with joint issuers
// stacked, the 发文字号 with the 签发人 beside it, and often a 规范性文件
// registration number at the very top), the 主体 (title, 主送机关, 正文,
// 附件说明, signatures, 成文日期, 附注), and the 版记 at the foot of the last
// page (抄送, 印发机关 and 印发日期). A gazette reprints the 主体 alone. The
// functions here read the 版头 and the 版记 where they are printed, and
// leave every line of them in the text: they are content, not furniture.

// Original is what the 版头, the 版记 and the 附注 of an original say,
// beside the title, 文号, authorities and dates Extract reads. Fields are
// empty where the document does not print them.
type Original struct {
	Copy         string   // 份号, e.g. 000123
	Secrecy      string   // 密级 and 保密期限, e.g. 秘密★1年
	Urgency      string   // 紧急程度: 特急, 加急
	Issuers      []string // the 发文机关标志's authorities, without 文件
	DocNumber    DocNumber
	HasNumber    bool     // DocNumber was found in the 版头
	Signers      []string // 签发人
	Registration string   // 规范性文件统一登记号, e.g. HFGS—2016—3, GZ0320150155
	Note         string   // 附注, e.g. （此件公开发布）
	CC           []string // 抄送机关
	PrintedBy    string   // 印发机关
	PrintDate    gazette.Date
	// MastheadEnd is the index of the first paragraph after the 版头 (0
	// when none is printed); RecordStart that of the 版记's first
	// paragraph (the number of paragraphs when none is printed).
	MastheadEnd, RecordStart int
	// unreadMark is the 发文机关标志 as read where it was read past
	// knowing (see unreadMark): a name for the 版记 to settle.
	unreadMark string
}

// maxMastheadScan is the most paragraphs read at the top for a 版头:
// registration number, 份号, 密级, 紧急程度, up to a dozen issuers, 文号.
const maxMastheadScan = 16

var (
	// reRegistration is a 规范性文件 registration number (统一登记号) on a
	// line of its own, perhaps labelled: HFGS—2016—3, GZ0320150155,
	// DGSJYJ-2015-002; on a scan a dash may read as a full stop
	// (LJFG. 2019- 095), kept as the dash.
	reRegistration = regexp.MustCompile(`^(?:(?:统一)?(?:登记号|登記號|编号|編號|登记编号)[:：]?)?([A-Z]{2,12}[—–\-－.．]{1,2}(?:19|20)[0-9]{2}[—–\-－.．]{1,2}[0-9]{1,6}|[A-Z]{1,8}[0-9]{8,16})$`)
	// reRegistrationIn finds one inside a sentence (编号为DGSJYJ-2015-002).
	reRegistrationIn = regexp.MustCompile(`[A-Z]{2,12}[—–\-－]{1,2}(?:19|20)[0-9]{2}[—–\-－]{1,2}[0-9]{1,6}|[A-Z]{1,8}[0-9]{8,16}`)
	reCopyNumber     = regexp.MustCompile(`^(?:份号|份號|No\.?)?[:：]?([0-9]{6})$`)
	reSecrecy        = regexp.MustCompile(`^(?:绝密|絕密|机密|機密|秘密)(?:[★*☆].{0,12})?$`)
	reUrgency        = regexp.MustCompile(`^(?:特急|加急|特提|平急|急件)$`)
	reAttachLabel    = regexp.MustCompile(`^附\s*件\s*[0-9一二三四五六七八九十]{0,3}\s*[:：]?$`)
	// reSigner is the 签发人 label and the names after it; a scan may
	// read its colon as a semicolon or a comma (签发人；邹立).
	reSigner = regexp.MustCompile(`(?:签发人|簽發人)\s*[:：;；,，]\s*(.*)$`)
	// reMisreadSigner is the 签发人 label after a 文号 as a scan may read
	// it: 签发 lost or misread (粤建〔2008〕63号人：苏华文, …号和葡发人：…,
	// …号人，分立), only its 人 and colon (or what the colon read as) kept.
	// numberLine takes it only where what stands before it reads as a 文号.
	reMisreadSigner = regexp.MustCompile(`号[\s\p{Zs}]*[^\s\p{Zs}:：;；,，号]{0,3}?人[\s\p{Zs}]*[:：;；,，][\s\p{Zs}]*(\p{Han}.*)$`)
)

// authorityEnds are the last characters of an authority's name
// (…人民政府, …办公厅, …委员会, …管理局, …中心, …公司).
const authorityEnds = "府厅廳局会會委部院署办辦处處所室司行团團校队隊站心组組社馆館科股"

// authorityLike reports whether s (squeezed) reads as the name of one or
// more authorities: short, no sentence punctuation, ending as an authority
// does, never a title (关于).
func authorityLike(s string) bool {
	n := utf8.RuneCountInString(s)
	if n < 2 || n > 40 || strings.ContainsAny(s, "，。：:；！？《》“”0123456789") ||
		strings.Contains(s, "关于") || strings.Contains(s, "關於") {
		return false
	}
	s = trimQualifier(s)
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune(authorityEnds, r)
}

// trimQualifier drops a bracketed tail (各镇（街）宣教办（局） → 各镇（街）宣教办).
func trimQualifier(s string) string {
	for strings.HasSuffix(s, "）") || strings.HasSuffix(s, ")") {
		i := strings.LastIndexAny(s, "（(")
		if i <= 0 {
			break
		}
		s = s[:i]
	}
	return s
}

// issuerMark returns the authorities of a 发文机关标志 line (…文件, joint
// issuers side by side separated by spaces); ok is false for other lines.
// A line that is only 文件 is a mark with no names: joint issuers stacked
// above it.
func issuerMark(text string) (names []string, ok bool) {
	t := page.Squeeze(text)
	rest, found := strings.CutSuffix(t, "文件")
	if !found || utf8.RuneCountInString(t) > 60 {
		return nil, false
	}
	if rest == "" {
		return nil, true
	}
	// A front of marks (a 登记号 run on: DEFG2019-095澜江省教育厅) goes;
	// a front that is a name is an issuer stacked over this one, specks
	// read as marks between them (河南省交通运输厅》?河南省…厅).
	if tail := junkFront(rest); tail != rest && authorityLike(tail) {
		if front := wordsOnly(strings.TrimSuffix(rest, tail)); authorityLike(front) {
			return append(splitIssuers(front), tail), true
		}
		return []string{tail}, true
	}
	if !authorityLike(rest) {
		return nil, false
	}
	return splitIssuers(strings.TrimSuffix(strings.TrimSpace(text), "文件")), true
}

// speckEnds returns s without the marks specks were read as at its ends
// (河南省交通运输厅》?, a stacked issuer): all but Han characters, letters,
// digits and the punctuation that says what a line is (the colon of a
// 主送, a sentence's stops).
func speckEnds(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return !unicode.Is(unicode.Han, r) && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("：:，,。；;（）()", r)
	})
}

// wordsOnly returns s without the marks no authority's name holds: all
// but Han characters, letters, digits and （）()、·.
func wordsOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Han, r) || unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("（）()、·", r) {
			return r
		}
		return -1
	}, s)
}

// misreadMark returns the authorities of a 发文机关标志 line whose 件 a
// scan misread (云南省人力资源和社会保障厅文人, …厅文作): an authority's name,
// then 文 and one character more. Masthead takes it only where the line
// can be a mark: under issuers stacked above it, or first in the 版头.
func misreadMark(text string) ([]string, bool) {
	t := page.Squeeze(text)
	last, _ := utf8.DecodeLastRuneInString(t)
	rest, ok := markName(t)
	if !ok || utf8.RuneCountInString(t) < 6 || last == '件' || !unicode.Is(unicode.Han, last) {
		return nil, false
	}
	if tail := junkFront(rest); tail != rest && authorityLike(tail) {
		return []string{tail}, true
	}
	if !authorityLike(rest) {
		return nil, false
	}
	return splitIssuers(rest), true
}

// unreadMark reports whether t, the first line of paras (the 版头's
// first, or the first after its registration number or 紧急程度), is a
// 发文机关标志 misread past knowing (市生态环境条文人: its front lost, its
// 厅 and 件 misread): a short line of words that ends as no title does,
// straight over a 文号 line, under which a title follows (…关于…, or a
// line that ends as titles do).
func unreadMark(paras []layout.Paragraph, t string) bool {
	if len(paras) < 3 || utf8.RuneCountInString(t) > 30 || hanCount(t) < 4 || strings.Contains(t, "关于") ||
		strings.ContainsAny(t, "，,。：:；;《》") || endsAsTitle(t) {
		return false
	}
	if nums, _, ok := numberLine(paras[1].Text); !ok || len(nums) == 0 {
		return false
	}
	next := page.Squeeze(paras[2].Text)
	return (paras[2].Heading || paras[2].Align == layout.AlignCentre) && (strings.Contains(next, "关于") || endsAsTitle(next))
}

// markByPrinter returns the issuer a 发文机关标志 read past knowing
// (mark, 泽安告人民政府办公帮文件) names where the 版记's 印发机关 (printedBy)
// or the body it prints for (see officeOf) reads as the same name
// misread (see slip): an office prints its own originals, and its
// body's. "" where neither does.
func markByPrinter(mark, printedBy string) string {
	name, _ := markName(mark)
	best, bestD := "", 0
	for _, c := range append([]string{printedBy}, officeOf(printedBy)...) {
		if c == "" || !slip(name, c) && name != c {
			continue
		}
		if d := levenshtein.ComputeDistance(name, c); best == "" || d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// markName returns a 发文机关标志 as read without its 文件, the 件 perhaps
// misread (文人, 文作), and whether it ends so; s itself where it does not.
func markName(s string) (string, bool) {
	rs := []rune(s)
	if n := len(rs); n > 2 && rs[n-2] == '文' {
		return string(rs[:n-2]), true
	}
	return s, false
}

// junkFront returns a name read off a red heading without the marks OCR
// made of the front it lost (【-一健康委员会 for 苍梧省卫生健康委员会: a
// bracket, a dash and the 一 a dash is read as), so that it can be matched
// as the tail it is (see lostFront); the name itself when it holds no such
// marks or too little is left.
func junkFront(name string) string {
	cut := strings.LastIndexFunc(name, func(r rune) bool {
		return !unicode.Is(unicode.Han, r) && !strings.ContainsRune("（）()、·", r)
	})
	if cut < 0 {
		return name
	}
	_, w := utf8.DecodeRuneInString(name[cut:])
	tail := strings.TrimLeft(name[cut+w:], "一丨")
	if utf8.RuneCountInString(tail) < 4 || !authorityLike(tail) {
		return name
	}
	return tail
}

// splitIssuers splits a line of issuers set side by side: at spaces where
// every part reads as an authority, else the whole line is one; and a
// line that runs several names together (stacked lines joined by
// extraction) where its region comes again (see splitRunOn).
func splitIssuers(text string) []string {
	parts := strings.Fields(strings.TrimSpace(text))
	if len(parts) > 1 {
		all := true
		for _, p := range parts {
			all = all && authorityLike(p)
		}
		if !all {
			parts = []string{page.Squeeze(text)}
		}
	}
	var out []string
	for _, p := range parts {
		out = append(out, splitRunOn(p)...)
	}
	return out
}

// splitRunOn splits names run together (广州市住房和城乡建设委员会广州市来穗
// 人员服务管理局): joint issuers of one place share its name, so a name
// ends where the first name's region (its first two characters, 广州)
// comes again straight after a character that ends an authority's name,
// as long as every part reads as an authority.
func splitRunOn(s string) []string {
	r := []rune(s)
	if len(r) < 8 {
		return []string{s}
	}
	prefix := string(r[:2])
	var parts []string
	start := 0
	for i := 4; i+2 <= len(r)-2; i++ {
		if string(r[i:i+2]) == prefix && strings.ContainsRune(authorityEnds, r[i-1]) && i-start >= 4 {
			parts = append(parts, string(r[start:i]))
			start = i
		}
	}
	parts = append(parts, string(r[start:]))
	for _, p := range parts {
		if !authorityLike(p) {
			return []string{s}
		}
	}
	return parts
}

// MastheadLine reports whether s can be a line of an original's 版头,
// above its title: a registration number, 份号, 密级, 紧急程度, a
// 发文机关标志 (…文件), a 文号 line (with its 签发人), an attachment's label
// (附件2), or a short line without Han characters; or several of them run
// together (see mastheadPieces).
func MastheadLine(s string) bool {
	if pieces := mastheadPieces(s); len(pieces) > 1 {
		for _, p := range pieces {
			if !mastheadLine(p) {
				return false
			}
		}
		return true
	}
	return mastheadLine(s)
}

func mastheadLine(s string) bool {
	t := page.Squeeze(s)
	n := utf8.RuneCountInString(t)
	if n == 0 || n > 60 {
		return false
	}
	if _, ok := issuerMark(s); ok {
		return true
	}
	if secrecyMark(t) != "" {
		return true
	}
	if reRegistration.MatchString(t) || reCopyNumber.MatchString(t) ||
		reUrgency.MatchString(speckEnds(t)) || reAttachLabel.MatchString(t) || reSigner.MatchString(t) {
		return true
	}
	if n <= 40 && (IsDocNumberLine(t) || looseNumberLine(t)) {
		return true
	}
	for _, r := range t {
		if unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return n <= 24
}

// Masthead reads the 版头 at the top of a document's paragraphs. It
// returns a zero Original (MastheadEnd 0) when the document does not open
// with one, as a gazette's reprint does not.
func Masthead(paras []layout.Paragraph) Original {
	var o Original
	var stacked []string // authority lines waiting for a 文件 line or a 文号
	seen := false        // a line only a 版头 prints (…文件, 文号, registration)
	end := 0
	// line reads one line of the 版头; it reports whether the 版头 goes
	// on, and held for a line kept back until a mark or 文号 follows.
	line := func(i int, raw string) (more, held bool) {
		t := page.Squeeze(raw)
		switch {
		case t == "":
		case reRegistration.MatchString(t):
			o.Registration = strings.NewReplacer(".", "-", "．", "-").Replace(reRegistration.FindStringSubmatch(t)[1])
			seen = true
		case reCopyNumber.MatchString(t) && i < 3:
			o.Copy = reCopyNumber.FindStringSubmatch(t)[1]
		case i < 3 && reCopyLead.FindString(t) == t:
			// A 份号 OCR read with a digit too many or too few: in
			// the 版头, not taken as the number.
		case secrecyMark(t) != "":
			o.Secrecy = secrecyMark(t)
		case reSecrecyLead.FindString(t) == t:
			o.Secrecy = reSecrecyLead.FindStringSubmatch(t)[1] // its term misread: the level alone
		case reUrgency.MatchString(speckEnds(t)):
			o.Urgency = speckEnds(t) // 特急- : a speck beside it read as a dash
		case reAttachLabel.MatchString(t) && i == 0:
			// An attachment sent on its own: its label heads it.
			seen = true
		case noise(t):
			// Speckle, or a piece of a red heading, read as a character
			// or two.
		default:
			names, ok := issuerMark(raw)
			if !ok && (len(stacked) > 0 || i <= 1) {
				names, ok = misreadMark(raw)
			}
			if ok {
				o.Issuers = append(o.Issuers, stacked...)
				o.Issuers = append(o.Issuers, names...)
				stacked, seen = nil, true
				break
			}
			if num, signers, ok := numberLine(raw); ok {
				if len(num) > 0 && !o.HasNumber {
					o.DocNumber, o.HasNumber = num[0], true
				}
				o.Signers = append(o.Signers, signers...)
				// Authorities stacked straight above the 文号 are the
				// mark of a letter-form original (…办公厅 over its 函).
				o.Issuers = append(o.Issuers, stacked...)
				stacked, seen = nil, true
				break
			}
			if a := speckEnds(t); authorityLike(a) && len(stacked) < 12 {
				stacked = append(stacked, splitIssuers(a)...)
				return true, true // counted in the 版头 only once a mark or 文号 follows
			}
			if len(o.Issuers) == 0 && !o.HasNumber && len(stacked) == 0 && unreadMark(paras[i:], t) {
				// The mark read past knowing: a 版头 whose issuers are
				// read elsewhere (the title, the signature). Only 版头
				// lines stand above it, if any (a registration number,
				// a 紧急程度).
				seen, o.unreadMark = true, t
				break
			}
			if !seen && i == 0 && len(stacked) == 0 && utf8.RuneCountInString(t) <= 24 && strings.ContainsAny(t, "0123456789") && hanCount(t) <= 4 {
				// The first line misread past reading (加急“2019-095 for
				// 加急　LJFG-2019-095): a 版头 only if a mark follows.
				return true, true
			}
			return false, false // the title, or the text: the 版头 is over
		}
		return true, false
	}
	for i := 0; i < len(paras) && i < maxMastheadScan; i++ {
		more, held := true, false
		for _, piece := range mastheadPieces(strings.TrimSpace(paras[i].Text)) {
			if more, held = line(i, piece); !more {
				break
			}
		}
		if !more {
			break
		}
		if !held {
			end = i + 1
		}
	}
	if !seen {
		return Original{}
	}
	o.MastheadEnd = end
	o.Issuers = dedupe(o.Issuers)
	return o
}

var (
	// reCopyLead is a 份号 that a scan's paragraph runs on into the mark
	// under it: six digits, or as many as OCR makes of them (60060258,
	// 00258).
	reCopyLead = regexp.MustCompile(`^(?:份号|份號|No\.?)?[:：]?[0-9]{5,8}`)
	// reSecrecyLead is a 密级 so run on (机密★5年广东省…文件), its ★ perhaps
	// read as a character and its 年 lost (机密友5广东省…文件); a character
	// after the level is taken only with the term after it.
	reSecrecyLead = regexp.MustCompile(`^[^\p{Han}]{0,2}(绝密|絕密|机密|機密|秘密)(?:(?:[★*☆]|\p{Han})?(?:[0-9]{1,2}|[一二三四五六七八九十]{1,3})(?:年|个月|個月)?)?`)
	reUrgencyLead = regexp.MustCompile(`^(?:特急|加急)`)
)

// mastheadPieces splits a paragraph that runs several lines of a 版头
// together, as layout joins them on a scan where it cannot tell them
// apart (000258 over 澜江省人民政府文件 over 澜府〔2013〕26号 read as one
// paragraph): the 份号, 密级 or 紧急程度 before the 发文机关标志 or the
// registration number, the mark up to its 文件, and the 文号 line or the
// issuers stacked below the 文件 after it. A paragraph that is not such a
// run, every piece read as what it is, comes back whole.
func mastheadPieces(raw string) []string {
	t := page.Squeeze(raw)
	i := strings.Index(t, "文件")
	if i < 0 {
		// The 份号, 密级 or 紧急程度 set on the registration number's line
		// (加急 left, LJFG-2019-095 right) and read as one.
		for _, re := range []*regexp.Regexp{reCopyLead, reSecrecyLead, reUrgencyLead} {
			if m := re.FindString(t); m != "" && reRegistration.MatchString(t[len(m):]) {
				return []string{m, t[len(m):]}
			}
		}
	}
	if i < 0 || utf8.RuneCountInString(t) > 80 {
		return []string{raw}
	}
	var pieces []string
	head, rest := t[:i+len("文件")], t[i+len("文件"):]
	for _, re := range []*regexp.Regexp{reCopyLead, reSecrecyLead, reUrgencyLead} {
		if m := re.FindString(head); m != "" && m != head {
			pieces = append(pieces, m)
			head = head[len(m):]
		}
	}
	if names, ok := issuerMark(head); !ok || len(names) == 0 {
		return []string{raw}
	}
	pieces = append(pieces, head)
	if rest != "" {
		// The 文号 line, or the last of three or more issuers stacked
		// beside one 文件 (set against the middle of the stack).
		if _, _, ok := numberLine(rest); !ok && !authorityLike(rest) {
			return []string{raw}
		}
		pieces = append(pieces, rest)
	}
	if len(pieces) == 1 {
		return []string{raw}
	}
	return pieces
}

// MastheadEnd returns how many paragraphs at the top of paras are an
// original's 版头 (see Masthead); 0 for none.
func MastheadEnd(paras []layout.Paragraph) int { return Masthead(paras).MastheadEnd }

// noise reports whether a line (squeezed) at the top of a scan is a stray
// mark read as text: one or two characters, or three without a Han one;
// never the 文件 of a stacked mark.
func noise(t string) bool {
	n := utf8.RuneCountInString(t)
	// 一 and 丨 are what OCR reads a dash or a bar of speckle as.
	return t != "文件" && (n <= 2 || n <= 3 && !strings.ContainsFunc(t, func(r rune) bool { return unicode.Is(unicode.Han, r) && r != '一' && r != '丨' }))
}

// reMisreadNumber is a 文号 line of a 版头 whose 号 OCR misread or lost:
// the agency, the year in brackets as OCR reads them, the serial and one
// character at most.
var reMisreadNumber = regexp.MustCompile(`^(\p{Han}{1,10})[〔\[【(（［{]{1,2}((?:19|20)[0-9]{2})[〕\]】)）］}]{1,2}([0-9]{1,5})[^0-9号號]?$`)

// numberLine reads a 文号 line of a 版头, with the 签发人 set beside it
// (粤教考〔2015〕14号　　签发人：张三　李四) or on its own line.
func numberLine(raw string) (nums []DocNumber, signers []string, ok bool) {
	numPart := raw
	m := reSigner.FindStringSubmatchIndex(raw)
	loose := false
	if m == nil {
		if m = reMisreadSigner.FindStringSubmatchIndex(raw); m != nil {
			m[0] += len("号") // the 号 ends the number
			loose = true
		}
	}
	if m != nil {
		numPart = raw[:m[0]]
		// Names are set apart by spaces; on a scan a gap may read as a
		// quote or a stray mark.
		for _, f := range strings.FieldsFunc(raw[m[2]:m[3]], func(r rune) bool {
			return unicode.IsSpace(r) || strings.ContainsRune("、，,；;“”\"'‘’|。.", r)
		}) {
			signers = append(signers, gluedNames(f)...)
		}
		if strings.TrimSpace(numPart) == "" {
			return nil, signers, true
		}
	}
	t := page.Squeeze(numPart)
	if ds, isLine := docNumberLine(t); isLine {
		return ds, signers, true
	}
	if loose {
		return nil, nil, false // a misread label counts only after a 文号
	}
	if looseNumberLine(t) {
		return []DocNumber{{Raw: t, Canonical: t}}, signers, true
	}
	if m := reMisreadNumber.FindStringSubmatch(t); m != nil {
		// Its 号 misread (澜府〔【2013] 26与): read as printed where the
		// rest makes a 文号; the reading stays in Raw.
		if n, err := gazette.ParseDocNumber(m[1] + "〔" + m[2] + "〕" + m[3] + "号"); err == nil && n.Kind == gazette.DocNumberRegular {
			return []DocNumber{{Raw: t, Canonical: n.String()}}, signers, true
		}
	}
	if len(signers) > 0 {
		// The 签发人 stands only on the 文号's line: this is it, though
		// its number was misread past reading.
		return nil, signers, true
	}
	return nil, nil, false
}

// surnames are the commonest Chinese surnames (the hundred most borne,
// as the Ministry of Public Security's yearly name reports rank them),
// and compound surnames the two-character ones still met.
const surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"

var compoundSurnames = []string{"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐", "端木", "西门"}

// gluedNames splits a run of names whose spaces a scan lost (何东姜胜 for
// 何东　姜胜) into the names of two or three characters it can only be:
// the one way to cut it where every name after the first begins with a
// common surname. A run of three characters or fewer, a compound surname's
// name, and a run cut two ways or none stay as read.
func gluedNames(run string) []string {
	rs := []rune(run)
	if len(rs) < 4 || !allHan(run) || slices.ContainsFunc(compoundSurnames, func(c string) bool { return strings.HasPrefix(run, c) && len(rs) <= 4 }) {
		return []string{run}
	}
	var ways [][]string
	var cut func(at int, names []string)
	cut = func(at int, names []string) {
		if len(ways) > 1 {
			return
		}
		if at == len(rs) {
			ways = append(ways, slices.Clone(names))
			return
		}
		if at > 0 && !strings.ContainsRune(surnames, rs[at]) {
			return
		}
		for n := 2; n <= 3 && at+n <= len(rs); n++ {
			cut(at+n, append(names, string(rs[at:at+n])))
		}
	}
	cut(0, nil)
	if len(ways) != 1 {
		return []string{run}
	}
	return ways[0]
}

// hanCount is the number of Han characters in s.
func hanCount(s string) int {
	n := 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			n++
		}
	}
	return n
}

func dedupe(names []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range names {
		if n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// splitNames splits a list of authorities at the commas, semicolons and
// full stops between them (GB/T 9704 separates 抄送 and 主送 names with
// commas, groups of them with full stops; a 、 joins names within one
// entry, 市中级法院、市检察院, and stays).
func splitNames(s string) []string {
	s = strings.TrimRight(strings.TrimSpace(s), "。．.")
	var out []string
	depth := 0
	start := 0
	for i, r := range s {
		switch r {
		case '（', '(':
			depth++
		case '）', ')':
			depth = max(0, depth-1)
		case '，', ',', '；', ';', '。':
			if depth == 0 {
				if p := strings.TrimSpace(s[start:i]); p != "" {
					out = append(out, p)
				}
				start = i + utf8.RuneLen(r)
			}
		}
	}
	if p := strings.TrimSpace(s[start:]); p != "" {
		out = append(out, p)
	}
	return dedupe(out)
}

// Recipients reads the 主送机关 from the first paragraph after a title:
// the names before the colon that opens the text (各市、县（区）人民政府，
// 省人民政府各部门：), which may run on into the text's first sentence.
// It returns nil when the paragraph does not open so.
func Recipients(text string) []string {
	t := page.Squeeze(text)
	i := strings.IndexAny(t, "：:")
	if i <= 0 || utf8.RuneCountInString(t[:i]) > 200 {
		return nil
	}
	_, w := utf8.DecodeRuneInString(t[i:])
	head, rest := t[:i], t[i+w:]
	if strings.ContainsAny(head, "。；;《》“”") {
		return nil
	}
	if rest != "" && utf8.RuneCountInString(rest) <= 30 && !strings.ContainsAny(rest, "，。；") {
		return nil // a label and its value (预算主管部门：…司法局), not the 主送
	}
	names := splitNames(head)
	for k, n := range names {
		names[k] = pairBrackets(n)
		if !recipientLike(names[k]) {
			return nil
		}
	}
	return names
}

// openMisreads are what a scan reads the opening bracket of a qualifier
// as (各市、县〈区）教育局).
const openMisreads = "〈<【[［"

// pairBrackets writes a bracket a scan misread as the one it pairs with:
// an opening mark that nothing of its own kind closes, before a closing
// parenthesis, is the parenthesis that opens it (〈区） → （区）); one
// just before the opening parenthesis is that parenthesis read twice.
func pairBrackets(n string) string {
	cl := strings.IndexAny(n, "）)")
	if cl < 0 {
		return n
	}
	op := strings.LastIndexAny(n[:cl], openMisreads+"（(")
	if op < 0 {
		return openLost(n, cl)
	}
	r, w := utf8.DecodeRuneInString(n[op:])
	if !strings.ContainsRune(openMisreads, r) {
		// The opening parenthesis read twice, once as another mark
		// (县〈(区)): the mark goes.
		if b, bw := utf8.DecodeLastRuneInString(n[:op]); op > 0 && strings.ContainsRune(openMisreads, b) {
			return n[:op-bw] + n[op:]
		}
		return n
	}
	_, cw := utf8.DecodeRuneInString(n[cl:])
	return n[:op] + "（" + n[op+w:cl] + "）" + n[cl+cw:]
}

// openLost puts back the opening bracket a scan lost before the closing
// one at cl of a qualifier of units (县市、区) for 县（市、区）, 县区) for
// 县（区）): the units of one character each, 、 between them, that stand
// before it; the unit they qualify stays outside. Anything else is left
// as read.
func openLost(n string, cl int) string {
	rs := []rune(n[:cl])
	i := len(rs) // where the qualifier starts
	for i > 0 && strings.ContainsRune(qualifierUnits, rs[i-1]) {
		i--
		if i < 2 || rs[i-1] != '、' {
			break
		}
		i-- // the 、 before the unit: another unit comes before it
	}
	if i == len(rs) || i == 0 || !strings.ContainsRune(qualifierUnits, rs[i-1]) || rs[i] == '、' {
		return n
	}
	_, cw := utf8.DecodeRuneInString(n[cl:])
	return string(rs[:i]) + "（" + string(rs[i:]) + "）" + n[cl+cw:]
}

// qualifierUnits are the units a bracketed qualifier of a 主送 lists.
const qualifierUnits = "市区县州旗镇街乡盟"

// recipientLike reports whether a 主送 entry names addressees: authorities,
// or groups of them (各直属机构, 市政府各部门, 有关单位, 各镇（街）).
func recipientLike(n string) bool {
	if authorityLike(n) || strings.HasPrefix(n, "各") || strings.HasPrefix(n, "有关") {
		return true
	}
	t := trimQualifier(n)
	r, _ := utf8.DecodeLastRuneInString(t)
	return utf8.RuneCountInString(t) <= 40 && !strings.ContainsAny(t, "，。：:；《》") && strings.ContainsRune("门構构位业區区县縣市镇鎮乡鄉村街员員", r)
}

// reNoteLabel is a label of a 附注 (联系人, 联系电话) whose colon a scan read
// as a semicolon or a comma: the label's name or number follows it.
var reNoteLabel = regexp.MustCompile(`(联系人|联系电话|电话|传真|联系方式)[；;，,]`)

// Note returns the 附注 among paras (the text after the signature): a
// remark set in brackets, （此件公开发布）, （备注：…）, (联系人：…), or a
// 公开方式 line.
func Note(paras []layout.Paragraph) string {
	for _, p := range paras {
		t := page.Squeeze(p.Text)
		n := utf8.RuneCountInString(t)
		if n < 4 || n > 200 {
			continue
		}
		open, w := utf8.DecodeRuneInString(t)
		last, _ := utf8.DecodeLastRuneInString(strings.TrimRight(t, "。"))
		if (open == '（' || open == '(') && (last == '）' || last == ')') {
			return reNoteLabel.ReplaceAllString(t, "$1：")
		}
		if strings.ContainsRune(noteOpenMisreads, open) && (last == '）' || last == ')') && n <= 40 &&
			!strings.ContainsAny(t[w:], "（(《》") && hanCount(t) >= 3 {
			// Its opening bracket misread (《此件主动公开）, \此件不予公开）):
			// the bracket it pairs with.
			return "（" + t[w:]
		}
		if (open == '（' || open == '(') && strings.HasPrefix(t[w:], "此件") && n <= 20 &&
			!strings.ContainsAny(t[w:], "（()）《》") && unicode.Is(unicode.Han, last) {
			// Its closing bracket lost (（此件依申请公开: a scan's thin ）
			// at the end of a short line): the remark on publishing
			// that GB/T 9704 prints in brackets.
			return t + string(closing[open])
		}
		if strings.HasPrefix(t, "公开方式") || strings.HasPrefix(t, "公开属性") || strings.HasPrefix(t, "信息公开选项") {
			return t
		}
	}
	return ""
}

// closing pairs a 附注's opening bracket with its closing one.
var closing = map[rune]rune{'（': '）', '(': ')'}

// noteOpenMisreads are what a scan reads the opening bracket of a 附注
// as: another bracket, or a slash or bar its curve made.
const noteOpenMisreads = "《〈<【[［{｛\\/|丨"

// registrationIn finds a registration number inside a note (本规范性文件…
// 编号为DGSJYJ-2015-002).
func registrationIn(s string) string {
	if !strings.Contains(s, "编号") && !strings.Contains(s, "登记号") && !strings.Contains(s, "編號") && !strings.Contains(s, "登記號") {
		return ""
	}
	return reRegistrationIn.FindString(s)
}
