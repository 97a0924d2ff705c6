package gazette

import (
	"reflect"
	"testing"
)

func TestHeadings(t *testing.T) {
	body := []string{
		"为了规范……，制定本办法。", // 0: preamble
		"第一章　总则",        // 1
		"第一条　为了加强管理，根据《中华人民共和国行政处罚法》第三条，制定本规定。", // 2
		"第二条 本规定适用于本省。", // 3
		"第二章　管理",        // 4
		"第一节　一般规定",      // 5
		"第十三条　有关部门应当……", // 6
		"（一）第三条规定的事项；",  // 7: not a heading
		"第十三条之一　新增的条款。", // 8
		"第二节　特别规定",      // 9
		"第１０１条　全角数字。",   // 10
		"第二批名单如下：",      // 11: a sentence
		"第三条　引用的旧条文",    // 12: number goes back: a quotation
		"附件：实施细则",       // 13
		"第一条　附件自己的第一条",  // 14: repeated anchor
		"第三章节",          // 15: not a heading
	}
	got := Headings(body)
	want := []Heading{
		{Kind: Chapter, Para: 1, Number: 1, Label: "第一章", Anchor: "chap-1"},
		{Kind: Article, Para: 2, Number: 1, Label: "第一条", Anchor: "art-1"},
		{Kind: Article, Para: 3, Number: 2, Label: "第二条", Anchor: "art-2"},
		{Kind: Chapter, Para: 4, Number: 2, Label: "第二章", Anchor: "chap-2"},
		{Kind: Section, Para: 5, Number: 1, Label: "第一节", Anchor: "sec-2-1"},
		{Kind: Article, Para: 6, Number: 13, Label: "第十三条", Anchor: "art-13"},
		{Kind: Article, Para: 8, Number: 13, Sub: 1, Label: "第十三条之一", Anchor: "art-13-1"},
		{Kind: Section, Para: 9, Number: 2, Label: "第二节", Anchor: "sec-2-2"},
		{Kind: Article, Para: 10, Number: 101, Label: "第１０１条", Anchor: "art-101"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Headings:\n got %+v\nwant %+v", got, want)
	}
	for _, c := range []struct {
		para int
		want string
	}{{0, ""}, {1, "chap-1"}, {7, "art-13"}, {8, "art-13-1"}, {14, "art-101"}} {
		if a := ArticleOf(got, c.para); a != c.want {
			t.Errorf("ArticleOf(%d) = %q, want %q", c.para, a, c.want)
		}
	}
}

func TestHeadingNumbers(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want bool
	}{{"一", 1, true}, {"十", 10, true}, {"一千", 1000, true}, {"一千零五", 1005, true}, {"一千零一十二", 1012, true},
		{"一千一百一十九", 1119, true}, {"一千二百六十", 1260, true}, {"一千零一百", 0, false}, {"十千", 0, false}, {"一百零五", 105, true}, {"九百九十九", 999, true}, {"13", 13, true},
		{"", 0, false}, {"0", 0, false}, {"013", 0, false}, {"一十", 0, false}, {"千", 0, false}, {"10000", 0, false}} {
		n, ok := headingNumber(c.in)
		if ok != c.want || (ok && n != c.n) {
			t.Errorf("headingNumber(%q) = %d, %v; want %d, %v", c.in, n, ok, c.n, c.want)
		}
	}
}

func TestMatchAnchor(t *testing.T) {
	body := "福建省某某管理办法\n第一章　总则\n第一条　为了规范管理，制定本办法。\n第二章　许可\n第十三条　申请行政许可，应当提交材料。\n第十四条　其他事项。"
	for _, c := range []struct {
		needles []string
		want    string
	}{
		{[]string{"行政许可"}, "art-13"},
		{[]string{"规范管理"}, "art-1"},
		{[]string{"许可"}, "chap-2"}, // 第二章　许可: the chapter's heading
		{[]string{"某某"}, ""},       // before the first heading
		{[]string{"核电"}, ""},
		{nil, ""},
		{[]string{"其他", "规范"}, "art-1"}, // the first match in the text
	} {
		if got := MatchAnchor(body, c.needles); got != c.want {
			t.Errorf("MatchAnchor(%v) = %q, want %q", c.needles, got, c.want)
		}
	}
}
