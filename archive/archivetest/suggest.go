package archivetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
)

// SuggestCorpus are documents added to IndexCorpus for the suggestion
// contract: titles that start with or hold 饮用水, in force and repealed,
// with neighbouring document numbers.
func SuggestCorpus() []gazette.SearchDoc {
	doc := func(key gazette.IssueKey, title, num string, v gazette.Validity, pub gazette.Date) gazette.SearchDoc {
		d := gazette.Document{
			ID: gazette.DocumentID(key, 1), Issue: key, Title: title, Kind: gazette.KindNormative, DocNumber: num,
			Authorities: []string{"福建省人民政府"}, Published: pub, Signed: pub,
			Validity: gazette.Status{State: v}, Body: []string{"为保障饮用水安全，制定本规定。"},
			Pages: gazette.PageRange{First: 1, Last: 2}, Version: 1,
		}
		if v == gazette.Repealed {
			d.Validity.Since, d.Validity.ChangedBy = gazette.Date{Year: 2018, Month: 1, Day: 1}, "2018-1-1"
		}
		if num != "" && strings.Contains(num, "令") {
			d.Kind = gazette.KindRule
		}
		return gazette.SearchDoc{Document: d, Fingerprint: "fp-" + d.ID + "-v1"}
	}
	return []gazette.SearchDoc{
		doc(gazette.IssueKey{Year: 2016, Number: 1}, "关于加强饮用水水源保护的通知", "闽政〔2016〕3号", gazette.InForce, gazette.Date{Year: 2016, Month: 2, Day: 1}),
		doc(gazette.IssueKey{Year: 2016, Number: 2}, "饮用水水源保护区划定办法", "闽政〔2016〕31号", gazette.Repealed, gazette.Date{Year: 2016, Month: 3, Day: 1}),
		doc(gazette.IssueKey{Year: 2017, Number: 1}, "饮用水卫生监督管理办法", "福建省人民政府令第241号", gazette.InForce, gazette.Date{Year: 2017, Month: 1, Day: 1}),
		doc(gazette.IssueKey{Year: 2015, Number: 1}, "饮用水源地环境保护规定", "", gazette.InForce, gazette.Date{Year: 2015, Month: 1, Day: 1}),
		doc(gazette.IssueKey{Year: 2014, Number: 1}, "福建省饮用水水源保护条例", "", gazette.InForce, gazette.Date{Year: 2014, Month: 6, Day: 1}),
	}
}

// testSuggest is the suggestion contract: Index.Suggest through
// archive.Suggest, as the search box calls it.
func testSuggest(t *testing.T, load func(t *testing.T) archive.Index) {
	ctx := context.Background()
	idx := load(t)
	extra := SuggestCorpus()
	if err := idx.Put(ctx, extra); err != nil {
		t.Fatalf("Put: %v", err)
	}
	const fj = "福建省人民政府公报"
	ids := func(hits []gazette.Hit) []string {
		out := make([]string, len(hits))
		for i, h := range hits {
			out[i] = h.ID
		}
		return out
	}
	suggest := func(t *testing.T, text string) []string {
		t.Helper()
		hits, err := archive.Suggest(ctx, idx, text, fj)
		if err != nil {
			t.Fatalf("Suggest(%q): %v", text, err)
		}
		if hits == nil {
			t.Fatalf("Suggest(%q) = nil, want a list", text)
		}
		return ids(hits)
	}
	t.Run("Order", func(t *testing.T) {
		for _, tc := range []struct {
			name, text string
			want       []string // exactly these, in this order
		}{
			// Titles that start with it, in force (newest first) before the
			// repealed one; then the title that holds it further on.
			{"prefix, then validity, then inside", "饮用水", []string{"2017-1-1", "2015-1-1", "2016-2-1", "2016-1-1", "2014-1-1"}},
			{"a word inside titles: in force first", "水源保护", []string{"2016-1-1", "2014-1-1", "2016-2-1"}},
			{"title prefix, newest first", "福建省人民政府关于", []string{"2020-1-3", "2020-1-1", "2019-1-1"}},
			// Nine titles and numbers start with 福建省: the eight newest.
			{"amended is not superseded; at most eight", "福建省", []string{"2020-1-4", "2020-1-3", "2020-1-2", "2020-1-1", "2019-2-1", "2019-1-2", "2019-1-1", "2017-1-1"}},
			{"number in square brackets", "闽政[2016]3号", []string{"2016-1-1"}},
			{"number without brackets", "闽政 2016 3号", []string{"2016-1-1"}},
			{"start of a number", "闽政〔2016〕", []string{"2016-1-1", "2016-2-1"}},
			{"a serial is whole", "闽政〔2016〕3", []string{"2016-1-1"}},
			{"short form of a decree", "省政府令第241号", []string{"2017-1-1"}},
			{"full-width digits", "闽政〔２０１６〕３１号", []string{"2016-2-1"}},
			{"marks people leave out", "“饮用水”卫生", []string{"2017-1-1"}},
			{"punctuation parts characters", "饮用。水", []string{}},
			{"nothing holds it", "核电站退役", []string{}},
			{"mixed scripts", "GDP饮用水", []string{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := suggest(t, tc.text); !slices.Equal(got, tc.want) {
					t.Errorf("Suggest(%q) = %v, want %v", tc.text, got, tc.want)
				}
			})
		}
	})
	t.Run("Fewer", func(t *testing.T) {
		got := suggest(t, "人民政府")
		hits, err := idx.Suggest(ctx, "人民政府", 3)
		if err != nil || len(hits) != 3 || !slices.Equal(ids(hits), got[:3]) {
			t.Errorf("Index.Suggest(人民政府, 3) = %v, %v; want %v", ids(hits), err, got[:3])
		}
		for _, h := range hits {
			if h.Title == "" || h.Snippet != "" {
				t.Errorf("hit %+v: want a title and no snippet", h)
			}
		}
	})
	t.Run("TooLittle", func(t *testing.T) {
		for _, text := range []string{"", "水", "a", "〔〕、。！？", "   ", "-"} {
			if got := suggest(t, text); len(got) != 0 {
				t.Errorf("Suggest(%q) = %v, want none", text, got)
			}
		}
	})
	t.Run("Invalid", func(t *testing.T) {
		for name, text := range map[string]string{
			"257 characters": strings.Repeat("饮", 257),
			"not UTF-8":      "饮用\xff水",
			"control":        "饮用\x00水",
		} {
			if _, err := archive.Suggest(ctx, idx, text, fj); !errors.Is(err, gazette.ErrInvalid) {
				t.Errorf("%s: %v, want ErrInvalid", name, err)
			}
		}
		for _, n := range []int{0, -1, gazette.MaxSuggestions + 1} {
			if _, err := idx.Suggest(ctx, "饮用水", n); !errors.Is(err, gazette.ErrInvalid) {
				t.Errorf("Index.Suggest(n=%d): %v, want ErrInvalid", n, err)
			}
		}
	})
	t.Run("ReadYourWrites", func(t *testing.T) {
		// The repealed prefix match comes back in force, the newest in
		// force goes, a new title appears: every change shows at once.
		back := extra[1]
		back.Validity = gazette.Status{State: gazette.InForce}
		back.Fingerprint = "fp-2016-2-1-v2"
		added := extra[3]
		added.ID = "2021-1-1"
		added.Issue = gazette.IssueKey{Year: 2021, Number: 1}
		added.Title = "饮用水安全保障条例"
		added.Published = gazette.Date{Year: 2021, Month: 1, Day: 5}
		if err := idx.Put(ctx, []gazette.SearchDoc{back, added}); err != nil {
			t.Fatal(err)
		}
		if err := idx.Delete(ctx, []string{"2017-1-1"}); err != nil {
			t.Fatal(err)
		}
		want := []string{"2021-1-1", "2016-2-1", "2015-1-1", "2016-1-1", "2014-1-1"}
		if got := suggest(t, "饮用水"); !slices.Equal(got, want) {
			t.Errorf("after the writes Suggest(饮用水) = %v, want %v", got, want)
		}
		if got := suggest(t, "卫生监督"); len(got) != 0 {
			t.Errorf("a deleted document is still offered: %v", got)
		}
	})
}

// suggestWords make titles that share many keys, so that each text typed
// matches many documents, at their start and further on.
var suggestWords = []string{"关于", "印发", "饮用水", "水源", "保护区", "管理", "办法", "条例", "通知", "实施", "意见", "规定", "福建省", "安全"}

// SuggestDoc is document number i of a run of writes that follow the
// suggestion table, its title drawn with rnd from words that many titles
// share, so that each of SuggestTexts matches many documents, at their
// start and further on.
func SuggestDoc(rnd *rand.Rand, i int) gazette.SearchDoc {
	title := ""
	for range 2 + rnd.IntN(4) {
		title += suggestWords[rnd.IntN(len(suggestWords))]
	}
	key := gazette.IssueKey{Year: 2000 + i%20, Number: 1 + i%12}
	d := gazette.Document{
		ID: gazette.DocumentID(key, 1+i), Issue: key, Title: title, Kind: gazette.KindNormative,
		Published: gazette.Date{Year: key.Year, Month: time.Month(1 + rnd.IntN(12)), Day: 1 + rnd.IntN(28)},
		Validity:  gazette.Status{State: []gazette.Validity{gazette.InForce, gazette.Repealed, gazette.Expired, gazette.Amended}[rnd.IntN(4)]},
		Body:      []string{"正文。"}, Pages: gazette.PageRange{First: 1, Last: 1}, Version: 1,
	}
	if rnd.IntN(2) == 0 {
		d.DocNumber = fmt.Sprintf("闽政〔%d〕%d号", key.Year, 1+rnd.IntN(60))
	}
	return gazette.SearchDoc{Document: d, Fingerprint: fmt.Sprintf("fp-%s-%d", d.ID, rnd.IntN(1000))}
}

// SuggestTexts are texts typed that documents of SuggestDoc match.
var SuggestTexts = []string{"关于印发", "饮用水", "水源保护", "办法通知", "管理办法", "福建省安全", "闽政〔2003〕", "闽政〔2011〕7号", "条例实施意见", "区管"}

// CheckSuggest checks idx.Suggest for each of SuggestTexts against the
// plainest reading of the contract on want, every document the index
// holds: the documents matching each text, ranked, the best
// gazette.MaxSuggestions. when says at what point of the test.
func CheckSuggest(t *testing.T, idx archive.Index, want map[string]gazette.SearchDoc, when string) {
	t.Helper()
	ctx := context.Background()
	for _, text := range SuggestTexts {
		key, _, _ := gazette.CheckSuggestText(text)
		var all []gazette.Hit
		for _, d := range want {
			if match, _ := gazette.SuggestMatch(key, gazette.SuggestKey(d.Title), gazette.SuggestKey(d.DocNumber)); match {
				all = append(all, d.Hit())
			}
		}
		slices.SortFunc(all, func(a, b gazette.Hit) int { return gazette.RankOf(&a, key).Compare(gazette.RankOf(&b, key)) })
		var wantIDs []string
		for _, h := range all[:min(len(all), gazette.MaxSuggestions)] {
			wantIDs = append(wantIDs, h.ID)
		}
		hits, err := idx.Suggest(ctx, text, gazette.MaxSuggestions)
		if err != nil {
			t.Fatalf("%s: Suggest(%s): %v", when, text, err)
		}
		var got []string
		for _, h := range hits {
			got = append(got, h.ID)
			if d := want[h.ID]; h.Title != d.Title || h.DocNumber != d.DocNumber || h.Validity != d.Validity.State || h.Published != d.Published {
				t.Errorf("%s: Suggest(%s) offers %s as %q %q %s %s, want %q %q %s %s", when, text, h.ID,
					h.Title, h.DocNumber, h.Validity, h.Published, d.Title, d.DocNumber, d.Validity.State, d.Published)
			}
		}
		if !slices.Equal(got, wantIDs) {
			t.Errorf("%s: Suggest(%s) = %v, want %v", when, text, got, wantIDs)
		}
	}
}
