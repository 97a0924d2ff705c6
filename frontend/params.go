package frontend

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

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

// badQuery is a query string that does not parse, or a parameter given in
// a way that would silently change the query: it names the parameter, in
// English for the API and in Chinese for the reader's pages.
type badQuery struct {
	Param    string // the name as written in the URL
	Reason   string // what is wrong, in English
	ReasonZh string // the same in Chinese
}

func (e badQuery) Error() string { return fmt.Sprintf("parameter %.40q: %s", e.Param, e.Reason) }
func (e badQuery) Unwrap() error { return gazette.ErrInvalid }

// errNothingToSearch is a q of only punctuation or symbols. The search
// page shows it beside the form, to be typed again; elsewhere it is a 400.
var errNothingToSearch = badQuery{"q", "has nothing to search for, only punctuation or symbols", "中没有可检索的字词，只有标点或符号"}

// Chinese is the message for a reader's error page.
func (e badQuery) Chinese() string { return fmt.Sprintf("参数 %.40q %s", e.Param, e.ReasonZh) }

// parseQuery reads a raw query string as url.ParseQuery does, but where
// url.Values (and so gin's c.Query) silently drops a pair that does not
// unescape or holds a ';', it refuses the whole query with a badQuery
// naming the parameter: a dropped filter would widen the results.
func parseQuery(raw string) (url.Values, error) {
	v := url.Values{}
	for rest := raw; rest != ""; {
		var pair string
		pair, rest, _ = strings.Cut(rest, "&")
		if pair == "" {
			continue
		}
		k, val, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			return nil, badQuery{k, "the name is not URL-encoded correctly (a '%' must start %XX)", "的名称编码有误（“%”后须跟两位十六进制数字）"}
		}
		if strings.Contains(pair, ";") {
			return nil, badQuery{name, "contains ';': separate parameters with '&' and write a semicolon as %3B", "含有分号“;”：参数之间请用“&”分隔，分号请写作 %3B"}
		}
		value, err := url.QueryUnescape(val)
		if err != nil {
			return nil, badQuery{name, "the value is not URL-encoded correctly (a '%' must start %XX)", "的值编码有误（“%”后须跟两位十六进制数字）"}
		}
		v[name] = append(v[name], value)
	}
	// Whatever the loop above missed, net/url must agree the query parses.
	if _, err := url.ParseQuery(raw); err != nil {
		return nil, badQuery{"", "the query string does not parse", "无法解析"}
	}
	return v, nil
}

// requestQuery is the parsed query string of c's request; see parseQuery.
func requestQuery(c *gin.Context) (url.Values, error) {
	return parseQuery(c.Request.URL.RawQuery)
}

// once refuses a parameter given more than once where it takes one value:
// reading only the first would answer a different query than was asked.
func once(v url.Values, names ...string) error {
	for _, name := range names {
		if len(v[name]) > 1 {
			return badQuery{name, "given more than once: it takes one value", "重复出现：只能给出一个值"}
		}
	}
	return nil
}

// feedFilters are the search of the documents feed: every kind and
// authority given. The other search parameters are refused, not ignored:
// ignoring one would answer with more documents than were asked for.
func feedFilters(in url.Values) (url.Values, error) {
	out := url.Values{}
	for _, name := range []string{"q", "validity", "year", "topic", "from", "to", "date", "sort", "page", "per_page", "in_force_on"} {
		if _, ok := in[name]; ok {
			return nil, badQuery{name, "the documents feed takes kind and authority only", "不适用于文件订阅：订阅只能按 kind 和 authority 筛选"}
		}
	}
	for _, name := range []string{"kind", "authority"} {
		if vals := nonEmpty(in[name]); len(vals) > 0 {
			out[name] = vals
		}
	}
	return out, nil
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
				return sp, badQuery{name, "not valid UTF-8", "不是有效的 UTF-8 文本"}
			}
		}
	}
	if err := once(v, "q", "from", "to", "date", "sort", "in_force_on"); err != nil {
		return sp, err
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
	}{{"from", &q.From}, {"to", &q.To}, {"in_force_on", &q.InForceOn}} {
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
	if err := q.Normalize(); errors.Is(err, gazette.ErrNothingToSearch) {
		return sp, errNothingToSearch
	} else if errors.Is(err, gazette.ErrQueryTooLong) {
		return sp, badQuery{"q", fmt.Sprintf("is longer than %d characters", gazette.MaxQueryRunes), fmt.Sprintf("超过 %d 个字，请缩短后再检索", gazette.MaxQueryRunes)}
	} else if err != nil {
		return sp, badRequest(strings.TrimSuffix(strings.TrimPrefix(err.Error(), "search: "), ": "+gazette.ErrInvalid.Error()))
	}
	qt, _ := gazette.ParseQueryText(q.Text) // Normalize has checked it
	if len(qt.DocNumbers) == 1 && len(qt.Terms)+len(qt.Phrases)+len(qt.Excluded) == 0 &&
		len(q.Kinds)+len(q.Validity)+len(q.Years)+len(q.Authorities)+len(q.Topics) == 0 && q.From.IsZero() && q.To.IsZero() && q.InForceOn.IsZero() {
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
	if err := once(v, name); err != nil {
		return 0, err
	}
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
