package typeset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/page"
	"github.com/gazette-archive/gazette/ingest/typeset/ttf"
)

// mm is a millimetre in points.
const mm = 72 / 25.4

// Sizes of GB/T 9704-2012 in points: 2号 titles, 4号 版记 and page numbers.
const (
	titleSize = 22.0
	smallSize = 14.0
)

// gbGeometry is the GB/T 9704-2012 page: a 版心 of 156 × 225 mm, 37 mm
// from the top and 28 mm from the left edge, 3号 text in 22 lines of 28
// characters.
func gbGeometry() geometry {
	tw := 156 * mm
	top := 37 * mm
	return geometry{
		size: math.Floor(tw/28*100) / 100, lh: 225 * mm / 22,
		left: 28 * mm, tw: tw, top: top, bottom: top + 225*mm + 0.01, tlead: 1.32,
	}
}

// origSetter sets an original onto pages and records its truth.
type origSetter struct {
	*bodySetter
	m        *origModel
	font     *ttf.Font
	rng      *rand.Rand
	heading  []string // truth: 版头 and title lines
	mast     []string // truth: the masthead's lines
	paras    []string // truth: every later paragraph
	attPages []int    // first page (0-based) of each attachment
}

func newOrigSetter(m *origModel, f *ttf.Font, fakeBold bool, rng *rand.Rand) *origSetter {
	return &origSetter{bodySetter: &bodySetter{g: gbGeometry(), fakeBold: fakeBold}, m: m, font: f, rng: rng}
}

// put sets a line at (x, baseline y) without moving on, and returns its
// index on the current page.
func (o *origSetter) put(text string, x, y, size float64, role Role) int {
	p := o.cur()
	p.Lines = append(p.Lines, Line{Line: page.Line{Text: text, X: round2(x), Y: round2(y), W: round2(width(text, size)), Size: size}, Role: role})
	return len(p.Lines) - 1
}

// style marks line i of the current page red and heavy, scaled to tz%
// and spaced by tc, and fixes its width.
func (o *origSetter) style(i int, red, heavy bool, tz, tc float64) {
	p := o.cur()
	l := &p.Lines[i]
	n := len([]rune(l.Text))
	l.W = round2(width(l.Text, l.Size)*tz/100 + tc*float64(max(n-1, 0)))
	if red {
		if p.red == nil {
			p.red = map[int]bool{}
		}
		p.red[i] = true
	}
	if heavy {
		if p.heavy == nil {
			p.heavy = map[int]bool{}
		}
		p.heavy[i] = true
	}
	if tz != 100 {
		if p.tzs == nil {
			p.tzs = map[int]float64{}
		}
		p.tzs[i] = tz
	}
	if tc != 0 {
		p.tc(i, tc)
	}
}

// set lays the original out.
func (o *origSetter) set() {
	m, g := o.m, o.g
	o.break_(0)
	o.marks()
	y := o.masthead()
	// The 文号 two lines under the masthead; a report has its 签发人 beside.
	y += 2.6 * g.lh
	if m.form == origReport {
		o.put(m.numLine, g.left+g.size, y, g.size, RoleDocNumber)
		o.heading = append(o.heading, m.numLine)
		signer := "签发人：" + strings.Join(m.signers, "　")
		o.put(signer, g.left+g.tw-g.size-width(signer, g.size), y, g.size, RoleSigner)
		o.heading = append(o.heading, signer)
	} else {
		o.put(m.numLine, g.left+(g.tw-width(m.numLine, g.size))/2, y, g.size, RoleDocNumber)
		o.heading = append(o.heading, m.numLine)
	}
	if m.form == origDecree {
		// The decree's text two lines under its number.
		o.y = y + g.lh
		o.body(m.body)
		o.signature()
	} else {
		// The red rule 4 mm under the 文号; the title two lines under it.
		ry := y + 4*mm + 0.25*g.size
		if o.rng.IntN(3) == 0 {
			o.cur().rules = append(o.cur().rules, rule{g.left, ry, g.left + g.tw, ry, 2.2, true},
				rule{g.left, ry + 3, g.left + g.tw, ry + 3, 0.6, true})
			ry += 3
		} else {
			o.cur().rules = append(o.cur().rules, rule{g.left, ry, g.left + g.tw, ry, 1.1, true})
		}
		o.y = ry + 1.6*g.lh
		o.title(m.title, RoleTitle, true)
		o.y += 0.6 * g.lh
		o.flush(m.addressee)
		o.body(m.body)
		o.attachmentNote()
		o.signature()
	}
	if m.note != "" {
		o.paragraph(para{text: m.note, role: RoleBody, gap: 1}, 0)
		o.paras = append(o.paras, m.note)
	}
	if len(m.annex) > 0 {
		o.break_(0)
		o.title(m.annex[0].text, RoleTitle, false)
		o.y += 0.5 * g.lh
		o.body(m.annex[1:])
	}
	for i, a := range m.attachments {
		o.break_(0)
		o.cur().Kind = "attachment"
		o.attPages = append(o.attPages, len(o.pages)-1)
		label := "附件"
		if len(m.attachments) > 1 {
			label = fmt.Sprint("附件", i+1)
		}
		o.line(label, g.left, g.size, 0, RoleAttachment, false, 0, g.lh)
		o.paras = append(o.paras, label)
		o.y += 0.6 * g.lh
		o.title(a.title, RoleTitle, false)
		o.y += 0.5 * g.lh
		o.body(a.paras)
	}
	o.record()
	o.pageNumbers()
}

// marks sets 份号, 密级, 紧急程度 at the top left and the registration
// number at the top, left or right.
func (o *origSetter) marks() {
	m, g := o.m, o.g
	var left []string
	for _, s := range []string{m.copyNo, m.secrecy, m.urgency} {
		if s != "" {
			left = append(left, s)
		}
	}
	n := len(left)
	if m.registration != "" {
		n = max(n, 1)
	}
	for i := range n {
		y := g.top + float64(i+1)*g.lh
		if i < len(left) {
			o.put(left[i], g.left, y, g.size, RoleMark)
			o.heading = append(o.heading, left[i])
		}
		if i == 0 && m.registration != "" {
			x := g.left
			if m.regRight || len(left) > 0 {
				x = g.left + g.tw - width(m.registration, g.size)
			}
			o.put(m.registration, x, y, g.size, RoleMark)
			o.heading = append(o.heading, m.registration)
		}
		o.y = y
	}
}

// masthead sets the red 发文机关标志 and returns the baseline of its last
// line: its top 35 mm under the top of the text block (80 mm for reports
// sent up, 20 mm for decrees), issuers stacked and justified to one width
// with 文件 beside them in the middle.
func (o *origSetter) masthead() float64 {
	m, g := o.m, o.g
	top := g.top + 35*mm
	switch m.form {
	case origReport:
		top = g.top + 80*mm
	case origDecree:
		top = g.top + 20*mm
	}
	top = math.Max(top, o.y+0.5*g.lh)
	maxW := g.tw * 0.94
	if len(m.masthead) == 1 {
		text := m.masthead[0] + m.suffix
		n := float64(len([]rune(text)))
		size := 44 + float64(o.rng.IntN(12))
		tz, tc := 100.0, 0.0
		switch w := n * size; {
		case w > maxW:
			tz = math.Max(58, maxW/w*100)
			size = math.Min(size, maxW/(n*tz/100))
		case w < g.tw*0.62 && o.rng.IntN(2) == 0:
			tc = math.Min(size*0.5, (g.tw*0.8-w)/(n-1)) // 东 莞 市 人 民 政 府 令
		}
		w := n*size*tz/100 + tc*(n-1)
		y := top + size*0.88
		i := o.put(text, g.left+(g.tw-w)/2, y, size, RoleHeading)
		o.style(i, true, true, tz, tc)
		o.heading = append(o.heading, text)
		o.mast = append(o.mast, text)
		return y
	}
	size := 30 + float64(o.rng.IntN(8))
	sfx := width(m.suffix, size)
	gap := size * 0.4
	capW := maxW - sfx - gap
	nameW := 0.0
	for _, a := range m.masthead {
		nameW = math.Max(nameW, width(a, size))
	}
	nameW = math.Min(nameW, capW)
	x0 := g.left + (g.tw-(nameW+gap+sfx))/2
	pitch := size * 1.22
	type item struct {
		text   string
		x, y   float64
		tz, tc float64
	}
	var items []item
	for k, a := range m.masthead {
		n := float64(len([]rune(a)))
		w := width(a, size)
		it := item{text: a, x: x0, y: top + size*0.88 + float64(k)*pitch, tz: 100}
		if w > nameW {
			it.tz = nameW / w * 100
		} else if n > 1 {
			it.tc = (nameW - w) / (n - 1)
		}
		items = append(items, it)
	}
	// 文件 in the middle of the stack; in reading order after the line on
	// (or just above) its baseline.
	mid := (items[0].y + items[len(items)-1].y) / 2
	if len(items)%2 == 0 {
		mid += size * 0.3
	}
	at := 0
	for k, it := range items {
		if it.y <= mid+0.5 {
			at = k
		}
	}
	items = append(items[:at+1], append([]item{{text: m.suffix, x: x0 + nameW + gap, y: mid, tz: 100}}, items[at+1:]...)...)
	for _, it := range items {
		i := o.put(it.text, it.x, it.y, size, RoleHeading)
		o.style(i, true, true, it.tz, it.tc)
		o.heading = append(o.heading, it.text)
		o.mast = append(o.mast, it.text)
	}
	return items[len(items)-1].y
}

// title sets a title in 2号 over one to three balanced lines, heavy;
// inHeading puts its lines in the truth's heading, else in the paragraphs.
func (o *origSetter) title(text string, role Role, inHeading bool) {
	p0, n0 := len(o.pages), len(o.cur().Lines)
	lines := o.centered(text, titleSize, o.g.tw-titleSize, role, o.fakeBold, 0)
	for pg := p0 - 1; pg < len(o.pages); pg++ {
		start := 0
		if pg == p0-1 {
			start = n0
		}
		p := o.pages[pg]
		for i := start; i < len(p.Lines); i++ {
			if p.heavy == nil {
				p.heavy = map[int]bool{}
			}
			p.heavy[i] = true
		}
	}
	if inHeading {
		o.heading = append(o.heading, lines...)
	} else {
		o.paras = append(o.paras, text)
	}
}

// flush sets a paragraph without indent (the addressee).
func (o *origSetter) flush(text string) {
	o.paragraph(para{text: text, role: RoleBody, align: alignFlush}, 0)
	o.paras = append(o.paras, text)
}

// body sets paragraphs as they come.
func (o *origSetter) body(ps []para) {
	for _, p := range ps {
		if p.role == RoleTitle {
			o.y += o.g.lh * 0.5
			o.title(p.text, RoleTitle, false)
			o.y += o.g.lh * 0.3
			continue
		}
		o.paragraph(p, 0)
		o.paras = append(o.paras, p.text)
	}
}

// attachmentNote sets the 附件说明 one line under the text: 附件：1．…,
// the later items aligned under the first.
func (o *origSetter) attachmentNote() {
	g, atts := o.g, o.m.attachments
	if len(atts) == 0 {
		return
	}
	o.y += g.lh
	for i, a := range atts {
		text := "附件：" + a.title
		x, rest := g.left+2*g.size, g.left+5*g.size
		if len(atts) > 1 {
			text = fmt.Sprintf("%d．%s", i+1, a.title)
			if i == 0 {
				text = "附件：" + text
			} else {
				x = rest
			}
			rest += 2 * g.size
		}
		o.hanging(text, x, rest, g.size, RoleBody, g.lh)
		o.paras = append(o.paras, text)
	}
}

// hanging sets text from x, its later lines from rest, at the right margin.
func (o *origSetter) hanging(text string, x, rest, size float64, role Role, lh float64) {
	g := o.g
	right := g.left + g.tw
	for k, l := range breakText(text, size, right-x, right-rest) {
		if k > 0 {
			x = rest
		}
		o.line(l, x, size, 0, role, false, 0, lh)
	}
}

// signature sets the issuers' names and the date, right, with a red seal
// pressed over each name (the last one over the date too); or a decree's
// signatory with a red signature stamp.
func (o *origSetter) signature() {
	m, g := o.m, o.g
	s := g.size
	dateW := width(m.dateText, s)
	dateX := g.left + g.tw - 4*s - dateW
	dateMid := dateX + dateW/2
	if m.form == origDecree {
		o.y += g.lh
		if !o.room(2 * g.lh) {
			o.break_(0)
		}
		x := math.Min(dateMid-width(m.signatory, s)/2, g.left+g.tw-2*s-width(m.signatory, s))
		o.line(m.signatory, x, s, 0, RoleSignature, false, 0, g.lh)
		o.paras = append(o.paras, m.signatory)
		if m.stamp {
			nameW := width(m.signatory, s) * 0.45
			o.cur().overlay = append(o.cur().overlay, signatureOps(o.rng, x+width(m.signatory, s)-nameW-s*0.3, o.y-s*1.6, nameW+s*1.2, s*2.2))
		}
		o.line(m.dateText, dateX, s, 0, RoleSignature, false, 0, g.lh)
		o.paras = append(o.paras, m.dateText)
		return
	}
	names := m.auth
	per := 2
	if len(names) > 4 {
		per = 3
	}
	rows := (len(names) + per - 1) / per
	if len(names) == 1 {
		per, rows = 1, 1
	}
	// Seals of 42 mm (40 mm when three share a row), never touching.
	r := 21 * mm
	if per > 1 {
		r = math.Min(r, g.tw/float64(per)/2-6)
	}
	pitch := math.Max(2.6*g.lh, 2*r+8)
	gap := 2 * g.lh
	if !m.seal {
		gap = g.lh
	}
	need := gap + float64(rows-1)*pitch + 2*g.lh
	if !o.room(need) {
		o.break_(0)
	}
	o.y += gap
	for row := range rows {
		if row > 0 {
			o.y += pitch - g.lh
		}
		o.y += g.lh
		y := o.y
		these := names[row*per : min(len(names), (row+1)*per)]
		for k, n := range these {
			w := width(n, s)
			mid := dateMid
			if per > 1 {
				mid = g.left + g.tw*(float64(k)+0.5)/float64(per)
				if row == rows-1 && k == len(these)-1 {
					mid = math.Min(dateMid, g.left+g.tw-w/2)
				}
			}
			x := math.Min(mid-w/2, g.left+g.tw-w)
			o.put(n, x, y, s, RoleSignature)
			o.paras = append(o.paras, n)
			if m.seal {
				cy := y - 0.45*s
				if row == rows-1 && k == len(these)-1 {
					cy = y + 0.1*g.lh // over the date too
				}
				cx := x + w/2
				tilt := o.rng.Float64()*16 - 8
				o.cur().overlay = append(o.cur().overlay, sealOps(o.font, n, cx, cy, r, tilt))
				o.cur().Seals = append(o.cur().Seals, Seal{Text: n, X: round2(cx), Y: round2(cy), R: round2(r)})
			}
		}
	}
	o.line(m.dateText, dateX, s, 0, RoleSignature, false, 0, g.lh)
	o.paras = append(o.paras, m.dateText)
}

// record sets the 版记 at the foot of the last page, between full-width
// rules (heavy outside, light between): 抄送 in 4号, one character in from
// both margins, later lines under the first name; then 印发机关 left and
// 印发日期 right.
func (o *origSetter) record() {
	m, g := o.m, o.g
	if len(m.cc) == 0 && m.printedBy == "" {
		return
	}
	lead := smallSize * 1.65
	cc := ""
	var ccLines []string
	left := g.left + smallSize
	right := g.left + g.tw - smallSize
	if len(m.cc) > 0 {
		cc = "抄送：" + strings.Join(m.cc, "，") + "。"
		ccLines = breakText(cc, smallSize, right-left, right-left-width("抄送：", smallSize))
	}
	h := 6 + float64(len(ccLines))*lead + 6 + lead + 6
	if o.y+g.lh+h > g.bottom {
		o.break_(0)
	}
	p := o.cur()
	bottom := g.bottom - 0.01
	top := bottom - h
	p.rules = append(p.rules, rule{g.left, top, g.left + g.tw, top, 1.0, false})
	y := top + 4
	for k, l := range ccLines {
		x := left
		if k > 0 {
			x = left + width("抄送：", smallSize)
		}
		y += lead
		o.put(l, x, y, smallSize, RoleCC)
	}
	if cc != "" {
		o.paras = append(o.paras, cc)
		p.rules = append(p.rules, rule{g.left, y + 8, g.left + g.tw, y + 8, 0.7, false})
		y += 6
	}
	y += lead
	date := arabicDate(m.printedOn) + "印发"
	o.put(m.printedBy, left, y, smallSize, RoleCC)
	o.put(date, right-width(date, smallSize), y, smallSize, RoleCC)
	o.paras = append(o.paras, m.printedBy+"　　"+date)
	p.rules = append(p.rules, rule{g.left, bottom, g.left + g.tw, bottom, 1.0, false})
	o.y = bottom
}

// pageNumbers sets — N — 7 mm under the text block, one character in from
// the right on odd pages and from the left on even ones.
func (o *origSetter) pageNumbers() {
	g := o.g
	for i, p := range o.pages {
		n := i + 1
		text := fmt.Sprintf(o.m.pageStyle, n)
		x := g.left + g.tw - smallSize - width(text, smallSize)
		if n%2 == 0 {
			x = g.left + smallSize
		}
		p.Lines = append(p.Lines, Line{Line: page.Line{Text: text, X: round2(x), Y: round2(g.bottom + 7*mm + smallSize*0.8), W: round2(width(text, smallSize)), Size: smallSize}, Role: RolePageNumber, Doc: -1})
		p.Printed = fmt.Sprint(n)
	}
}

// truth is the original's truth.
func (o *origSetter) truth(opts Options) Truth {
	m := o.m
	t := Truth{Seed: opts.Seed, Encoding: opts.Encoding}
	canon, _ := gazette.NormalizeDocNumber(m.numPrint) // spellNumber guarantees it parses
	d := Document{
		Seq: 1, Title: m.title, DocNumberPrinted: m.numPrint, DocNumber: canon, Kind: m.kind,
		Authorities: m.auth, Signed: m.signed, Effective: m.eff, Expires: m.exp,
		FilePages: gazette.PageRange{First: 1, Last: len(o.pages)}, PrintedPages: gazette.PageRange{First: 1, Last: len(o.pages)},
		Heading: o.heading, Paragraphs: o.paras,
		Registration: m.registration, CopyNumber: m.copyNo, Secrecy: m.secrecy, Urgency: m.urgency,
		Masthead: o.mast, Signers: m.signers, Recipients: m.recipients,
		Signatory: m.signatory, Note: m.note, CC: m.cc, PrintedBy: m.printedBy, PrintedOn: m.printedOn,
	}
	if m.seal {
		d.Seals = m.auth
	}
	for i, a := range m.attachments {
		d.Attachments = append(d.Attachments, a.title)
		d.AttachmentPages = append(d.AttachmentPages, o.attPages[i]+1)
	}
	t.Documents = []Document{d}
	for i, s := range o.pages {
		s.Index = i + 1
		s.Text = s.bodyText()
		t.Pages = append(t.Pages, s.Page)
	}
	return t
}
