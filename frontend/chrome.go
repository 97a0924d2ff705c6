package frontend

import (
	"html/template"
	"io"
	"strings"
)

// chrome is what every page prints around its content that changes only
// with the site's name: the head's stylesheets, scripts and feeds, the
// site's header and footer (the chrome-* templates of layout.html). It is
// rendered once for a name, not on every page, where its dozen actions,
// each asset's URL and the name escaped anew, took a tenth of a document
// page's rendering. As template.HTML in the layout's text it is written as
// rendered, so the page is the same to the byte.
type chrome struct {
	site            string
	Head, Top, Foot template.HTML
	Cite            template.HTML // the document page's script of its citation box
}

// chromeFor is the chrome of site, rendered with t, a page's templates
// (every page's include the layout's), when the site's name is not the one
// it was last rendered for.
func (s *Server) chromeFor(t *template.Template, site string) (*chrome, error) {
	if c := s.chrome.Load(); c != nil && c.site == site {
		return c, nil
	}
	c := &chrome{site: site}
	data := struct{ Site string }{site}
	for _, part := range []struct {
		name string
		out  *template.HTML
	}{{"chrome-head", &c.Head}, {"chrome-top", &c.Top}, {"chrome-foot", &c.Foot}, {"chrome-cite", &c.Cite}} {
		var b strings.Builder
		if err := t.ExecuteTemplate(&b, part.name, data); err != nil {
			return nil, err
		}
		*part.out = template.HTML(b.String())
	}
	s.chrome.Store(c) // a concurrent render of another name may win: either is right for its own name
	return c, nil
}

// execPage executes the layout of page name with v into w.
func (s *Server) execPage(w io.Writer, name string, v *view) error {
	t := s.pages[name]
	c, err := s.chromeFor(t, v.Site)
	if err != nil {
		return err
	}
	v.Chrome = c
	return t.ExecuteTemplate(w, "layout", v)
}
