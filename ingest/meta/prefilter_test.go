package meta

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/ingest/page"
	"github.com/gazette-archive/gazette/ingest/split/splittest"
)

// TestLinePrefilters holds IsDocNumberLine and IsDateLine to what they were
// before their cheap prefilters (mayHoldDocNumber, mayHoldDate), which
// must be true wherever the patterns find something: over real 文号,
// titles, dates, law text and the Taiwan gazette's lines short enough to be
// a 文号 or date line, and hand-written spellings.
func TestLinePrefilters(t *testing.T) {
	lines := []string{
		"闽政〔2019〕14号", "国办发［2019］14号", "闽政(2019)14号", "闽政【2019】14号", "闽政 〔２０１９〕 １４ 号", "〔2019〕14号",
		"福建省人民政府令第208号", "第208号", "院臺規字第1010128030號", "台內地字第1010286048號", "国家税务总局公告2018年第31号",
		"2019年4月28日", "二〇一九年四月二十八日", "2019-04-28", "2019.4.28", "２０１９／４／２８", "20\u200b19-04-28", "2019\u00ad.4.28", "1. 各地", "第1.5条", "中華民國101年8月29日",
		"民国一百零四年十二月三十一日", "某省人民政府", "关于做好2019年重点项目建设工作的通知（试行）", "(2019)", "2019年",
		"各市、县（区）人民政府，省人民政府各部门、各直属机构：", "第十二条　本办法自2019年5月1日起施行。",
	}
	corpus := filepath.Join("..", "..", "..", "shared", "corpus")
	if _, err := os.Stat(corpus); err == nil {
		rows, err := splittest.LoadDocnum(corpus)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			lines = append(lines, r.DocNumber, r.Title, r.Issued.String(), r.DocNumber+"　"+r.Issued.String())
		}
		laws, err := splittest.LoadLawParagraphs(corpus, 8)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range laws {
			lines = append(lines, l.Title)
			lines = append(lines, l.Paragraphs...)
		}
		ey, err := splittest.EY(filepath.Join(corpus, "ey-gazette"), splittest.Variants[0])
		if err != nil {
			t.Fatal(err)
		}
		// Every fifth line of one issue with a number or a date's words in
		// it: thousands, and quick enough under -race.
		k := 0
		for _, g := range ey[:min(1, len(ey))] {
			for _, p := range g.Pages {
				for _, l := range p.Lines {
					if strings.ContainsAny(l.Text, "0123456789０１２３４５６７８９号號年字第") {
						if k++; k%5 == 0 {
							lines = append(lines, l.Text)
						}
					}
				}
			}
		}
	}
	numbers, dates, tried := 0, 0, 0
	seen := map[string]bool{}
	for _, l := range lines {
		if seen[l] {
			continue
		}
		seen[l] = true
		if countable(l, maxNumberLine) > maxNumberLine {
			continue // the tests stop before the prefilters (and the patterns)
		}
		for _, s := range []string{l, page.Squeeze(l)} {
			tried++
			if got, want := IsDocNumberLine(s), refIsDocNumberLine(s); got != want {
				t.Errorf("IsDocNumberLine(%q) = %v, want %v", s, got, want)
			}
			if got, want := IsDateLine(s), refIsDateLine(s); got != want {
				t.Errorf("IsDateLine(%q) = %v, want %v", s, got, want)
			}
			if len(FindDocNumbers(s)) > 0 {
				numbers++
				if !mayHoldDocNumber(s) {
					t.Errorf("mayHoldDocNumber(%q) = false, but FindDocNumbers finds %v", s, FindDocNumbers(s))
				}
			}
			if len(FindDates(s)) > 0 {
				dates++
				if !mayHoldDate(s) {
					t.Errorf("mayHoldDate(%q) = false, but FindDates finds %v", s, FindDates(s))
				}
			}
		}
	}
	t.Logf("%d short lines, %d holding a 文号, %d a date", tried, numbers, dates)
}

// refIsDocNumberLine and refIsDateLine are the two tests as they were
// written before the prefilters.
func refIsDocNumberLine(s string) bool {
	if countable(s, maxNumberLine) > maxNumberLine || !strings.ContainsAny(s, "0123456789０１２３４５６７８９号號") {
		return false
	}
	for _, d := range FindDocNumbers(s) {
		if covers(s, d.Start, d.End) {
			return true
		}
	}
	return false
}

func refIsDateLine(s string) bool {
	if countable(s, maxDateLine) > maxDateLine || !strings.ContainsAny(s, "年0123456789０１２３４５６７８９") {
		return false
	}
	for _, d := range FindDates(s) {
		if covers(s, d.Start, d.End) {
			return true
		}
	}
	return false
}
