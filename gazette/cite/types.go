package cite

import (
	"regexp"
	"strings"

	"github.com/gazette-archive/gazette/gazette"
)

// clauseBreaks end the clause a citation is typed within.
const clauseBreaks = "，。；：！？,;:!?\n"

// listGlue joins the citations of a list: 根据《A》、《B》和《C》.
const listGlue = "、和及与以及 \u3000"

// zeroWidth are invisible characters of scraped text.
const zeroWidth = "\u200b\u200c\u200d\ufeff\u2060\u00ad"

var (
	// parenBlockRE is a parenthesis inside a clause: （2005年3月1日省人民政府令第5号公布）.
	parenBlockRE = regexp.MustCompile(`[(（][^()（）]*[)）]`)
	// repealAfterRE: 《A》同时废止, 《A》予以废止, 《A》停止执行.
	repealAfterRE = regexp.MustCompile(`^(?:同时|予以|即行|一并|相应)?(?:废止|停止执行)$`)
	// amendAfterRE: 对《A》作如下修改, 《A》第十条修改为.
	amendAfterRE = regexp.MustCompile(`^(?:的部分条款)?(?:作如下修改|作出如下修改|修改如下|修改为|修正为)`)
)

// relationType types citation i of cs, found in text, by the words around
// it within its clause, with the other citations of a list and the
// provisions skipped: after 根据 or 依据 it is gazette.BasedOn; 废止《A》
// and 《A》同时废止 are gazette.Repeals; 对《A》作如下修改 and 《A》第十条修改为 are
// gazette.Amends. 关于废止《A》的决定 names a decision and types nothing.
// Anything else is gazette.Cites.
func relationType(text string, cs []Citation, i int) gazette.RelationType {
	c := cs[i]
	lo := strings.LastIndexAny(text[:c.Start], clauseBreaks) + 1
	if lo < 0 {
		lo = 0
	}
	hi := len(text)
	if j := strings.IndexAny(text[c.End:], clauseBreaks); j >= 0 {
		hi = c.End + j
	}
	before := strings.TrimRight(strip(text, cs, lo, c.Start), listGlue+zeroWidth)
	from := c.End
	if _, n := gazette.Provision(text[from:hi]); n > 0 {
		from += n
	}
	after := strings.TrimLeft(strip(text, cs, from, hi), listGlue+zeroWidth)
	switch {
	case strings.HasSuffix(before, "根据") || strings.HasSuffix(before, "依据"):
		return gazette.BasedOn
	case strings.HasPrefix(after, "的"):
		return gazette.Cites // 关于废止《A》的决定: a title, not an act
	case strings.HasSuffix(before, "废止") || repealAfterRE.MatchString(after):
		return gazette.Repeals
	case amendAfterRE.MatchString(after) || strings.HasSuffix(before, "修改") && after == "":
		return gazette.Amends
	}
	return gazette.Cites
}

// strip returns text[lo:hi] without the citations of cs in it, the
// provisions after them, and parentheses.
func strip(text string, cs []Citation, lo, hi int) string {
	var b strings.Builder
	at := lo
	for _, c := range cs {
		if c.End <= lo || c.Start >= hi {
			continue
		}
		if c.Start > at {
			b.WriteString(text[at:c.Start])
		}
		at = max(at, c.End)
		if _, n := gazette.Provision(text[at:]); n > 0 && at+n <= hi {
			at += n
		}
	}
	if at < hi {
		b.WriteString(text[at:hi])
	}
	s := parenBlockRE.ReplaceAllString(b.String(), "")
	// a provision cited in a list (根据《A》第三条、第五条和): drop it too
	for {
		i := strings.LastIndex(s, "第")
		if i < 0 {
			break
		}
		if _, n := gazette.Provision(s[i:]); n > 0 && strings.TrimRight(s[i+n:], listGlue) == "" {
			s = s[:i]
			continue
		}
		break
	}
	return s
}
