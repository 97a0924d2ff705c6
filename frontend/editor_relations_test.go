package frontend_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/editorial"
)

// In the editor fixture (issue 2019-12, four documents) 2019-12-2 cites
// 2019-12-1 (依据), and 闽政〔2018〕2402号 and 《福建省行政许可实施办法》, which
// the archive lacks.

func TestEditorRecordsRelations(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	ed := f.signIn(t, "ed.one")

	// The editor page lists the relations read from the text, each with a
	// button to withdraw it, and the citations that did not resolve.
	rec := ed.get("/editor/documents/2019-12-2")
	if rec.Code != 200 {
		t.Fatalf("editor page = %d", rec.Code)
	}
	text := chinesePage(t, rec.Body.String())
	for _, want := range []string{
		"关联文件", `<span class="rel-verb">依据</span> <a href="/editor/documents/2019-12-1">《福建省行政执法程序规定》（省政府令第1201号）</a>`, "正文引用",
		`aria-label="撤销：依据 《福建省行政执法程序规定》（省政府令第1201号）"`,
		"正文中未能解析的引用", "第6段：闽政〔2018〕2402号（库中没有）", "《福建省行政许可实施办法》（库中没有）",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the editor page lacks %q", want)
		}
	}

	// Recorded by 文号, it shows on both documents' reader pages.
	rec = ed.post("/editor/documents/2019-12-4/relations", url.Values{"type": {"interprets"}, "target": {"闽政[2019]1202号"}, "provision": {"第 2 条"}, "note": {"政策解读"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/editor/documents/2019-12-4?done=relation#relations" {
		t.Fatalf("record = %d %q: %.500s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	if body := ed.get("/editor/documents/2019-12-4?done=relation").Body.String(); !strings.Contains(body, "关联已记录") || !strings.Contains(body, `<span class="rel-verb">解读</span> <a href="/editor/documents/2019-12-2">`) {
		t.Errorf("the editor page after recording does not show it")
	}
	reader := page(t, f.srv, "/documents/2019-12-2")
	if want := `<a href="/documents/2019-12-4">`; !strings.Contains(section(t, reader, `<section class="relations"`), want) ||
		!strings.Contains(reader, `<span class="rel-verb">被解读</span>（第2条）`) {
		t.Errorf("the interpreted document's page does not list the interpretation")
	}
	if es, err := f.ed.Audit(context.Background(), editorial.Actor{User: "admin.one", Role: editorial.RoleAdmin}, f.clock.Now().AddDate(0, 0, -1), f.clock.Now().AddDate(0, 0, 1)); err != nil {
		t.Fatal(err)
	} else if !auditHas(es, "document.relate", "document/2019-12-4", "interprets 2019-12-2 第2条") {
		t.Errorf("the relation is not in the audit log: %+v", es)
	}

	// Refused, in Chinese, on the form as typed.
	for _, tc := range []struct {
		name string
		form url.Values
		says string
	}{
		{"no target", url.Values{"type": {"cites"}}, "请填写所涉文件"},
		{"unknown target", url.Values{"type": {"cites"}, "target": {"2030-1-1"}}, "没有编号为 2030-1-1 的已发布文件"},
		{"before the target existed", url.Values{"type": {"amends"}, "target": {"2019-12-1"}, "since": {"2019-01-01"}}, "早于文件 2019-12-1 的成文或发布日期"},
		{"an older document changing a newer", url.Values{"type": {"repeals"}, "target": {"2019-12-4"}}, "不能废止它"},
		{"a bad provision", url.Values{"type": {"amends"}, "target": {"2019-12-1"}, "provision": {"前言"}}, "应写作 第N条"},
		{"no type", url.Values{"target": {"2019-12-1"}}, "请选择关系"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := ed.post("/editor/documents/2019-12-2/relations", tc.form)
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("= %d, want 422", rec.Code)
			}
			if text := chinesePage(t, rec.Body.String()); !strings.Contains(text, "关联尚未记录") || !strings.Contains(text, tc.says) {
				t.Errorf("the form does not say %q", tc.says)
			}
		})
	}

	// A wrong reading of the text is withdrawn: no longer a relation, and
	// no longer a link in the text.
	rec = ed.post("/editor/documents/2019-12-2/relations", url.Values{"withdraw": {"1"}, "type": {"based_on"}, "target_pick": {"2019-12-1"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("withdraw = %d: %.500s", rec.Code, rec.Body)
	}
	reader = page(t, f.srv, "/documents/2019-12-2")
	if strings.Contains(reader, `href="/documents/2019-12-1"`) && strings.Contains(section(t, reader, `<section class="relations"`), "2019-12-1") || strings.Contains(reader, `class="cite-link" href="/documents/2019-12-1"`) {
		t.Errorf("the withdrawn relation is still shown")
	}
	if rec := ed.post("/editor/documents/2019-12-2/relations", url.Values{"withdraw": {"1"}, "type": {"based_on"}, "target_pick": {"2019-12-1"}}); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("withdrawing it again = %d, want 422", rec.Code)
	}

	// The queue, most cited first.
	rec = ed.get("/editor/citations")
	text = chinesePage(t, rec.Body.String())
	if rec.Code != 200 || !strings.Contains(text, "未能解析的引用") || !strings.Contains(text, "《福建省行政许可实施办法》") || !strings.Contains(text, "闽政〔2018〕2402号") {
		t.Errorf("queue page = %d:\n%.2000s", rec.Code, text)
	}
	// (a malformed URL is 400, on the editors' error page as everywhere)
	if rec := ed.get("/editor/citations?limit=0"); rec.Code != http.StatusBadRequest {
		t.Errorf("limit=0 = %d, want 400", rec.Code)
	}
}

func auditHas(es []editorial.Entry, action, object, detail string) bool {
	for _, e := range es {
		if e.Action == action && e.Object == object && strings.Contains(e.Detail, detail) && e.Outcome == editorial.OutcomeOK {
			return true
		}
	}
	return false
}

func TestEditorRelationsAPI(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	ctx := context.Background()
	spec := editorSpec(t, f.srv)
	tk, _, err := f.ed.CreateToken(ctx, editorial.Actor{User: "ed.one", Role: editorial.RoleEditor, Addr: "test"}, "ci", 0)
	if err != nil {
		t.Fatal(err)
	}
	rec := apiCall(t, f, spec, tk, "POST", "/api/v1/editor/documents/2019-12-4/relations", "", map[string]any{"type": "based_on", "target": "2019-12-1", "provision": "第三条"})
	var rs struct {
		Out []struct {
			Type, Origin, Provision string
			Document                struct{ ID string }
		}
	}
	if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &rs) != nil || len(rs.Out) != 1 || rs.Out[0].Document.ID != "2019-12-1" || rs.Out[0].Origin != "editor" || rs.Out[0].Provision != "第三条" {
		t.Fatalf("add = %d: %s", rec.Code, rec.Body)
	}
	// A cycle of 依据 is refused, naming it.
	rec = apiCall(t, f, spec, tk, "POST", "/api/v1/editor/documents/2019-12-1/relations", "", map[string]any{"type": "based_on", "target": "2019-12-4"})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "cycle") {
		t.Errorf("a cycle = %d: %s", rec.Code, rec.Body)
	}
	// A target that is not an ID is refused before anything is looked up.
	rec = apiCall(t, f, spec, tk, "POST", "/api/v1/editor/documents/2019-12-4/relations", "", map[string]any{"type": "cites", "target": "闽政〔2019〕1201号"})
	if rec.Code != http.StatusBadRequest && rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("a 文号 as target = %d", rec.Code)
	}
	rec = apiCall(t, f, spec, tk, "POST", "/api/v1/editor/documents/2019-12-4/relations/withdraw", "", map[string]any{"type": "based_on", "target": "2019-12-1", "provision": "第三条"})
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"origin":"editor"`) {
		t.Errorf("withdraw = %d: %s", rec.Code, rec.Body)
	}
	if rec := apiCall(t, f, spec, tk, "GET", "/api/v1/editor/citations?limit=201", "", nil); rec.Code != http.StatusBadRequest {
		t.Errorf("limit=201 = %d, want 400", rec.Code)
	}
	rec = apiCall(t, f, spec, tk, "GET", "/api/v1/editor/citations?limit=10", "", nil)
	var q struct {
		Citations []struct {
			Label, Outcome string
			Count          int
			Documents      []string
		}
	}
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &q) != nil || len(q.Citations) != 2 {
		t.Fatalf("queue = %d: %s", rec.Code, rec.Body)
	}
	for _, c := range q.Citations {
		if c.Count != 1 || c.Outcome != "missing" || len(c.Documents) != 1 || c.Documents[0] != "2019-12-2" {
			t.Errorf("queue entry %+v", c)
		}
	}
}
