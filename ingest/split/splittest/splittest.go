package splittest

import (
	"compress/gzip"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/layout/layouttest"
	"github.com/gazette-archive/gazette/ingest/page"
)

// GoldDoc is what is known of one document of an assembled issue.
type GoldDoc struct {
	Title string
	// DocNumber is the 文号 as printed; DocNumberCanonical its gazette form
	// where gazette reads it.
	DocNumber          string
	DocNumberCanonical string
	Authorities        []string
	Signed             gazette.Date
	Effective          gazette.Date
	Expires            gazette.Date
	Kind               gazette.Kind
	Section            string
	// StartPage and StartY place the document's first line.
	StartPage int
	StartY    float64
}

// GoldIssue is an assembled issue and its truth.
type GoldIssue struct {
	Name        string
	Pages       []page.Page
	Docs        []GoldDoc
	Year        int
	Number      int
	TotalNumber int
	Date        gazette.Date
}

// Variant is how an issue is set.
type Variant struct {
	Name     string
	Contents bool    // print a table of contents
	NoSizes  bool    // leave font sizes out
	Jitter   float64 // OCR-like position noise, in points
}

// Variants are the settings the evaluations run every issue through.
var Variants = []Variant{
	{Name: "contents", Contents: true},
	{Name: "no-contents", Contents: false},
	{Name: "ocr-like", Contents: true, NoSizes: true, Jitter: 2.5},
	{Name: "ocr-like-no-contents", Contents: false, NoSizes: true, Jitter: 2.5},
}

// source is a document before typesetting.
type source struct {
	blocks []layouttest.Block
	gold   GoldDoc
}

// issueSpec is an issue before typesetting.
type issueSpec struct {
	name        string
	gazette     string
	numberLine  string
	dateLine    string
	head        func(printed int) string
	foot        func(printed int) string
	docs        []source
	year, no    int
	total       int
	date        gazette.Date
	bannerStyle layouttest.Style // how section banners are printed
	banner      func(section string) string
}

// assemble typesets an issue: once to learn where documents land, and again
// with those page numbers in the table of contents.
func assemble(spec issueSpec, v Variant) GoldIssue {
	printed := map[int]int{} // doc index → printed page
	var pages []page.Page
	var places []layouttest.Placement
	var docAt []int
	// The contents give page numbers that depend on the contents' own
	// length: set it until the numbers stop changing.
	for pass := 0; pass < 3; pass++ {
		var blocks []layouttest.Block
		blocks = append(blocks,
			layouttest.Block{Text: spec.gazette, Style: layouttest.Title},
			layouttest.Block{Text: spec.numberLine, Style: layouttest.Centre},
			layouttest.Block{Text: spec.dateLine, Style: layouttest.Centre},
			layouttest.Block{Style: layouttest.NewPage},
		)
		if v.Contents {
			blocks = append(blocks, layouttest.Block{Text: "目　　录", Style: layouttest.Title})
			section := ""
			for i, d := range spec.docs {
				if d.gold.Section != section {
					section = d.gold.Section
					blocks = append(blocks, layouttest.Block{Text: spec.banner(section), Style: layouttest.Flush})
				}
				blocks = append(blocks, layouttest.Block{Text: fmt.Sprintf("%s……………………（%d）", d.gold.Title, max(printed[i], 1)), Style: layouttest.Flush})
			}
			blocks = append(blocks, layouttest.Block{Style: layouttest.NewPage})
		}
		firstBody := len(blocks)
		docAt = docAt[:0]
		section := ""
		for _, d := range spec.docs {
			if d.gold.Section != section {
				section = d.gold.Section
				blocks = append(blocks, layouttest.Block{Text: spec.banner(section), Style: spec.bannerStyle})
			}
			docAt = append(docAt, len(blocks))
			blocks = append(blocks, d.blocks...)
		}
		_, plain := layouttest.Typeset(blocks, layouttest.Options{})
		front := plain[firstBody].Page - 1
		opt := layouttest.Options{Head: spec.head, Foot: spec.foot, FirstPrinted: 1, FrontPages: front, NoSizes: v.NoSizes, Jitter: v.Jitter, Seed: uint64(len(spec.docs))}
		pages, places = layouttest.Typeset(blocks, opt)
		for i, at := range docAt {
			printed[i] = places[at].Page - front
		}
	}
	g := GoldIssue{Name: spec.name + "/" + v.Name, Pages: pages, Year: spec.year, Number: spec.no, TotalNumber: spec.total, Date: spec.date}
	for i, d := range spec.docs {
		gd := d.gold
		gd.StartPage, gd.StartY = places[docAt[i]].Page, places[docAt[i]].Y
		g.Docs = append(g.Docs, gd)
	}
	return g
}

// ---- Taiwan Executive Yuan Gazette ----

type eyRecord struct {
	Chapter     string `xml:"Chapter"`
	PubGovName  string `xml:"PubGovName"`
	Officer     string `xml:"Officer_name"`
	DateCreated string `xml:"Date_Created"`
	GazetteID   string `xml:"GazetteId"`
	Title       string `xml:"Title"`
	HTML        string `xml:"HTMLContent"`
}

var (
	reBreak = regexp.MustCompile(`(?i)<(?:br|/p|/tr|/div|/td|/li|/h[1-6])[^>]*>`)
	reTag   = regexp.MustCompile(`<[^>]*>`)
	reMG    = regexp.MustCompile(`中華民國([0-9]{2,3})年([0-9]{1,2})月([0-9]{1,2})日`)
)

// htmlLines turns a record's HTML into its printed lines.
func htmlLines(h string) []string {
	h = reBreak.ReplaceAllString(h, "\n")
	h = reTag.ReplaceAllString(h, "")
	h = html.UnescapeString(h)
	var out []string
	for _, l := range strings.Split(h, "\n") {
		l = strings.Join(strings.Fields(strings.ReplaceAll(l, "\r", "")), " ")
		if l == "" || l == "Top" {
			continue
		}
		out = append(out, l)
	}
	return out
}

func squeeze(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u3000", " ")), "")
}

// EY loads the Taiwan Executive Yuan Gazette issues under dir (one XML file
// an issue) and sets each as v.
func EY(dir string, v Variant) ([]GoldIssue, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("splittest: no XML issues in %s: %v", dir, err)
	}
	var out []GoldIssue
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("splittest: %w", err)
		}
		var doc struct {
			Records []eyRecord `xml:"Record"`
		}
		if err := xml.Unmarshal(data, &doc); err != nil {
			return nil, fmt.Errorf("splittest: %s: %w", f, err)
		}
		spec := issueSpec{
			name:        "ey/" + strings.TrimSuffix(filepath.Base(f), ".xml"),
			gazette:     "行政院公報",
			bannerStyle: layouttest.Banner,
			banner:      func(s string) string { return s },
		}
		for _, r := range doc.Records {
			spec.docs = append(spec.docs, eyDoc(r))
		}
		if len(spec.docs) > 0 {
			d := spec.docs[0].gold.Signed
			spec.date = d
			spec.year = d.Year
			// The open data has no issue numbers: the cover gets a made-up
			// one, which is then the truth for this assembled issue.
			spec.no = int(d.Month)*10 + d.Day
			spec.numberLine = fmt.Sprintf("第%03d卷　第%03d期", d.Year-1911-83, spec.no)
			spec.dateLine = fmt.Sprintf("中華民國%d年%d月%d日", d.Year-1911, d.Month, d.Day)
			spec.head = func(n int) string {
				if n%2 == 0 {
					return "行政院公報　" + spec.numberLine
				}
				return spec.dateLine + "　行政院公報"
			}
			spec.foot = func(n int) string { return fmt.Sprint(n) }
		}
		out = append(out, assemble(spec, v))
	}
	return out, nil
}

func eyDoc(r eyRecord) source {
	lines := htmlLines(r.HTML)
	gd := GoldDoc{
		Title:       squeezeSpaces(r.Title),
		DocNumber:   r.GazetteID,
		Authorities: []string{r.PubGovName},
		Section:     r.Chapter,
	}
	if m := reMG.FindStringSubmatch(r.DateCreated); m != nil {
		var y, mo, d int
		fmt.Sscan(m[1], &y)
		fmt.Sscan(m[2], &mo)
		fmt.Sscan(m[3], &d)
		gd.Signed = gazette.Date{Year: y + 1911, Month: time.Month(mo), Day: d}
	}
	var blocks []layouttest.Block
	signed := false
	officer := squeeze(r.Officer)
	for i, l := range lines {
		style := layouttest.Body
		switch {
		case i == 0:
			style = layouttest.Title
		case i <= 2 && (strings.Contains(l, "中華民國") || strings.Contains(l, "字第")):
			style = layouttest.Right
		case officer != "" && squeeze(l) == officer:
			style, signed = layouttest.Right, true
		case signed && len(blocks) > 0 && blocks[len(blocks)-1].Style == layouttest.Right:
			style = layouttest.Centre // the title of what is attached
		case len([]rune(l)) <= 16:
			style = layouttest.Flush
		}
		blocks = append(blocks, layouttest.Block{Text: l, Style: style})
	}
	return source{blocks: blocks, gold: gd}
}

func squeezeSpaces(s string) string { return strings.Join(strings.Fields(s), " ") }

// ---- synthetic mainland issues ----

// DocnumRow is one row of docnum's joined sample: a real title, 文号 and
// dates.
type DocnumRow struct {
	Jurisdiction, Title, DocNumber string
	Issued                         gazette.Date
}

// LoadDocnum reads docnum/joined_sample_500.tsv (or the .gz file) under
// corpus.
func LoadDocnum(corpus string) ([]DocnumRow, error) {
	path := filepath.Join(corpus, "docnum", "joined_sample_500.tsv")
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("splittest: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		if r, err = gzip.NewReader(f); err != nil {
			return nil, fmt.Errorf("splittest: %w", err)
		}
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("splittest: %w", err)
	}
	var rows []DocnumRow
	for i, line := range strings.Split(string(data), "\n") {
		c := strings.Split(line, "\t")
		if i == 0 || len(c) < 4 {
			continue
		}
		d, err := gazette.ParseDate(c[3])
		if err != nil || c[1] == "" || c[2] == "" {
			continue
		}
		rows = append(rows, DocnumRow{Jurisdiction: c[0], Title: c[1], DocNumber: c[2], Issued: d})
	}
	return rows, nil
}

// LoadLawParagraphs reads the article paragraphs of the law texts under
// corpus/laws, one slice a law, with its title.
func LoadLawParagraphs(corpus string, limit int) ([]Law, error) {
	var out []Law
	err := filepath.WalkDir(filepath.Join(corpus, "laws"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") || len(out) >= limit {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		text := string(data)
		title := ""
		if i := strings.Index(text, "# "); i >= 0 {
			title = strings.TrimSpace(strings.SplitN(text[i+2:], "\n", 2)[0])
		}
		_, body, ok := strings.Cut(text, "<!-- INFO END -->")
		if !ok || title == "" {
			return nil
		}
		var paras []string
		for _, l := range strings.Split(body, "\n") {
			l = strings.TrimSpace(l)
			if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "<!--") {
				continue
			}
			paras = append(paras, l)
		}
		if len(paras) >= 6 {
			out = append(out, Law{Title: title, Paragraphs: paras})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("splittest: laws: %w", err)
	}
	return out, nil
}

// Law is a law text: its title and paragraphs.
type Law struct {
	Title      string
	Paragraphs []string
}

var provinceOf = regexp.MustCompile(`^(.{2,4}?[省市]|.{2,5}?自治区)`)

// authorities takes the issuing authorities from a title: the words before
// 关于 (or 转发/印发), joint authorities separated by spaces.
func authorities(title string) []string {
	i := strings.Index(title, "关于")
	for _, w := range []string{"转发", "印发"} {
		if j := strings.Index(title, w); j > 0 && (i < 0 || j < i) {
			i = j
		}
	}
	if i <= 0 {
		return nil
	}
	return strings.Fields(title[:i])
}

// Synthetic builds n synthetic issues of 10–30 documents from rows and laws,
// seeded, and sets them as v.
func Synthetic(rows []DocnumRow, laws []Law, n int, seed uint64, v Variant) []GoldIssue {
	rng := rand.New(rand.NewPCG(seed, 11))
	byJur := map[string][]DocnumRow{}
	var jurs []string
	for _, r := range rows {
		if a := authorities(r.Title); len(a) == 0 {
			continue
		}
		if byJur[r.Jurisdiction] == nil {
			jurs = append(jurs, r.Jurisdiction)
		}
		byJur[r.Jurisdiction] = append(byJur[r.Jurisdiction], r)
	}
	slices.Sort(jurs)
	var out []GoldIssue
	for k := 0; k < n && len(jurs) > 0; k++ {
		jur := jurs[k%len(jurs)]
		pool := byJur[jur]
		count := min(len(pool), 10+rng.IntN(21))
		picked := rng.Perm(len(pool))[:count]
		province := ""
		if m := provinceOf.FindStringSubmatch(pool[picked[0]].Title); m != nil {
			province = m[1]
		}
		if province == "" {
			continue
		}
		var orders, govDocs, officeDocs []source
		for o := 0; o < 1+rng.IntN(3); o++ {
			orders = append(orders, orderDoc(rng, province, laws[rng.IntN(len(laws))], 200+k*10+o))
		}
		for _, i := range picked {
			d := noticeDoc(rng, pool[i], laws[rng.IntN(len(laws))])
			if strings.Contains(pool[i].Title, "办公厅") || strings.Contains(pool[i].Title, "办公室") {
				d.gold.Section = "省政府办公厅文件"
				officeDocs = append(officeDocs, d)
			} else {
				d.gold.Section = "省政府文件"
				govDocs = append(govDocs, d)
			}
		}
		docs := slices.Concat(orders, govDocs, officeDocs)
		date := docs[len(docs)-1].gold.Signed
		for _, d := range docs {
			if d.gold.Signed.Compare(date) > 0 {
				date = d.gold.Signed
			}
		}
		no := 1 + rng.IntN(24)
		total := 500 + rng.IntN(400)
		gname := province + "人民政府公报"
		spec := issueSpec{
			name:        fmt.Sprintf("synthetic/%d-%s", k, jur),
			gazette:     gname,
			numberLine:  fmt.Sprintf("%d年第%d期（总第%d期）", date.Year, no, total),
			dateLine:    date.Chinese(),
			docs:        docs,
			year:        date.Year,
			no:          no,
			total:       total,
			date:        date,
			bannerStyle: layouttest.Banner,
			banner:      func(s string) string { return "【" + s + "】" },
			head: func(p int) string {
				if p%2 == 0 {
					return gname
				}
				return fmt.Sprintf("%d年第%d期", date.Year, no)
			},
			foot: func(p int) string { return fmt.Sprintf("— %d —", p) },
		}
		out = append(out, assemble(spec, v))
	}
	return out
}

// bodyOf takes some paragraphs of a law as a document's body.
func bodyOf(rng *rand.Rand, law Law, n int) []layouttest.Block {
	start := rng.IntN(max(1, len(law.Paragraphs)-n))
	var out []layouttest.Block
	for _, p := range law.Paragraphs[start:min(len(law.Paragraphs), start+n)] {
		style := layouttest.Body
		if strings.HasPrefix(p, "第") && strings.Contains(p[:min(len(p), 30)], "章") && len([]rune(p)) < 20 {
			style = layouttest.Centre
		}
		out = append(out, layouttest.Block{Text: p, Style: style})
	}
	return out
}

func dateText(rng *rand.Rand, d gazette.Date) string {
	if rng.IntN(2) == 0 {
		return d.Chinese()
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year, d.Month, d.Day)
}

// noticeDoc makes a 文件 from a real title, 文号 and date.
func noticeDoc(rng *rand.Rand, row DocnumRow, law Law) source {
	gd := GoldDoc{Title: row.Title, DocNumber: row.DocNumber, Authorities: authorities(row.Title), Signed: row.Issued}
	if n, err := gazette.ParseDocNumber(row.DocNumber); err == nil {
		gd.DocNumberCanonical = n.String()
	}
	blocks := []layouttest.Block{
		{Text: row.Title, Style: layouttest.Title},
		{Text: row.DocNumber, Style: layouttest.Centre},
		{Text: "各市、县（区）人民政府，省政府各部门、各直属机构：", Style: layouttest.Flush},
	}
	blocks = append(blocks, bodyOf(rng, law, 3+rng.IntN(8))...)
	switch rng.IntN(3) {
	case 0:
		eff := row.Issued.Time(nil).AddDate(0, 1, 0)
		gd.Effective = gazette.DateOf(time.Date(eff.Year(), eff.Month(), 1, 0, 0, 0, 0, time.UTC))
		years := 2 + rng.IntN(4)
		gd.Expires = gazette.DateOf(gd.Effective.Time(nil).AddDate(years, 0, -1))
		blocks = append(blocks, layouttest.Block{Style: layouttest.Body,
			Text: fmt.Sprintf("本通知自%d年%d月%d日起施行，有效期%d年。", gd.Effective.Year, gd.Effective.Month, gd.Effective.Day, years)})
	case 1:
		gd.Effective = row.Issued
		blocks = append(blocks, layouttest.Block{Style: layouttest.Body, Text: "本通知自印发之日起施行。"})
	}
	for _, a := range gd.Authorities {
		blocks = append(blocks, layouttest.Block{Text: a, Style: layouttest.Right})
	}
	blocks = append(blocks, layouttest.Block{Text: dateText(rng, row.Issued), Style: layouttest.Right})
	if rng.IntN(2) == 0 {
		blocks = append(blocks, layouttest.Block{Text: "（此件公开发布）", Style: layouttest.Flush})
	}
	gd.Kind = kindOfTitle(row.Title)
	return source{blocks: blocks, gold: gd}
}

// kindOfTitle is the kind the synthetic truth gives a title: from its last
// word, as documented in meta.
func kindOfTitle(t string) gazette.Kind {
	switch {
	case strings.HasSuffix(t, "通知") || strings.HasSuffix(t, "通报"):
		if strings.Contains(t, "任免") || strings.Contains(t, "任职") {
			return gazette.KindAppointment
		}
		if strings.Contains(t, "印发") || strings.Contains(t, "转发") {
			return gazette.KindNormative
		}
		return gazette.KindNotice
	case strings.HasSuffix(t, "决定") || strings.HasSuffix(t, "批复"):
		return gazette.KindDecision
	case strings.HasSuffix(t, "公告") || strings.HasSuffix(t, "通告"):
		return gazette.KindAnnouncement
	case strings.HasSuffix(t, "意见") || strings.HasSuffix(t, "办法") || strings.HasSuffix(t, "规定"):
		return gazette.KindNormative
	}
	return gazette.KindOther
}

var governors = []string{"王宁", "李明", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄海"}

// orderDoc makes a 政府令 promulgating a rule, with the rule attached.
func orderDoc(rng *rand.Rand, province string, law Law, serial int) source {
	signed := gazette.Date{Year: 2015 + rng.IntN(8), Month: time.Month(1 + rng.IntN(12)), Day: 1 + rng.IntN(28)}
	eff := gazette.DateOf(time.Date(signed.Year, signed.Month+2, 1, 0, 0, 0, 0, time.UTC))
	gov := province + "人民政府"
	name := law.Title
	gd := GoldDoc{
		Title: name, DocNumber: fmt.Sprintf("%s令第%d号", gov, serial),
		DocNumberCanonical: fmt.Sprintf("%s令第%d号", gov, serial),
		Authorities:        []string{gov}, Signed: signed, Effective: eff, Kind: gazette.KindRule, Section: "省政府令",
	}
	blocks := []layouttest.Block{
		{Text: gov + "令", Style: layouttest.Title},
		{Text: fmt.Sprintf("第%d号", serial), Style: layouttest.Centre},
		{Style: layouttest.Body, Text: fmt.Sprintf("《%s》已经%d年%d月%d日%s第%d次常务会议通过，现予公布，自%d年%d月%d日起施行。",
			name, signed.Year, signed.Month, signed.Day, gov, 10+rng.IntN(90), eff.Year, eff.Month, eff.Day)},
		{Text: "省长　" + governors[rng.IntN(len(governors))], Style: layouttest.Right},
		{Text: dateText(rng, signed), Style: layouttest.Right},
		{Text: name, Style: layouttest.Title},
	}
	blocks = append(blocks, bodyOf(rng, law, 4+rng.IntN(10))...)
	return source{blocks: blocks, gold: gd}
}
