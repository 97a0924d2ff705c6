package meta

import (
	"regexp"

	"github.com/gazette-archive/gazette/ingest/layout"
	"github.com/gazette-archive/gazette/ingest/page"
)

// reGazetteName is a gazette's name: a government or office, then 公报.
// Covers often letter-space it, so spaces are squeezed out first.
var reGazetteName = regexp.MustCompile(`\p{Han}{2,30}(?:公报|公報)`)

// GazetteName returns the gazette's name as printed on the cover, or in the
// running heads when the cover has none (a scan missing its cover); "" if
// neither names it.
func GazetteName(pages []layout.Page) string {
	for _, p := range pages[:min(len(pages), 2)] {
		for _, l := range p.Lines {
			if name := gazetteName(l.Text, true); name != "" {
				return name
			}
		}
	}
	for _, p := range pages[:min(len(pages), 8)] {
		for _, l := range p.Removed {
			if name := gazetteName(l.Text, false); name != "" {
				return name
			}
		}
	}
	return ""
}

// gazetteName finds the name in one line: the whole line on a cover, where
// a sentence mentioning a 公报 must not be taken; at its start in a running
// head, which goes on with the issue number.
func gazetteName(line string, whole bool) string {
	s := page.Squeeze(line)
	loc := reGazetteName.FindStringIndex(s)
	if loc == nil || loc[0] != 0 || (whole && loc[1] != len(s)) {
		return ""
	}
	return s[:loc[1]]
}
