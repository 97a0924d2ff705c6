package gazette

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseQueryText(t *testing.T) {
	cases := []struct {
		name                     string
		in                       string
		terms, phrases, excluded []string
		docNumbers               []string
	}{
		{"words", "政务公开 实施意见", []string{"政务公开", "实施意见"}, nil, nil, nil},
		{"ideographic space", "政务公开\u3000实施意见", []string{"政务公开", "实施意见"}, nil, nil, nil},
		{"phrase", `"行政许可" 目录`, []string{"目录"}, []string{"行政许可"}, nil, nil},
		{"curly phrase", "“行政 许可”", nil, []string{"行政 许可"}, nil, nil},
		{"corner-bracket phrase", "「行政许可」", nil, []string{"行政许可"}, nil, nil},
		{"unclosed quote runs to the end", `"行政许可`, nil, []string{"行政许可"}, nil, nil},
		{"exclusion", "行政许可 -修改", []string{"行政许可"}, nil, []string{"修改"}, nil},
		{"full-width minus", "行政许可 －修改", []string{"行政许可"}, nil, []string{"修改"}, nil},
		{"excluded phrase", `规章 -"已废止"`, []string{"规章"}, nil, []string{"已废止"}, nil},
		{"lone minus is nothing", "规章 - 办法", []string{"规章", "办法"}, nil, nil, nil},
		{"full-width Latin folds", "ＧＢ／Ｔ", []string{"gb/t"}, nil, nil, nil},
		{"punctuation trimmed", "《福建省行政许可事项目录管理办法》，", []string{"福建省行政许可事项目录管理办法"}, nil, nil, nil},
		{"doc number", "闽政[2019]14号", nil, nil, nil, []string{"闽政〔2019〕14号"}},
		{"doc number and words", "闽政（2019）14号 实施意见", []string{"实施意见"}, nil, nil, []string{"闽政〔2019〕14号"}},
		{"order", "福建省人民政府令 第208号", nil, nil, nil, []string{"福建省人民政府令第208号"}},
		{"syntax is text", `kind:rule OR 1=1`, []string{"kind:rule", "or", "1=1"}, nil, nil, nil},
		{"empty", "   ", nil, nil, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			qt, err := ParseQueryText(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			var nums []string
			for _, n := range qt.DocNumbers {
				nums = append(nums, n.String())
			}
			if !slices.Equal(qt.Terms, tc.terms) || !slices.Equal(qt.Phrases, tc.phrases) || !slices.Equal(qt.Excluded, tc.excluded) || !slices.Equal(nums, tc.docNumbers) {
				t.Errorf("ParseQueryText(%q) = terms %q phrases %q excluded %q numbers %q", tc.in, qt.Terms, qt.Phrases, qt.Excluded, nums)
			}
		})
	}
	if _, err := ParseQueryText(strings.Repeat("字", MaxQueryRunes+1)); !errors.Is(err, ErrInvalid) {
		t.Errorf("over-long query: %v", err)
	}
	if _, err := ParseQueryText(strings.Repeat("a ", MaxQueryTerms+1)); !errors.Is(err, ErrInvalid) {
		t.Errorf("too many terms: %v", err)
	}
}

func TestQueryNormalize(t *testing.T) {
	q := Query{Text: "政务"}
	if err := q.Normalize(); err != nil || q.Page != 1 || q.PerPage != DefaultPerPage || q.Sort != SortRelevance || q.DateField != DatePublished {
		t.Errorf("defaults: %+v, %v", q, err)
	}
	bad := map[string]Query{
		"page past the result window": {Page: MaxResultWindow, PerPage: 10},
		"negative per page":           {PerPage: -5},
		"bad date field":              {DateField: "created"},
		"date out of range":           {From: Date{Year: 1800, Month: 1, Day: 1}},
		"bad validity":                {Validity: []Validity{"valid"}},
		"bad year":                    {Years: []int{20190}},
		"bad issue":                   {Issue: &IssueKey{Year: 2019}},
		"empty authority":             {Authorities: []string{""}},
		"long topic":                  {Topics: []string{strings.Repeat("长", 101)}},
		"invalid UTF-8":               {Text: "\xff"},
		"only punctuation":            {Text: "……！？、《》"},
		"only a symbol":               {Text: " ☆ "},
		"too long":                    {Text: strings.Repeat("长", MaxQueryRunes+1)},
		"empty ID":                    {IDs: []string{"2019-1-1", ""}},
		"ID with a control character": {IDs: []string{"2019-1-1\n"}},
		"more IDs than a page":        {IDs: slices.Repeat([]string{"2019-1-1"}, MaxPerPage+1)},
	}
	for name, q := range bad {
		if err := q.Normalize(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	// Nothing to match, and nothing to exclude, is not the same as no text:
	// that would list every document.
	for _, text := range []string{"……！？、《》", "——", "☆"} {
		q := Query{Text: text}
		if err := q.Normalize(); !errors.Is(err, ErrNothingToSearch) {
			t.Errorf("%q: %v, want ErrNothingToSearch", text, err)
		}
	}
	for _, text := range []string{"", "  ", "-营商", "水", "a"} {
		q := Query{Text: text}
		if err := q.Normalize(); err != nil {
			t.Errorf("%q: %v", text, err)
		}
	}
}

func TestSnippet(t *testing.T) {
	cases := []struct {
		name, text string
		needles    []string
		max        int
		want       string
	}{
		{"marks", "推进政务公开标准化", []string{"政务公开"}, 50, "推进<mark>政务公开</mark>标准化"},
		{"escapes before marking", `<b>公开</b> & "公开"`, []string{"公开"}, 50, `&lt;b&gt;<mark>公开</mark>&lt;/b&gt; &amp; &#34;<mark>公开</mark>&#34;`},
		{"needle looking like markup", "a<mark>b", []string{"<mark>"}, 50, "a<mark>&lt;mark&gt;</mark>b"},
		{"window around a late match", strings.Repeat("甲", 100) + "公开" + strings.Repeat("乙", 100), []string{"公开"}, 12, "…甲甲甲甲<mark>公开</mark>乙乙乙乙乙乙…"},
		{"longest needle wins", "政务公开", []string{"公开", "政务公开"}, 50, "<mark>政务公开</mark>"},
		{"folds width and case", "ＧＢ／Ｔ 9704", []string{"gb/t"}, 50, "<mark>ＧＢ／Ｔ</mark> 9704"},
		{"a window cut mid-word starts at the next clause", "各市人民政府，省直有关机构：根据国家有关规定，决定调整最低工资标准。", []string{"最低"}, 36, "…决定调整<mark>最低</mark>工资标准。"},
		{"no match: start of text", "第一条 为了规范", []string{"缺"}, 3, "第一条…"},
		{"across the marks people leave out", "实行“双随机、一公开”监管", []string{"双随机一公开"}, 50, "实行“<mark>双随机、一公开</mark>”监管"},
		{"a mark in the needle, none in the text", "推进政务公开", []string{"政务、公开"}, 50, "推进<mark>政务公开</mark>"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Snippet(tc.text, tc.needles, tc.max); got != tc.want {
				t.Errorf("Snippet = %q, want %q", got, tc.want)
			}
		})
	}
}
