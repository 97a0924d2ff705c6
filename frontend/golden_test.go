package frontend_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
	"github.com/gazette-archive/gazette/gazette"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/pages.golden from the pages rendered now")

// TestPagesAsGolden renders the pages of the sample gazette, documents in
// every state the document page shows (corrected, an earlier version, a
// day in the past, repealed, highlighted) and the pages around them, and
// compares them byte for byte with testdata/pages.golden: a change meant
// only to make rendering cheaper must not change a byte. After a change
// to what the pages show, rewrite it with -update-golden and review the
// diff. Today's date, which some pages print, is left out.
func TestPagesAsGolden(t *testing.T) {
	ctx := context.Background()
	a := archive.New(archivetest.NewMemBlobs(), nil, nil)
	if err := frontendtest.Publish(ctx, a, frontendtest.Gazette()...); err != nil {
		t.Fatal(err)
	}
	const corrected, changed = "2019-12-3", "2019-12-1"
	d, err := a.Document(ctx, corrected)
	if err != nil {
		t.Fatal(err)
	}
	d.Body = append(d.Body, "另据《福建省行政执法程序规定》办理。", `特殊字符 <b>&amp;</b> "引号" 'single' a+b`)
	if _, err := a.Correct(ctx, corrected, *d, gazette.Correction{Reason: "补印末段 <i>&</i>", Date: gazette.Date{Year: 2020, Month: 2, Day: 1}, By: "editor"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddRelation(ctx, corrected, gazette.Relation{Type: gazette.Interprets, Target: "2019-12-2", Note: "政策解读", By: "editor"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SetValidity(ctx, changed, gazette.ValidityChange{State: gazette.Repealed, Since: gazette.Date{Year: 2020, Month: 3, Day: 1}, ChangedBy: corrected, By: "editor"}); err != nil {
		t.Fatal(err)
	}
	srv, err := frontend.New(frontend.Config{Archive: a, PublicURL: publicURL, APIRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"/", "/years", "/years/2019", "/issues/2019/12", "/issues/2019/s1"}
	for _, key := range []gazette.IssueKey{frontendtest.Issue2018, frontendtest.Issue2019, frontendtest.Supp2019, frontendtest.Issue2020} {
		is, err := a.Issue(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range is.Contents[:min(len(is.Contents), 6)] {
			paths = append(paths, "/documents/"+e.ID)
		}
	}
	paths = append(paths,
		"/documents/"+corrected+"?v=1", "/documents/"+corrected+"?at=2020-01-15", "/documents/"+changed+"?at=2020-01-15",
		"/documents/"+changed+"?at=2020-06-01", "/documents/2019-12-2?hl=营商环境")
	var b strings.Builder
	for _, p := range paths {
		fmt.Fprintf(&b, "==== GET %s\n%s\n", p, page(t, srv, p))
	}
	for _, p := range []string{"/documents/2019-12-99", "/issues/1990/1"} {
		rec := do(srv, "GET", p, "Accept", "text/html")
		fmt.Fprintf(&b, "==== GET %s: %d\n%s\n", p, rec.Code, rec.Body)
	}
	got := withoutToday(b.String())
	golden := filepath.Join("testdata", "pages.golden")
	if *updateGolden {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("the pages differ from %s (-update-golden rewrites it):\n%s", golden, firstDiff(got, string(want)))
	}
}

// withoutToday replaces today's date, as the pages print it, with a mark.
func withoutToday(s string) string {
	for _, now := range []time.Time{time.Now(), time.Now().In(gazette.ChinaTime)} {
		s = strings.ReplaceAll(s, now.Format("2006-01-02"), "TODAY")
		s = strings.ReplaceAll(s, now.Format("2006年1月2日"), "TODAY")
	}
	return s
}
