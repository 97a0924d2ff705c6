package editorial

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/gazette-archive/gazette/gazette"
)

// RenderFunc draws page (1-based) of the PDF file at pdfPath as a PNG image
// at dpi dots per inch. It fails with gazette.ErrNotFound when the PDF has
// no such page. The PDF is an editor's upload: the function must bound the
// time and memory it spends on it. It must be safe for concurrent use.
type RenderFunc func(ctx context.Context, pdfPath string, page, dpi int) ([]byte, error)

// ErrNoRenderer reports page images asked of a service configured without
// Config.Render (poppler is not installed). It wraps gazette.ErrNotFound:
// there is no image to be had, and the print PDF remains.
var ErrNoRenderer = fmt.Errorf("editorial: page images are not available (no renderer: install poppler-utils): %w", gazette.ErrNotFound)

// PageDPI is the resolution of page images: two pixels a point, so an A4
// page is 1191×1684 pixels, sharp when shown at its natural size on the
// double-density screens of phones and laptops and still readable when
// zoomed on a phone. A text page is about 60 KB of PNG, a scanned one
// 200–700 KB.
const PageDPI = 144

// pageKey is where the image of page n of the PDF whose SHA-256 is sum is
// kept, beside the PDF: its name depends only on the content it is drawn
// from, which never changes under one SHA-256, so it never goes stale and
// every replica can use it. DeleteDraft removes it with the draft's prefix.
func pageKey(id, sum string, n, dpi int) string {
	return draftsPrefix + id + "/pages/" + sum + "-" + strconv.Itoa(n) + "-" + strconv.Itoa(dpi) + ".png"
}

// RendersPages reports whether the service can draw page images (Config.
// Render is set); without it PageImage fails with ErrNoRenderer and the
// review desk shows the print PDF only.
func (s *Service) RendersPages() bool { return s.cfg.Render != nil }

// PageImage opens the image of page (1-based) of a draft's print PDF, as a
// PNG at PageDPI, for reviewing the fields read from it. The first request
// for a page renders it and keeps it in storage beside the PDF; later ones,
// on any replica, read it back. info.Key names the image's content (the
// PDF's SHA-256, the page and the resolution): it changes whenever the
// image would, so it can serve as an HTTP ETag. Editors and above, in any
// state of the draft. Errors: gazette.ErrNotFound (no draft, no PDF
// uploaded yet, a page outside the PDF), ErrNoRenderer, gazette.ErrCorrupt
// (the stored PDF does not match its SHA-256), and the renderer's
// failures.
func (s *Service) PageImage(ctx context.Context, a Actor, id string, page int) (io.ReadSeekCloser, gazette.ObjectInfo, error) {
	if err := s.authorize(ctx, a, RoleEditor, "draft.page", "draft/"+id); err != nil {
		return nil, gazette.ObjectInfo{}, err
	}
	d, err := s.loadDraft(ctx, id)
	if err != nil {
		return nil, gazette.ObjectInfo{}, err
	}
	pdf := d.Issue.PDF
	if pdf.SHA256 == "" {
		return nil, gazette.ObjectInfo{}, fmt.Errorf("editorial: draft %s has no PDF yet: %w", id, gazette.ErrNotFound)
	}
	if page < 1 || page > pdf.Pages {
		return nil, gazette.ObjectInfo{}, fmt.Errorf("editorial: draft %s: the PDF has no page %d (it has %d): %w", id, page, pdf.Pages, gazette.ErrNotFound)
	}
	key := pageKey(id, pdf.SHA256, page, PageDPI)
	rc, info, err := s.blobs.Open(ctx, key)
	if err == nil {
		return rc, info, nil
	}
	if !errors.Is(err, gazette.ErrNotFound) {
		return nil, gazette.ObjectInfo{}, fmt.Errorf("editorial: page %d of draft %s: %w", page, id, err)
	}
	if s.cfg.Render == nil {
		return nil, gazette.ObjectInfo{}, ErrNoRenderer
	}
	png, err := s.renderPage(ctx, id, pdf.SHA256, page)
	if err != nil {
		return nil, gazette.ObjectInfo{}, fmt.Errorf("editorial: page %d of draft %s: %w", page, id, err)
	}
	info, err = s.blobs.Put(ctx, key, bytes.NewReader(png), int64(len(png)), gazette.PutOptions{IfAbsent: true, ContentType: "image/png"})
	switch {
	case errors.Is(err, gazette.ErrExist):
		// Another request drew it meanwhile: serve what is stored.
		if rc, info, err := s.blobs.Open(ctx, key); err == nil {
			return rc, info, nil
		}
	case err != nil:
		// The image is good; only the next request pays for the failure.
		s.log.WarnContext(ctx, "editorial: keep page image", "key", key, "err", err)
	}
	info.Key, info.Size = key, int64(len(png))
	if info.Modified.IsZero() {
		info.Modified = s.now()
	}
	return readSeekNopCloser{bytes.NewReader(png)}, info, nil
}

// renderPage copies the draft's stored PDF to a temporary file, checking
// it against its SHA-256 (an image kept under that name must be of that
// PDF), and draws page n of it.
func (s *Service) renderPage(ctx context.Context, id, sum string, n int) ([]byte, error) {
	path, err := s.spoolStored(ctx, id, sum)
	if err != nil {
		return nil, err
	}
	defer os.Remove(path)
	png, err := s.cfg.Render(ctx, path, n, PageDPI)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	// What is kept is kept for good: never a truncated or foreign image.
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		return nil, errors.New("render: the renderer gave no PNG image")
	}
	return png, nil
}

// spoolStored copies a draft's stored PDF to a temporary file for a tool
// to read, checking it against its SHA-256 (what is drawn or read from it
// is kept under that name). The caller removes the file.
func (s *Service) spoolStored(ctx context.Context, id, sum string) (string, error) {
	src, _, err := s.blobs.Open(ctx, pdfKey(id, sum))
	if err != nil {
		return "", fmt.Errorf("open PDF: %w", err)
	}
	defer src.Close()
	f, err := os.CreateTemp(s.cfg.TempDir, "gazette-page-*.pdf")
	if err != nil {
		return "", fmt.Errorf("spool PDF: %w", err)
	}
	fail := func(err error) (string, error) {
		f.Close()
		os.Remove(f.Name())
		return "", err
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(src, s.cfg.MaxPDFBytes+1)); err != nil {
		return fail(fmt.Errorf("spool PDF: %w", err))
	}
	if err := f.Close(); err != nil {
		return fail(fmt.Errorf("spool PDF: %w", err))
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sum {
		return fail(fmt.Errorf("stored PDF %s has SHA-256 %s: %w", sum, got, gazette.ErrCorrupt))
	}
	return f.Name(), nil
}

// readSeekNopCloser serves an image drawn in memory.
type readSeekNopCloser struct{ *bytes.Reader }

func (readSeekNopCloser) Close() error { return nil }
