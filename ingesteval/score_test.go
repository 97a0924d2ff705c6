package ingesteval

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestFold(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"full-width digits and letters", "２０１９年第１２期ＡＢ", "2019年第12期AB"},
		{"whitespace of every kind", "关于 印发\n\t的\u3000通知\r\n", "关于印发的通知"},
		{"Kangxi radical and compatibility ideograph", "\u2F00\uF900", "一豈"},
		{"Chinese punctuation kept", "第一条　为了（依据）。", "第一条为了(依据)。"},
		{"empty", "  \n ", ""},
		{"dot leaders are layout", "关于红军作战的原则 …… … … … １", "关于红军作战的原则1"},
		{"rules and leaders of dots", "第一章------总则．．．．3", "第一章总则3"},
		{"a date's hyphens stay", "2019-05-01", "2019-05-01"},
		{"replacement characters of the output stay", "\uFFFD\uFFFD\uFFFD原则", "\uFFFD\uFFFD\uFFFD原则"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(Fold(tc.in)); got != tc.want {
				t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// fullDistance is the textbook dynamic programme, to check Distance by.
func fullDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func TestDistance(t *testing.T) {
	tests := []struct {
		name  string
		a, b  string
		limit int
		want  int
		ok    bool
	}{
		{"equal", "福建省人民政府", "福建省人民政府", 10, 0, true},
		{"both empty", "", "", 10, 0, true},
		{"one empty", "", "通知", 10, 2, true},
		{"substitution", "关于印发的通知", "关于印友的通知", 10, 1, true},
		{"insertion", "关于印发的通知", "关于印发发的通知", 10, 1, true},
		{"deletion", "关于印发的通知", "关于印的通知", 10, 1, true},
		{"transposition is two", "闽政文", "闽文政", 10, 2, true},
		{"over the limit", "abcdefgh", "stuvwxyz", 3, 4, false},
		{"length difference over the limit", "a", "abcdefgh", 3, 4, false},
		{"at the limit", "abcd", "wxyz", 4, 4, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := Distance([]rune(tc.a), []rune(tc.b), tc.limit)
			if d != tc.want || ok != tc.ok {
				t.Errorf("Distance(%q, %q, %d) = %d, %v; want %d, %v", tc.a, tc.b, tc.limit, d, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestDistanceRandom checks the banded distance against the full one on
// random edits of random text, including distances past the first bands.
func TestDistanceRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严")
	randText := func(n int) []rune {
		out := make([]rune, n)
		for i := range out {
			out[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return out
	}
	for i := range 60 {
		a := randText(50 + rng.IntN(400))
		b := append([]rune(nil), a...)
		for range rng.IntN(1 + i*4) {
			switch p := rng.IntN(len(b) + 1); rng.IntN(3) {
			case 0:
				b = append(b[:p], append([]rune{alphabet[rng.IntN(10)]}, b[p:]...)...)
			case 1:
				if p < len(b) {
					b = append(b[:p], b[p+1:]...)
				}
			default:
				if p < len(b) {
					b[p] = alphabet[rng.IntN(10)]
				}
			}
		}
		want := fullDistance(a, b)
		got, ok := Distance(a, b, max(len(a), len(b)))
		if got != want || !ok {
			t.Fatalf("case %d: Distance = %d, %v; full programme %d (lengths %d, %d)", i, got, ok, want, len(a), len(b))
		}
		if want > 0 {
			if got, ok := Distance(a, b, want-1); ok || got != want {
				t.Fatalf("case %d: Distance with limit %d = %d, %v; want %d, false", i, want-1, got, ok, want)
			}
		}
	}
}

func TestCompareText(t *testing.T) {
	tests := []struct {
		name      string
		got, want string
		acc       float64
		capped    int
	}{
		{"perfect despite layout", "关于 印发\n２０１９年", "关于印发2019年", 1, 0},
		{"one of ten wrong", "一二三四五六七八九拾", "一二三四五六七八九十", 0.9, 0},
		{"nothing read", "", "一二三四五六七八九十", 0, 0},
		{"a reference's undecoded leaders are dropped", "原则 …… … … １", "\uFFFD-则 \uFFFD-\uFFFD-\uFFFD-\uFFFD- １", 1 - 1.0/4, 0},
		{"a reference's unknown character matches anything", "关于原则", "关于\uFFFD则", 1, 0},
		{"the output's unknown character is an error", "关于\uFFFD则", "关于原则", 0.75, 0},
		{"far longer than the reference floors at zero", "一二三四五六七八九十一二三四五六七八九十一二三", "一二三四五六七八九十", 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := CompareText(tc.got, tc.want)
			if c.Accuracy() != tc.acc || c.Capped != tc.capped || c.Texts != 1 {
				t.Errorf("CompareText = %+v, accuracy %v; want %v, capped %d", c, c.Accuracy(), tc.acc, tc.capped)
			}
		})
	}
	// A text unrelated to a long reference is capped, and its accuracy is an
	// upper bound.
	long := []rune(strings.Repeat("甲", 2*MaxBand))
	c := CompareText("乙乙乙", string(long))
	if c.Capped != 1 || c.Errors != MaxBand+1 || fmtAcc(c)[:len("≤")] != "≤" {
		t.Errorf("unrelated long text: %+v %s", c, fmtAcc(c))
	}
}

func TestBoundaries(t *testing.T) {
	truth := []span{{3, "福建省人民政府关于印发某某办法的通知"}, {5, "福建省人民政府办公厅关于做好某某工作的通知"}, {5, "福建省财政厅关于某某的批复"}, {9, "人事任免"}}
	tests := []struct {
		name  string
		found []span
		want  []int
		b     Boundaries
	}{
		{"all found", truth, []int{0, 1, 2, 3}, Boundaries{4, 4, 4}},
		{"an OCR slip in a title still matches", []span{{3, "福建省人民政府关于印发某某办法的通知"}, {5, "福建省人民政府办公厅关于做好某某工作的通矢"}, {5, "福建省财政厅关于某某的批复"}, {9, "人事任免"}},
			[]int{0, 1, 2, 3}, Boundaries{4, 4, 4}},
		{"wrong page does not match", []span{{4, "福建省人民政府关于印发某某办法的通知"}}, []int{-1, -1, -1, -1}, Boundaries{1, 4, 0}},
		{"two documents merged", []span{{3, "福建省人民政府关于印发某某办法的通知"}, {5, "福建省人民政府办公厅关于做好某某工作的通知"}, {9, "人事任免"}},
			[]int{0, 1, -1, 2}, Boundaries{3, 4, 3}},
		{"same page, titles decide", []span{{5, "福建省财政厅关于某某的批复"}, {5, "福建省人民政府办公厅关于做好某某工作的通知"}},
			[]int{-1, 1, 0, -1}, Boundaries{2, 4, 2}},
		{"a split document: the extra part matches nothing", []span{{3, "福建省人民政府关于印发某某办法的通知"}, {4, "第二章 管理"}, {5, "福建省人民政府办公厅关于做好某某工作的通知"}, {5, "福建省财政厅关于某某的批复"}, {9, "人事任免"}},
			[]int{0, 2, 3, 4}, Boundaries{5, 4, 4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := matchStarts(tc.found, truth)
			b := Boundaries{Found: len(tc.found), Truth: len(truth)}
			for i, g := range got {
				if g != tc.want[i] {
					t.Errorf("true document %d matched %d, want %d", i, g, tc.want[i])
				}
				if g >= 0 {
					b.Matched++
				}
			}
			if b != tc.b {
				t.Errorf("boundaries %+v, want %+v", b, tc.b)
			}
		})
	}
	b := Boundaries{Found: 5, Truth: 4, Matched: 4}
	if p, r, f := b.Precision(), b.Recall(), b.F1(); p != 0.8 || r != 1 || f < 0.888 || f > 0.889 {
		t.Errorf("P %v R %v F1 %v", p, r, f)
	}
}

func TestSameSet(t *testing.T) {
	tests := []struct {
		name string
		a, b []string
		want bool
	}{
		{"same order", []string{"福建省财政厅", "福建省教育厅"}, []string{"福建省财政厅", "福建省教育厅"}, true},
		{"other order and spacing", []string{"福建省教育厅", "福建省 财政厅"}, []string{"福建省财政厅", "福建省教育厅"}, true},
		{"one missing", []string{"福建省财政厅"}, []string{"福建省财政厅", "福建省教育厅"}, false},
		{"both empty", nil, []string{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := sameSet(tc.a, tc.b); got != tc.want {
				t.Errorf("sameSet = %v, want %v", got, tc.want)
			}
		})
	}
}
