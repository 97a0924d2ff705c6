package archive

import (
	"slices"
	"strings"
	"unicode"

	"github.com/gazette-archive/gazette/gazette"
)

// Meaningful terms of a question. Search ANDs the words of a query, which is
// right for a search box and wrong for a question typed as it is spoken:
// 怎么 or 是多少 occur in no document and empty the page. When that happens,
// Search falls back to the query's meaningful terms (see partialSearch),
// cut out as follows, with no dictionary, the way the STARD evaluation
// measured best (recall@10 0.777 against 0.09 for the question as one query):
//
//  1. The text is folded (gazette.FoldSearchText) and cut into runs of Han
//     characters and runs of letters and digits; punctuation, symbols and
//     spaces separate runs.
//  2. Question words and particles are cut out of Han runs: the words of
//     questionWords first, then the single characters of particleChars.
//  3. Han pieces of 2–4 characters are kept whole, longer pieces become their
//     overlapping bigrams (个体工商户 → 个体 体工 工商 商户), which is how
//     indexes without a dictionary match Chinese; single characters go;
//     letter and digit runs of 2 or more are kept.
//  4. Duplicates go; at most maxTerms remain, in order of appearance.

// maxTerms caps the terms, hence the index searches, per query.
const maxTerms = 24

// questionWords are the interrogatives, modal verbs and fillers of questions
// as ordinary people type them (taken from the STARD question set of real
// legal questions, ../shared/corpus/stard): words that carry the question,
// not its subject. Longer ones come first, as they are cut in order.
var questionWords = []string{
	"为什么", "怎么办", "怎么样", "有没有", "是不是", "会不会", "要不要", "能不能", "可不可以", "是多少",
	"什么", "怎么", "怎样", "如何", "是否", "能否", "可否", "可以", "能够", "应该", "哪些", "哪个",
	"多少", "需要", "还是", "或者", "如果", "但是", "因为", "所以", "请问", "已经", "没有", "这个",
	"那个", "这些", "那些", "自己", "一个", "时候", "情况", "问题",
}

// particleChars are single characters that end or glue a question (吗 呢 的
// 了 …) or name the asker, and rarely sit inside a content word.
const particleChars = "的了吗呢吧啊么是在我你他她它谁哪怎"

// meaningfulTerms returns the terms of text that count in a partial match,
// as documented above.
func meaningfulTerms(text string) []string {
	s := gazette.FoldSearchText(text)
	for _, w := range questionWords {
		s = strings.ReplaceAll(s, w, " ")
	}
	var out []string
	add := func(k string) {
		if len(out) < maxTerms && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	addHan := func(rs []rune) {
		switch {
		case len(rs) < 2:
		case len(rs) <= 4:
			add(string(rs))
		default:
			for _, b := range bigrams(string(rs)) {
				add(b)
			}
		}
	}
	var han, word []rune
	flush := func() {
		addHan(han)
		if len(word) >= 2 {
			add(string(word))
		}
		han, word = han[:0], word[:0]
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r) && !strings.ContainsRune(particleChars, r):
			if len(word) > 0 {
				flush()
			}
			han = append(han, r)
		case !unicode.Is(unicode.Han, r) && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if len(han) > 0 {
				flush()
			}
			word = append(word, r)
		default:
			flush()
		}
	}
	flush()
	return out
}

// bigrams returns the overlapping pairs of characters of a Han word of 3 or
// more characters (个体工商户 → 个体 体工 工商 商户), none for shorter ones or
// for words with letters or digits.
func bigrams(word string) []string {
	rs := []rune(word)
	if len(rs) < 3 || slices.ContainsFunc(rs, func(r rune) bool { return !unicode.Is(unicode.Han, r) }) {
		return nil
	}
	out := make([]string, 0, len(rs)-1)
	for i := 0; i+1 < len(rs); i++ {
		out = append(out, string(rs[i:i+2]))
	}
	return out
}

// joinTerms merges, for display, terms that are overlapping bigrams of one
// longer word of text (水源 源保 保护 → 水源保护), in the order given.
func joinTerms(text string, terms []string) []string {
	folded := gazette.FoldSearchText(text)
	var out []string
	for _, t := range terms {
		if n := len(out); n > 0 {
			last, tr := []rune(out[n-1]), []rune(t)
			joined := out[n-1] + string(tr[1:])
			if len(tr) == 2 && last[len(last)-1] == tr[0] && strings.Contains(folded, joined) {
				out[n-1] = joined
				continue
			}
		}
		out = append(out, t)
	}
	return out
}

// legalWords map words of everyday speech, as people type them into a
// question, to the words the law uses for the same thing (噪音 → 噪声,
// 房东 → 出租人): a question in everyday words otherwise misses the text
// that answers it. Each entry is a general correspondence of the language,
// not of one question.
var legalWords = []struct {
	everyday []string
	legal    []string
}{
	{[]string{"噪音"}, []string{"噪声"}},
	{[]string{"邻居"}, []string{"相邻"}},
	{[]string{"老公", "丈夫"}, []string{"配偶"}},
	{[]string{"老婆", "妻子"}, []string{"配偶"}},
	{[]string{"小孩", "孩子", "儿子", "女儿"}, []string{"子女"}},
	{[]string{"狗", "猫", "宠物"}, []string{"饲养动物"}},
	{[]string{"咬伤", "抓伤"}, []string{"动物", "损害"}},
	{[]string{"砸伤", "砸坏", "砸到", "掉下来", "掉落"}, []string{"坠落", "脱落"}},
	{[]string{"车祸", "撞车", "撞人", "被撞"}, []string{"交通事故"}},
	{[]string{"偷"}, []string{"盗窃"}},
	{[]string{"骗子", "被骗", "骗钱"}, []string{"诈骗"}},
	{[]string{"打人", "打伤", "被打"}, []string{"殴打", "伤害"}},
	{[]string{"工资"}, []string{"劳动报酬"}},
	{[]string{"辞退", "开除", "炒鱿鱼", "辞职", "离职"}, []string{"解除劳动合同"}},
	{[]string{"老板", "公司不"}, []string{"用人单位"}},
	{[]string{"员工", "职工", "打工"}, []string{"劳动者"}},
	{[]string{"加班"}, []string{"延长工作时间"}},
	{[]string{"房东"}, []string{"出租人"}},
	{[]string{"租客", "租户", "房客"}, []string{"承租人"}},
	{[]string{"借钱", "欠钱", "借条", "欠条", "欠款"}, []string{"借款", "债务"}},
	{[]string{"坐牢", "判刑", "判几年", "判多久"}, []string{"有期徒刑", "刑罚"}},
	{[]string{"赔钱"}, []string{"赔偿"}},
	{[]string{"打官司", "告他", "告她"}, []string{"诉讼", "起诉"}},
	{[]string{"商家", "卖家", "店家"}, []string{"经营者"}},
	{[]string{"买家", "顾客"}, []string{"消费者"}},
	{[]string{"假货"}, []string{"假冒"}},
	{[]string{"造谣", "谣言"}, []string{"诽谤", "名誉"}},
	{[]string{"骂人", "辱骂"}, []string{"侮辱"}},
	{[]string{"养老"}, []string{"赡养"}},
	{[]string{"房子"}, []string{"房屋"}},
	{[]string{"医院"}, []string{"医疗机构"}},
	{[]string{"医生", "护士"}, []string{"医务人员"}},
	{[]string{"警察"}, []string{"公安机关"}},
}

// legalTerms returns the words of the law for the everyday words that
// text holds (legalWords), those text does not hold already, in order.
func legalTerms(text string) []string {
	s := gazette.FoldSearchText(text)
	var out []string
	for _, e := range legalWords {
		if !slices.ContainsFunc(e.everyday, func(w string) bool { return strings.Contains(s, w) }) {
			continue
		}
		for _, l := range e.legal {
			if !strings.Contains(s, l) && !slices.Contains(out, l) {
				out = append(out, l)
			}
		}
	}
	return out
}
