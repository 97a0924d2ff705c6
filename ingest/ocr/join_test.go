package ocr

import "testing"

func TestJoinWords(t *testing.T) {
	tests := []struct {
		name  string
		words []string
		want  string
	}{
		{name: "han characters", words: []string{"福", "建", "省", "人民政府"}, want: "福建省人民政府"},
		{name: "latin words", words: []string{"GB/T", "9704-2012"}, want: "GB/T 9704-2012"},
		{name: "digits beside han", words: []string{"2019", "年", "4", "月"}, want: "2019年4月"},
		{name: "full-width punctuation", words: []string{"闽政", "〔2019〕", "14", "号", "，", "现印发"}, want: "闽政〔2019〕14号，现印发"},
		{name: "latin inside chinese", words: []string{"使用", "PDF", "文件"}, want: "使用PDF文件"},
		{name: "empty words dropped", words: []string{"", "第一条", " ", "总则"}, want: "第一条总则"},
		{name: "nothing", words: nil, want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := joinWords(tc.words); got != tc.want {
				t.Errorf("joinWords(%q) = %q, want %q", tc.words, got, tc.want)
			}
		})
	}
}

func TestChinesePunct(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{name: "colon after han", in: "各直属机构:", want: "各直属机构："},
		{name: "brackets around han", in: "县(区)人民政府", want: "县（区）人民政府"},
		{name: "full stop at end", in: "请认真贯彻执行.", want: "请认真贯彻执行。"},
		{name: "decimal kept", in: "增长1.5倍", want: "增长1.5倍"},
		{name: "latin kept", in: "see Art. 3, (a)", want: "see Art. 3, (a)"},
		{name: "comma between han", in: "省政府,各部门", want: "省政府，各部门"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := chinesePunct(tc.in); got != tc.want {
				t.Errorf("chinesePunct(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestFixReading(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{name: "latin O in a date", in: "二O二四年二月二十三日", want: "二〇二四年二月二十三日"},
		{name: "zeros in a date", in: "二00二年", want: "二〇〇二年"},
		{name: "zero before 年", in: "一九九O年", want: "一九九〇年"},
		{name: "arabic numbers untouched", in: "2020年第10期", want: "2020年第10期"},
		{name: "latin text untouched", in: "ISO 9001", want: "ISO 9001"},
		{name: "brackets of a 文号 kept as read", in: "梧政[2024]17号", want: "梧政[2024]17号"},
		{name: "digits beside one numeral kept", in: "第一0", want: "第一0"},
		{name: "〇 read as DO", in: "苍梧省人民政府\n二DO二四年三月二十八日", want: "苍梧省人民政府\n二〇二四年三月二十八日"},
		{name: "〇 read as brackets", in: "二（）二二年七月十日", want: "二〇二二年七月十日"},
		{name: "〇 read as 口 and D", in: "二口口D年", want: "二〇〇〇年"},
		{name: "〇 read as Q in 一九Q九", in: "一九Q九年", want: "一九〇九年"},
		{name: "arabic year with zeros kept", in: "自2000年起", want: "自2000年起"},
		{name: "口 outside a year kept", in: "人口二年", want: "人口二年"},
		{name: "year must start with 一 or 二", in: "三口二四年", want: "三口二四年"},
		{name: "part of a longer number kept", in: "一二D二四年", want: "一二D二四年"},
		{name: "not four digits of a year", in: "二DOD0年", want: "二DOD0年"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newReading(tc.in, nil)
			fixReading(r)
			if got := r.String(); got != tc.want {
				t.Errorf("fixReading(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
