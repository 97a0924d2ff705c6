package frontend

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

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

type qualityView struct {
	Years []qualityRow
	Done  bool
	// The sample drawn, when one was asked for.
	Sample     []sampleItem
	SampleYear int
	Asked      bool
	Pool       int // machine-read paragraphs the sample was drawn from
}

type sampleItem struct {
	Doc       *gazette.Document
	Paragraph int
	Text      string
	PDF       string
}

func percent(x float64) string { return fmt.Sprintf("%.2f%%", 100*x) }

func (s *Server) qualityPage(c *gin.Context) {
	ctx := c.Request.Context()
	proofs, err := s.cfg.Editorial.Proofs(ctx, actorOf(c), 0)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	byYear := map[int][]gazette.Proof{}
	for _, p := range proofs {
		byYear[p.Year] = append(byYear[p.Year], p)
	}
	v := qualityView{Done: c.Query("done") == "1"}
	for y, ps := range byYear {
		e := gazette.EstimateErrorRate(ps)
		v.Years = append(v.Years, qualityRow{Year: y, ErrorEstimate: e, Rate: percent(e.Rate), Low: percent(e.Low), High: percent(e.High)})
	}
	slices.SortFunc(v.Years, func(a, b qualityRow) int { return b.Year - a.Year })
	if ys := c.Query("year"); ys != "" {
		year, err := parseYear(ys)
		if err != nil {
			s.editorFail(c, err)
			return
		}
		n, err := strconv.Atoi(c.DefaultQuery("n", "10"))
		if err != nil || n < 1 || n > maxSample {
			s.editorFail(c, gazette.ValidationError{{Field: "n", Problem: fmt.Sprintf("want 1–%d paragraphs", maxSample)}})
			return
		}
		if v.Sample, v.Pool, err = s.drawSample(c, year, n); err != nil {
			s.editorFail(c, err)
			return
		}
		v.SampleYear, v.Asked = year, true
	}
	s.editorPage(c, http.StatusOK, "editor_quality", "抽样校对", v)
}

// drawSample draws n paragraphs at random, without repeats, from the
// documents of year whose text OCR read and no one proofread.
func (s *Server) drawSample(c *gin.Context, year, n int) ([]sampleItem, int, error) {
	ctx := c.Request.Context()
	issues, err := s.cfg.Archive.Issues(ctx, year)
	if err != nil {
		return nil, 0, err
	}
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
