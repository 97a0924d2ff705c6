package frontend

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/gazette"
)

// longRule is a rule of n articles in chapters of 20, each a sentence of
// ordinary legal prose.
func longRule(n int) []string {
	var body []string
	for i := 1; i <= n; i++ {
		if i%20 == 1 {
			body = append(body, "第"+gazette.ChineseNumber(i/20+1)+"章　一般规定")
		}
		body = append(body, fmt.Sprintf("第%s条　行政机关实施本条规定的事项，应当依照法定权限和程序，遵循公开、公平、公正的原则，自收到申请之日起%s个工作日内作出决定。",
			gazette.ChineseNumber(i), gazette.ChineseNumber(10+i%20)))
	}
	return body
}

// amend changes a few articles of a body (words added, words changed)
// and appends one, as a correction or an amended text does.
func amend(body []string) []string {
	out := slices.Clone(body)
	for i := 5; i < len(out); i += len(out) / 8 {
		out[i] = strings.Replace(out[i], "公开、公平、公正", "公开、公平、公正、便民", 1)
	}
	return append(out, "第九百九十九条　本规定自公布之日起施行。")
}

// withoutHeadings is body with the headings taken off its paragraphs: a
// normative document's text, compared as one block.
func withoutHeadings(body []string) []string {
	out := make([]string, len(body))
	for i, p := range body {
		_, out[i], _ = strings.Cut(p, "　")
	}
	return out
}

func TestCompareBodiesAlignsArticles(t *testing.T) {
	from := []string{"前言", "第一条　甲乙丙。", "第二条　丁戊己。", "第三条　庚辛壬。"}
	to := []string{"前言", "第一条　甲乙丙。", "第三条　庚辛癸。", "第四条　新增。"}
	var got []string
	for _, b := range compareBodies(from, to) {
		got = append(got, b.Anchor+":"+b.Status)
	}
	// 第二条 is removed where it stood, before 第三条; 第三条 is paired
	// with 第三条, not with the 第二条 that sat in its place.
	if want := ":same art-1:same art-2:removed art-3:changed art-4:added"; strings.Join(got, " ") != want {
		t.Errorf("blocks %v, want %s", got, want)
	}
	b := compareBodies(from, to)[3]
	if len(b.Diff) != 4 || b.Diff[0] != (diffOp{opEqual, "第三条　庚辛"}) || b.Diff[1] != (diffOp{opDelete, "壬"}) || b.Diff[2] != (diffOp{opInsert, "癸"}) || b.Diff[3] != (diffOp{opEqual, "。"}) {
		t.Errorf("第三条 diff %+v, want one character replaced", b.Diff)
	}
	// A body without headings is one block.
	if bs := compareBodies([]string{"甲", "乙"}, []string{"甲", "丙"}); len(bs) != 1 || bs[0].Status != blockChanged {
		t.Errorf("a body without headings: %+v", bs)
	}
}

// BenchmarkCompare measures go-diff on the comparison of two versions of
// a long rule: 300 articles with 8 changed and one added (synthetic), and
// the whole of the civil code (民法典, 1,260 articles, from the laws
// corpus when present) with the same changes.
func BenchmarkCompare(b *testing.B) {
	cases := []struct {
		name string
		body []string
	}{{"rule-300-articles", longRule(300)}, {"300-paragraphs-no-articles", withoutHeadings(longRule(300))}}
	if dir := os.Getenv("GAZETTE_CORPUS"); dir != "" {
		var code []string
		files, _ := filepath.Glob(filepath.Join(dir, "laws", "民法典", "*.md"))
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			_, text, _ := strings.Cut(string(raw), "<!-- INFO END -->")
			for _, line := range strings.Split(text, "\n") {
				if line = strings.TrimSpace(strings.TrimLeft(line, "#")); line != "" {
					code = append(code, line)
				}
			}
		}
		cases = append(cases, struct {
			name string
			body []string
		}{"civil-code", code})
	}
	for _, c := range cases {
		to := amend(c.body)
		b.Run(c.name, func(b *testing.B) {
			runes := 0
			for _, p := range c.body {
				runes += len([]rune(p))
			}
			for b.Loop() {
				compareBodies(c.body, to)
			}
			b.ReportMetric(float64(runes), "runes")
		})
	}
}
