package extract

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/sync/errgroup"

	"github.com/gazette-archive/gazette/ingest/garble"
	"github.com/gazette-archive/gazette/ingest/ocr"
	"github.com/gazette-archive/gazette/ingest/page"
	"github.com/gazette-archive/gazette/ingest/worker"
)

// JobText is the worker job that decodes a PDF's text layer.
const JobText = "pdftext"

// PageReader reads one page (1-based) of a PDF by some other path than its
// text layer. ocr.Engine and ocr.Poppler are PageReaders. Implementations
// must be safe for concurrent use; they return an error, never an empty
// page, when they cannot read it.
type PageReader interface {
	Page(ctx context.Context, path string, n int) (page.Page, error)
}

// nameBatcher is an OCR PageReader, such as ocr.Engine, that reads the
// lines with place names of a file's pages again in one run for the file
// rather than one a page: File reads the file's pages with Names' Page,
// then its Read once they are all read.
type nameBatcher interface {
	Names() *ocr.Names
}

// PageCounter says how many pages a PDF has, independently of the text-layer
// decoder, so pages a dead child never returned still get their fallbacks.
type PageCounter interface {
	PageCount(ctx context.Context, path string) (int, error)
}

// Options configure File. The zero value decodes the text layer only and
// marks every page it cannot use as needing review.
type Options struct {
	Limits  worker.Limits // for the text-layer child
	Job     string        // the worker job for the text layer (default JobText)
	Workers int           // fallback pages read at once within a file (default 1)
	Poppler PageReader    // second extractor; nil if not installed
	OCR     PageReader    // nil if not installed
	Counter PageCounter   // nil: pages a dead child never returned are lost
	// NoOCR says why OCR is unavailable ("tesseract not installed"); it is
	// put in the Note of every page that needed it.
	NoOCR string
	// ChildNote says which executable decodes the text layer, and why, as
	// WithTools chose it; for reports only.
	ChildNote string
	// Score judges text; default garble.Of.
	Score func(string) garble.Score
}

// Result is the text of a file, page by page, with how it was obtained.
type Result struct {
	Pages []page.Page // every page, in order, each with Extractor, Confidence and Note
	// Child is the text-layer child's failure (a *worker.ChildError), nil if
	// it finished. Pages it did not return went down the fallback chain.
	Child     error
	Truncated bool  // the page budget cut the file short
	PeakRSS   int64 // the child's peak resident memory, bytes
}

// NeedsReview lists the pages no path could read.
func (r Result) NeedsReview() []int {
	var out []int
	for _, p := range r.Pages {
		if p.NeedsReview() {
			out = append(out, p.Number)
		}
	}
	return out
}

// minText is the count of non-space characters below which a text layer is
// taken as "little or none" (a scan that carries only a page number or a
// stamp): the fallbacks are tried and kept if they read more.
const minText = 16

// minOCRConfidence is the mean word confidence OCR needs to replace a
// sparse text layer.
const minOCRConfidence = 0.7

// File extracts every page of the PDF at path. It is safe to call from
// several goroutines at once, one file each. It returns an error only when
// ctx ends or no page at all can be had (the child failed and the page count
// is unknown); otherwise a dead child is recorded in Result.Child and the
// pages it missed are read by the fallbacks.
func File(ctx context.Context, path string, opts Options) (Result, error) {
	if opts.Job == "" {
		opts.Job = JobText
	}
	if opts.Score == nil {
		opts.Score = garble.Of
	}
	lim := opts.Limits
	if lim.MaxPages <= 0 {
		lim.MaxPages = worker.DefaultLimits().MaxPages
	}
	wr, childErr := worker.Run(ctx, opts.Job, path, lim)
	res := Result{Truncated: wr.Truncated, PeakRSS: wr.PeakRSS}
	if ctx.Err() != nil {
		return res, fmt.Errorf("extract: %s: %w", path, ctx.Err())
	}
	n := len(wr.Pages)
	if childErr != nil {
		res.Child = childErr
		total, err := countPages(ctx, opts.Counter, path)
		switch {
		case err != nil && n == 0:
			return res, fmt.Errorf("extract: %s: %w (and no page count: %v)", path, childErr, err)
		case err == nil && total > lim.MaxPages:
			total, res.Truncated = lim.MaxPages, true
		}
		n = max(n, total)
	}
	res.Pages = make([]page.Page, n)
	var todo []int // indexes of pages that need a fallback
	for i := range n {
		if i < len(wr.Pages) {
			p, ok := judgeLayer(wr.Pages[i], opts.Score)
			res.Pages[i] = p
			if ok {
				continue
			}
		} else {
			res.Pages[i] = page.Page{Number: i + 1, Extractor: page.None, Note: "text layer lost: " + childErr.Error()}
			if ce := (*worker.ChildError)(nil); errors.As(childErr, &ce) {
				res.Pages[i].Note = fmt.Sprintf("text layer lost: decoder %v after page %d: %s", ce.Kind, ce.PagesDone, ce.Detail)
			}
		}
		todo = append(todo, i)
	}
	// OCR leaves the lines with place names of the file's pages to be
	// read again by its second model in one run for the file, not one a
	// page (see ocr.Names).
	var names *ocr.Names
	if b, ok := opts.OCR.(nameBatcher); ok {
		names = b.Names()
		opts.OCR = names
	}
	var g errgroup.Group
	g.SetLimit(max(opts.Workers, 1))
	for _, i := range todo {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error {
			res.Pages[i] = fallback(ctx, path, res.Pages[i], opts)
			return nil
		})
	}
	_ = g.Wait() // the pages carry their own failures
	if names != nil {
		names.Read(ctx, res.Pages)
	}
	if ctx.Err() != nil {
		return res, fmt.Errorf("extract: %s: %w", path, ctx.Err())
	}
	// A signed date OCR misread, checked against the file's other dates;
	// a year that cannot be (a title's 2692年) against the file's own; a
	// 文号's agency code against the provinces its lines name; a place's
	// name against its other readings in the file; an
	// original's 份号 read with letters for digits.
	ocr.CheckDates(res.Pages)
	ocr.CheckYears(res.Pages)
	ocr.CheckCopyNumber(res.Pages)
	ocr.CheckDocNumbers(res.Pages)
	ocr.CheckNames(res.Pages)
	return res, nil
}

func countPages(ctx context.Context, c PageCounter, path string) (int, error) {
	if c == nil {
		return 0, errors.New("no page counter")
	}
	return c.PageCount(ctx, path)
}

// judgeLayer scores a text-layer page. It returns the page as it stands and
// true when it is good; otherwise the page marked with why it is not (its
// text kept, for comparison with the fallbacks) and false.
func judgeLayer(p page.Page, score func(string) garble.Score) (page.Page, bool) {
	if p.Extractor == page.None {
		// The decoder gave up on this page and said why in Note.
		return p, false
	}
	text := p.PlainText()
	n := countText(text)
	switch {
	case n == 0:
		p.Extractor, p.Note = page.None, "no text layer (a scan?)"
		return p, false
	case n < minText:
		p.Extractor, p.Confidence = page.Text, score(text).Confidence
		p.Note = fmt.Sprintf("little text (%d characters; a scan?)", n)
		return p, false
	}
	s := score(text)
	if s.Garbled {
		p.Extractor, p.Confidence, p.Note = page.None, 0, "text layer garbled: "+s.Reason
		return p, false
	}
	p.Extractor, p.Confidence = page.Text, s.Confidence
	return p, true
}

// fallback tries poppler, then OCR, for a page whose text layer failed. cur
// is the page as judged so far: page.None, or sparse text worth keeping if
// nothing reads more.
func fallback(ctx context.Context, path string, cur page.Page, opts Options) page.Page {
	n := cur.Number
	reason := cur.Note
	best := cur
	bestLen := 0
	if cur.Extractor != page.None {
		bestLen = countText(cur.PlainText())
	}
	notes := []string{reason}
	if opts.Poppler != nil {
		p, err := opts.Poppler.Page(ctx, path, n)
		switch {
		case err != nil:
			notes = append(notes, "poppler: "+err.Error())
		case countText(p.PlainText()) == 0:
			notes = append(notes, "poppler: no text")
		default:
			s := opts.Score(p.PlainText())
			if s.Garbled {
				notes = append(notes, "poppler garbled: "+s.Reason)
				break
			}
			if l := countText(p.PlainText()); l > bestLen && l >= minText {
				p.Confidence, p.Note = s.Confidence, reason
				return p
			} else if l > bestLen {
				p.Confidence = s.Confidence
				best, bestLen = p, l
			}
		}
	}
	if opts.OCR == nil {
		notes = append(notes, "needs OCR: "+cmp.Or(opts.NoOCR, "OCR not configured"))
	} else {
		p, err := opts.OCR.Page(ctx, path, n)
		switch {
		case err != nil:
			notes = append(notes, "OCR: "+err.Error())
		case countText(p.PlainText()) == 0:
			notes = append(notes, "OCR: no text (a blank page?)")
		default:
			s := opts.Score(p.PlainText())
			if s.Garbled {
				notes = append(notes, "OCR garbled: "+s.Reason)
				break
			}
			// Over a sparse text layer, only a confident reading: a page
			// that really carries a dozen characters must not give way to
			// OCR's guesses at its ornaments.
			if l := countText(p.PlainText()); l > bestLen && (bestLen == 0 || p.Confidence >= minOCRConfidence) {
				// Why OCR, then what OCR did (red ink dropped out, page
				// turned).
				p.Note = joinNotes(reason, p.Note)
				return p
			}
			notes = append(notes, fmt.Sprintf("OCR not kept (confidence %.2f)", p.Confidence))
		}
	}
	best.Note = strings.Join(notes, "; ")
	if best.Extractor == page.None {
		best.Lines, best.Confidence = nil, 0
	}
	return best
}

// joinNotes joins the notes that are not empty with "; ".
func joinNotes(notes ...string) string {
	var out []string
	for _, n := range notes {
		if n != "" {
			out = append(out, n)
		}
	}
	return strings.Join(out, "; ")
}

// countText counts the characters of text that are not spaces.
func countText(text string) int {
	n := 0
	for _, r := range text {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}
