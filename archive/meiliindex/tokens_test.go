package meiliindex

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/gazette"
)

// decode turns a token back into something readable: B政务, S年, T年, U年, W(2020).
func decode(tok string) string {
	code := func(s string) string {
		n := 0
		for _, c := range s {
			n = n*codeBase + int(c-'a')
		}
		return string(rune(n))
	}
	switch tok[0] {
	case tokBigram:
		return "B" + code(tok[1:5]) + code(tok[5:9])
	case tokStart:
		return "S" + code(tok[1:])
	case tokEnd:
		return "T" + code(tok[1:])
	case tokUni:
		return "U" + code(tok[1:])
	case tokWord:
		b := make([]byte, 0, len(tok)/2)
		for i := 1; i+1 < len(tok); i += 2 {
			b = append(b, (tok[i]-'a')<<4|(tok[i+1]-'a'))
		}
		return "W(" + string(b) + ")"
	}
	return "?" + tok
}

func decodeAll(toks []string) string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = decode(t)
	}
	return strings.Join(out, " ")
}

func TestQueryTokens(t *testing.T) {
	cases := []struct {
		name, text, want string
	}{
		{"two characters: one bigram", "处理", "B处理"},
		{"a run: its bigrams in order", "政务公开", "B政务 B务公 B公开"},
		{"one character alone: its unigram", "年", "U年"},
		{"a word bounds the run", "2020年", "W(2020) S年"},
		{"a run between words has both edges", "第208号", "T第 W(208) S号"},
		{"spaces do not break a run", "政务 公开", "B政务 B务公 B公开"},
		{"marks people leave out do not", "各市、县", "B各市 B市县"},
		{"other punctuation does", "各市。县", "B各市 T市 S县"},
		{"full width and case are folded", "ＳＣＲＩＰＴ１２", "W(script12)"},
		{"zero-width characters vanish", "处\u200b理", "B处理"},
		{"query syntax is text", `title:政务`, "W(title) S政 B政务"},
		{"kana and hangul are CJK", "カナ한국", "Bカナ Bナ한 B한국"},
		{"only punctuation", "、、", ""},
		{"long words are cut at 64 bytes", strings.Repeat("x", 70), "W(" + strings.Repeat("x", 64) + ")"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := decodeAll(queryTokens(tc.text)); got != tc.want {
				t.Errorf("queryTokens(%q) = %s, want %s", tc.text, got, tc.want)
			}
		})
	}
}

func TestEncodeField(t *testing.T) {
	uni := map[rune]bool{}
	f := encodeField(gazette.FoldSearchText("令第208号之一\n2020年全省 工作"), func(c rune) { uni[c] = true })
	var toks []string
	for _, tok := range strings.Fields(string(f.text)) {
		if tok != "." {
			toks = append(toks, decode(tok))
		}
	}
	want := "S令 B令第 T第 W(208) S号 B号之 B之一 T一 W(2020) S年 B年全 B全省 B省工 B工作 T作"
	if got := strings.Join(toks, " "); got != want {
		t.Errorf("tokens %s\nwant   %s", got, want)
	}
	// The paragraph break is a hard separator: 8 positions.
	if want := []int{0, 1, 2, 3, 4, 5, 6, 7, 15, 16, 17, 18, 19, 20, 21}; !slices.Equal(f.pos, want) {
		t.Errorf("positions %v, want %v", f.pos, want)
	}
	if got := decodeAll(strings.Fields(unigrams(uni))); got != "U一 U之 U令 U作 U全 U号 U工 U年 U省 U第" {
		t.Errorf("unigrams %s", got)
	}
}

// The derived text is ASCII letters, spaces and the hard separator only, and
// every token has the shape of its kind: Meilisearch's tokenizer keeps it
// whole, and no two kinds can collide.
func TestDerivedTextIsOpaque(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("政务公开处理待在建工程年第号〇一二三abcXYZ0123456789 ，。、\n\u3000ＡＢ１２〔〕「」\"'\\<>&;:()[]-_é日本語カナ한국𠀀")
	tokenRE := regexp.MustCompile(`^(b[a-z]{8}|[stu][a-z]{4}|w([a-p][a-p]){1,64})$`)
	for range 200 {
		rs := make([]rune, 1+r.IntN(200))
		for i := range rs {
			rs[i] = alphabet[r.IntN(len(alphabet))]
		}
		text := gazette.FoldSearchText(string(rs))
		f := encodeField(text, nil)
		for _, c := range string(f.text) {
			if !(c >= 'a' && c <= 'z' || c == ' ' || c == '.') {
				t.Fatalf("derived text of %q holds %q", text, c)
			}
		}
		for _, tok := range strings.Fields(string(f.text)) {
			if tok != "." && !tokenRE.MatchString(tok) {
				t.Fatalf("token %q of %q has no known shape", tok, text)
			}
		}
		for _, tok := range queryTokens(string(rs)) {
			if !tokenRE.MatchString(tok) {
				t.Fatalf("query token %q of %q has no known shape", tok, string(rs))
			}
		}
	}
}

// A query's tokens appear, adjacent and in order, in the derived text of any
// field that contains the query's text.
func TestQueryTokensOccurInContainingText(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []rune("政务公开处理待在建工程年第号一二三abc0123 ，。、")
	for range 2000 {
		rs := make([]rune, 5+r.IntN(60))
		for i := range rs {
			rs[i] = alphabet[r.IntN(len(alphabet))]
		}
		i := r.IntN(len(rs))
		j := i + 1 + r.IntN(len(rs)-i)
		if i > 0 && isWordRune(rs[i-1]) && isWordRune(rs[i]) || j < len(rs) && isWordRune(rs[j-1]) && isWordRune(rs[j]) {
			continue // words match whole, not in part
		}
		q := strings.TrimSpace(string(rs[i:j]))
		toks := queryTokens(q)
		if len(toks) == 0 || toks[0][0] == tokUni {
			continue
		}
		f := " " + string(encodeField(string(rs), nil).text) + " "
		if !strings.Contains(f, " "+strings.Join(toks, " ")+" ") {
			t.Fatalf("text %q holds %q, but its tokens\n%s\ndo not hold\n%s", string(rs), q,
				decodeAll(strings.Fields(f)), decodeAll(toks))
		}
	}
}

func TestSegments(t *testing.T) {
	// A pure Han paragraph: one position per token.
	r := rand.New(rand.NewPCG(5, 6))
	rs := make([]rune, 200_000)
	for i := range rs {
		rs[i] = rune(0x4E00 + r.IntN(500))
	}
	f := encodeField(string(rs), nil)
	segs := f.segments()
	if len(segs) < 4 {
		t.Fatalf("%d segments for %d tokens", len(segs), len(f.pos))
	}
	all := strings.Fields(string(f.text))
	at := 0 // index in all where the current segment starts
	for i, s := range segs {
		toks := strings.Fields(s)
		if len(toks) > segmentPositions {
			t.Errorf("segment %d has %d tokens, more than %d positions", i, len(toks), segmentPositions)
		}
		if !slices.Equal(toks, all[at:at+len(toks)]) {
			t.Fatalf("segment %d is not tokens %d.. of the field", i, at)
		}
		end := at + len(toks)
		if i+1 < len(segs) {
			next := end - segmentOverlap
			if got := strings.Fields(segs[i+1])[0]; got != all[next] {
				t.Fatalf("segment %d does not start %d tokens before the end of segment %d", i+1, segmentOverlap, i)
			}
			at = next
		} else if end != len(all) {
			t.Errorf("segments end at token %d of %d", end, len(all))
		}
	}
	// With paragraph breaks, positions (not tokens) are what count.
	var b strings.Builder
	for i := range 40_000 {
		fmt.Fprintf(&b, "第%d条\n", i)
	}
	f = encodeField(b.String(), nil)
	for i, s := range f.segments() {
		pos := 0
		for j, tok := range strings.Fields(s) {
			switch {
			case tok == ".":
				pos += hardGap - 1
			case j > 0:
				pos++
			}
		}
		if pos >= segmentPositions {
			t.Errorf("segment %d reaches position %d", i, pos)
		}
	}
}

func TestSplitBody(t *testing.T) {
	long := strings.Repeat("第一条 本办法适用于全省。\n", 3000)
	for _, body := range []string{"", "短", long, strings.Repeat("长", headRunes+1), strings.Repeat("长", headRunes+3*pieceRunes)} {
		head, pieces := splitBody(body)
		if head+strings.Join(pieces, "") != body {
			t.Fatalf("head and pieces do not make the body back")
		}
		if n := len([]rune(head)); n > headRunes {
			t.Errorf("head of %d characters", n)
		}
		for i, p := range pieces {
			if n := len([]rune(p)); n == 0 || n > pieceRunes || n < pieceRunes && i+1 < len(pieces) {
				t.Errorf("piece %d of %d has %d characters", i, len(pieces), n)
			}
		}
	}
}

func TestFiltersAreBuiltFromSafeValues(t *testing.T) {
	k := gazette.IssueKey{Year: 2019, Number: 2, Supplement: true}
	q := gazette.Query{
		Kinds:       []gazette.Kind{gazette.KindRule, gazette.KindNotice},
		Authorities: []string{`福建省人民政府" OR kind = "rule`, `\`, `\" OR \"`, `a'b`},
		Validity:    []gazette.Validity{gazette.InForce},
		Topics:      []string{`x") OR (topic_h EXISTS`},
		Years:       []int{2019, 2020},
		Issue:       &k,
		DateField:   gazette.DateSigned,
		From:        gazette.Date{Year: 2019, Month: 1, Day: 2},
		To:          gazette.Date{Year: 2019, Month: 12, Day: 31},
	}
	if err := q.Normalize(); err != nil {
		t.Fatal(err)
	}
	safe := regexp.MustCompile(`^[a-z_]+ (= "[a-z0-9_-]+"|= [0-9]+|>= [0-9]{8}|<= [0-9]{8})$`)
	var n int
	for _, f := range filters(&q) {
		var list []string
		switch f := f.(type) {
		case string:
			list = []string{f}
		case []string:
			list = f
		default:
			t.Fatalf("filter of type %T", f)
		}
		for _, s := range list {
			n++
			if !safe.MatchString(s) {
				t.Errorf("filter %q is not built from safe values", s)
			}
		}
	}
	if n != 2+4+1+1+2+1+2 {
		t.Errorf("%d filter expressions, want 13", n)
	}
	if got, want := quote(`a"b\c`), `"a\"b\\c"`; got != want {
		t.Errorf("quote = %s, want %s", got, want)
	}
}

func TestQueryParts(t *testing.T) {
	qt, err := gazette.ParseQueryText(`处理 "政务公开" -修改 -"依法 作出" 处理 、、`)
	if err != nil {
		t.Fatal(err)
	}
	pos, neg := queryParts(qt)
	if len(pos) != 2 || len(neg) != 2 {
		t.Fatalf("parts %q, exclusions %q", pos, neg)
	}
	q := queryString(neg, pos)
	if !strings.HasPrefix(q, "-") || strings.Count(q, `"`) != 4 {
		t.Errorf("query %q: want exclusions first and two phrases", q)
	}
	if strings.Trim(q, "abcdefghijklmnopqrstuvwxyz -\"") != "" {
		t.Errorf("query %q holds more than letters, spaces, minus signs and quotes", q)
	}
}

func TestTiers(t *testing.T) {
	readable := func(s string) string {
		var items []string
		for _, it := range strings.Split(s, " . ") {
			if it != "" {
				items = append(items, decodeAll(strings.Fields(it)))
			}
		}
		return strings.Join(items, " | ")
	}
	body := strings.Repeat("监护职责。", 30) + strings.Repeat("ABC。", 10) + strings.Repeat("监护人。", 3) + "监护"
	got := encodeField(gazette.FoldSearchText(body), nil).tiers()
	// 监护 is held 34 times, but only inside 监护职责 in the top tier; 护人
	// is held 3 times, and 监护人 with it; ABC is a word.
	want := [len(tierMins)]string{"B监护 B护职 B职责", "W(abc)", "B监护 B护人"}
	for i := range want {
		if r := readable(got[i]); r != want[i] {
			t.Errorf("tier %d: %s, want %s", tierMins[i], r, want[i])
		}
	}

	// A body longer than tierRefTokens has its counts scaled by its length:
	// 10 occurrences among twice as many tokens count as 5.
	tierOf := func(body string) int {
		for i, s := range encodeField(gazette.FoldSearchText(body), nil).tiers() {
			if strings.Contains(readable(s), "B监护 B护职 B职责") {
				return i
			}
		}
		return -1
	}
	short := strings.Repeat("监护职责。", 10)
	long := short + strings.Repeat("x ", 2*tierRefTokens)
	if got := tierOf(short); got != 1 {
		t.Errorf("监护职责 10 times in a short body: tier %d, want 1", got)
	}
	if got := tierOf(long); got != 2 {
		t.Errorf("监护职责 10 times among %d tokens: tier %d, want 2", 2*tierRefTokens, got)
	}

	// A body with more frequent windows than a tier holds positions keeps
	// the most frequent.
	var b strings.Builder
	for i := range 50 {
		n := 3
		if i == 49 {
			n = 9
		}
		for range n {
			b.WriteString(string(rune(0x4E00+i)) + string(rune(0x6000+i)) + "。")
		}
	}
	const limit = 200
	tiers := encodeField(b.String(), nil).tiersWithin(limit)
	items := strings.Split(tiers[2], " . ")
	if n := len(items); n < 10 || (n-1)*hardGap+n > limit {
		t.Errorf("%d windows in a tier of at most %d positions", n, limit)
	}
	if first := decodeAll(strings.Fields(items[0])); first != "B"+string(rune(0x4E00+49))+string(rune(0x6000+49)) {
		t.Errorf("the most frequent window is not first: %s", first)
	}
}
