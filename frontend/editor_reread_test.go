package frontend_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/report"
)

// rereadFixture is a server whose editorial service reads pages again
// with a fake reader, and a draft of two pages, one document each, queued
// for review as ingest queues a scan.
type rereadFixture struct {
	*edFixture
	draft *editorial.Draft
	reads atomic.Int32
	last  atomic.Pointer[report.OCRSettings]
}

func newRereadFixture(t *testing.T) *rereadFixture {
	t.Helper()
	ctx := context.Background()
	rf := &rereadFixture{}
	reread := func(ctx context.Context, path string, n int, s report.OCRSettings) (*report.PageRead, error) {
		rf.reads.Add(1)
		rf.last.Store(&s)
		return &report.PageRead{Paragraphs: []string{"现将《禁运测试办法》印发给你们（重新识别）。"}, Confidence: 0.93, Note: "turned 90° clockwise as asked"}, nil
	}
	clk := &testClock{t: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	blobs := archivetest.NewMemBlobs()
	arch := archive.New(blobs, nil, nil, archive.WithClock(clk.Now))
	// Page images are drawn wherever pages can be read again (both need
	// poppler); the image is not under test.
	render := func(ctx context.Context, path string, n, dpi int) ([]byte, error) {
		var b bytes.Buffer
		if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 2, 3))); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	ed, err := editorial.New(editorial.Config{Blobs: blobs, Archive: arch, Split: edSplit, Render: render, Reread: reread, Now: clk.Now, TempDir: t.TempDir(),
		Argon: editorial.Argon2Params{Memory: 64, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	for name, role := range edUsers {
		if err := ed.AddUser(ctx, editorial.CommandLine("test"), name, role, edPassword); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := frontend.New(frontend.Config{Archive: arch, Editorial: ed, PublicURL: publicURL, APIRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	rf.edFixture = &edFixture{srv: srv, arch: arch, ed: ed, clock: clk, store: blobs}
	pr := func(n int) []gazette.PageRange { return []gazette.PageRange{{First: n, Last: n}} }
	res := &report.Result{
		Issue: report.IssueMeta{Gazette: "福建省人民政府公报", Year: 1990, Number: 4, Date: gazette.Date{Year: 1990, Month: 2, Day: 20}},
		Documents: []report.Document{
			{Title: "福建省人民政府关于印发禁运测试办法的通知", Kind: gazette.KindNormative, PageStart: 1, PageEnd: 1, Text: "现将（禁运测试办法）印发洽你们。", ParagraphPages: pr(1)},
			{Title: "福建省人民政府关于某某同志任职的通知", Kind: gazette.KindAppointment, PageStart: 2, PageEnd: 2, Text: "任命某某为某某厅厅长。", ParagraphPages: pr(2)},
		},
		Pages:  []report.PageReport{{Number: 1, Extractor: "ocr", Confidence: 0.42}, {Number: 2, Extractor: "ocr", Confidence: 0.91}},
		Review: []string{"第1页：置信度低"},
	}
	rf.draft, err = ed.QueueForReview(ctx, editorial.CommandLine("ingest"), "1990-04.pdf", []byte("%PDF-1.4\n% scan\n"), res)
	if err != nil {
		t.Fatal(err)
	}
	return rf
}

// TestRereadPageForm reads a page again from the form beside its image.
func TestRereadPageForm(t *testing.T) {
	f := newRereadFixture(t)
	cl := f.signIn(t, "ed.one")
	id := f.draft.ID
	page := cl.get("/editor/drafts/" + id + "?doc=1")
	body := page.Body.String()
	for _, want := range []string{`action="/editor/drafts/` + id + `/pages/1/ocr"`, `<option value="300" selected>300 dpi</option>`, `<option value="6">单个文字块</option>`, `<option value="90">90°</option>`, "重新识别此页", "文字由 OCR 识别，置信度 42%"} {
		if !strings.Contains(body, want) {
			t.Errorf("draft page lacks %q", want)
		}
	}
	etag := cl.draftETag(t, id)
	post := func(form url.Values) *httptest.ResponseRecorder {
		return cl.post("/editor/drafts/"+id+"/pages/1/ocr", form)
	}
	// Settings not offered, or not numbers, or a page not in the PDF: 422
	// naming the field, and nothing read or changed.
	for _, tc := range []struct {
		name, path string
		form       url.Values
		want       string
	}{
		{"dpi not offered", "1", url.Values{"etag": {etag}, "dpi": {"250"}, "psm": {"3"}, "rotation": {"0"}, "doc": {"1"}}, "分辨率"},
		{"rotation not a number", "1", url.Values{"etag": {etag}, "dpi": {"300"}, "psm": {"3"}, "rotation": {"ninety"}, "doc": {"1"}}, "“ninety”不是整数"},
		{"page beyond the PDF", "3", url.Values{"etag": {etag}, "dpi": {"300"}, "psm": {"3"}, "rotation": {"0"}}, "印刷版没有第3页"},
		{"page not a number", "x", url.Values{"etag": {etag}, "dpi": {"300"}, "psm": {"3"}, "rotation": {"0"}}, "“x”不是页码"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := cl.post("/editor/drafts/"+id+"/pages/"+tc.path+"/ocr", tc.form)
			if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), tc.want) {
				t.Errorf("= %d, want 422 saying %q: %.400s", rec.Code, tc.want, rec.Body)
			}
		})
	}
	if f.reads.Load() != 0 || cl.draftETag(t, id) != etag {
		t.Fatal("a refused request read the page or changed the draft")
	}
	if rec := post(url.Values{"etag": {"stale"}, "dpi": {"300"}, "psm": {"6"}, "rotation": {"90"}, "doc": {"1"}}); rec.Code != http.StatusPreconditionFailed {
		t.Errorf("stale ETag = %d, want 412", rec.Code)
	}
	if rec := cl.post("/editor/drafts/"+id+"/pages/1/ocr", url.Values{"csrf": {"forged"}, "etag": {etag}, "dpi": {"300"}, "psm": {"6"}, "rotation": {"90"}}); rec.Code != http.StatusForbidden {
		t.Errorf("forged CSRF = %d, want 403", rec.Code)
	}
	rec := post(url.Values{"etag": {etag}, "dpi": {"300"}, "psm": {"6"}, "rotation": {"90"}, "doc": {"1"}})
	if loc := rec.Header().Get("Location"); rec.Code != http.StatusSeeOther || loc != "/editor/drafts/"+id+"?doc=1&reread=1#page-1" {
		t.Fatalf("reread = %d → %q: %.300s", rec.Code, loc, rec.Body)
	}
	if s := f.last.Load(); s == nil || *s != (report.OCRSettings{DPI: 300, PSM: 6, Rotation: 90}) {
		t.Errorf("read with %+v", s)
	}
	body = cl.get("/editor/drafts/" + id + "?doc=1&reread=1").Body.String()
	for _, want := range []string{"第1页已重新识别", "现将《禁运测试办法》印发给你们（重新识别）。", "文字由 OCR 识别，置信度 93%", "由 ed.one 按 300 dpi、单个文字块、旋转 90° 重新识别", `<option value="90" selected>90°</option>`} {
		if !strings.Contains(body, want) {
			t.Errorf("after rereading, the draft page lacks %q", want)
		}
	}
	// The proofread button beside page 2's image.
	if !strings.Contains(body, `action="/editor/drafts/`+id+`/pages/1/proofread"`) {
		t.Error("no proofread button beside page 1")
	}
	rec = cl.post("/editor/drafts/"+id+"/pages/2/proofread", url.Values{"etag": {cl.draftETag(t, id)}, "doc": {"2"}})
	if loc := rec.Header().Get("Location"); rec.Code != http.StatusSeeOther || loc != "/editor/drafts/"+id+"?doc=2&proofread=2#page-2" {
		t.Fatalf("proofread = %d → %q: %.300s", rec.Code, loc, rec.Body)
	}
	body = cl.get("/editor/drafts/" + id + "?doc=2&proofread=2").Body.String()
	if !strings.Contains(body, "第2页已记为人工校对") || !strings.Contains(body, "已由 ed.one 人工校对") || strings.Contains(body, `/pages/2/proofread"`) || strings.Contains(body, `/pages/2/ocr"`) {
		t.Errorf("after proofreading page 2, the page shows:\n%s", body[strings.Index(body, "<h1>"):])
	}
	// A line corrected by hand is never overwritten: 409 saying so.
	form := draftForm(t, cl.get("/editor/drafts/"+id+"?doc=1").Body.String())
	form.Set("d0.body", "现将《禁运测试办法》印发给你们。")
	form.Set("op", "save")
	if rec := cl.post("/editor/drafts/"+id, form); rec.Code != http.StatusSeeOther {
		t.Fatalf("save = %d: %.300s", rec.Code, rec.Body)
	}
	reads := f.reads.Load()
	rec = post(url.Values{"etag": {cl.draftETag(t, id)}, "dpi": {"400"}, "psm": {"3"}, "rotation": {"90"}, "doc": {"1"}})
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "已经人工修改") || !strings.Contains(rec.Body.String(), "此页文字已有人工修改") {
		t.Errorf("reread over a correction = %d: %.500s", rec.Code, rec.Body)
	}
	if f.reads.Load() != reads {
		t.Error("the page was read though its correction would be lost")
	}
	d, err := f.ed.Draft(context.Background(), editorial.Actor{User: "ed.one", Role: editorial.RoleEditor}, id)
	if err != nil || d.Documents[0].Body[0] != "现将《禁运测试办法》印发给你们。" {
		t.Errorf("the correction was touched: %v %q", err, d.Documents[0].Body)
	}
}

// TestRereadPageAPI reads a page again through the JSON API; every call is
// checked against the OpenAPI document.
func TestRereadPageAPI(t *testing.T) {
	f := newRereadFixture(t)
	ctx := context.Background()
	tok, _, err := f.ed.CreateToken(ctx, editorial.Actor{User: "ed.one", Role: editorial.RoleEditor, Addr: "test"}, "ci", 0)
	if err != nil {
		t.Fatal(err)
	}
	spec := editorSpec(t, f.srv)
	id := f.draft.ID
	rec := apiCall(t, f.edFixture, spec, tok, "GET", "/api/v1/editor/drafts/"+id, "", nil)
	etag := rec.Header().Get("ETag")
	path := "/api/v1/editor/drafts/" + id + "/pages/1/ocr"
	good := map[string]int{"dpi": 300, "psm": 6, "rotation": 90}
	for _, tc := range []struct {
		name, path, ifMatch string
		body                any
		status              int
		detail              string
	}{
		{"no If-Match", path, "", good, http.StatusPreconditionRequired, ""},
		{"stale", path, `"c3RhbGU"`, good, http.StatusPreconditionFailed, ""},
		{"psm not offered", path, etag, map[string]int{"dpi": 300, "psm": 11, "rotation": 0}, http.StatusUnprocessableEntity, "psm"},
		{"rotation missing", path, etag, map[string]int{"dpi": 300, "psm": 3}, http.StatusUnprocessableEntity, "rotation"},
		{"unknown field", path, etag, map[string]any{"dpi": 300, "psm": 3, "rotation": 0, "lang": "eng"}, http.StatusUnprocessableEntity, ""},
		{"page 0", "/api/v1/editor/drafts/" + id + "/pages/0/ocr", etag, good, http.StatusUnprocessableEntity, "page"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := apiCall(t, f.edFixture, spec, tok, "POST", tc.path, tc.ifMatch, tc.body)
			if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.detail) {
				t.Errorf("= %d, want %d naming %q: %s", rec.Code, tc.status, tc.detail, rec.Body)
			}
		})
	}
	if f.reads.Load() != 0 {
		t.Fatal("a refused request read the page")
	}
	rec = apiCall(t, f.edFixture, spec, tok, "POST", path, etag, good)
	if rec.Code != http.StatusOK || rec.Header().Get("ETag") == etag {
		t.Fatalf("reread = %d: %s", rec.Code, rec.Body)
	}
	var d struct {
		Documents []gazette.Document   `json:"documents"`
		Pages     []editorial.PageText `json:"pages"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	if d.Documents[0].Body[0] != "现将《禁运测试办法》印发给你们（重新识别）。" || d.Documents[0].Sources[0].Confidence != 0.93 ||
		d.Pages[0].Reread == nil || d.Pages[0].Reread.Settings.Rotation != 90 || d.Pages[0].Reread.By != "ed.one" {
		t.Errorf("draft after rereading: %+v", d)
	}
	if d.Documents[1].Body[0] != "任命某某为某某厅厅长。" {
		t.Errorf("the other page's document changed: %q", d.Documents[1].Body)
	}
	entries, err := f.ed.Audit(ctx, editorial.CommandLine("test"), time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range entries {
		found = found || e.Action == "draft.reocr" && e.User == "ed.one" && e.Outcome == editorial.OutcomeOK
	}
	if !found {
		t.Error("no draft.reocr audit entry by ed.one")
	}

	// Page 2 proofread: its source says by whom, and it is not read again.
	proof := "/api/v1/editor/drafts/" + id + "/pages/2/proofread"
	if rec := apiCall(t, f.edFixture, spec, tok, "POST", proof, "", nil); rec.Code != http.StatusPreconditionRequired {
		t.Errorf("proofread without If-Match = %d", rec.Code)
	}
	if rec := apiCall(t, f.edFixture, spec, tok, "POST", "/api/v1/editor/drafts/"+id+"/pages/3/proofread", rec.Header().Get("ETag"), nil); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("proofread page 3 of 2 = %d", rec.Code)
	}
	rec = apiCall(t, f.edFixture, spec, tok, "POST", proof, rec.Header().Get("ETag"), nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("proofread = %d: %s", rec.Code, rec.Body)
	}
	d.Documents = nil
	if err := json.Unmarshal(rec.Body.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	if s := d.Documents[1].Sources; len(s) != 1 || s[0].Method != gazette.Proofread || s[0].By != "ed.one" || s[0].At.IsZero() {
		t.Errorf("page 2 sources after proofreading %+v", s)
	}
	if rec := apiCall(t, f.edFixture, spec, tok, "POST", "/api/v1/editor/drafts/"+id+"/pages/2/ocr", rec.Header().Get("ETag"), good); rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "人工校对") {
		t.Errorf("reading a proofread page again = %d: %s", rec.Code, rec.Body)
	}
}
