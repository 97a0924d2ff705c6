package gazette

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func reg(agency string, year, serial int) DocNumber {
	return DocNumber{Kind: DocNumberRegular, Agency: agency, Year: year, Serial: serial}
}

func order(agency string, serial int) DocNumber {
	return DocNumber{Kind: DocNumberOrder, Agency: agency, Serial: serial}
}

func orderYear(agency string, year, serial int) DocNumber {
	return DocNumber{Kind: DocNumberOrder, Agency: agency, Year: year, Serial: serial}
}

func announce(agency string, year, serial int) DocNumber {
	return DocNumber{Kind: DocNumberAnnouncement, Agency: agency, Year: year, Serial: serial}
}

// docNumberAccepted are inputs ParseDocNumber must accept. The first group
// holds one real string for every distinct shape in the corpus
// (../shared/corpus/docnum), as scraped.
var docNumberAccepted = []struct {
	name string
	in   string
	want DocNumber
}{
	// Corpus shapes, most frequent first.
	{"corpus/plain", "渝府〔2023〕18号", reg("渝府", 2023, 18)},
	{"corpus/plain with 发", "渝府办发〔2023〕66号", reg("渝府办发", 2023, 66)},
	{"corpus/space before bracket", "豫政 〔2023〕27号", reg("豫政", 2023, 27)},
	{"corpus/label", "发文字号：渝府发〔2023〕15号", reg("渝府发", 2023, 15)},
	{"corpus/label square brackets", "发文字号：晋政发[2013]35号", reg("晋政发", 2013, 35)},
	{"corpus/label short agency", "发文字号：渝府〔2022〕5号", reg("渝府", 2022, 5)},
	{"corpus/long code", "辽发改投资〔2018〕96号", reg("辽发改投资", 2018, 96)},
	{"corpus/令 with bracketed year is regular", "渝府令〔2023〕358号", reg("渝府令", 2023, 358)},
	{"corpus/字 code", "厅字〔2021〕2号", reg("厅字", 2021, 2)},
	{"corpus/order space before 第", "省政府令 第219号", order("省政府令", 219)},
	{"corpus/order with label", "发文字号：山西省人民政府令第304号", order("山西省人民政府令", 304)},
	{"corpus/space after bracket", "发文字号：晋政发〔2016〕 30号", reg("晋政发", 2016, 30)},
	{"corpus/发电 code", "发文字号：晋政发电〔2020〕5号", reg("晋政发电", 2020, 5)},
	{"corpus/order autonomous region", "宁夏回族自治区人民政府令第127号", order("宁夏回族自治区人民政府令", 127)},
	{"corpus/发…字 code", "辽广发科字〔2013〕74号", reg("辽广发科字", 2013, 74)},
	{"corpus/code starting 发", "发改能源〔2019〕807号", reg("发改能源", 2019, 807)},
	{"corpus/tax announcement", "国家税务总局公告2015年第41号", announce("国家税务总局公告", 2015, 41)},
	{"corpus/label parentheses", "发文字号：晋政发(2007)18号", reg("晋政发", 2007, 18)},
	{"corpus/label square brackets 电", "发文字号：晋政办电[2009]96号", reg("晋政办电", 2009, 96)},
	// The scraper cut 中华 off; nothing in the string says so. Accepted as written.
	{"corpus/year form without 公告 (truncated agency)", "共和国交通运输部2019年第45号", announce("共和国交通运输部", 2019, 45)},
	{"corpus/公 code", "辽公通〔2023〕7号", reg("辽公通", 2023, 7)},
	{"corpus/公告 with bracketed year is regular", "沪发改公告〔2019〕2号", reg("沪发改公告", 2019, 2)},
	{"corpus/label then U+200B", "发文字号：\u200b晋政办发〔2023〕38号", reg("晋政办发", 2023, 38)},
	{"corpus/leading U+200B", "\u200b渝府办发〔2019〕103号", reg("渝府办发", 2019, 103)},
	{"corpus/文 code", "豫政文〔2023〕14号", reg("豫政文", 2023, 14)},
	{"corpus/公…发 code", "辽交公水发〔2020〕158号", reg("辽交公水发", 2020, 158)},
	{"corpus/价公告 code", "沪价公告〔2018〕3号", reg("沪价公告", 2018, 3)},
	{"corpus/label space after bracket", "发文字号：晋政函〔2017〕 69号", reg("晋政函", 2017, 69)},
	{"corpus/space before 号", "渝肺炎指办发〔2022〕51 号", reg("渝肺炎指办发", 2022, 51)},
	{"corpus/发字 code", "辽新出发字〔2009〕7号", reg("辽新出发字", 2009, 7)},
	{"corpus/ministry order with year", "交通运输部令2016年第62号", orderYear("交通运输部令", 2016, 62)},
	{"corpus/year form commission", "国家发展改革委2017年第9号", announce("国家发展改革委", 2017, 9)},
	{"corpus/公发 code", "辽交公发〔2014〕452号", reg("辽交公发", 2014, 452)},
	{"corpus/bare 公告", "公告2018年第14号", announce("公告", 2018, 14)},
	{"corpus/spaces everywhere", "豫政办 〔 2021 〕68 号", reg("豫政办", 2021, 68)},
	{"corpus/label space before 号", "发文字号：渝府发〔2022〕32 号", reg("渝府发", 2022, 32)},
	{"corpus/U+200B short code", "\u200b渝府人〔2018〕35号", reg("渝府人", 2018, 35)},
	{"corpus/公…字 code", "公武任字〔2018〕339号", reg("公武任字", 2018, 339)},
	{"corpus/trailing U+200B", "渝府〔2023〕8号\u200b", reg("渝府", 2023, 8)},
	{"corpus/order spaces around serial", "重庆市人民政府令第 359 号", order("重庆市人民政府令", 359)},
	{"corpus/文…电 code", "文旅发电〔2020〕104号", reg("文旅发电", 2020, 104)},
	{"corpus/mixed brackets", "发文字号：晋政办发(2017〕109号", reg("晋政办发", 2017, 109)},
	// Decision: the serial typed after 号 is a typo of 晋政发〔2014〕16号. The
	// bracketed year and a lone trailing serial leave no doubt, and nothing
	// that is not a number has this shape.
	{"corpus/serial after 号", "发文字号：晋政发〔2014〕号16", reg("晋政发", 2014, 16)},
	{"corpus/公 short code", "公治〔2018〕570号", reg("公治", 2018, 570)},
	{"corpus/truncated order with year", "联网信息办公室令2016年第60号", orderYear("联网信息办公室令", 2016, 60)},
	{"corpus/leading U+200D", "\u200d渝肺炎指办发〔2022〕92号", reg("渝肺炎指办发", 2022, 92)},
	{"corpus/label spaces inside", "发文字号：渝府办发〔 2022 〕96 号", reg("渝府办发", 2022, 96)},
	{"corpus/通告 code", "农业农村部通告〔2019〕3号", reg("农业农村部通告", 2019, 3)},
	{"corpus/full-width digit in serial", "粤府办〔2002〕1２号", reg("粤府办", 2002, 12)},
	{"corpus/trailing empty brackets", "发文字号：渝府发〔2000〕48号〔〕", reg("渝府发", 2000, 48)},
	{"corpus/missing 号", "发文字号：晋政办发〔2012〕18", reg("晋政办发", 2012, 18)},
	{"corpus/trailing U+200B long code", "渝府办发〔2023〕44号\u200b", reg("渝府办发", 2023, 44)},
	{"corpus/State Council", "国函〔2023〕98号", reg("国函", 2023, 98)},
	{"corpus/Ningxia 明电", "宁政办明电发〔2023〕8号", reg("宁政办明电发", 2023, 8)},
	{"corpus/Yunnan 1991", "云政发〔1991〕45号", reg("云政发", 1991, 45)},

	// Brackets.
	{"brackets/tortoise shell", "闽政〔2019〕14号", reg("闽政", 2019, 14)},
	{"brackets/ASCII square", "闽政[2019]14号", reg("闽政", 2019, 14)},
	{"brackets/ASCII round", "闽政(2019)14号", reg("闽政", 2019, 14)},
	{"brackets/full-width square", "闽政［2019］14号", reg("闽政", 2019, 14)},
	{"brackets/lenticular", "闽政【2019】14号", reg("闽政", 2019, 14)},
	{"brackets/full-width round", "闽政（2019）14号", reg("闽政", 2019, 14)},
	{"brackets/full-width curly", "闽政｛2019｝14号", reg("闽政", 2019, 14)},
	{"brackets/ASCII curly", "闽政{2019}14号", reg("闽政", 2019, 14)},
	{"brackets/white lenticular", "闽政〖2019〗14号", reg("闽政", 2019, 14)},
	{"brackets/small tortoise shell", "闽政﹝2019﹞14号", reg("闽政", 2019, 14)},
	{"brackets/mixed round then tortoise", "闽政(2019〕14号", reg("闽政", 2019, 14)},
	{"brackets/mixed tortoise then round", "闽政〔2019)14号", reg("闽政", 2019, 14)},
	{"brackets/mixed square and full-width round", "闽政[2019）14号", reg("闽政", 2019, 14)},
	{"brackets/mixed lenticular and square", "闽政【2019]14号", reg("闽政", 2019, 14)},
	{"brackets/open only", "闽政〔2019 14号", reg("闽政", 2019, 14)},
	{"brackets/close only", "闽政2019〕14号", reg("闽政", 2019, 14)},
	{"brackets/none, spaces", "闽政 2019 14号", reg("闽政", 2019, 14)},
	{"brackets/none, ideographic spaces", "闽政\u30002019\u300014号", reg("闽政", 2019, 14)},
	{"brackets/none, agency touching year", "闽政2019 14号", reg("闽政", 2019, 14)},
	{"brackets/none, 第 as separator", "闽政2019第14号", reg("闽政", 2019, 14)},

	// Digits.
	{"digits/full-width everywhere", "闽政〔２０１９〕１４号", reg("闽政", 2019, 14)},
	{"digits/full-width year only", "闽政〔２０１９〕14号", reg("闽政", 2019, 14)},
	{"digits/mixed widths in year", "闽政〔20１9〕14号", reg("闽政", 2019, 14)},
	{"digits/leading zero", "闽政〔2019〕014号", reg("闽政", 2019, 14)},
	{"digits/many leading zeros", "闽政〔2019〕0000014号", reg("闽政", 2019, 14)},
	{"digits/seven-digit serial", "闽政〔2019〕1234567号", reg("闽政", 2019, 1234567)},
	{"digits/Chinese year", "闽政〔二〇一九〕14号", reg("闽政", 2019, 14)},
	{"digits/Chinese year with ○", "闽政〔二○一九〕14号", reg("闽政", 2019, 14)},
	{"digits/Chinese year with 零", "闽政〔二零零八〕3号", reg("闽政", 2008, 3)},
	{"digits/Chinese year 1990s", "国发〔一九九八〕5号", reg("国发", 1998, 5)},
	{"digits/full-width order serial", "福建省人民政府令第２０８号", order("福建省人民政府令", 208)},
	{"years/first plausible", "国发〔1949〕1号", reg("国发", 1949, 1)},
	{"years/last plausible", "国发〔2100〕1号", reg("国发", 2100, 1)},

	// Spaces and invisible characters.
	{"space/ideographic inside", "闽政\u3000〔2019〕\u300014号", reg("闽政", 2019, 14)},
	{"space/NBSP inside", "闽政\u00a0〔2019〕14\u00a0号", reg("闽政", 2019, 14)},
	{"space/tab and newline", "闽政\t〔2019〕\n14号", reg("闽政", 2019, 14)},
	{"space/surrounding", "  闽政〔2019〕14号 \t", reg("闽政", 2019, 14)},
	{"space/inside agency", "闽 政〔2019〕14号", reg("闽政", 2019, 14)},
	{"space/every word, as PDFs extract", "闽 政 〔 2019 〕 14 号", reg("闽政", 2019, 14)},
	{"space/order spaced out", "省 政 府 令 第 219 号", order("省政府令", 219)},
	{"space/label spaced out", "发 文 字 号 ： 闽政〔2019〕14号", reg("闽政", 2019, 14)},
	{"space/run of mixed spaces", "闽政 \u3000 〔2019〕14号", reg("闽政", 2019, 14)},
	{"zero width/U+200B inside year", "闽政〔20\u200b19〕14号", reg("闽政", 2019, 14)},
	{"zero width/U+200C in agency", "闽\u200c政〔2019〕14号", reg("闽政", 2019, 14)},
	{"zero width/U+200D before 号", "闽政〔2019〕14\u200d号", reg("闽政", 2019, 14)},
	{"zero width/U+FEFF BOM", "\ufeff闽政〔2019〕14号", reg("闽政", 2019, 14)},
	{"zero width/U+2060 word joiner", "闽政〔2019〕\u206014号", reg("闽政", 2019, 14)},
	{"zero width/all of them", "\u200b闽\u200c政\u200d〔\ufeff2019\u2060〕14号\u200b", reg("闽政", 2019, 14)},
	{"zero width/soft hyphen", "闽政\u00ad〔2019〕14号", reg("闽政", 2019, 14)},

	// 第 and 号.
	{"第/extra 第", "闽政〔2019〕第14号", reg("闽政", 2019, 14)},
	{"第/extra 第 with spaces", "闽政〔2019〕 第 14 号", reg("闽政", 2019, 14)},
	{"号/missing 号", "闽政〔2019〕14", reg("闽政", 2019, 14)},
	{"号/missing 号 with 第", "闽政〔2019〕第14", reg("闽政", 2019, 14)},

	// Labels and trailing junk.
	{"label/full-width colon", "发文字号：闽政〔2019〕14号", reg("闽政", 2019, 14)},
	{"label/ASCII colon", "发文字号:闽政〔2019〕14号", reg("闽政", 2019, 14)},
	{"label/文号 full-width colon", "文号：闽政〔2019〕14号", reg("闽政", 2019, 14)},
	{"label/文号 ASCII colon and space", "文号: 闽政〔2019〕14号", reg("闽政", 2019, 14)},
	{"label/no colon", "发文字号 闽政〔2019〕14号", reg("闽政", 2019, 14)},
	{"label/no colon, no space", "发文字号闽政〔2019〕14号", reg("闽政", 2019, 14)},
	{"label/发文文号", "发文文号：闽政〔2019〕14号", reg("闽政", 2019, 14)},
	{"label/repeated", "发文字号：文号：闽政〔2019〕14号", reg("闽政", 2019, 14)},
	{"label/space before colon", "发文字号 ：闽政〔2019〕14号", reg("闽政", 2019, 14)},
	{"junk/empty square brackets", "闽政〔2019〕14号[]", reg("闽政", 2019, 14)},
	{"junk/empty brackets with space", "闽政〔2019〕14号 〔 〕", reg("闽政", 2019, 14)},
	{"junk/two empty pairs", "闽政〔2019〕14号〔〕〔〕", reg("闽政", 2019, 14)},

	// Orders.
	{"order/provincial", "福建省人民政府令第208号", order("福建省人民政府令", 208)},
	{"order/State Council", "中华人民共和国国务院令第656号", order("中华人民共和国国务院令", 656)},
	{"order/spaces everywhere", "重庆市人民政府令 第 359 号", order("重庆市人民政府令", 359)},
	{"order/without 第", "福建省人民政府令208号", order("福建省人民政府令", 208)},
	{"order/without 号", "福建省人民政府令第208", order("福建省人民政府令", 208)},
	{"order/label", "文号：省政府令第219号", order("省政府令", 219)},
	{"order/leading zero", "省政府令第007号", order("省政府令", 7)},
	{"order/zero width", "省政府令\u200b第219号", order("省政府令", 219)},
	{"order/long ministry name", "中华人民共和国国家发展和改革委员会令第1号", order("中华人民共和国国家发展和改革委员会令", 1)},
	{"order/ministry with year, spaces", "交通运输部令 2016 年 第 62 号", orderYear("交通运输部令", 2016, 62)},

	// Announcements.
	{"announcement/tax", "国家税务总局公告2018年第14号", announce("国家税务总局公告", 2018, 14)},
	{"announcement/spaces", "国家税务总局公告 2018 年 第 14 号", announce("国家税务总局公告", 2018, 14)},
	{"announcement/without 第", "国家税务总局公告2018年14号", announce("国家税务总局公告", 2018, 14)},
	{"announcement/without 号", "国家税务总局公告2018年第14", announce("国家税务总局公告", 2018, 14)},
	{"announcement/full-width digits", "公告２０１８年第１４号", announce("公告", 2018, 14)},
	{"announcement/label", "发文字号：财政部公告2019年第39号", announce("财政部公告", 2019, 39)},
	{"announcement/leading zero", "公告2018年第014号", announce("公告", 2018, 14)},
}

// docNumberRefused are inputs ParseDocNumber must refuse, with a piece of
// the reason it must give.
var docNumberRefused = []struct {
	name, in, reason string
}{
	{"empty", "", "empty"},
	{"only spaces", " \u3000\t", "empty"},
	{"only zero-width", "\u200b\u200d\ufeff", "empty"},
	{"corpus/label only", "发文字号：", "only a label"},
	{"label only ASCII colon", "文号:", "only a label"},
	{"label and empty brackets", "发文字号：〔〕", "only a label"},
	{"plain text", "关于印发实施意见的通知", "no number"},
	{"agency only", "晋政发", "no number"},
	{"date in Chinese", "2019年4月28日", "no issuing agency"},
	{"ISO date", "2019-04-28", "unexpected character '-'"},
	{"number without agency", "〔2019〕14号", "no issuing agency"},
	{"year form without agency", "2018年第14号", "no issuing agency"},
	{"serial only", "第14号", "no issuing agency"},
	{"bare number", "14号", "no issuing agency"},
	{"digits only", "201914", "no issuing agency"},
	{"no serial", "闽政〔2019〕", "no serial after the year"},
	{"no serial but 号", "闽政〔2019〕号", "no serial after the year"},
	{"no year", "闽政14号", "no year"},
	// Henan prints one rule as 豫政 第24号: no year and no 令, so nothing
	// says which series the 24 counts in.
	{"corpus/no year", "豫政 第24号", "no year"},
	{"year too early", "闽政〔1800〕14号", "year 1800 outside"},
	{"year too late", "闽政〔2200〕14号", "year 2200 outside"},
	{"year zero", "闽政〔0000〕14号", "year 0000 outside"},
	{"Chinese year out of range", "闽政〔一八〇〇〕14号", "outside"},
	{"serial zero", "闽政〔2019〕0号", "serial is zero"},
	{"serial zeros", "闽政〔2019〕000号", "serial is zero"},
	{"serial too long", "闽政〔2019〕12345678号", "serial longer than 7 digits"},
	{"order serial zero", "省政府令第0号", "serial is zero"},
	{"year and serial run together", "闽政〔201914号", "run together"},
	{"no brackets and no 号", "闽政 2019 14", "no 号"},
	// Decision: spaces between digits are kept, since they may be all that
	// separates year and serial; digits spaced one by one are not read.
	{"digits spaced one by one", "闽政〔2 0 1 9〕14号", "no year"},
	{"Chinese year without brackets", "闽政 二〇一九 14号", "Chinese numerals without brackets"},
	{"order without 第 or 号", "省政府令219", "without 第 or 号"},
	{"order without agency", "令第5号", "no issuing agency before 令"},
	{"year-form order without agency", "令2016年第62号", "no issuing agency before 令"},
	{"year form without 第 or 号", "公告2018年14", "without 第 or 号"},
	// Decision: 其他 ("other") is the category a site prints where the agency
	// belongs for documents without a number; it names no issuer, so
	// 其他〔2022〕99号 is not a document number.
	{"corpus/placeholder 其他", "其他〔2022〕99号", "placeholder agency"},
	{"corpus/placeholder 其他 with spaces", "其他 〔 2022 〕 86 号", "placeholder agency"},
	{"placeholder 其它", "其它〔2022〕99号", "placeholder agency"},
	{"corpus/title text before agency", "的通知沪府发〔2009〕26号", "contains 的"},
	{"corpus/title text 通告", "管理的通告沪府发〔2009〕43号", "contains 的"},
	{"corpus/sentence text 根据", "根据国办公开办函〔2019〕1号", "contains 根据"},
	{"corpus/sentence text 关于废止", "关于废止沪府办发〔2019〕1号", "contains 关于"},
	{"corpus/tail of another number", "号市人大公告1996年第40号", "begins with 号"},
	{"agency begins with 第", "第一〔2019〕1号", "begins with 号 or 第"},
	{"agency too long", strings.Repeat("闽", 31) + "〔2019〕14号", "agency longer than 30"},
	{"trailing words", "闽政〔2019〕14号 实施意见", "not a document number form"},
	{"two numbers", "闽政〔2019〕14号闽政〔2019〕15号", "not a document number form"},
	{"double 号", "闽政〔2019〕14号号", "not a document number form"},
	{"Latin agency", "ABC〔2019〕14号", "unexpected character 'A'"},
	{"Latin in agency", "闽A〔2019〕14号", "unexpected character 'A'"},
	{"emoji", "闽政〔2019〕14号😀", "unexpected character"},
	{"NUL byte", "闽政\x00〔2019〕14号", "unexpected character"},
	{"invalid UTF-8", "\xff闽政〔2019〕14号", "not valid UTF-8"},
	{"URL", "https://www.gov.cn/zhengce/content/2019-04/28/content_5387080.htm", "unexpected character"},
	{"URL with number in query", "http://example.com/?q=闽政〔2019〕14号", "unexpected character"},
	{"HTML", "<script>alert(1)</script>", "unexpected character"},
	{"HTML around number", "<b>闽政〔2019〕14号</b>", "unexpected character"},
	{"SQL after number", "闽政〔2019〕14号' OR '1'='1", "unexpected character"},
	{"SQL", "'; DROP TABLE documents; --", "unexpected character"},
	{"201 runes", strings.Repeat("闽", 192) + "〔2019〕14号", "longer than 200"},
	{"one megabyte", strings.Repeat("闽政〔2019〕14号", 1<<16), "longer than 200"},
	{"Taiwan 字號", "台內地字第1010286048號", "no year"},
}

func TestParseDocNumber(t *testing.T) {
	for _, tc := range docNumberAccepted {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseDocNumber(tc.in)
			if err != nil {
				t.Fatalf("ParseDocNumber(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Fatalf("ParseDocNumber(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
			norm, err := NormalizeDocNumber(tc.in)
			if err != nil || norm != tc.want.String() {
				t.Errorf("NormalizeDocNumber(%q) = %q, %v; want %q", tc.in, norm, err, tc.want.String())
			}
			checkRoundTrip(t, got)
		})
	}
}

func TestParseDocNumberRefusals(t *testing.T) {
	for _, tc := range docNumberRefused {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseDocNumber(tc.in)
			if err == nil {
				t.Fatalf("ParseDocNumber(%q) = %+v, want an error", tc.in, got)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("error %q does not say %q", err, tc.reason)
			}
			if got != (DocNumber{}) {
				t.Errorf("refused input returned %+v, want the zero DocNumber", got)
			}
			if len(err.Error()) > 300 {
				t.Errorf("error message is %d bytes long: the input must be truncated in it", len(err.Error()))
			}
			if _, err := NormalizeDocNumber(tc.in); !errors.Is(err, ErrInvalid) {
				t.Errorf("NormalizeDocNumber(%q) error = %v, want ErrInvalid", tc.in, err)
			}
		})
	}
}

// checkRoundTrip checks that the canonical form of n parses back to n and
// is a fixed point of NormalizeDocNumber.
func checkRoundTrip(t *testing.T, n DocNumber) {
	t.Helper()
	canon := n.String()
	back, err := ParseDocNumber(canon)
	if err != nil {
		t.Fatalf("canonical form %q does not parse: %v", canon, err)
	}
	if back != n {
		t.Fatalf("canonical form %q parses to %+v, want %+v", canon, back, n)
	}
	if again := back.String(); again != canon {
		t.Fatalf("canonical form is not a fixed point: %q -> %q", canon, again)
	}
}

func TestDocNumberString(t *testing.T) {
	tests := []struct {
		name string
		n    DocNumber
		want string
	}{
		{"regular", reg("闽政", 2019, 14), "闽政〔2019〕14号"},
		{"regular ending in 令", reg("渝府令", 2023, 358), "渝府令〔2023〕358号"},
		{"order", order("福建省人民政府令", 208), "福建省人民政府令第208号"},
		{"order with year", orderYear("交通运输部令", 2016, 62), "交通运输部令2016年第62号"},
		{"announcement", announce("国家税务总局公告", 2018, 14), "国家税务总局公告2018年第14号"},
		{"bare announcement", announce("公告", 2018, 14), "公告2018年第14号"},
		{"zero", DocNumber{}, ""},
		{"unknown kind", DocNumber{Kind: 99, Agency: "闽政", Year: 2019, Serial: 14}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.n.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDocNumberKindString(t *testing.T) {
	for k, want := range map[DocNumberKind]string{
		DocNumberRegular: "regular", DocNumberOrder: "order", DocNumberAnnouncement: "announcement", 0: "DocNumberKind(0)",
	} {
		if got := k.String(); got != want {
			t.Errorf("DocNumberKind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}

func TestDocNumberZero(t *testing.T) {
	if !(DocNumber{}).IsZero() {
		t.Error("zero DocNumber is not IsZero")
	}
	if reg("闽政", 2019, 14).IsZero() {
		t.Error("a real number IsZero")
	}
}

func TestDocNumberJSON(t *testing.T) {
	type doc struct {
		Number DocNumber `json:"number"`
	}
	tests := []struct {
		name string
		in   doc
		json string
	}{
		{"regular", doc{reg("闽政", 2019, 14)}, `{"number":"闽政〔2019〕14号"}`},
		{"order", doc{order("省政府令", 219)}, `{"number":"省政府令第219号"}`},
		{"none", doc{}, `{"number":""}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.in)
			if err != nil || string(b) != tc.json {
				t.Fatalf("Marshal = %s, %v; want %s", b, err, tc.json)
			}
			var back doc
			if err := json.Unmarshal(b, &back); err != nil || back != tc.in {
				t.Fatalf("Unmarshal(%s) = %+v, %v; want %+v", b, back, err, tc.in)
			}
		})
	}
	t.Run("lenient spelling", func(t *testing.T) {
		var d doc
		if err := json.Unmarshal([]byte(`{"number":"发文字号：闽政[2019]14号"}`), &d); err != nil || d.Number != reg("闽政", 2019, 14) {
			t.Fatalf("got %+v, %v", d, err)
		}
	})
	t.Run("refused", func(t *testing.T) {
		var d doc
		if err := json.Unmarshal([]byte(`{"number":"关于印发的通知"}`), &d); !errors.Is(err, ErrInvalid) {
			t.Fatalf("error = %v, want ErrInvalid", err)
		}
	})
}

func TestFindDocNumbers(t *testing.T) {
	type found struct {
		text string // text[Start:End]
		want DocNumber
	}
	tests := []struct {
		name string
		text string
		want []found
	}{
		{"search query", "闽政〔2019〕14号 实施意见", []found{{"闽政〔2019〕14号", reg("闽政", 2019, 14)}}},
		{"query with odd spelling", "晋政发[2013]35号 通知", []found{{"晋政发[2013]35号", reg("晋政发", 2013, 35)}}},
		{"title then number in parentheses",
			"福建省人民政府关于印发福建省促进数字经济发展实施意见的通知（闽政〔2019〕14号）",
			[]found{{"闽政〔2019〕14号", reg("闽政", 2019, 14)}}},
		{"after 根据", "根据闽政〔2019〕14号精神，制定本办法。", []found{{"闽政〔2019〕14号", reg("闽政", 2019, 14)}}},
		{"after 现将", "现将闽政办〔2020〕3号文件转发给你们", []found{{"闽政办〔2020〕3号", reg("闽政办", 2020, 3)}}},
		{"two numbers", "闽政〔2019〕14号、闽政办〔2020〕3号同时废止", []found{
			{"闽政〔2019〕14号", reg("闽政", 2019, 14)}, {"闽政办〔2020〕3号", reg("闽政办", 2020, 3)}}},
		{"label line from a PDF", "发文字号：晋政发〔2014〕16号", []found{{"晋政发〔2014〕16号", reg("晋政发", 2014, 16)}}},
		{"文号 label without colon", "文号闽政〔2019〕14号", []found{{"闽政〔2019〕14号", reg("闽政", 2019, 14)}}},
		{"full-width and ideographic spaces", "见闽政〔２０１９〕\u3000１４号。", []found{{"闽政〔２０１９〕\u3000１４号", reg("闽政", 2019, 14)}}},
		{"zero-width inside", "依据闽\u200b政〔2019〕14号", []found{{"闽\u200b政〔2019〕14号", reg("闽政", 2019, 14)}}},
		{"law history line", "2014年11月24日 中华人民共和国国务院令第656号公布",
			[]found{{"中华人民共和国国务院令第656号", order("中华人民共和国国务院令", 656)}}},
		{"two numbers joined by 和", "关于执行国办发〔1993〕55号和国函〔1996〕69号文件有关问题的复函", []found{
			{"国办发〔1993〕55号", reg("国办发", 1993, 55)}, {"国函〔1996〕69号", reg("国函", 1996, 69)}}},
		{"verb before number", "关于明确豫政〔2014〕44号文件确定的重点工作责任单位的通知", []found{{"豫政〔2014〕44号", reg("豫政", 2014, 44)}}},
		{"和 inside an order's agency", "中华人民共和国国务院令第656号", []found{{"中华人民共和国国务院令第656号", order("中华人民共和国国务院令", 656)}}},
		{"one-character stop word starting an agency", "将政〔2019〕1号、即政发〔2020〕2号", []found{
			{"将政〔2019〕1号", reg("将政", 2019, 1)}, {"即政发〔2020〕2号", reg("即政发", 2020, 2)}}},
		{"title before number", "国务院关于同意设立的批复国函〔2023〕12号", []found{{"国函〔2023〕12号", reg("国函", 2023, 12)}}},
		{"agency ending in a stop word", "详见农业农村部通告〔2019〕3号", []found{{"农业农村部通告〔2019〕3号", reg("农业农村部通告", 2019, 3)}}},
		{"order glued to a date", "2021年12月24日国家市场监督管理总局令第49号公布",
			[]found{{"国家市场监督管理总局令第49号", order("国家市场监督管理总局令", 49)}}},
		{"agency starting with 日", "日照市人民政府令第1号", []found{{"日照市人民政府令第1号", order("日照市人民政府令", 1)}}},
		{"provincial order in sentence", "本办法已以省政府令 第219号公布。", []found{{"省政府令 第219号", order("省政府令", 219)}}},
		{"order without 第, as people type it", "（省政府令168号）", []found{{"省政府令168号", order("省政府令", 168)}}},
		{"no number: 令 in a sentence without 号", "接到命令168人出发", nil},
		{"announcement after 按照", "按照国家税务总局公告2018年第14号规定执行",
			[]found{{"国家税务总局公告2018年第14号", announce("国家税务总局公告", 2018, 14)}}},
		{"ministry order with year", "《交通运输部令2016年第62号》", []found{{"交通运输部令2016年第62号", orderYear("交通运输部令", 2016, 62)}}},
		{"number at line start after newline", "附件：\n国办发〔2020〕1号", []found{{"国办发〔2020〕1号", reg("国办发", 2020, 1)}}},
		{"mixed brackets", "详见晋政办发(2017〕109号", []found{{"晋政办发(2017〕109号", reg("晋政办发", 2017, 109)}}},
		{"no number: date", "2019年4月28日发布", nil},
		{"no number: house number", "共有 2019 14号楼", nil},
		{"no number: placeholder agency", "其他〔2022〕99号", nil},
		{"no number: plain text", "关于进一步加强政务公开工作的意见", nil},
		{"no number: year in brackets only", "（2019）年度报告", nil},
		{"no number: empty", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := FindDocNumbers(tc.text)
			if len(got) != len(tc.want) {
				t.Fatalf("FindDocNumbers(%q) found %d: %+v; want %d", tc.text, len(got), got, len(tc.want))
			}
			for i, m := range got {
				if s := tc.text[m.Start:m.End]; s != tc.want[i].text {
					t.Errorf("match %d covers %q, want %q", i, s, tc.want[i].text)
				}
				if m.Number != tc.want[i].want {
					t.Errorf("match %d = %+v, want %+v", i, m.Number, tc.want[i].want)
				}
			}
		})
	}
}

func FuzzParseDocNumber(f *testing.F) {
	for _, tc := range docNumberAccepted {
		f.Add(tc.in)
	}
	for _, tc := range docNumberRefused {
		if len(tc.in) < 1000 {
			f.Add(tc.in)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseDocNumber(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("ParseDocNumber(%q): error %v does not wrap ErrInvalid", s, err)
			}
			return
		}
		if n.Serial <= 0 || n.Agency == "" || (n.Year != 0 && (n.Year < MinDocNumberYear || n.Year > MaxDocNumberYear)) {
			t.Fatalf("ParseDocNumber(%q) = %+v: implausible parts", s, n)
		}
		for _, r := range n.Agency {
			if !unicode.Is(unicode.Han, r) {
				t.Fatalf("ParseDocNumber(%q): agency %q holds %q", s, n.Agency, r)
			}
		}
		checkRoundTrip(t, n)
	})
}

func FuzzFindDocNumbers(f *testing.F) {
	for _, tc := range docNumberAccepted {
		f.Add("根据" + tc.in + "的规定")
	}
	f.Add("福建省人民政府关于印发实施意见的通知（闽政〔2019〕14号）")
	f.Add("2014年11月24日 中华人民共和国国务院令第656号公布")
	f.Fuzz(func(t *testing.T, text string) {
		last := 0
		for _, m := range FindDocNumbers(text) {
			if m.Start < last || m.End <= m.Start || m.End > len(text) {
				t.Fatalf("bad offsets %d:%d after %d in %d bytes", m.Start, m.End, last, len(text))
			}
			last = m.End
			n, err := ParseDocNumber(text[m.Start:m.End])
			if err != nil || n != m.Number {
				t.Fatalf("text[%d:%d] = %q parses to %+v, %v; want %+v", m.Start, m.End, text[m.Start:m.End], n, err, m.Number)
			}
			if !utf8.ValidString(text[m.Start:m.End]) {
				t.Fatalf("match %q is not valid UTF-8", text[m.Start:m.End])
			}
		}
	})
}

func BenchmarkParseDocNumber(b *testing.B) {
	inputs := []string{"闽政〔2019〕14号", "发文字号：晋政办发(2017〕109号", "重庆市人民政府令第 359 号", "国家税务总局公告2018年第14号", "关于印发实施意见的通知"}
	for b.Loop() {
		for _, s := range inputs {
			_, _ = ParseDocNumber(s)
		}
	}
}

func BenchmarkFindDocNumbers(b *testing.B) {
	text := strings.Repeat("福建省人民政府关于印发福建省促进数字经济发展实施意见的通知（闽政〔2019〕14号）。根据国务院令第656号，现将有关事项通知如下。", 50)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		FindDocNumbers(text)
	}
}
