package typeset

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/gazette-archive/gazette/gazette"
)

// align is how a paragraph's lines sit in the text width.
type align int

const (
	alignIndent align = iota // first line indented two characters, lines justified
	alignFlush               // no indent (addressee, 抄送), lines justified
	alignCenter
	alignRight // signature lines, two characters in from the right edge
)

// para is one paragraph of a document as it will be set.
type para struct {
	text  string
	role  Role
	align align
	scale float64 // font size relative to the body size; 0 means 1
	gap   float64 // blank space before, in body lines
}

// docModel is a document ready to be set.
type docModel struct {
	section  string
	kind     gazette.Kind
	title    string
	numPrint string // 文号 as printed; "" none
	numLine  string // the line it is printed on, e.g. （闽政〔2019〕14号）
	heading  []string
	auth     []string
	signed   gazette.Date
	eff, exp gazette.Date
	paras    []para
}

// issueModel is an issue ready to be set.
type issueModel struct {
	prov        Province
	name        string // 澜江省人民政府公报
	publisher   string
	year, num   int
	total       int
	date        gazette.Date
	docs        []docModel
	bodySize    float64
	pageStyle   string // dash, hyphen, plain
	pageOuter   bool   // page numbers at the outer corner instead of centred
	frontMatter string // none, roman, running, all
	firstPage   int    // printed number of the first body page ("running")
	tocNumbers  bool   // 目录 entries carry the 文号
	leader      string // dot leader character
	bodyBanners bool   // section banners also printed in the body
}

// composer draws an issue from a source.
type composer struct {
	ctx  context.Context
	rng  *rand.Rand
	src  Source
	is   *issueModel
	gbk  func(string) bool // whether every rune can be set in every encoding
	next [numSlots]int     // next serial number per slot
	// titles already used in the issue
	titles map[string]bool
}

func newComposer(ctx context.Context, rng *rand.Rand, src Source, encodable func(string) bool) (*composer, error) {
	prov, d, err := src.Province(ctx, rng)
	if err != nil {
		return nil, fmt.Errorf("typeset: source %s: %w", src.Name(), err)
	}
	num := (int(d.Month)-1)*2 + 1
	if d.Day > 15 {
		num++
	}
	is := &issueModel{
		prov:        prov,
		name:        prov.Gov() + "公报",
		publisher:   prov.Office(),
		year:        d.Year,
		num:         num,
		total:       (d.Year-1995)*24 + num + rng.IntN(40),
		date:        d,
		bodySize:    []float64{10.5, 12}[rng.IntN(2)],
		pageStyle:   []string{"dash", "hyphen", "plain"}[rng.IntN(3)],
		pageOuter:   rng.IntN(3) == 0,
		frontMatter: []string{"none", "roman", "running", "all"}[rng.IntN(4)],
		tocNumbers:  rng.IntN(2) == 0,
		leader:      []string{"…", "."}[rng.IntN(2)],
		bodyBanners: rng.IntN(2) == 0,
	}
	if is.frontMatter == "running" {
		is.firstPage = 1 + (num-1)*(30+rng.IntN(30))
	}
	c := &composer{ctx: ctx, rng: rng, src: src, is: is, gbk: encodable, titles: map[string]bool{}}
	for s := range c.next {
		c.next[s] = 1 + rng.IntN(60)
	}
	c.next[SlotOrder] = 100 + rng.IntN(200)
	return c, nil
}

// slots draws the slots of n documents, in section order.
func (c *composer) slots(n int) []Slot {
	counts := [numSlots]int{}
	counts[SlotOrder] = c.rng.IntN(3)
	counts[SlotAppointment] = c.rng.IntN(3)
	for i := counts[SlotOrder] + counts[SlotAppointment]; i < n; i++ {
		counts[[]Slot{SlotGovernment, SlotGovernment, SlotOffice, SlotOffice, SlotDepartment}[c.rng.IntN(5)]]++
	}
	var out []Slot
	for s := range numSlots {
		for range counts[s] {
			out = append(out, s)
		}
	}
	return out[:min(n, len(out))]
}

func (c *composer) sectionName(s Slot) string {
	l := c.is.prov.Level
	return [...]string{l + "政府令", l + "政府文件", l + "政府办公厅文件", "部门文件", "人事任免"}[s]
}

// document composes one document for slot.
func (c *composer) document(s Slot) (docModel, error) {
	m, signed, err := c.material(s)
	if err != nil {
		return docModel{}, err
	}
	d := docModel{section: c.sectionName(s), title: m.Title, signed: signed}
	p := c.is.prov
	switch s {
	case SlotOrder:
		c.order(&d, m)
	case SlotAppointment:
		c.appointment(&d, m)
	default:
		authority := p.Gov()
		switch {
		case s == SlotOffice:
			authority = p.Office()
		case m.Authority != "":
			authority = m.Authority
		}
		c.notice(&d, m, s, authority)
	}
	return d, nil
}

// material draws the texts of one document for slot from the source, and
// its signing date (the source's, or one shortly before the issue).
func (c *composer) material(s Slot) (Material, gazette.Date, error) {
	var m Material
	for try := 0; ; try++ {
		var err error
		m, err = c.src.Material(c.ctx, c.rng, c.is.prov, s, c.is.date)
		if err != nil {
			return m, gazette.Date{}, fmt.Errorf("typeset: source %s: %w", c.src.Name(), err)
		}
		// Titles repeat within an issue only when the source runs out.
		if c.settable(m) && (!c.titles[m.Title] || try >= 12) {
			break
		}
		if try == 40 {
			return m, gazette.Date{}, fmt.Errorf("typeset: source %s: no settable text for slot %d in 40 tries", c.src.Name(), s)
		}
	}
	signed := m.Signed
	if signed.IsZero() || signed.Compare(c.is.date) > 0 {
		signed = addDays(c.is.date, -(5 + c.rng.IntN(50)))
	}
	c.titles[m.Title] = true
	return m, signed, nil
}

// settable reports whether every text of m can be set in every encoding.
func (c *composer) settable(m Material) bool {
	for _, s := range append(append([]string{m.Title, m.DocNumber}, m.Articles...), m.Paragraphs...) {
		if !c.gbk(s) {
			return false
		}
	}
	return m.Title != ""
}

func (c *composer) order(d *docModel, m Material) {
	p := c.is.prov
	n := c.next[SlotOrder]
	c.next[SlotOrder]++
	d.kind = gazette.KindRule
	d.auth = []string{p.Gov()}
	d.heading = []string{p.Gov() + "令", fmt.Sprintf("第%d号", n)}
	d.numPrint = d.heading[0] + d.heading[1]
	d.eff = firstOfMonth(addDays(d.signed, 30+c.rng.IntN(60)))
	meeting := addDays(d.signed, -(3 + c.rng.IntN(20)))
	d.paras = append(d.paras,
		para{text: fmt.Sprintf("《%s》已经%s%s人民政府第%d次常务会议通过，现予公布，自%s起施行。",
			m.Title, arabicDate(meeting), p.Level, 10+c.rng.IntN(120), arabicDate(d.eff)), role: RoleBody},
		para{text: p.Level + "长　" + c.personName(), role: RoleSignature, align: alignRight, gap: 1},
		para{text: c.dateText(d.signed), role: RoleSignature, align: alignRight},
		para{text: m.Title, role: RoleTitle, align: alignCenter, scale: 1.3, gap: 1.5},
	)
	d.paras = append(d.paras, c.articles(m.Articles, fmt.Sprintf("%s自%s起施行。", selfRef(m.Title), arabicDate(d.eff)))...)
}

// articles renumbers 第X条 paragraphs (and 第X章 headings) and appends a
// final article with closing, when closing is not "".
func (c *composer) articles(in []string, closing string) []para {
	var out []para
	art, chap := 0, 0
	for _, a := range in {
		switch {
		case strings.HasPrefix(a, "第") && articleHead(a, '章') != "":
			chap++
			out = append(out, para{text: "第" + gazette.ChineseNumber(chap) + "章" + a[len(articleHead(a, '章')):],
				role: RoleBody, align: alignCenter, gap: 0.5})
		case strings.HasPrefix(a, "第") && articleHead(a, '条') != "":
			art++
			out = append(out, para{text: "第" + gazette.ChineseNumber(art) + "条" + a[len(articleHead(a, '条')):], role: RoleBody})
		default:
			out = append(out, para{text: a, role: RoleBody})
		}
	}
	if closing != "" && art > 0 {
		art++
		out = append(out, para{text: "第" + gazette.ChineseNumber(art) + "条　" + closing, role: RoleBody})
	}
	return out
}

// articleHead returns the 第X条 (or 第X章) prefix of s, "" if none.
func articleHead(s string, unit rune) string {
	rest, ok := strings.CutPrefix(s, "第")
	if !ok {
		return ""
	}
	for i, r := range rest {
		if r == unit && i > 0 {
			return s[:len("第")+i+utf8.RuneLen(r)]
		}
		if !strings.ContainsRune("〇零一二三四五六七八九十百千", r) {
			return ""
		}
	}
	return ""
}

func (c *composer) notice(d *docModel, m Material, s Slot, authority string) {
	p := c.is.prov
	d.kind = kindOfTitle(m.Title)
	d.auth = []string{authority}
	if s == SlotDepartment && c.rng.IntN(4) == 0 {
		other := p.Name + builtinDepartments[c.rng.IntN(len(builtinDepartments))].name
		if other != authority {
			d.auth = append(d.auth, other) // 联合发文
		}
	}
	num := m.DocNumber
	if num == "" {
		agency := m.Agency
		if agency == "" {
			agency = p.Short + []string{"政", "政文", "府"}[c.rng.IntN(3)]
			if s == SlotOffice {
				agency = p.Short + []string{"政办", "政办发", "府办"}[c.rng.IntN(3)]
			}
		}
		num = c.spellNumber(agency, d.signed.Year, c.serial(s))
	}
	d.numPrint = num
	d.numLine = num
	if c.rng.IntN(3) == 0 && !strings.Contains(num, "（") {
		d.numLine = "（" + num + "）"
	}
	addressee := "各市、县（区）人民政府，" + p.Level + "人民政府各部门、各直属机构："
	if s == SlotDepartment {
		addressee = "各设区的市、县（市、区）有关部门，" + p.Level + "直有关单位："
	}
	d.paras = append(d.paras, para{text: addressee, role: RoleBody, align: alignFlush})
	for _, t := range m.Paragraphs {
		d.paras = append(d.paras, para{text: t, role: RoleBody})
	}
	normative := d.kind == gazette.KindNormative
	validity := ""
	if normative || c.rng.IntN(2) == 0 {
		validity = c.validity(d)
	}
	// A measure set out in articles states its own 施行 in a last article;
	// otherwise the notice says it.
	byArticle := validity != "" && len(m.Articles) > 1 && hasArticles(m.Articles[1:])
	if validity != "" && !byArticle {
		d.paras = append(d.paras, para{text: validity, role: RoleBody})
	}
	for i, a := range d.auth {
		d.paras = append(d.paras, para{text: a, role: RoleSignature, align: alignRight, gap: float64(2 - min(i, 1)*2)})
	}
	d.paras = append(d.paras, para{text: c.dateText(d.signed), role: RoleSignature, align: alignRight})
	if c.rng.IntN(2) == 0 {
		d.paras = append(d.paras, para{text: "（此件主动公开）", role: RoleBody})
	}
	if len(m.Articles) > 0 {
		d.paras = append(d.paras, para{text: m.Articles[0], role: RoleTitle, align: alignCenter, scale: 1.2, gap: 1.5})
		closing := ""
		if byArticle {
			closing = strings.Replace(validity, "本通知", selfRef(m.Articles[0]), 1)
		}
		d.paras = append(d.paras, c.articles(m.Articles[1:], closing)...)
	}
	if c.rng.IntN(3) == 0 {
		l := p.Level
		d.paras = append(d.paras,
			para{text: "抄送：" + l + "委各部门，" + l + "人大常委会办公厅，" + l + "政协办公厅，" + l + "法院，" + l + "检察院。", role: RoleCC, align: alignFlush, gap: 1.5},
			para{text: p.Office() + "　　" + arabicDate(addDays(d.signed, 1+c.rng.IntN(3))) + "印发", role: RoleCC, align: alignFlush},
		)
	}
}

// validity writes the 施行 and 有效期 sentence and sets d's dates.
func (c *composer) validity(d *docModel) string {
	switch c.rng.IntN(3) {
	case 0:
		d.eff = d.signed
		years := 2 + c.rng.IntN(4)
		d.exp = addDays(addYears(d.eff, years), -1)
		return fmt.Sprintf("本通知自印发之日起施行，有效期%d年。", years)
	case 1:
		d.eff = firstOfMonth(addDays(d.signed, 20+c.rng.IntN(40)))
		d.exp = addDays(addYears(d.eff, 5), -1)
		return fmt.Sprintf("本通知自%s起施行，有效期至%s。", arabicDate(d.eff), arabicDate(d.exp))
	}
	d.eff = d.signed
	return "本通知自印发之日起施行。"
}

func (c *composer) appointment(d *docModel, m Material) {
	p := c.is.prov
	d.kind = gazette.KindAppointment
	d.auth = []string{p.Gov()}
	if c.rng.IntN(2) == 0 {
		d.numPrint = c.spellNumber(p.Short+"政人", d.signed.Year, c.serial(SlotAppointment))
		d.numLine = d.numPrint
	}
	d.paras = append(d.paras, para{text: "各市、县（区）人民政府，" + p.Level + "人民政府各部门、各直属机构：", role: RoleBody, align: alignFlush})
	for _, t := range m.Paragraphs {
		d.paras = append(d.paras, para{text: t, role: RoleBody})
	}
	d.paras = append(d.paras,
		para{text: p.Gov(), role: RoleSignature, align: alignRight, gap: 2},
		para{text: c.dateText(d.signed), role: RoleSignature, align: alignRight})
}

func (c *composer) serial(s Slot) int {
	n := c.next[s]
	c.next[s] += 1 + c.rng.IntN(4)
	return n
}

// spellNumber prints a 文号 with one of the bracket spellings found in
// real documents; the GB/T 9704 〔〕 most often.
func (c *composer) spellNumber(agency string, year, serial int) string {
	br := [][2]string{{"〔", "〕"}, {"〔", "〕"}, {"〔", "〕"}, {"〔", "〕"}, {"[", "]"}, {"（", "）"}, {"［", "］"}, {"【", "】"}}[c.rng.IntN(8)]
	s := fmt.Sprintf("%s%s%d%s%d号", agency, br[0], year, br[1], serial)
	if _, err := gazette.NormalizeDocNumber(s); err != nil {
		return fmt.Sprintf("%s〔%d〕%d号", agency, year, serial)
	}
	return s
}

// dateText prints a signature date in Chinese numerals or Arabic digits.
func (c *composer) dateText(d gazette.Date) string {
	if c.rng.IntN(5) < 3 {
		return d.Chinese()
	}
	return arabicDate(d)
}

func (c *composer) personName() string {
	s := string(builtinSurnames[c.rng.IntN(len(builtinSurnames))])
	for range 1 + c.rng.IntN(2) {
		s += string(builtinGiven[c.rng.IntN(len(builtinGiven))])
	}
	return s
}

// kindOfTitle classifies a document by the end of its title, as the
// gazette's own 目录 conventions do.
func kindOfTitle(t string) gazette.Kind {
	switch {
	case strings.Contains(t, "任免"):
		return gazette.KindAppointment
	case strings.HasSuffix(t, "决定"), strings.HasSuffix(t, "批复"), strings.HasSuffix(t, "命令"):
		return gazette.KindDecision
	case strings.HasSuffix(t, "公告"), strings.HasSuffix(t, "通告"):
		return gazette.KindAnnouncement
	case strings.HasSuffix(t, "通知"), strings.HasSuffix(t, "通报"):
		if strings.Contains(t, "印发") {
			return gazette.KindNormative
		}
		return gazette.KindNotice
	case strings.HasSuffix(t, "意见"), strings.HasSuffix(t, "办法"), strings.HasSuffix(t, "规定"),
		strings.HasSuffix(t, "细则"), strings.HasSuffix(t, "方案"):
		return gazette.KindNormative
	}
	return gazette.KindOther
}

// gbkEncodable reports whether s can be set in GBK: every GBK-era
// encoding carries it, and its BMP runes have Adobe-GB1 CIDs.
func gbkEncodable(s string) bool {
	enc := simplifiedchinese.GBK.NewEncoder()
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r > 0xFFFF {
			return false
		}
		if r < 0x80 {
			continue
		}
		if _, err := enc.String(string(r)); err != nil {
			return false
		}
	}
	return true
}

func monthOf(m int) time.Month { return time.Month(m) }

func addDays(d gazette.Date, n int) gazette.Date {
	return gazette.DateOf(d.Time(time.UTC).AddDate(0, 0, n))
}

func addYears(d gazette.Date, n int) gazette.Date {
	return gazette.DateOf(d.Time(time.UTC).AddDate(n, 0, 0))
}

// hasArticles reports whether any paragraph is a 第X条 article.
func hasArticles(ps []string) bool {
	for _, p := range ps {
		if articleHead(p, '条') != "" {
			return true
		}
	}
	return false
}

// selfRef is how a measure names itself in its own text: 本办法, 本规定.
func selfRef(title string) string {
	for _, suffix := range []string{"办法", "规定", "细则", "措施", "方案", "条例", "规则", "意见"} {
		if strings.HasSuffix(title, suffix) {
			return "本" + suffix
		}
	}
	return "本办法"
}

func firstOfMonth(d gazette.Date) gazette.Date {
	if d.Day == 1 {
		return d
	}
	t := time.Date(d.Year, d.Month+1, 1, 0, 0, 0, 0, time.UTC)
	return gazette.DateOf(t)
}

// arabicDate prints 2019年4月28日.
func arabicDate(d gazette.Date) string {
	return fmt.Sprintf("%d年%d月%d日", d.Year, int(d.Month), d.Day)
}
