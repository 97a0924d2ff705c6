package transparency_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/transparency"
)

// BenchmarkProof measures, for logs of several sizes, the size of an
// issue's proof (bytes/proof: what travels with a PDF) and the time to
// verify it offline (ns/op), and the time to make one from stored tiles.
//
//	go test ./transparency -run '^$' -bench Proof -benchtime 2000x
func BenchmarkProof(b *testing.B) {
	ctx := context.Background()
	k := newKey(b, origin)
	for _, n := range []int{10, 1000, 20000} {
		blobs := archivetest.NewMemBlobs()
		l := openLog(b, blobs, k)
		for i := range n {
			if _, err := l.Append(ctx, issueEntry(b, i, pdfOf(i))); err != nil {
				b.Fatal(err)
			}
		}
		target := n / 2
		e, sum := issueEntry(b, target, pdfOf(target)), transparency.SumOf(pdfOf(target))
		p, err := l.Prove(ctx, e)
		if err != nil {
			b.Fatal(err)
		}
		text, _ := p.MarshalText()
		b.Run(fmt.Sprintf("verify/entries=%d", n), func(b *testing.B) {
			for b.Loop() {
				p, err := transparency.ParseProof(text)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := transparency.Verify(sum, p, k.ring); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(text)), "bytes/proof")
			b.ReportMetric(float64(len(e)), "bytes/entry")
			b.ReportMetric(float64(len(p.Hashes)), "hashes/proof")
		})
		b.Run(fmt.Sprintf("prove/entries=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := l.Prove(ctx, e); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// issueEntry is the entry of an issue of 20 documents, the size of a
// typical issue's entry.
func issueEntry(b *testing.B, n int, pdf []byte) []byte {
	e := archive.LogEntry{
		Event: archive.EventPublished, Subject: fmt.Sprintf("%d-%d", 2000+n/50, n%50+1),
		Time: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Hour),
		Objects: []archive.LoggedObject{
			{Role: "manifest", SHA256: transparency.SumOf(fmt.Appendf(nil, "manifest %d", n)), Size: 9000},
			{Role: "pdf", SHA256: transparency.SumOf(pdf), Size: int64(len(pdf))},
		},
	}
	for d := range 20 {
		e.Objects = append(e.Objects, archive.LoggedObject{Role: "record", ID: fmt.Sprintf("%s-%d", e.Subject, d+1),
			SHA256: transparency.SumOf(fmt.Appendf(nil, "record %d %d", n, d)), Size: 4000})
	}
	text, err := e.MarshalText()
	if err != nil {
		b.Fatal(err)
	}
	return text
}

// BenchmarkAppend measures one append (sequence, integrate, sign) on the
// local-directory store, with fsync, as a publication pays it.
func BenchmarkAppend(b *testing.B) {
	ctx := context.Background()
	k := newKey(b, origin)
	dir := b.TempDir()
	blobs, err := openFS(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer blobs.Close()
	l := openLog(b, blobs, k)
	i := 0
	for b.Loop() {
		if _, err := l.Append(ctx, entry(b, i, pdfOf(i))); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
