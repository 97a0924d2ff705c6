package split

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/ingest/layout"
	"github.com/gazette-archive/gazette/ingest/meta"
	"github.com/gazette-archive/gazette/ingest/page"
)

// kindWords end the titles of official documents (公文种类, GB/T 9704 and
// common practice), in simplified and traditional forms.
var kindWords = []string{
	"通知", "通報", "通报", "决定", "決定", "意见", "意見", "办法", "辦法", "规定", "規定",
	"批复", "批復", "公告", "通告", "令", "决议", "決議", "命令", "函", "书函", "書函",
	"细则", "細則", "规则", "規則", "条例", "條例", "方案", "纲要", "綱要", "规划", "規劃",
	"要点", "要點", "公示送达", "公示送達", "报告", "報告", "答复", "答復", "议案", "議案",
	"指引", "标准", "標準", "清单", "清單", "目录", "目錄", "名单", "名單",
}

var (
	// 令 headings: 福建省人民政府令 (第208号 on its own line or after it).
	reOrderHead = regexp.MustCompile(`令(?:[(（]?第[0-9一二三四五六七八九十百零〇]{1,6}[号號][)）]?)?$`)
	reOrderNo   = regexp.MustCompile(`^[(（]?第[0-9一二三四五六七八九十百零〇]{1,6}[号號][)）]?$`)
	// An attachment label: 附件, 附件2, 附件：.
	reAttachment = regexp.MustCompile(`^附\s*件\s*[0-9一二三四五六七八九十]{0,3}\s*[:：]?`)
	// Trailing qualifiers after a title's kind word: （试行）, （草案）, （2019年修订）.
	reQualifier = regexp.MustCompile(`[(（][^()（）]{1,12}[)）]$`)
)

// maxTitleRunes is the longest title paragraph taken for a document start.
const maxTitleRunes = 90

// endsWithKind reports whether a title ends with a document kind word.
func endsWithKind(s string) bool {
	s = strings.TrimRight(page.Squeeze(s), "。．.")
	if strings.HasSuffix(s, ")") || strings.HasSuffix(s, "）") { // what reQualifier needs
		s = reQualifier.ReplaceAllString(s, "")
	}
	for _, w := range kindWords {
		if strings.HasSuffix(s, w) {
			return true
		}
	}
	return false
}

// isOrderHeading reports whether paragraph i is a 令 heading.
func (s *scanner) isOrderHeading(i int) bool {
	t := s.info[i].squeezed
	if s.info[i].runes > 30 || !endsOrderHead(t) || !reOrderHead.MatchString(t) {
		return false
	}
	if strings.Contains(t, "第") {
		return true
	}
	return i+1 < len(s.paras) && s.info[i+1].runes <= 12 && reOrderNo.MatchString(s.info[i+1].squeezed)
}

// endsOrderHead reports whether t ends as reOrderHead needs (令, 号 or a
// bracket): the pattern tries every position.
func endsOrderHead(t string) bool {
	r, _ := utf8.DecodeLastRuneInString(t)
	return r == '令' || r == '号' || r == '號' || r == ')' || r == '）'
}

// shape marks banners and start-shaped paragraphs.
func (s *scanner) shape() {
	n := len(s.paras)
	s.banner = make([]string, n)
	s.cand = make([]bool, n)
	s.prevBanner = make([]int, n)
	prev := -1
	for i, p := range s.paras {
		s.prevBanner[i] = prev
		t := s.info[i].squeezed
		if s.info[i].runes > 24 {
			continue // banners are short: spare the patterns the body
		}
		if m := reBanner.FindStringSubmatch(t); m != nil {
			s.banner[i] = m[1]
		} else if (p.Heading || p.Align == layout.AlignCentre) && isBannerWord(t, s.sections) && !s.issuerMark(i) {
			s.banner[i] = t
		}
		if s.banner[i] != "" {
			prev = i
		}
	}
	quotes := map[string]bool{}
	addQuotes := func(text string) {
		for _, m := range meta.Quoted(text) {
			// Outermost quotes: the rule 《云南省实施《…》办法》 names,
			// not the law it implements.
			q := string(normal(m.Text))
			if n := utf8.RuneCountInString(q); n >= 4 && n <= 120 {
				quotes[q] = true
			}
		}
	}
	for i, p := range s.paras {
		if s.skip[p.Page] || s.banner[i] != "" {
			continue
		}
		if s.looksLikeStart(i) && !s.isAttachment(i, quotes) {
			switch {
			case i > 0 && s.cand[i-1]:
				// The second line of a wrapped title that was not
				// merged (rough positions, no sizes).
			case s.titleFragment(i - 1):
				s.cand[i-1] = true
			default:
				s.cand[i] = true
			}
			quotes = map[string]bool{}
		}
		addQuotes(p.Text)
	}
}

// looksLikeStart reports whether paragraph i has the shape of a document's
// first line.
func (s *scanner) looksLikeStart(i int) bool {
	p := s.paras[i]
	t, runes := s.info[i].squeezed, s.info[i].runes
	if runes < 2 || runes > maxTitleRunes || s.info[i].number || s.info[i].date {
		return false
	}
	if s.isOrderHeading(i) {
		return true
	}
	// Without positions a title is a short paragraph that is not a sentence.
	titleLike := p.Heading || p.Align == layout.AlignCentre ||
		p.Align == layout.AlignLeft && runes <= 40 && !strings.HasSuffix(t, "。") && !strings.HasSuffix(t, "：")
	if !titleLike || !endsWithKind(t) && !strings.Contains(t, "关于") && !strings.Contains(t, "關於") {
		return false
	}
	return s.numberNear(i) || s.afterEnd(i)
}

// numberNear reports whether a 文号 or date line follows paragraph i within
// a few short paragraphs (a wrapped title, the 文号, the date).
func (s *scanner) numberNear(i int) bool {
	for k := i + 1; k < len(s.paras) && k <= i+4; k++ {
		if s.info[k].number || s.info[k].date {
			return true
		}
		if s.info[k].runes > maxTitleRunes {
			return false
		}
	}
	return false
}

// afterEnd reports whether paragraph i follows the end of a document (a
// date line, perhaps with a note such as （此件公开发布） after it, or the
// 版记's 抄送 and 印发 lines), a section banner, or nothing at all.
func (s *scanner) afterEnd(i int) bool {
	k := i - 1
	for k >= 0 && s.skip[s.paras[k].Page] {
		k--
	}
	if k < 0 || s.banner[k] != "" {
		return true
	}
	t := s.info[k].squeezed
	if (strings.HasPrefix(t, "（") || strings.HasPrefix(t, "(")) && s.info[k].runes <= 16 && k > 0 {
		k--
	}
	return s.info[k].date || s.info[k].record
}

// isAttachment reports whether paragraph i is the title of something
// attached to the document before it: after an 附件 label, or the title
// that document quotes (关于印发《…办法》的通知 followed by the 办法).
func (s *scanner) isAttachment(i int, quotes map[string]bool) bool {
	if s.isOrderHeading(i) {
		return false
	}
	for k := i - 1; k >= 0 && k >= i-2; k-- {
		if reAttachment.MatchString(strings.TrimSpace(s.paras[k].Text)) {
			return true
		}
	}
	t := string(s.info[i].norm)
	for q := range quotes {
		// The quoted title itself, perhaps with a qualifier after it;
		// a title that merely mentions it (关于修改《…》的决定) is not.
		if strings.HasPrefix(t, q) && utf8.RuneCountInString(t)-utf8.RuneCountInString(q) <= 20 {
			return true
		}
	}
	return false
}

// issuerMark reports whether paragraph i, a heading ending in 文件, is the
// 发文机关标志 of an original (惠州市人民政府文件) rather than a section
// banner (省政府文件): the 文号 follows it straight away, perhaps after a
// 签发人 line.
func (s *scanner) issuerMark(i int) bool {
	if !strings.HasSuffix(s.info[i].squeezed, "文件") {
		return false
	}
	for k := i + 1; k < len(s.paras) && k <= i+2; k++ {
		if s.info[k].number || meta.MastheadLine(s.paras[k].Text) && !strings.HasSuffix(s.info[k].squeezed, "文件") {
			return true
		}
	}
	return false
}

// isBannerWord reports whether a heading without brackets is a section
// banner: a section the contents name, or a short heading ending as
// section names do (…篇, …文件, 人事任免).
func isBannerWord(t string, sections map[string]bool) bool {
	if sections[string(normal(t))] {
		return true
	}
	if utf8.RuneCountInString(t) > 12 {
		return false
	}
	for _, suf := range []string{"篇", "文件", "任免"} {
		if strings.HasSuffix(t, suf) {
			return true
		}
	}
	return false
}

// titleFragment reports whether paragraph i is the first line of a title
// that layout could not join to the next: short, on the same page, not a
// sentence, a date, a number, a banner or a signature.
func (s *scanner) titleFragment(i int) bool {
	if i < 0 || i+1 >= len(s.paras) || s.banner[i] != "" || s.skip[s.paras[i].Page] {
		return false
	}
	p := s.paras[i]
	t := s.info[i].squeezed
	if p.Page != s.paras[i+1].Page || p.Align == layout.AlignRight || s.info[i].runes > 40 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(t)
	if strings.ContainsRune("。；：！？，、)）」》\"”", r) || s.info[i].date || s.info[i].number || s.info[i].record {
		return false // a sentence, or a line that closes the document before
	}
	// A title goes after the end of a document, or straight after its
	// 文号 where the 版头 prints it above the title (GB/T 9704).
	return !endsWithKind(t) && (s.afterEnd(i) || i > 0 && s.info[i-1].number)
}
