package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest"
	"github.com/gazette-archive/gazette/ingest/typeset"
)

// demoIssues is how many issues `serve --demo` puts in an empty archive.
const demoIssues = 5

// demoSource pins the province and date of a generated issue, so the demo
// is one gazette's run of issues rather than issues of random provinces and years.
type demoSource struct {
	typeset.Source
	prov typeset.Province
	date gazette.Date
}

func (s demoSource) Province(context.Context, *rand.Rand) (typeset.Province, gazette.Date, error) {
	return s.prov, s.date, nil
}

// demoDates are the release days of the last n half-monthly issues up to
// now (the 10th and 25th of each month), oldest first.
func demoDates(now time.Time, n int) []gazette.Date {
	var out []gazette.Date
	d := gazette.DateOf(now)
	for y, m := d.Year, d.Month; len(out) < n; {
		for _, day := range []int{25, 10} {
			if len(out) < n && (gazette.Date{Year: y, Month: m, Day: day}).Compare(d) <= 0 {
				out = append(out, gazette.Date{Year: y, Month: m, Day: day})
			}
		}
		if m--; m == 0 {
			y, m = y-1, 12
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// loadDemo typesets a few issues of a fictional province's gazette from the
// project's own texts and ingests them through the real pipeline, as an
// archivist's batch would. It is meant for an empty archive.
func loadDemo(ctx context.Context, now time.Time, opts ingest.BatchOptions) ([]ingest.FileReport, error) {
	dir, err := os.MkdirTemp("", "gazette-demo-")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	defer os.RemoveAll(dir)
	src := typeset.Builtin()
	prov, _, err := src.Province(ctx, rand.New(rand.NewPCG(2019, 12)))
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	for i, d := range demoDates(now, demoIssues) {
		// The legacy encodings need no font on this machine; one issue
		// carries GBK bytes under WinAnsi, as old files do.
		enc := typeset.GBKEUC
		if i%3 == 1 {
			enc = typeset.WinAnsiGBK
		}
		res, err := typeset.Generate(ctx, typeset.Options{Seed: uint64(d.Year*1000 + int(d.Month)*40 + d.Day), Source: demoSource{src, prov, d}, Encoding: enc})
		if err != nil {
			return nil, fmt.Errorf("demo: typeset issue %d: %w", i+1, err)
		}
		name := filepath.Join(dir, fmt.Sprintf("%s-%02d-%02d.pdf", fmt.Sprint(d.Year), int(d.Month), d.Day))
		if err := os.WriteFile(name, res.PDF, 0o600); err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
	}
	return ingest.Batch(ctx, []string{dir}, opts)
}
