package editorial

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/report"
)

// Reading one page of a draft again.
//
// A draft keeps its text per document (Document.Body, paragraphs), while
// OCR reads per page, and a page may carry the end of one document and the
// start of the next. So the draft also records, page by page (PageText),
// which paragraphs each page gave each document, as the machine read them.
// Reading page n again puts the new text where page n's old text is: the
// paragraphs recorded for page n are found, unchanged, in the documents
// that cover page n and replaced. Where they are not found as read, a
// person has corrected them (or moved the documents' boundaries): the new
// reading would overwrite that work, so it is refused and nothing changes
// (ErrCorrectedText). A page shared by two documents is cut at the title
// of the one that starts on it, found in the new text; without it the
// reading is refused rather than guessed.
//
// A paragraph that runs over a page break belongs to the page it starts
// on: reading the next page again leaves it as it was, and the new text of
// that page's first lines becomes a paragraph of its own, which the draft's
// review list asks the archivist to merge (PageText.Continues).

// RereadFunc reads page (1-based) of the PDF file at pdfPath again by OCR,
// exactly as the settings say (ingest.Reread is one). The settings are
// valid (report.OCRSettings.Validate). The PDF is an editor's upload: the
// function must bound the time and memory it spends on it. It must be safe
// for concurrent use.
type RereadFunc func(ctx context.Context, pdfPath string, page int, s report.OCRSettings) (*report.PageRead, error)

// ErrNoOCR reports a page read again on a server configured without
// Config.Reread (tesseract or poppler is not installed).
var ErrNoOCR = fmt.Errorf("editorial: pages cannot be read again: OCR is not installed (tesseract-ocr, tesseract-ocr-chi-sim, poppler-utils): %w", gazette.ErrInvalid)

// ErrCorrectedText reports a page read again whose text in the draft a
// person has already corrected: the new reading is not applied.
var ErrCorrectedText = fmt.Errorf("editorial: the page's text was corrected by hand: %w", gazette.ErrConflict)

// RereadError is a page that cannot be read again, and why, in Chinese
// for the archivist (Zh). It wraps ErrCorrectedText or gazette.ErrInvalid.
type RereadError struct {
	Page int
	Zh   string
	Kind error
}

func (e *RereadError) Error() string {
	return fmt.Sprintf("editorial: read page %d again: %s: %v", e.Page, e.Zh, e.Kind)
}

// Unwrap gives ErrCorrectedText or gazette.ErrInvalid.
func (e *RereadError) Unwrap() error { return e.Kind }

// PageText is one page of a draft's print PDF as a machine read it.
type PageText struct {
	Page int `json:"page"`
	// Source is how the page's text was had (Method "" where no path
	// could read it).
	Source gazette.TextSource `json:"source"`
	// Note says what the reader did or why it failed.
	Note string `json:"note,omitempty"`
	// Parts are the paragraphs that begin on this page, as read: one run
	// for each document with text beginning here, in print order.
	Parts [][]string `json:"parts,omitempty"`
	// Continues says the page's first lines end a paragraph begun on an
	// earlier page (that paragraph is recorded there).
	Continues bool `json:"continues,omitempty"`
	// Reread says how, by whom and when the page was last read again;
	// nil while it is as ingest first read it.
	Reread *Reread `json:"reread,omitempty"`
}

// Reread is one reading of a page again.
type Reread struct {
	Settings report.OCRSettings `json:"settings"`
	By       string             `json:"by"`
	At       time.Time          `json:"at"`
}

// pageTexts records how each page of r was read and which paragraphs of
// docs (the draft's documents made from r.Documents, in order) begin on
// it. A document whose paragraphs the result does not place on pages
// gives no parts: its pages cannot be read again into it, and say so.
func pageTexts(r *report.Result, docs []gazette.Document) []PageText {
	out := make([]PageText, len(r.Pages))
	at := map[int]int{}
	for i, p := range r.Pages {
		out[i] = PageText{Page: p.Number, Note: p.Note}
		out[i].Source, _ = p.Source()
		at[p.Number] = i
	}
	for k, x := range r.Documents {
		body := docs[k].Body
		if len(x.ParagraphPages) != len(body) {
			continue
		}
		for i := 0; i < len(body); {
			first := x.ParagraphPages[i].First
			j := i
			for j < len(body) && x.ParagraphPages[j].First == first {
				for n := first + 1; n <= x.ParagraphPages[j].Last; n++ {
					if pi, ok := at[n]; ok {
						out[pi].Continues = true
					}
				}
				j++
			}
			if pi, ok := at[first]; ok {
				out[pi].Parts = append(out[pi].Parts, slices.Clone(body[i:j]))
			}
			i = j
		}
	}
	return out
}

// span is where a page's paragraphs sit in one document: Body[from:to].
type span struct{ doc, from, to int }

// rereadPlan is where the text of page n sits in a draft: one span per
// recorded part, or, for a page that gave no paragraphs, where new ones go
// (an empty span; none when no document covers the page).
type rereadPlan struct {
	page  int
	rec   int // index in Draft.Pages
	spans []span
}

// covering lists the documents whose pages include n.
func (d *Draft) covering(n int) []int {
	var out []int
	for i, doc := range d.Documents {
		if doc.Pages.First <= n && n <= doc.Pages.Last {
			out = append(out, i)
		}
	}
	return out
}

// planReread finds where page n's text sits in the draft, or says why it
// cannot be put back: a RereadError.
func (d *Draft) planReread(n int) (rereadPlan, error) {
	refuse := func(kind error, format string, args ...any) (rereadPlan, error) {
		return rereadPlan{}, &RereadError{Page: n, Zh: fmt.Sprintf(format, args...), Kind: kind}
	}
	rec := slices.IndexFunc(d.Pages, func(p PageText) bool { return p.Page == n })
	if rec < 0 {
		return refuse(gazette.ErrInvalid, "草稿没有记录第%d页的文字在各篇中的位置（PDF 上传早于此功能，或该页未读取）：请重新上传印刷版 PDF 后再重新识别", n)
	}
	cover := d.covering(n)
	for _, i := range cover {
		for _, s := range d.Documents[i].Sources {
			if s.Page == n && s.Method == gazette.Proofread {
				return refuse(ErrCorrectedText, "第%d篇的第%d页已由 %s 人工校对，重新识别会覆盖校对结果，未进行", i+1, n, s.By)
			}
		}
	}
	plan := rereadPlan{page: n, rec: rec}
	pos := span{doc: -1}
	for _, part := range d.Pages[rec].Parts {
		found := false
		for _, i := range cover {
			if i < pos.doc {
				continue
			}
			// After the text of the pages before it: a paragraph printed
			// on two pages alike ("附件", a signature) is found where this
			// page has it.
			from, _ := d.earlierEnd(i, n)
			if i == pos.doc {
				from = max(from, pos.to)
			}
			if at := indexRun(d.Documents[i].Body, part, from); at >= 0 {
				pos = span{doc: i, from: at, to: at + len(part)}
				plan.spans = append(plan.spans, pos)
				found = true
				break
			}
		}
		if !found {
			which := "各篇"
			if len(cover) > 0 {
				var names []string
				for _, i := range cover {
					names = append(names, fmt.Sprintf("第%d篇", i+1))
				}
				which = strings.Join(names, "、")
			}
			return refuse(ErrCorrectedText, "第%d页的文字在%s中已经人工修改（或文件的起止页已调整），重新识别会覆盖这些修改，因此没有进行。请对照页面图像直接修改正文", n, which)
		}
	}
	if len(plan.spans) > 0 || len(cover) == 0 {
		return plan, nil
	}
	// The page gave no paragraph (it could not be read, or held only the
	// end of a paragraph begun before): the new text goes after what the
	// nearest earlier page gave the one document covering it.
	if len(cover) > 1 {
		return refuse(gazette.ErrInvalid, "第%d页原来没有读出文字，又同时属于%d篇文件，无法判断新识别的文字属于哪一篇：请直接在正文中补录", n, len(cover))
	}
	i := cover[0]
	doc := d.Documents[i]
	if doc.Pages.First == n || len(doc.Body) == 0 {
		return rereadPlan{page: n, rec: rec, spans: []span{{doc: i}}}, nil
	}
	if end, ok := d.earlierEnd(i, n); ok {
		return rereadPlan{page: n, rec: rec, spans: []span{{doc: i, from: end, to: end}}}, nil
	}
	return refuse(ErrCorrectedText, "第%d页原来没有读出文字，而第%d篇前几页的文字已经人工修改，无法确定新文字应放在正文的哪里：请直接在正文中补录", n, i+1)
}

// earlierEnd is where, in the text of document i, the paragraphs of the
// pages before page n end: after the run the nearest earlier page gave it,
// found as read. ok is false (and end 0) when no earlier page's run is
// found there.
func (d *Draft) earlierEnd(i, n int) (end int, ok bool) {
	doc := d.Documents[i]
	for m := n - 1; m >= doc.Pages.First; m-- {
		r := slices.IndexFunc(d.Pages, func(p PageText) bool { return p.Page == m })
		if r < 0 {
			continue
		}
		for _, part := range slices.Backward(d.Pages[r].Parts) {
			if at := indexRun(doc.Body, part, 0); at >= 0 {
				return at + len(part), true
			}
		}
	}
	return 0, false
}

// indexRun is the index of the first run of paragraphs equal to run in
// body at or after from; -1 when there is none.
func indexRun(body, run []string, from int) int {
	if len(run) == 0 {
		return -1
	}
	for at := from; at+len(run) <= len(body); at++ {
		if slices.Equal(body[at:at+len(run)], run) {
			return at
		}
	}
	return -1
}

// applyReread puts page p's new reading into the draft as planned: the
// paragraphs of each span replaced, the documents' sources and the page's
// record updated. It returns what changed, for the audit log.
func (d *Draft) applyReread(plan rereadPlan, read *report.PageRead, rr Reread) (string, error) {
	n := plan.page
	parts, err := d.distribute(plan, read.Paragraphs)
	if err != nil {
		return "", err
	}
	src := gazette.TextSource{Page: n, Method: gazette.OCR, Confidence: min(1, max(0, read.Confidence))}
	rec := &d.Pages[plan.rec]
	before := rec.Source
	for k := len(plan.spans) - 1; k >= 0; k-- {
		sp := plan.spans[k]
		doc := &d.Documents[sp.doc]
		doc.Body = slices.Concat(doc.Body[:sp.from:sp.from], parts[k], doc.Body[sp.to:])
	}
	// The sources of the documents whose text from the page was replaced;
	// one that has only the end of a paragraph begun before on it keeps
	// the old text, and its source says so.
	for _, sp := range plan.spans {
		doc := &d.Documents[sp.doc]
		if at := slices.IndexFunc(doc.Sources, func(s gazette.TextSource) bool { return s.Page == n }); at >= 0 {
			doc.Sources[at] = src
		} else {
			doc.Sources = append(doc.Sources, src)
			slices.SortFunc(doc.Sources, func(a, b gazette.TextSource) int { return a.Page - b.Page })
		}
	}
	rec.Source, rec.Note, rec.Reread = src, read.Note, &rr
	rec.Parts = nil
	for _, p := range parts {
		if len(p) > 0 {
			rec.Parts = append(rec.Parts, slices.Clone(p))
		}
	}
	if rec.Continues && len(plan.spans) > 0 {
		msg := fmt.Sprintf("第%d页已重新识别：页首续接上一页的段落，该段中本页的文字仍是原来的识别结果，新识别的页首文字另起一段，请对照页面图像合并", n)
		if !slices.Contains(d.Review, msg) {
			d.Review = append(d.Review, msg)
		}
	}
	var docs []string
	for k, sp := range plan.spans {
		docs = append(docs, fmt.Sprintf("document %d: %d paragraphs for %d", sp.doc+1, len(parts[k]), sp.to-sp.from))
	}
	if len(docs) == 0 {
		docs = append(docs, "in no document")
	}
	was := string(before.Method)
	if before.Method == gazette.OCR {
		was = fmt.Sprintf("ocr %.0f%%", before.Confidence*100)
	} else if was == "" {
		was = "unread"
	}
	return fmt.Sprintf("page %d: %s; %s → ocr %.0f%%; %s", n, rr.Settings, was, src.Confidence*100, strings.Join(docs, "; ")), nil
}

// distribute cuts the paragraphs of a new reading among the plan's spans.
// The title of a document that starts on the page is a field of its own,
// kept out of its text (as ingest keeps it out): it is found in the new
// reading and dropped there, and on a page shared by documents the text
// is cut at it, what comes before going to the document before. The title
// of the page's first document, not found, is left in its text for the
// archivist to see; that of a later one, not found, leaves no place to
// cut, and the reading is refused.
func (d *Draft) distribute(plan rereadPlan, paras []string) ([][]string, error) {
	if len(plan.spans) == 0 {
		return nil, nil
	}
	out := make([][]string, len(plan.spans))
	rest := paras
	for k, sp := range plan.spans {
		doc := d.Documents[sp.doc]
		if doc.Pages.First != plan.page {
			if k > 0 {
				return nil, d.cannotCut(plan, k)
			}
			continue
		}
		from, to, head, tail, ok := findTitle(rest, doc.Title)
		switch {
		case !ok && k == 0:
			continue
		case !ok || k > 0 && sp.doc == plan.spans[k-1].doc:
			return nil, d.cannotCut(plan, k)
		case k == 0:
			rest = slices.Concat(rest[:from], nonEmpty(head, tail), rest[to:])
		default:
			out[k-1] = slices.Concat(rest[:from], nonEmpty(head))
			rest = slices.Concat(nonEmpty(tail), rest[to:])
		}
	}
	out[len(out)-1] = rest
	return out, nil
}

// nonEmpty drops the empty strings of v.
func nonEmpty(v ...string) []string {
	var out []string
	for _, x := range v {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}

// cannotCut is the refusal of a shared page whose new reading cannot be
// cut before the plan's k-th span.
func (d *Draft) cannotCut(plan rereadPlan, k int) error {
	prev, next := plan.spans[k-1].doc, plan.spans[k].doc
	return &RereadError{Page: plan.page, Kind: gazette.ErrInvalid,
		Zh: fmt.Sprintf("第%d页有第%d篇的结尾和第%d篇的开头，新识别的文字中找不到第%d篇的标题《%s》，无法分开，未作修改。可换用其他设置再试，或直接修改正文",
			plan.page, prev+1, next+1, next+1, d.Documents[next].Title)}
}

// findTitle finds a document's title in paragraphs read by OCR: the run
// of at most three paragraphs most like it (character bigrams,
// punctuation and spaces ignored), if like enough; the run is
// paras[from:to]. Where the run holds more than the title (layout joined
// the title and the salutation under it into one paragraph), head and
// tail are its text before and after the title, which belong to the text
// and are kept.
func findTitle(paras []string, title string) (from, to int, head, tail string, ok bool) {
	want := bigrams(title)
	if len(want) == 0 {
		return 0, 0, "", "", false
	}
	best := 0.0
	for i := range paras {
		for j := i + 1; j <= min(len(paras), i+3); j++ {
			if s := dice(want, bigrams(strings.Join(paras[i:j], ""))); s > best+1e-9 {
				best, from, to = s, i, j
			}
		}
	}
	if best < 0.6 {
		return 0, 0, "", "", false
	}
	run := []rune(strings.Join(paras[from:to], ""))
	n := utf8.RuneCountInString(title)
	if len(run) <= n+2 {
		return from, to, "", "", true
	}
	// The title's window in the run: the stretch most like it, of about
	// its length.
	a, b, bestW := 0, len(run), -1.0
	for i := 0; i < len(run); i++ {
		for j := max(i+1, i+n-3); j <= min(len(run), i+n+3); j++ {
			if s := dice(want, bigrams(string(run[i:j]))); s > bestW+1e-9 {
				a, b, bestW = i, j, s
			}
		}
	}
	// Punctuation does not count in the likeness: what stands at the
	// window's edges belongs to the text around it.
	ignored := func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) }
	for a < b && ignored(run[a]) {
		a++
	}
	for b > a && ignored(run[b-1]) {
		b--
	}
	return from, to, strings.TrimSpace(string(run[:a])), strings.TrimSpace(string(run[b:])), true
}

func bigrams(s string) map[string]int {
	var rs []rune
	for _, r := range s {
		if !unicode.IsSpace(r) && !unicode.IsPunct(r) && !unicode.IsSymbol(r) {
			rs = append(rs, r)
		}
	}
	out := map[string]int{}
	for i := 0; i+1 < len(rs); i++ {
		out[string(rs[i:i+2])]++
	}
	return out
}

func dice(a, b map[string]int) float64 {
	na, nb, common := 0, 0, 0
	for k, v := range a {
		na += v
		common += min(v, b[k])
	}
	for _, v := range b {
		nb += v
	}
	if na+nb == 0 {
		return 0
	}
	return 2 * float64(common) / float64(na+nb)
}

// RereadPage reads page (1-based) of a draft's print PDF again by OCR with
// the settings given, and puts the new text in place of the old in the
// documents printed on it (see the comment at the top of this file), with
// the page's source and confidence. It is one action: a draft being
// drafted, at ifMatch (its ETag, as for Save), editors and above, audited
// as draft.reocr. Errors: a gazette.ValidationError for settings or a page
// out of range; ErrNoOCR; gazette.ErrNotFound (no draft, no PDF);
// ErrState; ErrStale; a *RereadError wrapping ErrCorrectedText (the page's
// text was corrected by hand) or gazette.ErrInvalid (it cannot be placed);
// and the reader's failures. Nothing changes when it fails.
func (s *Service) RereadPage(ctx context.Context, a Actor, id, ifMatch string, page int, set report.OCRSettings) (*Draft, error) {
	const action = "draft.reocr"
	object := "draft/" + id
	if err := s.authorize(ctx, a, RoleEditor, action, object); err != nil {
		return nil, err
	}
	if err := set.Validate(); err != nil {
		return nil, fmt.Errorf("editorial: read page %d of draft %s again: %w", page, id, err)
	}
	if s.cfg.Reread == nil {
		return nil, ErrNoOCR
	}
	cur, err := s.loadDraft(ctx, id)
	if err != nil {
		return nil, err
	}
	if ifMatch == "" {
		return nil, fmt.Errorf("editorial: read page of draft %s again: %w", id, ErrNoETag)
	}
	if cur.ETag != ifMatch {
		return nil, fmt.Errorf("editorial: draft %s was changed by %s: %w", id, cur.UpdatedBy, ErrStale)
	}
	if err := stateErr(cur, "read a page again of", StateDrafting); err != nil {
		return nil, s.deny(ctx, a, action, object, err)
	}
	pdf := cur.Issue.PDF
	if pdf.SHA256 == "" {
		return nil, fmt.Errorf("editorial: draft %s has no PDF yet: %w", id, gazette.ErrNotFound)
	}
	if page < 1 || page > pdf.Pages {
		return nil, gazette.ValidationError{{Field: "page", Problem: fmt.Sprintf("the PDF has no page %d (it has %d)", page, pdf.Pages), Zh: fmt.Sprintf("印刷版没有第%d页（共%d页）", page, pdf.Pages)}}
	}
	// Refused before the slow part when the text cannot be put back.
	if _, err := cur.planReread(page); err != nil {
		return nil, err
	}
	path, err := s.spoolStored(ctx, id, pdf.SHA256)
	if err != nil {
		return nil, fmt.Errorf("editorial: read page %d of draft %s again: %w", page, id, err)
	}
	defer os.Remove(path)
	read, err := s.cfg.Reread(ctx, path, page, set)
	if err != nil {
		return nil, fmt.Errorf("editorial: read page %d of draft %s again: %w", page, id, err)
	}
	rr := Reread{Settings: set, By: a.User, At: s.now().UTC()}
	return s.transition(ctx, a, id, ifMatch, action, func(d *Draft) (string, error) {
		if err := stateErr(d, "read a page again of", StateDrafting); err != nil {
			return "", err
		}
		if d.Issue.PDF.SHA256 != pdf.SHA256 {
			return "", fmt.Errorf("editorial: draft %s: its PDF was replaced: %w", id, ErrStale)
		}
		plan, err := d.planReread(page)
		if err != nil {
			return "", err
		}
		detail, err := d.applyReread(plan, read, rr)
		if err != nil {
			return "", err
		}
		edited(d, a)
		return detail, nil
	})
}

// RereadsPages reports whether the service can read pages again
// (Config.Reread is set); without it RereadPage fails with ErrNoOCR.
func (s *Service) RereadsPages() bool { return s.cfg.Reread != nil }
