package frontend_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/fsblobs"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/gazette"
)

// countingBlobs counts the listings of a real store: those of a whole
// prefix of the archive (issues/, history/, ...) apart from those of one
// document's links (related/<id>/), which cost what the document has.
type countingBlobs struct {
	archive.Blobs
	whole, small atomic.Int64
}

func (c *countingBlobs) List(ctx context.Context, prefix string) ([]gazette.ObjectInfo, error) {
	if strings.Count(prefix, "/") <= 1 {
		c.whole.Add(1)
	} else {
		c.small.Add(1)
	}
	return c.Blobs.List(ctx, prefix)
}

// bigArchive is an archive of 3,000 documents (60 issues of 50) on local
// storage, its listings counted.
func bigArchive(b *testing.B) *countingBlobs {
	fs, err := fsblobs.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { fs.Close() })
	blobs := &countingBlobs{Blobs: fs}
	a := archive.New(blobs, nil, nil)
	for i := range 60 {
		s := archivetest.NewSample(2000+i/20, i%20+1, 50)
		if _, err := a.Publish(b.Context(), s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
			b.Fatal(err)
		}
	}
	return blobs
}

// BenchmarkOAI answers OAI-PMH over 3,000 documents on local storage, as
// a harvester asks: the second page of ListIdentifiers and of ListRecords
// (from the same resumptionToken each time), and GetRecord. It reports
// the archive-wide listings and the process's CPU per request.
func BenchmarkOAI(b *testing.B) {
	blobs := bigArchive(b)
	second := func(h http.Handler, verb string) string {
		root := oaiOK(b, h, "verb="+verb+"&metadataPrefix=oai_dc")
		return "verb=" + verb + "&resumptionToken=" + url.QueryEscape(root.one(b, oaiNS, verb).one(b, oaiNS, "resumptionToken").text)
	}
	for _, c := range []struct{ name, verb string }{
		{"ListIdentifiers", "ListIdentifiers"}, {"ListRecords", "ListRecords"}, {"GetRecord", ""},
	} {
		b.Run(c.name, func(b *testing.B) {
			h, err := frontend.New(frontend.Config{Archive: archive.New(blobs, nil, nil), PublicURL: publicURL, APIRate: -1})
			if err != nil {
				b.Fatal(err)
			}
			query := "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:gazette.test:2001-7-20"
			if c.verb != "" {
				query = second(h, c.verb)
			}
			req := httptest.NewRequest(http.MethodGet, "/oai?"+query, nil)
			lists := blobs.whole.Load()
			cpu := cpuTime()
			n := 0
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 || strings.Contains(rec.Body.String(), "<error") {
					b.Fatalf("%s = %d: %.300s", query, rec.Code, rec.Body)
				}
				n++
			}
			b.ReportMetric(float64(cpuTime()-cpu)/float64(time.Millisecond)/float64(n), "cpu-ms/op")
			b.ReportMetric(float64(blobs.whole.Load()-lists)/float64(n), "listings/op")
		})
	}
}
