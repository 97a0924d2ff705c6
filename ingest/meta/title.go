package meta

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/ingest/layout"
	"github.com/gazette-archive/gazette/ingest/page"
)

// A title printed over two or three lines comes back from extraction in
// pieces whenever layout cannot tell the lines belong together (a title set
// narrower than the text, a scan, a page without positions): the first line
// becomes the title and the rest leaks into the text, or the text starts
// with the title again, cut in two mid-word (…关于进一步加强城 / 乡居民饮用水…).
// The functions here make the title whole once and take it out of the text;
// what they cannot settle they describe for review.

// titleEndings are the words an official document's title ends in: the
// kinds of GB/T 9704 and what gazettes print besides (laws, plans, reports,
// speeches, lists), simplified and traditional.
var titleEndings = []string{
	"通知", "通報", "通报", "决定", "決定", "意见", "意見", "办法", "辦法", "规定", "規定",
	"批复", "批復", "公告", "通告", "令", "决议", "決議", "命令", "函", "细则", "細則",
	"规则", "規則", "条例", "條例", "方案", "纲要", "綱要", "规划", "規劃", "要点", "要點",
	"公示送达", "公示送達", "报告", "報告", "答复", "答復", "议案", "議案", "指引", "标准", "標準",
	"清单", "清單", "目录", "目錄", "名单", "名單", "名录", "名錄", "法", "解释", "解釋", "规范", "規範",
	"准则", "準則", "规程", "規程", "守则", "守則", "导则", "導則", "章程", "制度", "计划", "計劃",
	"公报", "公報", "讲话", "講話", "纪要", "紀要", "说明", "說明", "指南", "请示", "請示", "建议", "建議",
	"任免", "预算", "預算", "决算", "決算", "公约", "公約", "协定", "協定", "声明", "聲明", "条款", "條款",
}

// endsAsTitle reports whether s ends as a complete title can: with a title
// word, perhaps followed by a qualifier (（试行）, （2019年修订）), or with a
// closing quote or bracket.
func endsAsTitle(s string) bool {
	s = strings.TrimRight(page.Squeeze(s), "。．.")
	if strings.HasSuffix(s, ")") || strings.HasSuffix(s, "）") {
		s = reQualifier.ReplaceAllString(s, "")
	}
	for _, w := range titleEndings {
		if strings.HasSuffix(s, w) {
			return true
		}
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune("》」』”\"〉", r)
}

// cutEnd reports the last character of title when no title can end with it:
// a particle or preposition that needs words after it (的, 关于, 第, 和), an
// opening bracket or quote, a list comma. ok is false for a title that ends
// as titles may, or with a character that proves nothing (…加强城 may be cut
// and 长城 is not: the text after it decides that, see TitleReview).
func cutEnd(title string) (r rune, ok bool) {
	r, _ = utf8.DecodeLastRuneInString(page.Squeeze(title))
	if strings.ContainsRune("的之于於和与與及或对對在第关關为為把将將从從向由以按并並暨、，,（(《〈“「‘—-", r) {
		return r, true
	}
	return r, false
}

// reLooseNumber matches a 文号 line that gazette cannot parse, most often a
// scan's misread bracket (豫政〔2022]】22号, 梧政文【2024] 14号): a year, a
// serial and 号 at the end of a short line. A heading never takes it in.
var reLooseNumber = regexp.MustCompile(`(?:19|20)[0-9]{2}[^0-9]{0,3}[0-9]{1,5}[号號][)）]?$`)

func looseNumberLine(squeezed string) bool {
	return countable(squeezed, 30) <= 30 && (strings.HasSuffix(squeezed, "号") || strings.HasSuffix(squeezed, "號") ||
		strings.HasSuffix(squeezed, ")") || strings.HasSuffix(squeezed, "）")) && reLooseNumber.MatchString(squeezed)
}

// IsRecordLine reports whether s is a line of a document's 版记, the
// record printed at its foot (GB/T 9704): the 抄送 list, or the 印发 line
// (澜江省人民政府办公厅　　2026年9月29日印发). It closes the document before
// a title, never starts one: on a page where it runs on above the next
// title, it is not the title's first line.
func IsRecordLine(s string) bool {
	t := page.Squeeze(s)
	for _, p := range []string{"抄送", "抄報", "抄报", "分送", "报送", "報送"} {
		if rest, ok := strings.CutPrefix(t, p); ok && (strings.HasPrefix(rest, "：") || strings.HasPrefix(rest, ":")) {
			return true
		}
	}
	if !strings.HasSuffix(t, "印发") && !strings.HasSuffix(t, "印發") || countable(t, maxDateLine) > maxDateLine {
		return false
	}
	return len(FindDates(t)) > 0
}

// titleRest reports whether paragraph p can be the rest of a title that
// stopped short: a short line, not a number or date line, not a sentence or
// a salutation (…各直属机构：), after which the title ends as titles do.
func titleRest(head string, p layout.Paragraph) bool {
	t := page.Squeeze(p.Text)
	n := utf8.RuneCountInString(t)
	if n == 0 || n > 40 || looseNumberLine(t) || IsDocNumberLine(t) || IsDateLine(t) {
		return false
	}
	if _, ok := orderNumber(t); ok {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(t)
	if strings.ContainsRune("。：:；;！？，,", r) {
		return false
	}
	return endsAsTitle(layout.JoinLines(head, p.Text))
}

// letters folds text for comparing titles: letters and digits only,
// full-width forms folded, so that the contents' 关于印发《…》的通知 and the
// page's 关于印发…的通知 compare equal, and so do 2019 and ２０１９.
func letters(s string) []rune {
	out := make([]rune, 0, len(s)/3)
	for _, r := range s {
		if r >= '！' && r <= '～' {
			r = r - '！' + '!'
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			out = append(out, r)
		}
	}
	return out
}

func hasRunePrefix(s, prefix []rune) bool {
	if len(prefix) > len(s) {
		return false
	}
	for i, r := range prefix {
		if s[i] != r {
			return false
		}
	}
	return true
}

// maxTitleParagraphs is the most paragraphs one printed title is found in:
// three lines, each a paragraph of its own when none was joined.
const maxTitleParagraphs = 3

// TitleParagraphs returns the paragraphs [from, to) near the start of a
// document's text that print its title, whole or cut into pieces (…关于进一步
// 加强城 / 乡居民饮用水水源保护工作的通知): the text without them does not
// repeat the title. The title is looked for at the very start, or under the
// 版头 of an original (registration number, 发文机关标志 …文件, 文号 line),
// which stays in the text. from == to when the title is not printed there
// exactly, so a 令, whose rule title comes after the promulgation, keeps all
// its text, and so does a document whose title came from elsewhere (the
// contents) and is not printed at its top; and when nothing would be left.
func TitleParagraphs(title string, paras []layout.Paragraph) (from, to int) {
	want := letters(title)
	if len(want) == 0 {
		return 0, 0
	}
	for from = 0; from < len(paras) && from <= maxMastheadParagraphs; from++ {
		if to := titleAt(want, paras, from); to > from {
			return from, to
		}
		if !MastheadLine(paras[from].Text) && !strayLine(page.Squeeze(paras[from].Text)) {
			break
		}
	}
	return 0, 0
}

// maxMastheadParagraphs is the most paragraphs of a 版头 passed over
// before the title: registration number, 份号, 密级, 紧急程度, the
// authority's mark and the 文号.
const maxMastheadParagraphs = 5

// titleAt returns the end of the paragraphs from i that print exactly the
// title (folded by letters), or i.
func titleAt(want []rune, paras []layout.Paragraph, i int) int {
	var got []rune
	for k := i; k < len(paras) && k < i+maxTitleParagraphs; k++ {
		if countable(paras[k].Text, 2*len(want)) > 2*len(want) {
			return i
		}
		got = append(got, letters(paras[k].Text)...)
		if !hasRunePrefix(want, got) {
			return i
		}
		if len(got) == len(want) {
			if k+1 == len(paras) {
				return i
			}
			return k + 1
		}
	}
	return i
}

// TitleReview says why a person should look at a document's title, or ""
// when nothing is amiss. body is the document's text without its title
// (see TitleParagraphs). It names a title that ends with a character no
// title ends with (的, 第, 关于), a text that opens with the title's first or
// last part, and a title that stops short with its rest apparently set as
// the first line of the text. Reasons are in Chinese, for the editors.
func TitleReview(title string, body []layout.Paragraph) string {
	if page.Squeeze(title) == "" {
		return "没有读出标题"
	}
	if r, ok := cutEnd(title); ok {
		return fmt.Sprintf("标题以“%c”结尾，疑似不完整", r)
	}
	if len(body) == 0 {
		return ""
	}
	first := page.Squeeze(body[0].Text)
	if utf8.RuneCountInString(first) > 40 || IsDocNumberLine(first) || IsDateLine(first) {
		return ""
	}
	want, got := letters(title), letters(first)
	// A piece of the title, long enough not to be words that titles and
	// texts share (an authority's name, 通知): the first of two or three
	// lines holds two fifths of it or more, the last a third or more.
	piece := len(got) >= 4 && len(got) < len(want)
	switch {
	case piece && 5*len(got) >= 2*len(want) && hasRunePrefix(want, got):
		return fmt.Sprintf("正文开头“%s”重复了标题的前一部分，疑似标题断行", first)
	case piece && 3*len(got) >= len(want) && hasRunePrefix(want[len(want)-len(got):], got):
		return fmt.Sprintf("正文开头“%s”是标题的后一部分，疑似标题断行", first)
	case !endsAsTitle(title) && titleRest(title, body[0]):
		return fmt.Sprintf("标题疑似被截断：正文开头“%s”像是标题的下一行", first)
	}
	return ""
}

// SplitSalutation separates the 主送 line from a title that layout joined
// it to: on a scan the salutation's type can read as large as the title's,
// and its line is then taken for the title's last
// (…管理办法的通知各设区的市、县（市、区）有关部门，省直有关单位：), or the
// whole opening runs into one paragraph (…的通知各市教育局：为全面实施…).
// In the first heading paragraph near the top, a salutation is a run of
// addressees that ends in a colon (or the semicolon OCR often reads for
// it, or a comma that ends the paragraph, or nothing: the paragraph's end)
// right after the last title word
// before it: each name reads as an authority or a group of them, the first
// most plainly (各…, 有关…, an authority's name). The title, the
// salutation and any text after it become paragraphs of their own; paras
// is returned as it is when no such paragraph is found, and the parts keep
// every character.
func SplitSalutation(paras []layout.Paragraph) []layout.Paragraph {
	for i := 0; i < len(paras) && i <= maxMastheadParagraphs+maxTitleParagraphs; i++ {
		p := paras[i]
		if !p.Heading && p.Align != layout.AlignCentre || p.Align == layout.AlignIndent {
			// An indented paragraph opens the text, however large a scan
			// read its type: no title, nor a title with its 主送, starts so.
			continue
		}
		text := strings.TrimRightFunc(p.Text, unicode.IsSpace)
		for end, r := range text {
			end += utf8.RuneLen(r)
			last := end == len(text)
			if !strings.ContainsRune("：:；;", r) && !(last && strings.ContainsRune("，,", r)) && !last {
				continue
			}
			cut := text[:end]
			if last && !strings.ContainsRune("：:；;，,", r) {
				cut += "：" // the colon lost on a scan: addressees to the paragraph's end
			}
			title, rest, ok := cutSalutation(cut)
			if !ok {
				continue
			}
			rest = rest[:len(rest)-(len(cut)-end)]
			head, tail := p, p
			head.Text, tail.Text = title, rest
			tail.Heading, tail.Align, tail.Lines = false, layout.AlignLeft, 1
			head.PageEnd = head.Page
			out := append(slices.Clip(paras[:i]), head, tail)
			if body := strings.TrimSpace(text[end:]); body != "" {
				b := tail
				b.Text, b.PageEnd = body, p.PageEnd
				out = append(out, b)
			}
			return append(out, paras[i+1:]...)
		}
		if k := lostColon(text, titled); k > 0 {
			// The colon lost mid-paragraph, the text run on after the
			// addressees: split where the text opens.
			title, rest, _ := cutSalutation(text[:k] + "：")
			head, tail, b := p, p, p
			head.Text, tail.Text, b.Text = title, rest[:len(rest)-len("：")], strings.TrimSpace(text[k:])
			tail.Heading, tail.Align, tail.Lines = false, layout.AlignLeft, 1
			b.Heading, b.Align = false, layout.AlignLeft
			head.PageEnd, tail.PageEnd = head.Page, head.Page
			out := append(slices.Clip(paras[:i]), head, tail, b)
			return append(out, paras[i+1:]...)
		}
		if i == 0 || !endsAsTitle(paras[i-1].Text) {
			continue
		}
		if k := lostColon(text, salutation); k > 0 {
			// The same under a title of its own: a heading paragraph
			// that opens with the 主送 (its type read large) and runs on
			// into the text.
			tail, b := p, p
			tail.Text, b.Text = strings.TrimSpace(text[:k]), strings.TrimSpace(text[k:])
			tail.Heading, tail.Align, tail.Lines, tail.PageEnd = false, layout.AlignLeft, 1, p.Page
			b.Heading, b.Align = false, layout.AlignLeft
			out := append(slices.Clip(paras[:i]), tail, b)
			return append(out, paras[i+1:]...)
		}
	}
	return paras
}

// titled reports whether s, ending in a salutation's mark, is a title
// and the addressees after it (see cutSalutation).
func titled(s string) bool {
	_, _, ok := cutSalutation(s)
	return ok
}

// textOpeners are the words the 正文 of a document opens with after its
// 主送 (为全面实施…, 根据…, 经省人民政府同意, 现将…, 《…》已经…, 你市…),
// none of them a part of an authority's name (经 alone is: 经济).
var textOpeners = []string{"《", "为", "根据", "按照", "依据", "依照", "经省", "经市", "经县", "经区", "经研究", "现将", "现就", "现印发", "现予",
	"近年来", "近期", "当前", "鉴于", "随着", "你省", "你市", "你县", "你区", "你单位", "你们"}

// maxLostColon bounds (in bytes) where lostColon looks for the text's
// opening: a title and a 主送 of some 200 characters.
const maxLostColon = 600

// lostColon returns where the text opens in a paragraph that runs a
// 主送 whose colon a scan lost on into the text (…的通知各设区的市人民政府，
// …各高等院校《泽安省…》已经…): the end of the first run that reads as
// addressees (fits, given the run with a colon after it: salutation, or
// titled for a title run on into its 主送) and that a text opener follows,
// with a sentence after it; 0 for none. The first, not the longest: a
// name that begins with 各 runs on as far as it likes.
func lostColon(text string, fits func(string) bool) int {
	for k := range text {
		if k > maxLostColon {
			break // a 主送 is never that long: the rest is text
		}
		if k == 0 || !slices.ContainsFunc(textOpeners, func(w string) bool { return strings.HasPrefix(text[k:], w) }) ||
			!strings.ContainsAny(text[k:], "，。") {
			continue
		}
		if fits(strings.TrimSpace(text[:k]) + "：") {
			return k
		}
	}
	return 0
}

// reOrderHead is a 令's heading run on into its number, and perhaps more:
// 河南省人民政府令第104号《…》已经…通过 (squeezed).
var reOrderHead = regexp.MustCompile(`^(\p{Han}{2,30}令)(第[0-9〇零一二三四五六七八九十百]{1,6}[号號])(.*)$`)

// SplitOrderHeading separates a 令's heading (XX人民政府令), its number
// (第N号) and what follows, where layout joined them into one heading
// paragraph (a scan whose number line sits close under the heading), or
// the number and the text into the one after the heading's: read as one,
// the heading ran on into the text and the number was no line of its own. Nothing else changes; the parts keep every character but the
// spaces between them.
func SplitOrderHeading(paras []layout.Paragraph) []layout.Paragraph {
	for i := 0; i < len(paras) && i <= maxMastheadParagraphs; i++ {
		// Heading or not as layout saw it: the pattern itself, a bare
		// heading with its number, is a 令's and no sentence's.
		at, p := i, paras[i] // at: the heading's paragraph
		t := page.Squeeze(p.Text)
		if i > 0 && strings.HasPrefix(t, "第") && bareHeading(paras[i-1].Text) && strings.HasSuffix(page.Squeeze(paras[i-1].Text), "令") {
			t = page.Squeeze(paras[i-1].Text) + t // the heading a paragraph of its own, its number run on into the text
			at, p = i-1, paras[i-1]
		}
		m := reOrderHead.FindStringSubmatch(t)
		if m == nil || !bareHeading(m[1]) {
			continue // no 令's heading: a title that names one (关于贯彻…令第12号的通知)
		}
		head, number, rest := p, p, p
		head.Text, number.Text, rest.Text = m[1], m[2], m[3]
		head.PageEnd, number.PageEnd = head.Page, number.Page
		number.Lines, rest.Lines = 1, 1
		rest.Heading, rest.Align = false, layout.AlignLeft
		out := append(slices.Clip(paras[:at]), head, number)
		if rest.Text != "" {
			out = append(out, rest)
		}
		return append(out, paras[i+1:]...) // paras[i]: the number's paragraph, taken apart with its heading's where at < i
	}
	return paras
}

// cutSalutation splits text, which ends in a salutation's mark, after the
// last title word that leaves addressees (salutation) behind.
func cutSalutation(text string) (title, rest string, ok bool) {
	_, w := utf8.DecodeLastRuneInString(text)
	for k := len(text) - w; k > 0; {
		_, w := utf8.DecodeLastRuneInString(text[:k])
		k -= w
		title, rest := strings.TrimSpace(text[:k]), strings.TrimSpace(text[k:])
		if title != "" && endsAsTitle(title) && salutation(rest) {
			return title, rest, true
		}
	}
	return "", "", false
}

// addressees reports whether line (squeezed), under a title that ends as
// titles do, is the 主送 whose colon a scan lost (各设区的市人民政府，…，
// 各高等院校): addressees only, more than one or a group (各…), no line
// that itself ends a title; or the first line of such a 主送 wrapped
// over two.
func addressees(title, line string) bool {
	if !endsAsTitle(title) || endsAsTitle(line) || !strings.HasPrefix(line, "各") && !strings.ContainsAny(line, "，,、") {
		return false
	}
	if salutation(strings.TrimRight(line, "，,") + "：") {
		return true
	}
	// The first line of a 主送 wrapped over two (…，省人民政府各半 / 门、…):
	// addressees up to one of its commas, the last that makes them; or a
	// 主送 that lost its colon, the text run on after it (各市、县（区）
	// 人民政府，省人民政府各部门、各直属机构、为了…，…).
	for i := len(line); ; {
		i = strings.LastIndexAny(line[:i], "，,")
		if i <= 0 {
			return false
		}
		_, w := utf8.DecodeRuneInString(line[i:])
		if salutation(line[:i+w]) {
			return true
		}
	}
}

// salutation reports whether s (ending in its colon, or a semicolon or
// comma read for one) names the addressees of a document, and only them.
func salutation(s string) bool {
	t := page.Squeeze(s)
	r, w := utf8.DecodeLastRuneInString(t)
	t = t[:len(t)-w]
	if !strings.ContainsRune("：:；;，,", r) || t == "" || strings.ContainsAny(t, "：:。《》“”") {
		return false
	}
	names := splitNames(t)
	if len(names) == 0 {
		return false
	}
	first := names[0]
	if !authorityLike(first) && !strings.HasPrefix(first, "各") && !strings.HasPrefix(first, "有关") {
		return false
	}
	for _, n := range names {
		if !recipientLike(n) {
			return false
		}
	}
	return true
}
