package gazette

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// docNumberMatches must find exactly what the pattern finds on the whole
// text: it only skips runs in which no match can lie.
func checkSameMatches(t *testing.T, text string) {
	t.Helper()
	s := foldText(text).s
	want := reFindDocNumber.FindAllStringSubmatchIndex(s, -1)
	got := docNumberMatches(s)
	if !slices.EqualFunc(got, want, slices.Equal[[]int]) {
		t.Fatalf("docNumberMatches(%q) = %v, the whole-text pattern finds %v", text, got, want)
	}
}

func TestDocNumberMatchesAsWholeText(t *testing.T) {
	for _, text := range []string{
		"",
		"根据闽政〔2019〕14号和国办发〔1993〕55号，现将有关事项通知如下。",
		"2019年4月28日国务院令第1号公布，（福建省人民政府令 第208号）",
		"国家税务总局公告2018年第31号；第二十三条　违反本办法",
		"根据二〇一九年闽政〔二〇一九〕14号\n省政府令\n第219号",
		"HFGS—2016—3惠州市人民政府文件　惠府〔2015〕158号　○一号",
		"abc 123 闽政 2019 14号 〔2020〕 5号",
	} {
		checkSameMatches(t, text)
	}
	// Real titles and 文号 from the shared corpus, read as running text.
	path := filepath.Join("..", "..", "shared", "corpus", "docnum", "joined_title_docnum_dates.tsv.gz")
	f, err := os.Open(path)
	if err != nil {
		t.Logf("no corpus at %s: checked the hand-written texts only", path)
		return
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	for i := 0; i < len(lines); i += 200 {
		checkSameMatches(t, strings.Join(lines[i:min(i+200, len(lines))], "\n"))
	}
}

func FuzzDocNumberMatches(f *testing.F) {
	f.Add("根据闽政〔2019〕14号，省政府令第5号")
	f.Add("国家税务总局公告2018年第31号")
	f.Fuzz(func(t *testing.T, text string) { checkSameMatches(t, text) })
}
