package browsertest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gazette-archive/gazette/frontend/frontendtest"
)

// TestPointInTimeCompareAndArticles is issue 20's point in time, version
// comparison and article links as a lawyer uses them, at 375 px and on a
// desktop: a rule read as it stood before its correction, the page of a
// day before it existed, a repealed document saying since when and by
// what on its first screen, the two versions compared (inline on a phone,
// side by side on a desktop), an article's link, and a search hit that
// lands on its article.
func TestPointInTimeCompareAndArticles(t *testing.T) {
	chromiumPath(t)
	site := newEditorSite(t, nil, nil, frontendtest.RuleSample(4))
	if err := frontendtest.CorrectRule(context.Background(), site.arch); err != nil {
		t.Fatal(err)
	}
	bctx := newBrowser(t)
	probs := watch(t, bctx)
	out := artifacts(t)
	base := site.url
	for _, v := range viewports {
		t.Run(v.name, func(t *testing.T) {
			if err := chromedp.Do(bctx, setViewport(v)); err != nil {
				t.Fatal(err)
			}
			run := func(step string, actions ...chromedp.Action[chromedp.Void]) {
				t.Helper()
				doStep(t, bctx, time.Minute, step, actions...)
				time.Sleep(50 * time.Millisecond)
				for _, p := range probs.take() {
					if !strings.Contains(p, "404") { // the page of a day before the document existed is a 404
						t.Errorf("%s: %s", step, p)
					}
				}
			}
			eval := func(js string) string {
				t.Helper()
				s, err := chromedp.Run(bctx, chromedp.Evaluate[string](js))
				if err != nil {
					t.Fatalf("%s: %v", js, err)
				}
				return s
			}
			measure := func(name string) {
				t.Helper()
				m, err := chromedp.Run(bctx, chromedp.Evaluate[layoutCheck](measureJS))
				if err != nil {
					t.Fatal(err)
				}
				if shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100)); err == nil {
					os.WriteFile(filepath.Join(out, fmt.Sprintf("%s-pit-%s.png", v.name, name)), shot, 0o644)
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
			// settle waits for a smooth scroll to a fragment to end.
			settle := func() {
				last := ""
				for range 40 {
					time.Sleep(150 * time.Millisecond)
					y := eval(`String(window.scrollY)`)
					if y == last {
						return
					}
					last = y
				}
			}
			// onFirstScreen reports whether the element sel is visible in
			// the window as the page opens.
			onFirstScreen := func(sel string) bool {
				return eval(fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return 'missing';
					const r = e.getBoundingClientRect(); return String(r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight); })()`, sel)) == "true"
			}

			run("the rule on a day before its correction, by the form on its page",
				chromedp.Navigate(base+"/documents/2019-12-1"),
				chromedp.WaitVisible(chromedp.CSS(`.at-form input[name=at]`)),
				chromedp.SetValue(chromedp.CSS(`.at-form input[name=at]`), "2019-12-30"),
				chromedp.Submit(chromedp.CSS(`.at-form input[name=at]`)),
				chromedp.WaitVisible(chromedp.CSS(`.notice.pit`)))
			if loc, _ := chromedp.Run(bctx, chromedp.Location()); !strings.HasSuffix(loc, "/documents/2019-12-1?at=2019-12-30") {
				t.Errorf("the form led to %s", loc)
			}
			if got := eval(`document.querySelector('.notice.pit').textContent`); !strings.Contains(got, "2019年12月30日的文本和时效（第1版）") || !strings.Contains(got, "公报刊印原文") {
				t.Errorf("the notice of the day reads %q", got)
			}
			if !onFirstScreen(`.notice.pit`) {
				t.Errorf("the notice of the day is not on the first screen")
			}
			if got := eval(`document.querySelector('#art-2').textContent`); strings.Contains(got, "行政检查") {
				t.Errorf("第二条 on 2019-12-30 reads the corrected text: %q", got)
			}
			measure("at-day")

			run("a day before it existed",
				chromedp.Navigate(base+"/documents/2019-12-1?at=2019-11-30"),
				chromedp.WaitVisible(chromedp.CSS(`.notyet h1`)))
			if got := eval(`document.querySelector('.notyet h1').textContent`); got != "本文件在2019年11月30日尚未存在" {
				t.Errorf("the page of a day before it existed reads %q", got)
			}
			measure("not-yet")

			run("a repealed document",
				chromedp.Navigate(base+"/documents/2019-12-2"),
				chromedp.WaitVisible(chromedp.CSS(`.notice.ended`)))
			if got := eval(`document.querySelector('.notice.ended').textContent`); !strings.Contains(got, "本文件已于2019年12月3日被") || !strings.Contains(got, "废止") {
				t.Errorf("the repealed document's notice reads %q", got)
			}
			if !onFirstScreen(`.notice.ended`) {
				t.Errorf("the repeal is not on the first screen")
			}
			measure("repealed")

			mode := ""
			if v.name == "desktop" {
				mode = "&view=side"
			}
			run("the two versions compared",
				chromedp.Navigate(base+"/documents/2019-12-1/compare?from=1&to=2"+mode),
				chromedp.WaitVisible(chromedp.CSS(`#art-2`)))
			shown := eval(`[...document.querySelectorAll('#art-2 .cmp-text')].filter(e => e.getBoundingClientRect().height > 0).map(e => e.className).join(' | ')`)
			want := "cmp-text cmp-inline"
			if v.name == "desktop" {
				want = "cmp-text cmp-old | cmp-text cmp-new"
			}
			if shown != want {
				t.Errorf("第二条 compared shows %q, want %q", shown, want)
			}
			if got := eval(`[...document.querySelectorAll('#art-2 ins')].filter(e => e.getBoundingClientRect().height > 0).map(e => e.textContent).join()`); got != "和行政检查" {
				t.Errorf("the words inserted in 第二条 read %q", got)
			}
			measure("compare")
			if v.name == "phone" {
				run("side by side asked for on a phone",
					chromedp.Navigate(base+"/documents/2019-12-1/compare?from=1&to=2&view=side"),
					chromedp.WaitVisible(chromedp.CSS(`#art-2 .cmp-inline`)))
				measure("compare-side-on-phone")
			}

			run("the repealed document beside the one that replaced it",
				chromedp.Navigate(base+"/documents/2019-12-2"),
				chromedp.WaitVisible(chromedp.CSS(`a.rel-compare`)),
				chromedp.Click(chromedp.CSS(`a.rel-compare`)),
				chromedp.WaitVisible(chromedp.CSS(`.cmp-versions`)))
			if got := eval(`location.pathname + location.search`); got != "/documents/2019-12-2/compare?with=2019-12-3" {
				t.Errorf("the relation's comparison link leads to %s", got)
			}
			measure("compare-documents")

			run("an article's link",
				chromedp.Navigate(base+"/documents/2019-12-1"),
				chromedp.WaitVisible(chromedp.CSS(`#art-3 a.art-link`)),
				chromedp.Click(chromedp.CSS(`#art-3 a.art-link`)),
				chromedp.WaitVisible(chromedp.CSS(`#art-3:target`)))
			settle()
			if loc, _ := chromedp.Run(bctx, chromedp.Location()); !strings.HasSuffix(loc, "/documents/2019-12-1#art-3") {
				t.Errorf("the article's link is %s", loc)
			}
			if !onFirstScreen(`#art-3`) {
				t.Errorf("the linked article is not in view")
			}
			measure("article")

			run("a search hit inside the rule",
				chromedp.Navigate(base+"/search?q="+url.QueryEscape("行政检查")),
				chromedp.WaitVisible(chromedp.CSS(`.hit-title a`)),
				chromedp.Click(chromedp.CSS(`.hit-title a`)),
				chromedp.WaitVisible(chromedp.CSS(`#art-2:target`)))
			settle()
			if !onFirstScreen(`#art-2 mark`) {
				t.Errorf("the hit did not land on its article: %s", eval(`(() => { const r = document.querySelector('#art-2 mark').getBoundingClientRect(); return r.top + ' ' + r.bottom + ' in ' + window.innerHeight + ' scrolled ' + window.scrollY; })()`))
			}
			measure("hit-in-article")
		})
	}
}
