package frontend_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/gazette"
)

// coverageOf reads /api/v1/coverage.
func coverageOf(t *testing.T, f *edFixture) gazette.Coverage {
	t.Helper()
	rec := (&client{f: f}).get("/api/v1/coverage")
	var cv gazette.Coverage
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &cv) != nil {
		t.Fatalf("/api/v1/coverage = %d: %.300s", rec.Code, rec.Body)
	}
	return cv
}

func TestCoverage(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	// One issue published: 2019年第12期. Numbers 1–11 are gaps.
	cv := coverageOf(t, f)
	if len(cv.Years) != 1 || cv.Years[0].Year != 2019 || len(cv.Years[0].Slots) != 12 || cv.Gaps != 11 || cv.Years[0].Present != 1 {
		t.Fatalf("coverage %+v; want 2019 with 12 numbers, 11 gaps", cv)
	}
	page := (&client{f: f}).get("/coverage").Body.String()
	for _, want := range []string{`href="/issues/2019/12"`, "2019年", "第3期 缺失", "共缺失 <strong>11</strong> 期"} {
		if !strings.Contains(page, want) {
			t.Errorf("/coverage lacks %q", want)
		}
	}

	ed := f.signIn(t, "ed.one")
	if rec := ed.get("/editor/coverage?year=2019&number=3"); rec.Code != 200 || !strings.Contains(rec.Body.String(), `name="number" inputmode="numeric" pattern="[0-9]{1,3}" value="3"`) {
		t.Fatalf("editor coverage page = %d: the form is not prefilled: %.500s", rec.Code, rec.Body)
	}
	rec := ed.post("/editor/coverage", url.Values{"year": {"2019"}, "number": {"3"}, "state": {"lost"}, "note": {"省档案馆亦无存本"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("mark = %d: %.300s", rec.Code, rec.Body)
	}
	if !strings.Contains(ed.get("/editor/coverage").Body.String(), "已佚：省档案馆亦无存本") {
		t.Error("the editor page does not show the mark and its note")
	}
	cv = coverageOf(t, f)
	if s := cv.Years[0].Slots[2]; s.State != gazette.SlotLost || s.Note != "省档案馆亦无存本" || cv.Gaps != 10 {
		t.Errorf("after marking: slot 3 %+v, %d gaps; want lost with its note, 10 gaps", s, cv.Gaps)
	}

	// Bad input changes nothing and says why.
	for _, bad := range []url.Values{
		{"year": {"2019"}, "number": {"4"}, "state": {"present"}},
		{"year": {"2019"}, "number": {"4"}, "state": {"lost;x"}},
		{"year": {"二〇一九"}, "number": {"4"}, "state": {"lost"}},
		{"year": {"2019"}, "number": {"0"}, "state": {"lost"}},
		{"year": {"2019"}, "number": {"4"}, "state": {"lost"}, "note": {strings.Repeat("注", gazette.MaxGapNote+1)}},
	} {
		if rec := ed.post("/editor/coverage", bad); rec.Code < 400 || rec.Code >= 500 {
			t.Errorf("mark %v = %d, want a 4xx", bad, rec.Code)
		}
	}
	if rec := ed.post("/editor/coverage", url.Values{"csrf": {""}, "year": {"2019"}, "number": {"4"}, "state": {"lost"}}); rec.Code != http.StatusForbidden {
		t.Errorf("mark without the CSRF token = %d, want 403", rec.Code)
	}
	if got := coverageOf(t, f).Gaps; got != 10 {
		t.Errorf("refused marks changed the gaps: %d, want 10", got)
	}
	// Unmarking brings the gap back.
	if rec := ed.post("/editor/coverage", url.Values{"year": {"2019"}, "number": {"3"}, "state": {"clear"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("unmark = %d", rec.Code)
	}
	if got := coverageOf(t, f).Gaps; got != 11 {
		t.Errorf("after unmarking: %d gaps, want 11", got)
	}
}

// TestReviewQueueInDrafts: a file that ingest could not publish is in the
// editors' list of drafts with what to check, and counts as in review on
// the coverage page.
func TestReviewQueueInDrafts(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	ctx := t.Context()
	res, err := edSplit(ctx, writeTemp(t, "%PDF-1.4\n% scan of 2026-5\n"))
	if err != nil {
		t.Fatal(err)
	}
	res.Review = []string{"第2页：未能识别文字", "封面期号不清"}
	d, err := f.ed.QueueForReview(ctx, editorial.CommandLine("ingest"), "scan.pdf", []byte("%PDF-1.4\n% scan of 2026-5\n"), res)
	if err != nil {
		t.Fatal(err)
	}
	ed := f.signIn(t, "ed.one")
	if body := ed.get("/editor").Body.String(); !strings.Contains(body, "/editor/drafts/"+d.ID) || !strings.Contains(body, "待核对 2 项") {
		t.Errorf("the drafts list does not show the queued file with what to check:\n%s", body[strings.Index(body, "<tbody>"):])
	}
	cv := coverageOf(t, f)
	for _, y := range cv.Years {
		if y.Year == 2026 && (y.Review != 1 || y.Slots[4].State != gazette.SlotReview) {
			t.Errorf("2026: %+v; want 第5期 in review", y)
		}
	}
}

func writeTemp(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "file.pdf")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
