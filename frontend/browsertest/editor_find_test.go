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

// TestEditorFindsTheCauseOnAPhone is item 10 of the editors' desk as an
// editor does it at 375 px, without JavaScript doing any of it: find a
// document by its 文号 typed in another spelling, record that another one
// amended it by typing words of its title, pick among the documents that
// fit, and see both documents name each other by title and 文号.
func TestEditorFindsTheCauseOnAPhone(t *testing.T) {
	chromiumPath(t)
	later := frontendtest.Sample(frontendtest.Issue2020, 3)
	later.Documents[1].DocNumber = "闽政〔2019〕14号"
	site := newEditorSite(t, map[string]editorial.Role{"li.ming": editorial.RoleEditor}, nil, frontendtest.Sample(frontendtest.Issue2019, 4), later)

	bctx := newBrowser(t)
	probs := watch(t, bctx)
	out := artifacts(t)
	base := site.url
	if err := chromedp.Do(bctx, setViewport(viewport{"phone", 375, 667, true})); err != nil {
		t.Fatal(err)
	}
	run := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		runStep(t, bctx, probs, step, actions...)
	}
	// measure checks the page as the phone test of the editor pages does
	// and keeps a screenshot to look at.
	measure := func(name string) {
		t.Helper()
		m, err := chromedp.Run(bctx, chromedp.Evaluate[phoneCheck](phoneJS))
		if err != nil {
			t.Fatal(err)
		}
		if shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100)); err == nil {
			os.WriteFile(filepath.Join(out, fmt.Sprintf("phone-editor-%s.png", name)), shot, 0o644)
		}
		if m.ScrollWidth > m.InnerWidth {
			t.Errorf("%s scrolls sideways: %d px wide in a %d px window", name, m.ScrollWidth, m.InnerWidth)
		}
		for _, l := range [][]string{m.SmallControls, m.SmallText, m.Unlabelled} {
			if len(l) > 0 {
				t.Errorf("%s: small or unlabelled controls: %q", name, l)
			}
		}
	}

	run("sign in on the way to the search page",
		chromedp.Navigate(base+"/editor/documents"),
		chromedp.WaitVisible(chromedp.CSS(`#password`)),
		chromedp.SendKeys(chromedp.CSS(`#name`), "li.ming"),
		chromedp.SendKeys(chromedp.CSS(`#password`), flowPassword),
		chromedp.Submit(chromedp.CSS(`form[action="/editor/signin"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#q`)))
	run("search by 文号 in another spelling",
		chromedp.SendKeys(chromedp.CSS(`#q`), "闽政[2019]14号"),
		chromedp.Submit(chromedp.CSS(`form[role="search"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/editor/documents/2020-1-2"]`)))
	measure("find")
	if got := textOf(t, bctx, `.ed-results li`); !strings.Contains(got, "闽政〔2019〕14号") || !strings.Contains(got, "2020年第1期") {
		t.Errorf("the first result reads %q", got)
	}

	run("nothing found keeps the words",
		chromedp.Navigate(base+"/editor/documents?q="+"%E9%87%8F%E5%AD%90%E5%BC%95%E5%8A%9B"), // 量子引力
		chromedp.WaitVisible(chromedp.CSS(`p.notice`)))
	if got := textOf(t, bctx, `p.notice`); !strings.Contains(got, "没有找到") {
		t.Errorf("the message for nothing found reads %q", got)
	}
	if v, _ := chromedp.Run(bctx, chromedp.Value(chromedp.CSS(`#q`))); v != "量子引力" {
		t.Errorf("the search box holds %q after nothing was found", v)
	}

	run("type words of the causing document's title",
		chromedp.Navigate(base+"/editor/documents/2019-12-1"),
		chromedp.WaitVisible(chromedp.CSS(`#changed_by`)),
		chromedp.SetValue(chromedp.CSS(`#state`), "amended"),
		chromedp.SendKeys(chromedp.CSS(`#changed_by`), "优化营商环境行动计划"),
		chromedp.SendKeys(chromedp.CSS(`#note`), "部分条款修改"),
		chromedp.Submit(chromedp.CSS(`#changed_by`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="changed_by_pick"][value="2020-1-2"]`)))
	measure("validity-choices")
	if v, _ := chromedp.Run(bctx, chromedp.Value(chromedp.CSS(`#changed_by`))); v != "优化营商环境行动计划" {
		t.Errorf("the cause field holds %q with the choices", v)
	}
	if v, _ := chromedp.Run(bctx, chromedp.Value(chromedp.CSS(`#note`))); v != "部分条款修改" {
		t.Errorf("the note holds %q with the choices", v)
	}
	run("pick the one meant",
		chromedp.Click(chromedp.CSS(`input[name="changed_by_pick"][value="2020-1-2"]`)),
		chromedp.Submit(chromedp.CSS(`#changed_by`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/editor/documents/2020-1-2"]`)))
	if got := textOf(t, bctx, `section.ed`); !strings.Contains(got, "依据 《福建省人民政府关于印发福建省深化“放管服”改革优化营商环境行动计划的通知》（闽政〔2019〕14号）") {
		t.Errorf("the editor page does not name the cause by title and 文号: %.600s", got)
	}
	measure("validity-done")
	run("the reader's page of the amending document",
		chromedp.Navigate(base+"/documents/2020-1-2"),
		chromedp.WaitVisible(chromedp.CSS(`#relations-head`)))
	if got := textOf(t, bctx, `section.relations`); !strings.Contains(got, "修改 《福建省行政执法程序规定》（省政府令第1201号）") || !strings.Contains(got, "时效变更") {
		t.Errorf("the amending document lists %q", got)
	}
}
