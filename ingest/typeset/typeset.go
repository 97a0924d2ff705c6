package typeset

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"github.com/gazette-archive/gazette/gazette"
)

// Result is a generated issue or original: the PDF and its truth.
type Result struct {
	PDF   []byte
	Truth Truth
}

// Generate typesets one issue (or original, see Options.Form) in memory.
// For large files use Write.
func Generate(ctx context.Context, opts Options) (*Result, error) {
	var b bytes.Buffer
	t, err := Write(ctx, &b, opts)
	if err != nil {
		return nil, err
	}
	return &Result{PDF: b.Bytes(), Truth: t}, nil
}

// Write typesets one issue (or original, see Options.Form) and streams the
// PDF to w page by page, so the
// PDF never sits in memory (the truth, which holds every page's text,
// does). Errors: a bad option, a source that fails, no font for
// IdentityH (ErrNoFont), no Latin font for an original set in the Word
// manner (ErrNoLatinFont), no Adobe-GB1 table for IdentityHNoToUnicode, no
// pdftoppm for Scan (ErrNoRenderer), a write error, ctx done.
func Write(ctx context.Context, w io.Writer, opts Options) (Truth, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return Truth{}, err
	}
	var pl *plan
	if opts.Form == FormOriginal {
		pl, err = newOriginalPlan(ctx, opts)
	} else {
		pl, err = newPlan(ctx, opts)
	}
	if err != nil {
		return Truth{}, err
	}
	pl.truth.Form = opts.Form
	rng := rand.New(rand.NewPCG(opts.Seed, 0x5eed0e4c0d1e))
	if opts.Encoding == Scan {
		style := opts.Scan
		pl.truth.Scan = &style
		if err := writeScan(ctx, w, pl, opts, rng); err != nil {
			return Truth{}, err
		}
		return pl.truth, nil
	}
	enc, err := newEncoder(opts, rng, opts.Encoding)
	if err != nil {
		return Truth{}, err
	}
	if err := writePDF(ctx, w, pl, enc, opts); err != nil {
		return Truth{}, err
	}
	return pl.truth, nil
}

// plan is a composed and laid-out issue or original, ready to render.
type plan struct {
	is     *issueModel
	sheets []*sheet
	truth  Truth
	// title and date go into the file's Info dictionary.
	title string
	date  gazette.Date
}

// newPlan composes the issue and lays it out. Content depends only on the
// seed and the source, never on the encoding, so every encoding of one
// seed carries the same text.
func newPlan(ctx context.Context, opts Options) (*plan, error) {
	want := opts.Documents
	for attempt := 0; ; attempt++ {
		pl, err := compose(ctx, opts, want)
		if err != nil {
			return nil, err
		}
		if opts.MinPages == 0 || len(pl.sheets) >= opts.MinPages || attempt == 8 {
			if opts.MinPages > 0 && len(pl.sheets) < opts.MinPages {
				return nil, fmt.Errorf("typeset: could not reach %d pages (got %d)", opts.MinPages, len(pl.sheets))
			}
			return pl, nil
		}
		perDoc := float64(len(pl.sheets)) / float64(len(pl.is.docs))
		want = int(math.Ceil(float64(opts.MinPages)/perDoc*1.08)) + 1
	}
}

func compose(ctx context.Context, opts Options, n int) (*plan, error) {
	rng := rand.New(rand.NewPCG(opts.Seed, 0x9a7e77e))
	c, err := newComposer(ctx, rng, opts.Source, gbkEncodable)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		n = 10 + rng.IntN(21)
	}
	is := c.is
	for _, s := range c.slots(n) {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("typeset: %w", err)
		}
		d, err := c.document(s)
		if err != nil {
			return nil, err
		}
		is.docs = append(is.docs, d)
	}
	g := newGeometry(is.bodySize)
	bs := &bodySetter{g: g, is: is, fakeBold: opts.FakeBold, newPage: opts.NewPagePerDoc}
	for i, d := range is.docs {
		bs.document(i, d)
	}
	contents, entries := setContents(is, g)
	front := 1 + len(contents)
	// Printed numbers: body pages by style; front matter labels.
	bodyFirst := 1
	switch is.frontMatter {
	case "running":
		bodyFirst = is.firstPage
	case "all":
		bodyFirst = front + 1
	}
	sheets := append([]*sheet{cover(is, g)}, contents...)
	for j, s := range contents {
		switch is.frontMatter {
		case "roman":
			furnish(s, is, g, j+1, roman(j+1), "")
		case "all":
			furnish(s, is, g, j+2, fmt.Sprint(j+2), "")
		}
	}
	for k, s := range bs.pages {
		p := bodyFirst + k
		furnish(s, is, g, p, fmt.Sprint(p), is.docs[s.doc].section)
		s.Printed = fmt.Sprint(p)
		sheets = append(sheets, s)
	}
	for j, s := range contents {
		switch is.frontMatter {
		case "roman":
			s.Printed = roman(j + 1)
		case "all":
			s.Printed = fmt.Sprint(j + 2)
		}
	}
	printed := make([]int, len(is.docs))
	for i := range is.docs {
		printed[i] = bodyFirst + bs.first[i]
	}
	fillContents(contents, entries, is, printed)
	for i, s := range sheets {
		s.Index = i + 1
		s.Text = s.bodyText()
	}
	pl := &plan{is: is, sheets: sheets, title: fmt.Sprintf("%s %d年第%d期", is.name, is.year, is.num), date: is.date}
	pl.truth = truthOf(opts, is, sheets, entries, contents, bs, front, bodyFirst)
	return pl, nil
}

func truthOf(opts Options, is *issueModel, sheets []*sheet, entries []tocEntry, contents []*sheet, bs *bodySetter, front, bodyFirst int) Truth {
	t := Truth{
		Seed: opts.Seed, Encoding: opts.Encoding, Gazette: is.name, Publisher: is.publisher,
		Year: is.year, Number: is.num, TotalNumber: is.total, Date: is.date,
		PageStyle: is.pageStyle, FrontMatter: is.frontMatter,
	}
	for _, e := range entries {
		l := contents[e.page].Lines
		if e.banner {
			t.Contents = append(t.Contents, ContentLine{Banner: true, Text: l[e.line].Text, Document: -1})
			continue
		}
		d := is.docs[e.doc]
		t.Contents = append(t.Contents, ContentLine{Text: d.title, Document: e.doc,
			Page: bodyFirst + bs.first[e.doc], FilePage: front + 1 + bs.first[e.doc]})
	}
	for i, d := range is.docs {
		canon := ""
		if d.numPrint != "" {
			canon, _ = gazette.NormalizeDocNumber(d.numPrint) // spellNumber guarantees it parses
		}
		var paras []string
		for _, p := range d.paras {
			paras = append(paras, p.text)
		}
		t.Documents = append(t.Documents, Document{
			Seq: i + 1, Section: d.section, Title: d.title,
			DocNumberPrinted: d.numPrint, DocNumber: canon, Kind: d.kind,
			Authorities: d.auth, Signed: d.signed, Effective: d.eff, Expires: d.exp,
			FilePages:    gazette.PageRange{First: front + 1 + bs.first[i], Last: front + 1 + bs.last[i]},
			PrintedPages: gazette.PageRange{First: bodyFirst + bs.first[i], Last: bodyFirst + bs.last[i]},
			Heading:      bs.headings[i], Paragraphs: paras,
		})
	}
	for _, s := range sheets {
		t.Pages = append(t.Pages, s.Page)
	}
	return t
}
