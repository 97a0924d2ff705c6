package browsertest

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
)

type viewport struct {
	name          string
	width, height int64
	mobile        bool
}

var viewports = []viewport{{"phone", 375, 812, true}, {"desktop", 1280, 800, false}}

// newSite serves the sample gazette and the hostile issue on loopback.
func newSite(t *testing.T) *httptest.Server {
	t.Helper()
	return newSiteOf(t, append(frontendtest.Gazette(), frontendtest.Hostile())...)
}

// newSiteOf serves the samples on loopback.
func newSiteOf(t *testing.T, samples ...archivetest.Sample) *httptest.Server {
	t.Helper()
	idx, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	a := archive.New(archivetest.NewMemBlobs(), idx, nil)
	if err := frontendtest.Publish(context.Background(), a, samples...); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	h, err := frontend.New(frontend.Config{Archive: a, PublicURL: "http://" + srv.Listener.Addr().String(), APIRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

func chromiumPath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("GAZETTE_CHROMIUM")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := os.Stat(p); err != nil {
		t.Skipf("no Chromium at %s (install Debian's chromium or set GAZETTE_CHROMIUM): browser tests skipped", p)
	}
	return p
}

// newBrowser starts a fresh headless Chromium with its own profile.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	// A browser lives at most browserLife: a query that waits for what
	// never comes fails the test then, instead of hanging the package.
	lctx, cancelL := context.WithTimeout(context.Background(), browserLife)
	actx, cancelA := chromedp.NewExecAllocator(lctx, opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelB(); cancelA(); cancelL() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	// The site scrolls smoothly unless reduced motion is asked for; a
	// click's point is measured once, so a page still gliding to an
	// #anchor would take it somewhere else (the citing test followed the
	// feed link so in CI).
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{reducedMotion},
	}); err != nil {
		t.Fatal(err)
	}
	return ctx
}

const browserLife = 12 * time.Minute

var reducedMotion = &emulation.MediaFeature{Name: "prefers-reduced-motion", Value: "reduce"}

// problems collects console errors, uncaught exceptions, error log entries
// (CSP violations among them) and dialogs (an alert would be XSS).
type problems struct {
	mu   sync.Mutex
	list []string
}

func (p *problems) add(s string) { p.mu.Lock(); p.list = append(p.list, s); p.mu.Unlock() }

func (p *problems) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	l := p.list
	p.list = nil
	return l
}

func watch(t *testing.T, ctx context.Context) *problems {
	t.Helper()
	p := &problems{}
	err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				p.add("console: " + strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			p.add("exception: " + e.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError {
				p.add("log: " + e.Entry.Text + " " + e.Entry.URL)
			}
		case *page.EventJavascriptDialogOpening:
			p.add("dialog: " + e.Message)
			// No commands from inside the listener: answer from elsewhere.
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{})
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("GAZETTE_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runStep runs a step's actions within a minute, failing the test with
// the page's text if they fail, and reports what the browser complained
// of meanwhile.
func runStep(t *testing.T, bctx context.Context, probs *problems, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	doStep(t, bctx, time.Minute, step, actions...)
	time.Sleep(50 * time.Millisecond)
	for _, p := range probs.take() {
		t.Errorf("%s: %s", step, p)
	}
}

// doStep runs a step's actions within d, failing the test with the page
// it left the browser on if they fail.
func doStep(t *testing.T, bctx context.Context, d time.Duration, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(bctx, d)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		t.Fatalf("%s: %v\n%s", step, err, where(bctx))
	}
}

// textOf is the text of the element sel finds, trimmed; a test fails if
// none turns up within half a minute.
func textOf(t *testing.T, bctx context.Context, sel string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(bctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v\n%s", sel, err, where(bctx))
	}
	return strings.TrimSpace(v)
}

// where tells the address and text of the page a failed step left the
// browser on, without waiting for any element: the page may not be ours.
func where(bctx context.Context) string {
	ctx, cancel := context.WithTimeout(bctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + (document.body ? document.body.innerText : "")`))
	if err != nil {
		return "page: unreadable: " + err.Error()
	}
	return fmt.Sprintf("page: %.1500s", v)
}

// layoutCheck is what a page measures of itself.
type layoutCheck struct {
	ScrollWidth, InnerWidth int
	BodyFont                float64
	SmallText               []string
	SmallTargets            []string
	LowContrast             []string
	Title                   string
}

const measureJS = `(() => {
  const visible = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const smallText = [];
  document.querySelectorAll('main p, main li, main dd, main dt, .toc-title, .doc-body p, .snippet').forEach(el => {
    if (!visible(el)) return;
    const fs = parseFloat(getComputedStyle(el).fontSize);
    if (fs < 16) smallText.push(el.tagName + '.' + el.className + ' ' + fs + 'px');
  });
  const smallTargets = [];
  document.querySelectorAll('nav a, nav button, header button, .pager a, .facets a, .chip, .toc a, .btn, .search-row button, .issue-list a, .year-list a, .prevnext a').forEach(el => {
    if (!visible(el)) return;
    const r = el.getBoundingClientRect();
    if (r.height < 44 || r.width < 44) smallTargets.push(el.textContent.trim().slice(0, 20) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
  });
  const rgb = c => { const m = c.match(/[\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const background = el => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor); if (c.a > 0.5) return c; }
    return {r: 255, g: 255, b: 255, a: 1}; };
  const lowContrast = [];
  document.querySelectorAll('main p, main a, main li, main dt, main dd, main h1, main h2, .badge, header.site a, footer.site p, footer.site a').forEach(el => {
    if (!visible(el) || !el.textContent.trim()) return;
    const fg = lum(rgb(getComputedStyle(el).color)), bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    if (ratio < 4.5) lowContrast.push(el.tagName + '.' + el.className + ' ' + ratio.toFixed(2));
  });
  return {ScrollWidth: document.documentElement.scrollWidth, InnerWidth: window.innerWidth, LowContrast: lowContrast.slice(0, 5),
    BodyFont: parseFloat(getComputedStyle(document.body).fontSize), SmallText: smallText.slice(0, 5),
    SmallTargets: smallTargets.slice(0, 5), Title: document.title};
})()`

// relationsJS reads the visible headings of a document's relations
// section and counts the citation links in its text.
const relationsJS = `(() => {
  const vis = el => el && el.getBoundingClientRect().height > 0;
  const out = [...document.querySelectorAll('section.relations h2, section.relations h3')].filter(vis).map(h => h.textContent.trim());
  out.push([...document.querySelectorAll('.doc-body a.cite-link')].filter(vis).length + ' citation links');
  return out;
})()`

func setViewport(v viewport) chromedp.Action[chromedp.Void] {
	if v.mobile {
		return chromedp.EmulateViewport(v.width, v.height, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
	}
	return chromedp.EmulateViewport(v.width, v.height)
}

// TestEveryPageType loads each page type at a phone's and a desktop's size.
func TestEveryPageType(t *testing.T) {
	ctx := newBrowser(t)
	site := newSite(t)
	probs := watch(t, ctx)
	out := artifacts(t)
	pages := []struct{ name, path string }{
		{"home", "/"},
		{"years", "/years"},
		{"year", "/years/2019"},
		{"coverage", "/coverage"},
		{"issue", "/issues/2019/12"},
		{"supplement", "/issues/2019/s1"},
		{"document", "/documents/2019-12-2"},
		{"search", "/search?q=" + url.QueryEscape("营商环境") + "&kind=normative"},
		{"search-empty", "/search"},
		{"not-found", "/documents/2019-12-99"},
		{"hostile-document", "/documents/2017-6-2"},
		{"hostile-search", "/search?q=" + url.QueryEscape("正文 alert")},
	}
	for _, v := range viewports {
		for _, pg := range pages {
			t.Run(v.name+"/"+pg.name, func(t *testing.T) {
				err := chromedp.Do(ctx, setViewport(v),
					chromedp.Navigate(site.URL+pg.path),
					chromedp.WaitReady(chromedp.CSS("main")))
				if err != nil {
					t.Fatal(err)
				}
				m, err := chromedp.Run(ctx, chromedp.Evaluate[layoutCheck](measureJS))
				if err != nil {
					t.Fatal(err)
				}
				shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(out, fmt.Sprintf("%s-%s.png", v.name, pg.name)), shot, 0o644); err != nil {
					t.Error(err)
				}
				// Console messages arrive asynchronously: give them a moment.
				time.Sleep(50 * time.Millisecond)
				for _, p := range probs.take() {
					if pg.name == "not-found" && strings.Contains(p, "404") {
						continue // the browser logs the status of the page it was asked for
					}
					t.Errorf("%s: %s", pg.path, p)
				}
				if m.ScrollWidth > m.InnerWidth {
					t.Errorf("%s scrolls sideways: %d px wide in a %d px window", pg.path, m.ScrollWidth, m.InnerWidth)
				}
				if m.BodyFont < 16 || len(m.SmallText) > 0 {
					t.Errorf("%s: body %vpx, text under 16px: %v", pg.path, m.BodyFont, m.SmallText)
				}
				if len(m.SmallTargets) > 0 {
					t.Errorf("%s: tap targets under 44×44px: %v", pg.path, m.SmallTargets)
				}
				if len(m.LowContrast) > 0 {
					t.Errorf("%s: text with contrast under 4.5:1: %v", pg.path, m.LowContrast)
				}
				// A document shows its relations in both directions, and
				// its citations as links (issue 20).
				if pg.name == "document" {
					rel, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](relationsJS))
					if err != nil {
						t.Fatal(err)
					}
					if want := "关联文件|本文件依据、修改、解读或引用的文件|依据、修改、解读或引用本文件的文件|2 citation links"; strings.Join(rel, "|") != want {
						t.Errorf("%s: the relations read %q, want %q", pg.path, rel, want)
					}
				}
			})
		}
	}
}

// TestSearchFlow types a query, submits it, opens a result and lands on the
// document with the match highlighted; a 文号 goes straight to its document.
func TestSearchFlow(t *testing.T) {
	ctx := newBrowser(t)
	site := newSite(t)
	probs := watch(t, ctx)
	err := chromedp.Do(ctx, setViewport(viewports[0]),
		chromedp.Navigate(site.URL+"/"),
		chromedp.SendKeys(chromedp.CSS("#q-home"), "营商环境"),
		chromedp.Click(chromedp.CSS(".search-row button")),
		chromedp.WaitVisible(chromedp.CSS(".hit-title a")),
		chromedp.Click(chromedp.CSS(".hit-title a")),
		chromedp.WaitVisible(chromedp.CSS(".doc-body mark")),
	)
	if err != nil {
		t.Fatalf("search flow: %v", err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	marked, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".doc-body mark")))
	if shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
		os.WriteFile(filepath.Join(artifacts(t), "phone-search-flow.png"), shot, 0o644)
	}
	if !strings.Contains(loc, "/documents/") || marked != "营商环境" {
		t.Errorf("landed on %s with %q marked", loc, marked)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(site.URL+"/search"),
		chromedp.SendKeys(chromedp.CSS("#q"), "闽政 [2019] 1202号"),
		chromedp.Submit(chromedp.CSS("#q")),
		chromedp.WaitVisible(chromedp.CSS("#doc-title")),
	)
	if err != nil {
		t.Fatalf("文号 flow: %v", err)
	}
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasSuffix(loc, "/documents/2019-12-2") {
		t.Errorf("文号 search landed on %s, want /documents/2019-12-2", loc)
	}
	time.Sleep(50 * time.Millisecond)
	for _, p := range probs.take() {
		t.Error(p)
	}
}

// TestOfflineReading visits an issue and a document, takes the network
// away, and reloads: both stay readable from the service worker's cache.
func TestOfflineReading(t *testing.T) {
	ctx := newBrowser(t)
	site := newSite(t)
	cached := func(path string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			deadline := time.Now().Add(10 * time.Second)
			for time.Now().Before(deadline) {
				ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`caches.match(%q).then(r => !!r)`, path), chromedp.EvalAwaitPromise))
				if err == nil && ok {
					return nil
				}
				time.Sleep(100 * time.Millisecond)
			}
			return fmt.Errorf("%s never reached the offline cache", path)
		})
	}
	err := chromedp.Do(ctx, setViewport(viewports[0]),
		chromedp.Navigate(site.URL+"/issues/2019/12"),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`navigator.serviceWorker.ready.then(() => true)`, chromedp.EvalAwaitPromise))
			return err
		}),
		cached("/issues/2019/12"),
		chromedp.Navigate(site.URL+"/documents/2019-12-3"),
		chromedp.WaitVisible(chromedp.CSS("#doc-title")),
		cached("/documents/2019-12-3"),
	)
	if err != nil {
		t.Fatalf("visit: %v", err)
	}
	// Offline twice over: the browser's network is cut, service worker
	// included, and the server is gone.
	site.CloseClientConnections()
	site.Close()
	if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		EmulateOfflineServiceWorker: ptr(true),
		MatchedNetworkConditions:    []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#doc-title"))); err != nil {
		t.Fatalf("offline reload: %v", err)
	}
	title, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#doc-title")))
	if shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
		os.WriteFile(filepath.Join(artifacts(t), "phone-offline-document.png"), shot, 0o644)
	}
	styled, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('header.site')).backgroundColor`))
	if err != nil || styled == "rgba(0, 0, 0, 0)" {
		t.Errorf("offline page is unstyled: %q %v", styled, err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+"/issues/2019/12"), chromedp.WaitVisible(chromedp.CSS(".toc"))); err != nil {
		t.Fatalf("offline issue: %v", err)
	}
	toc, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".toc")))
	if !strings.Contains(title, "福建省人民政府关于公布取消和下放一批行政许可事项的决定") || !strings.Contains(toc, "福建省行政执法程序规定") {
		t.Errorf("offline pages: title %q, contents %.60q", title, toc)
	}
}

// TestThemeAndTextSize checks the reading controls: dark mode follows the
// system and the toggle, the text size buttons change the text and both
// choices survive a reload.
func TestThemeAndTextSize(t *testing.T) {
	ctx := newBrowser(t)
	site := newSite(t)
	probs := watch(t, ctx)
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}, reducedMotion},
	}); err != nil {
		t.Fatal(err)
	}
	bg := func() string {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	size := func() float64 {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`parseFloat(getComputedStyle(document.querySelector('.doc-body p')).fontSize)`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if err := chromedp.Do(ctx, setViewport(viewports[0]), chromedp.Navigate(site.URL+"/documents/2019-12-2"), chromedp.WaitVisible(chromedp.CSS("#theme-toggle"))); err != nil {
		t.Fatal(err)
	}
	dark := bg()
	if shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		os.WriteFile(filepath.Join(artifacts(t), "phone-document-dark.png"), shot, 0o644)
	}
	before := size()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#theme-toggle")), chromedp.Click(chromedp.CSS(`.size-btn[data-size="1"]`)),
		chromedp.Click(chromedp.CSS(`.size-btn[data-size="1"]`))); err != nil {
		t.Fatal(err)
	}
	light, bigger := bg(), size()
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#theme-toggle"))); err != nil {
		t.Fatal(err)
	}
	if dark != "rgb(22, 21, 19)" || light != "rgb(251, 250, 247)" {
		t.Errorf("background: %s in dark mode, %s after the toggle; want rgb(22, 21, 19) then rgb(251, 250, 247)", dark, light)
	}
	if bigger <= before {
		t.Errorf("text size %v after A＋ twice, %v before", bigger, before)
	}
	if got, after := bg(), size(); got != light || after != bigger {
		t.Errorf("after reload: background %s, size %v; want %s, %v", got, after, light, bigger)
	}
	for _, p := range probs.take() {
		t.Error(p)
	}
}

func ptr[T any](v T) *T { return &v }
