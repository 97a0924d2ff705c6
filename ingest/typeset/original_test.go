package typeset

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/gazette"
)

func TestOriginalDeterministic(t *testing.T) {
	for _, enc := range []Encoding{IdentityH, GBKEUC} {
		t.Run(string(enc), func(t *testing.T) {
			a := generate(t, Options{Seed: 7, Form: FormOriginal, Encoding: enc})
			b := generate(t, Options{Seed: 7, Form: FormOriginal, Encoding: enc})
			if !bytes.Equal(a.PDF, b.PDF) {
				t.Fatal("same seed gave different bytes")
			}
			c := generate(t, Options{Seed: 8, Form: FormOriginal, Encoding: enc})
			if bytes.Equal(a.PDF, c.PDF) {
				t.Fatal("different seeds gave the same bytes")
			}
		})
	}
	a := generate(t, Options{Seed: 7, Form: FormOriginal, Encoding: IdentityH})
	b := generate(t, Options{Seed: 7, Form: FormOriginal, Encoding: WinAnsiGBK})
	ja, _ := json.Marshal(a.Truth.Pages)
	jb, _ := json.Marshal(b.Truth.Pages)
	if !bytes.Equal(ja, jb) {
		t.Fatal("page truth differs between encodings of one seed")
	}
}

// TestOriginalTruth checks the truth of many originals against itself and
// against what their pages print, and that every form and feature of the
// generator turns up.
func TestOriginalTruth(t *testing.T) {
	seen := map[string]int{}
	for seed := uint64(1); seed <= 60; seed++ {
		r := generate(t, Options{Seed: seed, Form: FormOriginal, Encoding: GBKEUC})
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) { checkOriginal(t, r.Truth, seen) })
	}
	for _, f := range []string{"decree", "report", "file", "joint", "seal", "registration", "attachment", "two attachments",
		"annex", "cc", "chinese date", "arabic date", "note", "mark", "three pages"} {
		if seen[f] == 0 {
			t.Errorf("no original with %s in 60 seeds", f)
		}
	}
	t.Logf("features over 60 seeds: %v", seen)
}

func checkOriginal(t *testing.T, tr Truth, seen map[string]int) {
	t.Helper()
	if tr.Form != FormOriginal || len(tr.Documents) != 1 || tr.Year != 0 || len(tr.Contents) != 0 {
		t.Fatalf("form %q, %d documents, year %d, %d contents: want one original without issue fields", tr.Form, len(tr.Documents), tr.Year, len(tr.Contents))
	}
	d := tr.Documents[0]
	see := func(f string, ok bool) {
		if ok {
			seen[f]++
		}
	}
	see("decree", d.Kind == gazette.KindRule)
	see("report", len(d.Signers) > 0)
	see("file", d.Kind != gazette.KindRule && len(d.Signers) == 0)
	see("joint", len(d.Authorities) > 1)
	see("seal", len(d.Seals) > 0)
	see("registration", d.Registration != "")
	see("attachment", len(d.Attachments) > 0)
	see("two attachments", len(d.Attachments) > 1)
	see("cc", len(d.CC) > 0)
	see("note", d.Note != "")
	see("mark", d.CopyNumber != "" || d.Urgency != "" || d.Secrecy != "")
	see("three pages", len(tr.Pages) >= 3)
	for _, p := range tr.Pages[1:] {
		see("annex", d.Kind != gazette.KindRule && p.Kind == "body" && p.Lines[0].Role == RoleTitle)
	}
	see("chinese date", slices.Contains(d.Paragraphs, d.Signed.Chinese()))
	see("arabic date", slices.Contains(d.Paragraphs, arabicDate(d.Signed)))

	if d.Title == "" || d.DocNumber == "" || !d.Kind.Valid() || len(d.Authorities) == 0 || d.Signed.IsZero() || len(d.Masthead) == 0 {
		t.Errorf("fields: title %q 文号 %q kind %q authorities %v signed %v masthead %v", d.Title, d.DocNumber, d.Kind, d.Authorities, d.Signed, d.Masthead)
	}
	if c, err := gazette.NormalizeDocNumber(d.DocNumberPrinted); err != nil || c != d.DocNumber {
		t.Errorf("文号 %q canonical %q, got %q, %v", d.DocNumberPrinted, d.DocNumber, c, err)
	}
	if d.Kind == gazette.KindRule {
		if d.Signatory == "" || len(d.Recipients) != 0 || !strings.HasSuffix(d.Masthead[0], "人民政府令") {
			t.Errorf("decree: signatory %q recipients %v masthead %v", d.Signatory, d.Recipients, d.Masthead)
		}
	} else if len(d.Recipients) == 0 || !slices.Contains(d.Paragraphs, strings.Join(d.Recipients, "，")+"：") {
		t.Errorf("recipients %v not printed as the addressee", d.Recipients)
	}
	if !d.PrintedOn.IsZero() && d.PrintedOn.Compare(d.Signed) < 0 || d.PrintedBy == "" {
		t.Errorf("印发 by %q on %v, signed %v", d.PrintedBy, d.PrintedOn, d.Signed)
	}
	if len(d.CC) > 0 && !slices.Contains(d.Paragraphs, "抄送："+strings.Join(d.CC, "，")+"。") {
		t.Errorf("cc %v not printed", d.CC)
	}
	if d.Note != "" && !slices.Contains(d.Paragraphs, d.Note) {
		t.Errorf("note %q not printed", d.Note)
	}
	if d.Registration != "" && !slices.Contains(d.Heading, d.Registration) {
		t.Errorf("registration %q not in the heading %v", d.Registration, d.Heading)
	}
	for _, s := range d.Signers {
		if !strings.Contains(strings.Join(d.Heading, "\n"), s) {
			t.Errorf("签发人 %q not in the heading", s)
		}
	}
	if d.FilePages != (gazette.PageRange{First: 1, Last: len(tr.Pages)}) {
		t.Errorf("pages %v of %d", d.FilePages, len(tr.Pages))
	}
	if len(d.AttachmentPages) != len(d.Attachments) {
		t.Errorf("%d attachments, %d attachment pages", len(d.Attachments), len(d.AttachmentPages))
	}
	for i, a := range d.Attachments {
		p := tr.Pages[d.AttachmentPages[i]-1]
		if p.Kind != "attachment" || !strings.HasPrefix(p.Lines[0].Text, "附件") || !strings.Contains(strings.ReplaceAll(p.Text, "\n", ""), a) {
			t.Errorf("attachment %d %q: page %d (%s) starts %q", i+1, a, p.Index, p.Kind, p.Lines[0].Text)
		}
		if !strings.Contains(strings.Join(d.Paragraphs, ""), a) {
			t.Errorf("attachment %q not in the 附件说明", a)
		}
	}
	// The pages spell the heading, then the paragraphs, line by line; page
	// numbers aside. The 印发 line's two parts are one paragraph.
	var lines []string
	seals := 0
	for _, p := range tr.Pages {
		seals += len(p.Seals)
		if p.Printed != strconv.Itoa(p.Index) {
			t.Errorf("page %d printed %q", p.Index, p.Printed)
		}
		for _, l := range p.Lines {
			if l.X < 0 || l.X+l.W > p.Width+0.01 || l.Y < 0 || l.Y > p.Height {
				t.Errorf("page %d: line %q outside the page (x %v w %v y %v)", p.Index, l.Text, l.X, l.W, l.Y)
			}
			if l.Role == RolePageNumber {
				continue
			}
			if l.Doc != 0 {
				t.Errorf("page %d: line %q of document %d", p.Index, l.Text, l.Doc)
			}
			lines = append(lines, l.Text)
		}
	}
	if seals != len(d.Seals) {
		t.Errorf("%d seals drawn, truth names %d", seals, len(d.Seals))
	}
	if len(lines) < len(d.Heading) || !slices.Equal(lines[:len(d.Heading)], d.Heading) {
		t.Fatalf("heading %q, pages start %q", d.Heading, lines[:min(len(lines), len(d.Heading))])
	}
	got := strings.Join(lines[len(d.Heading):], "")
	want := strings.ReplaceAll(strings.Join(d.Paragraphs, ""), "　　"+arabicDate(d.PrintedOn)+"印发", arabicDate(d.PrintedOn)+"印发")
	if got != want {
		t.Errorf("page lines do not spell the paragraphs\n got %q\nwant %q", got, want)
	}
	if !strings.Contains(strings.Join(d.Heading, ""), d.Title) && d.Kind != gazette.KindRule {
		t.Errorf("title %q not in the heading %q", d.Title, d.Heading)
	}
	if d.Kind == gazette.KindRule && !slices.Contains(d.Paragraphs, d.Title) {
		t.Errorf("decree: the rule's title %q not printed", d.Title)
	}
}

// TestOriginalPdftotext: poppler reads the text originals as their truth
// says; seals and signatures are drawings, not text. (Its raw reading
// order puts the right half of a line of two, 签发人 or 印发日期, after the
// page number: hence less than the issues' 99.5%.)
func TestOriginalPdftotext(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	for _, enc := range []Encoding{IdentityH, GBKEUC} {
		for _, seed := range []uint64{3, 35} {
			r := generate(t, Options{Seed: seed, Form: FormOriginal, Encoding: enc})
			if acc := pdftotextAccuracy(t, r); acc < 0.98 {
				t.Errorf("%s seed %d: accuracy %.4f < 0.98", enc, seed, acc)
			}
		}
	}
}

// TestOriginalEmbedsFonts: an original set in the Word manner embeds its
// Latin face as well as its CJK one, as real originals do. A face left to
// the renderer came out with a dotted 0 that OCR read as 6 or 9 in the
// scans rendered from it.
func TestOriginalEmbedsFonts(t *testing.T) {
	for _, tool := range []string{"pdffonts", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s (poppler-utils) not installed", tool)
		}
	}
	latin := testLatinFont(t)
	checked := 0
	for seed := uint64(1); seed <= 40 && checked < 3; seed++ {
		r := generate(t, Options{Seed: seed, Form: FormOriginal})
		if !bytes.Contains(r.PDF, []byte("/F2 ")) {
			continue
		}
		checked++
		path := filepath.Join(t.TempDir(), "original.pdf")
		if err := os.WriteFile(path, r.PDF, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pdffonts", path).CombinedOutput()
		if err != nil {
			t.Fatalf("pdffonts: %v\n%s", err, out)
		}
		// name, type (one or two words), encoding, emb, sub, uni, object, gen.
		fonts := strings.Split(strings.TrimSpace(string(out)), "\n")[2:]
		sawLatin := false
		for _, l := range fonts {
			f := strings.Fields(l)
			if len(f) < 8 || f[len(f)-5] != "yes" {
				t.Errorf("seed %d: font not embedded: %s", seed, l)
			}
			if strings.HasSuffix(f[0], "+"+latin.Name) && f[1] == "TrueType" && f[2] == "WinAnsi" {
				sawLatin = true
			}
		}
		if !sawLatin {
			t.Errorf("seed %d: no WinAnsi TrueType %s subset:\n%s", seed, latin.Name, out)
		}
		// The embedded subset is whole enough for poppler to draw from.
		var stderr bytes.Buffer
		cmd := exec.Command("pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-png", path, filepath.Join(t.TempDir(), "page"))
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil || stderr.Len() > 0 {
			t.Errorf("seed %d: pdftoppm: %v\n%s", seed, err, stderr.String())
		}
	}
	if checked == 0 {
		t.Fatal("no original in 40 seeds set in the Word manner")
	}
}

// TestOriginalScan writes small scans in the styles that change how a page
// is stored and checks what poppler makes of them.
func TestOriginalScan(t *testing.T) {
	if _, err := exec.LookPath("pdfimages"); err != nil {
		t.Skip("pdfimages (poppler-utils) not installed")
	}
	tests := []struct {
		name  string
		style ScanStyle
		want  []string // in pdfimages -list
	}{
		{"1-bit turned", ScanStyle{Mode: ScanBilevel, Rotate: 90, Speckle: true}, []string{"ccitt"}},
		{"mixed", ScanStyle{Mode: ScanMixed, Rotate: 270, BleedThrough: true, Skew: 0.5}, []string{"rgb", "ccitt"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := generate(t, Options{Seed: 8, Form: FormOriginal, Encoding: Scan, ScanDPI: 50, Scan: tc.style})
			if bytes.Contains(r.PDF, []byte("/Font")) || !bytes.Contains(r.PDF, []byte("/Rotate "+strconv.Itoa(tc.style.Rotate))) {
				t.Fatal("want image-only pages with /Rotate")
			}
			if r.Truth.Scan == nil || *r.Truth.Scan != tc.style || r.Truth.Pages[0].Rotate != tc.style.Rotate {
				t.Errorf("truth scan %+v, page rotate %d", r.Truth.Scan, r.Truth.Pages[0].Rotate)
			}
			path := filepath.Join(t.TempDir(), "scan.pdf")
			if err := os.WriteFile(path, r.PDF, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command("pdfimages", "-list", path).CombinedOutput()
			if err != nil {
				t.Fatalf("pdfimages: %v\n%s", err, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(out), " "+w+" ") {
					t.Errorf("no %s image:\n%s", w, out)
				}
			}
			// Landscape images on a landscape MediaBox, shown upright.
			info, err := exec.Command("pdfinfo", path).CombinedOutput()
			if err != nil || !strings.Contains(string(info), "841.89 x 595.28") || !regexp.MustCompile(`Page rot: +`+strconv.Itoa(tc.style.Rotate)).Match(info) {
				t.Errorf("pdfinfo: %v\n%s", err, info)
			}
		})
	}
}

// TestOriginalSamples writes sample originals and their truths to
// $TYPESET_OUT for a person to look at (seeds 1 to $TYPESET_SEEDS, 8 by
// default); with $TYPESET_SCANS also the first in every scan style. It
// does nothing without the variable.
func TestOriginalSamples(t *testing.T) {
	dir := os.Getenv("TYPESET_OUT")
	if dir == "" {
		t.Skip("set TYPESET_OUT=dir to write sample originals")
	}
	n, _ := strconv.Atoi(os.Getenv("TYPESET_SEEDS"))
	if n == 0 {
		n = 8
	}
	write := func(name string, r *Result) {
		base := filepath.Join(dir, name)
		if err := os.WriteFile(base+".pdf", r.PDF, 0o644); err != nil {
			t.Fatal(err)
		}
		j, _ := json.MarshalIndent(r.Truth, "", "  ")
		if err := os.WriteFile(base+".json", j, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for seed := uint64(1); seed <= uint64(n); seed++ {
		write("original-"+strconv.FormatUint(seed, 10), generate(t, Options{Seed: seed, Form: FormOriginal}))
	}
	if os.Getenv("TYPESET_SCANS") == "" {
		return
	}
	for name, st := range map[string]ScanStyle{
		"grey": {}, "colour": {Mode: ScanColour, Speckle: true}, "1bit": {Mode: ScanBilevel, Speckle: true},
		"rot90": {Rotate: 90, BleedThrough: true}, "rot270-mixed": {Mode: ScanMixed, Rotate: 270},
	} {
		write("original-1-scan-"+name, generate(t, Options{Seed: 1, Form: FormOriginal, Encoding: Scan, Scan: st}))
	}
}
