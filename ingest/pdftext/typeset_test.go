package pdftext

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/ingest/typeset"
)

// TestTypesetEval extracts generated gazette issues (ingest/typeset) in each
// text encoding and prints the character accuracy against their truth: every
// printed line, running heads and page numbers included (removing those is
// the layout stage's job). Run: go test ./ingest/pdftext -run TestTypesetEval -v
func TestTypesetEval(t *testing.T) {
	if raceEnabled {
		t.Skip("evaluation skipped under -race (too slow); run: go test ./ingest/pdftext -run TestTypesetEval -v")
	}
	font, err := typeset.LoadFont()
	if err != nil {
		t.Skipf("typeset: %v", err)
	}
	t.Logf("%-26s %5s %8s %9s %s", "encoding", "pages", "chars", "accuracy", "garbled pages")
	for _, enc := range []typeset.Encoding{typeset.IdentityH, typeset.GBKEUC, typeset.WinAnsiGBK, typeset.IdentityHNoToUnicode} {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		res, err := typeset.Generate(ctx, typeset.Options{Seed: 7, Encoding: enc, Documents: 12, FakeBold: true, Font: font})
		if err != nil {
			cancel()
			t.Logf("%-26s skipped: %v", enc, err)
			continue
		}
		pages, err := Extract(ctx, bytes.NewReader(res.PDF), int64(len(res.PDF)), Options{})
		cancel()
		if err != nil {
			t.Errorf("%s: %v", enc, err)
			continue
		}
		if len(pages) != len(res.Truth.Pages) {
			t.Errorf("%s: %d pages, truth has %d", enc, len(pages), len(res.Truth.Pages))
			continue
		}
		var errs, total float64
		garbled := 0
		for i, p := range pages {
			var want []string
			for _, l := range res.Truth.Pages[i].Lines {
				want = append(want, l.Text)
			}
			acc, n := accuracy(p.PlainText(), strings.Join(want, "\n"))
			errs += (1 - acc) * float64(n)
			total += float64(n)
			if strings.Contains(p.Note, "garbled") {
				garbled++
			}
		}
		acc := 1 - errs/max(total, 1)
		t.Logf("%-26s %5d %8.0f %8.2f%% %d", enc, len(pages), total, 100*acc, garbled)
		if acc < 0.99 {
			t.Errorf("%s: accuracy %.2f%%, floor 99%%", enc, 100*acc)
		}
	}
}
