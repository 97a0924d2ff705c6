package frontend

import (
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/gazette"
)

// view is what every page template receives: the layout's fields and the
// page's own Data.
type view struct {
	Site        string
	Title       string // of the page; empty on the home page
	Description string
	Canonical   string // absolute URL
	OGType      string
	Query       string // the search box's text
	NoIndex     bool
	Data        any
	Feeds       []feedLink // the page's own feeds, as <link rel="alternate">
	Chrome      *chrome    // set by execPage
}

// feedLink is an Atom feed a page offers.
type feedLink struct{ Title, Href string }

// view starts a page's view; path is its canonical site path.
func (s *Server) view(c *gin.Context, title, path string) *view {
	if path == "" {
		path = c.Request.URL.Path
	}
	return &view{Site: s.siteName(), Title: title, Canonical: s.abs(path), OGType: "website"}
}

// siteName is the gazette's name: configured, or else as the newest
// published issue seen so far prints it.
func (s *Server) siteName() string {
	if n, ok := s.name.Load().(seenName); ok && n.name != "" {
		return n.name
	}
	return s.cfg.Gazette
}

// nameRetry is how long a server that knows no name yet waits before asking
// the archive for its newest issue again (an empty archive has none).
const nameRetry = 10 * time.Second

// learnName reads the gazette's name from the newest published issue before
// a request is served, while the server knows none: a search that comes
// before any page that shows an issue must still read 省政府令 as this
// gazette's own, and every page must carry the name.
func (s *Server) learnName() gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.nameFixed || s.name.Load() != nil {
			return
		}
		now := time.Now().UnixNano()
		last := s.nameTried.Load()
		if now-last < int64(nameRetry) || !s.nameTried.CompareAndSwap(last, now) {
			return
		}
		if is, err := s.cfg.Archive.Latest(c.Request.Context()); err == nil {
			s.sawIssue(is)
		}
	}
}

// seenName is the gazette's name as an issue published at a time printed it.
type seenName struct {
	name      string
	published time.Time
}

// sawIssue learns the gazette's name from a published issue newer than any
// seen before (a gazette may be renamed; the newest name wins).
func (s *Server) sawIssue(is *gazette.Issue) {
	if s.nameFixed || is.Gazette == "" {
		return
	}
	next := seenName{clean(is.Gazette), is.Published}
	for {
		cur := s.name.Load()
		old, ok := cur.(seenName)
		if ok && !is.Published.After(old.published) {
			return
		}
		if !ok {
			if s.name.CompareAndSwap(nil, next) {
				return
			}
			continue
		}
		if s.name.CompareAndSwap(cur, next) {
			return
		}
	}
}

// parseTemplates parses every page at start-up: the layout with each page.
func parseTemplates(as *assets) (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"asset":    as.url,
		"validity": func(v gazette.Validity) string { return v.Label() },
		"dict":     dict,
		"inc":      func(i int) int { return i + 1 },
		"dec":      func(i int) int { return i - 1 },
	}
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("frontend: templates: %w", err)
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		if n == "templates/layout.html" {
			continue
		}
		t, err := template.New("").Funcs(funcs).ParseFS(files, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("frontend: templates: %w", err)
		}
		pages[strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")] = t
	}
	return pages, nil
}

func dateLabel(d gazette.Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year, int(d.Month), d.Day)
}

func timeLabel(t time.Time) string { return dateLabel(gazette.DateOf(t)) }

func sizeLabel(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d 字节", n)
}

// clean removes the characters that reorder or hide text (bidirectional
// overrides and isolates): in a title or 文号 they only serve to spoof what
// a reader sees. Everything else is escaped by html/template.
func clean(s string) string {
	if !strings.ContainsFunc(s, isBidiControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isBidiControl(r) {
			return -1
		}
		return r
	}, s)
}

func isBidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069') || r == '\u200E' || r == '\u200F' || r == '\u061C'
}

// safeSnippet makes a search snippet safe whatever the index returned: only
// <mark> and </mark>, balanced, survive as tags; everything else is text,
// escaped (entities the index wrote are kept as the characters they are).
func safeSnippet(s string) template.HTML {
	var b strings.Builder
	open := false
	for s != "" {
		i := strings.Index(s, "<mark>")
		j := strings.Index(s, "</mark>")
		next, tag, tagLen := len(s), "", 0
		if i >= 0 && (j < 0 || i < j) {
			next, tag, tagLen = i, "<mark>", len("<mark>")
		} else if j >= 0 {
			next, tag, tagLen = j, "</mark>", len("</mark>")
		}
		b.WriteString(html.EscapeString(clean(html.UnescapeString(s[:next]))))
		switch {
		case tag == "<mark>" && !open:
			b.WriteString(tag)
			open = true
		case tag == "</mark>" && open:
			b.WriteString(tag)
			open = false
		}
		s = s[min(next+tagLen, len(s)):]
	}
	if open {
		b.WriteString("</mark>")
	}
	return template.HTML(b.String())
}

// highlight returns a paragraph escaped, with the needles marked.
func highlight(text string, needles []string) template.HTML {
	if len(needles) == 0 {
		return template.HTML(html.EscapeString(clean(text)))
	}
	// A window three times the text: Snippet then starts at the beginning
	// and shows it whole.
	return safeSnippet(gazette.Snippet(text, needles, 3*len(text)+3))
}

// dict builds a map for passing several values to a nested template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}
