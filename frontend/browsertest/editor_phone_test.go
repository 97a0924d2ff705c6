package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/report"
)

// phoneSplit stands in for the ingest pipeline: the phone test measures
// pages, not extraction. Long unbroken strings (a 文号, a URL-like title)
// are what push narrow layouts sideways.
func phoneSplit(ctx context.Context, path string) (*report.Result, error) {
	day := gazette.Date{Year: 2026, Month: 3, Day: 10}
	return &report.Result{
		Issue: report.IssueMeta{Gazette: "福建省人民政府公报", Year: 2026, Number: 5, TotalNumber: 1300, Date: day},
		Documents: []report.Document{
			{Title: "福建省人民政府关于印发福建省进一步优化营商环境降低市场主体制度性交易成本若干措施的通知", DocNumber: "闽政〔2026〕5号",
				Kind: gazette.KindNormative, Authorities: []string{"福建省人民政府", "福建省发展和改革委员会"}, Signed: gazette.Date{Year: 2026, Month: 3, Day: 1},
				PageStart: 1, PageEnd: 3, Text: "各市、县（区）人民政府，平潭综合实验区管委会：\n现将《若干措施》印发给你们，请认真贯彻执行。\nhttps://www.fujian.gov.cn/zwgk/zfxxgk/szfwj/jgzz/xzgfxwj/202603/t20260310_0000000.htm"},
			{Title: "福建省人民政府关于某某同志任职的通知", Kind: gazette.KindAppointment, Authorities: []string{"福建省人民政府"},
				PageStart: 4, PageEnd: 4, Text: "任命某某为某某厅厅长。"},
		},
		Pages: make([]report.PageReport, 4),
	}, nil
}

// phoneCheck is what an editor page measures of itself.
type phoneCheck struct {
	ScrollWidth, InnerWidth int
	SmallControls           []string
	SmallText               []string
	Unlabelled              []string
	Controls                int
}

// phoneJS measures sideways scrolling, the size of every visible control
// and navigation link (a checkbox by its label, which is what a finger
// hits), control text under 16px (iOS zooms into those) and controls
// without an associated label.
const phoneJS = `(() => {
  const visible = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.name ? '[' + el.name + ']' : '') + ' "' + (el.textContent || '').trim().slice(0, 16) + '"';
  const small = [], smallText = [], unlabelled = [];
  let n = 0;
  document.querySelectorAll('input:not([type=hidden]), select, textarea, button, .ed-bar a').forEach(el => {
    if (!visible(el)) return;
    n++;
    const target = (el.type === 'checkbox' || el.type === 'radio') && el.closest('label') ? el.closest('label') : el;
    const r = target.getBoundingClientRect();
    if (r.height < 44 || r.width < 44) small.push(name(el) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
    if (el.tagName !== 'A' && parseFloat(getComputedStyle(el).fontSize) < 16) smallText.push(name(el) + ' ' + getComputedStyle(el).fontSize);
    if (el.tagName === 'BUTTON' || el.tagName === 'A') {
      if (!(el.textContent.trim() || el.getAttribute('aria-label'))) unlabelled.push(name(el));
      return;
    }
    if (!(el.labels && el.labels.length > 0 && el.labels[0].textContent.trim()) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby')) unlabelled.push(name(el));
  });
  return {ScrollWidth: document.documentElement.scrollWidth, InnerWidth: window.innerWidth,
    SmallControls: small.slice(0, 8), SmallText: smallText.slice(0, 8), Unlabelled: unlabelled.slice(0, 8), Controls: n};
})()`

// TestEditorPagesOnAPhone opens every editor page at 375×667 with mobile
// emulation: none scrolls sideways, every control is a 44 px tap target
// with 16 px text, and every field has its label.
func TestEditorPagesOnAPhone(t *testing.T) {
	chromiumPath(t)
	ctx := context.Background()
	users := map[string]editorial.Role{"admin.phone": editorial.RoleAdmin, "chief.phone": editorial.RoleChief, "li.ming": editorial.RoleEditor}
	site := newEditorSite(t, users, func(c *editorial.Config) { c.Split = phoneSplit }, frontendtest.Sample(frontendtest.Issue2019, 4))
	ed := site.ed
	admin := editorial.Actor{User: "admin.phone", Role: editorial.RoleAdmin, Addr: "test"}
	chief := editorial.Actor{User: "chief.phone", Role: editorial.RoleChief, Addr: "test"}
	// Two drafts: one being edited, one scheduled (with the chief's
	// reschedule and withdraw forms).
	draft := func() *editorial.Draft {
		d, err := ed.CreateDraft(ctx, admin)
		if err == nil {
			d, err = ed.UploadPDF(ctx, admin, d.ID, d.ETag, strings.NewReader("%PDF-1.4\n% phone\n"))
		}
		if err == nil {
			d.Issue.Published = time.Now().Add(30 * 24 * time.Hour).Truncate(time.Minute)
			d, err = ed.Save(ctx, admin, d)
		}
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	editing := draft()
	sched := draft()
	sched, err := ed.Submit(ctx, admin, sched.ID, sched.ETag)
	if err == nil {
		sched, err = ed.Approve(ctx, chief, sched.ID, sched.ETag)
	}
	if err == nil {
		sched, err = ed.Schedule(ctx, admin, sched.ID, sched.ETag)
	}
	if err != nil {
		t.Fatal(err)
	}

	bctx := newBrowser(t)
	probs := watch(t, bctx)
	out := artifacts(t)
	phone := viewport{"phone", 375, 667, true}
	docID := gazette.DocumentID(frontendtest.Issue2019, 2)
	pages := []struct{ name, path, ready string }{
		{"signin", "/editor/signin", "#password"},
		{"drafts", "/editor", `form[action="/editor/drafts"]`},
		{"draft", "/editor/drafts/" + editing.ID, "#in-gazette"},
		{"draft-document", "/editor/drafts/" + editing.ID + "?doc=1", "#in-d0\\.title"},
		{"draft-remove", "/editor/drafts/" + editing.ID + "?doc=2&confirm=remove", `button[value="remove-confirmed:2"]`},
		{"draft-scheduled", "/editor/drafts/" + sched.ID, "#new-release"},
		{"document", "/editor/documents/" + docID, "#reason"},
		{"document-relations", "/editor/documents/" + docID + "#relations", "#rel-target"},
		{"citations", "/editor/citations", ".ed-citations table"},
		{"account", "/editor/account", "#current"},
		{"users", "/editor/users", "#new-name"},
		{"audit", "/editor/audit", "#from"},
		{"coverage", "/editor/coverage?year=2019&number=3", "#mark-year"},
	}
	if err := chromedp.Do(bctx, setViewport(phone)); err != nil {
		t.Fatal(err)
	}
	for i, pg := range pages {
		t.Run(pg.name, func(t *testing.T) {
			doStep(t, bctx, time.Minute, pg.path, chromedp.Navigate(site.url+pg.path), chromedp.WaitVisible(chromedp.CSS(pg.ready)))
			m, err := chromedp.Run(bctx, chromedp.Evaluate[phoneCheck](phoneJS))
			if err != nil {
				t.Fatal(err)
			}
			if shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100)); err == nil {
				os.WriteFile(filepath.Join(out, fmt.Sprintf("phone-editor-%s.png", pg.name)), shot, 0o644)
			}
			if m.Controls == 0 {
				t.Fatalf("%s: no controls measured", pg.path)
			}
			if m.ScrollWidth > m.InnerWidth {
				t.Errorf("%s scrolls sideways: %d px wide in a %d px window", pg.path, m.ScrollWidth, m.InnerWidth)
			}
			if len(m.SmallControls) > 0 {
				t.Errorf("%s: tap targets under 44×44 px: %q", pg.path, m.SmallControls)
			}
			if len(m.SmallText) > 0 {
				t.Errorf("%s: control text under 16 px: %q", pg.path, m.SmallText)
			}
			if len(m.Unlabelled) > 0 {
				t.Errorf("%s: controls without a label: %q", pg.path, m.Unlabelled)
			}
			time.Sleep(50 * time.Millisecond)
			for _, p := range probs.take() {
				t.Errorf("%s: %s", pg.path, p)
			}
		})
		if pg.name == "users" {
			// The form works in the browser, its pattern included.
			err := chromedp.Do(bctx,
				chromedp.SendKeys(chromedp.CSS(`#new-name`), "zhao.xin"),
				chromedp.SetValue(chromedp.CSS(`#new-role`), "chief"),
				chromedp.SendKeys(chromedp.CSS(`#new-password`), "Orchid-rain-7731-k"),
				chromedp.Submit(chromedp.CSS(`form[action="/editor/users"]`)),
				chromedp.WaitVisible(chromedp.CSS(`#user-zhao\.xin`)))
			if err != nil {
				t.Fatalf("add a user in the browser: %v", err)
			}
			if u, err := ed.User(ctx, editorial.CommandLine("test"), "zhao.xin"); err != nil || u.Role != editorial.RoleChief {
				t.Errorf("the user added in the browser: %+v, %v", u, err)
			}
			if status, _ := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(`p[role="status"]`))); !strings.Contains(status, "zhao.xin") {
				t.Errorf("after adding: status %q", status)
			}
		}
		if i == 0 {
			// Past the sign-in page, everything is an administrator's view.
			err := chromedp.Do(bctx,
				chromedp.SendKeys(chromedp.CSS(`#name`), "admin.phone"),
				chromedp.SendKeys(chromedp.CSS(`#password`), flowPassword),
				chromedp.Submit(chromedp.CSS(`form[action="/editor/signin"]`)),
				chromedp.WaitVisible(chromedp.CSS(`form[action="/editor/drafts"] button`)))
			if err != nil {
				t.Fatalf("sign in: %v", err)
			}
		}
	}
}
