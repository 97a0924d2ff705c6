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
