package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/cmd/internal/cli"
)

// runDirect runs a command function with a generous deadline.
func runDirect(t *testing.T, f func(context.Context, []string, cli.Env, io.Reader, io.Writer, io.Writer) error, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	err := f(ctx, args, testEnv(nil), strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestEvalIngestCommand(t *testing.T) {
	out, errOut, err := runDirect(t, runEvalIngest, "--corpus", filepath.Join(t.TempDir(), "absent"), "--seeds", "1", "--scans", "0", "--docs", "3", "--workers", "2", "--show", "5")
	if err != nil {
		t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
	}
	t.Log("\n" + out)
	if !strings.Contains(errOut, "built-in texts only") {
		t.Errorf("no word of the absent corpus:\n%s", errOut)
	}
	for _, enc := range []string{"identity-h", "gbk-euc-h", "winansi-gbk", "identity-h-no-tounicode"} {
		// A row: source, encoding, one issue, pages, 3 documents, then
		// the text and page accuracies. The pipeline reads its own
		// generated text nearly whole: anything less means the wiring is
		// wrong, not the pipeline.
		m := regexp.MustCompile(`builtin +` + enc + ` +1 +\d+ +3 +([0-9.]+)% +([0-9.]+)%`).FindStringSubmatch(out)
		if m == nil {
			t.Errorf("no row for %s", enc)
			continue
		}
		text, _ := strconv.ParseFloat(m[1], 64)
		pages, _ := strconv.ParseFloat(m[2], 64)
		if enc == "identity-h" && (text < 90 || pages < 90) {
			t.Errorf("identity-h: text %s%%, pages %s%%: the pipeline is not being read", m[1], m[2])
		}
	}
	for _, want := range []string{"boundary F1", "文号", "issue fields (cover): year"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(out, "Real PDFs") {
		t.Error("real PDFs run without a corpus")
	}
}

// TestEvalIngestReal runs the small real PDFs through the pipeline (OCR
// off, to stay quick; `gazette eval-ingest` runs them all): each must give
// text or a reasoned needs-review.
func TestEvalIngestReal(t *testing.T) {
	if _, err := os.Stat(evalCorpus + "/pdf"); err != nil {
		t.Skipf("skipping: the shared corpus is absent: %v", err)
	}
	const pattern = "pdfjs__*.pdf"
	out, errOut, err := runDirect(t, runEvalIngest, "--corpus", evalCorpus, "--seeds", "0", "--scans", "0", "--real-files", pattern, "--no-ocr", "--workers", "2")
	if err != nil {
		t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
	}
	t.Log("\n" + out)
	files, _ := filepath.Glob(evalCorpus + "/pdf/" + pattern)
	if len(files) == 0 {
		t.Fatalf("no file matches %s", pattern)
	}
	for _, f := range files {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(filepath.Base(f)) + ` +(text|needs review|failed) `).MatchString(out) {
			t.Errorf("no outcome for %s", filepath.Base(f))
		}
	}
	if strings.Contains(out, "no text, no reason") {
		t.Error("a file gave no text and no reason")
	}
	if strings.Contains(out, "generated issues") {
		t.Error("issues generated with --seeds 0 --scans 0")
	}
}

func TestBenchIngestCommand(t *testing.T) {
	// OCR is what gazette extract has: here none.
	out, errOut, err := runDirect(t, runBenchIngest, "--files", "2", "--file-pages", "2", "--large-pages", "6", "--ocr-pages", "1", "--no-ocr", "--workers", "2")
	if err != nil {
		t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
	}
	t.Log("\n" + out)
	for _, re := range []string{
		`pipeline +one core +2 +\d+ +[0-9.]+s +[0-9.]+ `,
		`extraction +all cores \(2 at once\) +2 `,
		`pdftotext +one core +2 `,
		`pipeline per core: [0-9.]+ pages/s, [0-9.]+× pdftotext's`,
		`pipeline: a \d+-page file costs [0-9.]+× per page what a \d+-page one does`,
		`worker peak memory on the 6-page file \(\d+ pages decoded\): [0-9.]+ MiB`,
		`OCR throughput: not measured: OCR turned off \(--no-ocr\)`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("output lacks %s", re)
		}
	}
}

func TestIngestEvalFlags(t *testing.T) {
	tests := []struct {
		name string
		f    func(context.Context, []string, cli.Env, io.Reader, io.Writer, io.Writer) error
		args []string
		want string
	}{
		{"nothing to do", runEvalIngest, []string{"--seeds", "0", "--scans", "0", "--real=false"}, "want something to evaluate"},
		{"negative documents", runEvalIngest, []string{"--docs", "-1"}, "want 0 to 200"},
		{"no workers", runEvalIngest, []string{"--workers", "0"}, "want at least 1"},
		{"large smaller than small", runBenchIngest, []string{"--file-pages", "50", "--large-pages", "10"}, "no smaller"},
		{"too many OCR pages", runBenchIngest, []string{"--ocr-pages", "1000"}, "0 to 200"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runDirect(t, tc.f, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}
