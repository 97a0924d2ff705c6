package frontend

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/gazette"
)

// Everything taken from a URL is checked here, before it reaches the
// archive; each refusal is a badRequest naming the parameter.

var (
	yearRE   = regexp.MustCompile(`^[0-9]{4}$`)
	numberRE = regexp.MustCompile(`^s?[0-9]{1,3}$`)
	intRE    = regexp.MustCompile(`^[0-9]{1,6}$`)
)

// parseYear reads a year path segment or parameter.
func parseYear(s string) (int, error) {
	if !yearRE.MatchString(s) {
		return 0, badRequest(fmt.Sprintf("year %.20q: want four digits", s))
	}
	y, _ := strconv.Atoi(s)
	if y < gazette.MinYear || y > gazette.MaxYear {
		return 0, badRequest(fmt.Sprintf("year %d: outside %d–%d", y, gazette.MinYear, gazette.MaxYear))
	}
	return y, nil
}

// parseIssueKey reads /issues/{year}/{number}: number is 12, or s1 for a supplement.
func parseIssueKey(year, number string) (gazette.IssueKey, error) {
	if _, err := parseYear(year); err != nil {
		return gazette.IssueKey{}, err
	}
	if !numberRE.MatchString(number) {
		return gazette.IssueKey{}, badRequest(fmt.Sprintf("issue number %.20q: want 1–%d, or s1… for a supplement", number, gazette.MaxNumber))
	}
	k, err := gazette.ParseIssueKey(year + "-" + number)
	if err != nil {
		return gazette.IssueKey{}, badRequest(fmt.Sprintf("issue %s/%s: number outside 1–%d", year, number, gazette.MaxNumber))
	}
	return k, nil
}

// parseDocumentID reads a document ID such as 2019-12-3.
func parseDocumentID(id string) (string, error) {
	if _, _, err := gazette.ParseDocumentID(id); err != nil {
		return "", badRequest(fmt.Sprintf("document ID %.40q: want YEAR-NUMBER-POSITION, e.g. 2019-12-3", id))
	}
	return id, nil
}

// issuePath is the reader's URL of an issue: /issues/2019/12 or /issues/2019/s1.
func issuePath(k gazette.IssueKey) string {
	n := strconv.Itoa(k.Number)
	if k.Supplement {
		n = "s" + n
	}
	return "/issues/" + strconv.Itoa(k.Year) + "/" + n
}

// searchParams are the search parameters of the reader and the API.
type searchParams struct {
	gazette.Query
	// DocNumberOnly is set when the text is exactly one document number and
	// no filter is given: the reader then goes straight to the document.
	DocNumberOnly *gazette.DocNumber
}

// parseSearch reads a search from URL parameters; perPageParam is false for
// the reader, whose page size is fixed. The query is normalised: every
// error is a badRequest.
func parseSearch(v url.Values, perPageParam bool) (searchParams, error) {
	var sp searchParams
	q := &sp.Query
	for name, vals := range v {
		for _, s := range vals {
			if !utf8.ValidString(s) {
				return sp, badRequest(fmt.Sprintf("parameter %.20q: not valid UTF-8", name))
			}
		}
	}
	q.Text = strings.TrimSpace(v.Get("q"))
	for _, s := range nonEmpty(v["kind"]) {
		k, err := gazette.ParseKind(s)
		if err != nil {
			return sp, badRequest(fmt.Sprintf("kind %.40q: want one of %v", s, gazette.Kinds))
		}
		q.Kinds = append(q.Kinds, k)
	}
	for _, s := range nonEmpty(v["validity"]) {
		val, err := gazette.ParseValidity(s)
		if err != nil {
			return sp, badRequest(fmt.Sprintf("validity %.40q: want one of %v", s, gazette.Validities))
		}
		q.Validity = append(q.Validity, val)
	}
	for _, s := range nonEmpty(v["year"]) {
		y, err := parseYear(s)
		if err != nil {
			return sp, err
		}
		q.Years = append(q.Years, y)
	}
	q.Authorities = nonEmpty(v["authority"])
	q.Topics = nonEmpty(v["topic"])
	for _, d := range []struct {
		name string
		to   *gazette.Date
	}{{"from", &q.From}, {"to", &q.To}} {
		if s := strings.TrimSpace(v.Get(d.name)); s != "" {
			date, err := gazette.ParseDate(s)
			if err != nil {
				return sp, badRequest(fmt.Sprintf("%s %.40q: want a date such as 2019-04-28 or 2019年4月28日", d.name, s))
			}
			*d.to = date
		}
	}
	q.DateField = gazette.DateField(v.Get("date"))
	q.Sort = gazette.Sort(v.Get("sort"))
	var err error
	if q.Page, err = intParam(v, "page"); err != nil {
		return sp, err
	}
	if perPageParam {
		if q.PerPage, err = intParam(v, "per_page"); err != nil {
			return sp, err
		}
	}
	if err := q.Normalize(); err != nil {
		return sp, badRequest(strings.TrimSuffix(strings.TrimPrefix(err.Error(), "search: "), ": "+gazette.ErrInvalid.Error()))
	}
	qt, _ := gazette.ParseQueryText(q.Text) // Normalize has checked it
	if len(qt.DocNumbers) == 1 && len(qt.Terms)+len(qt.Phrases)+len(qt.Excluded) == 0 &&
		len(q.Kinds)+len(q.Validity)+len(q.Years)+len(q.Authorities)+len(q.Topics) == 0 && q.From.IsZero() && q.To.IsZero() {
		sp.DocNumberOnly = &qt.DocNumbers[0]
	}
	return sp, nil
}

func nonEmpty(vals []string) []string {
	var out []string
	for _, s := range vals {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func intParam(v url.Values, name string) (int, error) {
	s := v.Get(name)
	if s == "" {
		return 0, nil
	}
	if !intRE.MatchString(s) {
		return 0, badRequest(fmt.Sprintf("%s %.20q: want a positive whole number", name, s))
	}
	n, _ := strconv.Atoi(s)
	if n < 1 {
		return 0, badRequest(fmt.Sprintf("%s %d: want at least 1", name, n))
	}
	return n, nil
}
