package frontend

import (
	"context"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/gazette"
)

// apiSuggestionItem is one document offered under the search box.
type apiSuggestionItem struct {
	ID            string           `json:"id"`
	Title         string           `json:"title"`
	DocNumber     string           `json:"doc_number,omitempty"`
	Kind          gazette.Kind     `json:"kind"`
	Validity      gazette.Validity `json:"validity"`
	ValidityLabel string           `json:"validity_label"`
	Published     gazette.Date     `json:"published_date"`
	URL           string           `json:"url"`
	APIURL        string           `json:"api_url"`
}

// apiSuggest answers GET /api/v1/suggest?q=…: the titles and 文号 the
// search box offers for what has been typed so far (archive.Suggest). It
// takes q and nothing else: a parameter it would ignore is refused, as
// everywhere in the API. Too little to match (one character, punctuation)
// is an empty list; a q too long or malformed is a 400 naming it. The
// answer is not kept in the server's page caches, so that a stream of
// keystrokes cannot evict the search pages; it costs a fraction of a
// millisecond on either index (an in-process table, package typeahead),
// and a browser or proxy keeps it as long as a search answer (ccAPIRecent).
func (s *Server) apiSuggest(c *gin.Context) {
	v, err := requestQuery(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	for name := range v {
		if name != "q" {
			s.fail(c, badQuery{name, "unknown parameter: suggestions take q only", "未知参数：联想只接受 q"})
			return
		}
	}
	if err := once(v, "q"); err != nil {
		s.fail(c, err)
		return
	}
	qs, ok := v["q"]
	if !ok {
		s.fail(c, badQuery{"q", "required: the text typed so far", "缺失：请给出已输入的文字"})
		return
	}
	q := qs[0]
	switch {
	case !utf8.ValidString(q):
		s.fail(c, badQuery{"q", "is not valid UTF-8", "不是有效的 UTF-8 文本"})
		return
	case utf8.RuneCountInString(q) > gazette.MaxQueryRunes:
		s.fail(c, badQuery{"q", "longer than 256 characters", "超过 256 个字符"})
		return
	case hasControl(q):
		s.fail(c, badQuery{"q", "contains control characters", "含有控制字符"})
		return
	}
	hits, err := s.suggest(c.Request.Context(), q)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := struct {
		Query       string              `json:"query"`
		Suggestions []apiSuggestionItem `json:"suggestions"`
	}{Query: q, Suggestions: []apiSuggestionItem{}}
	for _, h := range hits {
		out.Suggestions = append(out.Suggestions, apiSuggestionItem{
			ID: h.ID, Title: h.Title, DocNumber: h.DocNumber, Kind: h.Kind, Validity: h.Validity,
			ValidityLabel: h.Validity.Label(), Published: h.Published,
			URL: s.abs("/documents/" + h.ID), APIURL: s.abs("/api/v1/documents/" + h.ID),
		})
	}
	s.writeJSON(c, out, ccAPIRecent, nil, "")
}

// suggest asks the archive for suggestions within the server's search
// deadline; short forms of 文号 (省政府令第241号) mean this gazette's own.
func (s *Server) suggest(ctx context.Context, text string) ([]gazette.Hit, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.SearchTimeout)
	defer cancel()
	hits, err := s.cfg.Archive.Suggest(ctx, text, s.siteName())
	if err != nil {
		return nil, searchFailed{err}
	}
	return hits, nil
}

// hasControl reports whether s holds a control character other than the
// white space a pasted text may bring.
func hasControl(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			return true
		}
	}
	return false
}
