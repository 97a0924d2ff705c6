package ingesteval

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/report"
	"github.com/gazette-archive/gazette/ingest/typeset"
)

// originalsConfig measures one original per text variant and no issues'
// scans: Seeds must be set for text originals, and the issues it also
// generates are kept small.
func originalsConfig(p Pipeline, out *bytes.Buffer) EvalConfig {
	return EvalConfig{Pipeline: p, Pages: truthPages, FirstSeed: 5, Seeds: 1, Documents: 2, Workers: 2, Show: 50, Out: out,
		Originals: OriginalsConfig{PerText: 1}}
}

func TestEvalOriginalsPerfect(t *testing.T) {
	var out bytes.Buffer
	rep, err := RunEval(context.Background(), originalsConfig(standIn(nil), &out))
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	if len(rep.Originals) < 3 {
		t.Fatalf("%d originals scored, want one per text variant", len(rep.Originals))
	}
	section := out.String()[strings.Index(out.String(), "generated agencies' originals"):]
	for _, s := range rep.Originals {
		if s.Bounds.Matched != 1 || s.Text.Accuracy() != 1 || s.PageText.Accuracy() != 1 || !s.CoverEmpty || len(s.Mismatches) > 0 {
			t.Errorf("%s seed %d: bounds %+v text %v pages %v cover empty %v mismatches %v", s.Variant, s.Seed, s.Bounds, s.Text.Accuracy(), s.PageText.Accuracy(), s.CoverEmpty, s.Mismatches)
		}
		for f, c := range s.Fields {
			if c.Right != 1 || c.Total != 1 {
				t.Errorf("%s: field %s %d/%d", s.Variant, f, c.Right, c.Total)
			}
		}
		if !regexp.MustCompile(`builtin +` + regexp.QuoteMeta(s.Variant) + ` +1 `).MatchString(section) {
			t.Errorf("no row for %s", s.Variant)
		}
	}
	if strings.Contains(section, "NOT met") || !strings.Contains(section, "mismatches: none") {
		t.Errorf("perfect pipeline reported a miss:\n%s", section)
	}
}

// TestEvalOriginalsDamaged: an original cut in two, with the masthead for
// a title and the 文号 lost, scores what it should.
func TestEvalOriginalsDamaged(t *testing.T) {
	var out bytes.Buffer
	damage := func(r *report.Result) {
		if r.Issue.Year != 0 {
			return // an issue, not an original
		}
		d := r.Documents[0]
		d.Title = "澜江省人民政府文件"
		d.DocNumber = ""
		d.PrintedBy = "" // every original prints its 印发机关
		r.Documents = []report.Document{d, {Title: "附件", PageStart: d.PageEnd, PageEnd: d.PageEnd}}
		r.Issue.Date = gazette.Date{Year: 2019, Month: 1, Day: 1}
	}
	rep, err := RunEval(context.Background(), originalsConfig(standIn(damage), &out))
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	for _, s := range rep.Originals {
		if s.Bounds != (Boundaries{Found: 2, Truth: 1}) || s.CoverEmpty {
			t.Errorf("%s: bounds %+v, cover empty %v", s.Variant, s.Bounds, s.CoverEmpty)
		}
		for f, want := range map[string]int{FieldTitle: 0, FieldDocNumber: 0, FieldAuthorities: 1, FieldSigned: 1} {
			if c := s.Fields[f]; c.Right != want {
				t.Errorf("%s: %s right %d, want %d", s.Variant, f, c.Right, want)
			}
		}
	}
	for _, want := range []string{"NOT met", "2 documents, want the original whole", "issue fields set on a file without a cover", `title "澜江省人民政府文件"`, `印发机关 "", want`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// TestEvalOriginalsTitleApart: an original's text scores the same whether
// it keeps the title under the 版头 or leaves it to the title field.
func TestEvalOriginalsTitleApart(t *testing.T) {
	pipe := func(ctx context.Context, path string) (*report.Result, error) {
		tr, err := readTruth(path)
		if err != nil {
			return nil, err
		}
		res := truthResult(tr)
		if tr.Form != typeset.FormOriginal {
			return res, nil
		}
		d := tr.Documents[0]
		for n := len(d.Heading) - 1; n >= 0; n-- {
			if strings.Join(d.Heading[n:], "") == d.Title {
				res.Documents[0].Text = joinNonEmpty(joinNonEmpty(d.Heading[:n]...), d.Text())
			}
		}
		return res, nil
	}
	var out bytes.Buffer
	cfg := originalsConfig(pipe, &out)
	cfg.Pages = nil
	rep, err := RunEval(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	apart := 0
	for _, s := range rep.Originals {
		if s.Text.Accuracy() != 1 || s.Text.Ref == 0 {
			t.Errorf("%s seed %d: text accuracy %v", s.Variant, s.Seed, s.Text.Accuracy())
		}
		if s.TitleApart {
			apart++
		}
	}
	if apart == 0 {
		t.Error("no original scored with its title apart")
	}
}
