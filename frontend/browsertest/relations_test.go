package browsertest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
)

// TestRelationsOnAPhone is issue 20's relations and citations as a lawyer
// and an editor use them at 375 px: a document's text links the documents
// it cites; its page lists what it rests on and cites, and the cited
// document's page what rests on it; an editor records that another
// document interprets it, with a provision, and sees it on the reader's
// page; the queue lists what the texts cite and the archive lacks.
func TestRelationsOnAPhone(t *testing.T) {
	chromiumPath(t)
	site := newEditorSite(t, map[string]editorial.Role{"li.ming": editorial.RoleEditor}, nil, frontendtest.Sample(frontendtest.Issue2019, 4))
	bctx := newBrowser(t)
	probs := watch(t, bctx)
	out := artifacts(t)
	base := site.url
	if err := chromedp.Do(bctx, setViewport(viewport{"phone", 375, 812, true})); err != nil {
		t.Fatal(err)
	}
	run := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		runStep(t, bctx, probs, step, actions...)
	}
	// measure checks the page as TestEveryPageType does and keeps a
	// screenshot to look at.
	measure := func(name string) {
		t.Helper()
		m, err := chromedp.Run(bctx, chromedp.Evaluate[layoutCheck](measureJS))
		if err != nil {
			t.Fatal(err)
		}
		if shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100)); err == nil {
			os.WriteFile(filepath.Join(out, fmt.Sprintf("phone-relations-%s.png", name)), shot, 0o644)
		}
		if m.ScrollWidth > m.InnerWidth {
			t.Errorf("%s scrolls sideways: %d px wide in a %d px window", name, m.ScrollWidth, m.InnerWidth)
		}
		for what, l := range map[string][]string{"text under 16px": m.SmallText, "tap targets under 44×44px": m.SmallTargets, "low contrast": m.LowContrast} {
			if len(l) > 0 {
				t.Errorf("%s: %s: %v", name, what, l)
			}
		}
	}

	run("the citing document",
		chromedp.Navigate(base+"/documents/2019-12-2"),
		chromedp.WaitVisible(chromedp.CSS(`#relations-head`)))
	measure("citing")
	if got := textOf(t, bctx, `section.relations`); !strings.Contains(got, "依据 《福建省行政执法程序规定》（省政府令第1201号）") || !strings.Contains(got, "正文引用") {
		t.Errorf("the relations section reads %q", got)
	}
	links, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.doc-body a.cite-link')].map(a => a.textContent + ' ' + a.getAttribute('href'))`))
	if err != nil {
		t.Fatal(err)
	}
	// 闽政〔2018〕2402号 and 《福建省行政许可实施办法》 are not in this archive.
	if want := "《福建省行政执法程序规定》（省政府令第1201号） /documents/2019-12-1"; len(links) != 1 || links[0] != want {
		t.Errorf("citation links %q, want only %q", links, want)
	}
	run("follow the citation",
		chromedp.Click(chromedp.CSS(`.doc-body a.cite-link`)),
		chromedp.WaitVisible(chromedp.CSS(`#relations-head`)))
	if loc, _ := chromedp.Run(bctx, chromedp.Location()); !strings.HasSuffix(loc, "/documents/2019-12-1") {
		t.Fatalf("the citation led to %s", loc)
	}
	measure("cited")
	if got := textOf(t, bctx, `section.relations`); !strings.Contains(got, "被作为依据") || !strings.Contains(got, "闽政〔2019〕1202号") {
		t.Errorf("the cited document's relations read %q", got)
	}

	run("sign in on the way to the editor page",
		chromedp.Navigate(base+"/editor/documents/2019-12-4"),
		chromedp.WaitVisible(chromedp.CSS(`#password`)),
		chromedp.SendKeys(chromedp.CSS(`#name`), "li.ming"),
		chromedp.SendKeys(chromedp.CSS(`#password`), flowPassword),
		chromedp.Submit(chromedp.CSS(`form[action="/editor/signin"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#rel-target`)))
	run("record an interpretation of one provision",
		chromedp.SetValue(chromedp.CSS(`#rel-type`), "interprets"),
		chromedp.SendKeys(chromedp.CSS(`#rel-target`), "闽政[2019]1202号"),
		chromedp.SendKeys(chromedp.CSS(`#rel-provision`), "第二条"),
		chromedp.Submit(chromedp.CSS(`#rel-target`)),
		chromedp.WaitVisible(chromedp.CSS(`#relations ~ ul.rel-list a[href="/editor/documents/2019-12-2"]`)))
	if got := textOf(t, bctx, `main`); !strings.Contains(got, "关联已记录") {
		t.Errorf("no confirmation: %.300s", got)
	}
	run("the interpreted document's reader page",
		chromedp.Navigate(base+"/documents/2019-12-2"),
		chromedp.WaitVisible(chromedp.CSS(`#related-by-head`)))
	measure("interpreted")
	if got := textOf(t, bctx, `section.relations`); !strings.Contains(got, "被解读（第二条）") {
		t.Errorf("the interpreted document's relations read %q", got)
	}
	run("the queue of unresolved citations",
		chromedp.Navigate(base+"/editor/citations"),
		chromedp.WaitVisible(chromedp.CSS(`.ed-citations table`)))
	if got := textOf(t, bctx, `.ed-citations table`); !strings.Contains(got, "《福建省行政许可实施办法》") || !strings.Contains(got, "闽政〔2018〕2402号") {
		t.Errorf("the queue reads %q", got)
	}
	if shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100)); err == nil {
		os.WriteFile(filepath.Join(out, "phone-relations-queue.png"), shot, 0o644)
	}
}
