package frontend

import (
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
)

// TestOAITokenLife checks that a resumptionToken is honoured until its
// expirationDate and refused after, and only on the site that issued it.
func TestOAITokenLife(t *testing.T) {
	newServer := func(url string) *Server {
		s, err := New(Config{Archive: archive.New(archivetest.NewMemBlobs(), nil, nil), PublicURL: url})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := newServer("https://gazette.example")
	now := time.Now()
	q := &oaiQuery{Verb: "ListRecords", Prefix: oaiDCPrefix, Set: "year:2019", AfterTime: now.Unix(), AfterID: "2019-12-3",
		Cursor: 100, Size: 250, Expires: now.Add(oaiTokenLife).Unix(), AsOf: now.Add(-time.Minute).Unix()}
	tok := s.token(q)
	got, e := s.untoken("ListRecords", tok, now.Add(oaiTokenLife-time.Second))
	if e != nil {
		t.Fatalf("a fresh token: %v", e)
	}
	if got.AfterID != q.AfterID || got.Cursor != 100 || got.Size != 250 || got.set.year != 2019 || got.AsOf != q.AsOf {
		t.Errorf("token read back as %+v", got)
	}
	for name, try := range map[string]func() *oaiError{
		"expired": func() *oaiError { _, e := s.untoken("ListRecords", tok, now.Add(oaiTokenLife+time.Second)); return e },
		"another site": func() *oaiError {
			_, e := newServer("https://other.example").untoken("ListRecords", tok, now)
			return e
		},
		"another verb": func() *oaiError { _, e := s.untoken("ListIdentifiers", tok, now); return e },
		"truncated":    func() *oaiError { _, e := s.untoken("ListRecords", tok[:len(tok)-2], now); return e },
		"no MAC":       func() *oaiError { _, e := s.untoken("ListRecords", tok[:len(tok)-23], now); return e },
		"payload swapped": func() *oaiError {
			other := s.token(&oaiQuery{Verb: "ListRecords", Prefix: oaiDCPrefix, Expires: now.Add(time.Hour).Unix()})
			_, e := s.untoken("ListRecords", tok[:len(tok)-22]+other[len(other)-22:], now)
			return e
		},
	} {
		if e := try(); e == nil || e.Code != "badResumptionToken" {
			t.Errorf("%s token: %v, want badResumptionToken", name, e)
		}
	}
}
