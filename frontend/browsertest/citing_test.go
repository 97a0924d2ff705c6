package browsertest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/gazette-archive/gazette/frontend/frontendtest"
	"github.com/gazette-archive/gazette/gazette"
)

// newCiteSite serves 2019年第12期 with its rule (2019-12-1) printed as
// thirteen articles, 第一条 to 第十三条.
func newCiteSite(t *testing.T) *httptest.Server {
	t.Helper()
	s := frontendtest.Sample(frontendtest.Issue2019, 6)
	s.Documents[0].Body = nil
	for i := 1; i <= 13; i++ {
		s.Documents[0].Body = append(s.Documents[0].Body, fmt.Sprintf("第%s条　本条规定第%d项事项。", gazette.ChineseNumber(i), i))
	}
	return newSiteOf(t, s)
}

// apiGBT is the GB/T 7714 citation the API gives for path's query.
func apiGBT(t *testing.T, base, path string) string {
	t.Helper()
	res, err := http.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var a struct {
		GBT7714 string `json:"gbt7714"`
	}
	if err := json.NewDecoder(res.Body).Decode(&a); err != nil || a.GBT7714 == "" {
		t.Fatalf("GET %s: %v", path, err)
	}
	return a.GBT7714
}

// TestCitingOnAPhoneAndADesktop is issue 20's citing as a lawyer does it:
// the citation box of a document at 375 px and at a desktop's width, its
// copy button, the citation of one article from an #art-N link and from
// the box's form, and the same without JavaScript; the search page's
// link to follow a search.
func TestCitingOnAPhoneAndADesktop(t *testing.T) {
	chromiumPath(t)
	site := newCiteSite(t)
	base := site.URL
	bctx := newBrowser(t)
	probs := watch(t, bctx)
	out := artifacts(t)
	if _, err := chromedp.CallBrowser(bctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "clipboard-read"}, Setting: browser.PermissionSettingGranted}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.CallBrowser(bctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "clipboard-write", AllowWithoutSanitization: true}, Setting: browser.PermissionSettingGranted}); err != nil {
		t.Fatal(err)
	}
	run := func(t *testing.T, step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		runStep(t, bctx, probs, step, actions...)
	}
	shoot := func(t *testing.T, name string) {
		t.Helper()
		if shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100)); err == nil {
			os.WriteFile(filepath.Join(out, name+".png"), shot, 0o644)
		}
		if shot, err := chromedp.Run(bctx, chromedp.Screenshot(chromedp.CSS(`#cite`))); err == nil {
			os.WriteFile(filepath.Join(out, name+"-box.png"), shot, 0o644)
		}
	}
	measure := func(t *testing.T, name string) {
		t.Helper()
		m, err := chromedp.Run(bctx, chromedp.Evaluate[layoutCheck](measureJS))
		if err != nil {
			t.Fatal(err)
		}
		if m.ScrollWidth > m.InnerWidth {
			t.Errorf("%s scrolls sideways: %d px wide in a %d px window", name, m.ScrollWidth, m.InnerWidth)
		}
		for what, l := range map[string][]string{"text under 16px": m.SmallText, "tap targets under 44×44px": m.SmallTargets, "low contrast": m.LowContrast} {
			if len(l) > 0 {
				t.Errorf("%s: %s: %v", name, what, l)
			}
		}
		// The box's own controls, which measureJS does not list.
		small, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#cite summary, #cite .btn, #cite input, .feed-follow a')].filter(e => e.getBoundingClientRect().height > 0).filter(e => { const r = e.getBoundingClientRect(); return r.height < 44 || r.width < 44; }).map(e => e.tagName + ' ' + e.textContent.trim().slice(0, 12))`))
		if err != nil {
			t.Fatal(err)
		}
		if len(small) > 0 {
			t.Errorf("%s: controls under 44×44px: %v", name, small)
		}
	}
	for _, v := range viewports {
		t.Run(v.name, func(t *testing.T) {
			run(t, "the document page",
				setViewport(v),
				chromedp.Navigate(base+"/documents/2019-12-2"),
				chromedp.WaitVisible(chromedp.CSS(`.cite-copy`)))
			shoot(t, v.name+"-citing")
			measure(t, v.name+" document")
			want := apiGBT(t, base, "/api/v1/documents/2019-12-2/citation")
			if got := textOf(t, bctx, `#cite-text`); got != want {
				t.Errorf("the box reads %q, want the API's %q", got, want)
			}
			run(t, "copy", chromedp.Click(chromedp.CSS(`.cite-copy`)),
				chromedp.Poll[chromedp.Void](`document.querySelector('.cite-status').textContent === '已复制'`, chromedp.WithPollingTimeout(5*time.Second)))
			got, err := chromedp.Run(bctx, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatalf("read the clipboard: %v", err)
			}
			if got != want {
				t.Errorf("copied %q, want %q", got, want)
			}

			run(t, "an article's link",
				chromedp.Navigate(base+"/documents/2019-12-1#art-13"),
				chromedp.WaitVisible(chromedp.CSS(`.cite-copy`)),
				chromedp.Poll[chromedp.Void](`document.getElementById('cite-text').textContent.includes('第十三条')`, chromedp.WithPollingTimeout(5*time.Second)))
			if got, want := textOf(t, bctx, `#cite-text`), apiGBT(t, base, "/api/v1/documents/2019-12-1/citation?article=13"); got != want {
				t.Errorf("the box of #art-13 reads %q, want %q", got, want)
			}
			href, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector('#cite a[download]').getAttribute('href')`))
			if err != nil || href != "/documents/2019-12-1/citation.ris?article=13" {
				t.Errorf("the RIS export of #art-13 is %q (%v)", href, err)
			}
			run(t, "the article form",
				chromedp.SetValue(chromedp.CSS(`#cite-art`), "2"),
				chromedp.Click(chromedp.CSS(`.cite-article button`)),
				chromedp.Poll[chromedp.Void](`document.getElementById('cite-text').textContent.includes('第二条')`, chromedp.WithPollingTimeout(5*time.Second)))
			shoot(t, v.name+"-citing-article")
			measure(t, v.name+" article")
			if got := textOf(t, bctx, `#cite-text`); !strings.Contains(got, "：第二条［J/OL］") || !strings.HasSuffix(got, "/documents/2019-12-1#art-2．") {
				t.Errorf("after the form, the box reads %q", got)
			}
			// The browser logs the 404 of the lookup, and only that.
			if err := chromedp.Do(bctx, chromedp.SetValue(chromedp.CSS(`#cite-art`), "40"),
				chromedp.Click(chromedp.CSS(`.cite-article button`)),
				chromedp.Poll[chromedp.Void](`document.querySelector('.cite-status').textContent === '本文没有第40条'`, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
				t.Errorf("an article the rule does not have: %v", err)
			}
			time.Sleep(50 * time.Millisecond)
			for _, p := range probs.take() {
				if !strings.Contains(p, "404") || !strings.Contains(p, "citation.txt?article=40") {
					t.Errorf("an article the rule does not have: %s", p)
				}
			}

			run(t, "following a search",
				chromedp.Navigate(base+"/search?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83"),
				chromedp.WaitVisible(chromedp.CSS(`.feed-follow a`)))
			measure(t, v.name+" search")
			if shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100)); err == nil {
				os.WriteFile(filepath.Join(out, v.name+"-search-follow.png"), shot, 0o644)
			}
			feed, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector('.feed-follow a').href`))
			if err != nil {
				t.Fatal(err)
			}
			res, err := http.Get(feed)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || !strings.Contains(string(b), "<feed xmlns=\"http://www.w3.org/2005/Atom\"") {
				t.Errorf("the search's feed %s = %d: %.200s", feed, res.StatusCode, b)
			}
		})
	}

	// Without JavaScript: the citation is there to select, the form leads
	// to the article's citation.
	t.Run("without JavaScript", func(t *testing.T) {
		if _, err := chromedp.Call(bctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		defer chromedp.Call(bctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false})
		run(t, "the document page", setViewport(viewports[0]), chromedp.Navigate(base+"/documents/2019-12-1"), chromedp.WaitVisible(chromedp.CSS(`#cite-text`)))
		shoot(t, "phone-citing-nojs")
		visible, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.querySelector('.cite-copy').getBoundingClientRect().height > 0`))
		if err != nil || visible {
			t.Errorf("the copy button shows without JavaScript (%v)", err)
		}
		// Nothing that only scripts can work shows (the theme and text
		// size controls, the copy button): [hidden] wins over .btn.
		shown, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('[hidden]')).filter(e => e.getBoundingClientRect().height > 0).map(e => e.id || e.className)`))
		if err != nil || len(shown) > 0 {
			t.Errorf("controls marked hidden show without JavaScript: %v (%v)", shown, err)
		}
		sel, err := chromedp.Run(bctx, chromedp.Evaluate[string](`getComputedStyle(document.getElementById('cite-text')).userSelect`))
		if err != nil || sel != "all" {
			t.Errorf("the citation box selects %q, want all (%v)", sel, err)
		}
		if err := chromedp.Do(bctx, chromedp.SetValue(chromedp.CSS(`#cite-art`), "7"),
			chromedp.Submit(chromedp.CSS(`.cite-article`)),
			chromedp.WaitReady(chromedp.CSS(`body`)),
			chromedp.Poll[chromedp.Void](`location.pathname.endsWith('/citation.txt')`, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
			t.Fatalf("the article form: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
		for _, p := range probs.take() { // a text answer has no icon: the browser asks /favicon.ico
			t.Errorf("the article form: %s", p)
		}
		if got, want := textOf(t, bctx, `body`), apiGBT(t, base, "/api/v1/documents/2019-12-1/citation?article=7"); got != want {
			t.Errorf("the form without JavaScript answers %q, want %q", got, want)
		}
	})
}
