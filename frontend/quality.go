package frontend

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/gazette"
)

// The sampling proofread: the desk draws paragraphs at random from a
// year's machine-read documents, archivists read them against the print,
// and the desk estimates each year's character error rate.

const maxSample = 50

type qualityRow struct {
	Year int
	gazette.ErrorEstimate
	Rate, Low, High string
}

// batchQualityRow is a batch's estimate as the pages show it.
type batchQualityRow struct {
	editorial.BatchQuality
	Rate, Low, High string
}

func newBatchQualityRow(b editorial.BatchQuality) batchQualityRow {
	return batchQualityRow{BatchQuality: b, Rate: percent(b.Rate), Low: percent(b.Low), High: percent(b.High)}
}

type qualityView struct {
	Years   []qualityRow
	Batches []batchQualityRow
	Done    bool
	// The sample drawn, when one was asked for: of a year, or of a batch.
	Sample      []sampleItem
	SampleYear  int
	SampleBatch string
	Asked       bool
	Pool        int // machine-read paragraphs the sample was drawn from
}

type sampleItem struct {
	Doc       *gazette.Document
	Paragraph int
	Text      string
	PDF       string
}

func percent(x float64) string { return fmt.Sprintf("%.2f%%", 100*x) }

func (s *Server) qualityPage(c *gin.Context) {
	ctx, a := c.Request.Context(), actorOf(c)
	q, err := s.cfg.Editorial.Quality(ctx, a)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	v := qualityView{Done: c.Query("done") == "1"}
	for _, y := range q.Years {
		v.Years = append(v.Years, qualityRow{Year: y.Year, ErrorEstimate: y.ErrorEstimate, Rate: percent(y.Rate), Low: percent(y.Low), High: percent(y.High)})
	}
	for _, b := range q.Batches {
		v.Batches = append(v.Batches, newBatchQualityRow(b))
	}
	ys, batch := c.Query("year"), c.Query("batch")
	if ys == "" && batch == "" {
		s.editorPage(c, http.StatusOK, "editor_quality", "抽样校对", v)
		return
	}
	n, err := strconv.Atoi(c.DefaultQuery("n", "10"))
	if err != nil || n < 1 || n > maxSample {
		s.editorFail(c, gazette.ValidationError{{Field: "n", Problem: fmt.Sprintf("want 1–%d paragraphs", maxSample), Zh: fmt.Sprintf("段落数应为 1–%d", maxSample)}})
		return
	}
	var issues []gazette.Issue
	switch {
	case ys != "" && batch != "":
		err = gazette.ValidationError{{Field: "batch", Problem: "draw from a year or from a batch, not both", Zh: "请只选择年份或批次之一"}}
	case ys != "":
		if v.SampleYear, err = parseYear(ys); err == nil {
			issues, err = s.cfg.Archive.Issues(ctx, v.SampleYear)
		}
	default:
		v.SampleBatch = batch
		issues, err = s.batchIssues(c, batch)
	}
	if err != nil {
		s.editorFail(c, err)
		return
	}
	if v.Sample, v.Pool, err = s.drawSample(c, issues, n); err != nil {
		s.editorFail(c, err)
		return
	}
	v.Asked = true
	s.editorPage(c, http.StatusOK, "editor_quality", "抽样校对", v)
}

// batchIssues are the published issues batch id produced; those not (or
// no longer) in the archive have nothing to draw from.
func (s *Server) batchIssues(c *gin.Context, id string) ([]gazette.Issue, error) {
	ctx := c.Request.Context()
	keys, err := s.cfg.Editorial.BatchIssues(ctx, actorOf(c), id)
	if err != nil {
		return nil, err
	}
	var out []gazette.Issue
	for _, k := range keys {
		is, err := s.cfg.Archive.Issue(ctx, k)
		if errors.Is(err, gazette.ErrNotFound) {
			continue // scheduled, not yet out
		}
		if err != nil {
			return nil, err
		}
		out = append(out, *is)
	}
	return out, nil
}

// drawSample draws n paragraphs at random, without repeats, from the
// documents of issues whose text OCR read and no one proofread.
func (s *Server) drawSample(c *gin.Context, issues []gazette.Issue, n int) ([]sampleItem, int, error) {
	ctx := c.Request.Context()
	type unit struct {
		doc  *gazette.Document
		para int
	}
	var pool []unit
	for _, is := range issues {
		for _, e := range is.Contents {
			d, err := s.cfg.Archive.Document(ctx, e.ID)
			if err != nil {
				return nil, 0, err
			}
			if len(d.MachineRead()) == 0 {
				continue
			}
			for i, p := range d.Body {
				if p != "" {
					pool = append(pool, unit{d, i})
				}
			}
		}
	}
	rand.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	var out []sampleItem
	for _, u := range pool[:min(n, len(pool))] {
		out = append(out, sampleItem{Doc: u.doc, Paragraph: u.para, Text: u.doc.Body[u.para],
			PDF: issuePath(u.doc.Issue) + ".pdf#page=" + strconv.Itoa(u.doc.Pages.First)})
	}
	return out, len(pool), nil
}

// apiQuality answers the estimates per year and per batch.
func (s *Server) apiQuality(c *gin.Context) {
	q, err := s.cfg.Editorial.Quality(c.Request.Context(), actorOf(c))
	if err != nil {
		s.apiFail(c, err)
		return
	}
	c.JSON(http.StatusOK, q)
}

// recordProofPage stores one paragraph as read against the print. What
// OCR read is taken from the archive, never from the form.
func (s *Server) recordProofPage(c *gin.Context) {
	ctx := c.Request.Context()
	id, err := canonicalID(c.PostForm("document"))
	if err != nil {
		s.editorFail(c, err)
		return
	}
	para, err := strconv.Atoi(c.PostForm("paragraph"))
	if err != nil {
		s.editorFail(c, gazette.ValidationError{{Field: "paragraph", Problem: "want a paragraph number"}})
		return
	}
	d, err := s.cfg.Archive.Document(ctx, id)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	if para < 0 || para >= len(d.Body) {
		s.editorFail(c, gazette.ValidationError{{Field: "paragraph", Problem: fmt.Sprintf("the document has %d paragraphs", len(d.Body))}})
		return
	}
	p := gazette.Proof{Year: d.Issue.Year, Document: id, Paragraph: para, Read: d.Body[para], Printed: c.PostForm("printed")}
	if err := s.cfg.Editorial.RecordProof(ctx, actorOf(c), p); err != nil {
		s.editorFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/editor/quality?done=1")
}
