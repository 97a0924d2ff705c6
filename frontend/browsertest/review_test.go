package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
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
	"github.com/gazette-archive/gazette/ingest/ocr/scantest"
	"github.com/gazette-archive/gazette/ingest/report"
)

// The scanned original of the review flow: an agency's notice of 1987 on
// two pages, the first fed into the scanner on its side.
var (
	scanPage1 = []string{
		"福建省人民政府文件",
		"闽政〔1987〕12号",
		"福建省人民政府关于加强档案管理工作的通知",
		"各市、县人民政府，省直各单位：",
		"为了规范政府公报的编辑、出版和发行工作，",
		"根据国务院有关规定，结合本省实际，现通知如下。",
		"一、各级人民政府应当加强对档案工作的领导。",
	}
	scanPage2 = []string{
		"二、各单位应当按照规定整理和保管公文。",
		"三、本通知自发布之日起施行。",
		"福建省人民政府",
		"一九八七年二月十日",
	}
)

const scanTitle = "福建省人民政府关于加强档案管理工作的通知"

// reviewQueue takes the files ingest cannot publish to the editors' queue,
// as `gazette ingest` does.
type reviewQueue struct{ ed *editorial.Service }

func (q reviewQueue) Queue(ctx context.Context, path string, pdf []byte, res *report.Result) (string, error) {
	d, err := q.ed.QueueForReview(ctx, editorial.CommandLine("gazette ingest"), path, pdf, res)
	if d == nil {
		return "", err
	}
	return d.ID, err
}

// publishFunc adapts the archive's Publish to ingest's Publisher.
type publishFunc func(ctx context.Context, issue gazette.Issue, pdf io.ReadSeeker, docs []gazette.Document) error

func (f publishFunc) Publish(ctx context.Context, issue gazette.Issue, pdf io.ReadSeeker, docs []gazette.Document) error {
	return f(ctx, issue, pdf, docs)
}

// TestReviewQueueFlow loads a scanned original with gazette ingest's
// pipeline (real OCR) into the review queue, and an archivist works it
// through in Chromium: the queue, the page images beside the text, a page
// read again (first with the wrong rotation, then the right one), the
// lines of the other page corrected and that page recorded as proofread,
// the fields filled, the issue published as a historical one;
// then the reader's provenance notice, the API's sources, the coverage
// page and the batch's page say what happened. Screenshots at 1280 and
// 375 px.
func TestReviewQueueFlow(t *testing.T) {
	chromiumPath(t)
	ctx := context.Background()
	renderer, err := ocr.NewRenderer(ocr.Limits{})
	if err != nil {
		t.Fatalf("page images need poppler (make tools installs it): %v", err)
	}
	xopts := extract.WithTools(ctx, extract.Options{Workers: 2}, ocr.Limits{}, ocr.Options{})
	if xopts.OCR == nil {
		t.Fatalf("scans need OCR (make tools installs tesseract-ocr and tesseract-ocr-chi-sim): %s", xopts.NoOCR)
	}
	split := func(ctx context.Context, path string) (*report.Result, error) {
		return ingest.Extract(ctx, path, ingest.ExtractOptions{Extract: xopts})
	}
	users := map[string]editorial.Role{"zhang.li": editorial.RoleEditor, "wang.fang": editorial.RoleChief}
	site := newEditorSite(t, users, func(c *editorial.Config) {
		c.Split, c.Render, c.Reread, c.Gazette = split, renderer.PNG, ingest.Reread(xopts), "福建省人民政府公报"
	})
	startPublisher(t, site.arch, site.ed, site.h.Invalidate)

	// The scan, and gazette ingest over its folder with the review queue.
	img1, err := scantest.Render(ctx, scantest.TextPDF([][]string{scanPage1}, 16), 1, 200)
	if err != nil {
		t.Fatalf("render the original (fonts-noto-cjk?): %v", err)
	}
	img2, err := scantest.Render(ctx, scantest.TextPDF([][]string{scanPage2}, 16), 1, 200)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "1987-闽政12号.pdf"), scantest.ImagePDF([]*image.Gray{scantest.Sideways(img1), img2}), 0o600); err != nil {
		t.Fatal(err)
	}
	batch, err := ingest.NewBatchRecorder(ctx, site.blobs, []string{dir}, "test:1", 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	reports, err := ingest.Batch(ctx, []string{dir}, ingest.BatchOptions{
		Extract: split, Ledger: site.blobs, Review: reviewQueue{site.ed},
		Publish: publishFunc(func(ctx context.Context, is gazette.Issue, pdf io.ReadSeeker, docs []gazette.Document) error {
			_, err := site.arch.Publish(ctx, is, pdf, docs)
			return err
		}),
		Progress: func(p ingest.Progress) {
			if err := batch.Record(ctx, p); err != nil {
				t.Error(err)
			}
		},
	})
	if err := batch.Finish(ctx, err); err != nil {
		t.Fatal(err)
	}
	if err != nil || len(reports) != 1 || reports[0].Outcome != ingest.NeedsReview || reports[0].Draft == "" {
		t.Fatalf("ingest: %v, %+v; want the file in the review queue", err, reports)
	}
	t.Logf("ingest: %s", reports[0].Reason)
	id := reports[0].Draft

	bctx := newBrowser(t)
	probs := watch(t, bctx)
	out := artifacts(t)
	base := site.url
	desktop, phone := viewport{"desktop", 1280, 900, false}, viewport{"phone", 375, 667, true}
	run := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		doStep(t, bctx, 2*time.Minute, step, actions...)
	}
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
			os.WriteFile(filepath.Join(out, "review-"+name+".png"), shot, 0o644)
		}
	}
	signIn := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(
			chromedp.Navigate(base+"/editor/signin"),
			chromedp.WaitVisible(chromedp.CSS(`#password`)),
			chromedp.SendKeys(chromedp.CSS(`#name`), name),
			chromedp.SendKeys(chromedp.CSS(`#password`), flowPassword),
			chromedp.Submit(chromedp.CSS(`form[action="/editor/signin"]`)),
			chromedp.WaitVisible(chromedp.CSS(`form[action="/editor/drafts"] button`)),
		)
	}
	draftURL := base + "/editor/drafts/" + id
	actor := editorial.Actor{User: "zhang.li", Role: editorial.RoleEditor}

	// The queue: the file is there with what it asks to check.
	run("archivist signs in", setViewport(desktop), signIn("zhang.li"))
	if list := textOf(t, bctx, `main`); !strings.Contains(list, "待核对") || !strings.Contains(list, "期次未定") {
		t.Errorf("the drafts list does not show the queued file as 待核对:\n%s", list)
	}
	shoot("queue-1280")
	run("queue at 375", setViewport(phone), chromedp.Navigate(base+"/editor"), chromedp.WaitVisible(chromedp.CSS(`a[href="/editor/drafts/`+id+`"]`)))
	shoot("queue-375")
	run("open the queued file", setViewport(desktop), chromedp.Navigate(base+"/editor"),
		chromedp.Click(chromedp.CSS(`a[href="/editor/drafts/`+id+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#in-gazette`)))
	if page := textOf(t, bctx, `main`); !strings.Contains(page, "请人工核对") || !strings.Contains(page, "--issue") {
		t.Errorf("the draft does not say why it is in the queue:\n%.1500s", page)
	}

	// The issue it belongs to, with the day it appeared.
	run("name the issue", chromedp.SetValue(chromedp.CSS(`#in-year`), "1987"),
		chromedp.SetValue(chromedp.CSS(`#in-number`), "3"),
		chromedp.SetValue(chromedp.CSS(`#in-release`), "1987-02-10T09:00"),
		chromedp.Submit(chromedp.CSS(`form.ed-form`)),
		chromedp.WaitVisible(chromedp.CSS(`p[role="status"]`)))

	// Each page's image beside the text read from it.
	run("open 第1篇", chromedp.Navigate(draftURL+"?doc=1"),
		chromedp.WaitVisible(chromedp.CSS(`#in-d0\.title`)),
		chromedp.WaitVisible(chromedp.CSS(`#page-2 img`)))
	widths, err := chromedp.Run(bctx, chromedp.Evaluate[[]int](`(async () => Promise.all([...document.querySelectorAll('.ed-pages img')].map(async i => { await i.decode(); return i.naturalWidth; })))()`, chromedp.EvalAwaitPromise))
	if err != nil || len(widths) != 2 || widths[0] < 500 || widths[1] < 500 {
		t.Errorf("page images beside the text: widths %v, %v; want two pages drawn", widths, err)
	}
	// The title first: OCR ran the salutation into it, and reading a
	// page again keeps the title field's text out of the body.
	if title, _ := chromedp.Run(bctx, chromedp.Value(chromedp.CSS(`#in-d0\.title`))); title != scanTitle {
		t.Logf("title as ingest read it: %q", title)
	}
	run("correct the title", chromedp.SetValue(chromedp.CSS(`#in-d0\.title`), scanTitle),
		chromedp.Submit(chromedp.CSS(`form.ed-fields`)),
		chromedp.WaitVisible(chromedp.CSS(`p[role="status"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#page-1 img`)))
	if c := textOf(t, bctx, `#page-1 figcaption`); !strings.Contains(c, "文字由 OCR 识别，置信度") {
		t.Errorf("page 1 does not say how its text was read: %q", c)
	}
	shoot("draft-1280")

	// Page 1 read again: as it lies, then turned a quarter clockwise.
	confidence := func() float64 {
		t.Helper()
		var pct float64
		c := textOf(t, bctx, `#page-1 .ed-source`)
		if _, err := fmt.Sscanf(c[strings.LastIndex(c, " ")+1:], "%f%%", &pct); err != nil {
			t.Fatalf("page 1 source %q: %v", c, err)
		}
		return pct / 100
	}
	reread := func(dpi, psm, rotation int) {
		t.Helper()
		run(fmt.Sprintf("read page 1 again at %d dpi, psm %d, rotation %d", dpi, psm, rotation),
			chromedp.Evaluate[chromedp.Void](`document.querySelector('#page-1 details').open = true`),
			chromedp.SetValue(chromedp.CSS(`#page-1 select[name=dpi]`), fmt.Sprint(dpi)),
			chromedp.SetValue(chromedp.CSS(`#page-1 select[name=psm]`), fmt.Sprint(psm)),
			chromedp.SetValue(chromedp.CSS(`#page-1 select[name=rotation]`), fmt.Sprint(rotation)),
			chromedp.Submit(chromedp.CSS(`#page-1 form`)),
			chromedp.WaitVisible(chromedp.CSS(`p[role="status"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#page-1 img`)))
		if got := textOf(t, bctx, `p[role="status"]`); !strings.Contains(got, "第1页已重新识别") {
			t.Fatalf("after reading page 1 again: %q", got)
		}
	}
	// Page 1's text, its title apart (a field of its own).
	page1Body := strings.Join(scanPage1[:2], "") + strings.Join(scanPage1[3:], "")
	bodyAccuracy := func() float64 {
		t.Helper()
		d, err := site.ed.Draft(ctx, actor, id)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(d.Documents[0].Body, "")
		// Page 2, as ingest read it, begins at its first line (OCR
		// may drop the 二 of 二、).
		got = strings.TrimRight(got[:strings.Index(got+"各单位应当", "各单位应当")], "二、")
		t.Logf("page 1 as read: %q", got)
		return scantest.CharAccuracy(page1Body, got)
	}
	reread(200, 3, 0)
	lyingConf, lyingAcc := confidence(), bodyAccuracy()
	reread(300, 6, 90)
	turnedConf, turnedAcc := confidence(), bodyAccuracy()
	t.Logf("page 1 read as it lies: confidence %.2f, accuracy %.3f; turned: confidence %.2f, accuracy %.3f", lyingConf, lyingAcc, turnedConf, turnedAcc)
	if turnedAcc < 0.85 || turnedAcc < lyingAcc+0.3 || turnedConf <= lyingConf {
		t.Errorf("reading page 1 turned a quarter did not improve it: accuracy %.3f → %.3f, confidence %.2f → %.2f", lyingAcc, turnedAcc, lyingConf, turnedConf)
	}
	if c := textOf(t, bctx, `#page-1 figcaption`); !strings.Contains(c, "由 zhang.li 按 300 dpi、单个文字块、旋转 90° 重新识别") {
		t.Errorf("page 1 caption after reading again: %q", c)
	}
	shoot("reread-1280")
	run("the review page at 375", setViewport(phone), chromedp.Navigate(draftURL+"?doc=1"), chromedp.WaitVisible(chromedp.CSS(`#page-1 img`)),
		chromedp.Evaluate[chromedp.Void](`(() => { const d = document.querySelector('#page-1 details'); d.open = true; d.scrollIntoView(); })()`))
	m, err := chromedp.Run(bctx, chromedp.Evaluate[phoneCheck](phoneJS))
	if err != nil {
		t.Fatal(err)
	}
	if m.ScrollWidth > m.InnerWidth || len(m.SmallControls) > 0 || len(m.SmallText) > 0 || len(m.Unlabelled) > 0 {
		t.Errorf("review page at 375 px: %+v", m)
	}
	shoot("reread-375")
	run("back to the desktop", setViewport(desktop), chromedp.Navigate(draftURL+"?doc=1"), chromedp.WaitVisible(chromedp.CSS(`#d0\.body`)))

	// Page 2's lines corrected against the print, and the fields filled
	// in; page 2 then recorded as proofread.
	const line = "三、本通知自发布之日起施行。"
	body, err := chromedp.Run(bctx, chromedp.Value(chromedp.CSS(`#d0\.body`)))
	if err != nil {
		t.Fatal(err)
	}
	paras := strings.Split(body, "\n")
	best, bestAcc := -1, 0.0
	for i, p := range paras {
		if acc := scantest.CharAccuracy(scanPage2[0], p); acc > bestAcc {
			best, bestAcc = i, acc
		}
	}
	if best < 0 || bestAcc < 0.5 {
		t.Fatalf("page 2's first line %q is not in the text read:\n%s", scanPage2[0], body)
	}
	paras = append(paras[:best], scanPage2...)
	run("correct page 2's lines and fill the fields",
		chromedp.SetValue(chromedp.CSS(`#d0\.body`), strings.Join(paras, "\n")),
		chromedp.SetValue(chromedp.CSS(`#in-d0\.title`), scanTitle),
		chromedp.SetValue(chromedp.CSS(`#in-d0\.docnum`), "闽政〔1987〕12号"),
		chromedp.SetValue(chromedp.CSS(`#d0\.kind`), string(gazette.KindNormative)),
		chromedp.SetValue(chromedp.CSS(`#d0\.authorities`), "福建省人民政府"),
		chromedp.SetValue(chromedp.CSS(`#in-d0\.signed`), "1987-02-10"),
		chromedp.Submit(chromedp.CSS(`form.ed-fields`)),
		chromedp.WaitVisible(chromedp.CSS(`p[role="status"]`)))
	run("page 2 proofread", chromedp.Submit(chromedp.CSS(`form[action$="/pages/2/proofread"]`)),
		chromedp.WaitVisible(chromedp.CSS(`p[role="status"]`)))
	if got := textOf(t, bctx, `p[role="status"]`); !strings.Contains(got, "第2页已记为人工校对") {
		t.Errorf("after proofreading page 2: %q", got)
	}
	if c := textOf(t, bctx, `#page-2 figcaption`); !strings.Contains(c, "已由 zhang.li 人工校对") {
		t.Errorf("page 2 caption after proofreading: %q", c)
	}
	shoot("proofread-1280")
	d, err := site.ed.Draft(ctx, actor, id)
	if err != nil {
		t.Fatal(err)
	}
	if problems := d.Problems(); len(problems) > 0 {
		t.Fatalf("the draft still has problems: %v", problems)
	}
	if !strings.Contains(strings.Join(d.Documents[0].Body, "\n"), line) {
		t.Fatalf("the corrected line was not saved: %q", d.Documents[0].Body)
	}

	// Submitted, approved by the chief, published as a historical issue.
	run("submit", chromedp.Navigate(draftURL), chromedp.Submit(chromedp.CSS(`form[action$="/submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/withdraw"]`)))
	cov, err := get(base + "/api/v1/coverage")
	if err != nil || !strings.Contains(cov, `"state":"review"`) {
		t.Errorf("coverage before publication does not show the issue in review: %v %.300s", err, cov)
	}
	run("chief approves and publishes the historical issue",
		chromedp.Submit(chromedp.CSS(`form[action="/editor/signout"]`)), chromedp.WaitVisible(chromedp.CSS(`#password`)),
		signIn("wang.fang"), chromedp.Navigate(draftURL),
		chromedp.Submit(chromedp.CSS(`form[action$="/approve"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/historical"]`)),
		chromedp.Submit(chromedp.CSS(`form[action$="/historical"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/historical"]`)))
	docID := gazette.DocumentID(gazette.IssueKey{Year: 1987, Number: 3}, 1)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := site.arch.Document(ctx, docID); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never published", docID)
		}
		time.Sleep(100 * time.Millisecond)
	}

	// The reader says the text was read by machine, the print governs,
	// and links to the page of the print.
	for _, v := range []viewport{desktop, phone} {
		run("reader at "+v.name, setViewport(v), chromedp.Navigate(base+"/documents/"+docID), chromedp.WaitVisible(chromedp.CSS(`.notice.machine-read`)))
		notice := textOf(t, bctx, `.notice.machine-read`)
		// Page 1 was read by OCR and not proofread; page 2 was.
		if !strings.Contains(notice, "以原件为准") || !strings.Contains(notice, "第1页") || strings.Contains(notice, "第2页") {
			t.Errorf("provenance notice %q; want page 1 only", notice)
		}
		links, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.notice.machine-read a')].map(a => a.getAttribute('href'))`))
		if err != nil || len(links) != 1 || links[0] != "/issues/1987/3.pdf#page=1" {
			t.Errorf("notice links %q, %v; want the print at page 1", links, err)
		}
		if doc := textOf(t, bctx, `main`); !strings.Contains(doc, line) || !strings.Contains(doc, scanTitle) {
			t.Errorf("the reader lacks the corrected line or the title:\n%.1000s", doc)
		}
		shoot("reader-" + fmt.Sprint(v.width))
	}
	// The print PDF the notice links to is there.
	if resp, err := http.Head(base + "/issues/1987/3.pdf"); err != nil || resp.StatusCode != 200 {
		t.Errorf("the print PDF: %v %v", resp, err)
	}

	// The API carries the same: page 1 by OCR at the confidence of its
	// second reading, page 2 proofread by the archivist.
	raw, err := get(base + "/api/v1/documents/" + docID)
	if err != nil {
		t.Fatal(err)
	}
	var api struct {
		Sources []gazette.TextSource `json:"sources"`
		Body    []string             `json:"body"`
	}
	if err := json.Unmarshal([]byte(raw), &api); err != nil {
		t.Fatalf("API document: %v: %.300s", err, raw)
	}
	if len(api.Sources) != 2 || api.Sources[0].Page != 1 || api.Sources[0].Method != gazette.OCR || fmt.Sprintf("%.2f", api.Sources[0].Confidence) != fmt.Sprintf("%.2f", turnedConf) ||
		api.Sources[1].Page != 2 || api.Sources[1].Method != gazette.Proofread || api.Sources[1].By != "zhang.li" || api.Sources[1].At.IsZero() {
		t.Errorf("API sources %+v; want page 1 by OCR at %.2f, page 2 proofread by zhang.li", api.Sources, turnedConf)
	}
	if got := strings.Join(api.Body, "\n"); !strings.HasSuffix(got, strings.Join(scanPage2, "\n")) {
		t.Errorf("API body does not end with page 2 as printed: %q", api.Body)
	}

	// Coverage: 1987年第3期 is in, 第1–2期 are gaps.
	run("coverage", setViewport(desktop), chromedp.Navigate(base+"/coverage"), chromedp.WaitVisible(chromedp.CSS(`#y1987`)))
	if _, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(`#y1987 a[href="/issues/1987/3"]`))); err != nil {
		t.Errorf("coverage does not show 1987年第3期 present: %v\n%s", err, textOf(t, bctx, `#y1987`))
	}
	if y := textOf(t, bctx, `#y1987 h2`); !strings.Contains(y, "已入库 1 / 3 期") || !strings.Contains(y, "缺失 2") {
		t.Errorf("coverage of 1987: %q", y)
	}
	shoot("coverage-1280")
	run("coverage at 375", setViewport(phone), chromedp.Navigate(base+"/coverage"), chromedp.WaitVisible(chromedp.CSS(`#y1987`)))
	shoot("coverage-375")

	// The batch that loaded the file now counts the issue, ready to be
	// sampled.
	run("batch page", setViewport(desktop), chromedp.Navigate(base+"/editor/batches/"+batch.ID()), chromedp.WaitVisible(chromedp.CSS(`.ed-quality-line`)))
	if q := textOf(t, bctx, `.ed-quality-line`); !strings.Contains(q, "本批次在馆 1 期") || !strings.Contains(q, "从本批次抽取段落校对") {
		t.Errorf("batch quality line %q", q)
	}
	shoot("batch-1280")

	// The sampling proofread of the batch: a paragraph drawn from its
	// issue, read against the print (one character OCR got wrong), and the
	// batch's error rate with its interval.
	run("draw a sample of the batch", chromedp.Click(chromedp.CSS(`a[href="/editor/quality?batch=`+batch.ID()+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form.ed-proof textarea`)))
	drawn, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('form.ed-proof input[name=document]')].map(i => i.value)`))
	if err != nil || len(drawn) == 0 {
		t.Fatalf("no paragraphs drawn from the batch: %v", err)
	}
	for _, doc := range drawn {
		if doc != docID {
			t.Errorf("paragraph of %s drawn from the batch, which produced %s only", doc, docID)
		}
	}
	shoot("sample-1280")
	para, err := chromedp.Run(bctx, chromedp.Value(chromedp.CSS(`form.ed-proof textarea`)))
	if err != nil {
		t.Fatal(err)
	}
	printed := []rune(para)
	printed[0] = '〇'
	run("proofread a paragraph", chromedp.SetValue(chromedp.CSS(`form.ed-proof textarea`), string(printed)),
		chromedp.Submit(chromedp.CSS(`form.ed-proof`)),
		chromedp.WaitVisible(chromedp.CSS(`p[role="status"]`)))
	row := textOf(t, bctx, `a[href="/editor/batches/`+batch.ID()+`"]`)
	if row != batch.ID() {
		t.Errorf("the quality page does not list batch %s: %q", batch.ID(), row)
	}
	q, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelector('a[href="/editor/batches/`+batch.ID()+`"]').closest('tr').cells].map(c => c.textContent.trim())`))
	if err != nil || len(q) != 8 || !strings.HasSuffix(q[1], "%") || !strings.Contains(q[2], "–") || q[3] != "1" || q[5] != "1" || q[6] != "1" {
		t.Errorf("the batch's row on the quality page %q, %v; want a rate and its interval, 1 paragraph, 1 error, 1 issue", q, err)
	}
	shoot("quality-1280")
	run("quality at 375", setViewport(phone), chromedp.Navigate(base+"/editor/quality"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
	shoot("quality-375")
	if p := probs.take(); len(p) > 0 {
		t.Errorf("browser problems (console, CSP, dialogs): %q", p)
	}
}

// get fetches a URL as a reader would.
func get(u string) (string, error) {
	resp, err := http.Get(u)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return string(b), fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return string(b), err
}
