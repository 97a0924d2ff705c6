package ocr

import (
	"testing"

	"github.com/gazette-archive/gazette/ingest/page"
)

func TestCheckNames(t *testing.T) {
	tests := []struct {
		name  string
		pages []page.Page
		want  []string // the lines of the last page after the check
		fixed int      // corrections recorded
	}{
		{
			"each reading misread differently, and the 文号's code",
			[]page.Page{
				ocrPage("岚州省住房和城乡建设厅文件", "岗建〔2014〕12号", "岗州省住房和城乡建设厅关于加强城市供水管理的通知"),
				ocrPage("由州省住房和城乡建设厅", "2014年3月1日", "岚州省住房和城乡建设厅办公室　2014年3月2日印发"),
			},
			[]string{"岚州省住房和城乡建设厅", "2014年3月1日", "岚州省住房和城乡建设厅办公室　2014年3月2日印发"},
			3,
		},
		{
			"a 令 heading that lost the name",
			[]page.Page{ocrPage("省人民政府令", "第209号", "苍梧省城市供水管理办法", "苍梧省人民政府", "省长　张三")},
			[]string{"苍梧省人民政府令", "第209号", "苍梧省城市供水管理办法", "苍梧省人民政府", "省长　张三"},
			1,
		},
		{
			"the name wrapped from the line before is no lost front",
			[]page.Page{ocrPage("苍梧省人民政府令", "苍梧省城市供水管理办法", "经苍梧", "省人民政府令公布")},
			[]string{"苍梧省人民政府令", "苍梧省城市供水管理办法", "经苍梧", "省人民政府令公布"},
			0,
		},
		{
			"a division the lexicon knows is a place of its own",
			[]page.Page{ocrPage("广州市人民政府文件", "广州市人民政府关于印发某办法的通知", "福州市人民政府", "广州市人民政府")},
			[]string{"广州市人民政府文件", "广州市人民政府关于印发某办法的通知", "福州市人民政府", "广州市人民政府"},
			0,
		},
		{
			"a real place a character off, and its 文号, are no misreading",
			[]page.Page{ocrPage("广州市人民政府文件", "广州市人民政府关于转发某办法的通知", "惠州市人民政府", "参照惠府〔2016〕3号办理", "广州市人民政府")},
			[]string{"广州市人民政府文件", "广州市人民政府关于转发某办法的通知", "惠州市人民政府", "参照惠府〔2016〕3号办理", "广州市人民政府"},
			0,
		},
		{
			"no majority",
			[]page.Page{ocrPage("岚州省人民政府文件", "岗州省人民政府关于某事的通知")},
			[]string{"岚州省人民政府文件", "岗州省人民政府关于某事的通知"},
			0,
		},
		{
			"a word that ends in 市 is no name",
			[]page.Page{ocrPage("城市管理局文件", "加强城市管理局工作", "都城市管理局", "强城市管理局")},
			[]string{"城市管理局文件", "加强城市管理局工作", "都城市管理局", "强城市管理局"},
			0,
		},
		{
			"the second model's readings outvote a misreading the first model makes most times",
			[]page.Page{withReadings(ocrPage("岗州省人民政府文件", "岗府〔2018〕17号", "岗州省人民政府关于某事的通知", "岚州省人民政府", "岗州省人民政府办公厅"),
				"岚州省人民政府文件", "", "岚州省人民政府关于某事的通知", "岛州省人民政府")},
			[]string{"岚州省人民政府文件", "岚府〔2018〕17号", "岚州省人民政府关于某事的通知", "岚州省人民政府", "岚州省人民政府办公厅"},
			4,
		},
		{
			"a character only the first model reads, and every time, stands",
			[]page.Page{withReadings(ocrPage("岗州省人民政府文件", "岗州省人民政府关于某事的通知", "岗州省人民政府"),
				"岚州省人民政府文件", "炎州省人民政府关于某事的通知", "岛州省人民政府")},
			[]string{"岗州省人民政府文件", "岗州省人民政府关于某事的通知", "岗州省人民政府"},
			0,
		},
		{
			"a character no reading agrees on, settled by the division it makes",
			[]page.Page{withReadings(ocrPage("仑梧省人民政府文件", "《苑梧省城市供水管理办法》", "敬梧省人民政府"),
				"人梧省人民政府文件", "《苍梧省城市供水管理办法》", "")},
			[]string{"苍梧省人民政府文件", "《苍梧省城市供水管理办法》", "苍梧省人民政府"},
			3,
		},
		{
			"two characters open: no division settles the name",
			[]page.Page{ocrPage("仑悟省人民政府文件", "《苑梧省城市供水管理办法》", "敬语省人民政府", "苍培省人民政府")},
			[]string{"仑悟省人民政府文件", "《苑梧省城市供水管理办法》", "敬语省人民政府", "苍培省人民政府"},
			0,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			CheckNames(tc.pages)
			last := tc.pages[len(tc.pages)-1]
			for i, w := range tc.want {
				if got := last.Lines[i].Text; got != w {
					t.Errorf("line %d %q, want %q", i, got, w)
				}
			}
			n := 0
			for _, p := range tc.pages {
				n += len(p.Corrections)
				for _, c := range p.Corrections {
					if c.Rule != RuleAgree || c.Confidence != 0.8 || c.From == c.To {
						t.Errorf("correction %+v", c)
					}
				}
			}
			if n != tc.fixed {
				t.Errorf("%d corrections, want %d", n, tc.fixed)
			}
		})
	}
	t.Run("pages of other extractors vote but stay as read", func(t *testing.T) {
		text := ocrPage("岚州省人民政府文件", "岚州省人民政府关于某事的通知", "岚州省人民政府", "岚州省人民政府办公厅")
		text.Extractor = page.Text
		scan := ocrPage("岗州省人民政府")
		odd := ocrPage("岗州省人民政府")
		odd.Extractor = page.Poppler
		pages := []page.Page{text, scan, odd}
		CheckNames(pages)
		if got := pages[1].Lines[0].Text; got != "岚州省人民政府" {
			t.Errorf("OCR page %q", got)
		}
		if got := pages[2].Lines[0].Text; got != "岗州省人民政府" {
			t.Errorf("poppler page %q", got)
		}
	})
}

// withReadings gives p's lines, in order, another reading each ("" none).
func withReadings(p page.Page, readings ...string) page.Page {
	for i, r := range readings {
		if r != "" {
			p.Lines[i].Readings = append(p.Lines[i].Readings, r)
		}
	}
	return p
}
