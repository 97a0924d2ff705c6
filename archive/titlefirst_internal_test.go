package archive

import (
	"slices"
	"testing"

	"github.com/gazette-archive/gazette/gazette"
)

// TestTitleFirst moves the hits titled as the query to the front, each
// part in its order, and leaves a page naming none as it is.
func TestTitleFirst(t *testing.T) {
	for _, c := range []struct {
		name   string
		titles []string
		text   string
		want   []string
	}{
		{"none", []string{"甲", "乙", "丙"}, "丁", []string{"甲", "乙", "丙"}},
		{"last", []string{"甲", "乙", "《丁》"}, "丁", []string{"《丁》", "甲", "乙"}},
		{"several", []string{"甲", "丁", "乙", "“丁”", "丙"}, "丁", []string{"丁", "“丁”", "甲", "乙", "丙"}},
		{"first already", []string{"丁", "甲", "乙"}, "丁", []string{"丁", "甲", "乙"}},
		{"all", []string{"丁", "丁 "}, "丁", []string{"丁", "丁 "}},
		{"no key", []string{"甲", "乙"}, "《》", []string{"甲", "乙"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			hits := make([]gazette.Hit, len(c.titles))
			for i, title := range c.titles {
				hits[i].Title = title
			}
			titleFirst(hits, c.text)
			var got []string
			for _, h := range hits {
				got = append(got, h.Title)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("titleFirst(%q, %q) = %q, want %q", c.titles, c.text, got, c.want)
			}
		})
	}
}
