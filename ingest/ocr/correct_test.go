package ocr

import (
	"cmp"
	"slices"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/ingest/page"
)

// correct runs one rule over text whose runes are all read at 95, except
// those in unsure, read at 40.
func correct(rule func(*reading), text, unsure string) *reading {
	r := newReading(text, nil)
	for i, c := range r.rs {
		r.conf[i] = 95
		if strings.ContainsRune(unsure, c) {
			r.conf[i] = 40
		}
	}
	rule(r)
	return r
}

func TestFixDocNumbers(t *testing.T) {
	tests := []struct {
		name, in, want string
		from, to       string // the correction recorded; "" for none
	}{
		{name: "bracket read as [5", in: "深府[52016] 60号", want: "深府〔2016〕60号", from: "深府[52016] 60号", to: "深府〔2016〕60号"},
		{name: "square brackets", in: "粤教考[2015] 14号", want: "粤教考〔2015〕14号", from: "粤教考[2015] 14号", to: "粤教考〔2015〕14号"},
		{name: "lenticular brackets", in: "粤教考【2015】14号", want: "粤教考〔2015〕14号", from: "粤教考【2015】14号", to: "粤教考〔2015〕14号"},
		{name: "parentheses", in: "（国办发（2012）46号）和", want: "（国办发〔2012〕46号）和", from: "国办发（2012）46号", to: "国办发〔2012〕46号"},
		{name: "opening read as 3", in: "粤教考32015]14号", want: "粤教考〔2015〕14号", from: "粤教考32015]14号", to: "粤教考〔2015〕14号"},
		{name: "opening read as 1", in: "穗建住保12015〕1312号", want: "穗建住保〔2015〕1312号", from: "穗建住保12015〕1312号", to: "穗建住保〔2015〕1312号"},
		{name: "closing read as 1 before a space", in: "粤府办[20121 137号", want: "粤府办〔2012〕137号", from: "粤府办[20121 137号", to: "粤府办〔2012〕137号"},
		{name: "both read as two brackets", in: "澜府〔【2013]】26号", want: "澜府〔2013〕26号", from: "澜府〔【2013]】26号", to: "澜府〔2013〕26号"},
		{name: "closing read as two brackets", in: "豫政〔2022]】22号", want: "豫政〔2022〕22号", from: "豫政〔2022]】22号", to: "豫政〔2022〕22号"},
		{name: "words before the agency kept out", in: "根据粤府办[2012] 137号文", want: "根据粤府办〔2012〕137号文", from: "粤府办[2012] 137号", to: "粤府办〔2012〕137号"},
		{name: "as printed: untouched", in: "闽政〔2019〕14号", want: "闽政〔2019〕14号"},
		{name: "closing 1 or lost 〕: a guess, untouched", in: "粤教考[201514号", want: "粤教考[201514号"},
		{name: "no bracket on either side, untouched", in: "粤教考3201511 4号", want: "粤教考3201511 4号"},
		{name: "not a year, untouched", in: "第[3015] 14号", want: "第[3015] 14号"},
		{name: "an order number, untouched", in: "省政府令第208号", want: "省政府令第208号"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := correct(fixDocNumbers, tc.in, "")
			checkFix(t, r, tc.want, RuleDocNumber, tc.from, tc.to)
		})
	}
}

// checkFix checks a reading's text and its one correction (none when from
// is "").
func checkFix(t *testing.T, r *reading, want, rule, from, to string) {
	t.Helper()
	if got := r.String(); got != want {
		t.Errorf("text %q, want %q", got, want)
	}
	if len(r.conf) != len(r.rs) {
		t.Errorf("%d confidences for %d runes", len(r.conf), len(r.rs))
	}
	switch {
	case from == "" && len(r.fixes) > 0:
		t.Errorf("corrections %+v, want none", r.fixes)
	case from != "" && len(r.fixes) != 1:
		t.Errorf("corrections %+v, want one %q → %q", r.fixes, from, to)
	case from != "":
		c := r.fixes[0]
		if c.From != from || c.To != to || c.Rule != rule || c.Confidence <= 0 || c.Confidence > 1 {
			t.Errorf("correction %+v, want %q → %q by %s with a confidence", c, from, to, rule)
		}
	}
}

func TestFixReadingRecords(t *testing.T) {
	tests := []struct{ name, in, want, from, to string }{
		{name: "〇 of a year", in: "二O一九年四月", want: "二〇一九年四月", from: "二O一九年", to: "二〇一九年"},
		{name: "〇 of a year read as 9", in: "二9二四年二月", want: "二〇二四年二月", from: "二9二四年", to: "二〇二四年"},
		{name: "an Arabic year, untouched", in: "2009年", want: "2009年"},
		{name: "O in an Arabic year", in: "自2O15年起", want: "自2015年起", from: "2O15年", to: "2015年"},
		{name: "O in a month", in: "1O月", want: "10月", from: "1O月", to: "10月"},
		{name: "O in a code kept", in: "GZ2O15年", want: "GZ2O15年"},
		{name: "O without a unit kept", in: "型号3O", want: "型号3O"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := correct(fixReading, tc.in, "")
			checkFix(t, r, tc.want, RuleZero, tc.from, tc.to)
		})
	}
}

func TestFixDates(t *testing.T) {
	tests := []struct{ name, in, want, from, to string }{
		{name: "1 read as 工", in: "本通知自2015年12月工日起施行。", want: "本通知自2015年12月1日起施行。", from: "2015年12月工日", to: "2015年12月1日"},
		{name: "日 under a seal read as 晶", in: "2016年3月16晶", want: "2016年3月16日", from: "2016年3月16晶", to: "2016年3月16日"},
		{name: "日 of a 印发日期 read as 昌", in: "省政府办公室2015年3月15昌印发", want: "省政府办公室2015年3月15日印发", from: "2015年3月15昌", to: "2015年3月15日"},
		{name: "日 under a seal read as 百", in: "2015年3月14百", want: "2015年3月14日", from: "2015年3月14百", to: "2015年3月14日"},
		{name: "0 read as O in a day", in: "2016年3月1O日", want: "2016年3月10日", from: "2016年3月1O日", to: "2016年3月10日"},
		{name: "no such day, untouched", in: "2015年2月3工日", want: "2015年2月3工日"},
		{name: "a date as printed, untouched", in: "2015年11月17日", want: "2015年11月17日"},
		{name: "晶 outside a date, untouched", in: "3月16晶体管", want: "3月16晶体管"},
		{name: "日 read as 0 on a date line", in: "2015年3月140", want: "2015年3月14日", from: "2015年3月140", to: "2015年3月14日"},
		{name: "日 read as a Han character on a date line", in: "2015年3月14侣", want: "2015年3月14日", from: "2015年3月14侣", to: "2015年3月14日"},
		{name: "年 read as a Han character on a date line", in: "2015第3月14日", want: "2015年3月14日", from: "2015第3月14日", to: "2015年3月14日"},
		{name: "月 read as a mark on a date line", in: "2015 年3有 14 日", want: "2015年3月14日", from: "2015 年3有 14 日", to: "2015年3月14日"},
		{name: "年 and 月 both misread, untouched", in: "2015第3有14日", want: "2015第3有14日"},
		{name: "年 misread inside a sentence, untouched", in: "于2015第3月14日起", want: "于2015第3月14日起"},
		{name: "年 misread, no such day, untouched", in: "2015第2月30日", want: "2015第2月30日"},
		{name: "日 lost after a one-digit day, untouched", in: "2015年3月14", want: "2015年3月14"},
		{name: "a date inside a sentence, untouched", in: "于2015年3月14起", want: "于2015年3月14起"},
		{name: "no such day on a date line, untouched", in: "2015年2月30T", want: "2015年2月30T"},
		{name: "二 of a Chinese-numeral day read as 三", in: "二〇二四年二月三十三日", want: "二〇二四年二月二十三日", from: "二〇二四年二月三十三日", to: "二〇二四年二月二十三日"},
		{name: "Chinese-numeral date, two ways to make it exist, untouched", in: "二〇二四年二月三十日", want: "二〇二四年二月三十日"},
		{name: "Chinese-numeral date as printed, untouched", in: "二〇二四年二月二十三日", want: "二〇二四年二月二十三日"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := correct(fixDates, tc.in, "")
			checkFix(t, r, tc.want, RuleDate, tc.from, tc.to)
		})
	}
}

func TestFixTrial(t *testing.T) {
	tests := []struct {
		name, in       string
		quoting        bool
		want, from, to string
	}{
		{name: "both brackets and the 》 read as one", in: "实施细则〈试行六的通知", quoting: true, want: "实施细则（试行）》的通知", from: "〈试行六", to: "（试行）》"},
		{name: "the 《 opened on the same line", in: "现将《细则（试行及印发给你们", want: "现将《细则（试行）》印发给你们", from: "（试行及", to: "（试行）》"},
		{name: "no 《 open", in: "办法〈暂行六，", want: "办法（暂行），", from: "〈暂行六", to: "（暂行）"},
		{name: "the opening bracket misread", in: "《办法<试行）》", want: "《办法（试行）》", from: "<试行）", to: "（试行）"},
		{name: "as printed, untouched", in: "《办法（试行）》的通知", quoting: false, want: "《办法（试行）》的通知"},
		{name: "a sentence about a trial, untouched", in: "（试行期为一年）", want: "（试行期为一年）"},
		{name: "no bracket, untouched", in: "本办法试行六个月", want: "本办法试行六个月"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := correct(func(r *reading) { fixTrial(r, tc.quoting) }, tc.in, "")
			checkFix(t, r, tc.want, RuleTrial, tc.from, tc.to)
		})
	}
	if quotingAfter("关于印发《来穗务工人员", false) != true || quotingAfter("细则（试行）》的通知", true) != false {
		t.Error("quotingAfter does not follow 《 and 》")
	}
}

func TestFixWords(t *testing.T) {
	tests := []struct{ name, in, want, from, to string }{
		{name: "印发机关 with 厅 read as 打", in: "苍梧省人民政府办公打2016年11月30日印发", want: "苍梧省人民政府办公厅2016年11月30日印发", from: "办公打", to: "办公厅"},
		{name: "a 抄送 item with 厅 read as 斤", in: "市委办公厅，市人大常委会办公厅，市政协办公斤。", want: "市委办公厅，市人大常委会办公厅，市政协办公厅。", from: "办公斤", to: "办公厅"},
		{name: "at the end of the line", in: "省政协办公打", want: "省政协办公厅", from: "办公打", to: "办公厅"},
		{name: "before 关于 in a title", in: "省人民政府办公斤关于印发", want: "省人民政府办公厅关于印发", from: "办公斤", to: "办公厅"},
		{name: "a 发文机关标志 with 厅 read as 打", in: "临海市人民政府办公打文件", want: "临海市人民政府办公厅文件", from: "办公打", to: "办公厅"},
		{name: "公 read as 分", in: "临海市人民政府办分厅", want: "临海市人民政府办公厅", from: "办分厅", to: "办公厅"},
		{name: "a word of its own, untouched", in: "新建办公厂房三栋", want: "新建办公厂房三栋"},
		{name: "办公厂 before another word, untouched", in: "办公厂区文件柜", want: "办公厂区文件柜"},
		{name: "办 read as 力 after a quoted title", in: "河南省实施《浙江省矿产资源管理条例》力法", want: "河南省实施《浙江省矿产资源管理条例》办法", from: "力法", to: "办法"},
		{name: "办 read as 力 in 管理办法", in: "城市供水管理力法", want: "城市供水管理办法", from: "力法", to: "办法"},
		{name: "a law's name, untouched", in: "《中华人民共和国电力法》", want: "《中华人民共和国电力法》"},
		{name: "效力 and 法, untouched", in: "具有同等效力法律文书", want: "具有同等效力法律文书"},
		{name: "予 read as 子 in a 附注", in: "（此件不子公开）", want: "（此件不予公开）", from: "不子公开", to: "不予公开"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkFix(t, correct(fixWords, tc.in, ""), tc.want, RuleWord, tc.from, tc.to)
		})
	}
}

func TestFixNames(t *testing.T) {
	lex := NewLexicon([]string{"澜江省人民政府办公厅"})
	tests := []struct{ name, in, unsure, want, from, to string }{
		{name: "department", in: "广东省人为资源和社会保障厅", unsure: "为", want: "广东省人力资源和社会保障厅", from: "人为资源和社会保障厅", to: "人力资源和社会保障厅"},
		{name: "城乡 read as 碱乡", in: "广州市住房和碱乡建设委员会", unsure: "碱", want: "广州市住房和城乡建设委员会", from: "住房和碱乡建设委员会", to: "住房和城乡建设委员会"},
		{name: "a place with its prefecture", in: "广东省广州市番愚区", unsure: "愚", want: "广东省广州市番禺区", from: "广州市番愚区", to: "广州市番禺区"},
		{name: "a name from the archive", in: "澜江省人民政府办公斤", unsure: "斤", want: "澜江省人民政府办公厅", from: "澜江省人民政府办公斤", to: "澜江省人民政府办公厅"},
		{name: "read surely: untouched", in: "广东省人为资源和社会保障厅", want: "广东省人为资源和社会保障厅"},
		{name: "as near two names (厅, 局): untouched", in: "住房和城乡建设打", unsure: "打", want: "住房和城乡建设打"},
		{name: "two of three unsure: untouched", in: "广州市盔遇区", unsure: "盔遇", want: "广州市盔遇区"},
		{name: "a name not in the lexicon, near none: untouched", in: "澜江省人民政府", unsure: "澜", want: "澜江省人民政府"},
		// A province's name is too short to correct; its government's is not.
		{name: "省 of a 令's heading read as 举", in: "四川举人民政府令", unsure: "举", want: "四川省人民政府令", from: "四川举", to: "四川省"},
		{name: "省 of a 印发机关 read as 符", in: "四川符人民政府办公厅2015年2月5日印发", unsure: "符", want: "四川省人民政府办公厅2015年2月5日印发", from: "四川符", to: "四川省"},
		{name: "another place's government, its end unsure: untouched", in: "吉林市人民政府", unsure: "市", want: "吉林市人民政府"},
		{name: "a county's government, its end unsure: untouched", in: "富顺县人民政府", unsure: "县", want: "富顺县人民政府"},
		{name: "a stem of two divisions (吉林省, 吉林市): untouched", in: "吉林符人民政府", unsure: "符", want: "吉林符人民政府"},
		{name: "a stem no division has: untouched", in: "澜江符人民政府", unsure: "符", want: "澜江符人民政府"},
		{name: "no body's name after it: untouched", in: "四川举办活动", unsure: "举", want: "四川举办活动"},
		{name: "a place's end read surely: untouched", in: "四川举人民政府", want: "四川举人民政府"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := correct(func(r *reading) { fixNames(r, lex) }, tc.in, tc.unsure)
			checkFix(t, r, tc.want, RuleLexicon, tc.from, tc.to)
		})
	}
}

func TestParseTSVRecordsCorrections(t *testing.T) {
	tsv := "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n" +
		"1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t\n" +
		"5\t1\t1\t1\t1\t1\t300\t300\t400\t60\t96\t福建省人民政府\n" +
		"5\t1\t1\t1\t2\t1\t300\t400\t200\t60\t91\t闽政\n" +
		"5\t1\t1\t1\t2\t2\t500\t400\t200\t60\t35\t[2019]\n" +
		"5\t1\t1\t1\t2\t3\t700\t400\t100\t60\t90\t14号\n"
	p, err := parseTSV([]byte(tsv), 300, builtinLexicon())
	if err != nil {
		t.Fatal(err)
	}
	if got := p.PlainText(); got != "福建省人民政府\n闽政〔2019〕14号" {
		t.Errorf("text %q", got)
	}
	want := []page.Correction{{Line: 1, From: "闽政[2019] 14号", To: "闽政〔2019〕14号", Rule: RuleDocNumber, Confidence: 0.35}}
	if !slices.Equal(p.Corrections, want) {
		t.Errorf("corrections %+v, want %+v", p.Corrections, want)
	}
}

func TestCheckDates(t *testing.T) {
	lines := func(texts ...string) []page.Line {
		var out []page.Line
		for _, s := range texts {
			out = append(out, page.Line{Text: s})
		}
		return out
	}
	pages := []page.Page{
		{Number: 1, Extractor: page.OCR, Confidence: 0.8, Lines: lines("深圳市人民政府文件", "深府〔2016〕60号", "自2006年起实施的办法")},
		{Number: 2, Extractor: page.OCR, Confidence: 0.7, Lines: lines("深圳市人民政府", "2086年3月16日", "2006年3月1日", "有效期至2926年5月31日，2018年起", "有效期至2926年5")},
		{Number: 3, Extractor: page.Text, Confidence: 1, Lines: lines("2086年3月16日")},
		{Number: 4, Extractor: page.OCR, Confidence: 0.9, Lines: lines("深圳市人民政府办公厅　2016年3月17日印发")},
	}
	CheckDates(pages)
	got := [][]string{strings.Split(pages[0].PlainText(), "\n"), strings.Split(pages[1].PlainText(), "\n"), strings.Split(pages[2].PlainText(), "\n")}
	if got[1][1] != "2016年3月16日" || got[1][2] != "2006年3月1日" || got[0][2] != "自2006年起实施的办法" || got[2][0] != "2086年3月16日" {
		t.Errorf("after CheckDates: %q", got)
	}
	if got[1][3] != "有效期至2026年5月31日，2018年起" || got[1][4] != "有效期至2026年5" {
		t.Errorf("years far past the file's: %q, %q, want 有效期至2026年5月31日，2018年起 and 有效期至2026年5", got[1][3], got[1][4])
	}
	want := []page.Correction{{Line: 1, From: "2086年3月16日", To: "2016年3月16日", Rule: RuleDate, Confidence: 0.7},
		{Line: 3, From: "有效期至2926年5月31日，2018年起", To: "有效期至2026年5月31日，2018年起", Rule: RuleDate, Confidence: 0.7},
		{Line: 4, From: "有效期至2926年5", To: "有效期至2026年5", Rule: RuleDate, Confidence: 0.7}}
	if !slices.Equal(pages[1].Corrections, want) || len(pages[0].Corrections)+len(pages[2].Corrections)+len(pages[3].Corrections) > 0 {
		t.Errorf("corrections %+v, want %+v on page 2 only", pages[1].Corrections, want)
	}
}

// TestCheckDatesNumberAfterPrint holds CheckDates to a 文号 whose year
// was read as later than the 印发日期 it was printed on.
func TestCheckDatesNumberAfterPrint(t *testing.T) {
	pages := []page.Page{
		{Number: 1, Extractor: page.OCR, Confidence: 0.8, Lines: []page.Line{{Text: "豫交规〔2016〕24号"}}},
		{Number: 2, Extractor: page.OCR, Confidence: 0.7, Lines: []page.Line{{Text: "河南省交通运输厅办公室　2010年3月9日印发"}}},
	}
	CheckDates(pages)
	if got := pages[0].Lines[0].Text; got != "豫交规〔2010〕24号" {
		t.Errorf("文号 %q, want 豫交规〔2010〕24号", got)
	}
	if len(pages[0].Corrections) != 1 {
		t.Errorf("corrections %+v, want one", pages[0].Corrections)
	}
	// A 文号 of an earlier year, or of a year more than a digit apart, is
	// as printed.
	pages = []page.Page{
		{Number: 1, Extractor: page.OCR, Lines: []page.Line{{Text: "根据豫政〔2008〕3号和豫政〔2031〕3号"}}},
		{Number: 2, Extractor: page.OCR, Lines: []page.Line{{Text: "2010年3月9日印发"}}},
	}
	CheckDates(pages)
	if got := pages[0].Lines[0].Text; got != "根据豫政〔2008〕3号和豫政〔2031〕3号" {
		t.Errorf("changed %q", got)
	}
}

// TestCheckDatesPrintDateToCome holds CheckDates to a 印发日期 whose year
// was misread into the future: it is set to the passed year a digit
// apart, and then serves as the reference for the signed date.
func TestCheckDatesPrintDateToCome(t *testing.T) {
	pages := []page.Page{
		{Number: 1, Extractor: page.OCR, Confidence: 0.8, Lines: []page.Line{{Text: "澜府〔2013〕26号"}, {Text: "2613年3月12日"}}},
		{Number: 2, Extractor: page.OCR, Confidence: 0.7, Lines: []page.Line{{Text: "一二三四五六七八九十一二三四五六七八九十"}, {Text: "澜江省人民政府办公厅2613年3月14日印发"}}},
		{Number: 3, Extractor: page.OCR, Confidence: 0.7, Lines: []page.Line{{Text: "1000年一遇的洪水"}}},
	}
	CheckDates(pages)
	if got := pages[1].Lines[1].Text; got != "澜江省人民政府办公厅2013年3月14日印发" {
		t.Errorf("印发 line %q, want 澜江省人民政府办公厅2013年3月14日印发", got)
	}
	if got := pages[0].Lines[1].Text; got != "2013年3月12日" {
		t.Errorf("signed date %q, want 2013年3月12日", got)
	}
	if got := pages[2].Lines[0].Text; got != "1000年一遇的洪水" {
		t.Errorf("a number of years changed: %q", got)
	}
	if len(pages[1].Corrections) != 1 || pages[1].Corrections[0].Rule != RuleDate || len(pages[0].Corrections) != 1 {
		t.Errorf("corrections not recorded: %+v, %+v", pages[0].Corrections, pages[1].Corrections)
	}
}

// TestCheckDatesPrintAfterSigned holds a 印发日期 to the signed date above
// it: a year misread years after the signing (2016 or 2018 for 2010) is
// the signed date's where the 文号 says that year too; a date within weeks
// of the signing, or whose year no misreading makes, is as read, and so
// is one where no 文号 settles which of the two dates is misread.
func TestCheckDatesPrintAfterSigned(t *testing.T) {
	for _, tc := range []struct{ name, number, signed, print, want, wantSigned string }{
		{"a digit misread", "豫交规〔2010〕24号", "2010年3月8日", "河南省交通运输厅办公室　2016年3月9日印发", "河南省交通运输厅办公室　2010年3月9日印发", ""},
		{"the signed date in Chinese numerals", "豫交规〔2010〕24号", "二〇一〇年三月八日", "河南省交通运输厅办公室　2018年3月9日印发", "河南省交通运输厅办公室　2010年3月9日印发", ""},
		{"no 文号: one date against the other", "", "2010年3月8日", "河南省交通运输厅办公室　2016年3月9日印发", "", ""},
		{"a signed date yet to come: it is the one corrected", "豫交规〔2086〕24号", "2086年3月16日", "河南省交通运输厅办公室　2016年3月17日印发", "", "2016年3月16日"},
		{"the 文号 agrees with the 印发日期", "豫交规〔2016〕24号", "2010年3月8日", "河南省交通运输厅办公室　2016年3月9日印发", "", ""},
		{"within weeks", "豫交规〔2010〕24号", "2010年3月8日", "河南省交通运输厅办公室　2010年4月2日印发", "", ""},
		{"across the new year", "豫交规〔2010〕24号", "2010年12月28日", "河南省交通运输厅办公室　2011年1月4日印发", "", ""},
		{"no misreading of the year", "豫交规〔2010〕24号", "2010年3月8日", "河南省交通运输厅办公室　2031年3月9日印发", "", ""},
		{"still not after the signing", "豫交规〔2010〕24号", "2010年3月8日", "河南省交通运输厅办公室　2016年3月1日印发", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			first := []page.Line{{Text: "河南省交通运输厅"}}
			if tc.number != "" {
				first = append(first, page.Line{Text: tc.number})
			}
			pages := []page.Page{
				{Number: 1, Extractor: page.OCR, Confidence: 0.8, Lines: append(first, page.Line{Text: "河南省交通运输厅"}, page.Line{Text: tc.signed})},
				{Number: 2, Extractor: page.OCR, Confidence: 0.7, Lines: []page.Line{{Text: "抄送：省政府办公厅。"}, {Text: tc.print}}},
			}
			CheckDates(pages)
			got, want := pages[1].Lines[1].Text, cmp.Or(tc.want, tc.print)
			if got != want {
				t.Errorf("印发 line %q, want %q", got, want)
			}
			wantCorr := []page.Correction(nil)
			if tc.want != "" {
				wantCorr = []page.Correction{{Line: 1, From: tc.print, To: tc.want, Rule: RuleDate, Confidence: 0.7}}
			}
			if !slices.Equal(pages[1].Corrections, wantCorr) {
				t.Errorf("corrections %+v, want %+v", pages[1].Corrections, wantCorr)
			}
			if last, want := pages[0].Lines[len(pages[0].Lines)-1].Text, cmp.Or(tc.wantSigned, tc.signed); last != want {
				t.Errorf("signed date %q, want %q", last, want)
			}
		})
	}
}

// TestCheckDatesNoPrintLine: a file without a 版记 is checked against its
// 文号 alone.
func TestCheckDatesNoPrintLine(t *testing.T) {
	pages := []page.Page{{Number: 1, Extractor: page.OCR, Confidence: 0.8, Lines: []page.Line{{Text: "豫交规〔2010〕24号"}, {Text: "有效期至2910年5月31日"}}}}
	CheckDates(pages)
	if got := pages[0].Lines[1].Text; got != "有效期至2010年5月31日" {
		t.Errorf("far year %q, want 有效期至2010年5月31日", got)
	}
}

// TestCheckDatesLostNumeral restores a numeral of a Chinese-numeral year
// lost under a seal from the 印发日期, where the three read are the year's
// in order and the date is not after the printing.
func TestCheckDatesLostNumeral(t *testing.T) {
	for _, tc := range []struct{ name, date, want string }{
		{"the last 〇 lost", "二〇一年三月八日", "二〇一〇年三月八日"},
		{"the first 〇 lost", "二一〇年三月八日", "二〇一〇年三月八日"},
		{"not the year's numerals", "二〇五年三月八日", "二〇五年三月八日"},
		{"after the printing", "二〇一年三月十日", "二〇一年三月十日"},
		{"in a sentence", "于二〇一年三月八日", "于二〇一年三月八日"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pages := []page.Page{ocrPage("河南省交通运输厅", tc.date), ocrPage("河南省交通运输厅办公室　2010年3月9日印发")}
			CheckDates(pages)
			if got := pages[0].Lines[1].Text; got != tc.want {
				t.Errorf("%q, want %q", got, tc.want)
			}
			fixed := tc.want != tc.date
			if fixed != (len(pages[0].Corrections) == 1) {
				t.Fatalf("corrections %+v", pages[0].Corrections)
			}
			if fixed && (pages[0].Corrections[0] != page.Correction{Line: 1, From: tc.date, To: tc.want, Rule: RuleDate, Confidence: 0.8}) {
				t.Errorf("correction %+v", pages[0].Corrections[0])
			}
		})
	}
}

// TestCheckDatesSealed settles a Chinese-numeral 成文日期 garbled under a
// seal against the 印发日期 and the 文号's year, where one date only fits
// what was read, and records the correction with the page's confidence;
// a reading several dates fit is left as read.
func TestCheckDatesSealed(t *testing.T) {
	tests := []struct {
		name, number, signed, printed, want string
	}{
		{"〇 read as letters and a character, 十 as 牛", "粤卫〔2002〕60号", "二所OO二年五月三牛日", "广东省卫生健康委员会办公室2002年5月30日印发", "二〇〇二年五月三十日"},
		{"a 〇 lost and 八 read as 人", "豫交规〔2010〕24号", "二0一年三月人日", "河南省交通运输厅办公室2010年3月9日印发", "二〇一〇年三月八日"},
		{"the 印发日期 misread: the 文号's year, read more nearly", "豫交规〔2010〕24号", "二〇一〇年三月人日", "河南省交通运输厅办公室2018年3月9日印发", "二〇一〇年三月八日"},
		{"a year two edits off", "豫交规〔2010〕24号", "二〇〇一9年三月八日", "河南省交通运输厅办公室2010年3月9日印发", "二〇〇一9年三月八日"},
		{"a day of 十 and a numeral lost: several fit", "澜府〔2013〕26号", "二和所一三年三月十芝晶", "澜江省人民政府办公厅2013年3月14日印发", "二和所一三年三月十芝晶"},
		{"Arabic numerals, 月 and 日 misread", "梧卫规〔2015〕18号", "2015年3呈14惠", "苍梧省卫生健康委员会办公室2015年3月15日印发", "2015年3月14日"},
		{"Arabic numerals, after the printing", "梧卫规〔2015〕18号", "2015年3呈16惠", "苍梧省卫生健康委员会办公室2015年3月15日印发", "2015年3呈16惠"},
		{"Arabic numerals, the year's first digit read as a character", "泽政办〔2018〕33号", "和018年10月25日", "泽安省人民政府办公厅2018年10月26日印发", "2018年10月25日"},
		{"Arabic numerals, the year's first digit lost", "泽政办〔2018〕33号", "018年10月25日", "泽安省人民政府办公厅2018年10月26日印发", "2018年10月25日"},
		{"Arabic numerals, a garbled year after the printing", "泽政办〔2018〕33号", "和018年10月27日", "泽安省人民政府办公厅2018年10月26日印发", "和018年10月27日"},
		{"Arabic numerals, a year two edits off", "泽政办〔2018〕33号", "和08年10月25日", "泽安省人民政府办公厅2018年10月26日印发", "和08年10月25日"},
		{"no date's shape", "澜府〔2013〕26号", "二〇一三年度工作要点", "澜江省人民政府办公厅2013年3月14日印发", "二〇一三年度工作要点"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkSealed(t, tt.number, tt.signed, nil, tt.printed, tt.want)
		})
	}
}

// TestCheckDatesSealedReadings settles a 成文日期 that no reading of its
// line made alone by the line's other readings (page.Line.Readings), where
// those sealedDate settles settle on one date.
func TestCheckDatesSealedReadings(t *testing.T) {
	tests := []struct {
		name, number, signed string
		readings             []string
		printed, want        string
	}{
		{"the ring whitened lost 年, left in kept it", "粤卫〔2002〕6号", "二wo二“五月三--昌",
			[]string{"二〇二五月三", "二No二年五月三了日", "二二年五月三日"}, "广东省卫生健康委员会办公室2002年5月30日印发", "二〇〇二年五月三十日"},
		{"several dates fit the readings", "澜府〔2013〕26号", "二Ar三第=月+大日",
			[]string{"二一三年三月十-日", "二一三年三月十", "二三年三月二"}, "澜江省人民政府办公厅2013年3月14日印发", "二Ar三第=月+大日"},
		{"readings settled on two dates", "粤卫〔2002〕6号", "二wo二“五月三--昌",
			[]string{"二No二年五月三了日", "二〇〇二年五月二十日"}, "广东省卫生健康委员会办公室2002年5月30日印发", "二wo二“五月三--昌"},
		{"the line's own month and day legible", "豫政〔2022〕22号", "己G二二年六月二十三日",
			[]string{"二吃二二年六月二十二日", "二二二年六月二十二日"}, "河南省人民政府办公厅2022年6月24日印发", "己G二二年六月二十三日"},
		{"a reading that lost a numeral of the day the line's own shows", "临环规〔2024〕34号", "二护二四年二月十去晶",
			[]string{"二殷二四年二月十去日", "二二四年二月十日", "二二四年二月十三日"}, "临海市生态环境厅办公室2024年2月15日印发", "二〇二四年二月十三日"},
		{"no reading settled", "粤卫〔2002〕6号", "二wo二“五月三--昌",
			[]string{"二〇二五月三", "-Ac=人RE人"}, "广东省卫生健康委员会办公室2002年5月30日印发", "二wo二“五月三--昌"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkSealed(t, tt.number, tt.signed, tt.readings, tt.printed, tt.want)
		})
	}
}

// TestCheckDatesDayLost settles a signed date read without its day under
// a seal by the day two or more of its other readings give after its
// month, where none gives another and the date is not after the 印发日期.
func TestCheckDatesDayLost(t *testing.T) {
	tests := []struct {
		name, signed string
		readings     []string
		want         string
	}{
		{"two readings give the day", "2016年9月日", []string{"2016第9有6昌", "201696", "eole和9月6日人", "69月6日"}, "2016年9月6日"},
		{"one reading only", "2016年9月日", []string{"2016第9有6昌", "69月6日"}, "2016年9月日"},
		{"readings disagree", "2016年9月日", []string{"9月6日", "9月5日", "9月6日"}, "2016年9月日"},
		{"after the printing", "2016年9月日", []string{"9月8日", "9月8日"}, "2016年9月日"},
		{"another month", "2016年1月日", []string{"11月6日", "11月6日"}, "2016年1月日"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkSealed(t, "云人社规〔2016〕9号", tt.signed, tt.readings, "云南省人力资源和社会保障厅办公室2016年9月6日印发", tt.want)
		})
	}
}

// TestCheckDatesSealedInIssue settles a signed date garbled under a seal
// in a file with no 印发日期 and no regular 文号 (a gazette issue of 令s
// and appointments) against the years of the dates the file prints
// whole: the year read most nearly wins; a file with no whole date, or
// readings that fit years equally, leaves it as read.
func TestCheckDatesSealedInIssue(t *testing.T) {
	tests := []struct {
		name, signed string
		readings     []string
		other, want  string
	}{
		{"〇 and 一 lost, again alone 〇 read as C", "二四年十一月三十日",
			[]string{"二一四年十一月三十日", "二C一四年十一月三十日", "二四年十一月三十日"}, "2014年12月28日", "二〇一四年十一月三十日"},
		{"a year after the others", "二〇五年三月五日", nil, "2014年12月28日", "二〇一五年三月五日"},
		{"no whole date in the file", "二四年十一月三十日",
			[]string{"二C一四年十一月三十日"}, "省长　向琳", "二四年十一月三十日"},
		{"a year that fits three years equally", "二〇一任年三月五日", nil, "2014年12月28日", "二〇一任年三月五日"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pages := []page.Page{
				ocrPage("泽安省人民政府令", "第142号", "省长　向琳", tt.other),
				{Number: 2, Extractor: page.OCR, Confidence: 0.8, Lines: []page.Line{{Text: "泽安省人民政府"}, {Text: tt.signed, Readings: tt.readings}}},
			}
			CheckDates(pages)
			if got := pages[1].Lines[1].Text; got != tt.want {
				t.Errorf("signed date %q, want %q", got, tt.want)
			}
			changed := tt.want != tt.signed
			if got := len(pages[1].Corrections); changed && (got != 1 || pages[1].Corrections[0].Confidence != 0.8) || !changed && got != 0 {
				t.Errorf("corrections %+v", pages[1].Corrections)
			}
		})
	}
}

// checkSealed runs CheckDates on a file of a 文号 line and a signed date
// line (its other readings readings) on page 1 and a 印发 line on page 2,
// and holds the signed date to want and its correction to the page's
// confidence.
func checkSealed(t *testing.T, number, signed string, readings []string, printed, want string) {
	t.Helper()
	pages := []page.Page{
		{Number: 1, Extractor: page.OCR, Confidence: 0.8, Lines: []page.Line{{Text: number}, {Text: signed, Readings: readings}}},
		{Number: 2, Extractor: page.OCR, Confidence: 0.7, Lines: []page.Line{{Text: printed}}},
	}
	CheckDates(pages)
	if got := pages[0].Lines[1].Text; got != want {
		t.Errorf("signed date %q, want %q", got, want)
	}
	changed := want != signed
	if got := len(pages[0].Corrections); changed && (got != 1 || pages[0].Corrections[0].Confidence != 0.8 || pages[0].Corrections[0].From != signed) || !changed && got != 0 {
		t.Errorf("corrections %+v", pages[0].Corrections)
	}
}

// TestCheckYears holds CheckYears to a year no line of the file can
// print, given its 文号: a title's 2692年 and 2062年 are 2002年; a year
// within reach stays, and so do the pages of a text layer.
func TestCheckYears(t *testing.T) {
	lines := func(texts ...string) []page.Line {
		var out []page.Line
		for _, s := range texts {
			out = append(out, page.Line{Text: s})
		}
		return out
	}
	pages := []page.Page{
		{Number: 1, Extractor: page.OCR, Confidence: 0.8, Lines: lines("广东省卫生健康委员会文件", "粤卫〔2002〕60号",
			"广东省卫生健康委员会关于申请安排2692年农村公路", "安排2062年资金，规划至2035年", "联系电话：0718-87662142")},
		{Number: 2, Extractor: page.Text, Confidence: 1, Lines: lines("关于申请安排2692年农村公路")},
	}
	CheckYears(pages)
	got := strings.Split(pages[0].PlainText(), "\n")
	if got[2] != "广东省卫生健康委员会关于申请安排2002年农村公路" || got[3] != "安排2002年资金，规划至2035年" || got[4] != "联系电话：0718-87662142" {
		t.Errorf("after CheckYears: %q", got)
	}
	if pages[1].Lines[0].Text != "关于申请安排2692年农村公路" {
		t.Errorf("text page changed: %q", pages[1].Lines[0].Text)
	}
	want := []page.Correction{{Line: 2, From: "广东省卫生健康委员会关于申请安排2692年农村公路", To: "广东省卫生健康委员会关于申请安排2002年农村公路", Rule: RuleDate, Confidence: 0.8},
		{Line: 3, From: "安排2062年资金，规划至2035年", To: "安排2002年资金，规划至2035年", Rule: RuleDate, Confidence: 0.8}}
	if !slices.Equal(pages[0].Corrections, want) {
		t.Errorf("corrections %+v, want %+v", pages[0].Corrections, want)
	}
	// The 印发日期 is the reference where no 文号 is printed.
	p := []page.Page{{Extractor: page.OCR, Confidence: 0.5, Lines: lines("关于2610年工作的通知", "省政府办公厅　2010年3月9日印发")}}
	CheckYears(p)
	if got := p[0].Lines[0].Text; got != "关于2010年工作的通知" {
		t.Errorf("against the 印发日期: %q, want 关于2010年工作的通知", got)
	}
}

func TestMisreadYear(t *testing.T) {
	tests := []struct {
		read string
		ref  int
		want string
	}{
		{"2692", 2002, "2002"},
		{"2062", 2010, "2002"}, // 6 for 0 before 2012, a 2 for a 6
		{"2920", 2016, "2020"},
		{"7777", 2016, ""},
	}
	for _, tt := range tests {
		if got := misreadYear(tt.read, tt.ref); got != tt.want {
			t.Errorf("misreadYear(%s, %d) = %q, want %q", tt.read, tt.ref, got, tt.want)
		}
	}
}

// TestCheckDatesChineseYear holds CheckDates to a signed date in Chinese
// numerals whose year was read a digit off and after the 印发日期: its year
// becomes the 印发日期's, as an Arabic one does.
func TestCheckDatesChineseYear(t *testing.T) {
	pages := []page.Page{
		{Number: 1, Extractor: page.OCR, Confidence: 0.6, Lines: []page.Line{{Text: "澜江省人民政府"}, {Text: "二〇二三年三月十二日"}}},
		{Number: 2, Extractor: page.OCR, Confidence: 0.8, Lines: []page.Line{{Text: "澜江省人民政府办公厅　2013年3月14日印发"}}},
	}
	CheckDates(pages)
	if got := pages[0].Lines[1].Text; got != "二〇一三年三月十二日" {
		t.Errorf("signed date %q, want 二〇一三年三月十二日", got)
	}
	want := []page.Correction{{Line: 1, From: "二〇二三年三月十二日", To: "二〇一三年三月十二日", Rule: RuleDate, Confidence: 0.6}}
	if !slices.Equal(pages[0].Corrections, want) {
		t.Errorf("corrections %+v, want %+v", pages[0].Corrections, want)
	}
}

// TestCheckDatesOrder holds a 令's signed date to the sentence it signs:
// signed before the rule was passed is a year misread in one digit where
// the passing and the taking effect agree; a date that fits, or one no
// year a digit apart would make fit, is as read.
func TestCheckDatesOrder(t *testing.T) {
	order := func(signed string) []page.Page {
		return []page.Page{{Number: 1, Extractor: page.OCR, Confidence: 0.6, Lines: []page.Line{
			{Text: "四川省人民政府令"}, {Text: "第217号"},
			{Text: "《四川省实施〈劳动就业服务企业管理规定〉办法》已经2023年2月8日省人"},
			{Text: "民政府第43次常务会议通过，现予公布，自2023年4月1日起施行。"},
			{Text: "省长　薛光"}, {Text: signed},
			{Text: "第一条　自2020年1月1日起的规定"}, {Text: "2019年5月1日"},
		}}}
	}
	pages := order("2022年2月18日")
	CheckDates(pages)
	want := []page.Correction{{Line: 5, From: "2022年2月18日", To: "2023年2月18日", Rule: RuleDate, Confidence: 0.6}}
	if !slices.Equal(pages[0].Corrections, want) || pages[0].Lines[5].Text != "2023年2月18日" {
		t.Errorf("corrections %+v, want %+v", pages[0].Corrections, want)
	}
	for _, signed := range []string{"2023年2月18日", "2023年5月18日", "2013年2月1日"} {
		pages := order(signed)
		CheckDates(pages)
		if pages[0].Lines[5].Text != signed || pages[0].Lines[7].Text != "2019年5月1日" {
			t.Errorf("signed %s: lines %q, %q, corrections %+v", signed, pages[0].Lines[5].Text, pages[0].Lines[7].Text, pages[0].Corrections)
		}
	}

	// A signed date in Chinese numerals whose year lost numerals (the
	// round 〇 and the thin 一 of small type) is the one date between
	// the passing and the taking effect that the numerals read fit; by
	// a reading again where the line itself is garbled.
	for _, c := range []struct {
		name, signed string
		readings     []string
		want         string
	}{
		{name: "two numerals of the year lost", signed: "二三年三月十日", want: "二〇二三年三月十日"},
		{name: "garbled, by a reading again", signed: "二有二关年地月十日", readings: []string{"年三月十日", "二二年三月十日"}, want: "二〇二三年三月十日"},
		{name: "month not read", signed: "二三年地月十日", want: "二三年地月十日"},
		{name: "outside the window", signed: "二三年九月十日", want: "二三年九月十日"},
		{name: "numerals no year of the window has", signed: "二一九年三月十日", want: "二一九年三月十日"},
	} {
		pages := order(c.signed)
		pages[0].Lines[5].Readings = c.readings
		CheckDates(pages)
		if got := pages[0].Lines[5].Text; got != c.want {
			t.Errorf("%s: signed %q, want %q", c.name, got, c.want)
		}
		if changed := c.want != c.signed; changed != (len(pages[0].Corrections) == 1) {
			t.Errorf("%s: corrections %+v", c.name, pages[0].Corrections)
		}
	}

	// In an issue of the gazette, the 印发 line of another document
	// printed earlier is no reference for a 令 signed later.
	pages = order("2023年2月18日")
	pages = append(pages, page.Page{Number: 2, Extractor: page.OCR, Confidence: 0.6, Lines: []page.Line{{Text: "四川省人民政府办公厅2022年12月8日印发"}}})
	CheckDates(pages)
	if got := pages[0].Lines[5].Text; got != "2023年2月18日" {
		t.Errorf("a 令 signed after another document's 印发日期: %q, want 2023年2月18日 as read", got)
	}
}

// TestFixNesting reads a 》 that leaves a 〈 inside a 《 open, with the
// outer title's 》 next, as the 〉 it is, across lines too; nested
// 《《》》 and a 》 with no 》 after it stay as read.
func TestFixNesting(t *testing.T) {
	for _, c := range []struct {
		name string
		in   []string
		want []string
	}{
		{name: "one line", in: []string{"关于发布《国务院〈全面推进依法行政实施纲要》的意见》的通知"}, want: []string{"关于发布《国务院〈全面推进依法行政实施纲要〉的意见》的通知"}},
		{name: "across lines", in: []string{"关于发布《上海市贯彻实施国务院〈全面推进", "依法行政实施纲要》的意见》的通知"}, want: []string{"关于发布《上海市贯彻实施国务院〈全面推进", "依法行政实施纲要〉的意见》的通知"}},
		{name: "as printed", in: []string{"《国务院〈纲要〉的意见》和《办法》"}, want: []string{"《国务院〈纲要〉的意见》和《办法》"}},
		{name: "nested 《《》》", in: []string{"云南省实施《关于适用《民法典》有关担保制度的解释》办法"}, want: []string{"云南省实施《关于适用《民法典》有关担保制度的解释》办法"}},
		{name: "no outer close after", in: []string{"《国务院〈纲要》的意见"}, want: []string{"《国务院〈纲要》的意见"}},
	} {
		p := page.Page{Confidence: 0.8}
		for _, s := range c.in {
			p.Lines = append(p.Lines, page.Line{Text: s})
		}
		fixNesting(&p)
		var got []string
		for _, l := range p.Lines {
			got = append(got, l.Text)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
		if changed := !slices.Equal(c.in, c.want); changed != (len(p.Corrections) == 1) {
			t.Errorf("%s: corrections %+v", c.name, p.Corrections)
		}
	}
}

func TestFixRunOn(t *testing.T) {
	tests := []struct{ name, in, want, from, to string }{
		{name: "a 1 read as L", in: "YNL620220072", want: "YN1620220072", from: "L", to: "1"},
		{name: "beside 秘密 on its row", in: "秘密YNL620220072", want: "秘密YN1620220072", from: "L", to: "1"},
		{name: "a 0 read as D", in: "登记号：HND320190031", want: "登记号：HN0320190031", from: "D", to: "0"},
		{name: "as printed, untouched", in: "GZ0320150155", want: "GZ0320150155"},
		{name: "no year after two digits, untouched", in: "ABL123456789", want: "ABL123456789"},
		{name: "part of a longer code, untouched", in: "XYNL620220072", want: "XYNL620220072"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := correct(fixRunOn, tc.in, "")
			checkFix(t, r, tc.want, RuleRunOn, tc.from, tc.to)
		})
	}
}
