package archive

import (
	"slices"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/gazette"
)

func TestMeaningfulTerms(t *testing.T) {
	cases := []struct {
		name, question string
		want           []string
	}{
		{"long run becomes bigrams", "谁可以成为个体工商户？", []string{"成为", "为个", "个体", "体工", "工商", "商户"}},
		{"short runs stay whole", "工伤保险怎么交？", []string{"工伤保险"}},
		{"question words and particles split", "我的房子被拆了怎么办", []string{"房子被拆"}},
		{"是多少 counts for nothing", "最低工资标准是多少", []string{"最低", "低工", "工资", "资标", "标准"}},
		{"punctuation splits", "劳动合同无效后，劳动者能否要求赔偿", []string{"劳动", "动合", "合同", "同无", "无效", "效后", "劳动者", "要求赔偿"}},
		{"letters and digits", "2020年的ＧＤＰ统计", []string{"2020", "gdp", "统计"}},
		{"only question words", "是什么？怎么办？", nil},
		{"repeats go", "合同合同，合同", []string{"合同合同", "合同"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := meaningfulTerms(tc.question); !slices.Equal(got, tc.want) {
				t.Errorf("meaningfulTerms(%q) = %q, want %q", tc.question, got, tc.want)
			}
		})
	}
	var long strings.Builder
	for i := range 80 {
		long.WriteRune(rune(0x5100 + 3*i)) // distinct Han characters, none a particle
	}
	if got := meaningfulTerms(long.String()); len(got) != maxTerms {
		t.Errorf("%d terms from a long question, want the cap %d", len(got), maxTerms)
	}
}

func TestJoinTerms(t *testing.T) {
	cases := []struct {
		name, text  string
		terms, want []string
	}{
		{"bigrams of one word", "饮用水水源保护区怎么划定", []string{"饮用", "用水", "水水", "水源", "源保", "保护", "护区", "划定"}, []string{"饮用水水源保护区", "划定"}},
		{"a missing bigram splits", "饮用水水源保护区", []string{"饮用", "用水", "保护", "护区"}, []string{"饮用水", "保护区"}},
		{"words apart in the text stay apart", "划定 定期", []string{"划定", "定期"}, []string{"划定", "定期"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := joinTerms(tc.text, tc.terms); !slices.Equal(got, tc.want) {
				t.Errorf("joinTerms(%q, %q) = %q, want %q", tc.text, tc.terms, got, tc.want)
			}
		})
	}
}

func TestLegalTerms(t *testing.T) {
	for _, tc := range []struct {
		question string
		want     []string
	}{
		{"邻居家的狗咬伤了人，房东不管怎么办", []string{"相邻", "饲养动物", "动物", "损害", "出租人"}},
		{"楼上的噪音和噪声", nil},                         // the law's word is there already
		{"ＦＵＬＬ　老板拖欠工资", []string{"劳动报酬", "用人单位"}}, // folded first; in the order of legalWords
		{"行政许可事项目录怎么管理", nil},
	} {
		if got := legalTerms(tc.question); !slices.Equal(got, tc.want) {
			t.Errorf("legalTerms(%q) = %q, want %q", tc.question, got, tc.want)
		}
	}
}

// TestHanInAgreesWithTitleKey checks the shortcut partialSearch takes before
// computing a title's key: whenever it answers, the answer is the key's.
func TestHanInAgreesWithTitleKey(t *testing.T) {
	titles := []string{
		"关于印发《水源保护区划定办法》的通知",
		"水\u200b源保护区划定", // a zero-width space inside the term
		"水源 保护区",        // a space inside the term
		"ＧＤＰ统计办法",
		"⼈民政府令", // a Kangxi radical, a symbol TitleKey drops
		"",
	}
	terms := []string{"水源", "源保", "保护区", "划定", "通知", "gdp", "ＧＤＰ", "⼈民", "人民", "民政", "政府令"}
	answered := 0
	for _, title := range titles {
		key := gazette.TitleKey(title)
		for _, term := range terms {
			want := strings.Contains(key, term)
			switch hanIn(title, term) {
			case yes:
				answered++
				if !want {
					t.Errorf("hanIn(%q, %q) = yes, but the key %q lacks it", title, term, key)
				}
			case no:
				answered++
				if want {
					t.Errorf("hanIn(%q, %q) = no, but the key %q holds it", title, term, key)
				}
			}
		}
	}
	if answered == 0 {
		t.Fatal("hanIn answered nothing")
	}
	for _, c := range []struct{ title, term string }{{"水\u200b源保护区划定", "水源"}, {"水源 保护区", "源保"}, {"⼈民政府令", "⼈民"}} {
		if got := hanIn(c.title, c.term); got != maybe {
			t.Errorf("hanIn(%q, %q) = %v, want maybe: only the key can tell", c.title, c.term, got)
		}
	}
}
