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
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest"
	"github.com/gazette-archive/gazette/ingest/extract"
	"github.com/gazette-archive/gazette/ingest/typeset"
)

const flowPassword = "Qx7-lantern-harbor-91"

// TestEditorFlow takes a typeset print PDF to publication in the browser:
// an editor signs in, drafts, uploads, reviews and submits; a chief editor
// approves and schedules; the issue goes public when PublishDue runs past
// its moment; a correction then shows its notice to readers.
func TestEditorFlow(t *testing.T) {
	chromiumPath(t) // skips without Chromium before any work
	ctx := context.Background()
	idx, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	blobs := archivetest.NewMemBlobs()
	arch := archive.New(blobs, idx, nil)
	xopts := extract.Options{Workers: 2}
	ed, err := editorial.New(editorial.Config{Blobs: blobs, Archive: arch, TempDir: t.TempDir(),
		Argon: editorial.Argon2Params{Memory: 64, Time: 1, Threads: 1},
		Split: func(ctx context.Context, path string) (*ingest.Result, error) {
			return ingest.Extract(ctx, path, ingest.ExtractOptions{Extract: xopts})
		}})
	if err != nil {
		t.Fatal(err)
	}
	for name, role := range map[string]editorial.Role{"li.ming": editorial.RoleEditor, "wang.fang": editorial.RoleChief} {
		if err := ed.AddUser(ctx, editorial.CommandLine("test"), name, role, flowPassword); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewUnstartedServer(nil)
	h, err := frontend.New(frontend.Config{Archive: arch, Editorial: ed, PublicURL: "http://" + srv.Listener.Addr().String(), APIRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)

	res, err := typeset.Generate(ctx, typeset.Options{Seed: 7, Encoding: typeset.GBKEUC, Documents: 3})
	if err != nil {
		t.Fatal(err)
	}
	pdfPath := filepath.Join(t.TempDir(), "issue.pdf")
	if err := os.WriteFile(pdfPath, res.PDF, 0o600); err != nil {
		t.Fatal(err)
	}

	bctx := newBrowser(t)
	probs := watch(t, bctx)
	base := srv.URL
	signIn := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(
			chromedp.Navigate(base+"/editor"),
			chromedp.WaitVisible(chromedp.CSS(`#password`)),
			chromedp.SendKeys(chromedp.CSS(`#name`), name),
			chromedp.SendKeys(chromedp.CSS(`#password`), flowPassword),
			chromedp.Submit(chromedp.CSS(`form[action="/editor/signin"]`)),
			chromedp.WaitVisible(chromedp.CSS(`form[action="/editor/drafts"] button`)),
		)
	}
	signOut := chromedp.Steps(
		chromedp.Submit(chromedp.CSS(`form[action="/editor/signout"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#password`)),
	)
	// Forms are submitted rather than clicked: a click lands by position,
	// which a page still settling on a loaded machine can move.
	run := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(bctx, time.Minute)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			body, _ := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(`main`)))
			t.Fatalf("%s: %v\npage: %.1500s", step, err, body)
		}
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return v
	}
	run("editor signs in and starts a draft", signIn("li.ming"),
		chromedp.Submit(chromedp.CSS(`form[action="/editor/drafts"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#pdf`)))
	draftURL, err := chromedp.Run(bctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	run("upload", chromedp.SetUploadFiles(chromedp.CSS(`#pdf`), []string{pdfPath}),
		chromedp.Submit(chromedp.CSS(`form[enctype="multipart/form-data"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#d0\.title`)))
	id := draftURL[strings.LastIndex(draftURL, "/")+1:]
	d, err := ed.Draft(ctx, editorial.Actor{User: "li.ming", Role: editorial.RoleEditor}, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Documents) != len(res.Truth.Documents) {
		t.Errorf("the pipeline found %d documents, the typesetter made %d", len(d.Documents), len(res.Truth.Documents))
	}
	// The release: 09:00 China time on the issue's own date.
	day := d.Documents[0].Published
	if day.IsZero() {
		day = gazette.Date{Year: d.Issue.Year, Month: 12, Day: 28}
	}
	release := day.Time(time.FixedZone("CST", 8*3600)).Add(9 * time.Hour)
	run("review and save", chromedp.SetValue(chromedp.CSS(`#release`), release.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")),
		chromedp.Submit(chromedp.CSS(`form.ed-form`)),
		chromedp.WaitVisible(chromedp.CSS(`p[role="status"]`)))
	run("submit", chromedp.Submit(chromedp.CSS(`form[action$="/submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/reject"]`)), signOut)
	run("chief approves and schedules", signIn("wang.fang"), chromedp.Navigate(draftURL),
		chromedp.Submit(chromedp.CSS(`form[action$="/approve"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/schedule"] button`)),
		chromedp.Submit(chromedp.CSS(`form[action$="/schedule"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/schedule"]`)))
	label := d.Issue.Key().Label()
	run("not public before its moment", chromedp.Navigate(base+"/"))
	if home := text("main"); strings.Contains(home, label) {
		t.Fatalf("%s is on the home page before its release", label)
	}
	if keys, err := arch.PublishDue(ctx, release.Add(time.Second)); err != nil || len(keys) != 1 {
		t.Fatalf("PublishDue = %v, %v", keys, err)
	}
	h.Invalidate()
	// The browser keeps the home page it saw for its max-age (60 s), as a
	// reader's would; a new URL asks the server, whose caches were dropped.
	run("public after", chromedp.Navigate(base+"/?after"))
	if home := text("main"); !strings.Contains(home, label) {
		t.Fatalf("%s is not on the home page after PublishDue:\n%.1000s", label, home)
	}
	docID := gazette.DocumentID(d.Issue.Key(), 1)
	run("a correction", chromedp.Navigate(base+"/editor/documents/"+docID),
		chromedp.SendKeys(chromedp.CSS(`#reason`), "标题错字更正"),
		chromedp.Submit(chromedp.CSS(`form[action$="/correct"]`)),
		chromedp.WaitVisible(chromedp.CSS(`p[role="status"]`)),
		chromedp.Navigate(base+"/documents/"+docID))
	if notice := text(".notice.correction"); !strings.Contains(notice, "标题错字更正") {
		t.Errorf("correction notice %q", notice)
	}
	if p := probs.take(); len(p) > 0 {
		t.Errorf("browser problems (console, CSP, dialogs): %q", p)
	}
}
