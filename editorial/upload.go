package editorial

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/report"
)

// UploadPDF stores the print PDF of a draft (content-addressed), runs the
// ingest pipeline on it and replaces the draft's documents with what it
// found; the cover's year, number and total number, where it shows them,
// replace the suggested ones. ifMatch is the draft's ETag, as for Save.
// Editors and above. Errors: gazette.ErrInvalid (not a PDF, too large,
// ErrUnreadablePDF), gazette.ErrConflict, ErrState, and the context's.
func (s *Service) UploadPDF(ctx context.Context, a Actor, id, ifMatch string, pdf io.Reader) (*Draft, error) {
	const action = "draft.upload"
	if err := s.authorize(ctx, a, RoleEditor, action, "draft/"+id); err != nil {
		return nil, err
	}
	if s.cfg.Split == nil {
		return nil, fmt.Errorf("editorial: no ingest pipeline configured: %w", gazette.ErrInvalid)
	}
	cur, err := s.loadDraft(ctx, id)
	if err != nil {
		return nil, err
	}
	if ifMatch == "" {
		return nil, fmt.Errorf("editorial: upload to draft %s: %w", id, ErrNoETag)
	}
	if cur.ETag != ifMatch {
		return nil, fmt.Errorf("editorial: draft %s was changed by %s: %w", id, cur.UpdatedBy, ErrStale)
	}
	if err := stateErr(cur, "upload to", StateDrafting); err != nil {
		return nil, s.deny(ctx, a, action, "draft/"+id, err)
	}
	f, sum, size, err := s.spool(pdf)
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if _, err := s.blobs.Put(ctx, pdfKey(id, sum), f, size, gazette.PutOptions{IfAbsent: true, ContentType: "application/pdf"}); err != nil && !errors.Is(err, gazette.ErrExist) {
		return nil, fmt.Errorf("editorial: store PDF of draft %s: %w", id, err)
	}
	res, err := s.cfg.Split(ctx, f.Name())
	if err != nil && ctx.Err() == nil {
		return nil, fmt.Errorf("editorial: split PDF of draft %s: %w: %w", id, ErrUnreadablePDF, err)
	}
	if err != nil {
		return nil, fmt.Errorf("editorial: split PDF of draft %s: %w", id, err)
	}
	return s.transition(ctx, a, id, ifMatch, action, func(d *Draft) (string, error) {
		if err := stateErr(d, "upload to", StateDrafting); err != nil {
			return "", err
		}
		fromResult(d, res, gazette.PrintPDF{SHA256: sum, Size: size}, s.now())
		edited(d, a)
		return fmt.Sprintf("PDF %s, %d bytes, %d documents", sum, size, len(d.Documents)), nil
	})
}

// spool copies an upload to a temporary file, hashing it, within the size
// limit, and checks it starts like a PDF. The caller removes the file.
func (s *Service) spool(r io.Reader) (*os.File, string, int64, error) {
	f, err := os.CreateTemp(s.cfg.TempDir, "gazette-upload-*.pdf")
	if err != nil {
		return nil, "", 0, fmt.Errorf("editorial: spool upload: %w", err)
	}
	fail := func(err error) (*os.File, string, int64, error) {
		f.Close()
		os.Remove(f.Name())
		return nil, "", 0, err
	}
	h := sha256.New()
	size, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(r, s.cfg.MaxPDFBytes+1))
	switch {
	case err != nil:
		return fail(fmt.Errorf("editorial: spool upload: %w", err))
	case size > s.cfg.MaxPDFBytes:
		return fail(fmt.Errorf("editorial: PDF larger than %d bytes: %w", s.cfg.MaxPDFBytes, ErrTooLarge))
	}
	head := make([]byte, 5)
	if _, err := f.ReadAt(head, 0); err != nil || string(head) != "%PDF-" {
		return fail(fmt.Errorf("editorial: upload has no %%PDF- header: %w", ErrNotPDF))
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fail(fmt.Errorf("editorial: spool upload: %w", err))
	}
	return f, hex.EncodeToString(h.Sum(nil)), size, nil
}

// fromResult fills a draft from the pipeline's result.
func fromResult(d *Draft, r *report.Result, pdf gazette.PrintPDF, now time.Time) {
	m := r.Issue
	d.Review = slices.Clone(r.Review)
	// The cover's numbers replace what the form held, and the editor is
	// told so: a number chosen by hand never changes in silence.
	if m.Year > 0 && m.Number > 0 {
		key := gazette.IssueKey{Year: m.Year, Number: m.Number, Supplement: m.Supplement}
		if key != d.Issue.IssueKey {
			d.Review = append(d.Review, fmt.Sprintf("期号按 PDF 封面改为%s（原为%s）", key.Label(), d.Issue.Key().Label()))
		}
		d.Issue.IssueKey = key
	}
	if m.TotalNumber > 0 {
		if d.Issue.TotalNumber > 0 && m.TotalNumber != d.Issue.TotalNumber {
			d.Review = append(d.Review, fmt.Sprintf("总期号按 PDF 封面改为%d（原为%d）", m.TotalNumber, d.Issue.TotalNumber))
		}
		d.Issue.TotalNumber = m.TotalNumber
	}
	if m.Gazette != "" && d.Issue.Gazette == "" {
		d.Issue.Gazette = m.Gazette
	}
	pages := len(r.Pages)
	d.Documents = make([]gazette.Document, len(r.Documents))
	for i, x := range r.Documents {
		pages = max(pages, x.PageEnd)
		d.Documents[i] = x.Domain(report.ValidityDay(m.Date, now), r.Pages)
		d.Documents[i].Published = m.Date
	}
	pdf.Pages = pages
	d.Issue.PDF = pdf
	d.Pages = pageTexts(r, d.Documents)
	d.renumber()
}

// OpenPDF opens a draft's print PDF for review. Editors and above. Errors:
// gazette.ErrNotFound (no draft, or no PDF uploaded yet).
func (s *Service) OpenPDF(ctx context.Context, a Actor, id string) (io.ReadSeekCloser, gazette.ObjectInfo, error) {
	if err := s.authorize(ctx, a, RoleEditor, "draft.pdf", "draft/"+id); err != nil {
		return nil, gazette.ObjectInfo{}, err
	}
	d, err := s.loadDraft(ctx, id)
	if err != nil {
		return nil, gazette.ObjectInfo{}, err
	}
	if d.Issue.PDF.SHA256 == "" {
		return nil, gazette.ObjectInfo{}, fmt.Errorf("editorial: draft %s has no PDF yet: %w", id, gazette.ErrNotFound)
	}
	return s.blobs.Open(ctx, pdfKey(id, d.Issue.PDF.SHA256))
}
