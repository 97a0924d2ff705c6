package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest"
	"github.com/gazette-archive/gazette/ingest/extract"
	"github.com/gazette-archive/gazette/ingest/ocr"
	"github.com/gazette-archive/gazette/ingest/report"
	"github.com/gazette-archive/gazette/ingest/typeset"
)

const flowPassword = "Qx7-lantern-harbor-91"

// TestEditorFlow drives the editors' desk on a phone (375 px) exactly as
// editors use it, in this order: upload, fix a field, save without a
// release time, submit, approve, schedule with a chosen moment, publish.
// A damaged draft record is planted in storage on the way and must not
// break anything. Every public surface is checked before and after the
// moment, and the delay of publication is measured.
func TestEditorFlow(t *testing.T) {
	chromiumPath(t) // skips without Chromium before any work
	ctx := context.Background()
	xopts := extract.Options{Workers: 2}
	renderer, err := ocr.NewRenderer(ocr.Limits{})
	if err != nil {
		t.Fatalf("page images need poppler (make tools installs it): %v", err)
	}
	site := newEditorSite(t, map[string]editorial.Role{"li.ming": editorial.RoleEditor, "wang.fang": editorial.RoleChief}, func(c *editorial.Config) {
		c.Split = func(ctx context.Context, path string) (*report.Result, error) {
			return ingest.Extract(ctx, path, ingest.ExtractOptions{Extract: xopts})
		}
		c.Render = renderer.PNG
	})
	blobs, ed := site.blobs, site.ed
	published := startPublisher(t, site.arch, ed, site.h.Invalidate)

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
	out := artifacts(t)
	base := site.url
	phone := viewport{"phone", 375, 667, true}
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
		doStep(t, bctx, time.Minute, step, actions...)
	}
	// shoot keeps a full-page screenshot to look at and checks that the
	// page does not scroll sideways.
	shoot := func(name string) {
		t.Helper()
		m, err := chromedp.Run(bctx, chromedp.Evaluate[struct{ ScrollWidth, InnerWidth int }](`({ScrollWidth: document.documentElement.scrollWidth, InnerWidth: window.innerWidth})`))
		if err != nil {
			t.Fatal(err)
		}
		if m.ScrollWidth > m.InnerWidth {
			t.Errorf("%s scrolls sideways: %d px wide in %d", name, m.ScrollWidth, m.InnerWidth)
		}
		if shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100)); err == nil {
			os.WriteFile(filepath.Join(out, "flow-"+name+".png"), shot, 0o644)
		}
	}

	run("phone", setViewport(phone))
	run("editor signs in and starts a draft", signIn("li.ming"),
		chromedp.Submit(chromedp.CSS(`form[action="/editor/drafts"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#pdf`)))
	draftURL, err := chromedp.Run(bctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	id := draftURL[strings.LastIndex(draftURL, "/")+1:]

	// 1. Upload.
	run("upload", chromedp.SetUploadFiles(chromedp.CSS(`#pdf`), []string{pdfPath}),
		chromedp.Submit(chromedp.CSS(`form[enctype="multipart/form-data"]`)),
		chromedp.WaitVisible(chromedp.CSS(`p[role="status"]`)))
	d, err := ed.Draft(ctx, editorial.Actor{User: "li.ming", Role: editorial.RoleEditor}, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Documents) != len(res.Truth.Documents) {
		t.Errorf("the pipeline found %d documents, the typesetter made %d", len(d.Documents), len(res.Truth.Documents))
	}

	// 2. Fix a field: this archive publishes this year's issues, so the
	// editor corrects the year the generated cover gave, then (3) saves
	// with the release time still empty.
	year := time.Now().In(time.FixedZone("CST", 8*3600)).Year()
	run("fix the year and save without a release time", chromedp.Navigate(draftURL),
		chromedp.SetValue(chromedp.CSS(`#in-year`), fmt.Sprint(year)),
		chromedp.SetValue(chromedp.CSS(`#in-number`), "5"),
		chromedp.Submit(chromedp.CSS(`form.ed-form`)),
		chromedp.WaitVisible(chromedp.CSS(`p[role="status"]`)))
	if got := textOf(t, bctx, `p[role="status"]`); !strings.Contains(got, "已保存") {
		t.Fatalf("after save: %q", got)
	}
	// And a field of the first document, beside its printed page.
	run("open 第1篇", chromedp.Navigate(draftURL+"?doc=1"),
		chromedp.WaitVisible(chromedp.CSS(`#in-d0\.title`)),
		chromedp.WaitVisible(chromedp.CSS(`.ed-pages img`)))
	imgWidth, err := chromedp.Run(bctx, chromedp.Evaluate[int](`(async () => { const i = document.querySelector('.ed-pages img'); await i.decode(); return i.naturalWidth; })()`, chromedp.EvalAwaitPromise))
	if err != nil || imgWidth < 500 {
		t.Errorf("the page image beside the fields did not load: width %d, %v", imgWidth, err)
	}
	shoot("review-375")
	run("fix the section", chromedp.SetValue(chromedp.CSS(`#in-d0\.section`), "规范性文件"))

	run("save 第1篇", chromedp.Submit(chromedp.CSS(`form.ed-fields`)),
		chromedp.WaitVisible(chromedp.CSS(`p[role="status"]`)))
	if got := textOf(t, bctx, `p[role="status"]`); !strings.Contains(got, "已保存") {
		t.Fatalf("after save: %q", got)
	}
	if d, err = ed.Draft(ctx, editorial.Actor{User: "li.ming", Role: editorial.RoleEditor}, id); err != nil || d.Documents[0].Section != "规范性文件" || !d.Issue.Published.IsZero() || d.Issue.Year != year {
		t.Fatalf("saved draft: %v; section %q, release %v, year %d", err, d.Documents[0].Section, d.Issue.Published, d.Issue.Year)
	}

	// A damaged record in storage, as the old bug left it, breaks nothing.
	damaged := "0123456789abcdef0123456789abcdef"
	rec := []byte(`{"id":"` + damaged + `","issue":{"gazette":"福建省人民政府公报","year":2026,"number":3},"documents":[{"title":"某某通知","published_date":"0001-01-01"}],"state":"drafting","author":"li.ming","rev":3}`)
	if _, err := blobs.Put(ctx, "editorial/drafts/"+damaged+"/draft.json", bytes.NewReader(rec), int64(len(rec)), gazette.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	run("the list with a damaged record", chromedp.Navigate(base+"/editor"), chromedp.WaitVisible(chromedp.CSS(`.ed-damaged`)))
	if list := textOf(t, bctx, `main`); !strings.Contains(list, "记录已损坏") || !strings.Contains(list, d.Issue.Key().Label()) {
		t.Errorf("drafts list with a damaged record:\n%s", list)
	}
	shoot("drafts-375")

	// 4. Submit.
	run("submit", chromedp.Navigate(draftURL),
		chromedp.Submit(chromedp.CSS(`form[action$="/submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/withdraw"]`)))
	if h1 := textOf(t, bctx, `h1`); !strings.Contains(h1, "待审核") {
		t.Errorf("heading after submit %q", h1)
	}
	if why := textOf(t, bctx, `#approve-why`); why != "审核需由主编进行" {
		t.Errorf("the author is told %q about approval", why)
	}
	run("sign out", signOut)

	// 5. Approve; the chief also repairs the damaged draft.
	run("chief approves", signIn("wang.fang"), chromedp.Navigate(draftURL),
		chromedp.Submit(chromedp.CSS(`form[action$="/approve"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#schedule-release`)))
	shoot("schedule-375")
	run("chief repairs the damaged draft", chromedp.Navigate(base+"/editor/drafts/"+damaged),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/repair"]`)),
		chromedp.Submit(chromedp.CSS(`form[action$="/repair"]`)),
		chromedp.WaitVisible(chromedp.CSS(`p[role="status"]`)))

	// 6. Schedule with a chosen moment, a few seconds from now, to the
	// second.
	cst := time.FixedZone("CST", 8*3600)
	moment := time.Now().Truncate(time.Second).Add(6 * time.Second)
	// A datetime-local input holds a whole minute without its ":00", and
	// chromedp checks the value it set: typed any other way, one moment in
	// sixty failed the step.
	layout := "2006-01-02T15:04:05"
	if moment.Second() == 0 {
		layout = "2006-01-02T15:04"
	}
	run("chief schedules at a chosen moment", chromedp.Navigate(draftURL),
		chromedp.SetValue(chromedp.CSS(`#schedule-release`), moment.In(cst).Format(layout)),
		chromedp.Submit(chromedp.CSS(`form[action$="/schedule"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/schedule"]`)))
	if h1 := textOf(t, bctx, `h1`); !strings.Contains(h1, "已排期") {
		t.Fatalf("heading after scheduling %q: %s", h1, textOf(t, bctx, `main`))
	}
	docID := gazette.DocumentID(d.Issue.Key(), 1)
	surfaces := publicSurfaces(d.Issue.Key(), docID)
	if time.Now().After(moment) {
		t.Fatalf("the steps took past the moment; no check before it was possible")
	}
	for _, s := range surfaces {
		if s.visible(t, base) {
			t.Errorf("%s shows the issue before its moment", s.name)
		}
	}

	// 7. Publish: the server publishes at the moment by itself.
	var worst time.Duration
	for _, s := range surfaces {
		delay := waitVisible(t, base, s, moment.Add(30*time.Second)).Sub(moment)
		t.Logf("%s shows the issue %v after the scheduled second", s.name, delay)
		worst = max(worst, delay)
	}
	if worst > 2*time.Second {
		t.Errorf("publication visible everywhere %v after its moment, want about 1 s at most", worst)
	}
	at := published()
	for deadline := time.Now().Add(5 * time.Second); at.IsZero() && time.Now().Before(deadline); at = published() {
		time.Sleep(20 * time.Millisecond) // recorded right after the publication, which the reader may see first
	}
	if at.IsZero() || at.Before(moment) || at.Sub(moment) > 2*time.Second {
		t.Errorf("audit log records publication at %v, the moment was %v", at, moment)
	}
	run("reader's home page at 375 px", chromedp.Navigate(base+"/?after"))
	if home := textOf(t, bctx, "main"); !strings.Contains(home, d.Issue.Key().Label()) {
		t.Fatalf("%s is not on the home page after its moment", d.Issue.Key().Label())
	}
	run("the draft says published", chromedp.Navigate(draftURL))
	if h1 := textOf(t, bctx, `h1`); !strings.Contains(h1, "已发布") {
		t.Errorf("heading after publication %q", h1)
	}
	run("wide", setViewport(viewport{"desktop", 1280, 900, false}), chromedp.Navigate(draftURL+"?doc=1"), chromedp.WaitVisible(chromedp.CSS(`.ed-pages img`)))
	shoot("review-1280")

	// A correction then shows its notice to readers.
	run("a correction", chromedp.Navigate(base+"/editor/documents/"+docID),
		chromedp.SendKeys(chromedp.CSS(`#reason`), "标题错字更正"),
		chromedp.Submit(chromedp.CSS(`form[action$="/correct"]`)),
		chromedp.WaitVisible(chromedp.CSS(`p[role="status"]`)),
		chromedp.Navigate(base+"/documents/"+docID))
	if notice := textOf(t, bctx, ".notice.correction"); !strings.Contains(notice, "标题错字更正") {
		t.Errorf("correction notice %q", notice)
	}
	if p := probs.take(); len(p) > 0 {
		t.Errorf("browser problems (console, CSP, dialogs): %q", p)
	}
}

// surface is one public place an issue appears once published.
type surface struct {
	name, path, marker string
}

// publicSurfaces are the public places where issue key shows once public.
func publicSurfaces(key gazette.IssueKey, docID string) []surface {
	return []surface{
		{"API document list", "/api/v1/documents?ids=" + docID, `"id":"` + docID + `"`},
		{"home page", "/", key.Label()},
		{"issue page", fmt.Sprintf("/issues/%d/%d", key.Year, key.Number), key.Label()},
		{"document page", "/documents/" + docID, docID},
		{"year page", fmt.Sprintf("/years/%d", key.Year), key.Label()},
		{"issues feed", "/feeds/issues.atom", key.Label()},
		{"sitemap", "/sitemap.xml", "/documents/" + docID},
		{"API latest issue", "/api/v1/issues/latest", fmt.Sprintf(`"number":%d`, key.Number)},
	}
}

// visible fetches the surface as a reader would, through no cache of
// ours, and says whether it shows the issue.
func (s surface) visible(t *testing.T, base string) bool {
	t.Helper()
	resp, err := http.Get(base + s.path)
	if err != nil {
		t.Fatalf("%s: %v", s.name, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode == http.StatusOK && strings.Contains(string(body), s.marker)
}

// waitVisible polls a surface every 20 ms until it shows the issue and
// returns when it first did.
func waitVisible(t *testing.T, base string, s surface, deadline time.Time) time.Time {
	t.Helper()
	for time.Now().Before(deadline) {
		if s.visible(t, base) {
			return time.Now()
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s never showed the issue", s.name)
	return time.Time{}
}
