package frontend_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/frontend/frontendtest"
	"github.com/gazette-archive/gazette/gazette"
)

// The documents the tests below look for: the editor fixture's issue
// 2019-12 (2019-12-2 printed as repealed by 2019-12-3), and an issue of
// 2020 whose second document carries 闽政〔2019〕14号.
const (
	titleOf3  = "福建省人民政府关于公布取消和下放一批行政许可事项的决定"
	numberOf3 = "闽政〔2019〕1203号"
	titleOf2  = "福建省人民政府关于印发福建省深化“放管服”改革优化营商环境行动计划的通知"
	numberOf2 = "闽政〔2019〕1202号"
	titleOf4  = "福建省人民政府关于同意设立福州新区行政审批局的批复"
	doc14     = "2020-1-2"
	number14  = "闽政〔2019〕14号"
)

// newFindFixture is the editor fixture with the issue carrying 闽政〔2019〕14号.
func newFindFixture(t *testing.T) *edFixture {
	t.Helper()
	f := newEditorGazette(t, publicURL)
	s := frontendtest.Sample(frontendtest.Issue2020, 3)
	s.Documents[1].DocNumber = number14
	if err := frontendtest.Publish(context.Background(), f.arch, s); err != nil {
		t.Fatal(err)
	}
	return f
}

// englishError matches what an English developer message looks like.
var englishError = regexp.MustCompile(`(?i)\b(invalid|want a|wants|missing|is not a|unknown|must link|document ID)\b`)

var (
	tags    = regexp.MustCompile(`<[^>]*>`)
	scripts = regexp.MustCompile(`(?s)<script.*?</script>`)
)

// chinesePage checks that an editor page answers in Chinese, never with a
// 422 in English, and returns its text unescaped.
func chinesePage(t *testing.T, body string) string {
	t.Helper()
	text := html.UnescapeString(body)
	// What the editor reads: the page without its markup and scripts.
	shown := html.UnescapeString(tags.ReplaceAllString(scripts.ReplaceAllString(body, ""), " "))
	if m := englishError.FindString(shown); m != "" {
		i := strings.Index(shown, m)
		t.Errorf("the page shows English (%q): …%s…", m, shown[max(0, i-80):min(len(shown), i+80)])
	}
	return text
}

func TestEditorFindsDocuments(t *testing.T) {
	f := newFindFixture(t)
	editor := f.signIn(t, "ed.one")
	cases := []struct {
		name     string
		path     string
		status   int
		location string   // for a redirect
		want     []string // in the page, in this order
		not      []string
	}{
		{name: "an ID goes straight to it", path: "/editor/documents?q=2019-12-3", status: http.StatusSeeOther, location: "/editor/documents/2019-12-3"},
		{name: "the old ?id= form still works", path: "/editor/documents?id=2019-12-3", status: http.StatusSeeOther, location: "/editor/documents/2019-12-3"},
		{name: "an ID with spaces around", path: "/editor/documents?q=" + url.QueryEscape(" 2019-12-3 "), status: http.StatusSeeOther, location: "/editor/documents/2019-12-3"},
		{name: "a 文号 in another spelling", path: "/editor/documents?q=" + url.QueryEscape("闽政[2019]14号"), status: http.StatusOK,
			want: []string{`value="闽政[2019]14号"`, `href="/editor/documents/` + doc14 + `"`, number14, "2020年第1期"}},
		{name: "a 文号 in full-width brackets and digits", path: "/editor/documents?q=" + url.QueryEscape("闽政（２０１９）１２０３号"), status: http.StatusOK,
			want: []string{`href="/editor/documents/2019-12-3"`, titleOf3, numberOf3, "2019年第12期", "现行有效"}},
		{name: "words of a title", path: "/editor/documents?q=" + url.QueryEscape("行政审批局"), status: http.StatusOK,
			want: []string{`href="/editor/documents/2019-12-4"`, titleOf4}},
		{name: "nothing found", path: "/editor/documents?q=" + url.QueryEscape("量子引力卫星"), status: http.StatusOK,
			want: []string{`value="量子引力卫星"`, "没有找到与“量子引力卫星”相符的已发布文件"}, not: []string{`href="/editor/documents/20`}},
		{name: "a 文号 nobody has", path: "/editor/documents?q=" + url.QueryEscape("闽政〔2031〕999号"), status: http.StatusOK,
			want: []string{`value="闽政〔2031〕999号"`, "没有", "闽政〔2031〕999号"}},
		{name: "an ID of no document", path: "/editor/documents?q=2019-12-99", status: http.StatusNotFound,
			want: []string{`value="2019-12-99"`, "没有编号为 2019-12-99 的已发布文件"}},
		{name: "too long to search", path: "/editor/documents?q=" + url.QueryEscape(strings.Repeat("营商", 200)), status: http.StatusOK,
			want: []string{`name="q"`, "查找词过长或过多"}},
		{name: "the empty form", path: "/editor/documents", status: http.StatusOK, want: []string{"文号、标题或文件编号", `name="q"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := editor.get(tc.path)
			if rec.Code != tc.status {
				t.Fatalf("GET %s = %d, want %d: %.400s", tc.path, rec.Code, tc.status, rec.Body)
			}
			if tc.location != "" {
				if got := rec.Header().Get("Location"); got != tc.location {
					t.Errorf("Location = %q, want %q", got, tc.location)
				}
				return
			}
			body := rec.Body.String()
			text := chinesePage(t, body)
			at := 0
			for _, w := range tc.want {
				i := strings.Index(text[at:], w)
				if i < 0 {
					t.Errorf("the page lacks %q (after position %d): %.3000s", w, at, text[at:])
					continue
				}
				at += i
			}
			for _, n := range tc.not {
				if strings.Contains(text, n) {
					t.Errorf("the page shows %q", n)
				}
			}
		})
	}
}

// history reads the validity changes of id from the archive.
func validityChanges(t *testing.T, f *edFixture, id string) []gazette.ValidityChange {
	t.Helper()
	h, err := f.arch.History(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return h.Validity
}

func TestEditorValidityFindsTheCause(t *testing.T) {
	f := newFindFixture(t)
	editor := f.signIn(t, "ed.one")
	form := func(state, changedBy string, more ...string) url.Values {
		v := url.Values{"state": {state}, "since": {"2020-01-20"}, "changed_by": {changedBy}, "note": {"据新文件调整"}}
		for i := 0; i+1 < len(more); i += 2 {
			v.Set(more[i], more[i+1])
		}
		return v
	}
	cases := []struct {
		name      string
		doc       string
		form      url.Values
		status    int
		changedBy string   // the cause recorded, for a success
		want      []string // in the page, for a form shown again
	}{
		{name: "a 文号 in another spelling", doc: "2019-12-1", form: form("amended", "闽政[2019]14号"), status: http.StatusSeeOther, changedBy: doc14},
		{name: "a title in full", doc: "2020-1-1", form: form("repealed", "《"+titleOf4+"》"), status: http.StatusSeeOther, changedBy: "2019-12-4"},
		{name: "an ID", doc: "2020-1-3", form: form("repealed", "2019-12-4"), status: http.StatusSeeOther, changedBy: "2019-12-4"},
		{name: "several documents fit", doc: "2019-12-4", form: form("repealed", "福建省人民政府关于"), status: http.StatusOK,
			want: []string{`value="福建省人民政府关于"`, `value="据新文件调整"`, `value="2020-01-20"`, `<option value="repealed" selected>`,
				"可能是以下哪一份文件", `name="changed_by_pick" value="2019-12-3"`, titleOf3, numberOf3}},
		{name: "one of the choices picked", doc: "2019-12-4", form: form("repealed", "福建省人民政府关于", "changed_by_pick", "2019-12-3"), status: http.StatusSeeOther, changedBy: "2019-12-3"},
		{name: "a 文号 nobody has", doc: "2020-1-3", form: form("repealed", "闽政〔2031〕999号"), status: http.StatusUnprocessableEntity,
			want: []string{`value="闽政〔2031〕999号"`, `value="据新文件调整"`, "没有找到文号为 闽政〔2031〕999号 的已发布文件"}},
		{name: "words nothing has", doc: "2020-1-3", form: form("repealed", "量子引力卫星"), status: http.StatusUnprocessableEntity,
			want: []string{`value="量子引力卫星"`, "没有找到标题与“量子引力卫星”相符的已发布文件"}},
		{name: "an ID of no document", doc: "2020-1-3", form: form("repealed", "2019-12-99"), status: http.StatusUnprocessableEntity,
			want: []string{`value="2019-12-99"`, "没有编号为 2019-12-99 的已发布文件"}},
		{name: "its own 文号", doc: "2019-12-3", form: form("amended", "闽政[2019]1203号"), status: http.StatusUnprocessableEntity,
			want: []string{"是本文件自己"}},
		{name: "repealed by nothing", doc: "2020-1-3", form: form("repealed", ""), status: http.StatusUnprocessableEntity,
			want: []string{`<option value="repealed" selected>`, "已废止的文件须注明引起变更的文件", "请填写文号、标题或文件编号"}},
		{name: "no date", doc: "2020-1-3", form: form("expired", "", "since", ""), status: http.StatusUnprocessableEntity,
			want: []string{`<option value="expired" selected>`, "请填写生效日期"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(validityChanges(t, f, tc.doc))
			rec := editor.post("/editor/documents/"+tc.doc+"/validity", tc.form)
			if rec.Code != tc.status {
				t.Fatalf("POST = %d, want %d: %.1500s", rec.Code, tc.status, rec.Body)
			}
			changes := validityChanges(t, f, tc.doc)
			if tc.changedBy != "" {
				if len(changes) != before+1 || changes[len(changes)-1].ChangedBy != tc.changedBy {
					t.Fatalf("validity changes %+v, want one more caused by %s", changes, tc.changedBy)
				}
				return
			}
			if len(changes) != before {
				t.Errorf("a change was recorded: %+v", changes)
			}
			text := chinesePage(t, rec.Body.String())
			for _, w := range tc.want {
				if !strings.Contains(text, html.UnescapeString(w)) {
					t.Errorf("the page lacks %q: %.4000s", w, text)
				}
			}
			if !strings.Contains(text, `action="/editor/documents/`+tc.doc+`/validity#validity"`) {
				t.Error("the page has no validity form to send again")
			}
		})
	}
}

func TestRelatedDocumentsByTitleBothWays(t *testing.T) {
	f := newFindFixture(t)
	editor := f.signIn(t, "ed.one")
	// 2020-1-2 (闽政〔2019〕14号) amends 2019-12-1.
	if rec := editor.post("/editor/documents/2019-12-1/validity", url.Values{"state": {"amended"}, "since": {"2020-01-20"}, "changed_by": {"闽政〔2019〕14号"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("validity = %d: %.500s", rec.Code, rec.Body)
	}
	title1 := "福建省行政执法程序规定"
	title14 := "福建省人民政府关于印发福建省深化“放管服”改革优化营商环境行动计划的通知"
	pages := []struct {
		name, path string
		want       []string
	}{
		{"printed cause on the reader", "/documents/2019-12-2", []string{`<a href="/documents/2019-12-3">《` + titleOf3 + `》（` + numberOf3 + `）</a>`}},
		{"what it repealed, on the reader", "/documents/2019-12-3", []string{"关联文件", `<span class="rel-verb">废止</span> <a href="/documents/2019-12-2">《` + titleOf2 + `》（` + numberOf2 + `）</a>`, "时效变更"}},
		{"recorded cause on the reader", "/documents/2019-12-1", []string{"时效变更", `依据 <a href="/documents/` + doc14 + `">《` + title14 + `》（` + number14 + `）</a>`}},
		{"what it amended, on the reader", "/documents/" + doc14, []string{"关联文件", `<span class="rel-verb">修改</span> <a href="/documents/2019-12-1">《` + title1 + `》（省政府令第1201号）</a>`, "自2020年1月20日起 · 时效变更"}},
		{"what amended it, on the reader", "/documents/2019-12-1", []string{"依据、修改、解读或引用本文件的文件", `<a href="/documents/` + doc14 + `">《` + title14 + `》（` + number14 + `）</a> <span class="rel-verb">被修改</span>`, "自2020年1月20日起 · 时效变更"}},
		{"recorded cause for editors", "/editor/documents/2019-12-1", []string{`依据 <a href="/editor/documents/` + doc14 + `">《` + title14 + `》（` + number14 + `）</a>`}},
		{"what it repealed, for editors", "/editor/documents/2019-12-3", []string{"本文件修改、废止的文件", `<a href="/editor/documents/2019-12-2">《` + titleOf2 + `》（` + numberOf2 + `）</a>`}},
		{"printed cause for editors", "/editor/documents/2019-12-2", []string{`（依据 <a href="/editor/documents/2019-12-3">《` + titleOf3 + `》（` + numberOf3 + `）</a>）`}},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			var rec interface{ Result() *http.Response }
			var body string
			if strings.HasPrefix(p.path, "/editor/") {
				r := editor.get(p.path)
				rec, body = r, r.Body.String()
			} else {
				r := do(f.srv, "GET", p.path)
				rec, body = r, r.Body.String()
			}
			if rec.Result().StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d", p.path, rec.Result().StatusCode)
			}
			text := html.UnescapeString(body)
			for _, w := range p.want {
				if !strings.Contains(text, w) {
					t.Errorf("GET %s lacks %q", p.path, w)
				}
			}
			if strings.Contains(text, "见修改或废止文件") || regexp.MustCompile(`依据 <a href="[^"]+">20[0-9]{2}-`).MatchString(text) {
				t.Errorf("GET %s names a related document by its bare ID", p.path)
			}
		})
	}

	type related struct {
		ID        string `json:"id"`
		Title     string `json:"title"`
		DocNumber string `json:"doc_number"`
		URL       string `json:"url"`
	}
	var doc struct {
		Validity struct {
			ChangedBy  string   `json:"changed_by"`
			ChangedDoc *related `json:"changed_by_document"`
		} `json:"validity"`
		History []struct {
			ChangedBy  string   `json:"changed_by"`
			ChangedDoc *related `json:"changed_by_document"`
		} `json:"validity_history"`
		Caused []struct {
			State    gazette.Validity `json:"state"`
			Since    *gazette.Date    `json:"since"`
			Document related          `json:"document"`
		} `json:"caused_changes"`
	}
	get := func(id string) {
		t.Helper()
		doc.Validity.ChangedDoc, doc.History, doc.Caused = nil, nil, nil
		rec := do(f.srv, "GET", "/api/v1/documents/"+id)
		if rec.Code != http.StatusOK {
			t.Fatalf("API %s = %d", id, rec.Code)
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
	}
	get("2019-12-2")
	if r := doc.Validity.ChangedDoc; doc.Validity.ChangedBy != "2019-12-3" || r == nil || r.Title != titleOf3 || r.DocNumber != numberOf3 || r.URL != publicURL+"/documents/2019-12-3" {
		t.Errorf("API 2019-12-2 validity: %+v, %+v", doc.Validity, r)
	}
	get("2019-12-1")
	if len(doc.History) != 1 || doc.History[0].ChangedDoc == nil || doc.History[0].ChangedDoc.DocNumber != number14 || doc.History[0].ChangedDoc.Title != title14 {
		t.Errorf("API 2019-12-1 validity_history: %+v", doc.History)
	}
	get("2019-12-3")
	if len(doc.Caused) != 1 || doc.Caused[0].State != gazette.Repealed || doc.Caused[0].Document.ID != "2019-12-2" || doc.Caused[0].Document.Title != titleOf2 || doc.Caused[0].Document.DocNumber != numberOf2 {
		t.Errorf("API 2019-12-3 caused_changes: %+v", doc.Caused)
	}
	get(doc14)
	if len(doc.Caused) != 1 || doc.Caused[0].State != gazette.Amended || doc.Caused[0].Document.ID != "2019-12-1" || doc.Caused[0].Since == nil || doc.Caused[0].Since.String() != "2020-01-20" {
		t.Errorf("API %s caused_changes: %+v", doc14, doc.Caused)
	}
	get("2019-12-4")
	if doc.Caused == nil || len(doc.Caused) != 0 {
		t.Errorf("API 2019-12-4 caused_changes = %+v, want []", doc.Caused)
	}
}
