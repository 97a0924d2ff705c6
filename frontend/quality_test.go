package frontend_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/frontend/frontendtest"
	"github.com/gazette-archive/gazette/gazette"
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
	if !strings.Contains(summary, "<td>1987</td><td>2</td>") {
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
