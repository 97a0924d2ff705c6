package editorial

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

// fakeRender stands in for poppler: it checks that it was given the
// spooled PDF and returns a PNG-signed image naming the page and the
// resolution, counting its calls.
type fakeRender struct {
	mu    sync.Mutex
	calls int
	pdf   []byte // the PDF every call must see
	err   error
	out   []byte // returned instead of the image when set
}

func (r *fakeRender) render(ctx context.Context, path string, page, dpi int) ([]byte, error) {
	r.mu.Lock()
	r.calls++
	r.mu.Unlock()
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(raw, r.pdf) {
		return nil, fmt.Errorf("fake render: given %q, not the draft's PDF", raw)
	}
	if r.err != nil {
		return nil, r.err
	}
	if r.out != nil {
		return r.out, nil
	}
	return fakePNG(page, dpi), nil
}

func (r *fakeRender) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls
}

func fakePNG(page, dpi int) []byte {
	return fmt.Appendf([]byte("\x89PNG\r\n\x1a\n"), "page %d at %d dpi", page, dpi)
}

func readAll(t *testing.T, rc io.ReadSeekCloser) []byte {
	t.Helper()
	defer rc.Close()
	raw, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestPageImage(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			blobs := be.open(t)
			r := &fakeRender{pdf: testPDF}
			f := newFixture(t, blobs, func(c *Config) { c.Render = r.render })
			// A second replica over the same storage.
			other := newFixture(t, blobs, func(c *Config) { c.Render = r.render }).svc
			author := f.user(t, "editor.one", RoleEditor).Actor
			d := prepared(t, f, author) // fakeSplit: 4 pages

			rc, info, err := f.svc.PageImage(ctx, author, d.ID, 3)
			if err != nil {
				t.Fatal(err)
			}
			if got := readAll(t, rc); !bytes.Equal(got, fakePNG(3, PageDPI)) || info.Size != int64(len(got)) {
				t.Fatalf("page 3 = %q (size %d)", got, info.Size)
			}
			if info.Key != pageKey(d.ID, d.Issue.PDF.SHA256, 3, PageDPI) || info.Modified.IsZero() {
				t.Errorf("info = %+v", info)
			}
			// Drawn once: the second request, on either replica, reads
			// what was kept.
			for _, svc := range []*Service{f.svc, other} {
				rc, info2, err := svc.PageImage(ctx, author, d.ID, 3)
				if err != nil {
					t.Fatal(err)
				}
				if got := readAll(t, rc); !bytes.Equal(got, fakePNG(3, PageDPI)) || info2.Key != info.Key {
					t.Errorf("page 3 again = %q, %+v", got, info2)
				}
			}
			if n := r.count(); n != 1 {
				t.Errorf("rendered %d times, want once", n)
			}
			if _, _, err := other.PageImage(ctx, author, d.ID, 4); err != nil || r.count() != 2 {
				t.Errorf("page 4: %v after %d renders, want a second render", err, r.count())
			}
			// Deleting the draft deletes its images with it.
			if err := f.svc.DeleteDraft(ctx, author, d.ID, d.ETag); err != nil {
				t.Fatal(err)
			}
			if left, err := blobs.List(ctx, draftsPrefix+d.ID+"/"); err != nil || len(left) != 0 {
				t.Errorf("after delete, the draft's prefix holds %v (%v)", left, err)
			}
		})
	}
}

func TestPageImageRefused(t *testing.T) {
	ctx := context.Background()
	r := &fakeRender{pdf: testPDF}
	f := newFixture(t, newMem(), func(c *Config) { c.Render = r.render })
	editor := f.user(t, "editor.one", RoleEditor).Actor
	d := prepared(t, f, editor)
	empty, err := f.svc.CreateDraft(ctx, editor)
	if err != nil {
		t.Fatal(err)
	}
	since := f.clock.Now()
	tests := []struct {
		name  string
		actor Actor
		id    string
		page  int
		want  error
	}{
		{name: "no one", actor: Actor{Addr: "203.0.113.1"}, id: d.ID, page: 1, want: ErrUnauthenticated},
		{name: "unknown role", actor: Actor{User: "mallory", Role: "superuser"}, id: d.ID, page: 1, want: ErrForbidden},
		{name: "page zero", actor: editor, id: d.ID, page: 0, want: gazette.ErrNotFound},
		{name: "negative page", actor: editor, id: d.ID, page: -1, want: gazette.ErrNotFound},
		{name: "page past the end", actor: editor, id: d.ID, page: 5, want: gazette.ErrNotFound},
		{name: "draft without a PDF", actor: editor, id: empty.ID, page: 1, want: gazette.ErrNotFound},
		{name: "no such draft", actor: editor, id: strings.Repeat("ab", 16), page: 1, want: gazette.ErrNotFound},
		{name: "malformed draft ID", actor: editor, id: "../users", page: 1, want: gazette.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rc, _, err := f.svc.PageImage(ctx, tc.actor, tc.id, tc.page)
			if err == nil {
				rc.Close()
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("PageImage: %v, want %v", err, tc.want)
			}
		})
	}
	if n := r.count(); n != 0 {
		t.Errorf("refused requests rendered %d times", n)
	}
	entries, err := f.svc.Audit(ctx, f.admin, since, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	denied := 0
	for _, e := range entries {
		if e.Action == "draft.page" && e.Outcome == OutcomeDenied {
			denied++
		}
	}
	if denied != 2 {
		t.Errorf("%d refusals audited, want 2", denied)
	}
}

func TestPageImageFailures(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		render *fakeRender // nil: no renderer configured
		// corrupt replaces the stored PDF's bytes.
		corrupt bool
		want    error
	}{
		{name: "no renderer", want: ErrNoRenderer},
		{name: "renderer fails", render: &fakeRender{pdf: testPDF, err: errors.New("pdftoppm: exit status 99")}},
		{name: "page the PDF lacks after all", render: &fakeRender{pdf: testPDF, err: fmt.Errorf("no such page: %w", gazette.ErrNotFound)}, want: gazette.ErrNotFound},
		{name: "renderer gives no PNG", render: &fakeRender{pdf: testPDF, out: []byte("<html>")}},
		{name: "stored PDF is not its SHA-256", render: &fakeRender{pdf: []byte("%PDF-1.4\n% something else\n")}, corrupt: true, want: gazette.ErrCorrupt},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			blobs := newMem()
			f := newFixture(t, blobs, func(c *Config) {
				if tc.render != nil {
					c.Render = tc.render.render
				}
			})
			if f.svc.RendersPages() != (tc.render != nil) {
				t.Errorf("RendersPages = %v with renderer %v", f.svc.RendersPages(), tc.render != nil)
			}
			editor := f.user(t, "editor.one", RoleEditor).Actor
			d := prepared(t, f, editor)
			if tc.corrupt {
				bad := tc.render.pdf
				if _, err := blobs.Put(ctx, pdfKey(d.ID, d.Issue.PDF.SHA256), bytes.NewReader(bad), int64(len(bad)), gazette.PutOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			_, _, err := f.svc.PageImage(ctx, editor, d.ID, 1)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("PageImage: %v, want %v", err, tc.want)
			}
			if tc.want == nil && errors.Is(err, gazette.ErrNotFound) {
				t.Errorf("PageImage: %v, reported as not found", err)
			}
			// A failure is never kept: nothing is stored under pages/.
			if kept, err := blobs.List(ctx, draftsPrefix+d.ID+"/pages/"); err != nil || len(kept) != 0 {
				t.Errorf("kept after a failure: %v (%v)", kept, err)
			}
		})
	}
}
