package split

import (
	"fmt"
	"testing"

	"github.com/gazette-archive/gazette/ingest/layout"
	"github.com/gazette-archive/gazette/ingest/layout/layouttest"
)

// bigIssue typesets an issue of about pages pages: a cover, a contents of
// one entry per document, and documents of about four pages each.
func bigIssue(pages int) []layout.Page {
	b := func(text string, s layouttest.Style) layouttest.Block { return layouttest.Block{Text: text, Style: s} }
	docs := max(1, pages/4)
	blocks := []layouttest.Block{b("某省人民政府公报", layouttest.Title), b("2024年第7期", layouttest.Centre), {Style: layouttest.NewPage},
		b("目　　录", layouttest.Title)}
	for d := range docs {
		blocks = append(blocks, b(fmt.Sprintf("某省人民政府关于做好第%d批重点项目建设工作的通知……………%d", d+1, 1+4*d), layouttest.Flush))
	}
	blocks = append(blocks, layouttest.Block{Style: layouttest.NewPage})
	for d := range docs {
		blocks = append(blocks,
			b(fmt.Sprintf("某省人民政府关于做好第%d批重点项目建设工作的通知", d+1), layouttest.Title),
			b(fmt.Sprintf("某政发〔2024〕%d号", d+1), layouttest.Centre),
			b("各市、县（区）人民政府，省人民政府各部门、各直属机构：", layouttest.Flush))
		for k := range 28 {
			blocks = append(blocks, b(fmt.Sprintf("第%d条　各地各部门要高度重视，加强组织领导，明确责任分工，确保各项任务落到实处。对在工作中做出显著成绩的单位和个人，按照国家和省有关规定给予表彰和奖励。", k+1), layouttest.Body))
		}
		blocks = append(blocks, b("某省人民政府", layouttest.Right), b("2024年3月1日", layouttest.Right), layouttest.Block{Style: layouttest.NewPage})
	}
	pp, _ := layouttest.Typeset(blocks, layouttest.Options{
		Head: func(n int) string { return fmt.Sprintf("某省人民政府公报　2024年第7期　第%d页", n) },
		Foot: func(n int) string { return fmt.Sprintf("— %d —", n) }, FirstPrinted: 1, FrontPages: 2,
	})
	return layout.Clean(pp)
}

// BenchmarkSplit times Split per page on small and large issues: the cost
// per page must not grow with the page count.
func BenchmarkSplit(b *testing.B) {
	for _, n := range []int{50, 1000} {
		pages := bigIssue(n)
		b.Run(fmt.Sprintf("pages=%d", len(pages)), func(b *testing.B) {
			for b.Loop() {
				Split(pages)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(pages)), "µs/page")
		})
	}
}
