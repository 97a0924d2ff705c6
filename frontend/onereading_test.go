package frontend_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/gazette/cite"
)

// readsAgain is the archive as the document page used it before
// PageLinks: the relations and citations read with Links, which reads the
// document and its history a second time.
type readsAgain struct{ *archive.Archive }

func (r readsAgain) PageLinks(ctx context.Context, d *gazette.Document, _ *gazette.History) (*gazette.Relations, []cite.Found, error) {
	return r.Links(ctx, d.ID, d.Version)
}

// TestDocumentPageOneReading checks that every document's page, each
// version of a corrected one and one read as of a day, is byte for byte
// the same whether its relations come from the reading of the page
// (PageLinks) or from a second one; and that a correction and a new
// relation show at once on both after the invalidation a publication
// makes.
func TestDocumentPageOneReading(t *testing.T) {
	ctx := context.Background()
	a := archive.New(archivetest.NewMemBlobs(), nil, nil)
	if err := frontendtest.Publish(ctx, a, frontendtest.Gazette()...); err != nil {
		t.Fatal(err)
	}
	newServer := func(fa frontend.Archive) *frontend.Server {
		s, err := frontend.New(frontend.Config{Archive: fa, PublicURL: publicURL, APIRate: -1})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	one, again := newServer(a), newServer(readsAgain{a})
	var paths []string
	for _, key := range []gazette.IssueKey{frontendtest.Issue2018, frontendtest.Issue2019, frontendtest.Supp2019, frontendtest.Issue2020} {
		is, err := a.Issue(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range is.Contents {
			paths = append(paths, "/documents/"+e.ID)
		}
	}
	same := func(when string) {
		t.Helper()
		for _, p := range paths {
			if got, want := page(t, one, p), page(t, again, p); got != want {
				t.Errorf("%s: %s differs with one reading:\n%s", when, p, firstDiff(got, want))
			}
		}
	}
	same("as published")

	// A correction that cites another document, a relation an editor
	// adds to it, and a validity change it causes.
	const corrected, changed = "2019-12-3", "2019-12-1"
	d, err := a.Document(ctx, corrected)
	if err != nil {
		t.Fatal(err)
	}
	d.Body = append(d.Body, "另据《福建省行政执法程序规定》办理。")
	d, err = a.Correct(ctx, corrected, *d, gazette.Correction{Reason: "补印末段", Date: gazette.Date{Year: 2020, Month: 2, Day: 1}, By: "editor"})
	if err != nil {
		t.Fatal(err)
	}
	found, err := a.Citations(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	cited := ""
	for _, f := range found {
		if f.Paragraph == len(d.Body)-1 && f.Outcome == cite.Resolved {
			cited = f.ID
		}
	}
	if cited == "" {
		t.Fatalf("the citation the correction adds does not resolve: %+v", found)
	}
	if _, err := a.AddRelation(ctx, corrected, gazette.Relation{Type: gazette.Interprets, Target: "2019-12-2", Note: "政策解读", By: "editor"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SetValidity(ctx, changed, gazette.ValidityChange{State: gazette.Repealed, Since: gazette.Date{Year: 2020, Month: 3, Day: 1}, ChangedBy: corrected, By: "editor"}); err != nil {
		t.Fatal(err)
	}
	one.Invalidate()
	again.Invalidate()
	paths = append(paths, "/documents/"+corrected+"?v=1", "/documents/"+corrected+"?at=2020-01-15", "/documents/"+changed+"?at=2020-01-15")
	same("after the changes")

	body := page(t, one, "/documents/"+corrected)
	for _, want := range []string{"补印末段", `href="/documents/` + cited + `"`, `href="/documents/2019-12-2"`, "政策解读", `href="/documents/` + changed + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the corrected page does not show %q at once", want)
		}
	}
	if body := page(t, one, "/documents/2019-12-2"); !strings.Contains(body, `href="/documents/`+corrected+`"`) {
		t.Error("the page of the document interpreted does not show the new relation at once")
	}
}

// firstDiff shows where two pages part.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(i-80, 0)
	return "got  …" + a[from:min(i+80, len(a))] + "\nwant …" + b[from:min(i+80, len(b))]
}
