package archive_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/gazette"
)

// What a partial match shows of the question's words. The law's word for
// an everyday one (劳动报酬 for 工资) is searched as a word: where no
// document holds it, its pieces are not, so the words shown as matched are
// the question's own (a 劳动 of 劳动者 was shown for 工资, which the reader
// never typed). The snippet marks them side by side.
func TestPartialMatchShowsTheQuestionsWords(t *testing.T) {
	ctx := context.Background()
	idx := openBleve(t)
	docs := archivetest.IndexCorpus()
	docs[0].Title = "关于调整最低工资标准的通知"
	docs[0].Body = []string{"用人单位支付劳动者的工资不得低于当地最低工资标准。"}
	if err := idx.Put(ctx, docs); err != nil {
		t.Fatal(err)
	}
	res, err := archive.Search(ctx, idx, gazette.Query{Text: "最低工资标准是多少"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Partial || len(res.Hits) == 0 || res.Hits[0].ID != docs[0].ID {
		t.Fatalf("partial %v, %d hits: want the 最低工资标准 notice first", res.Partial, len(res.Hits))
	}
	if want := []string{"最低工资标准"}; !slices.Equal(res.Matched, want) {
		t.Errorf("matched words %q, want %q", res.Matched, want)
	}
	// The snippet shows the words matched side by side, not their rarest
	// piece alone (<mark>最低</mark>工资标准).
	if !strings.Contains(res.Hits[0].Snippet, "<mark>最低工资标准</mark>") {
		t.Errorf("snippet %q does not mark 最低工资标准", res.Hits[0].Snippet)
	}
}
