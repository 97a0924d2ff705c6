package browsertest

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
)

// editorSite is a gazette with an editors' desk on loopback: the archive
// on in-memory storage and bleve, the editorial service, and the full
// router, wired as `gazette serve` wires them.
type editorSite struct {
	blobs *archivetest.MemBlobs
	arch  *archive.Archive
	ed    *editorial.Service
	h     *frontend.Server
	url   string
}

// newEditorSite publishes samples, makes the accounts in users (password
// flowPassword) and serves the site until the test ends; tune, if set,
// completes the editorial configuration (Split, Render).
func newEditorSite(t *testing.T, users map[string]editorial.Role, tune func(*editorial.Config), samples ...archivetest.Sample) *editorSite {
	t.Helper()
	ctx := context.Background()
	idx, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	s := &editorSite{blobs: archivetest.NewMemBlobs()}
	s.arch = archive.New(s.blobs, idx, nil)
	if err := frontendtest.Publish(ctx, s.arch, samples...); err != nil {
		t.Fatal(err)
	}
	cfg := editorial.Config{Blobs: s.blobs, Archive: s.arch, TempDir: t.TempDir(), Argon: editorial.Argon2Params{Memory: 64, Time: 1, Threads: 1}}
	if tune != nil {
		tune(&cfg)
	}
	if s.ed, err = editorial.New(cfg); err != nil {
		t.Fatal(err)
	}
	for name, role := range users {
		if err := s.ed.AddUser(ctx, editorial.CommandLine("test"), name, role, flowPassword); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewUnstartedServer(nil)
	if s.h, err = frontend.New(frontend.Config{Archive: s.arch, Editorial: s.ed, PublicURL: "http://" + srv.Listener.Addr().String(), APIRate: -1}); err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = s.h
	srv.Start()
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}
