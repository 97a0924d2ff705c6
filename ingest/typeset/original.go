package typeset

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/gazette-archive/gazette/gazette"
)

// origForm is the kind of original.
type origForm int

const (
	origFile   origForm = iota // XX文件: a document sent down
	origDecree                 // XX令 第N号: a rule promulgated by decree
	origReport                 // a request or report sent up (上行文), with 签发人
)

// attachModel is one attachment (附件N) of an original.
type attachModel struct {
	title string
	paras []para
}

// origModel is an agency's original (GB/T 9704-2012) ready to be set.
type origModel struct {
	form origForm
	prov Province
	// The marks above the heading; regRight sets the registration number
	// at the right margin.
	registration, copyNo, secrecy, urgency string
	regRight                               bool
	masthead                               []string // issuers, one line each; or the decree's XX人民政府令
	suffix                                 string   // 文件, or "" (decree)
	numLine                                string   // under the masthead: 澜政〔2019〕14号, 第138号
	numPrint                               string   // the 文号 that names the document
	signers                                []string // 签发人 (report)
	title                                  string
	kind                                   gazette.Kind
	auth                                   []string
	recipients                             []string
	addressee                              string
	body                                   []para // 正文, validity included
	signatory                              string // decree: 省长　张三
	stamp                                  bool   // a red signature stamp over the signatory's name
	seal                                   bool
	signed                                 gazette.Date
	dateText                               string
	note                                   string
	annex                                  []para // a measure printed after the notice without a 附件 label (title first)
	attachments                            []attachModel
	cc                                     []string
	printedBy                              string
	printedOn                              gazette.Date
	eff, exp                               gazette.Date
	pageStyle                              string
}

// newOriginalPlan composes one original and lays it out.
func newOriginalPlan(ctx context.Context, opts Options) (*plan, error) {
	rng := rand.New(rand.NewPCG(opts.Seed, 0x0219ba1))
	c, err := newComposer(ctx, rng, opts.Source, gbkEncodable)
	if err != nil {
		return nil, err
	}
	m, err := c.original()
	if err != nil {
		return nil, err
	}
	f := opts.Font
	if f == nil {
		f, _ = LoadFont() // seals then carry no rim text
	}
	o := newOrigSetter(m, f, opts.FakeBold, rand.New(rand.NewPCG(opts.Seed, 0x5ea1)))
	o.set()
	// Most originals come from a word processor, digits and Latin letters
	// in Times New Roman.
	if o.rng.IntN(5) != 0 {
		for _, p := range o.pages {
			p.latin = true
		}
	}
	pl := &plan{sheets: o.pages, title: m.title, date: m.signed}
	pl.truth = o.truth(opts)
	return pl, nil
}

// original composes one original from the source.
func (c *composer) original() (*origModel, error) {
	p := c.is.prov
	o := &origModel{prov: p, pageStyle: []string{"— %d —", "—%d—", "- %d -"}[c.rng.IntN(3)]}
	var err error
	switch r := c.rng.IntN(100); {
	case r < 18:
		err = c.decree(o)
	case r < 30:
		err = c.report(o)
	default:
		err = c.file(o)
	}
	if err != nil {
		return nil, err
	}
	o.printedOn = addDays(o.signed, c.rng.IntN(5))
	if o.form != origDecree {
		// 份号, 密级 and 紧急程度: rare in published documents.
		if c.rng.IntN(10) == 0 {
			o.copyNo = fmt.Sprintf("%06d", 1+c.rng.IntN(300))
		}
		if c.rng.IntN(25) == 0 {
			o.secrecy = []string{"秘密★1年", "机密★5年", "秘密"}[c.rng.IntN(3)]
		}
		if c.rng.IntN(8) == 0 {
			o.urgency = []string{"特急", "加急"}[c.rng.IntN(2)]
		}
	}
	return o, nil
}

func (c *composer) fill(s string, year int) string {
	p := c.is.prov
	return strings.NewReplacer("{P}", p.Name, "{L}", p.Level, "{G}", p.Gov(), "{Y}", fmt.Sprint(year)).Replace(s)
}

// file composes a document sent down: a notice, opinion or measure of the
// government, its office or one or several departments.
func (c *composer) file(o *origModel) error {
	p := c.is.prov
	s := []Slot{SlotGovernment, SlotGovernment, SlotOffice, SlotDepartment, SlotDepartment, SlotDepartment}[c.rng.IntN(6)]
	m, signed, err := c.material(s)
	if err != nil {
		return err
	}
	o.form, o.signed = origFile, signed
	authority := p.Gov()
	switch {
	case s == SlotOffice:
		authority = p.Office()
	case m.Authority != "":
		authority = m.Authority
	}
	o.auth = []string{authority}
	if s == SlotDepartment && c.rng.IntN(5) < 2 {
		// 联合发文: two to five departments.
		for _, i := range c.rng.Perm(len(builtinDepartments))[:1+c.rng.IntN(4)] {
			if other := p.Name + builtinDepartments[i].name; other != authority {
				o.auth = append(o.auth, other)
			}
		}
	}
	o.masthead, o.suffix = o.auth, "文件"
	num := m.DocNumber
	if num == "" {
		agency := m.Agency
		if agency == "" {
			agency = p.Short + []string{"政", "政文", "府"}[c.rng.IntN(3)]
			if s == SlotOffice {
				agency = p.Short + []string{"政办", "政办发", "府办"}[c.rng.IntN(3)]
			}
		}
		num = c.spellNumber(agency, o.signed.Year, c.serial(s))
	}
	o.numLine, o.numPrint = num, num
	o.title = c.titleOf(m.Title, o.auth)
	o.kind = kindOfTitle(o.title)
	o.recipients = c.recipients(s)
	o.addressee = strings.Join(o.recipients, "，") + "："
	for _, t := range m.Paragraphs {
		o.body = append(o.body, para{text: t, role: RoleBody})
	}
	d := docModel{signed: o.signed}
	validity := ""
	if o.kind == gazette.KindNormative || c.rng.IntN(2) == 0 {
		validity = c.validity(&d)
	}
	o.eff, o.exp = d.eff, d.exp
	byArticle := validity != "" && len(m.Articles) > 1 && hasArticles(m.Articles[1:])
	if validity != "" && !byArticle {
		o.body = append(o.body, para{text: validity, role: RoleBody})
	}
	if len(m.Articles) > 0 {
		closing := ""
		if byArticle {
			closing = strings.Replace(validity, "本通知", selfRef(m.Articles[0]), 1)
		}
		arts := c.articles(m.Articles[1:], closing)
		if c.rng.IntN(2) == 0 {
			o.attachments = append(o.attachments, attachModel{title: m.Articles[0], paras: arts})
		} else {
			// Printed straight after the notice, as many 印发 notices are.
			o.annex = append([]para{{text: m.Articles[0], role: RoleTitle, align: alignCenter}}, arts...)
		}
	}
	if c.rng.IntN(4) == 0 {
		o.attachments = append(o.attachments, c.contactList(o.signed.Year))
	}
	o.seal = c.rng.IntN(8) != 0
	c.closing(o, s == SlotDepartment)
	if o.kind == gazette.KindNormative && c.rng.IntN(2) == 0 {
		o.registration = c.registration(o.signed.Year)
		o.regRight = c.rng.IntN(3) != 0
	}
	return nil
}

// report composes a request or report a department sends up, with its
// 签发人 beside the 文号.
func (c *composer) report(o *origModel) error {
	p := c.is.prov
	dept := builtinDepartments[c.rng.IntN(len(builtinDepartments))]
	authority := p.Name + dept.name
	t := builtinReports[c.rng.IntN(len(builtinReports))]
	o.form = origReport
	o.signed = addDays(c.is.date, -(5 + c.rng.IntN(50)))
	year := o.signed.Year
	if strings.Contains(t.title, "情况的报告") {
		year-- // a report on the year before
	}
	o.auth = []string{authority}
	o.masthead, o.suffix = o.auth, "文件"
	// Reports carry the department's own code, without the 规 of its
	// normative documents.
	o.numPrint = c.spellNumber(p.Short+strings.TrimSuffix(dept.code, "规"), o.signed.Year, 1+c.rng.IntN(80))
	o.numLine = o.numPrint
	for range 1 + c.rng.IntN(2) {
		o.signers = append(o.signers, c.personName())
	}
	o.title = c.titleOf(authority+c.fill(t.title, year), o.auth)
	o.kind = kindOfTitle(o.title)
	o.addressee = c.fill(t.paras[0], year)
	o.recipients = []string{strings.TrimSuffix(o.addressee, "：")}
	for _, s := range t.paras[1:] {
		o.body = append(o.body, para{text: c.fill(s, year), role: RoleBody})
	}
	o.seal = true
	c.closing(o, true)
	// A request names the person to ask (GB/T 9704 7.3.6).
	o.note = fmt.Sprintf("（联系人：%s，联系电话：%s）", c.personName(), c.phone())
	if c.rng.IntN(2) == 0 {
		o.cc = nil
	}
	return nil
}

// decree composes a rule promulgated by decree: the 令 with the governor's
// or mayor's signature, then the rule.
func (c *composer) decree(o *origModel) error {
	p := c.is.prov
	m, signed, err := c.material(SlotOrder)
	if err != nil {
		return err
	}
	n := c.next[SlotOrder]
	c.next[SlotOrder]++
	o.form, o.signed, o.kind = origDecree, signed, gazette.KindRule
	o.auth = []string{p.Gov()}
	o.masthead = []string{p.Gov() + "令"}
	o.numLine = fmt.Sprintf("第%d号", n)
	o.numPrint = o.masthead[0] + o.numLine
	o.title = m.Title
	o.eff = firstOfMonth(addDays(o.signed, 30+c.rng.IntN(60)))
	meeting := addDays(o.signed, -(3 + c.rng.IntN(20)))
	o.body = []para{{text: fmt.Sprintf("《%s》已经%s%s人民政府第%d次常务会议通过，现予公布，自%s起施行。",
		m.Title, arabicDate(meeting), p.Level, 10+c.rng.IntN(120), arabicDate(o.eff)), role: RoleBody}}
	o.signatory = p.Level + "长　" + c.personName()
	o.stamp = c.rng.IntN(2) == 0
	o.annex = append([]para{{text: m.Title, role: RoleTitle, align: alignCenter}},
		c.articles(m.Articles, fmt.Sprintf("%s自%s起施行。", selfRef(m.Title), arabicDate(o.eff)))...)
	c.closing(o, false)
	o.note = ""
	return nil
}

// closing draws the date, 附注, 抄送 and 印发 of o.
func (c *composer) closing(o *origModel, department bool) {
	p := c.is.prov
	// Chinese numerals before GB/T 9704-2012, and in some offices since.
	if o.signed.Year < 2013 || c.rng.IntN(5) == 0 {
		o.dateText = o.signed.Chinese()
	} else {
		o.dateText = arabicDate(o.signed)
	}
	if c.rng.IntN(3) != 0 {
		o.note = builtinNotes[c.rng.IntN(len(builtinNotes))]
	}
	if c.rng.IntN(4) != 0 {
		for _, s := range builtinCCs[c.rng.IntN(len(builtinCCs))] {
			o.cc = append(o.cc, c.fill(s, o.signed.Year))
		}
	}
	o.printedBy = p.Office()
	if department {
		o.printedBy = o.auth[0] + "办公室"
	}
}

// titleOf prints a title with its authority (the source's titles carry
// it), without it, or with every joint issuer.
func (c *composer) titleOf(title string, auth []string) string {
	rest, ok := strings.CutPrefix(title, auth[0])
	if !ok || !strings.HasPrefix(rest, "关于") {
		return title
	}
	switch r := c.rng.IntN(10); {
	case len(auth) == 1 && r < 7:
		return title
	case len(auth) > 1 && r < 3:
		return strings.Join(auth, "　") + rest
	case len(auth) > 1 && r < 5:
		return strings.Join(auth, "、") + rest
	}
	return rest
}

// recipients draws the 主送机关 of a document sent down from slot s.
func (c *composer) recipients(s Slot) []string {
	lists := builtinRecipients[s]
	var out []string
	for _, r := range lists[c.rng.IntN(len(lists))] {
		out = append(out, c.fill(r, 0))
	}
	return out
}

// contactList is a second attachment: a list of contacts.
func (c *composer) contactList(year int) attachModel {
	p := c.is.prov
	a := attachModel{title: c.fill(builtinContactLists[c.rng.IntN(len(builtinContactLists))], year)}
	a.paras = append(a.paras, para{text: "单位　　　　姓名　　职务　　联系电话", role: RoleBody, align: alignFlush})
	for _, i := range c.rng.Perm(len(builtinDepartments))[:3+c.rng.IntN(4)] {
		post := builtinPosts[c.rng.IntN(len(builtinPosts))]
		a.paras = append(a.paras, para{text: fmt.Sprintf("%s%s　　%s　　%s　　%s", p.Name, builtinDepartments[i].name, c.personName(), post, c.phone()), role: RoleBody, align: alignFlush})
	}
	return a
}

func (c *composer) phone() string {
	return fmt.Sprintf("0%d-%d", 591+c.rng.IntN(300), 87000000+c.rng.IntN(999999))
}

// registration draws a 规范性文件 registration number in one of the forms
// provinces use: HFGS—2016—3, GZ0320150155, LJFG-2019-012.
func (c *composer) registration(year int) string {
	code := registrationCodes[c.is.prov.Name]
	if code == "" {
		code = "ZF"
	}
	n := 1 + c.rng.IntN(150)
	switch c.rng.IntN(3) {
	case 0:
		return fmt.Sprintf("%sGS—%d—%d", code, year, n)
	case 1:
		return fmt.Sprintf("%s%02d%d%04d", code, 1+c.rng.IntN(20), year, n)
	}
	return fmt.Sprintf("%sFG-%d-%03d", code, year, n)
}
