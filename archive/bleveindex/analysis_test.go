package bleveindex

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/gazette-archive/gazette/gazette"
)

func TestSegment(t *testing.T) {
	cases := []struct {
		name string
		text string
		want string // term@position, space-separated
	}{
		{"Han run", "政务公开", "政@0 政务@0 务公@1 公开@2 开@3"},
		{"single Han", "省", "省@0"},
		{"Latin and digits are words", "GB/T 9704-2012", "gb@0 t@1 9704@2 2012@3"},
		{"mixed", "基站12000个", "基@0 基站@0 站@1 12000@2 个@3"},
		{"a full stop breaks a run", "管理。服务", "管@0 管理@0 理@1 服@2 服务@2 务@3"},
		{"marks people leave out do not", "“双随机、一公开”", "双@0 双随@0 随机@1 机一@2 一公@3 公开@4 开@5"},
		{"a comma does not either", "管理，服务", "管@0 管理@0 理服@1 服务@2 务@3"},
		{"spaces do not break a run", "全省 工作", "全@0 全省@0 省工@1 工作@2 作@3"},
		{"line break leaves a gap", "管理\n办法", fmt.Sprintf("管@0 管理@0 理@1 办@%d 办法@%[1]d 法@%d", 2+paragraphGap, 3+paragraphGap)},
		{"full-width folded", "ＳＣＲＩＰＴ２０１９", "script2019@0"},
		{"zero-width removed", "闽\u200b政", "闽@0 闽政@0 政@1"},
		{"Han zero", "二〇二〇", "二@0 二〇@0 〇二@1 二〇@2 〇@3"},
		{"one-character runs", "第208号", "第@0 208@1 号@2"},
		{"symbols only", "《》—…", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, tok := range (analyzer{}).Analyze([]byte(tc.text)) {
				got = append(got, fmt.Sprintf("%s@%d", tok.Term, tok.Position-1))
				if tok.Start != 0 || tok.End != 0 {
					t.Errorf("%q: token %s has offsets %d–%d; the index keeps positions only", tc.text, tok.Term, tok.Start, tok.End)
				}
			}
			if g := strings.Join(got, " "); g != tc.want {
				t.Errorf("%q: got %s, want %s", tc.text, g, tc.want)
			}
		})
	}
}

func TestSegmentCapsLongWords(t *testing.T) {
	long := strings.Repeat("é", 100) // two bytes each
	toks := (analyzer{}).Analyze([]byte(long))
	if len(toks) != 1 || len(toks[0].Term) > maxWordBytes || !strings.HasPrefix(long, string(toks[0].Term)) {
		t.Errorf("a 200-byte word gave %d tokens, first %q", len(toks), toks[0].Term)
	}
	if got, _ := queryTerms(long); len(got) != 1 || got[0] != string(toks[0].Term) {
		t.Errorf("query side cut the word differently: %q", got)
	}
}

func TestQueryTerms(t *testing.T) {
	cases := []struct {
		text string
		want []string
		char bool
	}{
		{"处理", []string{"处理"}, false},
		{"政务公开", []string{"政务", "务公", "公开"}, false},
		{"省", []string{"省"}, true},
		{"（省）", []string{"省"}, true},
		{"2020年", []string{"2020", "年"}, false},
		{"全省2020", []string{"全省", "", "2020"}, false},
		{"第208号", []string{"第", "208", "号"}, false},
		{"ＳＣＲＩＰＴ", []string{"script"}, false},
		{"全省 工作", []string{"全省", "省工", "工作"}, false},
		{"title:政务", []string{"title", "政务"}, false},
		{"…", []string{}, false},
	}
	for _, tc := range cases {
		if got, char := queryTerms(tc.text); !slices.Equal(got, tc.want) || char != tc.char {
			t.Errorf("queryTerms(%q) = %q, %v; want %q, %v", tc.text, got, char, tc.want, tc.char)
		}
	}
}

func TestCharsAnalyzer(t *testing.T) {
	var got []string
	for _, tok := range (charsAnalyzer{}).Analyze([]byte("政务公开，公开透明abc")) {
		got = append(got, string(tok.Term))
	}
	if want := []string{"政", "务", "公", "开", "透", "明"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestOrderKey(t *testing.T) {
	ids := []string{"2019-1-2", "2019-1-10", "2019-2-1", "2019-s1-1", "2020-1-1", "weird"}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = orderKey(id)
	}
	if !slices.IsSorted(keys) {
		t.Errorf("order keys of %v are not in print order: %v", ids, keys)
	}
}

func TestShingles(t *testing.T) {
	cases := []struct {
		text string
		want []string // nil: the clause keeps its bigrams
	}{
		{"人民法院", []string{"人民法院"}},
		{"第二十八条", []string{"第二十八", "二十八条"}},
		{"行政处罚法", []string{"行政处罚", "政处罚法"}},
		{"本办法自发布", []string{"本办法自", "", "法自发布"}},
		{"县级以上地方人民政府", []string{"县级以上", "", "", "", "地方人民", "", "人民政府"}},
		{"人民 法院", []string{"人民法院"}}, // a space does not break a run
		{"政务", nil}, {"处理办", nil}, {"2020年全省", nil}, {"人民。法院", nil}, {"人民，法院", []string{"人民法院"}}, {"省", nil}, {"规定ab", nil},
	}
	for _, tc := range cases {
		terms, _ := queryTerms(tc.text)
		if got := shingles(terms, nil); !slices.Equal(got, tc.want) {
			t.Errorf("shingles of %q (%q) = %q, want %q", tc.text, terms, got, tc.want)
		}
	}
	// With a set of common bigrams, a run is read through 4-grams only
	// when every 4-gram that covers it is kept: 地方 is not common.
	common := &commonSet{m: map[string]bool{}}
	for _, b := range []string{"县级", "级以", "以上", "上地", "人民", "民政", "政府", "方人"} {
		common.m[b] = true
	}
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"人民政府", []string{"人民政府"}},
		{"县级以上", []string{"县级以上"}},
		{"地方人民政府", nil},                     // 地方人民 is left out
		{"县级以上地方人民政府", nil},                 // so is 地方人民
		{"级以上地方", nil},                      // and 以上地方
		{"方人民政府", []string{"方人民政", "人民政府"}}, // 方人, 人民, 民政 and 政府 are common
	} {
		terms, _ := queryTerms(tc.text)
		if got := shingles(terms, common); !slices.Equal(got, tc.want) {
			t.Errorf("with common bigrams, shingles of %q = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestTextAnalysisKeepsCommon4grams checks that with a set of common
// bigrams the analysis keeps exactly the 4-grams whose three bigrams are
// common, with their positions, and that the field's length still counts
// every 4-gram (so norms are those of an index that keeps them all).
func TestTextAnalysisKeepsCommon4grams(t *testing.T) {
	text := "县级以上地方人民政府应当，县级以上、人民政府。\n第二十八条 人民政府"
	full := &textAnalysis{input: []byte(text)}
	full.run()
	common := &commonSet{m: map[string]bool{}}
	for _, b := range []string{"县级", "级以", "以上", "人民", "民政", "政府", "上人", "二十", "十八", "八条"} {
		common.m[b] = true
	}
	part := &textAnalysis{input: []byte(text), common: common}
	part.run()
	if part.lens[partShingles] != full.lens[partShingles] {
		t.Errorf("length %d with common bigrams, %d without: want the same", part.lens[partShingles], full.lens[partShingles])
	}
	var want []string
	for k, tf := range full.freqs[partShingles] {
		r := []rune(k)
		if common.keeps(string(r[0:2]), string(r[1:3]), string(r[2:4])) {
			want = append(want, fmt.Sprintf("%s×%d", k, tf.Frequency()))
			if got := part.freqs[partShingles][k]; got == nil || !slices.Equal(positions(got), positions(tf)) {
				t.Errorf("%s: kept with positions %v, want %v", k, positions(got), positions(tf))
			}
		}
	}
	var got []string
	for k, tf := range part.freqs[partShingles] {
		got = append(got, fmt.Sprintf("%s×%d", k, tf.Frequency()))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("kept 4-grams %v, want %v", got, want)
	}
	// 县级以上 (twice), 级以上人, 以上人民 and 上人民政 (across the 、),
	// 人民政府 (three times) and 二十八条, but not 第二十八 (第二 is not
	// common) nor 地方人民.
	if len(want) != 6 {
		t.Errorf("the text keeps %d distinct 4-grams (%v), want 6", len(want), want)
	}
	for _, p := range []int{partText, partChars} {
		if !maps.EqualFunc(part.freqs[p], full.freqs[p], func(a, b *index.TokenFreq) bool { return a.Frequency() == b.Frequency() }) || part.lens[p] != full.lens[p] {
			t.Errorf("part %d differs with common bigrams: only 4-grams may", p)
		}
	}
}

func positions(tf *index.TokenFreq) []int {
	if tf == nil {
		return nil
	}
	var out []int
	for _, l := range tf.Locations {
		out = append(out, l.Position)
	}
	return out
}

func TestCommonSetEncoding(t *testing.T) {
	c := newCommonSet([][]string{{"人民政府"}, {"人民法院", "政府"}, {"abc"}})
	if len(c.m) != 5 { // 人民 民政 政府 民法 法院: with three documents, one is enough
		t.Errorf("common bigrams %v, want the 5 of the texts", c.m)
	}
	if got := decodeCommonSet(c.encode()); !maps.Equal(got.m, c.m) {
		t.Errorf("decoded %v, want %v", got.m, c.m)
	}
	if got := decodeCommonSet((*commonSet)(nil).encode()); got != nil {
		t.Errorf("a nil set decodes as %v", got)
	}
}

func TestShingleAnalyzer(t *testing.T) {
	var got []string
	for _, tok := range (shingleAnalyzer{}).Analyze([]byte("人民法院的判决。依法 执行\n第二十八条 2020年全省")) {
		got = append(got, fmt.Sprintf("%s@%d", tok.Term, tok.Position-1))
	}
	// 人民法院的判决 is 0–6, the full stop takes no position, 依法执行 is 7–10
	// (a space does not break a run), the line break skips paragraphGap.
	p := 11 + paragraphGap
	want := []string{"人民法院@0", "民法院的@1", "法院的判@2", "院的判决@3", "依法执行@7",
		fmt.Sprintf("第二十八@%d", p), fmt.Sprintf("二十八条@%d", p+1)}
	if !slices.Equal(got, want) {
		t.Errorf("4-grams %q, want %q", got, want)
	}
}

// TestTextAnalysisMatchesAnalyzers checks that the one-pass analysis of the
// three fields of a text gives what bleve would compute from the three
// analyzers: the same terms, frequencies, lengths and locations, in order.
func TestTextAnalysisMatchesAnalyzers(t *testing.T) {
	texts := []string{
		"", "政务公开", "省", "GB/T 9704-2012", "基站12000个", "管理。服务", "“双随机、一公开”",
		"全省 工作 人民法院的判决", "管理\n办法", "ＳＣＲＩＰＴ２０１９", "闽\u200b政", "二〇二〇年四月二十八日",
		"第二十八条 县级以上地方人民政府，应当《加强》·管理", strings.Repeat("é", 100), "《》—…",
		"人民法院人民法院人民法院\n人民法院的", "ＡＢＣ政府、采购，办法“实施”细则",
		strings.Repeat("人民法院的判决。", 10_000), // positions past the shared locations
	}
	// and random texts of the characters that matter to segmentation
	alphabet := []rune("政务公开人民法院第二十八条省市县、，·“”《》 \n。！abcXYZ09０９\u200b〇ｅé—")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		r := make([]rune, rng.IntN(80))
		for i := range r {
			r[i] = alphabet[rng.IntN(len(alphabet))]
		}
		texts = append(texts, string(r))
	}
	fields := []struct {
		name string
		an   analysis.Analyzer
		opts index.FieldIndexingOptions
	}{
		{"text", analyzer{}, textOpts},
		{"chars", charsAnalyzer{}, charsOpts},
		{"4-grams", shingleAnalyzer{}, textOpts},
	}
	describe := func(tfs index.TokenFrequencies) string {
		var out []string
		for k, tf := range tfs {
			var locs []string
			for _, l := range tf.Locations {
				locs = append(locs, fmt.Sprintf("%d:%d-%d", l.Position, l.Start, l.End))
			}
			out = append(out, fmt.Sprintf("%s=%s×%d[%s]", k, tf.Term, tf.Frequency(), strings.Join(locs, " ")))
		}
		slices.Sort(out)
		return strings.Join(out, " ")
	}
	for _, text := range texts {
		a := &textAnalysis{input: []byte(text)}
		a.run()
		for part, f := range fields {
			toks := f.an.Analyze([]byte(text))
			want := analysis.TokenFrequency(toks, nil, f.opts)
			if a.lens[part] != len(toks) {
				t.Errorf("%q, %s: length %d, want %d", text, f.name, a.lens[part], len(toks))
			}
			if f.opts.IncludeTermVectors() {
				if got, w := describe(a.freqs[part]), describe(want); got != w {
					t.Errorf("%q, %s:\n got %s\nwant %s", text, f.name, got, w)
				}
				continue
			}
			// without term vectors, locations are not kept
			for k, tf := range want {
				tf.Locations = nil
				want[k] = tf
			}
			if got, w := describe(a.freqs[part]), describe(want); got != w {
				t.Errorf("%q, %s:\n got %s\nwant %s", text, f.name, got, w)
			}
		}
	}
}

// TestSharedLocationsUnchanged indexes documents and checks that the
// locations their tokens share (sharedLocations) are still only positions:
// were bleve to change one (a composite field merges the locations of its
// fields, naming each), every later document would be indexed wrong.
func TestSharedLocationsUnchanged(t *testing.T) {
	x, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	docs := []gazette.SearchDoc{
		{Document: gazette.Document{ID: "2020-1-1", Title: "人民法院的判决", DocNumber: "闽政〔2020〕1号", Authorities: []string{"福建省人民政府"}, Body: []string{"第二十八条 县级以上地方人民政府", "GB/T 9704-2012"}}},
		{Document: gazette.Document{ID: "2020-1-2", Title: "政务公开", Body: []string{strings.Repeat("人民法院的判决。", 100)}}},
	}
	if err := x.Put(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	for p, l := range sharedLocations() {
		if l.Position != p || l.Field != "" || l.Start != 0 || l.End != 0 || l.ArrayPositions != nil {
			t.Fatalf("shared location of position %d is now %+v", p, l)
		}
	}
}
