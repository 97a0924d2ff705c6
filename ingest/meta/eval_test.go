package meta_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/gazette-archive/gazette/ingest/layout"
	"github.com/gazette-archive/gazette/ingest/meta"
	"github.com/gazette-archive/gazette/ingest/split"
	"github.com/gazette-archive/gazette/ingest/split/splittest"
)

var corpus = filepath.Join("..", "..", "..", "shared", "corpus")

// norm keeps letters and digits, full-width folded: titles are compared
// without punctuation and spaces.
func norm(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '０' && r <= '９' {
			r = r - '０' + '0'
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// titleMatch: equal once normalised; the Taiwan open data cuts long titles
// at a fixed length, so a gold title that is a prefix of at least 30
// characters of the found one matches too.
func titleMatch(got, want string) bool {
	g, w := norm(got), norm(want)
	return g == w || len([]rune(w)) >= 30 && strings.HasPrefix(g, w)
}

// authorityMatch: every gold authority found, once normalised; a found
// name may carry a parent's name in front (行政院農業委員會 for 農業委員會).
func authorityMatch(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range want {
		if !strings.HasSuffix(norm(got[i]), norm(want[i])) {
			return false
		}
	}
	return true
}

type fieldScore struct{ n, title, number, authority, signed int }

func (f *fieldScore) add(o fieldScore) {
	f.n += o.n
	f.title += o.title
	f.number += o.number
	f.authority += o.authority
	f.signed += o.signed
}

func pct(a, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(a) / float64(n)
}

// TestEvalFields splits every evaluation issue, reads each document's
// metadata and scores title, 文号, authority and signed date against the
// truth; a document whose start was not found counts as wrong in every
// field.
func TestEvalFields(t *testing.T) {
	if raceEnabled {
		t.Skip("evaluation skipped under -race (too slow); run: go test ./ingest/split ./ingest/meta -run Eval -v")
	}
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("shared corpus not present at %s (%v): skipping the evaluation", corpus, err)
	}
	rows, err := splittest.LoadDocnum(corpus)
	if err != nil {
		t.Fatal(err)
	}
	laws, err := splittest.LoadLawParagraphs(corpus, 120)
	if err != nil {
		t.Fatal(err)
	}
	var total fieldScore
	issues, issueOK := 0, 0
	for _, v := range splittest.Variants {
		ey, err := splittest.EY(filepath.Join(corpus, "ey-gazette"), v)
		if err != nil {
			t.Fatal(err)
		}
		sets := map[string][]splittest.GoldIssue{"ey-gazette/" + v.Name: ey, "synthetic/" + v.Name: splittest.Synthetic(rows, laws, 6, 1, v)}
		for _, name := range []string{"ey-gazette/" + v.Name, "synthetic/" + v.Name} {
			var fs fieldScore
			for _, g := range sets[name] {
				pages := layout.Clean(g.Pages)
				is := split.Split(pages)
				issues++
				if got, err := meta.IssueFromPages(pages); err == nil && got.Year == g.Year && got.Number == g.Number && got.TotalNumber == g.TotalNumber && got.Date == g.Date {
					issueOK++
				} else if testing.Verbose() {
					t.Logf("%s: issue %+v, want %d/%d/%d/%v (err %v)", g.Name, got, g.Year, g.Number, g.TotalNumber, g.Date, err)
				}
				fs.add(scoreFields(t, g, is))
			}
			fmt.Printf("fields %-30s docs %4d  title %.3f  doc_number %.3f  authority %.3f  signed %.3f\n", name, fs.n,
				pct(fs.title, fs.n), pct(fs.number, fs.n), pct(fs.authority, fs.n), pct(fs.signed, fs.n))
			total.add(fs)
		}
	}
	fmt.Printf("fields %-30s docs %4d  title %.3f  doc_number %.3f  authority %.3f  signed %.3f\n", "ALL", total.n,
		pct(total.title, total.n), pct(total.number, total.n), pct(total.authority, total.n), pct(total.signed, total.n))
	fmt.Printf("issue (year, number, total, date) %d/%d\n", issueOK, issues)
	// Floors are regression guards just under what is measured; the
	// issue's target (0.97 a field) is reported beside each. Titles are
	// low on the Taiwan issues without contents because their gold title is
	// an editorial summary not printed on the page (see the report).
	for _, f := range []struct {
		name  string
		ok    int
		floor float64
	}{{"title", total.title, 0.80}, {"doc_number", total.number, 0.97}, {"authority", total.authority, 0.96}, {"signed", total.signed, 0.97}} {
		got := pct(f.ok, total.n)
		verdict := "met"
		if got < 0.97 {
			verdict = "NOT MET"
		}
		fmt.Printf("field %-10s %.3f (target 0.97: %s)\n", f.name, got, verdict)
		if got < f.floor {
			t.Errorf("%s accuracy %.3f below the floor %.2f", f.name, got, f.floor)
		}
	}
	if pct(issueOK, issues) < 0.97 {
		t.Errorf("issue metadata right on %d of %d issues", issueOK, issues)
	}
}

func scoreFields(t *testing.T, g splittest.GoldIssue, is split.Issue) fieldScore {
	t.Helper()
	fs := fieldScore{n: len(g.Docs)}
	used := make([]bool, len(is.Documents))
	for _, gd := range g.Docs {
		for k, d := range is.Documents {
			if used[k] || d.PageStart != gd.StartPage || math.Abs(d.Paragraphs[0].Y-gd.StartY) > 4 {
				continue
			}
			used[k] = true
			contents := ""
			if d.Source != split.FromShape {
				contents = d.Title
			}
			m := meta.Extract(contents, d.Paragraphs)
			ok := [4]bool{
				titleMatch(m.Title, gd.Title),
				m.DocNumberRaw != "" && (norm(m.DocNumberRaw) == norm(gd.DocNumber) || gd.DocNumberCanonical != "" && m.DocNumber == gd.DocNumberCanonical),
				authorityMatch(m.Authorities, gd.Authorities),
				m.Signed == gd.Signed,
			}
			for i, f := range []*int{&fs.title, &fs.number, &fs.authority, &fs.signed} {
				if ok[i] {
					*f++
				}
			}
			if testing.Verbose() && slices.Contains(ok[:], false) {
				t.Logf("%s p%d: %v\n   got  %q %q %q %v\n   want %q %q %q %v", g.Name, gd.StartPage, ok,
					m.Title, m.DocNumberRaw, m.Authorities, m.Signed, gd.Title, gd.DocNumber, gd.Authorities, gd.Signed)
			}
			break
		}
	}
	return fs
}
