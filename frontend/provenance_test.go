package frontend_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/frontend/frontendtest"
	"github.com/gazette-archive/gazette/gazette"
)

// TestMachineReadNotice: a document whose text OCR read from a scan says so
// on its page, with links to the print at those pages, and the API gives
// each page's source; a document from a text layer says nothing.
func TestMachineReadNotice(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	key := gazette.IssueKey{Year: 1987, Number: 3}
	s := frontendtest.Sample(key, 2)
	s.Issue.TotalNumber = 0
	d := &s.Documents[0]
	d.Sources = nil
	for p := d.Pages.First; p <= d.Pages.Last; p++ {
		d.Sources = append(d.Sources, gazette.TextSource{Page: p, Method: gazette.OCR, Confidence: 0.83})
	}
	s.Documents[1].Sources = []gazette.TextSource{{Page: s.Documents[1].Pages.First, Method: gazette.TextLayer}}
	if err := frontendtest.Publish(context.Background(), f.arch, s); err != nil {
		t.Fatal(err)
	}
	cl := &client{f: f}
	body := cl.get("/documents/" + d.ID).Body.String()
	for _, want := range []string{"本文文字由扫描件自动识别（OCR），未经人工校对", "以原件为准", `href="/issues/1987/3.pdf#page=` + strconv.Itoa(d.Pages.First) + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("document page lacks %q", want)
		}
	}
	if strings.Contains(cl.get("/documents/"+s.Documents[1].ID).Body.String(), "自动识别") {
		t.Error("a document read from its text layer carries the OCR notice")
	}
	var got gazette.Document
	rec := cl.get("/api/v1/documents/" + d.ID)
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || len(got.Sources) != len(d.Sources) || got.Sources[0].Method != gazette.OCR || got.Sources[0].Confidence != 0.83 {
		t.Errorf("API document sources %+v, %v: %.300s", got.Sources, err, rec.Body)
	}

	// An editor who reads the whole text against the original says so with
	// the correction: the notice goes, and the pages say who proofread them.
	ed := f.signIn(t, "ed.one")
	if page := ed.get("/editor/documents/" + d.ID).Body.String(); !strings.Contains(page, `name="proofread"`) {
		t.Error("the correction form does not offer to mark the text proofread")
	}
	form := url.Values{"version": {"1"}, "title": {d.Title}, "kind": {string(d.Kind)}, "docnum": {d.DocNumber},
		"authorities": {strings.Join(d.Authorities, "\n")}, "body": {strings.Join(d.Body, "\n") + "（校对补正）"},
		"reason": {"对照原件校正扫描识别的文字"}, "date": {"2026-03-01"}, "proofread": {"1"}}
	if rec := ed.post("/editor/documents/"+d.ID+"/correct", form); rec.Code != http.StatusSeeOther {
		t.Fatalf("correction = %d: %.500s", rec.Code, rec.Body)
	}
	if strings.Contains(cl.get("/documents/"+d.ID).Body.String(), "自动识别") {
		t.Error("the OCR notice stays after the text was proofread")
	}
	rec = cl.get("/api/v1/documents/" + d.ID)
	got = gazette.Document{}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || len(got.Sources) == 0 || got.Sources[0].Method != gazette.Proofread || got.Sources[0].By != "ed.one" || got.Sources[0].At.IsZero() {
		t.Errorf("after proofreading, sources %+v, %v", got.Sources, err)
	}
}
