package archive_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/gazette"
)

func publish(t *testing.T, a *archive.Archive, s archivetest.Sample) *archive.Manifest {
	t.Helper()
	m, err := a.Publish(context.Background(), s.Issue, bytes.NewReader(s.PDF), s.Documents)
	if err != nil {
		t.Fatalf("Publish %s: %v", s.Issue.Key(), err)
	}
	return m
}

// checkPublished asserts that the whole of s is readable through a.
func checkPublished(t *testing.T, a *archive.Archive, s archivetest.Sample) {
	t.Helper()
	ctx := context.Background()
	is, err := a.Issue(ctx, s.Issue.Key())
	if err != nil {
		t.Fatalf("Issue(%s): %v", s.Issue.Key(), err)
	}
	if len(is.Contents) != len(s.Documents) {
		t.Errorf("issue has %d contents, want %d", len(is.Contents), len(s.Documents))
	}
	for i, want := range s.Documents {
		d, err := a.Document(ctx, want.ID)
		if err != nil {
			t.Fatalf("Document(%s): %v", want.ID, err)
		}
		if d.Title != want.Title || d.DocNumber != want.DocNumber || strings.Join(d.Body, "\n") != strings.Join(want.Body, "\n") {
			t.Errorf("document %s read back as %+v, want %+v", want.ID, d, want)
		}
		if is.Contents[i].ID != want.ID || is.Contents[i].Pages != want.Pages {
			t.Errorf("contents[%d] = %+v, want ID %s pages %v", i, is.Contents[i], want.ID, want.Pages)
		}
	}
	r, info, err := a.PDF(ctx, s.Issue.Key())
	if err != nil {
		t.Fatalf("PDF(%s): %v", s.Issue.Key(), err)
	}
	defer r.Close()
	got, _ := io.ReadAll(r)
	if !bytes.Equal(got, s.PDF) || info.Size != int64(len(s.PDF)) {
		t.Errorf("PDF read back with %d bytes, want the %d published", len(got), len(s.PDF))
	}
}

// checkInvisible asserts that nothing of s can be seen by a reader.
func checkInvisible(t *testing.T, a *archive.Archive, s archivetest.Sample) {
	t.Helper()
	ctx := context.Background()
	if _, err := a.Issue(ctx, s.Issue.Key()); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("Issue(%s) = %v, want ErrNotFound", s.Issue.Key(), err)
	}
	for _, d := range s.Documents {
		if _, err := a.Document(ctx, d.ID); !errors.Is(err, gazette.ErrNotFound) {
			t.Errorf("Document(%s) = %v, want ErrNotFound", d.ID, err)
		}
	}
	if _, _, err := a.PDF(ctx, s.Issue.Key()); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("PDF(%s) = %v, want ErrNotFound", s.Issue.Key(), err)
	}
	if issues, err := a.Issues(ctx, s.Issue.Year); err != nil || len(issues) != 0 {
		t.Errorf("Issues(%d) = %d issues, %v; want none", s.Issue.Year, len(issues), err)
	}
	if _, err := a.Latest(ctx); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("Latest = %v, want ErrNotFound", err)
	}
}

func TestPublishAndRead(t *testing.T) {
	ctx := context.Background()
	a := archive.New(archivetest.NewMemBlobs(), nil, nil)
	checkInvisible(t, a, archivetest.NewSample(2019, 12, 6))

	s12 := archivetest.NewSample(2019, 12, 6)
	s3 := archivetest.NewSample(2019, 3, 2)
	s20 := archivetest.NewSample(2020, 1, 3)
	for _, s := range []archivetest.Sample{s12, s3, s20} {
		m := publish(t, a, s)
		if m.PDF.SHA256 != m.Issue.PDF.SHA256 || len(m.Documents) != len(s.Documents) {
			t.Errorf("manifest %+v does not name the PDF and every document", m)
		}
		for _, ref := range m.Documents {
			if len(ref.SHA256) != 64 || !strings.Contains(ref.Key, ref.SHA256) {
				t.Errorf("document ref %+v is not content-addressed", ref)
			}
		}
		checkPublished(t, a, s)
	}
	years, err := a.Years(ctx)
	if err != nil || len(years) != 2 || years[0] != 2019 || years[1] != 2020 {
		t.Errorf("Years = %v, %v; want [2019 2020]", years, err)
	}
	issues, err := a.Issues(ctx, 2019)
	if err != nil || len(issues) != 2 || issues[0].Number != 3 || issues[1].Number != 12 {
		t.Errorf("Issues(2019) = %v, %v; want numbers 3 then 12", issues, err)
	}
	latest, err := a.Latest(ctx)
	if err != nil || latest.Key() != s20.Issue.Key() {
		t.Errorf("Latest = %v, %v; want %s", latest, err, s20.Issue.Key())
	}
	if _, err := a.Document(ctx, gazette.DocumentID(s3.Issue.Key(), 3)); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("Document past the last of the issue: %v, want ErrNotFound", err)
	}
	for _, bad := range []string{"", "../../etc/passwd", "2019-12", "2019-12-0", "x-1-1"} {
		if _, err := a.Document(ctx, bad); !errors.Is(err, gazette.ErrInvalid) {
			t.Errorf("Document(%q) = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestPublishIsIdempotent(t *testing.T) {
	blobs := archivetest.NewMemBlobs()
	a := archive.New(blobs, nil, nil)
	s := archivetest.NewSample(2019, 12, 4)
	first := publish(t, a, s)
	objects, _ := blobs.List(context.Background(), "")
	second := publish(t, a, s)
	if first.PDF != second.PDF || len(first.Documents) != len(second.Documents) {
		t.Errorf("second publish returned a different manifest")
	}
	again, _ := blobs.List(context.Background(), "")
	if len(again) != len(objects) {
		t.Errorf("republishing changed the store: %d objects, then %d", len(objects), len(again))
	}
	checkPublished(t, a, s)
}

func TestPublishRefusesADifferentIssueUnderATakenNumber(t *testing.T) {
	a := archive.New(archivetest.NewMemBlobs(), nil, nil)
	s := archivetest.NewSample(2019, 12, 4)
	publish(t, a, s)
	other := archivetest.NewSample(2019, 12, 5) // same year and number, other content
	if _, err := a.Publish(context.Background(), other.Issue, bytes.NewReader(other.PDF), other.Documents); !errors.Is(err, gazette.ErrExist) {
		t.Fatalf("publishing a different 2019年第12期: %v, want ErrExist", err)
	}
	checkPublished(t, a, s)
}

func TestPublishRefusesInvalidInputAndStoresNothing(t *testing.T) {
	cases := map[string]struct {
		edit  func(*archivetest.Sample)
		field string
	}{
		"no title":             {func(s *archivetest.Sample) { s.Documents[1].Title = " " }, "documents[1].title"},
		"wrong ID":             {func(s *archivetest.Sample) { s.Documents[0].ID = "2019-12-9" }, "documents[0].id"},
		"other issue":          {func(s *archivetest.Sample) { s.Documents[0].Issue.Number = 11 }, "documents[0].issue"},
		"unknown kind":         {func(s *archivetest.Sample) { s.Documents[0].Kind = "memo" }, "documents[0].kind"},
		"pages beyond the PDF": {func(s *archivetest.Sample) { s.Documents[2].Pages.Last = 999 }, "documents[2].pages"},
		"pages out of order":   {func(s *archivetest.Sample) { s.Documents[2].Pages = gazette.PageRange{First: 1, Last: 1} }, "documents[2].pages"},
		"repealed, no link":    {func(s *archivetest.Sample) { s.Documents[0].Validity.State = gazette.Repealed }, "documents[0].validity.changed_by"},
		"no gazette name":      {func(s *archivetest.Sample) { s.Issue.Gazette = "" }, "gazette"},
		"year out of range":    {func(s *archivetest.Sample) { s.Issue.Year = 1900 }, "year"},
		"no documents":         {func(s *archivetest.Sample) { s.Documents = nil }, "contents"},
		"wrong PDF hash":       {func(s *archivetest.Sample) { s.Issue.PDF.SHA256 = strings.Repeat("0", 64) }, "pdf.sha256"},
		"no page count":        {func(s *archivetest.Sample) { s.Issue.PDF.Pages = 0 }, "pdf.pages"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			blobs := archivetest.NewMemBlobs()
			a := archive.New(blobs, nil, nil)
			s := archivetest.NewSample(2019, 12, 4)
			tc.edit(&s)
			_, err := a.Publish(context.Background(), s.Issue, bytes.NewReader(s.PDF), s.Documents)
			var ve gazette.ValidationError
			if !errors.Is(err, gazette.ErrInvalid) || !errors.As(err, &ve) {
				t.Fatalf("Publish: %v, want a ValidationError", err)
			}
			named := false
			for _, fe := range ve {
				named = named || fe.Field == tc.field
			}
			if !named {
				t.Errorf("error %q does not name field %s", err, tc.field)
			}
			if objs, _ := blobs.List(context.Background(), ""); len(objs) != 0 {
				t.Errorf("refused publish stored %d objects", len(objs))
			}
		})
	}
}

// TestPublishFailureAtEveryStep fails the storage write after each step of
// Publish in turn: nothing of the issue may be visible, and a retry must
// complete it.
func TestPublishFailureAtEveryStep(t *testing.T) {
	s := archivetest.NewSample(2019, 12, 5)
	steps := 1 + len(s.Documents) + 1 // PDF, records, manifest
	for allow := range steps {
		blobs := archivetest.NewMemBlobs()
		faulty := &archivetest.Faulty{Blobs: blobs, Allow: allow}
		_, err := archive.New(faulty, nil, nil).Publish(context.Background(), s.Issue, bytes.NewReader(s.PDF), s.Documents)
		if !errors.Is(err, archivetest.ErrInjected) {
			t.Fatalf("write %d failing: Publish = %v, want the injected fault", allow+1, err)
		}
		a := archive.New(blobs, nil, nil)
		checkInvisible(t, a, s)
		publish(t, a, s)
		checkPublished(t, a, s)
	}
}

func TestPublishDetectsDamagedLeftovers(t *testing.T) {
	blobs := archivetest.NewMemBlobs()
	a := archive.New(blobs, nil, nil)
	s := archivetest.NewSample(2019, 12, 2)
	// Learn where the PDF goes, then plant same-sized garbage there as a
	// damaged earlier attempt would.
	m := publish(t, archive.New(archivetest.NewMemBlobs(), nil, nil), s)
	junk := bytes.Repeat([]byte{'x'}, len(s.PDF))
	if _, err := blobs.Put(context.Background(), m.PDF.Key, bytes.NewReader(junk), int64(len(junk)), gazette.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Publish(context.Background(), s.Issue, bytes.NewReader(s.PDF), s.Documents); !errors.Is(err, gazette.ErrCorrupt) {
		t.Fatalf("Publish over a damaged PDF object: %v, want ErrCorrupt", err)
	}
	checkInvisible(t, a, s)
}

func TestConcurrentPublishers(t *testing.T) {
	a := archive.New(archivetest.NewMemBlobs(), nil, nil)
	same := archivetest.NewSample(2021, 7, 3)
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Go(func() {
			s := same
			if i%2 == 1 {
				s = archivetest.NewSample(2021, 7, 4) // a rival issue under the same number
			}
			_, errs[i] = a.Publish(context.Background(), s.Issue, bytes.NewReader(s.PDF), s.Documents)
		})
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		if err != nil && !errors.Is(err, gazette.ErrExist) {
			t.Fatalf("publisher %d: %v", i, err)
		}
		if err == nil {
			if winner >= 0 && winner%2 != i%2 {
				t.Fatalf("publishers %d and %d of different issues both succeeded", winner, i)
			}
			winner = i
		}
	}
	if winner < 0 {
		t.Fatal("no publisher succeeded")
	}
	for i, err := range errs {
		if i%2 == winner%2 && err != nil {
			t.Errorf("publisher %d of the winning issue failed: %v", i, err)
		}
	}
	want := same
	if winner%2 == 1 {
		want = archivetest.NewSample(2021, 7, 4)
	}
	checkPublished(t, a, want)
}

func TestIssueRefs(t *testing.T) {
	ctx := context.Background()
	a := archive.New(archivetest.NewMemBlobs(), nil, nil)
	var want []gazette.IssueRef
	for i, n := range []int{3, 12} {
		s := archivetest.NewSample(2019, n, 1)
		s.Issue.TotalNumber = 400 + n
		publish(t, a, s)
		want = append(want, gazette.IssueRef{Key: s.Issue.Key(), TotalNumber: 400 + n})
		refs, err := a.IssueRefs(ctx)
		if err != nil || fmt.Sprint(refs) != fmt.Sprint(want) {
			t.Errorf("after %d published: IssueRefs = %v, %v; want %v", i+1, refs, err, want)
		}
	}
	if c := gazette.CoverageOf(want, nil, nil); c.Gaps != 10 {
		t.Errorf("coverage of 2019 第3、12期: %d gaps, want 10", c.Gaps)
	}
}

// TestRecordsDoNotPushOutManifests: at scale the records read at random
// outnumber what the cache holds; the manifests, each shared by an
// issue's documents and dear to decode, are kept apart from them.
func TestRecordsDoNotPushOutManifests(t *testing.T) {
	a := archive.New(archivetest.NewMemBlobs(), nil, nil)
	s := archivetest.NewSample(2019, 12, 2)
	publish(t, a, s)
	if _, _, _, err := a.DocumentPage(context.Background(), "2019-12-1", 0); err != nil {
		t.Fatal(err)
	}
	archive.FillRecordCache(a)
	if !archive.ManifestCached(a, s.Issue.Key()) {
		t.Error("reading twice the record cache's bound in records pushed out the manifest")
	}
}
