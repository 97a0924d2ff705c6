package archive_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/gazette/cite"
)

// relDoc sets document i of s (0-based) to a title, number, date and body.
func relDoc(s *archivetest.Sample, i int, title, number string, signed gazette.Date, body ...string) {
	d := &s.Documents[i]
	d.Title, d.DocNumber, d.Signed, d.Body = title, number, signed, body
	d.Kind = gazette.KindNormative
	if d.Published.Compare(signed) < 0 {
		d.Published = signed
	}
}

// web publishes a small web of documents:
//
//	2019-12-1 福建省甲办法 闽政〔2019〕101号
//	2019-12-2 福建省乙规定 闽政〔2019〕102号
//	2019-12-3 福建省丙通知 闽政〔2019〕999号
//	2020-3-1  福建省丁办法 闽政〔2020〕31号: 根据《福建省甲办法》…；闽政〔2019〕102号同时废止；
//	          《福建省不存在办法》 (missing), 闽政〔2019〕999号 (ambiguous with 2020-3-2)
//	2020-3-2  福建省戊意见 闽政〔2019〕999号 (printed again under the same number)
//
// and, scheduled for 2030, 2030-1-1 (embargoed).
func web(t *testing.T, a *archive.Archive) {
	t.Helper()
	s1 := archivetest.NewSample(2019, 12, 3)
	relDoc(&s1, 0, "福建省甲办法", "闽政〔2019〕101号", day(2019, 12, 1), "第一条 为了规范甲事项，制定本办法。")
	relDoc(&s1, 1, "福建省乙规定", "闽政〔2019〕102号", day(2019, 12, 1), "第一条 乙。")
	relDoc(&s1, 2, "福建省丙通知", "闽政〔2019〕999号", day(2019, 12, 1), "丙。")
	publish(t, a, s1)
	s2 := archivetest.NewSample(2020, 3, 2)
	relDoc(&s2, 0, "福建省丁办法", "闽政〔2020〕31号", day(2020, 3, 1),
		"第一条 根据《福建省甲办法》第三条，制定本办法。",
		"第二条 参照《福建省不存在办法》和闽政〔2019〕999号执行。",
		"第三条 本办法自2020年4月1日起施行。闽政〔2019〕102号同时废止。")
	relDoc(&s2, 1, "福建省戊意见", "闽政〔2019〕999号", day(2020, 3, 1), "戊。")
	publish(t, a, s2)
	s3 := archivetest.NewSample(2030, 1, 1)
	relDoc(&s3, 0, "福建省未来办法", "闽政〔2030〕1号", day(2029, 12, 1), "根据《福建省甲办法》，制定本办法。")
	if err := a.Schedule(context.Background(), s3.Issue, strings.NewReader(string(s3.PDF)), s3.Documents); err != nil {
		t.Fatalf("Schedule: %v", err)
	}
}

// linkSet renders links as "from type to provision origin" lines.
func linkSet(ls []gazette.Link) []string {
	var out []string
	for _, l := range ls {
		s := fmt.Sprintf("%s %s %s", l.From, l.Type, l.To)
		if l.Provision != "" {
			s += " " + l.Provision
		}
		out = append(out, s+" "+string(l.Origin))
	}
	return out
}

func relationsOf(t *testing.T, a *archive.Archive, id string) *gazette.Relations {
	t.Helper()
	rs, err := a.Relations(context.Background(), id)
	if err != nil {
		t.Fatalf("Relations(%s): %v", id, err)
	}
	return rs
}

func checkLinks(t *testing.T, what string, got []gazette.Link, want ...string) {
	t.Helper()
	if g := linkSet(got); !slices.Equal(g, want) {
		t.Errorf("%s:\n got %q\nwant %q", what, g, want)
	}
}

// testRelations runs the relations scenario on blobs.
func testRelations(t *testing.T, blobs archive.Blobs) {
	ctx := context.Background()
	clk := &clock{t: noon(day(2020, 6, 1))}
	a := archive.New(blobs, openBleve(t), nil, archive.WithClock(clk.Now))
	web(t, a)

	// The text proposes relations, resolved against the archive.
	cs, err := a.Citations(ctx, mustDoc(t, a, "2020-3-1"))
	if err != nil {
		t.Fatal(err)
	}
	var outcomes []string
	for _, c := range cs {
		outcomes = append(outcomes, fmt.Sprintf("%d:%s %s %s %s", c.Paragraph, c.Text, c.Type, c.Outcome, c.ID))
	}
	want := []string{
		"0:《福建省甲办法》 based_on resolved 2019-12-1",
		"1:《福建省不存在办法》 cites missing ",
		"1:闽政〔2019〕999号 cites ambiguous ",
		"2:闽政〔2019〕102号 repeals resolved 2019-12-2",
	}
	if !slices.Equal(outcomes, want) {
		t.Errorf("Citations:\n got %q\nwant %q", outcomes, want)
	}
	checkLinks(t, "2020-3-1 out", relationsOf(t, a, "2020-3-1").Out,
		"2020-3-1 based_on 2019-12-1 第三条 text", "2020-3-1 repeals 2019-12-2 text")
	// The other direction; the embargoed 2030-1-1 cites 2019-12-1 too, and
	// is not shown.
	checkLinks(t, "2019-12-1 in", relationsOf(t, a, "2019-12-1").In, "2020-3-1 based_on 2019-12-1 第三条 text")
	checkLinks(t, "2019-12-2 in", relationsOf(t, a, "2019-12-2").In, "2020-3-1 repeals 2019-12-2 text")

	// Editors add relations, both directions see them.
	rel := gazette.Relation{Type: gazette.Interprets, Target: "2019-12-3", Note: "政策解读", By: "editor"}
	rs, err := a.AddRelation(ctx, "2020-3-2", rel)
	if err != nil {
		t.Fatalf("AddRelation: %v", err)
	}
	checkLinks(t, "2020-3-2 out", rs.Out, "2020-3-2 interprets 2019-12-3 editor")
	checkLinks(t, "2019-12-3 in", relationsOf(t, a, "2019-12-3").In, "2020-3-2 interprets 2019-12-3 editor")
	if l := rs.Out[0]; l.Date != day(2020, 3, 1) || l.By != "editor" || l.Note != "政策解读" || l.At == nil {
		t.Errorf("editor link %+v: want dated by its maker (2020-03-01), by, note and at", l)
	}

	// A validity change shows as a relation too, in both directions.
	if _, err := a.SetValidity(ctx, "2019-12-2", gazette.ValidityChange{State: gazette.Repealed, Since: day(2020, 4, 1), ChangedBy: "2020-3-1", By: "editor"}); err != nil {
		t.Fatal(err)
	}
	// (the text's 废止 says no more than the recorded change, which has its
	// date of effect)
	checkLinks(t, "2020-3-1 out after the validity change", relationsOf(t, a, "2020-3-1").Out,
		"2020-3-1 based_on 2019-12-1 第三条 text", "2020-3-1 repeals 2019-12-2 validity")
	checkLinks(t, "2019-12-2 in after the validity change", relationsOf(t, a, "2019-12-2").In, "2020-3-1 repeals 2019-12-2 validity")

	// A wrong relation read from the text is withdrawn by an editor.
	if _, err := a.WithdrawRelation(ctx, "2020-3-1", gazette.Relation{Type: gazette.BasedOn, Target: "2019-12-1", Provision: "第三条", By: "editor", Note: "误识别"}); err != nil {
		t.Fatalf("WithdrawRelation: %v", err)
	}
	checkLinks(t, "2019-12-1 in after withdrawal", relationsOf(t, a, "2019-12-1").In)
	if cs, err := a.Citations(ctx, mustDoc(t, a, "2020-3-1")); err != nil || cs[0].Outcome != cite.Withdrawn {
		t.Errorf("the withdrawn citation: %+v, %v; want it withdrawn", cs, err)
	}
	if _, err := a.WithdrawRelation(ctx, "2020-3-1", gazette.Relation{Type: gazette.BasedOn, Target: "2019-12-1", Provision: "第三条", By: "editor"}); !errors.Is(err, gazette.ErrInvalid) {
		t.Errorf("withdrawing it twice: %v, want ErrInvalid", err)
	}

	// The queue of unresolved citations; a document published later but
	// dated before the citing one answers the missing citation.
	queue := func() []string {
		t.Helper()
		us, err := a.UnresolvedCitations(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, u := range us {
			out = append(out, fmt.Sprintf("%s %s %d %v", u.Label, u.Outcome, u.Count, u.Documents))
		}
		return out
	}
	if got, want := queue(), []string{"《福建省不存在办法》 missing 1 [2020-3-1]", "闽政〔2019〕999号 ambiguous 1 [2020-3-1]"}; !slices.Equal(got, want) {
		t.Errorf("queue:\n got %q\nwant %q", got, want)
	}
	legacy := archivetest.NewSample(2018, 1, 1)
	relDoc(&legacy, 0, "福建省不存在办法", "闽政〔2018〕1号", day(2018, 1, 1), "旧。")
	publish(t, a, legacy)
	if got, want := queue(), []string{"闽政〔2019〕999号 ambiguous 1 [2020-3-1]"}; !slices.Equal(got, want) {
		t.Errorf("queue after the missing document was loaded:\n got %q\nwant %q", got, want)
	}
	checkLinks(t, "2018-1-1 in", relationsOf(t, a, "2018-1-1").In, "2020-3-1 cites 2018-1-1 text")

	// Reconcile finds no missing reverse index, and restores a lost one.
	d, err := a.Reconcile(ctx, false, nil)
	if err != nil || !d.Clean() {
		t.Fatalf("Reconcile = %+v, %v", d, err)
	}
	if err := blobs.Delete(ctx, "related/2019-12-3/2020-3-2.json", ""); err != nil {
		t.Fatal(err)
	}
	if d, err := a.Reconcile(ctx, true, nil); err != nil || !slices.Equal(d.Unlinked, []string{"2020-3-2>2019-12-3"}) {
		t.Fatalf("Reconcile after losing a hint = %+v, %v", d, err)
	}
	checkLinks(t, "2019-12-3 in after repair", relationsOf(t, a, "2019-12-3").In, "2020-3-2 interprets 2019-12-3 editor")
}

func mustDoc(t *testing.T, a *archive.Archive, id string) *gazette.Document {
	t.Helper()
	d, err := a.Document(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestRelationsOnEveryBackend(t *testing.T) {
	t.Run("memory", func(t *testing.T) { testRelations(t, archivetest.NewMemBlobs()) })
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			b, _ := be.open(t)
			testRelations(t, b)
		})
	}
}

func TestAddRelationRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: noon(day(2020, 6, 1))}
	a := archive.New(archivetest.NewMemBlobs(), openBleve(t), nil, archive.WithClock(clk.Now))
	web(t, a)
	add := func(id string, r gazette.Relation) error {
		r.By = "editor"
		_, err := a.AddRelation(ctx, id, r)
		return err
	}
	// Cycles: 依据 may not go round, 引用 may.
	if err := add("2020-3-2", gazette.Relation{Type: gazette.BasedOn, Target: "2020-3-1"}); err != nil {
		t.Fatal(err)
	}
	if err := add("2020-3-1", gazette.Relation{Type: gazette.Interprets, Target: "2019-12-1"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, id string
		r        gazette.Relation
		field    string
		says     string
	}{
		{"to itself", "2020-3-1", gazette.Relation{Type: gazette.Cites, Target: "2020-3-1"}, "target", "itself"},
		{"to a document never published", "2020-3-1", gazette.Relation{Type: gazette.Cites, Target: "2020-9-9"}, "target", "not a published document"},
		{"to a document under embargo", "2020-3-1", gazette.Relation{Type: gazette.Cites, Target: "2030-1-1"}, "target", "not a published document"},
		{"dated before the target existed", "2020-3-1", gazette.Relation{Type: gazette.Amends, Target: "2019-12-1", Since: day(2019, 11, 30)}, "since", "before 2019-12-1 existed"},
		{"dated before the maker existed", "2020-3-1", gazette.Relation{Type: gazette.Amends, Target: "2019-12-1", Since: day(2020, 2, 1)}, "since", "before 2020-3-1 existed"},
		{"an older document changing a newer", "2019-12-1", gazette.Relation{Type: gazette.Repeals, Target: "2020-3-1"}, "target", "older than"},
		{"a cycle of 依据", "2019-12-1", gazette.Relation{Type: gazette.BasedOn, Target: "2020-3-2"}, "target", "cycle: 2019-12-1 依据 2020-3-2 依据 2020-3-1 "},
		{"a cycle through the text (2020-3-1 says 闽政〔2019〕102号同时废止)", "2019-12-2", gazette.Relation{Type: gazette.BasedOn, Target: "2020-3-1"}, "target", "cycle: 2019-12-2 依据 2020-3-1 废止 2019-12-2"},
		{"a bad provision", "2020-3-1", gazette.Relation{Type: gazette.Amends, Target: "2019-12-1", Provision: "three"}, "provision", ""},
		{"an unknown type", "2020-3-1", gazette.Relation{Type: "likes", Target: "2019-12-1"}, "type", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := add(tc.id, tc.r)
			var ve gazette.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, gazette.ErrInvalid) {
				t.Fatalf("AddRelation = %v, want a ValidationError", err)
			}
			if ve[0].Field != tc.field || !strings.Contains(ve[0].Problem, tc.says) || ve[0].Zh == "" && tc.says != "" {
				t.Errorf("AddRelation = %v, want %s: …%s…, with a message in Chinese", err, tc.field, tc.says)
			}
		})
	}
	if _, err := a.AddRelation(ctx, "2030-1-1", gazette.Relation{Type: gazette.Cites, Target: "2019-12-1", By: "e"}); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("a relation made by a document under embargo: %v, want ErrNotFound", err)
	}
	// 引用 both ways is fine.
	if err := add("2019-12-1", gazette.Relation{Type: gazette.Cites, Target: "2020-3-1"}); err != nil {
		t.Errorf("a citation back: %v", err)
	}
	if err := add("2020-3-1", gazette.Relation{Type: gazette.Cites, Target: "2019-12-1"}); err != nil {
		t.Errorf("a citation forward: %v", err)
	}
}

func TestConcurrentRelationsAllLand(t *testing.T) {
	ctx := context.Background()
	a := archive.New(archivetest.NewMemBlobs(), openBleve(t), nil)
	web(t, a)
	targets := []string{"2019-12-1", "2019-12-2", "2019-12-3", "2020-3-2"}
	errs := make(chan error, len(targets))
	for _, target := range targets {
		go func() {
			_, err := a.AddRelation(ctx, "2020-3-1", gazette.Relation{Type: gazette.Cites, Target: target, By: "e", At: time.Now()})
			errs <- err
		}()
	}
	for range targets {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	h, err := a.History(ctx, "2020-3-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Relations) != len(targets) {
		t.Errorf("%d relations recorded, want %d", len(h.Relations), len(targets))
	}
}

// The queue lists the most cited first.
func TestUnresolvedCitationsMostCitedFirst(t *testing.T) {
	ctx := context.Background()
	a := archive.New(archivetest.NewMemBlobs(), openBleve(t), nil)
	s := archivetest.NewSample(2020, 1, 3)
	relDoc(&s, 0, "福建省一号办法", "闽政〔2020〕1号", day(2020, 1, 1), "依照《福建省缺一办法》和《福建省缺二办法》。")
	relDoc(&s, 1, "福建省二号办法", "闽政〔2020〕2号", day(2020, 1, 1), "依照《福建省缺二办法》。")
	relDoc(&s, 2, "福建省三号办法", "闽政〔2020〕3号", day(2020, 1, 1), "依照《福建省缺二办法》和国务院令第999号。")
	publish(t, a, s)
	us, err := a.UnresolvedCitations(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range us {
		got = append(got, fmt.Sprintf("%s %d", u.Label, u.Count))
	}
	if want := []string{"《福建省缺二办法》 3", "《福建省缺一办法》 1"}; len(got) != 2 || got[0] != want[0] || !slices.Contains([]string{"《福建省缺一办法》 1", "国务院令第999号 1"}, got[1]) {
		t.Errorf("UnresolvedCitations(2) = %q, want %q first and one of the two cited once", got, want[0])
	}
	if us[0].Ref != "title:福建省缺二办法" || us[0].Outcome != cite.Missing {
		t.Errorf("first entry %+v", us[0])
	}
}

// A draft's citations resolve with its gazette's local readings of 文号:
// 省政府令第5号 in 福建省人民政府公报 is 福建省人民政府令第5号.
func TestResolveCitationsOfADraft(t *testing.T) {
	ctx := context.Background()
	a := archive.New(archivetest.NewMemBlobs(), openBleve(t), nil)
	s := archivetest.NewSample(2020, 1, 1)
	relDoc(&s, 0, "福建省道路运输管理办法", "福建省人民政府令第5号", day(2020, 1, 1), "第一条 为了……")
	publish(t, a, s)
	draft := []gazette.Document{
		{ID: "2021-1-1", Issue: gazette.IssueKey{Year: 2021, Number: 1}, Signed: day(2021, 1, 2), Body: []string{"根据省政府令第5号和《福建省道路运输管理办法》，参照《福建省不存在办法》。"}},
	}
	got, err := a.ResolveCitations(ctx, draft, "福建省人民政府公报")
	if err != nil {
		t.Fatal(err)
	}
	var outcomes []string
	for _, f := range got[0] {
		outcomes = append(outcomes, fmt.Sprintf("%s %s %s", f.Text, f.Outcome, f.ID))
	}
	want := []string{"省政府令第5号 resolved 2020-1-1", "《福建省道路运输管理办法》 resolved 2020-1-1", "《福建省不存在办法》 missing "}
	if !slices.Equal(outcomes, want) {
		t.Errorf("ResolveCitations = %q, want %q", outcomes, want)
	}
	// Without the gazette, the short form is not read.
	got, err = a.ResolveCitations(ctx, draft, "")
	if err != nil || got[0][0].Outcome != cite.Missing {
		t.Errorf("without the gazette: %+v, %v", got, err)
	}
}

// A document cited very widely lists its latest citing documents, and
// counts the others.
func TestRelationsOfAWidelyCitedDocument(t *testing.T) {
	a := archive.New(archivetest.NewMemBlobs(), openBleve(t), nil)
	law := archivetest.NewSample(2019, 1, 1)
	relDoc(&law, 0, "福建省甲办法", "闽政〔2019〕1号", day(2019, 1, 1), "甲。")
	publish(t, a, law)
	const citing = 205
	s := archivetest.NewSample(2020, 1, citing)
	for i := range s.Documents {
		relDoc(&s, i, fmt.Sprintf("福建省第%d号通知", i+1), fmt.Sprintf("闽政〔2020〕%d号", i+1), day(2020, 1, 1), "依照《福建省甲办法》执行。")
	}
	publish(t, a, s)
	rs := relationsOf(t, a, "2019-1-1")
	if len(rs.In) != 200 || rs.MoreIn != citing-200 || rs.In[0].From == "2020-1-1" {
		t.Errorf("%d links in, %d more, first from %s; want 200, %d more, the latest first read", len(rs.In), rs.MoreIn, rs.In[0].From, citing-200)
	}
}

// TestPageLinksIsLinks checks that PageLinks, given what DocumentPage
// read, answers what Links answers reading everything again: for every
// document of the web, each of its versions, after a correction that
// changes what the text cites, a relation an editor added and a validity
// change.
func TestPageLinksIsLinks(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: noon(day(2020, 6, 1))}
	a := archive.New(archivetest.NewMemBlobs(), openBleve(t), nil, archive.WithClock(clk.Now))
	web(t, a)
	d := mustDoc(t, a, "2020-3-1")
	d.Body = append(slices.Clone(d.Body), "第四条 参照闽政〔2019〕101号执行。")
	if _, err := a.Correct(ctx, d.ID, *d, gazette.Correction{Reason: "漏印第四条", Date: day(2020, 5, 1), By: "editor"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddRelation(ctx, "2020-3-2", gazette.Relation{Type: gazette.Interprets, Target: "2019-12-3", By: "editor"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SetValidity(ctx, "2019-12-2", gazette.ValidityChange{State: gazette.Repealed, Since: day(2020, 4, 1), ChangedBy: "2020-3-1", By: "editor"}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"2019-12-1", "2019-12-2", "2019-12-3", "2020-3-1", "2020-3-2"} {
		_, h, _, err := a.DocumentPage(ctx, id, 0)
		if err != nil {
			t.Fatal(err)
		}
		for v := range len(h.Versions) + 1 { // 0: the current one
			d, h, _, err := a.DocumentPage(ctx, id, v)
			if err != nil {
				t.Fatal(err)
			}
			rs, found, err := a.PageLinks(ctx, d, h)
			if err != nil {
				t.Fatalf("PageLinks(%s v%d): %v", id, v, err)
			}
			wantRs, wantFound, err := a.Links(ctx, id, v)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rs, wantRs) || !reflect.DeepEqual(found, wantFound) {
				t.Errorf("%s v%d: PageLinks =\n%+v\n%+v\nLinks =\n%+v\n%+v", id, v, rs, found, wantRs, wantFound)
			}
			added := slices.ContainsFunc(found, func(f cite.Found) bool { return f.ID == "2019-12-1" && f.Paragraph == 3 })
			if id == "2020-3-1" && added != (v != 1) {
				t.Errorf("%s v%d: the citation the correction added is there: %v, want %v", id, v, added, v != 1)
			}
		}
	}
}
