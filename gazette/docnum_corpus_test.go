package gazette

import (
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// docNumberTarget is the share of real 文号 strings ParseDocNumber must accept.
const docNumberTarget = 0.99

// corpusDocnumDir finds the docnum folder of the shared corpus. If
// $GAZETTE_CORPUS is set, it names the corpus root (or the docnum folder
// itself) and must hold the corpus; otherwise the corpus is looked for at
// ../../shared/corpus from this package (module in /work/main, corpus in
// /work/shared/corpus), and the test skips if it is absent.
func corpusDocnumDir(t *testing.T) string {
	t.Helper()
	hasCSV := func(dir string) bool {
		st, err := os.Stat(filepath.Join(dir, "csv"))
		return err == nil && st.IsDir()
	}
	if env := os.Getenv("GAZETTE_CORPUS"); env != "" {
		for _, dir := range []string{filepath.Join(env, "docnum"), env} {
			if hasCSV(dir) {
				return dir
			}
		}
		t.Fatalf("GAZETTE_CORPUS=%s holds no docnum/csv folder", env)
	}
	dir := filepath.Join("..", "..", "shared", "corpus", "docnum")
	if !hasCSV(dir) {
		t.Skipf("docnum corpus not found at %s: set GAZETTE_CORPUS to the corpus root to run this evaluation", dir)
	}
	return dir
}

// corpusRow is one scraped row: the jurisdiction (from the file name) and
// its raw 文号 string, "" when the row has none.
type corpusRow struct {
	jurisdiction, raw string
}

// readDocNumberCorpus reads the last column (the raw 文号) of every
// csv/Document_number_datasets__*.csv.gz file.
func readDocNumberCorpus(t *testing.T, dir string) []corpusRow {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "csv", "Document_number_datasets__*.csv.gz"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Document_number_datasets__*.csv.gz in %s (err %v)", dir, err)
	}
	var rows []corpusRow
	for _, name := range files {
		jur := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(name), "Document_number_datasets__"), ".csv.gz")
		jur = strings.TrimSuffix(jur, "_sql")
		recs := readGzipCSV(t, name)
		if len(recs) == 0 {
			t.Fatalf("%s: empty", name)
		}
		width := len(recs[0]) // the header; rows without a 文号 are one field short
		for _, rec := range recs[1:] {
			raw := ""
			if len(rec) >= width {
				raw = rec[width-1]
			}
			rows = append(rows, corpusRow{jur, raw})
		}
	}
	return rows
}

func readGzipCSV(t *testing.T, name string) [][]string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	r := csv.NewReader(gz)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return recs
}

// noNumberInRow reports whether a raw cell holds no number at all: empty,
// blank, or a bare 发文字号： label. The test decides this itself rather than
// asking the parser, so the parser cannot hide failures here.
func noNumberInRow(raw string) bool {
	s := strings.Map(func(r rune) rune {
		if isZeroWidth(r) || r == ' ' || r == '\u3000' || r == '\u00a0' {
			return -1
		}
		return r
	}, raw)
	for _, label := range []string{"发文字号", "文号"} {
		s = strings.TrimPrefix(s, label)
	}
	s = strings.TrimLeft(s, ":：")
	return s == ""
}

// failureReason extracts the reason from a ParseDocNumber error.
func failureReason(s string, err error) string {
	msg := strings.TrimSuffix(err.Error(), ": "+ErrInvalid.Error())
	if _, after, ok := strings.Cut(msg, fmt.Sprintf("%q: ", s)); ok {
		return after
	}
	return msg
}

// TestDocNumberCorpus parses every raw 文号 string scraped from 11
// government sites and prints the figures: how many parse, how many round
// trip, and every failure grouped by reason. It fails below the target share
// or on any round-trip mismatch.
func TestDocNumberCorpus(t *testing.T) {
	dir := corpusDocnumDir(t)
	rows := readDocNumberCorpus(t, dir)

	type tally struct{ rows, noField, noNumber, numbers, parsed int }
	total := tally{}
	byJur := map[string]*tally{}
	failures := map[string]map[string]int{} // reason -> raw -> count
	var roundTripFailures []string
	kinds := map[DocNumberKind]int{}
	for _, row := range rows {
		jt := byJur[row.jurisdiction]
		if jt == nil {
			jt = &tally{}
			byJur[row.jurisdiction] = jt
		}
		for _, tl := range []*tally{&total, jt} {
			tl.rows++
		}
		switch {
		case row.raw == "":
			total.noField++
			jt.noField++
			continue
		case noNumberInRow(row.raw):
			total.noNumber++
			jt.noNumber++
			continue
		}
		total.numbers++
		jt.numbers++
		n, err := ParseDocNumber(row.raw)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("ParseDocNumber(%q): error %v does not wrap ErrInvalid", row.raw, err)
			}
			reason := failureReason(row.raw, err)
			if failures[reason] == nil {
				failures[reason] = map[string]int{}
			}
			failures[reason][row.raw]++
			continue
		}
		total.parsed++
		jt.parsed++
		kinds[n.Kind]++
		canon := n.String()
		back, err := ParseDocNumber(canon)
		if err != nil || back != n || back.String() != canon {
			roundTripFailures = append(roundTripFailures, fmt.Sprintf("%q -> %q -> %+v, %v", row.raw, canon, back, err))
		}
	}

	share := func(a, b int) float64 {
		if b == 0 {
			return 0
		}
		return float64(a) / float64(b)
	}
	count := func(reason string) int {
		c := 0
		for _, k := range failures[reason] {
			c += k
		}
		return c
	}
	reasons := make([]string, 0, len(failures))
	for r := range failures {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(i, j int) bool {
		if ci, cj := count(reasons[i]), count(reasons[j]); ci != cj {
			return ci > cj
		}
		return reasons[i] < reasons[j]
	})
	// A refused string may still hold a number inside surrounding text
	// (的通知沪府发〔2009〕26号): FindDocNumbers, meant for running text, says.
	found := func(raw string) string {
		if ms := FindDocNumbers(raw); len(ms) == 1 {
			return ms[0].Number.String()
		}
		return ""
	}

	// Every failing string first, so that the figures end the output.
	recovered := 0
	t.Logf("every refused string, by reason (→ what FindDocNumbers finds inside it):")
	for _, r := range reasons {
		t.Logf("  %s:", r)
		raws := make([]string, 0, len(failures[r]))
		for raw := range failures[r] {
			raws = append(raws, raw)
		}
		sort.Strings(raws)
		for _, raw := range raws {
			k := failures[r][raw]
			if f := found(raw); f != "" {
				recovered += k
				t.Logf("    %3d × %q → %s", k, raw, f)
			} else {
				t.Logf("    %3d × %q", k, raw)
			}
		}
	}
	jurs := make([]string, 0, len(byJur))
	for j := range byJur {
		jurs = append(jurs, j)
	}
	sort.Strings(jurs)
	t.Logf("by jurisdiction:")
	for _, j := range jurs {
		jt := byJur[j]
		t.Logf("  %-32s rows %5d  no number %5d  parsed %5d / %5d = %6.2f%%",
			j, jt.rows, jt.noField+jt.noNumber, jt.parsed, jt.numbers, 100*share(jt.parsed, jt.numbers))
	}
	t.Logf("refusals by reason:")
	for _, r := range reasons {
		t.Logf("  %4d × %s", count(r), r)
	}
	t.Logf("corpus: %s", dir)
	t.Logf("rows: %d; no 文号 field: %d; no number in the row (blank or a bare 发文字号： label): %d",
		total.rows, total.noField, total.noNumber)
	t.Logf("non-empty strings: %d; holding a number: %d", total.noNumber+total.numbers, total.numbers)
	t.Logf("kinds parsed: regular %d, order %d, announcement %d",
		kinds[DocNumberRegular], kinds[DocNumberOrder], kinds[DocNumberAnnouncement])
	t.Logf("refused: %d strings for %d reasons; FindDocNumbers finds exactly one number inside %d of them",
		total.numbers-total.parsed, len(reasons), recovered)
	t.Logf("round trip (canonical form parses back to the same parts, and is a fixed point): %d / %d = %.4f%%",
		total.parsed-len(roundTripFailures), total.parsed, 100*share(total.parsed-len(roundTripFailures), total.parsed))
	t.Logf("PARSED: %d / %d = %.4f%% of strings holding a number (target %.0f%%)",
		total.parsed, total.numbers, 100*share(total.parsed, total.numbers), 100*docNumberTarget)

	for _, f := range roundTripFailures {
		t.Errorf("round trip: %s", f)
	}
	if got := share(total.parsed, total.numbers); got < docNumberTarget {
		t.Errorf("parse share %.4f%% is below the target %.0f%%", 100*got, 100*docNumberTarget)
	}
}
