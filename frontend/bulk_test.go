package frontend_test

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/preserve"
	"github.com/gazette-archive/gazette/transparency"
)

// bulkFixture is a server with editors, the log and bulk data, over one
// issue published, a dump made and an audit recorded.
type bulkFixture struct {
	srv   *frontend.Server
	ed    *editorial.Service
	blobs archive.Blobs
	dump  preserve.Dump
}

func newBulkGazette(t *testing.T) *bulkFixture {
	t.Helper()
	ctx := context.Background()
	priv, pub, err := transparency.GenerateKey("gazette.test/log")
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := transparency.NewSigner(priv)
	ring, _ := transparency.KeyringOf(pub)
	blobs := archivetest.NewMemBlobs()
	l, err := transparency.New(blobs, signer, ring, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := archive.New(blobs, nil, nil, archive.WithLedger(l))
	if err := frontendtest.Publish(ctx, a, frontendtest.Sample(frontendtest.Issue2019, 3)); err != nil {
		t.Fatal(err)
	}
	dm, err := preserve.Dumper{Blobs: blobs, Archive: a, Ledger: l}.Make(ctx, gazette.Date{Year: 2020, Month: 1, Day: 2})
	if err != nil {
		t.Fatal(err)
	}
	ed, err := editorial.New(editorial.Config{Blobs: blobs, Archive: a, Split: edSplit, TempDir: t.TempDir(),
		Argon: editorial.Argon2Params{Memory: 64, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if err := ed.AddUser(ctx, editorial.CommandLine("test"), "ed.one", editorial.RoleEditor, edPassword); err != nil {
		t.Fatal(err)
	}
	srv, err := frontend.New(frontend.Config{Archive: a, Editorial: ed, PublicURL: publicURL, APIRate: -1,
		Transparency: transparency.NewPublic(l, a), Bulk: preserve.Shelf{Bagger: preserve.Bagger{Blobs: blobs, Archive: a, Log: l}}})
	if err != nil {
		t.Fatal(err)
	}
	// One audit that passes, one that finds an object damaged.
	au := preserve.Auditor{Blobs: blobs, Archive: a, Log: l, Agent: "gazette fsck (test)"}
	if run, err := au.Audit(ctx, preserve.AuditOptions{Record: true}); err != nil || !run.OK() {
		t.Fatalf("audit: %v %+v", err, run)
	}
	bad := "pdf/" + strings.Repeat("0", 64) + ".pdf"
	if _, err := blobs.Put(ctx, bad, strings.NewReader("%PDF-1.4 not this"), 17, gazette.PutOptions{IfAbsent: true}); err != nil {
		t.Fatal(err)
	}
	if run, err := au.Audit(ctx, preserve.AuditOptions{Record: true}); err != nil || run.OK() {
		t.Fatalf("audit of a damaged object: %v %+v", err, run)
	}
	return &bulkFixture{srv: srv, ed: ed, blobs: blobs, dump: dm}
}

// TestBulkDownloads lists the bulk data through the API (as the spec
// says) and the page, downloads a year's bag and an issue's, whole and
// resumed with Range, and a dump; what is not published is not there.
func TestBulkDownloads(t *testing.T) {
	f := newBulkGazette(t)
	spec := editorSpec(t, f.srv)
	req := httptest.NewRequest("GET", "/api/v1/bulk", nil)
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	checkSpec(t, spec, req, nil, rec)
	var l struct {
		Years []struct {
			Year   int
			Bag    string
			Issues []struct{ Issue, Bag string }
		}
		Dumps []struct {
			Day, URL string
			Size     int64
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &l); err != nil || rec.Code != 200 {
		t.Fatalf("/api/v1/bulk = %d %v %s", rec.Code, err, rec.Body)
	}
	if len(l.Years) != 1 || l.Years[0].Bag != publicURL+"/bulk/years/2019.tar" || len(l.Years[0].Issues) != 1 ||
		l.Years[0].Issues[0].Bag != publicURL+"/bulk/issues/2019/12.tar" || len(l.Dumps) != 1 || l.Dumps[0].Size != f.dump.Size {
		t.Fatalf("listing: %+v", l)
	}
	if body := page(t, f.srv, "/bulk"); !strings.Contains(body, "/bulk/years/2019.tar") || !strings.Contains(body, "2020-01-02.jsonl.gz") {
		t.Errorf("/bulk page lacks the bag or the dump: %.500s", body)
	}
	for _, path := range []string{"/bulk/years/2019.tar", "/bulk/issues/2019/12.tar"} {
		t.Run(path, func(t *testing.T) {
			rec := do(f.srv, "GET", path)
			if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/x-tar" || rec.Header().Get("Content-Length") != itoa(rec.Body.Len()) {
				t.Fatalf("GET %s = %d %q, length %q of %d", path, rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Content-Length"), rec.Body.Len())
			}
			whole := rec.Body.Bytes()
			names := tarNames(t, whole)
			for _, want := range []string{"bagit.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt", "bag-info.txt", "proofs/2019-12.tlog-proof", "data/2019-12/issue.pdf"} {
				if !strings.Contains(names, "/"+want+"\n") {
					t.Errorf("the bag lacks %s:\n%s", want, names)
				}
			}
			etag := rec.Header().Get("ETag")
			rec = do(f.srv, "GET", path, "Range", "bytes=1000-", "If-Range", etag)
			if rec.Code != http.StatusPartialContent || !bytes.Equal(rec.Body.Bytes(), whole[1000:]) {
				t.Errorf("resumed at 1000 = %d, %d bytes; want 206 and the last %d", rec.Code, rec.Body.Len(), len(whole)-1000)
			}
			rec = do(f.srv, "GET", path, "Range", "bytes=1000-", "If-Range", `"another"`)
			if rec.Code != 200 || rec.Body.Len() != len(whole) {
				t.Errorf("resumed with a stale ETag = %d, %d bytes; want the whole bag again", rec.Code, rec.Body.Len())
			}
			if rec = do(f.srv, "HEAD", path); rec.Code != 200 || rec.Header().Get("Content-Length") != itoa(len(whole)) {
				t.Errorf("HEAD = %d, length %q", rec.Code, rec.Header().Get("Content-Length"))
			}
		})
	}
	rec = do(f.srv, "GET", "/bulk/dumps/2020-01-02.jsonl.gz", "Range", "bytes=0-9")
	if rec.Code != http.StatusPartialContent || rec.Body.Len() != 10 || !bytes.HasPrefix(rec.Body.Bytes(), []byte{0x1f, 0x8b}) {
		t.Errorf("dump, first 10 bytes = %d, %d bytes %x", rec.Code, rec.Body.Len(), rec.Body.Bytes())
	}
	// A downloaded dump is verified like a PDF: its SHA-256 is in the log.
	req = httptest.NewRequest("GET", "/api/v1/verify?sha256="+f.dump.SHA256, nil)
	rec = httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	checkSpec(t, spec, req, nil, rec)
	var v struct {
		Verified       bool
		Event, Message string
		SubjectURL     string `json:"subject_url"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil || !v.Verified || v.Event != "dump" || v.SubjectURL != "/bulk/dumps/2020-01-02.jsonl.gz" || !strings.Contains(v.Message, "每日数据") {
		t.Errorf("verify the dump = %d %+v %v", rec.Code, v, err)
	}
	for _, tc := range []struct {
		path string
		want int
	}{
		{"/bulk/years/2018.tar", 404},
		{"/bulk/years/2019.zip", 404},
		{"/bulk/issues/2019/13.tar", 404},
		{"/bulk/issues/2019/x.tar", 400},
		{"/bulk/dumps/2020-01-03.jsonl.gz", 404},
		{"/bulk/dumps/yesterday.jsonl.gz", 400},
	} {
		if rec := do(f.srv, "GET", tc.path); rec.Code != tc.want {
			t.Errorf("GET %s = %d, want %d", tc.path, rec.Code, tc.want)
		}
	}
	// A server without bulk data says so.
	if rec := do(sharedGazette(t), "GET", "/api/v1/bulk"); rec.Code != 404 {
		t.Errorf("/api/v1/bulk without bulk data = %d", rec.Code)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// tarNames reads a tar stream with the standard library and returns its
// names, one a line.
func tarNames(t *testing.T, raw []byte) string {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(raw))
	var b strings.Builder
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return b.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, tr); err != nil {
			t.Fatal(err)
		}
		b.WriteString(h.Name + "\n")
	}
}

// TestFixityForEditors shows editors the recorded audits, their failures
// named; the API gives the same to a token, as the spec says; strangers
// get neither.
func TestFixityForEditors(t *testing.T) {
	f := newBulkGazette(t)
	anon := httptest.NewRecorder()
	f.srv.ServeHTTP(anon, httptest.NewRequest("GET", "/editor/fixity", nil))
	if anon.Code != http.StatusSeeOther || !strings.HasPrefix(anon.Header().Get("Location"), "/editor/signin") {
		t.Errorf("anonymous /editor/fixity = %d %q", anon.Code, anon.Header().Get("Location"))
	}
	req := httptest.NewRequest("POST", "/editor/signin", strings.NewReader(url.Values{"name": {"ed.one"}, "password": {edPassword}, "next": {"/editor"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	cookie := sessionCookie(t, rec)
	req = httptest.NewRequest("GET", "/editor/fixity", nil)
	req.AddCookie(cookie)
	rec = httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "1 项失败") || !strings.Contains(body, "通过") || !strings.Contains(body, "pdf/"+strings.Repeat("0", 64)+".pdf") ||
		!strings.Contains(body, "does not match its SHA-256") {
		t.Fatalf("/editor/fixity = %d:\n%s", rec.Code, body)
	}
	spec := editorSpec(t, f.srv)
	tok, _, err := f.ed.CreateToken(context.Background(), editorial.Actor{User: "ed.one", Role: editorial.RoleEditor, Addr: "test"}, "ci", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, token := range []string{tok, ""} {
		req := httptest.NewRequest("GET", "/api/v1/editor/fixity", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		f.srv.ServeHTTP(rec, req)
		checkSpec(t, spec, req, nil, rec)
		var got struct{ Runs []preserve.Run }
		switch {
		case token == "" && rec.Code != http.StatusUnauthorized:
			t.Errorf("API without a token = %d", rec.Code)
		case token != "" && (rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &got) != nil || len(got.Runs) != 2 || len(got.Runs[0].Failures) != 1):
			t.Errorf("API = %d %.300s", rec.Code, rec.Body)
		}
	}
}
