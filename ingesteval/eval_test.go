package ingesteval

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/page"
	"github.com/gazette-archive/gazette/ingest/report"
	"github.com/gazette-archive/gazette/ingest/typeset"
)

// readTruth reads the truth RunEval writes beside a generated PDF.
func readTruth(path string) (typeset.Truth, error) {
	var tr typeset.Truth
	b, err := os.ReadFile(TruthPath(path))
	if err != nil {
		return tr, err
	}
	return tr, json.Unmarshal(b, &tr)
}

// truthResult is what a perfect pipeline returns for an issue.
func truthResult(tr typeset.Truth) *report.Result {
	res := &report.Result{Issue: report.IssueMeta{Gazette: tr.Gazette, Year: tr.Year, Number: tr.Number, TotalNumber: tr.TotalNumber, Date: tr.Date}}
	for _, d := range tr.Documents {
		res.Documents = append(res.Documents, report.Document{
			Title: d.Title, DocNumber: d.DocNumber, Kind: d.Kind, Authorities: d.Authorities,
			Signed: d.Signed, Effective: d.Effective, Expires: d.Expires,
			Registration: d.Registration, CopyNumber: d.CopyNumber, Secrecy: d.Secrecy, Urgency: d.Urgency,
			Signers: d.Signers, Recipients: d.Recipients, Signatory: d.Signatory, Attachments: d.Attachments,
			Note: d.Note, CC: d.CC, PrintedBy: d.PrintedBy, PrintDate: d.PrintedOn,
			PageStart: d.FilePages.First, PageEnd: d.FilePages.Last,
			Text: joinNonEmpty(joinNonEmpty(d.Heading...), d.Text()),
		})
	}
	for _, p := range tr.Pages {
		ex := page.Text
		if tr.Encoding == typeset.Scan {
			ex = page.OCR
		}
		res.Pages = append(res.Pages, report.PageReport{Number: p.Index, Extractor: ex, Confidence: 1})
	}
	return res
}

// standIn is a pipeline that reads the truth and lets damage spoil it.
func standIn(damage func(*report.Result)) Pipeline {
	return func(ctx context.Context, path string) (*report.Result, error) {
		tr, err := readTruth(path)
		if err != nil {
			return nil, err
		}
		res := truthResult(tr)
		if damage != nil {
			damage(res)
		}
		return res, nil
	}
}

// truthPages is a page reader that returns every printed line.
func truthPages(ctx context.Context, path string) ([]page.Page, error) {
	tr, err := readTruth(path)
	if err != nil {
		return nil, err
	}
	var out []page.Page
	for _, p := range tr.Pages {
		pg := page.Page{Number: p.Index, Extractor: page.Text}
		for _, l := range p.Lines {
			pg.Lines = append(pg.Lines, l.Line)
		}
		out = append(out, pg)
	}
	return out, nil
}

func evalConfig(p Pipeline, out *bytes.Buffer) EvalConfig {
	return EvalConfig{Pipeline: p, Pages: truthPages, FirstSeed: 1, Seeds: 1, Documents: 5, Workers: 2, Show: 50, Out: out,
		Originals: OriginalsConfig{Off: true}} // measured in originals_test.go
}

func TestEvalPerfect(t *testing.T) {
	var out bytes.Buffer
	rep, err := RunEval(context.Background(), evalConfig(standIn(nil), &out))
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	if len(rep.Issues) < 3 {
		t.Fatalf("%d issues scored (skipped: %v), want one per text encoding", len(rep.Issues), rep.Skipped)
	}
	all := Sum(rep.Issues)
	if all.Text.Accuracy() != 1 || all.PageText.Accuracy() != 1 || all.Bounds.F1() != 1 || all.Failed != 0 || all.Docs != 5*len(rep.Issues) {
		t.Errorf("perfect pipeline: text %v pages %v F1 %v failed %d docs %d", all.Text.Accuracy(), all.PageText.Accuracy(), all.Bounds.F1(), all.Failed, all.Docs)
	}
	for f, c := range all.Fields {
		if c.Right != c.Total || c.Total != all.Docs {
			t.Errorf("field %s: %d/%d", f, c.Right, c.Total)
		}
	}
	for f, c := range all.Issue {
		if c.Right != c.Total || c.Total != len(rep.Issues) {
			t.Errorf("issue field %s: %d/%d", f, c.Right, c.Total)
		}
	}
	if strings.Contains(out.String(), "NOT met") || !strings.Contains(out.String(), "mismatches: none") {
		t.Errorf("perfect pipeline reported a miss:\n%s", out.String())
	}
	for _, enc := range TextEncodings[:3] {
		if !regexp.MustCompile(`builtin +` + string(enc) + ` +1 `).MatchString(out.String()) {
			t.Errorf("no row for %s", enc)
		}
	}
}

// TestEvalDamaged spoils a perfect result in known ways and checks each
// costs exactly what it should.
func TestEvalDamaged(t *testing.T) {
	var out bytes.Buffer
	dropped := 0
	damage := func(r *report.Result) {
		// Doc 2 merged into doc 1: one boundary lost, text kept.
		r.Documents[0].Text += "\n" + r.Documents[1].Text
		r.Documents[0].PageEnd = r.Documents[1].PageEnd
		r.Documents = append(r.Documents[:1], r.Documents[2:]...)
		// One character lost from the last document's text.
		last := &r.Documents[len(r.Documents)-1]
		rs := []rune(last.Text)
		last.Text = string(rs[:len(rs)/2]) + string(rs[len(rs)/2+1:])
		// A wrong 文号, a wrong date and a missing authority on what was doc 3.
		r.Documents[1].DocNumber = "闽政〔1999〕1号"
		r.Documents[1].Signed = gazette.Date{Year: 1999, Month: 1, Day: 1}
		r.Documents[1].Authorities = nil
		r.Issue.TotalNumber++
	}
	cfg := evalConfig(standIn(func(r *report.Result) { damage(r); dropped++ }), &out)
	cfg.Workers = 1 // dropped is counted without a lock
	rep, err := RunEval(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	n := len(rep.Issues)
	all := Sum(rep.Issues)
	if dropped != n {
		t.Fatalf("damaged %d results for %d issues", dropped, n)
	}
	if all.Text.Errors != n || all.Text.Accuracy() >= 1 {
		t.Errorf("text errors %d, want one per issue (%d)", all.Text.Errors, n)
	}
	if want := (Boundaries{Found: 4 * n, Truth: 5 * n, Matched: 4 * n}); all.Bounds != want {
		t.Errorf("boundaries %+v, want %+v", all.Bounds, want)
	}
	for f, wrong := range map[string]int{FieldTitle: 1, FieldDocNumber: 2, FieldSigned: 2, FieldKind: 1} {
		if c := all.Fields[f]; c.Total-c.Right != wrong*n {
			t.Errorf("field %s: %d/%d, want %d wrong per issue", f, c.Right, c.Total, wrong)
		}
	}
	// Authorities: the merged document, and the emptied one unless it had none.
	if c := all.Fields[FieldAuthorities]; c.Right == c.Total || c.Total-c.Right > 2*n {
		t.Errorf("authority %d/%d", c.Right, c.Total)
	}
	if c := all.Issue["total number"]; c.Right != 0 {
		t.Errorf("total number right %d times", c.Right)
	}
	if c := all.Issue["year"]; c.Right != n {
		t.Errorf("year right %d of %d", c.Right, n)
	}
	for _, want := range []string{"NOT met", "not found", "文号 \"闽政〔1999〕1号\"", "issue total number"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

func TestEvalFailures(t *testing.T) {
	var out bytes.Buffer
	broken := func(ctx context.Context, path string) (*report.Result, error) {
		return nil, errors.New("child killed: out of memory")
	}
	rep, err := RunEval(context.Background(), evalConfig(broken, &out))
	if err != nil {
		t.Fatal(err)
	}
	all := Sum(rep.Issues)
	if all.Failed != len(rep.Issues) || all.Text.Accuracy() != 0 || all.Bounds.Matched != 0 || all.Fields[FieldTitle].Right != 0 {
		t.Errorf("failing pipeline scored: %+v", all)
	}
	if !strings.Contains(out.String(), "pipeline failed: child killed") {
		t.Errorf("report lacks the failure:\n%s", out.String())
	}
	if _, err := RunEval(context.Background(), EvalConfig{Out: &out, Seeds: 1}); err == nil {
		t.Error("no pipeline: no error")
	}
	if _, err := RunEval(context.Background(), EvalConfig{Pipeline: broken, Out: &out}); err == nil {
		t.Error("no issues: no error")
	}
}

// TestEvalKeepsFiles: with a work directory, the PDFs and truths stay.
func TestEvalKeepsFiles(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	cfg := evalConfig(standIn(nil), &out)
	cfg.WorkDir = dir
	if _, err := RunEval(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	pdfs, _ := filepath.Glob(filepath.Join(dir, "builtin-*.pdf"))
	truths, _ := filepath.Glob(filepath.Join(dir, "builtin-*.truth.json"))
	if len(pdfs) < 3 || len(pdfs) != len(truths) {
		t.Errorf("kept %d PDFs and %d truths", len(pdfs), len(truths))
	}
}

func TestReal(t *testing.T) {
	dir := t.TempDir()
	refDir := filepath.Join(dir, "reference_text")
	if err := os.Mkdir(refDir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The file's name picks what the stand-in does; the reference is
	// what it prints.
	refs := map[string]string{
		"gbk":     "全世界无产者，联合起来！",
		"poppler": "天健函〔2016〕306号\n关于某某的函",
		"review":  "我们都是黑体字",
		"silent":  "一页",
	}
	write("reference_text/gbk"+RefPoppler, "Ã·Ã·")
	write("reference_text/gbk"+RefGBK, refs["gbk"])
	write("reference_text/poppler"+RefPoppler, "  天健函〔２０１６〕306号\n\n      关于某某的函\f")
	write("reference_text/review"+RefPoppler, refs["review"])
	for _, n := range []string{"gbk", "poppler", "review", "silent", "noref", "fails"} {
		write(n+".pdf", "%PDF-1.4")
	}
	pipeline := func(ctx context.Context, path string) (*report.Result, error) {
		name := strings.TrimSuffix(filepath.Base(path), ".pdf")
		switch name {
		case "fails":
			return nil, errors.New("no page count")
		case "review":
			return &report.Result{Pages: []report.PageReport{{Number: 1, Extractor: page.None}}, Review: []string{"page 1: needs OCR: tesseract not installed"}}, nil
		case "silent":
			return &report.Result{Pages: []report.PageReport{{Number: 1, Extractor: page.Text}}}, nil
		}
		return &report.Result{Documents: []report.Document{{Text: refs[name] + "x"}}, Pages: []report.PageReport{{Number: 1, Extractor: page.Text}, {Number: 2, Extractor: page.OCR}}}, nil
	}
	var out bytes.Buffer
	scores, err := RunReal(context.Background(), RealConfig{Dir: dir, Pipeline: pipeline, Workers: 2, Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	by := map[string]RealScore{}
	for _, s := range scores {
		by[strings.TrimSuffix(s.File, ".pdf")] = s
	}
	tests := []struct {
		name, outcome, ref string
		acc                float64
	}{
		{"gbk", OutcomeText, RefGBK, 1 - 1.0/float64(len(Fold(refs["gbk"])))},
		{"poppler", OutcomeText, RefPoppler, 1 - 1.0/float64(len(Fold(refs["poppler"])))},
		{"review", OutcomeNeedsReview, RefPoppler, 0},
		{"silent", OutcomeSilent, "", 0},
		{"noref", OutcomeText, "", 0},
		{"fails", OutcomeFailed, "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := by[tc.name]
			if s.Outcome != tc.outcome || s.Reference != tc.ref || s.DocText.Accuracy() != tc.acc {
				t.Errorf("%+v: want outcome %q, reference %q, accuracy %v", s, tc.outcome, tc.ref, tc.acc)
			}
		})
	}
	if by["gbk"].Extractors[page.OCR] != 1 || by["gbk"].Pages != 2 {
		t.Errorf("extractors %v", by["gbk"].Extractors)
	}
	for _, want := range []string{"review.pdf: needs review: page 1: needs OCR", "fails.pdf: failed: no page count", "WRONG: 1 files gave no text and no reason", "NOT gold"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	picked, err := RunReal(context.Background(), RealConfig{Dir: dir, Pattern: "g*.pdf", Pipeline: pipeline, Out: &out})
	if err != nil || len(picked) != 1 || picked[0].File != "gbk.pdf" {
		t.Errorf("pattern g*.pdf: %v, %+v", err, picked)
	}
	if _, err := RunReal(context.Background(), RealConfig{Dir: dir, Pattern: "../*.pdf", Pipeline: pipeline, Out: &out}); err == nil || errors.Is(err, ErrNoCorpus) {
		t.Errorf("pattern with a folder: %v, want an error", err)
	}
	if _, err := RunReal(context.Background(), RealConfig{Dir: filepath.Join(dir, "absent"), Pipeline: pipeline, Out: &out}); !errors.Is(err, ErrNoCorpus) {
		t.Errorf("absent folder: %v, want ErrNoCorpus", err)
	}
}

// TestEvalTextConventions checks that a document's text scores the same
// whether it repeats its heading lines, leaves out only the title (a field
// of its own), or leaves out every heading line.
func TestEvalTextConventions(t *testing.T) {
	tests := []struct {
		name                    string
		text                    func(d typeset.Document) string
		withHeading, titleApart bool // how every issue is counted
	}{
		{"heading lines kept", func(d typeset.Document) string { return joinNonEmpty(joinNonEmpty(d.Heading...), d.Text()) }, true, false},
		{"title left to its field", func(d typeset.Document) string {
			var head []string
			for _, l := range d.Heading {
				if !strings.Contains(foldString(d.Title), foldString(l)) {
					head = append(head, l)
				}
			}
			return joinNonEmpty(joinNonEmpty(head...), d.Text())
		}, true, true},
		{"no heading lines", func(d typeset.Document) string { return d.Text() }, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pipe := func(ctx context.Context, path string) (*report.Result, error) {
				tr, err := readTruth(path)
				if err != nil {
					return nil, err
				}
				res := truthResult(tr)
				for i, d := range tr.Documents {
					res.Documents[i].Text = tt.text(d)
				}
				return res, nil
			}
			var out bytes.Buffer
			cfg := evalConfig(pipe, &out)
			cfg.Pages = nil
			rep, err := RunEval(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			all := Sum(rep.Issues)
			if all.Text.Accuracy() != 1 {
				t.Errorf("text accuracy %v, want 1", all.Text.Accuracy())
			}
			count := func(b bool) int {
				if b {
					return all.Issues
				}
				return 0
			}
			if all.Issues == 0 || all.WithHeading != count(tt.withHeading) || all.TitleApart != count(tt.titleApart) {
				t.Errorf("%d issues, %d with heading, %d with the title apart; want %d and %d", all.Issues, all.WithHeading, all.TitleApart, count(tt.withHeading), count(tt.titleApart))
			}
		})
	}
}
