package frontend

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/report"
)

// Reading a page of a draft in review again by OCR, and recording it as
// proofread: the forms beside each page image, and POST
// /api/v1/editor/drafts/{id}/pages/{n}/ocr and .../proofread.

// ocrOptions are the settings the re-reading form offers.
type ocrOptions struct {
	DPIs      []int
	Modes     []report.OCRMode
	Rotations []int
}

var ocrChoices = ocrOptions{DPIs: report.OCRDPIs, Modes: report.OCRModes, Rotations: report.OCRRotations}

// rereadLabel says when, by whom and how a page was last read again; ""
// while it is as ingest read it.
func rereadLabel(pages []editorial.PageText, n int) (string, report.OCRSettings) {
	for _, p := range pages {
		if p.Page != n || p.Reread == nil {
			continue
		}
		s := p.Reread.Settings
		mode := strconv.Itoa(s.PSM)
		for _, m := range report.OCRModes {
			if m.PSM == s.PSM {
				mode = m.Label
			}
		}
		return fmt.Sprintf("%s 由 %s 按 %d dpi、%s、旋转 %d° 重新识别", releaseLabel(p.Reread.At), p.Reread.By, s.DPI, mode, s.Rotation), s
	}
	return "", report.DefaultOCRSettings
}

// draftAndPage reads the draft and its page from the URL: a page that is not
// a number is a field to fix, as one out of range is.
func draftAndPage(c *gin.Context) (id string, n int, err error) {
	if id, err = draftID(c); err != nil {
		return "", 0, err
	}
	raw := c.Param("page")
	n, err = strconv.Atoi(raw)
	if err != nil || strings.Trim(raw, "0123456789") != "" {
		return "", 0, gazette.ValidationError{{Field: "page", Problem: fmt.Sprintf("%q is not a page number", raw), Zh: fmt.Sprintf("“%s”不是页码", raw)}}
	}
	return id, n, nil
}

// formSetting reads one setting of the re-reading form; a value that is
// not a whole number is named, never taken for zero.
func formSetting(c *gin.Context, name string, bad *gazette.ValidationError) int {
	raw := strings.TrimSpace(c.PostForm(name))
	n, err := strconv.Atoi(raw)
	if err != nil {
		*bad = append(*bad, gazette.FieldError{Field: name, Problem: fmt.Sprintf("%q is not a whole number", raw), Zh: fmt.Sprintf("“%s”不是整数，请从列表中选择", raw)})
	}
	return n
}

// rereadPage reads a page again from the form beside its image and goes
// back to the document shown, at that page.
func (s *Server) rereadPage(c *gin.Context) {
	id, n, err := draftAndPage(c)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	var bad gazette.ValidationError
	set := report.OCRSettings{DPI: formSetting(c, "dpi", &bad), PSM: formSetting(c, "psm", &bad), Rotation: formSetting(c, "rotation", &bad)}
	if len(bad) > 0 {
		s.editorFail(c, bad)
		return
	}
	d, err := s.cfg.Editorial.RereadPage(c.Request.Context(), actorOf(c), id, c.PostForm("etag"), n, set)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, pageDoneURL(c, d, "reread", n))
}

// pageDoneURL is the draft's page showing the document the form was
// posted from (doc), at page n, saying what was done to it (?reread=n).
func pageDoneURL(c *gin.Context, d *editorial.Draft, done string, n int) string {
	doc, _ := strconv.Atoi(c.PostForm("doc"))
	if doc < 0 || doc > len(d.Documents) {
		doc = 0
	}
	to := draftURL(d.ID, doc, false)
	sep := "?"
	if strings.Contains(to, "?") {
		sep = "&"
	}
	return fmt.Sprintf("%s%s%s=%d#page-%d", to, sep, done, n, n)
}

// apiReread reads a page again: a JSON object with dpi, psm and rotation
// (all required), on condition of If-Match; it answers the draft.
func (s *Server) apiReread(c *gin.Context) {
	id, n, err := draftAndPage(c)
	if err != nil {
		s.apiFail(c, err)
		return
	}
	var body struct {
		DPI      *int `json:"dpi"`
		PSM      *int `json:"psm"`
		Rotation *int `json:"rotation"`
	}
	dec := json.NewDecoder(io.LimitReader(c.Request.Body, 4<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		if errors.Is(err, io.EOF) {
			err = errors.New("empty body")
		}
		s.apiFail(c, fmt.Errorf("settings: want {\"dpi\": 300, \"psm\": 6, \"rotation\": 90}: %v: %w", err, gazette.ErrInvalid))
		return
	}
	var missing gazette.ValidationError
	need := func(p *int, name, zh string) int {
		if p == nil {
			missing = append(missing, gazette.FieldError{Field: name, Problem: "missing", Zh: "缺少" + zh})
			return 0
		}
		return *p
	}
	set := report.OCRSettings{DPI: need(body.DPI, "dpi", "分辨率"), PSM: need(body.PSM, "psm", "版面分析方式"), Rotation: need(body.Rotation, "rotation", "旋转角度")}
	if len(missing) > 0 {
		s.apiFail(c, missing)
		return
	}
	d, err := s.cfg.Editorial.RereadPage(c.Request.Context(), actorOf(c), id, ifMatch(c), n, set)
	if err != nil {
		s.apiFail(c, err)
		return
	}
	s.writeDraft(c, http.StatusOK, d)
}

// proofreadPage records that the page was read against the print (the
// button beside its image) and goes back to the document shown.
func (s *Server) proofreadPage(c *gin.Context) {
	id, n, err := draftAndPage(c)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	d, err := s.cfg.Editorial.ProofreadPage(c.Request.Context(), actorOf(c), id, c.PostForm("etag"), n)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, pageDoneURL(c, d, "proofread", n))
}

// apiProofread records that a page was read against the print, on
// condition of If-Match; it answers the draft.
func (s *Server) apiProofread(c *gin.Context) {
	id, n, err := draftAndPage(c)
	if err != nil {
		s.apiFail(c, err)
		return
	}
	d, err := s.cfg.Editorial.ProofreadPage(c.Request.Context(), actorOf(c), id, ifMatch(c), n)
	if err != nil {
		s.apiFail(c, err)
		return
	}
	s.writeDraft(c, http.StatusOK, d)
}
