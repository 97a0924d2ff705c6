package frontend

import (
	"testing"

	"github.com/gazette-archive/gazette/gazette"
)

// TestEndNotice: a repealed or expired document names since when and by
// what, from its validity record, else from the relation that repealed or
// ended it; a relation of another kind is not taken for it.
func TestEndNotice(t *testing.T) {
	repealer := relatedDoc{ID: "2020-3-1", Title: "关于废止部分规章的决定", Found: true}
	ender := relatedDoc{ID: "2020-4-1", Title: "关于宣布失效一批文件的决定", Found: true}
	links := []linkView{
		{Type: gazette.Amends, Doc: relatedDoc{ID: "2019-9-1", Found: true}, Date: "2019年9月1日"},
		{Type: gazette.Repeals, Doc: repealer, Date: "自2020年3月20日起"},
		{Type: gazette.Ends, Doc: ender, Date: "2020年4月2日"},
	}
	for _, c := range []struct {
		name      string
		dv        documentView
		since, by string
		verb      string
	}{
		{"from the validity record", documentView{Validity: gazette.Repealed, ValiditySince: "2020年3月1日", ChangedByDoc: &ender, RelatedBy: links}, "2020年3月1日", ender.ID, "废止"},
		{"repealed, from the relation", documentView{Validity: gazette.Repealed, RelatedBy: links}, "2020年3月20日", repealer.ID, "废止"},
		{"expired, from the relation", documentView{Validity: gazette.Expired, RelatedBy: links}, "2020年4月2日", ender.ID, "宣布失效"},
		{"expired by its date alone", documentView{Validity: gazette.Expired, ValiditySince: "2021年1月1日", RelatedBy: links[:2]}, "2021年1月1日", "", "宣布失效"},
	} {
		c.dv.endNotice()
		e := c.dv.Ended
		by := ""
		if e != nil && e.By != nil {
			by = e.By.ID
		}
		if e == nil || e.Since != c.since || by != c.by || e.Verb != c.verb {
			t.Errorf("%s: %+v, want since %s by %q (%s)", c.name, e, c.since, c.by, c.verb)
		}
	}
	in := documentView{Validity: gazette.InForce, RelatedBy: links}
	if in.endNotice(); in.Ended != nil {
		t.Errorf("a document in force has an end notice: %+v", in.Ended)
	}
}
