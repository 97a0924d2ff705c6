package ingesteval

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/page"
	"github.com/gazette-archive/gazette/ingest/report"
)

// ErrNoCorpus reports that the real PDFs are absent, as in a clone without
// ../shared; callers skip rather than fail.
var ErrNoCorpus = errors.New("ingesteval: corpus folder absent")

// The references of a real PDF, in reference_text/, best first.
const (
	// RefGBK is poppler's output re-decoded from cp1252 to GBK, for files
	// whose fonts declare WinAnsi but carry GBK bytes: approximately the
	// text a reader sees.
	RefGBK = ".gbk-decoded.txt"
	// RefPoppler is poppler's `pdftotext -layout` output: a reference, not
	// gold (it keeps running heads, pads with spaces, and reads some files
	// wrongly itself).
	RefPoppler = ".pdftotext.txt"
)

// RealConfig configures RunReal.
type RealConfig struct {
	Dir string // the folder of real PDFs, with reference_text/ inside
	// Pattern picks the files of Dir to run (filepath.Match syntax); ""
	// means every *.pdf.
	Pattern  string
	Pipeline Pipeline
	Pages    PageReader // optional: scored against the reference too
	Workers  int        // files read at once; 0 means the number of CPUs
	Out      io.Writer
	Progress func(what string, done, total int)
}

// Outcomes of a real file.
const (
	OutcomeText        = "text"
	OutcomeNeedsReview = "needs review"
	OutcomeFailed      = "failed"
	// OutcomeSilent is text-less output with no reason given: what the
	// pipeline must never do.
	OutcomeSilent = "no text, no reason"
)

// RealScore is how the pipeline did on one real PDF.
type RealScore struct {
	File       string
	Outcome    string
	Reasons    []string // why it needs review, or the error
	Pages      int
	Documents  int
	Extractors map[page.Extractor]int
	Reference  string // RefGBK, RefPoppler, or "" for none
	// DocText is the documents' text, PageText the page reader's, each
	// against the reference (Texts is 0 when not measured).
	DocText, PageText Chars
	Elapsed           time.Duration
}

// RunReal runs every PDF directly in cfg.Dir through the pipeline (and the
// page reader) and prints each file's outcome, pages, extractors and
// character accuracy against its reference text. It returns ErrNoCorpus
// (wrapped) when the folder is absent.
func RunReal(ctx context.Context, cfg RealConfig) ([]RealScore, error) {
	pattern := cmp.Or(cfg.Pattern, "*.pdf")
	if strings.ContainsRune(pattern, filepath.Separator) {
		return nil, fmt.Errorf("ingesteval: real files %q: a pattern of file names in %s, without a folder", pattern, cfg.Dir)
	}
	files, err := filepath.Glob(filepath.Join(cfg.Dir, pattern))
	if err != nil {
		return nil, fmt.Errorf("ingesteval: real files %q: %w", pattern, err)
	}
	if len(files) == 0 {
		err = fmt.Errorf("no file matches %s", pattern)
	}
	if _, serr := os.Stat(cfg.Dir); serr != nil || err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrNoCorpus, cfg.Dir, errors.Join(serr, err))
	}
	slices.Sort(files)
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	out := make([]RealScore, len(files))
	err = forEach(ctx, len(files), workers, func(i int) { out[i] = scoreReal(ctx, cfg, files[i]) }, func(done int) {
		if cfg.Progress != nil {
			cfg.Progress("real PDFs", done, len(files))
		}
	})
	if err != nil {
		return nil, err
	}
	printReal(cfg.Out, out, cfg.Pages != nil)
	return out, nil
}

// scoreReal runs one real file.
func scoreReal(ctx context.Context, cfg RealConfig, path string) RealScore {
	s := RealScore{File: filepath.Base(path), Extractors: map[page.Extractor]int{}}
	var ref string
	base := strings.TrimSuffix(s.File, ".pdf")
	for _, kind := range []string{RefGBK, RefPoppler} {
		if b, err := os.ReadFile(filepath.Join(cfg.Dir, "reference_text", base+kind)); err == nil {
			ref, s.Reference = string(b), kind
			break
		}
	}
	res := runFile(ctx, cfg.Pipeline, path, &s.Outcome, &s.Reasons, &s.Elapsed)
	s.Pages, s.Documents = len(res.Pages), len(res.Documents)
	for _, p := range res.Pages {
		s.Extractors[p.Extractor]++
	}
	if s.Reference == "" {
		return s
	}
	var docs []string
	for _, d := range res.Documents {
		// The title is a field of its own: the pipeline does not repeat
		// it in the text, and the reference prints it once.
		docs = append(docs, titledText(d))
	}
	if s.Outcome != OutcomeFailed {
		s.DocText = CompareText(joinNonEmpty(docs...), ref)
	}
	if cfg.Pages != nil {
		pages, perr := cfg.Pages(ctx, path)
		if perr == nil {
			var texts []string
			for _, p := range pages {
				texts = append(texts, p.PlainText())
			}
			s.PageText = CompareText(joinNonEmpty(texts...), ref)
		}
	}
	return s
}

func hasText(res *report.Result) bool {
	for _, d := range res.Documents {
		if strings.TrimSpace(d.Text) != "" {
			return true
		}
	}
	return false
}

func printReal(w io.Writer, scores []RealScore, pages bool) {
	fmt.Fprintln(w, "Real PDFs (../shared/corpus/pdf): every file through the pipeline")
	fmt.Fprintln(w, "  reference: *"+RefGBK+" where it exists (poppler's output re-decoded as GBK: approximate),")
	fmt.Fprintln(w, "  else *"+RefPoppler+" (poppler's pdftotext -layout: a reference, NOT gold; it keeps running heads")
	fmt.Fprintln(w, "  and its own reading order, so lower figures may be poppler's error or a layout difference).")
	fmt.Fprintln(w, "  Compared NFKC-folded, without whitespace or leader runs; a U+FFFD in a reference (undecodable) matches anything.")
	fmt.Fprintln(w, "  docs acc: the documents' text, each with its title in front where the text leaves it to the title field (running heads removed,\n    unlike the reference); pages acc: the extraction stage's pages.")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := "file\toutcome\tpages\tdocs\textractors\treference\tdocs acc\t"
	if pages {
		head += "pages acc\t"
	}
	fmt.Fprintln(tw, head+"time\t")
	var doc, pg Chars
	counts := map[string]int{}
	for _, s := range scores {
		counts[s.Outcome]++
		ref := strings.TrimSuffix(strings.TrimPrefix(s.Reference, "."), ".txt")
		if ref == "" {
			ref = "none"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\t%s\t", s.File, s.Outcome, s.Pages, s.Documents, fmtExtractors(s.Extractors), ref, fmtAcc(s.DocText))
		if pages {
			fmt.Fprintf(tw, "%s\t", fmtAcc(s.PageText))
		}
		fmt.Fprintf(tw, "%.1fs\t\n", s.Elapsed.Seconds())
		doc, pg = doc.Add(s.DocText), pg.Add(s.PageText)
	}
	fmt.Fprintf(tw, "all\t\t\t\t\t\t%s\t", fmtAcc(doc))
	if pages {
		fmt.Fprintf(tw, "%s\t", fmtAcc(pg))
	}
	fmt.Fprintln(tw, "\t")
	tw.Flush()
	var parts []string
	for _, o := range []string{OutcomeText, OutcomeNeedsReview, OutcomeFailed, OutcomeSilent} {
		if counts[o] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", o, counts[o]))
		}
	}
	fmt.Fprintf(w, "  outcomes: %s of %d files\n", strings.Join(parts, ", "), len(scores))
	for _, s := range scores {
		if len(s.Reasons) > 0 {
			fmt.Fprintf(w, "  %s: %s: %s\n", s.File, s.Outcome, shorten(strings.Join(s.Reasons, "; "), 300))
		}
	}
	if counts[OutcomeSilent] > 0 {
		fmt.Fprintf(w, "  WRONG: %d files gave no text and no reason\n", counts[OutcomeSilent])
	}
	fmt.Fprintln(w)
}

// fmtExtractors prints page counts by extractor: text 5, ocr 1.
func fmtExtractors(m map[page.Extractor]int) string {
	var parts []string
	for _, e := range []page.Extractor{page.Text, page.Poppler, page.OCR, page.None} {
		if m[e] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", e, m[e]))
		}
	}
	for e, n := range m {
		if !slices.Contains([]page.Extractor{page.Text, page.Poppler, page.OCR, page.None}, e) {
			parts = append(parts, fmt.Sprintf("%s %d", cmp.Or(string(e), "(unnamed)"), n))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

// fmtAcc prints an accuracy as a percentage, "≤" when some text was too
// far off to measure exactly, "-" when nothing was measured.
func fmtAcc(c Chars) string {
	if c.Texts == 0 || c.Ref == 0 {
		return "-"
	}
	le := ""
	if c.Capped > 0 {
		le = "≤"
	}
	return fmt.Sprintf("%s%.2f%%", le, 100*c.Accuracy())
}

// shorten cuts s to n runes.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// TruthFile names the fields of each real document, read by eye, in a
// folder of real documents (../shared/corpus/pdf/real-docs/truth.json).
const TruthFile = "truth.json"

// DocTruth is what a person read on the pages of one real document. A nil
// field was not checked and is not scored; an empty one ("" or []) was
// checked and the document prints none, so the pipeline must give none.
type DocTruth struct {
	DocNumber   *string   `json:"doc_number"`
	Title       *string   `json:"title"`
	Authorities *[]string `json:"authorities"`
	Signed      *string   `json:"signed_date"`
}

// The fields scored on real documents, in the order printed.
var realDocFields = []string{"doc_number", "title", "authorities", "signed_date"}

// FieldScore is one field of one real document: right, wrong, or not
// scored (Checked false: the truth does not say).
type FieldScore struct {
	Checked, Right bool
	Got, Want      string
}

// DocScore is how the pipeline did on one real document against its truth.
type DocScore struct {
	File      string
	Outcome   string
	Reasons   []string
	Pages     int
	Documents int
	// Fields by name (realDocFields), scored on the document the file yields
	// (the first one, when the pipeline splits a single original).
	Fields map[string]FieldScore
	// Recall counts, for a file read wholly from its text layer, the
	// characters poppler's pdftotext reads from it (letters and digits,
	// NFKC-folded, as a multiset: Ref) that the documents hold too (Found).
	// Ref is 0 for a scan, or without pdftotext.
	Recall  Recall
	Elapsed time.Duration
}

// Recall is a text's recall of a reference's characters.
type Recall struct{ Found, Ref int }

// Share is Found / Ref.
func (r Recall) Share() float64 { return ratio(r.Found, r.Ref) }

// TargetRecall is the share of pdftotext's characters a real text PDF's
// documents must hold: page numbers and running heads, which pdftotext
// keeps and the pipeline removes, are about half a percent.
const TargetRecall = 0.99

// textRecall measures res's recall of what pdftotext reads from path, when
// every page of res came from the text layer.
func textRecall(ctx context.Context, path string, res *report.Result) Recall {
	if len(res.Pages) == 0 || slices.ContainsFunc(res.Pages, func(p report.PageReport) bool { return p.Extractor != page.Text }) {
		return Recall{}
	}
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		return Recall{}
	}
	ref, err := exec.CommandContext(ctx, tool, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		return Recall{}
	}
	have := map[rune]int{}
	for _, d := range res.Documents {
		for _, r := range Fold(d.Title + d.Text) {
			have[r]++
		}
	}
	var rc Recall
	for _, r := range Fold(string(ref)) {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			continue
		}
		rc.Ref++
		if have[r] > 0 {
			have[r]--
			rc.Found++
		}
	}
	return rc
}

// RunRealDocs runs every PDF of cfg.Dir that its truth.json names through
// the pipeline, scores 文号, title, authorities and signed date against the
// truth, and prints each file and the overall accuracy per field. It
// returns ErrNoCorpus (wrapped) when the folder or its truth is absent.
func RunRealDocs(ctx context.Context, cfg RealConfig) ([]DocScore, error) {
	b, err := os.ReadFile(filepath.Join(cfg.Dir, TruthFile))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoCorpus, err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("ingesteval: %s: %w", filepath.Join(cfg.Dir, TruthFile), err)
	}
	pattern := cmp.Or(cfg.Pattern, "*.pdf")
	truths := map[string]DocTruth{}
	var names []string
	for name, msg := range raw {
		if strings.HasPrefix(name, "_") {
			continue
		}
		if ok, _ := filepath.Match(pattern, name+".pdf"); !ok {
			continue
		}
		var t DocTruth
		if err := json.Unmarshal(msg, &t); err != nil {
			return nil, fmt.Errorf("ingesteval: %s: %s: %w", TruthFile, name, err)
		}
		if _, err := os.Stat(filepath.Join(cfg.Dir, name+".pdf")); err != nil {
			continue
		}
		truths[name] = t
		names = append(names, name)
	}
	slices.Sort(names)
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	out := make([]DocScore, len(names))
	err = forEach(ctx, len(names), workers, func(i int) {
		out[i] = scoreRealDoc(ctx, cfg, names[i], truths[names[i]])
	}, func(done int) {
		if cfg.Progress != nil {
			cfg.Progress("real documents", done, len(names))
		}
	})
	if err != nil {
		return nil, err
	}
	printRealDocs(cfg.Out, cfg.Dir, out)
	return out, nil
}

func scoreRealDoc(ctx context.Context, cfg RealConfig, name string, t DocTruth) DocScore {
	s := DocScore{File: name + ".pdf", Fields: map[string]FieldScore{}}
	res := runFile(ctx, cfg.Pipeline, filepath.Join(cfg.Dir, name+".pdf"), &s.Outcome, &s.Reasons, &s.Elapsed)
	s.Pages, s.Documents = len(res.Pages), len(res.Documents)
	s.Recall = textRecall(ctx, filepath.Join(cfg.Dir, name+".pdf"), res)
	var d report.Document
	if len(res.Documents) > 0 {
		d = res.Documents[0]
	}
	if t.DocNumber != nil {
		s.Fields["doc_number"] = scoreField(d.DocNumber, *t.DocNumber, sameDocNumber)
	}
	if t.Title != nil {
		s.Fields["title"] = scoreField(d.Title, *t.Title, func(a, b string) bool { return fieldFold(a) == fieldFold(b) })
	}
	if t.Authorities != nil {
		s.Fields["authorities"] = scoreField(strings.Join(d.Authorities, "、"), strings.Join(*t.Authorities, "、"), func(string, string) bool {
			return sameNames(d.Authorities, *t.Authorities)
		})
	}
	if t.Signed != nil {
		got := ""
		if !d.Signed.IsZero() {
			got = d.Signed.String()
		}
		s.Fields["signed_date"] = scoreField(got, *t.Signed, func(a, b string) bool { return a == b })
	}
	return s
}

func scoreField(got, want string, same func(a, b string) bool) FieldScore {
	return FieldScore{Checked: true, Right: same(got, want), Got: got, Want: want}
}

// fieldFold folds a title or a name for comparison: NFKC, without spaces
// and punctuation.
func fieldFold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKC.String(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// sameDocNumber compares two 文号 in gazette's canonical form where both
// read, else folded.
func sameDocNumber(a, b string) bool {
	if a == "" || b == "" {
		return a == b
	}
	na, errA := gazette.ParseDocNumber(a)
	nb, errB := gazette.ParseDocNumber(b)
	if errA == nil && errB == nil {
		return na.String() == nb.String()
	}
	return fieldFold(a) == fieldFold(b)
}

// sameNames compares two lists of authorities as sets, folded.
func sameNames(a, b []string) bool {
	set := func(xs []string) []string {
		var out []string
		for _, x := range xs {
			out = append(out, fieldFold(x))
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return slices.Equal(set(a), set(b))
}

func printRealDocs(w io.Writer, dir string, scores []DocScore) {
	fmt.Fprintf(w, "Real documents (%s): fields against %s, read by eye\n", dir, TruthFile)
	fmt.Fprintln(w, "  ok = right, WRONG = wrong, - = not checked in the truth. Titles and names compared NFKC-folded without spaces or punctuation; authorities as a set; 文号 in canonical form.")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "file\toutcome\tpages\tdocs\ttext recall\t文号\ttitle\tauthorities\tsigned date\ttime\t")
	right, checked := map[string]int{}, map[string]int{}
	var recall Recall
	for _, s := range scores {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t", s.File, s.Outcome, s.Pages, s.Documents)
		if s.Recall.Ref > 0 {
			fmt.Fprintf(tw, "%.2f%%\t", 100*s.Recall.Share())
			recall.Found += s.Recall.Found
			recall.Ref += s.Recall.Ref
		} else {
			fmt.Fprint(tw, "-\t")
		}
		for _, f := range realDocFields {
			fs := s.Fields[f]
			mark := "-"
			if fs.Checked {
				checked[f]++
				mark = "WRONG"
				if fs.Right {
					right[f]++
					mark = "ok"
				}
			}
			fmt.Fprintf(tw, "%s\t", mark)
		}
		fmt.Fprintf(tw, "%.1fs\t\n", s.Elapsed.Seconds())
	}
	fmt.Fprintf(tw, "all\t\t\t\t%.2f%%\t", 100*recall.Share())
	for _, f := range realDocFields {
		if checked[f] == 0 {
			fmt.Fprint(tw, "-\t")
			continue
		}
		fmt.Fprintf(tw, "%.2f%% (%d/%d)\t", 100*float64(right[f])/float64(checked[f]), right[f], checked[f])
	}
	fmt.Fprintln(tw, "\t")
	tw.Flush()
	for _, f := range realDocFields {
		if checked[f] > 0 {
			fmt.Fprintf(w, "  field %-12s %6.2f%%  %d of %d files right\n", f, 100*float64(right[f])/float64(checked[f]), right[f], checked[f])
		}
	}
	if recall.Ref > 0 {
		fmt.Fprintf(w, "  text recall: %.2f%% of the letters and digits pdftotext reads from the files read from their text layer (a multiset; target ≥ %.0f%%): %s\n",
			100*recall.Share(), 100*TargetRecall, verdict(recall.Share() >= TargetRecall))
	}
	for _, s := range scores {
		for _, f := range realDocFields {
			if fs := s.Fields[f]; fs.Checked && !fs.Right {
				fmt.Fprintf(w, "  %s: %s: got %q, want %q\n", s.File, f, shorten(fs.Got, 80), shorten(fs.Want, 80))
			}
		}
	}
	for _, s := range scores {
		if len(s.Reasons) > 0 {
			fmt.Fprintf(w, "  %s: %s: %s\n", s.File, s.Outcome, shorten(strings.Join(s.Reasons, "; "), 300))
		}
	}
	fmt.Fprintln(w)
}

// runFile runs the pipeline on one file and says how it went: the outcome,
// the reasons for review or the error, and the time taken. A failed run
// gives an empty result, never nil.
func runFile(ctx context.Context, pipeline func(context.Context, string) (*report.Result, error), path string, outcome *string, reasons *[]string, elapsed *time.Duration) *report.Result {
	start := time.Now()
	res, err := pipeline(ctx, path)
	*elapsed = time.Since(start)
	if err == nil && res == nil {
		err = errors.New("the pipeline returned no result")
	}
	switch {
	case err != nil:
		*outcome, *reasons = OutcomeFailed, []string{err.Error()}
		return &report.Result{}
	case len(res.Review) > 0:
		*outcome, *reasons = OutcomeNeedsReview, res.Review
	case !hasText(res):
		*outcome = OutcomeSilent
	default:
		*outcome = OutcomeText
	}
	return res
}
