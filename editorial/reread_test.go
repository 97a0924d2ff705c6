package editorial

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/page"
	"github.com/gazette-archive/gazette/ingest/report"
)

// A scanned issue of three pages: page 1 the start of document 1, page 2
// its end and the start of document 2 (title, then a paragraph running on
// to page 3), page 3 the rest of document 2.
const rereadTitle2 = "福建省人民政府关于某某同志任职的通知"

func rereadResult() *report.Result {
	pr := func(first, last int) gazette.PageRange { return gazette.PageRange{First: first, Last: last} }
	return &report.Result{
		Issue: report.IssueMeta{Gazette: "福建省人民政府公报", Year: 1987, Number: 3, Date: gazette.Date{Year: 1987, Month: 2, Day: 10}},
		Documents: []report.Document{
			{Title: "福建省人民政府关于印发某某办法的通知", Kind: gazette.KindNormative, PageStart: 1, PageEnd: 2,
				Text: "甲一（旧）\n甲二（旧）\n甲三（旧）", ParagraphPages: []gazette.PageRange{pr(1, 1), pr(1, 1), pr(2, 2)}},
			{Title: rereadTitle2, Kind: gazette.KindAppointment, PageStart: 2, PageEnd: 3,
				Text: "乙一（旧，跨页）\n乙二（旧）", ParagraphPages: []gazette.PageRange{pr(2, 3), pr(3, 3)}},
		},
		Pages: []report.PageReport{
			{Number: 1, Extractor: page.OCR, Confidence: 0.31, Note: "low confidence"},
			{Number: 2, Extractor: page.OCR, Confidence: 0.88},
			{Number: 3, Extractor: page.OCR, Confidence: 0.9},
		},
		Review: []string{"第1页：置信度低"},
	}
}

// fakeReader reads pages again from a table: settings → page → reading.
type fakeReader struct {
	calls atomic.Int32
	pages map[int]*report.PageRead
	fail  error
}

func (r *fakeReader) read(ctx context.Context, path string, n int, s report.OCRSettings) (*report.PageRead, error) {
	r.calls.Add(1)
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("fake reader got invalid settings: %w", err)
	}
	if raw, err := os.ReadFile(path); err != nil || !strings.HasPrefix(string(raw), "%PDF-") {
		return nil, fmt.Errorf("fake reader: not the stored PDF: %v", err)
	}
	if r.fail != nil {
		return nil, r.fail
	}
	p, ok := r.pages[n]
	if !ok {
		return nil, fmt.Errorf("fake reader: no page %d", n)
	}
	return p, nil
}

func rereadFixture(t *testing.T) (*fixture, *fakeReader, *Draft) {
	t.Helper()
	fr := &fakeReader{pages: map[int]*report.PageRead{}}
	f := newFixture(t, archivetest.NewMemBlobs(), func(c *Config) { c.Reread = fr.read })
	pdf := []byte("%PDF-1.4\n% a scanned issue of 1987, three pages\n")
	path := filepath.Join(t.TempDir(), "1987-03.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := f.svc.QueueForReview(context.Background(), CommandLine("ingest"), path, pdf, rereadResult())
	if err != nil {
		t.Fatal(err)
	}
	return f, fr, d
}

var good = report.OCRSettings{DPI: 300, PSM: 6, Rotation: 90}

func TestRereadPage(t *testing.T) {
	ctx := context.Background()
	f, fr, d := rereadFixture(t)
	if len(d.Pages) != 3 || !slices.Equal(d.Pages[1].Parts[0], []string{"甲三（旧）"}) || !slices.Equal(d.Pages[1].Parts[1], []string{"乙一（旧，跨页）"}) || !d.Pages[2].Continues {
		t.Fatalf("page records %+v", d.Pages)
	}
	// Page 1 prints document 1's title, a field of its own: the new
	// reading's title is dropped, not put into the text again.
	fr.pages[1] = &report.PageRead{Paragraphs: []string{"福建省人民政府关于印发某某", "办法的通知", "甲一（新）", "甲二（新）", "甲二之二（新）"}, Confidence: 0.94, Note: "turned 90° clockwise as asked"}
	got, err := f.svc.RereadPage(ctx, f.admin, d.ID, d.ETag, 1, good)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"甲一（新）", "甲二（新）", "甲二之二（新）", "甲三（旧）"}; !slices.Equal(got.Documents[0].Body, want) {
		t.Errorf("document 1 body %q, want %q", got.Documents[0].Body, want)
	}
	if !slices.Equal(got.Documents[1].Body, []string{"乙一（旧，跨页）", "乙二（旧）"}) {
		t.Errorf("document 2 changed: %q", got.Documents[1].Body)
	}
	if s := got.Documents[0].Sources; len(s) != 2 || s[0] != (gazette.TextSource{Page: 1, Method: gazette.OCR, Confidence: 0.94}) || s[1].Confidence != 0.88 {
		t.Errorf("document 1 sources %+v: want page 1 at 94%%, page 2 unchanged", s)
	}
	rec := got.Pages[0]
	if rec.Reread == nil || rec.Reread.Settings != good || rec.Reread.By != f.admin.User || rec.Source.Confidence != 0.94 || rec.Note == "" ||
		!slices.Equal(rec.Parts[0], []string{"甲一（新）", "甲二（新）", "甲二之二（新）"}) {
		t.Errorf("page 1 record %+v", rec)
	}
	if got.ETag == d.ETag || got.Rev != d.Rev+1 {
		t.Errorf("not saved as a new version: rev %d → %d", d.Rev, got.Rev)
	}
	entries, err := f.svc.Audit(ctx, f.admin, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	last := entries[len(entries)-1]
	if last.Action != "draft.reocr" || last.Object != "draft/"+d.ID || last.Outcome != OutcomeOK || !strings.Contains(last.Detail, "300 dpi, psm 6, rotation 90°") || !strings.Contains(last.Detail, "ocr 31% → ocr 94%") {
		t.Errorf("audit entry %+v", last)
	}
	// Read again a second time: the record now holds the new reading.
	fr.pages[1] = &report.PageRead{Paragraphs: []string{"甲一（再）"}, Confidence: 0.96}
	if got, err = f.svc.RereadPage(ctx, f.admin, d.ID, got.ETag, 1, good); err != nil {
		t.Fatal(err)
	}
	if want := []string{"甲一（再）", "甲三（旧）"}; !slices.Equal(got.Documents[0].Body, want) {
		t.Errorf("read twice: body %q, want %q", got.Documents[0].Body, want)
	}

	// A page shared by two documents is cut at the second one's title,
	// found though OCR misread a character of it.
	fr.pages[2] = &report.PageRead{Paragraphs: []string{"甲三（新）", "福建省人民政府关于某某同志仕职的通知", "乙一（新）"}, Confidence: 0.9}
	if got, err = f.svc.RereadPage(ctx, f.admin, d.ID, got.ETag, 2, good); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Documents[0].Body, []string{"甲一（再）", "甲三（新）"}) || !slices.Equal(got.Documents[1].Body, []string{"乙一（新）", "乙二（旧）"}) {
		t.Errorf("shared page: bodies %q and %q", got.Documents[0].Body, got.Documents[1].Body)
	}
	for i, doc := range got.Documents {
		if at := slices.IndexFunc(doc.Sources, func(s gazette.TextSource) bool { return s.Page == 2 }); at < 0 || doc.Sources[at].Confidence != 0.9 {
			t.Errorf("document %d sources %+v: want page 2 at 90%%", i+1, doc.Sources)
		}
	}

	// Page 3 begins inside a paragraph of page 2: the archivist is asked
	// to merge its first lines.
	fr.pages[3] = &report.PageRead{Paragraphs: []string{"（新）页首续文", "乙二（新）"}, Confidence: 0.92}
	if got, err = f.svc.RereadPage(ctx, f.admin, d.ID, got.ETag, 3, good); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Documents[1].Body, []string{"乙一（新）", "（新）页首续文", "乙二（新）"}) {
		t.Errorf("page 3: body %q", got.Documents[1].Body)
	}
	if !strings.Contains(strings.Join(got.Review, "|"), "第3页已重新识别：页首续接上一页的段落") {
		t.Errorf("review %q: want the page-3 continuation named", got.Review)
	}
}

func TestRereadPageRefuses(t *testing.T) {
	ctx := context.Background()
	f, fr, d := rereadFixture(t)
	fr.pages[1] = &report.PageRead{Paragraphs: []string{"甲一（新）"}, Confidence: 0.9}
	fr.pages[2] = &report.PageRead{Paragraphs: []string{"甲三（新）", "乙一（新）"}, Confidence: 0.9}
	editor := f.user(t, "wang", RoleEditor).Actor
	unchanged := func(t *testing.T) {
		t.Helper()
		now, err := f.svc.Draft(ctx, f.admin, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if now.ETag != d.ETag {
			t.Errorf("the draft changed (rev %d → %d)", d.Rev, now.Rev)
		}
	}
	tests := []struct {
		name   string
		a      Actor
		etag   string
		page   int
		set    report.OCRSettings
		want   error
		field  string // of a ValidationError
		reads  bool   // the reader is called
		substr string
	}{
		{name: "dpi not offered", a: editor, etag: d.ETag, page: 1, set: report.OCRSettings{DPI: 72, PSM: 3}, want: gazette.ErrInvalid, field: "dpi"},
		{name: "psm not offered", a: editor, etag: d.ETag, page: 1, set: report.OCRSettings{DPI: 300, PSM: 0}, want: gazette.ErrInvalid, field: "psm"},
		{name: "rotation not a quarter", a: editor, etag: d.ETag, page: 1, set: report.OCRSettings{DPI: 300, PSM: 3, Rotation: 45}, want: gazette.ErrInvalid, field: "rotation"},
		{name: "page 0", a: editor, etag: d.ETag, page: 0, set: good, want: gazette.ErrInvalid, field: "page"},
		{name: "page beyond the PDF", a: editor, etag: d.ETag, page: 4, set: good, want: gazette.ErrInvalid, field: "page"},
		{name: "no role", a: Actor{User: "stranger"}, etag: d.ETag, page: 1, set: good, want: ErrForbidden},
		{name: "stale", a: editor, etag: "other", page: 1, set: good, want: ErrStale},
		{name: "no ETag", a: editor, etag: "", page: 1, set: good, want: ErrNoETag},
		{name: "shared page without the title", a: editor, etag: d.ETag, page: 2, set: good, want: gazette.ErrInvalid, reads: true, substr: "找不到第2篇的标题"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := fr.calls.Load()
			_, err := f.svc.RereadPage(ctx, tc.a, d.ID, tc.etag, tc.page, tc.set)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			var ve gazette.ValidationError
			if tc.field != "" && (!errors.As(err, &ve) || ve[0].Field != tc.field || ve[0].Zh == "") {
				t.Errorf("err %v: want a validation error of %s with a Chinese message", err, tc.field)
			}
			var re *RereadError
			if tc.substr != "" && (!errors.As(err, &re) || !strings.Contains(re.Zh, tc.substr)) {
				t.Errorf("err %v: want a RereadError saying %q", err, tc.substr)
			}
			if called := fr.calls.Load() != before; called != tc.reads {
				t.Errorf("reader called: %v, want %v", called, tc.reads)
			}
			unchanged(t)
		})
	}

	t.Run("line corrected by hand", func(t *testing.T) {
		cur, err := f.svc.Draft(ctx, f.admin, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		cur.Documents[0].Body[1] = "甲二（已核对）"
		saved, err := f.svc.Save(ctx, editor, cur)
		if err != nil {
			t.Fatal(err)
		}
		before := fr.calls.Load()
		_, err = f.svc.RereadPage(ctx, editor, d.ID, saved.ETag, 1, good)
		var re *RereadError
		if !errors.Is(err, ErrCorrectedText) || !errors.As(err, &re) || !strings.Contains(re.Zh, "人工修改") || re.Page != 1 {
			t.Fatalf("err %v: want ErrCorrectedText saying the text was corrected", err)
		}
		if fr.calls.Load() != before {
			t.Error("the page was read though its text cannot be replaced")
		}
		now, _ := f.svc.Draft(ctx, f.admin, d.ID)
		if now.ETag != saved.ETag || now.Documents[0].Body[1] != "甲二（已核对）" {
			t.Errorf("the correction was touched: %q", now.Documents[0].Body)
		}
		// Page 3 is untouched by the correction and can still be read.
		fr.pages[3] = &report.PageRead{Paragraphs: []string{"乙二（新）"}, Confidence: 0.9}
		if _, err := f.svc.RereadPage(ctx, editor, d.ID, saved.ETag, 3, good); err != nil {
			t.Errorf("page 3: %v", err)
		}
	})

	t.Run("reader fails", func(t *testing.T) {
		cur, _ := f.svc.Draft(ctx, f.admin, d.ID)
		fr.fail = errors.New("tesseract killed")
		defer func() { fr.fail = nil }()
		if _, err := f.svc.RereadPage(ctx, editor, d.ID, cur.ETag, 3, good); err == nil || !strings.Contains(err.Error(), "tesseract killed") {
			t.Errorf("err %v", err)
		}
		if now, _ := f.svc.Draft(ctx, f.admin, d.ID); now.ETag != cur.ETag {
			t.Error("a failed reading changed the draft")
		}
	})

	t.Run("submitted draft", func(t *testing.T) {
		cur, _ := f.svc.Draft(ctx, f.admin, d.ID)
		cur.Issue.Gazette = "福建省人民政府公报"
		sub, err := f.svc.Submit(ctx, editor, d.ID, cur.ETag)
		if err != nil {
			t.Fatalf("cannot submit the fixture: %v", err)
		}
		if _, err := f.svc.RereadPage(ctx, editor, d.ID, sub.ETag, 3, good); !errors.Is(err, ErrState) {
			t.Errorf("err %v, want ErrState", err)
		}
	})

	t.Run("no OCR installed", func(t *testing.T) {
		g := newFixture(t, archivetest.NewMemBlobs(), nil)
		if _, err := g.svc.RereadPage(ctx, g.admin, d.ID, d.ETag, 1, good); !errors.Is(err, ErrNoOCR) {
			t.Errorf("err %v, want ErrNoOCR", err)
		}
	})
}

func TestRereadPageUnreadPage(t *testing.T) {
	// A page no path could read (tesseract missing at ingest) gave no
	// paragraphs: its new text goes after the previous page's.
	ctx := context.Background()
	fr := &fakeReader{pages: map[int]*report.PageRead{2: {Paragraphs: []string{"第二页（新）"}, Confidence: 0.9}}}
	f := newFixture(t, archivetest.NewMemBlobs(), func(c *Config) { c.Reread = fr.read })
	res := &report.Result{
		Issue: report.IssueMeta{Year: 1987, Number: 4, Date: gazette.Date{Year: 1987, Month: 3, Day: 1}},
		Documents: []report.Document{{Title: "关于某某的通知", Kind: gazette.KindNormative, PageStart: 1, PageEnd: 3,
			Text: "第一页\n第三页", ParagraphPages: []gazette.PageRange{{First: 1, Last: 1}, {First: 3, Last: 3}}}},
		Pages: []report.PageReport{{Number: 1, Extractor: page.OCR, Confidence: 0.9}, {Number: 2, Extractor: page.None, Note: "tesseract not installed"}, {Number: 3, Extractor: page.OCR, Confidence: 0.9}},
	}
	pdf := []byte("%PDF-1.4\n% unread page\n")
	d, err := f.svc.QueueForReview(ctx, CommandLine("ingest"), "x.pdf", pdf, res)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.svc.RereadPage(ctx, f.admin, d.ID, d.ETag, 2, good)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"第一页", "第二页（新）", "第三页"}; !slices.Equal(got.Documents[0].Body, want) {
		t.Errorf("body %q, want %q", got.Documents[0].Body, want)
	}
	if s := got.Documents[0].Sources; len(s) != 3 || s[1] != (gazette.TextSource{Page: 2, Method: gazette.OCR, Confidence: 0.9}) {
		t.Errorf("sources %+v", s)
	}
}

func TestFindTitle(t *testing.T) {
	const title = "福建省人民政府关于加强档案管理工作的通知"
	tests := []struct {
		name       string
		paras      []string
		from, to   int
		head, tail string
		ok         bool
	}{
		{name: "a paragraph of its own, misread", paras: []string{"闽政〔1987〕12号", "福建省人民政府关于加强档案管埋工作的通知", "各市："}, from: 1, to: 2, ok: true},
		{name: "over two paragraphs", paras: []string{"福建省人民政府关于加强", "档案管理工作的通知", "各市："}, from: 0, to: 2, ok: true},
		{name: "joined with the salutation", paras: []string{"冰政〔1987〕12号", "福建省人民政府关于加强档案管理工作的通知各市、县人民政府，省直各单位：", "为了规范。"}, from: 1, to: 2, tail: "各市、县人民政府，省直各单位：", ok: true},
		{name: "after the end of the last document", paras: []string{"此页结束。福建省人民政府关于加强档案管理工作的通知"}, from: 0, to: 1, head: "此页结束。", ok: true},
		{name: "not there", paras: []string{"各单位应当按照规定整理和保管公文。", "本通知自发布之日起施行。"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			from, to, head, tail, ok := findTitle(tc.paras, title)
			if ok != tc.ok || ok && (from != tc.from || to != tc.to || head != tc.head || tail != tc.tail) {
				t.Errorf("findTitle = [%d:%d] head %q tail %q %v; want [%d:%d] head %q tail %q %v", from, to, head, tail, ok, tc.from, tc.to, tc.head, tc.tail, tc.ok)
			}
		})
	}
}

func TestRereadPageRepeatedParagraph(t *testing.T) {
	// Pages 1 and 2 both print a line 福建省人民政府: reading page 2 again
	// replaces page 2's, never page 1's.
	ctx := context.Background()
	fr := &fakeReader{pages: map[int]*report.PageRead{2: {Paragraphs: []string{"福建省人民政府办公厅"}, Confidence: 0.95}}}
	f := newFixture(t, archivetest.NewMemBlobs(), func(c *Config) { c.Reread = fr.read })
	pr := func(n int) gazette.PageRange { return gazette.PageRange{First: n, Last: n} }
	res := &report.Result{
		Issue: report.IssueMeta{Year: 1987, Number: 5, Date: gazette.Date{Year: 1987, Month: 3, Day: 1}},
		Documents: []report.Document{{Title: "关于某某的通知", Kind: gazette.KindNormative, PageStart: 1, PageEnd: 2,
			Text: "福建省人民政府\n甲\n福建省人民政府", ParagraphPages: []gazette.PageRange{pr(1), pr(1), pr(2)}}},
		Pages: []report.PageReport{{Number: 1, Extractor: page.OCR, Confidence: 0.9}, {Number: 2, Extractor: page.OCR, Confidence: 0.5}},
	}
	d, err := f.svc.QueueForReview(ctx, CommandLine("ingest"), "x.pdf", []byte("%PDF-1.4\n% repeated\n"), res)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.svc.RereadPage(ctx, f.admin, d.ID, d.ETag, 2, good)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"福建省人民政府", "甲", "福建省人民政府办公厅"}; !slices.Equal(got.Documents[0].Body, want) {
		t.Errorf("body %q, want %q", got.Documents[0].Body, want)
	}
	if s := got.Documents[0].Sources; len(s) != 2 || s[0].Confidence != 0.9 || s[1].Confidence != 0.95 {
		t.Errorf("sources %+v", s)
	}
}

func TestProofreadPage(t *testing.T) {
	ctx := context.Background()
	f, fr, d := rereadFixture(t)
	editor := f.user(t, "wang", RoleEditor).Actor
	for _, tc := range []struct {
		name string
		a    Actor
		etag string
		page int
		want error
	}{
		{"page beyond the PDF", editor, d.ETag, 4, gazette.ErrInvalid},
		{"no role", Actor{User: "stranger"}, d.ETag, 2, ErrForbidden},
		{"stale", editor, "other", 2, ErrStale},
	} {
		if _, err := f.svc.ProofreadPage(ctx, tc.a, d.ID, tc.etag, tc.page); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	got, err := f.svc.ProofreadPage(ctx, editor, d.ID, d.ETag, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i, doc := range got.Documents {
		at := slices.IndexFunc(doc.Sources, func(s gazette.TextSource) bool { return s.Page == 2 })
		if at < 0 || doc.Sources[at].Method != gazette.Proofread || doc.Sources[at].By != "wang" || doc.Sources[at].At.IsZero() {
			t.Errorf("document %d sources %+v: want page 2 proofread by wang", i+1, doc.Sources)
		}
		if err := doc.Validate(); err != nil && strings.Contains(err.Error(), "sources") {
			t.Errorf("document %d: %v", i+1, err)
		}
	}
	if got.Documents[0].Sources[0].Method != gazette.OCR {
		t.Errorf("page 1 changed: %+v", got.Documents[0].Sources)
	}
	// Its text is a person's now: reading it again is refused.
	before := fr.calls.Load()
	if _, err := f.svc.RereadPage(ctx, editor, d.ID, got.ETag, 2, good); !errors.Is(err, ErrCorrectedText) || !strings.Contains(err.Error(), "人工校对") {
		t.Errorf("reading a proofread page again: %v", err)
	}
	if fr.calls.Load() != before {
		t.Error("a proofread page was read again")
	}
	entries, _ := f.svc.Audit(ctx, f.admin, time.Time{}, time.Time{})
	if last := entries[len(entries)-1]; last.Action != "draft.proofread" || last.User != "wang" || !strings.Contains(last.Detail, "page 2") {
		t.Errorf("audit %+v", last)
	}
}
