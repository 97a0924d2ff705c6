package frontend

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/gazette"
)

// searchView is a search page: the query, its results, facets as links
// and pagination.
type searchView struct {
	Asked bool
	// NothingToSearch: Q is only punctuation or symbols, so nothing was
	// searched.
	NothingToSearch bool
	Q               string
	Form            searchForm
	Total           int
	Hits            []hitView
	Facets          []facetGroup
	Selected        []facetLink
	Pages           []pageLink
	Prev            string
	Next            string
	Page            int
	PageCount       int
	DocNumber       string // a 文号 searched for and not found
	// Partial says no document matched every word; Matched are the words the
	// best of the partial matches holds.
	Partial bool
	Matched []string
	// DidYouMean are documents numbered a digit or an agency character
	// from a 文号 searched for and not found.
	DidYouMean []suggestionView
	// Feed follows this search as an Atom feed (following.go).
	Feed string
}

type suggestionView struct{ DocNumber, Title, Link string }

type searchForm struct {
	From, To, Date, Sort string
	InForceOn            string // in_force_on: in force on that day
	Hidden               []hiddenField
}

type hiddenField struct{ Name, Value string }

type hitView struct {
	ID, Title, DocNumber, Kind, Issue, Pages, Published, Link string
	Validity                                                  gazette.Validity
	Authorities                                               []string
	Snippet                                                   template.HTML
}

type facetGroup struct {
	Name  string
	Links []facetLink
}

type facetLink struct {
	Label    string
	Count    int
	Href     string
	Selected bool
}

type pageLink struct {
	N       int
	Href    string
	Current bool
}

// runSearch runs q within the server's search deadline. Its errors are
// searchFailed, so that an index that is down or past the deadline answers
// 503 saying that search, not the site, is unavailable.
func (s *Server) runSearch(ctx context.Context, q gazette.Query) (gazette.Results, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.SearchTimeout)
	defer cancel()
	if q.Gazette == "" {
		// Short forms of 文号 (省政府令第241号) mean this gazette's own.
		q.Gazette = s.siteName()
	}
	res, err := s.cfg.Archive.Search(ctx, q)
	if err != nil {
		return res, searchFailed{err}
	}
	return res, nil
}

func (s *Server) search(c *gin.Context) {
	key := "search?" + c.Request.URL.RawQuery
	if s.cached(c, s.searches, key, ccPrivate) {
		return
	}
	vals, err := requestQuery(c)
	if err != nil {
		s.failPage(c, err)
		return
	}
	sp, err := parseSearch(vals, false)
	nothing := errors.Is(err, errNothingToSearch)
	if err != nil && !nothing {
		s.failPage(c, err)
		return
	}
	v := s.view(c, "检索", "/search")
	v.Query = clean(sp.Text)
	v.NoIndex = true
	sv := searchView{Q: clean(sp.Text), Form: searchForm{From: vals.Get("from"), To: vals.Get("to"), Date: string(sp.DateField), Sort: string(sp.Sort), InForceOn: vals.Get("in_force_on")}}
	for _, name := range []string{"kind", "authority", "year", "validity", "topic"} {
		for _, val := range nonEmpty(vals[name]) {
			sv.Form.Hidden = append(sv.Form.Hidden, hiddenField{name, clean(val)})
		}
	}
	qt, _ := gazette.ParseQueryText(sp.Text)
	sv.Asked = !qt.Empty() || len(sv.Form.Hidden) > 0 || !sp.From.IsZero() || !sp.To.IsZero() || !sp.InForceOn.IsZero()
	if sv.NothingToSearch = nothing; nothing || !sv.Asked {
		sv.Asked = false
		v.Data = sv
		s.render(c, "search", v, nil, "", ccRecent)
		return
	}
	res, err := s.runSearch(c.Request.Context(), sp.Query)
	if err != nil {
		s.failPage(c, err)
		return
	}
	if n := sp.DocNumberOnly; n != nil {
		local := gazette.LocalDocNumbers(*n, s.siteName())
		for _, h := range res.Hits {
			if slices.ContainsFunc(local, func(m gazette.DocNumber) bool { return h.DocNumber == m.String() }) {
				// A 文号 in any spelling goes straight to its document.
				c.Redirect(http.StatusSeeOther, "/documents/"+h.ID)
				return
			}
		}
		sv.DocNumber = n.String()
	}
	for _, d := range res.DidYouMean {
		sv.DidYouMean = append(sv.DidYouMean, suggestionView{DocNumber: clean(d.DocNumber), Title: clean(d.Title), Link: "/documents/" + d.ID})
	}
	v.Title = clean(sp.Text) + " - 检索"
	if sp.Text == "" {
		v.Title = "检索结果"
	}
	sv.Total = res.Total
	sv.Partial = res.Partial
	for _, m := range res.Matched {
		sv.Matched = append(sv.Matched, clean(m))
	}
	for _, h := range res.Hits {
		hv := hitView{
			ID: h.ID, Title: clean(h.Title), DocNumber: clean(h.DocNumber), Kind: h.Kind.Label(),
			Issue: h.Issue.Label(), Pages: h.Pages.String(), Published: dateLabel(h.Published),
			Validity: h.Validity, Snippet: safeSnippet(h.Snippet), Link: "/documents/" + h.ID,
		}
		if sp.Text != "" {
			hv.Link += "?hl=" + url.QueryEscape(sp.Text)
		}
		if h.Anchor != "" {
			hv.Link += "#" + url.PathEscape(h.Anchor) // the article the match is in
		}
		for _, a := range h.Authorities {
			hv.Authorities = append(hv.Authorities, clean(a))
		}
		sv.Hits = append(sv.Hits, hv)
	}
	sv.Facets, sv.Selected = facetLinks(vals, res.Facets)
	sv.Page = sp.Page
	sv.PageCount = (min(res.Total, gazette.MaxResultWindow) + sp.PerPage - 1) / sp.PerPage
	sv.Pages, sv.Prev, sv.Next = pageLinks(vals, sp.Page, sv.PageCount)
	if sv.Feed = searchFeedPath(vals); sv.Feed != "" {
		v.Feeds = []feedLink{{v.Title + "：最新文件", sv.Feed}}
	}
	v.Data = sv
	s.render(c, "search", v, s.searches, key, ccPrivate)
}

// facetLinks turns the facet counts into links that add a value to the
// filters, and the selected values into links that remove it.
func facetLinks(vals url.Values, f gazette.Facets) ([]facetGroup, []facetLink) {
	groups := []struct {
		name, param string
		counts      []gazette.FacetCount
		label       func(string) string
	}{
		{"种类", "kind", f.Kind, func(s string) string { return orValue(gazette.Kind(s).Label(), s) }},
		{"时效性", "validity", f.Validity, func(s string) string { return orValue(gazette.Validity(s).Label(), s) }},
		{"年份", "year", f.Year, func(s string) string { return s + "年" }},
		{"发文机关", "authority", f.Authority, clean},
	}
	var out []facetGroup
	var selected []facetLink
	for _, g := range groups {
		fg := facetGroup{Name: g.name}
		for _, fc := range g.counts {
			if len(fg.Links) == 12 {
				break
			}
			sel := slices.Contains(vals[g.param], fc.Value)
			fg.Links = append(fg.Links, facetLink{Label: g.label(fc.Value), Count: fc.Count, Href: toggled(vals, g.param, fc.Value), Selected: sel})
		}
		for _, val := range nonEmpty(vals[g.param]) {
			selected = append(selected, facetLink{Label: clean(g.label(val)), Href: toggled(vals, g.param, val), Selected: true})
		}
		if len(fg.Links) > 0 {
			out = append(out, fg)
		}
	}
	return out, selected
}

func orValue(label, value string) string {
	if label == "" {
		return value
	}
	return label
}

// toggled is the search URL with value added to or removed from param, back
// on page 1.
func toggled(vals url.Values, param, value string) string {
	nv := url.Values{}
	for k, vs := range vals {
		if k != "page" {
			nv[k] = slices.Clone(vs)
		}
	}
	if i := slices.Index(nv[param], value); i >= 0 {
		nv[param] = slices.Delete(nv[param], i, i+1)
	} else {
		nv[param] = append(nv[param], value)
	}
	return "/search?" + nv.Encode()
}

// pageLinks returns a window of page links around the current page.
func pageLinks(vals url.Values, cur, count int) (links []pageLink, prev, next string) {
	href := func(n int) string {
		nv := url.Values{}
		for k, vs := range vals {
			nv[k] = vs
		}
		if n == 1 {
			nv.Del("page")
		} else {
			nv.Set("page", strconv.Itoa(n))
		}
		return "/search?" + nv.Encode()
	}
	if count <= 1 {
		return nil, "", ""
	}
	lo, hi := max(1, cur-2), min(count, cur+2)
	for n := lo; n <= hi; n++ {
		links = append(links, pageLink{N: n, Href: href(n), Current: n == cur})
	}
	if cur > 1 {
		prev = href(cur - 1)
	}
	if cur < count {
		next = href(cur + 1)
	}
	return links, prev, next
}
