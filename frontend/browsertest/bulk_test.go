package browsertest

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/preserve"
	"github.com/gazette-archive/gazette/transparency"
)

// TestBulkAndFixityOnAPhone loads the public /bulk page and, signed in,
// the editors' /editor/fixity page (one audit passed, one found a damaged
// object) at a phone's size: nothing scrolls sideways, the failure is
// shown with the object it names.
func TestBulkAndFixityOnAPhone(t *testing.T) {
	bctx := newBrowser(t)
	ctx := context.Background()
	priv, pub, err := transparency.GenerateKey("gazette.test/log")
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := transparency.NewSigner(priv)
	ring, _ := transparency.KeyringOf(pub)
	blobs := archivetest.NewMemBlobs()
	l, err := transparency.New(blobs, signer, ring, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := archive.New(blobs, nil, nil, archive.WithLedger(l))
	if err := frontendtest.Publish(ctx, a, frontendtest.Sample(frontendtest.Issue2019, 3)); err != nil {
		t.Fatal(err)
	}
	if _, err := (preserve.Dumper{Blobs: blobs, Archive: a, Ledger: l}).Make(ctx, gazette.Date{Year: 2020, Month: 1, Day: 2}); err != nil {
		t.Fatal(err)
	}
	au := preserve.Auditor{Blobs: blobs, Archive: a, Log: l, Agent: "gazette fsck (test)"}
	if _, err := au.Audit(ctx, preserve.AuditOptions{Record: true}); err != nil {
		t.Fatal(err)
	}
	bad := "pdf/" + strings.Repeat("0", 64) + ".pdf"
	if _, err := blobs.Put(ctx, bad, strings.NewReader("%PDF-1.4 other"), 14, gazette.PutOptions{IfAbsent: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := au.Audit(ctx, preserve.AuditOptions{Record: true}); err != nil {
		t.Fatal(err)
	}
	ed, err := editorial.New(editorial.Config{Blobs: blobs, Archive: a, TempDir: t.TempDir(), Argon: editorial.Argon2Params{Memory: 64, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if err := ed.AddUser(ctx, editorial.CommandLine("test"), "li.ming", editorial.RoleEditor, flowPassword); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	h, err := frontend.New(frontend.Config{Archive: a, Editorial: ed, PublicURL: "http://" + srv.Listener.Addr().String(), APIRate: -1,
		Transparency: transparency.NewPublic(l, a), Bulk: preserve.Shelf{Bagger: preserve.Bagger{Blobs: blobs, Archive: a, Log: l}}})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)

	probs := watch(t, bctx)
	out := artifacts(t)
	phone := viewports[0]
	if err := chromedp.Do(bctx, setViewport(phone), chromedp.Navigate(srv.URL+"/editor/signin"), chromedp.WaitVisible(chromedp.CSS("#password")),
		chromedp.SendKeys(chromedp.CSS(`#name`), "li.ming"),
		chromedp.SendKeys(chromedp.CSS(`#password`), flowPassword),
		chromedp.Submit(chromedp.CSS(`form[action="/editor/signin"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/editor/drafts"] button`))); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	for _, pg := range []struct{ name, path, ready, want string }{
		{"bulk", "/bulk", ".bulk-issues", "2019年第12期"},
		{"fixity", "/editor/fixity", ".fx-failed", bad},
	} {
		t.Run(pg.name, func(t *testing.T) {
			sctx, cancel := context.WithTimeout(bctx, time.Minute)
			defer cancel()
			if err := chromedp.Do(sctx, chromedp.Navigate(srv.URL+pg.path), chromedp.WaitVisible(chromedp.CSS(pg.ready))); err != nil {
				t.Fatalf("%s: %v", pg.path, err)
			}
			text, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("main")))
			if err != nil || !strings.Contains(text, pg.want) {
				t.Errorf("%s shows no %q: %.600s %v", pg.path, pg.want, text, err)
			}
			m, err := chromedp.Run(bctx, chromedp.Evaluate[layoutCheck](measureJS))
			if err != nil {
				t.Fatal(err)
			}
			if m.ScrollWidth > m.InnerWidth || len(m.SmallText) > 0 || len(m.LowContrast) > 0 {
				t.Errorf("%s at %d px: %+v", pg.path, phone.width, m)
			}
			if shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100)); err == nil {
				os.WriteFile(filepath.Join(out, "phone-"+pg.name+".png"), shot, 0o644)
			}
			time.Sleep(50 * time.Millisecond)
			for _, p := range probs.take() {
				t.Errorf("%s: %s", pg.path, p)
			}
		})
	}
}
