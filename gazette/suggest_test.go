package gazette

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestSuggestMatch(t *testing.T) {
	const title = "关于加强饮用水水源保护的通知"
	tests := []struct {
		name, typed, title, number string
		match, prefix              bool
	}{
		{"title prefix", "关于加强", title, "", true, true},
		{"word inside a title", "饮用水", title, "", true, false},
		{"not in the title", "饮用水源地", title, "", false, false},
		{"punctuation parts characters", "饮用水", "关于饮用（水）的通知", "", false, false},
		{"marks people leave out", "双随机一公开", "关于推行“双随机、一公开”监管的通知", "", true, false},
		{"spaces and full width", "２０２０年 全省", "关于印发2020年全省工作要点的通知", "", true, false},
		{"number, square brackets", "闽政[2016]3号", "无关", "闽政〔2016〕3号", true, true},
		{"number without brackets", "闽政 2016 3号", "无关", "闽政〔2016〕3号", true, true},
		{"number prefix", "闽政〔2016〕", "无关", "闽政〔2016〕3号", true, true},
		{"a word is whole", "闽政〔2016〕3号", "无关", "闽政〔2016〕31号", false, false},
		{"serial inside a number", "2016〕3号", "无关", "闽政〔2016〕3号", true, false},
		{"latin case", "GB/T", "关于执行gb/t 9704的通知", "", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			match, prefix := SuggestMatch(SuggestKey(tt.typed), SuggestKey(tt.title), SuggestKey(tt.number))
			if match != tt.match || prefix != tt.prefix {
				t.Errorf("SuggestMatch(%q; %q, %q) = %v, %v; want %v, %v", tt.typed, tt.title, tt.number, match, prefix, tt.match, tt.prefix)
			}
		})
	}
}

func TestCheckSuggestText(t *testing.T) {
	tests := []struct {
		name, text string
		ok         bool
		invalid    bool
	}{
		{"two characters", "水源", true, false},
		{"one character", "水", false, false},
		{"one letter", "a", false, false},
		{"punctuation only", "〔〕、。！？——", false, false},
		{"spaces only", "   ", false, false},
		{"mixed scripts", "GDP增长 ЖКХ", true, false},
		{"256 characters", strings.Repeat("怎", 256), true, false},
		{"257 characters", strings.Repeat("怎", 257), false, true},
		{"not UTF-8", "饮用\xff水", false, true},
		{"control character", "饮用\x00水", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ok, err := CheckSuggestText(tt.text)
			if ok != tt.ok || errors.Is(err, ErrInvalid) != tt.invalid || (err != nil) != tt.invalid {
				t.Errorf("CheckSuggestText(%.20q) = %v, %v; want ok %v, invalid %v", tt.text, ok, err, tt.ok, tt.invalid)
			}
		})
	}
}

func TestSuggestRankOrder(t *testing.T) {
	d := func(y, m int) Date { return Date{Year: y, Month: 1, Day: m} }
	ranks := []SuggestRank{
		{Prefix: false, Published: d(2024, 1), Order: PrintOrder("2024-1-1")},
		{Prefix: true, Superseded: true, Published: d(2024, 1), Order: PrintOrder("2024-1-2")},
		{Prefix: true, Published: d(2019, 1), Order: PrintOrder("2019-1-1")},
		{Prefix: true, Published: d(2020, 1), Order: PrintOrder("2020-1-1")},
		{Prefix: true, Published: d(2020, 1), Order: PrintOrder("2020-1-2")},
		{Prefix: true, Order: PrintOrder("2025-1-1")}, // no date: last of its kind
	}
	got := slices.Clone(ranks)
	slices.SortFunc(got, SuggestRank.Compare)
	want := []SuggestRank{ranks[4], ranks[3], ranks[2], ranks[5], ranks[1], ranks[0]}
	if !slices.Equal(got, want) {
		t.Errorf("order:\n got %v\nwant %v", got, want)
	}
	if PrintOrder("2019-2-10") <= PrintOrder("2019-2-9") || PrintOrder("2019-s1-1") <= PrintOrder("2019-12-1") {
		t.Error("PrintOrder does not follow print order")
	}
}
