package frontend_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/frontend/frontendtest"
	"github.com/gazette-archive/gazette/gazette"
)

// A correction the desk cannot take comes back as the editor typed it,
// with why in Chinese, never a bare message page that loses the text.
func TestEditorCorrectionKeepsTheForm(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	editor := f.signIn(t, "ed.one")
	id := gazette.DocumentID(frontendtest.Issue2019, 1)
	form := url.Values{"version": {"1"}, "title": {"改过的标题（编辑输入）"}, "kind": {"normative"}, "docnum": {""},
		"authorities": {"福建省人民政府"}, "signed": {""}, "body": {"第一段。\n第二段，编辑改过。"},
		"reason": {"第二段错字"}, "date": {"明天"}}
	rec := editor.post("/editor/documents/"+id+"/correct", form)
	body := rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("correction with an unreadable date = %d, want 422: %.500s", rec.Code, body)
	}
	for _, want := range []string{"勘误未发布", "勘误日期", `value="改过的标题（编辑输入）"`, `value="第二段错字"`, `value="明天"`, "第二段，编辑改过。"} {
		if !strings.Contains(body, want) {
			t.Errorf("the refused correction form lacks %q", want)
		}
	}
}
