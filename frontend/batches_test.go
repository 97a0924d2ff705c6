package frontend_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/ingest"
	"github.com/gazette-archive/gazette/ingest/report"
)

// TestBatchesPage: a batch gazette ingest records in the storage shows
// on the archivists' status page and in the API, with its counts.
func TestBatchesPage(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	ctx := context.Background()
	rec, err := ingest.NewBatchRecorder(ctx, f.blobs(), []string{"/archive/1987"}, "scanner-1:4242", 12, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []ingest.Outcome{ingest.Ingested, ingest.Ingested, ingest.NeedsReview, ingest.Failed} {
		if err := rec.Record(ctx, ingest.Progress{Last: &ingest.FileReport{Outcome: o, Pages: 16}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := rec.Finish(ctx, nil); err != nil {
		t.Fatal(err)
	}
	ed := f.signIn(t, "ed.one")
	list := ed.get("/editor/batches").Body.String()
	for _, want := range []string{"批次 " + rec.ID(), "/archive/1987", "已处理 4 / 12 个文件", "<dt>待核对</dt><dd>1</dd>", "已完成"} {
		if !strings.Contains(list, want) {
			t.Errorf("the batches page lacks %q:\n%s", want, list[strings.Index(list, "<h1>"):])
		}
	}
	if one := ed.get("/editor/batches/" + rec.ID()).Body.String(); !strings.Contains(one, "scanner-1:4242") {
		t.Error("the batch's page does not name its process")
	}
	if got := ed.get("/editor/batches/nosuchbatch").Code; got != 404 {
		t.Errorf("an unknown batch = %d, want 404", got)
	}
	tok, _, err := f.ed.CreateToken(ctx, editorial.Actor{User: "ed.one", Role: editorial.RoleEditor, Addr: "test"}, "ci", 0)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/api/v1/editor/batches/"+rec.ID(), nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, req)
	var b report.BatchSummary
	if err := json.Unmarshal(w.Body.Bytes(), &b); w.Code != 200 || err != nil || b.Files != 12 || b.Done != 4 || b.Review != 1 || b.Pages != 64 || b.State != report.BatchFinished {
		t.Errorf("API batch = %d %+v, %v", w.Code, b, err)
	}
}
