package browsertest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// suggestState is what the page says of its suggestion list.
type suggestState struct {
	Open     bool     // the list is shown
	Expanded string   // the box's aria-expanded
	Active   string   // the box's aria-activedescendant
	Selected []string // ids of the options marked selected
	Titles   []string
	Hrefs    []string
	Layout   layoutCheck
}

const suggestStateJS = `(() => {
  const box = document.querySelector('input[data-suggest]'), list = document.getElementById(box.id + '-suggest');
  const opts = list ? Array.from(list.querySelectorAll('[role=option]')) : [];
  const small = [], low = [];
  opts.forEach(li => { const r = li.querySelector('a').getBoundingClientRect();
    if (r.height < 44 || r.width < 44) small.push(Math.round(r.width) + 'x' + Math.round(r.height));
    li.querySelectorAll('span').forEach(s => { if (parseFloat(getComputedStyle(s).fontSize) < 16) small.push('text ' + s.className); }); });
  return {Open: !!list && !list.hidden, Expanded: box.getAttribute('aria-expanded') || '', Active: box.getAttribute('aria-activedescendant') || '',
    Selected: opts.filter(li => li.getAttribute('aria-selected') === 'true').map(li => li.id),
    Titles: opts.map(li => li.querySelector('.sg-title').textContent), Hrefs: opts.map(li => li.querySelector('a').getAttribute('href')),
    Layout: {ScrollWidth: document.documentElement.scrollWidth, InnerWidth: window.innerWidth, SmallTargets: small}};
})()`

// TestSuggestionsAsPeopleType types into the search box on a phone: the
// list of titles and 文号 appears under it, is usable by keyboard and by
// touch, and its links open the document; one character shows nothing and
// Enter with nothing chosen still searches.
func TestSuggestionsAsPeopleType(t *testing.T) {
	ctx := newBrowser(t)
	site := newSite(t)
	probs := watch(t, ctx)
	state := func(t *testing.T) suggestState {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[suggestState](suggestStateJS))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	typeInto := func(t *testing.T, path, sel, text string) {
		t.Helper()
		err := chromedp.Do(ctx, setViewport(viewports[0]),
			chromedp.Navigate(site.URL+path),
			chromedp.WaitReady(chromedp.CSS(sel)),
			chromedp.SendKeys(chromedp.CSS(sel), text))
		if err != nil {
			t.Fatal(err)
		}
	}
	// waitLocation waits up to ten seconds for the page to navigate where
	// ok says; chromedp's waits on a node can miss a navigation that a
	// script starts.
	waitLocation := func(ok func(string) bool) string {
		var loc string
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if loc, _ = chromedp.Run(ctx, chromedp.Location()); ok(loc) {
				break
			}
		}
		return loc
	}
	// waitOpen waits for the list that answers the whole text typed (an
	// answer for the text typed so far may come first on a busy machine).
	waitOpen := func(t *testing.T) {
		t.Helper()
		const settled = `(() => { const b = document.querySelector('input[data-suggest]'), l = document.getElementById(b.id + '-suggest');
  return !!l && !l.hidden && l.getAttribute('data-for') === b.value.trim(); })()`
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](settled))
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatal("no suggestions for the text typed appeared")
			}
		}
	}

	t.Run("a word shows titles; keyboard opens one", func(t *testing.T) {
		typeInto(t, "/", "#q-home", "福建省人民")
		waitOpen(t)
		s := state(t)
		if !s.Open || s.Expanded != "true" || len(s.Titles) < 2 || len(s.Titles) > 8 {
			t.Fatalf("list: %+v", s)
		}
		for _, title := range s.Titles {
			if !strings.Contains(title, "福建省人民") {
				t.Errorf("offered %q for 福建省人民", title)
			}
		}
		if s.Layout.ScrollWidth > s.Layout.InnerWidth || len(s.Layout.SmallTargets) > 0 {
			t.Errorf("layout at 375 px: %+v", s.Layout)
		}
		shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(artifacts(t), "phone-suggest.png"), shot, 0o644); err != nil {
			t.Error(err)
		}
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown)); err != nil {
			t.Fatal(err)
		}
		s = state(t)
		if s.Active != "q-home-suggest-1" || len(s.Selected) != 1 || s.Selected[0] != s.Active {
			t.Fatalf("after two ArrowDowns: active %q, selected %v", s.Active, s.Selected)
		}
		want := s.Hrefs[1]
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
			t.Fatal(err)
		}
		if loc := waitLocation(func(loc string) bool { return strings.HasSuffix(loc, want) }); !strings.HasSuffix(loc, want) {
			t.Errorf("Enter on the second suggestion landed on %s, want %s", loc, want)
		}
	})

	t.Run("a 文号 as lawyers type it; a tap opens it", func(t *testing.T) {
		typeInto(t, "/search", "#q", "闽政[2019]1202号")
		waitOpen(t)
		s := state(t)
		if len(s.Hrefs) == 0 || s.Hrefs[0] != "/documents/2019-12-2" {
			t.Fatalf("offered %v for 闽政[2019]1202号", s.Hrefs)
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".suggest [role=option]:first-child a"))); err != nil {
			t.Fatal(err)
		}
		if loc := waitLocation(func(loc string) bool { return strings.HasSuffix(loc, "/documents/2019-12-2") }); !strings.HasSuffix(loc, "/documents/2019-12-2") {
			t.Errorf("the tap landed on %s", loc)
		}
	})

	t.Run("Escape closes; Enter with nothing chosen searches", func(t *testing.T) {
		typeInto(t, "/", "#q-home", "营商环境")
		waitOpen(t)
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
			t.Fatal(err)
		}
		if s := state(t); s.Open || s.Expanded != "false" {
			t.Errorf("after Escape: %+v", s)
		}
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
			t.Fatal(err)
		}
		if loc := waitLocation(func(loc string) bool { return strings.Contains(loc, "/search?q=") }); !strings.Contains(loc, "/search?q=") {
			t.Errorf("Enter landed on %s, want the search page", loc)
		}
	})

	t.Run("one character shows nothing", func(t *testing.T) {
		typeInto(t, "/", "#q-home", "水")
		time.Sleep(500 * time.Millisecond) // longer than the script waits before asking
		if s := state(t); s.Open || len(s.Titles) > 0 {
			t.Errorf("one character: %+v", s)
		}
	})

	time.Sleep(50 * time.Millisecond)
	for _, p := range probs.take() {
		t.Error(p) // CSP violations, script errors
	}
}
