package cite_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/gazette/cite"
)

// Targets of the evaluation (issue 20).
const (
	precisionTarget = 0.98
	recallTarget    = 0.95
)

// labelled is testdata/citations.json: passages with the citations a
// person found in them by reading (see its "about").
type labelled struct {
	About    []string `json:"about"`
	Passages []struct {
		Source    string `json:"source"`
		Date      string `json:"date"`
		Self      string `json:"self"`
		Text      string `json:"text"`
		Citations []struct {
			Text   string `json:"text"`
			Ref    string `json:"ref"`
			Target string `json:"target"`
		} `json:"citations"`
	} `json:"passages"`
}

func readLabelled(t *testing.T) labelled {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "citations.json"))
	if err != nil {
		t.Fatal(err)
	}
	var l labelled
	if err := json.Unmarshal(raw, &l); err != nil {
		t.Fatalf("testdata/citations.json: %v", err)
	}
	return l
}

// score is a precision and recall count.
type score struct{ tp, fp, fn int }

func (s score) precision() float64 {
	if s.tp+s.fp == 0 {
		return 1
	}
	return float64(s.tp) / float64(s.tp+s.fp)
}

func (s score) recall() float64 {
	if s.tp+s.fn == 0 {
		return 1
	}
	return float64(s.tp) / float64(s.tp+s.fn)
}

func (s score) String() string {
	return fmt.Sprintf("precision %.3f (%d/%d), recall %.3f (%d/%d)", s.precision(), s.tp, s.tp+s.fp, s.recall(), s.tp, s.tp+s.fn)
}

// TestEvaluate measures detection on the hand-labelled passages and, where
// the shared corpus's laws folder is present, resolution against it as
// the archive; it prints precision and recall and fails below the targets.
// A found citation is right when it covers a labelled one and identifies
// the same document (Ref); a resolution is right when it names the
// labelled target (a citation labelled with no target must stay
// unresolved).
func TestEvaluate(t *testing.T) {
	l := readLabelled(t)
	cat := lawsCatalog(t)
	var det, res score
	labels := 0
	for _, p := range l.Passages {
		found := cite.Find(p.Text)
		used := make([]bool, len(found))
		from := 0
		citing, err := gazette.ParseDate(p.Date)
		if err != nil {
			t.Fatalf("%s: date %q: %v", p.Source, p.Date, err)
		}
		for _, want := range p.Citations {
			labels++
			at := strings.Index(p.Text[from:], want.Text)
			if at < 0 {
				t.Fatalf("%s: labelled citation %q is not in the text (after byte %d)", p.Source, want.Text, from)
			}
			at += from
			from = at + len(want.Text)
			i := -1
			for j, c := range found {
				if !used[j] && c.Start <= at && from <= c.End && c.Ref() == want.Ref {
					i = j
					break
				}
			}
			if i < 0 {
				det.fn++
				t.Logf("missed: %s: %q (%s)", p.Source, want.Text, want.Ref)
				if want.Target != "" {
					res.fn++
				}
				continue
			}
			used[i] = true
			from = max(from, found[i].End)
			det.tp++
			if cat == nil {
				continue
			}
			r := cite.Choose(&found[i], citing, p.Self, cat.lookup(&found[i]))
			switch {
			case r.Outcome == cite.Resolved && r.ID == want.Target:
				res.tp++
			case r.Outcome == cite.Resolved:
				res.fp++
				if want.Target != "" {
					res.fn++
				}
				t.Logf("wrong resolution: %s: %q resolved to %s, want %q", p.Source, want.Text, r.ID, want.Target)
			case want.Target != "":
				res.fn++
				t.Logf("unresolved: %s: %q: %s %v, want %s", p.Source, want.Text, r.Outcome, r.Candidates, want.Target)
			}
		}
		for j, c := range found {
			if !used[j] {
				det.fp++
				t.Logf("false citation: %s: %q (%s)", p.Source, c.Text, c.Ref())
			}
		}
	}
	t.Logf("%d passages, %d labelled citations", len(l.Passages), labels)
	fmt.Printf("citation detection:  %v\n", det)
	if cat != nil {
		fmt.Printf("citation resolution: %v (archive: %d documents of the laws corpus)\n", res, len(cat.docs))
	}
	if labels < 150 || len(l.Passages) < 20 {
		t.Errorf("the labelled set has %d citations in %d passages; it needs at least 150 in 20", labels, len(l.Passages))
	}
	for _, s := range []struct {
		name string
		s    score
		skip bool
	}{{"detection", det, false}, {"resolution", res, cat == nil}} {
		if s.skip {
			continue
		}
		if s.s.precision() < precisionTarget || s.s.recall() < recallTarget {
			t.Errorf("%s: %v; targets are precision %.2f and recall %.2f", s.name, s.s, precisionTarget, recallTarget)
		}
	}
}

// catalog is the laws folder of the shared corpus seen as an archive: one
// document per file, with its title, its date (from the file name) and the
// 文号 of its header lines.
type catalog struct {
	docs     []cite.Candidate
	byKey    map[string][]int
	byNumber map[string][]int
}

func (c *catalog) lookup(ci *cite.Citation) []cite.Candidate {
	var idx []int
	if !ci.Number.IsZero() {
		idx = c.byNumber[ci.Number.String()]
	} else {
		idx = c.byKey[ci.Key]
	}
	var out []cite.Candidate
	for _, i := range idx {
		out = append(out, c.docs[i])
	}
	return out
}

var fileDateRE = regexp.MustCompile(`\((\d{4}-\d{2}-\d{2})\)\.md$`)

// lawsCatalog reads the laws folder of the shared corpus ($GAZETTE_CORPUS,
// else ../../../../shared/corpus from this package), or returns nil when
// it is absent.
func lawsCatalog(t *testing.T) *catalog {
	t.Helper()
	root := filepath.Join("..", "..", "..", "shared", "corpus")
	if env := os.Getenv("GAZETTE_CORPUS"); env != "" {
		root = env
	}
	dir := filepath.Join(root, "laws")
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		if os.Getenv("GAZETTE_CORPUS") != "" {
			t.Fatalf("GAZETTE_CORPUS=%s holds no laws folder", root)
		}
		t.Logf("laws corpus not found at %s: resolution is not measured (set GAZETTE_CORPUS to the corpus root)", dir)
		return nil
	}
	c := &catalog{byKey: map[string][]int{}, byNumber: map[string][]int{}}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") || strings.HasPrefix(d.Name(), "_") || d.Name() == "法律法规模版.md" {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		var date gazette.Date
		if m := fileDateRE.FindStringSubmatch(d.Name()); m != nil {
			date, _ = gazette.ParseDate(m[1])
		}
		if strings.HasPrefix(rel, "民法典/") {
			// the code is split into its books: one document
			if rel != "民法典/总则.md" {
				return nil
			}
			date = gazette.Date{Year: 2020, Month: 5, Day: 28}
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		text := string(raw)
		head, _, _ := strings.Cut(text, "<!-- INFO END -->")
		title, _, _ := strings.Cut(strings.TrimPrefix(head, "# "), "\n")
		cand := cite.Candidate{ID: rel, Title: strings.TrimSpace(title), Date: date}
		i := len(c.docs)
		c.docs = append(c.docs, cand)
		k := cite.NormalizeTitle(cand.Title)
		c.byKey[k] = append(c.byKey[k], i)
		for _, line := range strings.Split(head, "\n")[1:] {
			// only a header line that publishes this text: a 令 number with
			// 公布, 发布 or 修订 (not the decisions named in 《》)
			if strings.Contains(line, "《") {
				continue
			}
			for _, m := range gazette.FindDocNumbers(line) {
				n := m.Number.String()
				c.byNumber[n] = append(c.byNumber[n], i)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
