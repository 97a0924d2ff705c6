package frontend_test

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/ocr"
	"github.com/gazette-archive/gazette/ingest/report"
	"github.com/gazette-archive/gazette/ingest/typeset"
)

// pagesFixture is a server whose editorial service renders page images
// with poppler, as `gazette serve` wires it, and a draft holding a
// typeset issue of pages pages.
type pagesFixture struct {
	*edFixture
	draft   *editorial.Draft
	pages   int
	renders atomic.Int32
}

func newPagesFixture(t *testing.T, withRenderer bool) *pagesFixture {
	t.Helper()
	ctx := context.Background()
	res, err := typeset.Generate(ctx, typeset.Options{Seed: 7, Encoding: typeset.GBKEUC, Documents: 3})
	if err != nil {
		t.Fatal(err)
	}
	pf := &pagesFixture{pages: len(res.Truth.Pages)}
	// The pipeline's metadata is not under test: the split reports the
	// issue's pages and one document over all of them.
	split := func(ctx context.Context, path string) (*report.Result, error) {
		return &report.Result{
			Issue:     report.IssueMeta{Year: 2026, Number: 5, Date: gazette.Date{Year: 2026, Month: 3, Day: 10}},
			Documents: []report.Document{{Title: "苍梧省公共数据资源管理办法", Kind: gazette.KindRule, PageStart: 1, PageEnd: pf.pages}},
			Pages:     make([]report.PageReport, pf.pages),
		}, nil
	}
	cfg := editorial.Config{Split: split, TempDir: t.TempDir(), Argon: editorial.Argon2Params{Memory: 64, Time: 1, Threads: 1}}
	if withRenderer {
		r, err := ocr.NewRenderer(ocr.Limits{})
		if errors.Is(err, ocr.ErrNotInstalled) {
			t.Skipf("page images need poppler: %v", err)
		}
		if err != nil {
			t.Fatal(err)
		}
		cfg.Render = func(ctx context.Context, path string, n, dpi int) ([]byte, error) {
			pf.renders.Add(1)
			return r.PNG(ctx, path, n, dpi)
		}
	}
	clk := &testClock{t: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	blobs := archivetest.NewMemBlobs()
	arch := archive.New(blobs, nil, nil, archive.WithClock(clk.Now))
	cfg.Blobs, cfg.Archive, cfg.Now = blobs, arch, clk.Now
	ed, err := editorial.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for name, role := range edUsers {
		if err := ed.AddUser(ctx, editorial.CommandLine("test"), name, role, edPassword); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := frontend.New(frontend.Config{Archive: arch, Editorial: ed, PublicURL: publicURL, APIRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	pf.edFixture = &edFixture{srv: srv, arch: arch, ed: ed, clock: clk}
	author := editorial.Actor{User: "ed.one", Role: editorial.RoleEditor, Addr: "test"}
	d, err := ed.CreateDraft(ctx, author)
	if err != nil {
		t.Fatal(err)
	}
	if pf.draft, err = ed.UploadPDF(ctx, author, d.ID, d.ETag, bytes.NewReader(res.PDF)); err != nil {
		t.Fatal(err)
	}
	return pf
}

// checkPageImage checks that rec is a PNG image of an A4 page at
// editorial.PageDPI, with some ink on it, never cached.
func checkPageImage(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/png" {
		t.Fatalf("page image = %d %q: %.300s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	if rec.Header().Get("ETag") == "" {
		t.Error("no ETag")
	}
	img, err := png.Decode(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatalf("not a PNG image: %v", err)
	}
	// A4 is 595.28×841.89 pt: two pixels a point at 144 dpi.
	want := func(pt float64) int { return int(pt*editorial.PageDPI/72 + 0.999) }
	if b := img.Bounds(); abs(b.Dx()-want(595.28)) > 2 || abs(b.Dy()-want(841.89)) > 2 {
		t.Errorf("page image is %d×%d, want A4 at %d dpi, %d×%d", b.Dx(), b.Dy(), editorial.PageDPI, want(595.28), want(841.89))
	}
	b := img.Bounds()
	dark := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			if r, g, bl, _ := img.At(x, y).RGBA(); r+g+bl < 3*0x8000 {
				dark++
			}
		}
	}
	if dark < 200 {
		t.Errorf("the page image is blank (%d dark pixels sampled)", dark)
	}
}

func abs(n int) int { return max(n, -n) }

func TestEditorPageImage(t *testing.T) {
	f := newPagesFixture(t, true)
	if f.pages < 3 {
		t.Fatalf("the typeset issue has %d pages, want at least 3", f.pages)
	}
	cl := f.signIn(t, "ed.one")
	base := "/editor/drafts/" + f.draft.ID + "/pages/"

	rec := cl.get(base + "2.png")
	checkPageImage(t, rec)
	etag := rec.Header().Get("ETag")
	if n := f.renders.Load(); n != 1 {
		t.Errorf("%d renders for the first request, want 1", n)
	}
	// Asked again: read back from storage, not drawn again; a client
	// holding the image is told it has not changed.
	checkPageImage(t, cl.get(base+"2.png"))
	req := httptest.NewRequest("GET", base+"2.png", nil)
	req.Header.Set("If-None-Match", etag)
	if rec := cl.do(req); rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match the ETag = %d, want 304", rec.Code)
	}
	if rec := cl.do(httptest.NewRequest("HEAD", base+"2.png", nil)); rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/png" {
		t.Errorf("HEAD = %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if n := f.renders.Load(); n != 1 {
		t.Errorf("%d renders after asking for the same page again, want 1", n)
	}
	if rec := cl.get(base + "1.png"); rec.Code != http.StatusOK || rec.Header().Get("ETag") == etag {
		t.Errorf("page 1 = %d with ETag %q (page 2's is %q)", rec.Code, rec.Header().Get("ETag"), etag)
	}

	// Malformed page numbers and pages outside the PDF name nothing: 404,
	// never a 500.
	for _, tc := range []struct{ name, path string }{
		{"without .png", base + "2"},
		{"page zero", base + "0.png"},
		{"negative", base + "-1.png"},
		{"leading zero", base + "02.png"},
		{"plus sign", base + "+2.png"},
		{"not a number", base + "x.png"},
		{"empty", base + ".png"},
		{"overflow", base + "99999999999999999999999.png"},
		{"other extension", base + "2.jpg"},
		{"past the end", base + "99.png"},
		{"no such draft", "/editor/drafts/" + strings.Repeat("0", 32) + "/pages/1.png"},
		{"malformed draft", "/editor/drafts/nope/pages/1.png"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if rec := cl.get(tc.path); rec.Code != http.StatusNotFound {
				t.Errorf("GET %s = %d, want 404", tc.path, rec.Code)
			}
		})
	}
	if n := f.renders.Load(); n != 2 {
		t.Errorf("%d renders after the refusals, want 2 (pages 1 and 2)", n)
	}
	// Not signed in: to the sign-in page, no image.
	anon := &client{f: f.edFixture}
	if rec := anon.get(base + "1.png"); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/editor/signin") {
		t.Errorf("anonymous = %d %q", rec.Code, rec.Header().Get("Location"))
	}
	// A draft with no PDF yet has no pages.
	empty, err := f.ed.CreateDraft(context.Background(), editorial.Actor{User: "ed.one", Role: editorial.RoleEditor, Addr: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if rec := cl.get("/editor/drafts/" + empty.ID + "/pages/1.png"); rec.Code != http.StatusNotFound {
		t.Errorf("page of a draft without PDF = %d, want 404", rec.Code)
	}
}

func TestEditorPageImageAPI(t *testing.T) {
	f := newPagesFixture(t, true)
	spec := editorSpec(t, f.srv)
	openapi3filter.RegisterBodyDecoder("image/png", openapi3filter.FileBodyDecoder)
	tok, _, err := f.ed.CreateToken(context.Background(), editorial.Actor{User: "ed.one", Role: editorial.RoleEditor, Addr: "test"}, "ci", 0)
	if err != nil {
		t.Fatal(err)
	}
	base := "/api/v1/editor/drafts/" + f.draft.ID + "/pages/"
	checkPageImage(t, apiCall(t, f.edFixture, spec, tok, "GET", base+"3", "", nil))
	for _, tc := range []struct {
		name, token, path string
		want              int
	}{
		{"past the end", tok, base + "99", http.StatusNotFound},
		{"page zero", tok, base + "0", http.StatusNotFound},
		{"not a number", tok, base + "three", http.StatusNotFound},
		{"the editor pages' form", tok, base + "3.png", http.StatusNotFound},
		{"no token", "", base + "3", http.StatusUnauthorized},
		{"wrong token", "gz_nonsense", base + "3", http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", tc.path, nil)
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			rec := httptest.NewRecorder()
			f.srv.ServeHTTP(rec, req)
			if rec.Code != tc.want || rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("GET %s = %d %q, want %d problem+json", tc.path, rec.Code, rec.Header().Get("Content-Type"), tc.want)
			}
			checkSpec(t, spec, req, nil, rec)
		})
	}
}

// TestEditorPageImageWithoutPoppler: a server without poppler says there
// is no image (404, with why), not that it failed.
func TestEditorPageImageWithoutPoppler(t *testing.T) {
	f := newPagesFixture(t, false)
	cl := f.signIn(t, "ed.one")
	rec := cl.get("/editor/drafts/" + f.draft.ID + "/pages/1.png")
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "poppler") {
		t.Errorf("without a renderer = %d: %.500s", rec.Code, rec.Body)
	}
}
