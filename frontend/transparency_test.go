package frontend_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/transparency"
)

// loggedGazette is a server over one issue published with the log on,
// with one document corrected; it returns the sample and the log's keys.
func loggedGazette(t *testing.T) (http.Handler, archivetest.Sample, transparency.Keyring) {
	t.Helper()
	ctx := context.Background()
	priv, pub, err := transparency.GenerateKey("gazette.test/log")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := transparency.NewSigner(priv)
	if err != nil {
		t.Fatal(err)
	}
	ring, err := transparency.KeyringOf(pub)
	if err != nil {
		t.Fatal(err)
	}
	blobs := archivetest.NewMemBlobs()
	l, err := transparency.New(blobs, signer, ring, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := archive.New(blobs, nil, nil, archive.WithLedger(l))
	s := frontendtest.Sample(frontendtest.Issue2019, 3)
	if err := frontendtest.Publish(ctx, a, s); err != nil {
		t.Fatal(err)
	}
	doc := s.Documents[1]
	doc.Title += "（更正）"
	if _, err := a.Correct(ctx, doc.ID, doc, gazette.Correction{Reason: "标题错字", Date: gazette.Date{Year: 2019, Month: 12, Day: 30}, By: "editor"}); err != nil {
		t.Fatal(err)
	}
	srv, err := frontend.New(frontend.Config{Archive: a, PublicURL: publicURL, APIRate: -1, Transparency: transparency.NewPublic(l, a)})
	if err != nil {
		t.Fatal(err)
	}
	return srv, s, ring
}

// TestTransparencyRoutes fetches the keys, the log's objects and the
// proofs through the full router, and verifies what they prove offline.
func TestTransparencyRoutes(t *testing.T) {
	h, s, ring := loggedGazette(t)

	rec := do(h, "GET", "/.well-known/gazette-log")
	if rec.Code != 200 {
		t.Fatalf("keys: %d %s", rec.Code, rec.Body)
	}
	published, err := transparency.ParseKeyring(rec.Body.Bytes())
	if err != nil || published.Origin != ring.Origin || published.Keys[0].Verifier != ring.Keys[0].Verifier {
		t.Fatalf("published keyring %+v, %v; want %+v", published, err, ring)
	}

	rec = do(h, "GET", "/log/checkpoint")
	if rec.Code != 200 || rec.Header().Get("Cache-Control") != "public, max-age=5" || !strings.HasPrefix(rec.Body.String(), "gazette.test/log\n2\n") {
		t.Fatalf("checkpoint: %d %q %q", rec.Code, rec.Header().Get("Cache-Control"), rec.Body)
	}
	rec = do(h, "GET", "/log/tile/0/000.p/2")
	if rec.Code != 200 || rec.Body.Len() != 64 || !strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
		t.Fatalf("tile: %d %d bytes %q", rec.Code, rec.Body.Len(), rec.Header().Get("Cache-Control"))
	}
	if rec := do(h, "GET", "/log/tile/entries/000.p/2"); rec.Code != 200 {
		t.Fatalf("entry bundle: %d", rec.Code)
	}
	for _, p := range []string{"/log/state.json", "/log/keys/x", "/log/../issues/2019/2019-12.json"} {
		if rec := do(h, "GET", p); rec.Code != 404 {
			t.Errorf("GET %s = %d, want 404: only the public layout is served", p, rec.Code)
		}
	}

	verify := func(path string, content []byte) *transparency.Verified {
		t.Helper()
		rec := do(h, "GET", path)
		if rec.Code != 200 || !strings.Contains(rec.Header().Get("Content-Disposition"), ".tlog-proof") {
			t.Fatalf("GET %s = %d %s", path, rec.Code, rec.Body)
		}
		p, err := transparency.ParseProof(rec.Body.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		v, err := transparency.Verify(transparency.SumOf(content), p, ring)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return v
	}
	// The print PDF against the issue's proof.
	if v := verify("/api/v1/issues/2019/12/proof", s.PDF); v.Entry.Event != archive.EventPublished || v.Named[0].Role != "pdf" {
		t.Errorf("issue proof verified %+v", v)
	}
	// The issue page links that proof, and how to check it.
	if body := page(t, h, "/issues/2019/12"); !strings.Contains(body, `<a class="nowrap" href="/api/v1/issues/2019/12/proof" download>下载发布证明</a> · <a class="nowrap" href="/verify">核验方法</a>`) {
		t.Errorf("the issue page does not link its proof: %.2000s", body)
	}
	// The manifest, byte for byte.
	rec = do(h, "GET", "/api/v1/issues/2019/12/manifest")
	if rec.Code != 200 {
		t.Fatalf("manifest: %d", rec.Code)
	}
	verify("/api/v1/issues/2019/12/proof", rec.Body.Bytes())
	// Each version of the corrected document against its own proof.
	id := s.Documents[1].ID
	for v, want := range map[string]string{"1": archive.EventPublished, "2": archive.EventCorrected} {
		rec := do(h, "GET", "/api/v1/documents/"+id+"/record?v="+v)
		if rec.Code != 200 {
			t.Fatalf("record v%s: %d %s", v, rec.Code, rec.Body)
		}
		if got := verify("/api/v1/documents/"+id+"/proof?v="+v, rec.Body.Bytes()); got.Entry.Event != want {
			t.Errorf("version %s proved by a %s entry, want %s", v, got.Entry.Event, want)
		}
	}
	// A document's page links its version's proof and the record it proves.
	if body := page(t, h, "/documents/"+id+"?v=1"); !strings.Contains(body, `href="/api/v1/documents/`+id+`/proof?v=1" download>下载发布证明</a> · <a class="nowrap" href="/api/v1/documents/`+id+`/record?v=1" download>存档记录</a>`) {
		t.Errorf("the first version's page does not link its proof: %.3000s", body)
	}
	// A proof found by the file's hash alone.
	verify("/log/proof?sha256="+transparency.SumOf(s.PDF), s.PDF)

	// Wrong requests say what is wrong.
	for path, want := range map[string]int{
		"/log/proof?sha256=" + transparency.SumOf([]byte("x")): 404,
		"/log/proof?sha256=xyz":                                400,
		"/api/v1/issues/2019/13/proof":                         404,
		"/api/v1/documents/2019-12-9/proof":                    404,
		"/api/v1/documents/" + id + "/proof?v=3":               404,
	} {
		if rec := do(h, "GET", path); rec.Code != want {
			t.Errorf("GET %s = %d, want %d: %s", path, rec.Code, want, rec.Body)
		}
	}
}

// TestVerifyPage checks the /verify page without JavaScript: the form
// posts the file, the server hashes it and says whether it was published.
func TestVerifyPage(t *testing.T) {
	h, s, _ := loggedGazette(t)
	body := page(t, h, "/verify")
	for _, want := range []string{`action="/verify"`, `type="file"`, `src="/static/verify.`, "gazette verify"} {
		if !strings.Contains(body, want) {
			t.Errorf("/verify lacks %q", want)
		}
	}
	post := func(content []byte) string {
		t.Helper()
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		fw, _ := mw.CreateFormFile("file", "issue.pdf")
		fw.Write(content)
		mw.Close()
		req := httptest.NewRequest("POST", "/verify", &b)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Origin", publicURL)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("POST /verify = %d: %.300s", rec.Code, rec.Body)
		}
		out, _ := io.ReadAll(rec.Body)
		return string(out)
	}
	if got := post(s.PDF); !strings.Contains(got, "核验通过") || !strings.Contains(got, transparency.SumOf(s.PDF)) {
		t.Errorf("the published PDF: %.2000s", got)
	}
	changed := bytes.Clone(s.PDF)
	changed[len(changed)/2] ^= 1
	if got := post(changed); !strings.Contains(got, "没有发布过这个文件") || strings.Contains(got, "核验通过") {
		t.Errorf("a PDF with one byte changed: %.2000s", got)
	}

	// The JSON the page's script asks for.
	rec := do(h, "GET", "/api/v1/verify?sha256="+transparency.SumOf(s.PDF))
	var v struct {
		Verified bool   `json:"verified"`
		Subject  string `json:"subject"`
		ProofURL string `json:"proof_url"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil || !v.Verified || v.Subject != "2019-12" || v.ProofURL == "" {
		t.Errorf("/api/v1/verify: %d %s", rec.Code, rec.Body)
	}
}

// TestNoLogConfigured checks that a server without a log says so.
func TestNoLogConfigured(t *testing.T) {
	h := newGazette(t, frontend.Config{})
	for _, p := range []string{"/.well-known/gazette-log", "/log/checkpoint", "/api/v1/issues/2019/12/proof"} {
		rec := do(h, "GET", p)
		if rec.Code != 404 || !strings.Contains(rec.Body.String(), "no transparency log") {
			t.Errorf("GET %s = %d %s; want 404 saying there is no log", p, rec.Code, rec.Body)
		}
	}
	if body := page(t, h, "/documents/2019-12-1"); strings.Contains(body, "发布证明") {
		t.Errorf("the document page links a proof the server cannot give: %.2000s", body)
	}
	if body := page(t, h, "/issues/2019/12"); strings.Contains(body, "发布证明") {
		t.Errorf("the issue page links a proof the server cannot give: %.2000s", body)
	}
	if body := page(t, h, "/verify"); !strings.Contains(body, "没有启用透明日志") {
		t.Errorf("/verify without a log: %.500s", body)
	}
}

// TestTransparencyAPIConformsToOpenAPI checks the log's API answers
// against openapi.json, as TestAPIConformsToOpenAPI does for the rest.
func TestTransparencyAPIConformsToOpenAPI(t *testing.T) {
	h, s, _ := loggedGazette(t)
	rec := do(h, "GET", "/api/v1/openapi.json")
	doc, err := openapi3.NewLoader().LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("spec is not valid OpenAPI: %v", err)
	}
	doc.Servers = openapi3.Servers{{URL: "http://gazette.test/api/v1"}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	id := s.Documents[1].ID
	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/api/v1/issues/2019/12/proof", 200},
		{"/api/v1/issues/2019/99/proof", 404},
		{"/api/v1/issues/2019/x9/proof", 400},
		{"/api/v1/issues/2019/12/manifest", 200},
		{"/api/v1/documents/" + id + "/proof", 200},
		{"/api/v1/documents/" + id + "/proof?v=1", 200},
		{"/api/v1/documents/" + id + "/proof?v=0", 400},
		{"/api/v1/documents/" + id + "/record?v=2", 200},
		{"/api/v1/documents/2019-12-99/record", 404},
		{"/api/v1/verify?sha256=" + transparency.SumOf(s.PDF), 200},
		{"/api/v1/verify?sha256=" + transparency.SumOf([]byte("other")), 200},
		{"/api/v1/verify?sha256=abc", 400},
	} {
		t.Run(tc.path, func(t *testing.T) {
			req, _ := http.NewRequest("GET", "http://gazette.test"+tc.path, nil)
			rec := do(h, "GET", tc.path)
			if rec.Code != tc.status {
				t.Fatalf("GET %s = %d, want %d: %s", tc.path, rec.Code, tc.status, rec.Body)
			}
			route, params, err := router.FindRoute(req)
			if err != nil {
				t.Fatalf("no route in the spec for %s: %v", tc.path, err)
			}
			in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: &openapi3filter.Options{MultiError: true}}
			if tc.status == 200 {
				if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
					t.Errorf("request does not match the spec: %v", err)
				}
			}
			out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
				Body: io.NopCloser(bytes.NewReader(rec.Body.Bytes())), Options: &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true}}
			if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
				t.Errorf("response does not match the spec: %v\n%.500s", err, rec.Body)
			}
		})
	}
}

// damagedRead returns every object as stored, except key, whose middle
// byte it flips: storage damaged behind the archive's back.
type damagedRead struct {
	archive.Blobs
	mu  sync.Mutex
	key string
}

func (d *damagedRead) Open(ctx context.Context, key string) (io.ReadSeekCloser, gazette.ObjectInfo, error) {
	r, info, err := d.Blobs.Open(ctx, key)
	d.mu.Lock()
	damage := key == d.key
	d.mu.Unlock()
	if err != nil || !damage {
		return r, info, err
	}
	defer r.Close()
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, info, err
	}
	raw[len(raw)/2] ^= 1
	return readSeekNopCloser{bytes.NewReader(raw)}, info, nil
}

type readSeekNopCloser struct{ *bytes.Reader }

func (readSeekNopCloser) Close() error { return nil }

// TestVerifyWithADamagedLog checks that a reader is told, without
// internals, when the log's own tiles no longer prove a published file.
func TestVerifyWithADamagedLog(t *testing.T) {
	ctx := context.Background()
	priv, pub, _ := transparency.GenerateKey("gazette.test/log")
	signer, _ := transparency.NewSigner(priv)
	ring, _ := transparency.KeyringOf(pub)
	blobs := &damagedRead{Blobs: archivetest.NewMemBlobs()}
	l, err := transparency.New(blobs, signer, ring, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := archive.New(blobs, nil, nil, archive.WithLedger(l))
	s := frontendtest.Sample(frontendtest.Issue2019, 2)
	s2 := frontendtest.Sample(gazette.IssueKey{Year: 2019, Number: 13}, 1)
	if err := frontendtest.Publish(ctx, a, s, s2); err != nil {
		t.Fatal(err)
	}
	h, err := frontend.New(frontend.Config{Archive: a, PublicURL: publicURL, APIRate: -1, Transparency: transparency.NewPublic(l, a)})
	if err != nil {
		t.Fatal(err)
	}
	blobs.mu.Lock()
	blobs.key = "log/tile/0/000.p/2"
	blobs.mu.Unlock()
	rec := do(h, "GET", "/api/v1/verify?sha256="+transparency.SumOf(s.PDF))
	var v struct {
		Verified bool   `json:"verified"`
		Message  string `json:"message"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil || rec.Code != 200 || v.Verified || !strings.Contains(v.Message, "未通过核验") || strings.Contains(v.Message, "log/tile") {
		t.Errorf("verify against a damaged tile: %d %s", rec.Code, rec.Body)
	}
	if rec := do(h, "GET", "/api/v1/issues/2019/12/proof"); rec.Code != 500 {
		t.Errorf("a proof from a damaged tile: %d %s, want 500", rec.Code, rec.Body)
	}
}
