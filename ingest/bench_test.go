package ingest

import (
	"bytes"
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/ingest/layout"
	"github.com/gazette-archive/gazette/ingest/meta"
	"github.com/gazette-archive/gazette/ingest/page"
	"github.com/gazette-archive/gazette/ingest/pdftext"
	"github.com/gazette-archive/gazette/ingest/report"
	"github.com/gazette-archive/gazette/ingest/split"
	"github.com/gazette-archive/gazette/ingest/typeset"
)

// benchIssues decodes generated issues of about n pages, one per text
// encoding with fake bold on every other one, as bench-ingest makes them.
func benchIssues(b *testing.B, n int) [][]page.Page {
	b.Helper()
	font, err := typeset.LoadFont()
	if err != nil {
		b.Skipf("typeset: %v", err)
	}
	var out [][]page.Page
	for i, enc := range []typeset.Encoding{typeset.IdentityH, typeset.GBKEUC, typeset.WinAnsiGBK, typeset.IdentityHNoToUnicode} {
		res, err := typeset.Generate(context.Background(), typeset.Options{Seed: uint64(1 + i), Encoding: enc, MinPages: n, FakeBold: i%2 == 1, Font: font})
		if err != nil {
			b.Fatalf("%s: %v", enc, err)
		}
		ps, err := pdftext.Extract(context.Background(), bytes.NewReader(res.PDF), int64(len(res.PDF)), pdftext.Options{})
		if err != nil {
			b.Fatalf("%s: %v", enc, err)
		}
		out = append(out, ps)
	}
	return out
}

// BenchmarkAssemble times what Extract does after the text is had (layout,
// split, meta), in all and stage by stage, per page: with the text-layer
// child it makes the pipeline's cost beside pdftotext in bench-ingest.
func BenchmarkAssemble(b *testing.B) {
	issues := benchIssues(b, 50)
	pages := 0
	for _, ps := range issues {
		pages += len(ps)
	}
	// CPU time beside wall time: the machine is shared, and CPU time is
	// the steadier figure (it counts the collector's other threads too).
	var cpu0 time.Duration
	perPage := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*pages), "µs/page")
		if cpu := cpuTime() - cpu0; cpu > 0 {
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N*pages), "cpu-µs/page")
		}
	}
	b.Run("all", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 = cpuTime()
		for b.Loop() {
			for _, ps := range issues {
				assemble(&report.Result{}, ps)
			}
		}
		perPage(b)
	})
	cleaned := make([][]layout.Page, len(issues))
	for i, ps := range issues {
		cleaned[i] = layout.Clean(ps)
	}
	b.Run("layout", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 = cpuTime()
		for b.Loop() {
			for _, ps := range issues {
				layout.Clean(ps)
			}
		}
		perPage(b)
	})
	b.Run("split", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 = cpuTime()
		for b.Loop() {
			for _, ps := range cleaned {
				split.Split(ps)
			}
		}
		perPage(b)
	})
	splits := make([]split.Issue, len(cleaned))
	for i, ps := range cleaned {
		splits[i] = split.Split(ps)
	}
	b.Run("meta", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 = cpuTime()
		for b.Loop() {
			for i, is := range splits {
				meta.IssueFromPages(cleaned[i])
				meta.GazetteName(cleaned[i])
				for _, d := range is.Documents {
					meta.Extract(d.Title, d.Paragraphs)
					d.Text()
				}
			}
		}
		perPage(b)
	})
	if testing.Verbose() {
		fmt.Printf("%d issues, %d pages\n", len(issues), pages)
	}
}

// cpuTime is the user and system time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
