package ingesteval

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/ingest/page"
)

// TestRunHandText scores a page reader that returns the hand-checked text
// itself (100%) with one character wrong on one page.
func TestRunHandText(t *testing.T) {
	dir := t.TempDir()
	const file = "guangdong-2015-yuejiaokao-14-scan"
	if err := os.WriteFile(filepath.Join(dir, file+".pdf"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	p1, err := handText.ReadFile("handtext/" + file + ".p1.txt")
	if err != nil {
		t.Fatal(err)
	}
	read := func(ctx context.Context, path string) ([]page.Page, error) {
		var pages []page.Page
		for n := 1; n <= 6; n++ {
			text, _ := handText.ReadFile("handtext/" + file + ".p" + string(rune('0'+n)) + ".txt")
			p := page.Page{Number: n, Extractor: page.OCR, Confidence: 0.9}
			for l := range strings.Lines(string(text)) {
				p.Lines = append(p.Lines, page.Line{Text: strings.TrimSpace(l)})
			}
			pages = append(pages, p)
		}
		pages[0].Lines[5].Text = "押教考〔2015〕14号"
		pages[0].Corrections = []page.Correction{{Line: 5, From: "押教考[2015] 14号", To: "押教考〔2015〕14号", Rule: "docnumber", Confidence: 0.3}}
		return pages, nil
	}
	var out bytes.Buffer
	scores, err := RunHandText(context.Background(), dir, read, &out)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(out.String())
	if len(scores) != 2 || scores[0].Page != 1 || scores[1].Page != 6 {
		t.Fatalf("scores %+v, want pages 1 and 6 of %s", scores, file)
	}
	n := len(Fold(string(p1)))
	if got := scores[0].Chars; got.Errors != 1 || got.Ref != n || scores[1].Chars.Errors != 0 {
		t.Errorf("page 1 %+v (want 1 error in %d), page 6 %+v (want none)", got, n, scores[1].Chars)
	}
	if !strings.Contains(out.String(), `docnumber "押教考[2015] 14号" → "押教考〔2015〕14号"`) {
		t.Error("the correction is not printed")
	}
	if _, err := RunHandText(context.Background(), filepath.Join(dir, "absent"), read, &out); !errors.Is(err, ErrNoCorpus) {
		t.Errorf("absent folder: %v, want ErrNoCorpus", err)
	}
}
