package frontend_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/report"
)

// TestSamplingProofread: the desk draws paragraphs from a year's
// machine-read documents only; the archivist's readings give the year's
// error rate with its interval.
func TestSamplingProofread(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	s := frontendtest.Sample(gazette.IssueKey{Year: 1987, Number: 3}, 3)
	s.Issue.TotalNumber = 0
	for i := range s.Documents[:2] { // the third was typed in
		d := &s.Documents[i]
		d.Sources = []gazette.TextSource{{Page: d.Pages.First, Method: gazette.OCR, Confidence: 0.8}}
	}
	if err := frontendtest.Publish(context.Background(), f.arch, s); err != nil {
		t.Fatal(err)
	}
	ed := f.signIn(t, "ed.one")
	page := ed.get("/editor/quality?year=1987&n=50").Body.String()
	forms := regexp.MustCompile(`name="document" value="([^"]+)"><input type="hidden" name="paragraph" value="(\d+)"`).FindAllStringSubmatch(page, -1)
	want := len(s.Documents[0].Body) + len(s.Documents[1].Body)
	if len(forms) != want {
		t.Fatalf("%d paragraphs drawn, want all %d of the machine-read documents", len(forms), want)
	}
	for _, m := range forms {
		if m[1] == s.Documents[2].ID {
			t.Errorf("a paragraph of a typed-in document was drawn")
		}
	}
	// The archivist finds one character wrong in the first paragraph
	// drawn and none in the second.
	first, _ := f.arch.Document(context.Background(), forms[0][1])
	para := first.Body[atoi(forms[0][2])]
	rs := []rune(para)
	rs[0] = '〇'
	for i, m := range forms[:2] {
		d, _ := f.arch.Document(context.Background(), m[1])
		printed := d.Body[atoi(m[2])]
		if i == 0 {
			printed = string(rs)
		}
		rec := ed.post("/editor/quality/proofs", url.Values{"document": {m[1]}, "paragraph": {m[2]}, "printed": {printed}, "read": {"ignored"}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("proof = %d: %.300s", rec.Code, rec.Body)
		}
	}
	summary := ed.get("/editor/quality").Body.String()
	if !regexp.MustCompile(`<td>1987</td><td>[0-9.]+%</td><td>[0-9.]+% – [0-9.]+%</td><td>2</td>`).MatchString(summary) {
		t.Errorf("the 1987 row does not count 2 paragraphs:\n%s", summary[strings.Index(summary, "<h1>"):])
	}
	for _, bad := range []url.Values{
		{"document": {forms[0][1]}, "paragraph": {"999"}, "printed": {"x"}},
		{"document": {"../x"}, "paragraph": {"0"}, "printed": {"x"}},
		{"document": {forms[0][1]}, "paragraph": {"一"}, "printed": {"x"}},
	} {
		if rec := ed.post("/editor/quality/proofs", bad); rec.Code < 400 || rec.Code >= 500 {
			t.Errorf("proof %v = %d, want a 4xx", bad, rec.Code)
		}
	}
	if rec := ed.get("/editor/quality?year=1987&n=500"); rec.Code < 400 || rec.Code >= 500 {
		t.Errorf("a sample of 500 = %d, want a 4xx", rec.Code)
	}
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// TestSamplingProofreadPerBatch: the desk draws paragraphs from the
// issues a batch produced, and shows each batch's error rate with its
// interval on the quality page, the batch's page and in the API.
func TestSamplingProofreadPerBatch(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	ctx := context.Background()
	for _, key := range []gazette.IssueKey{{Year: 1987, Number: 3}, {Year: 1987, Number: 4}} {
		s := frontendtest.Sample(key, 2)
		s.Issue.TotalNumber = 0
		for i := range s.Documents {
			d := &s.Documents[i]
			d.Sources = []gazette.TextSource{{Page: d.Pages.First, Method: gazette.OCR, Confidence: 0.8}}
		}
		if err := frontendtest.Publish(ctx, f.arch, s); err != nil {
			t.Fatal(err)
		}
	}
	// Batch "b1987" ingested 1987年第3期 only.
	st := report.BatchStatus{ID: "b1987", Owner: "m1:1", Paths: []string{"/archive/1987"}, Started: f.clock.Now(), Updated: f.clock.Now(),
		State: report.BatchFinished, Files: 1, Ingested: 1, Issues: []string{"1987-3"}}
	raw, _ := json.Marshal(st)
	if _, err := f.store.Put(ctx, report.StatusKey(st.ID, st.Owner), bytes.NewReader(raw), int64(len(raw)), gazette.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	ed := f.signIn(t, "ed.one")
	page := ed.get("/editor/quality?batch=b1987&n=50")
	forms := regexp.MustCompile(`name="document" value="([^"]+)"><input type="hidden" name="paragraph" value="(\d+)"`).FindAllStringSubmatch(page.Body.String(), -1)
	if page.Code != 200 || len(forms) == 0 || !strings.Contains(page.Body.String(), "从批次 b1987 的") {
		t.Fatalf("batch sample = %d, %d paragraphs: %.400s", page.Code, len(forms), page.Body)
	}
	for _, m := range forms {
		if !strings.HasPrefix(m[1], "1987-3-") {
			t.Errorf("paragraph of %s drawn from batch b1987, which holds 1987-3 only", m[1])
		}
	}
	// One character wrong in the first paragraph, none in the second.
	for i, m := range forms[:2] {
		d, _ := f.arch.Document(ctx, m[1])
		printed := d.Body[atoi(m[2])]
		if i == 0 {
			rs := []rune(printed)
			rs[0] = '〇'
			printed = string(rs)
		}
		if rec := ed.post("/editor/quality/proofs", url.Values{"document": {m[1]}, "paragraph": {m[2]}, "printed": {printed}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("proof = %d: %.300s", rec.Code, rec.Body)
		}
	}
	summary := ed.get("/editor/quality").Body.String()
	row := regexp.MustCompile(`<a href="/editor/batches/b1987"[^>]*>b1987</a></td><td>([0-9.]+%)</td><td>([0-9.]+%) – ([0-9.]+%)</td><td>2</td><td>\d+</td><td>1</td><td>1</td>`).FindStringSubmatch(summary)
	if row == nil {
		t.Fatalf("no b1987 row with 2 paragraphs and 1 error:\n%s", summary[strings.Index(summary, "各批次错字率"):])
	}
	batch := ed.get("/editor/batches/b1987").Body.String()
	if !strings.Contains(batch, "错字率 "+row[1]+"</strong>（95% 置信区间 "+row[2]+" – "+row[3]+"）") || !strings.Contains(batch, `href="/editor/quality?batch=b1987"`) {
		t.Errorf("batch page lacks the estimate %v:\n%s", row[1:], batch[strings.Index(batch, "<h1>"):])
	}
	if rec := ed.get("/editor/quality?batch=nope"); rec.Code != http.StatusNotFound {
		t.Errorf("sample of no batch = %d, want 404", rec.Code)
	}
	if rec := ed.get("/editor/quality?batch=b1987&year=1987"); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("sample of a year and a batch = %d, want 422", rec.Code)
	}

	// The API says the same, checked against the OpenAPI document.
	tok, _, err := f.ed.CreateToken(ctx, editorial.Actor{User: "ed.one", Role: editorial.RoleEditor, Addr: "test"}, "ci", 0)
	if err != nil {
		t.Fatal(err)
	}
	spec := editorSpec(t, f.srv)
	var q editorial.Quality
	rec := apiCall(t, f, spec, tok, "GET", "/api/v1/editor/quality", "", nil)
	if err := json.Unmarshal(rec.Body.Bytes(), &q); err != nil || rec.Code != 200 {
		t.Fatalf("quality = %d %v: %s", rec.Code, err, rec.Body)
	}
	if len(q.Batches) != 1 || q.Batches[0].ID != "b1987" || q.Batches[0].Paragraphs != 2 || q.Batches[0].Errors != 1 || q.Batches[0].High <= q.Batches[0].Rate ||
		len(q.Years) != 1 || q.Years[0].Year != 1987 || q.Years[0].Paragraphs != 2 {
		t.Errorf("quality %+v", q)
	}
	var b struct {
		Issues  []string               `json:"issues"`
		Quality editorial.BatchQuality `json:"quality"`
	}
	rec = apiCall(t, f, spec, tok, "GET", "/api/v1/editor/batches/b1987", "", nil)
	if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil || rec.Code != 200 {
		t.Fatalf("batch = %d %v: %s", rec.Code, err, rec.Body)
	}
	if len(b.Issues) != 1 || b.Quality.Paragraphs != 2 || b.Quality.Rate != q.Batches[0].Rate || len(b.Quality.Issues) != 1 {
		t.Errorf("batch JSON %+v", b)
	}
	apiCall(t, f, spec, tok, "GET", "/api/v1/editor/batches", "", nil)
}
