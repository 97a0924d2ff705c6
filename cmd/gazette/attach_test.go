package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// realDocs is the shared corpus's folder of real agency originals.
var realDocs = filepath.Join("..", "..", "..", "shared", "corpus", "pdf", "real-docs")

func realDoc(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(realDocs, name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("real originals absent: %v", err)
	}
	return p
}

// TestExtractOriginal reads an agency's original (no gazette cover): one
// document with its fields, the issue's fields null with the reason, and
// nothing to review.
func TestExtractOriginal(t *testing.T) {
	path := realDoc(t, "huizhou-2015-huifu-158-44p.pdf")
	code, stdout, stderr := runCmd(t, nil, "", "extract", "--no-ocr", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out struct {
		Issue struct {
			Year   *int    `json:"year"`
			Number *int    `json:"number"`
			Date   *string `json:"date"`
			Reason string  `json:"reason"`
		} `json:"issue"`
		Documents []struct {
			Title        string   `json:"title"`
			DocNumber    *string  `json:"doc_number"`
			Authorities  []string `json:"authorities"`
			Signed       *string  `json:"signed_date"`
			Registration *string  `json:"registration_number"`
			PrintedBy    *string  `json:"printed_by"`
			PrintDate    *string  `json:"print_date"`
			CC           []string `json:"cc"`
			Text         string   `json:"text"`
		} `json:"documents"`
		Review []string `json:"review"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if out.Issue.Year != nil || out.Issue.Number != nil || out.Issue.Date != nil || out.Issue.Reason == "" {
		t.Errorf("issue = %+v, want null fields and a reason", out.Issue)
	}
	if len(out.Review) > 0 {
		t.Errorf("review = %q, want none", out.Review)
	}
	if len(out.Documents) != 1 {
		t.Fatalf("%d documents, want 1", len(out.Documents))
	}
	d := out.Documents[0]
	str := func(p *string) string {
		if p == nil {
			return "null"
		}
		return *p
	}
	got := strings.Join([]string{d.Title, str(d.DocNumber), strings.Join(d.Authorities, "|"), str(d.Signed), str(d.Registration), str(d.PrintedBy), str(d.PrintDate)}, " / ")
	want := "惠州市人民政府关于印发《惠州市社会基本医疗保险办法》的通知 / 惠府〔2015〕158号 / 惠州市人民政府 / 2015-11-05 / HFGS—2015—31 / 惠州市人民政府办公室 / 2015-11-05"
	if got != want {
		t.Errorf("fields:\n got %s\nwant %s", got, want)
	}
	if len(d.CC) == 0 || !strings.HasPrefix(d.Text, "HFGS—2015—31\n惠州市人民政府文件\n惠府〔2015〕158 号") {
		t.Errorf("cc %q; text starts %.60q: want the 版头 kept in the text", d.CC, d.Text)
	}
}

// TestIngestIntoIssue attaches two originals to an issue named on the
// command line, publishes it, skips it on a rerun, and refuses to rewrite
// it with other content; without --issue an original is not published and
// the reason says what to do.
func TestIngestIntoIssue(t *testing.T) {
	a, b := realDoc(t, "dongguan-2015-dongjiaoji-3.pdf"), realDoc(t, "dongguan-2014-decree-138.pdf")
	vars := map[string]string{"GAZETTE_DATA": t.TempDir(), "GAZETTE_NAME": "东莞市人民政府公报"}
	code, stdout, _ := runCmd(t, vars, "", "ingest", "--no-ocr", a)
	if code == 0 || !strings.Contains(stdout, "--issue") {
		t.Errorf("an original without --issue: exit %d, %s", code, stdout)
	}
	// It waits in the editors' review queue, as the same draft on a rerun.
	draft := regexp.MustCompile(`"draft":"([0-9a-f]{32})"`)
	m := draft.FindStringSubmatch(stdout)
	if _, again, _ := runCmd(t, vars, "", "ingest", "--no-ocr", a); m == nil || !strings.Contains(again, `"draft":"`+m[1]+`"`) {
		t.Errorf("not queued for review, or queued twice:\n%s\n%s", stdout, again)
	}
	code, stdout, stderr := runCmd(t, vars, "", "ingest", "--no-ocr", "--issue", "2015-6", a, b)
	if code != 0 || strings.Count(stdout, `"outcome":"ingested"`) != 2 {
		t.Fatalf("ingest --issue: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, _ = runCmd(t, vars, "", "ingest", "--no-ocr", "--issue", "2015-6", a, b)
	if code != 0 || strings.Count(stdout, `"outcome":"skipped"`) != 2 {
		t.Errorf("rerun: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = runCmd(t, vars, "", "ingest", "--no-ocr", "--issue", "2015-6", b)
	if code == 0 || !strings.Contains(stdout, "never rewritten") {
		t.Errorf("other content for a published issue: exit %d\n%s", code, stdout)
	}
}
