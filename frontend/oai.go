package frontend

import (
	"bytes"
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/gazette"
)

// OAI-PMH 2.0 (https://www.openarchives.org/OAI/openarchivesprotocol.html)
// at /oai, for libraries and archives that harvest the gazette: the six
// verbs over GET and POST, Dublin Core (oai_dc), sets by year, kind and
// issuing authority, from/until at the granularity of seconds, paging by
// resumptionToken. A record is one published document, identified as
// oai:<host>:<document ID>; its datestamp is its last change
// (archive.Stamps; what responseDate promises is in oai_stamps.go). A
// scheduled issue has no record before its moment, and one withdrawn
// before it never has one. The archive never withdraws
// what it published (objects are immutable), so no record is ever deleted;
// the repository still declares deletedRecord "persistent", the promise
// that a deletion, were there one, would be kept for good.
//
// Protocol errors are answers, not failures: 200 with an <error> element,
// as the specification says. Storage that does not answer is a 503 with
// Retry-After, which harvesters honour.

// oaiArchive is what /oai needs of the archive besides Archive
// (*archive.Archive has it): every published document with its last
// change, and one document's (gazette.ErrNotFound when it is not
// published). Errors: gazette.ErrCorrupt, storage errors; safe for
// concurrent use. An archive without it serves no /oai (404).
type oaiArchive interface {
	Stamps(ctx context.Context) ([]gazette.Stamp, error)
	Stamp(ctx context.Context, id string) (gazette.Stamp, error)
}

// OAI-PMH constants.
const (
	oaiNS          = "http://www.openarchives.org/OAI/2.0/"
	oaiSchema      = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
	oaiDCPrefix    = "oai_dc"
	oaiDCNS        = "http://www.openarchives.org/OAI/2.0/oai_dc/"
	oaiDCSchema    = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
	dcNS           = "http://purl.org/dc/elements/1.1/"
	oaiIDNS        = "http://www.openarchives.org/OAI/2.0/oai-identifier"
	oaiIDSchema    = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
	xsiNS          = "http://www.w3.org/2001/XMLSchema-instance"
	oaiGranularity = "YYYY-MM-DDThh:mm:ssZ"
	oaiTimeLayout  = "2006-01-02T15:04:05Z"
	oaiDayLayout   = "2006-01-02"
	// oaiPage is how many records or headers one answer carries.
	oaiPage = 100
	// oaiTokenLife is how long a resumptionToken is honoured.
	oaiTokenLife = 24 * time.Hour
	// oaiMaxBody bounds a POSTed request.
	oaiMaxBody = 16 << 10
)

// The arguments each verb takes: true for required. resumptionToken is
// exclusive and handled apart.
var oaiVerbs = map[string]map[string]bool{
	"Identify":            {},
	"ListMetadataFormats": {"identifier": false},
	"ListSets":            {"resumptionToken": false},
	"GetRecord":           {"identifier": true, "metadataPrefix": true},
	"ListIdentifiers":     {"metadataPrefix": true, "from": false, "until": false, "set": false, "resumptionToken": false},
	"ListRecords":         {"metadataPrefix": true, "from": false, "until": false, "set": false, "resumptionToken": false},
}

// oaiError is an OAI-PMH error condition.
type oaiError struct {
	Code    string `xml:"code,attr"`
	Message string `xml:",chardata"`
}

func (e *oaiError) Error() string { return e.Code + ": " + e.Message }

func oaiErr(code, format string, args ...any) *oaiError {
	return &oaiError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// oaiRequest is a request whose arguments were read, valid or not.
type oaiRequest struct {
	verb string
	args url.Values
}

// oaiArgs reads the arguments of a GET (query) or POST (form body). A query
// or body that does not parse is a badArgument, not a 400: a harvester
// reads OAI errors.
func oaiArgs(c *gin.Context) (url.Values, *oaiError) {
	raw := c.Request.URL.RawQuery
	if c.Request.Method == http.MethodPost {
		ct := c.ContentType()
		if ct != "application/x-www-form-urlencoded" {
			return nil, oaiErr("badArgument", "a POST request must be application/x-www-form-urlencoded, not %q", ct)
		}
		if raw != "" {
			return nil, oaiErr("badArgument", "a POST request carries its arguments in the body, not the URL")
		}
		body, err := io.ReadAll(io.LimitReader(c.Request.Body, oaiMaxBody+1))
		if err != nil {
			return nil, oaiErr("badArgument", "the request body could not be read")
		}
		if len(body) > oaiMaxBody {
			return nil, oaiErr("badArgument", "the request body is longer than %d bytes", oaiMaxBody)
		}
		raw = string(body)
	}
	v, err := parseQuery(raw)
	if err != nil {
		var bq badQuery
		if errors.As(err, &bq) {
			return nil, oaiErr("badArgument", "argument %q: %s", bq.Param, bq.Reason)
		}
		return nil, oaiErr("badArgument", "the arguments do not parse")
	}
	return v, nil
}

// parseOAI checks a request's verb and arguments against what the verb
// takes: badVerb, or badArgument for an argument unknown, repeated,
// missing, or beside an exclusive resumptionToken.
func parseOAI(v url.Values) (*oaiRequest, *oaiError) {
	verbs := v["verb"]
	switch {
	case len(verbs) == 0:
		return nil, oaiErr("badVerb", "the verb argument is missing")
	case len(verbs) > 1:
		return nil, oaiErr("badVerb", "the verb argument is repeated")
	}
	takes, ok := oaiVerbs[verbs[0]]
	if !ok {
		return nil, oaiErr("badVerb", "%q is not an OAI-PMH verb", verbs[0])
	}
	r := &oaiRequest{verb: verbs[0], args: url.Values{}}
	names := make([]string, 0, len(v))
	for name := range v {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if name == "verb" {
			continue
		}
		if _, ok := takes[name]; !ok {
			return nil, oaiErr("badArgument", "%s takes no argument %q", r.verb, name)
		}
		if len(v[name]) > 1 {
			return nil, oaiErr("badArgument", "the argument %q is repeated", name)
		}
		r.args[name] = v[name]
	}
	if _, ok := r.args["resumptionToken"]; ok {
		if len(r.args) > 1 {
			return nil, oaiErr("badArgument", "resumptionToken is an exclusive argument: give it alone with the verb")
		}
		return r, nil
	}
	for name, required := range takes {
		if required && r.args.Get(name) == "" {
			return nil, oaiErr("badArgument", "%s requires the argument %q", r.verb, name)
		}
	}
	return r, nil
}

// oaiQuery is what a list request asks for, as its arguments or its
// resumptionToken say.
type oaiQuery struct {
	Verb   string `json:"verb"`
	Prefix string `json:"prefix"`
	From   string `json:"from,omitempty"`
	Until  string `json:"until,omitempty"`
	Set    string `json:"set,omitempty"`
	// After is the position of the last item answered before: the
	// datestamp (Unix seconds) and ID; the list goes on after it.
	AfterTime int64  `json:"after_t,omitempty"`
	AfterID   string `json:"after_id,omitempty"`
	// Cursor counts the items answered before; Size is the complete
	// list's size, -1 when not counted.
	Cursor int `json:"cursor"`
	Size   int `json:"size"`
	// AsOf is the responseDate of the harvest so far (Unix seconds): the
	// earliest asOf of the snapshots its pages came from (oai_stamps.go).
	AsOf int64 `json:"as_of,omitempty"`
	// Expires is when the token stops being honoured (Unix seconds).
	Expires int64 `json:"expires"`

	from, until time.Time
	set         oaiSet
}

// oaiSet is a set a request names: year:2019, kind:rule,
// authority:<base64url of the name>, or a whole dimension (year, kind,
// authority).
type oaiSet struct {
	dim, value string
	year       int
	kind       gazette.Kind
}

// setSpecRE is setSpec's syntax in the OAI-PMH schema.
var setSpecRE = regexp.MustCompile(`^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$`)

// parseSet reads a setSpec: badArgument when it cannot name a set of this
// repository.
func parseSet(spec string) (oaiSet, *oaiError) {
	if spec == "" {
		return oaiSet{}, nil
	}
	if !setSpecRE.MatchString(spec) {
		return oaiSet{}, oaiErr("badArgument", "set %q is not a setSpec", spec)
	}
	dim, value, _ := strings.Cut(spec, ":")
	s := oaiSet{dim: dim, value: value}
	switch {
	case dim != "year" && dim != "kind" && dim != "authority", strings.Contains(value, ":"):
		return s, oaiErr("badArgument", "set %q: this repository's sets are year:YYYY, kind:KIND and authority:NAME (see ListSets)", spec)
	case value == "":
	case dim == "year":
		y, err := strconv.Atoi(value)
		if err != nil || len(value) != 4 {
			return s, oaiErr("badArgument", "set %q: want year:YYYY", spec)
		}
		s.year = y
	case dim == "kind":
		k, err := gazette.ParseKind(value)
		if err != nil || string(k) != value {
			return s, oaiErr("badArgument", "set %q: want one of the kinds ListSets names", spec)
		}
		s.kind = k
	case dim == "authority":
		name, err := base64.RawURLEncoding.DecodeString(value)
		if err != nil || len(name) == 0 || authoritySpec(string(name)) != spec {
			return s, oaiErr("badArgument", "set %q: not an authority's setSpec as ListSets names it", spec)
		}
		s.value = string(name)
	}
	return s, nil
}

// authoritySpec is the setSpec of an issuing authority: its name in
// base64url, since a setSpec admits no Chinese.
func authoritySpec(name string) string {
	return "authority:" + base64.RawURLEncoding.EncodeToString([]byte(name))
}

// has reports whether a document with facts f is in the set.
func (s oaiSet) has(f oaiFacts) bool {
	switch {
	case s.dim == "" || s.value == "" && s.dim != "authority":
		return true
	case s.dim == "year":
		return f.year == s.year
	case s.dim == "kind":
		return f.kind == s.kind
	}
	return s.value == "" && len(f.authorities) > 0 || slices.Contains(f.authorities, s.value)
}

// oaiFacts are what sets need of a document. They are kept by ID for as
// long as its stamp holds (a correction, which may change them, moves the
// stamp), so that filtering by kind or authority and listing the sets do
// not read every record each time: a few hundred bytes per published
// document.
type oaiFacts struct {
	changed     time.Time
	year        int
	kind        gazette.Kind
	authorities []string
}

// oaiFactsOf returns the facts of the document st stamps.
func (s *Server) oaiFactsOf(ctx context.Context, st gazette.Stamp) (oaiFacts, error) {
	if v, ok := s.oaiFacts.Load(st.ID); ok && v.(oaiFacts).changed.Equal(st.Changed) {
		return v.(oaiFacts), nil
	}
	d, err := s.cfg.Archive.Document(ctx, st.ID)
	if err != nil {
		return oaiFacts{}, err
	}
	f := factsOf(d, st)
	s.oaiFacts.Store(st.ID, f)
	return f, nil
}

// factsOf is the facts of document d, stamped st.
func factsOf(d *gazette.Document, st gazette.Stamp) oaiFacts {
	return oaiFacts{changed: st.Changed, year: d.Issue.Year, kind: d.Kind, authorities: slices.Clone(d.Authorities)}
}

// parseDatestamp reads a from or until argument: a day, or a moment in
// seconds (UTC). until reaches the end of its day.
func parseDatestamp(name, s string, until bool) (time.Time, bool, *oaiError) {
	if t, err := time.Parse(oaiDayLayout, s); err == nil && len(s) == len(oaiDayLayout) {
		if until {
			t = t.Add(24*time.Hour - time.Second)
		}
		return t, true, nil
	}
	if t, err := time.Parse(oaiTimeLayout, s); err == nil && len(s) == len(oaiTimeLayout) {
		return t, false, nil
	}
	return time.Time{}, false, oaiErr("badArgument", "%s %q: want YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ", name, s)
}

// resolve checks the query's arguments and fills in what they mean.
func (q *oaiQuery) resolve() *oaiError {
	var fromDay, untilDay bool
	var e *oaiError
	if q.From != "" {
		if q.from, fromDay, e = parseDatestamp("from", q.From, false); e != nil {
			return e
		}
	}
	if q.Until != "" {
		if q.until, untilDay, e = parseDatestamp("until", q.Until, true); e != nil {
			return e
		}
	}
	if q.From != "" && q.Until != "" {
		if fromDay != untilDay {
			return oaiErr("badArgument", "from and until must have the same granularity")
		}
		if q.from.After(q.until) {
			return oaiErr("badArgument", "from %s is later than until %s", q.From, q.Until)
		}
	}
	if q.set, e = parseSet(q.Set); e != nil {
		return e
	}
	if q.Prefix != oaiDCPrefix {
		return oaiErr("cannotDisseminateFormat", "metadataPrefix %q: this repository disseminates oai_dc only", q.Prefix)
	}
	return nil
}

// tokenKey is the key of resumptionTokens' MACs. A token carries only a
// query and a position that anyone may ask for, so the MAC is there to
// tell a token this server issued from one altered or made up (answered
// badResumptionToken), not to keep a secret; every replica of one site
// derives the same key, so a harvest may move between them.
func (s *Server) tokenKey() []byte {
	k := sha256.Sum256([]byte("gazette OAI-PMH resumptionToken v1\n" + s.base.String()))
	return k[:]
}

// token is q as an opaque resumptionToken: base64url JSON and its MAC.
func (s *Server) token(q *oaiQuery) string {
	body, _ := json.Marshal(q) // plain strings and numbers: cannot fail
	mac := hmac.New(sha256.New, s.tokenKey())
	mac.Write(body)
	return base64.RawURLEncoding.EncodeToString(body) + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:16])
}

// untoken reads a resumptionToken back: badResumptionToken when it is not
// one this server issued for the verb, or it has expired.
func (s *Server) untoken(verb, tok string, now time.Time) (*oaiQuery, *oaiError) {
	bad := func(why string) (*oaiQuery, *oaiError) {
		return nil, oaiErr("badResumptionToken", "the resumptionToken %s; start the list again without one", why)
	}
	b64, sum, ok := strings.Cut(tok, ".")
	body, err1 := base64.RawURLEncoding.DecodeString(b64)
	got, err2 := base64.RawURLEncoding.DecodeString(sum)
	if !ok || err1 != nil || err2 != nil {
		return bad("is not one this repository issued")
	}
	mac := hmac.New(sha256.New, s.tokenKey())
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)[:16]) {
		return bad("is not one this repository issued")
	}
	var q oaiQuery
	if err := json.Unmarshal(body, &q); err != nil {
		return bad("is not one this repository issued")
	}
	if q.Verb != verb {
		return bad("was issued for " + q.Verb + ", not " + verb)
	}
	if now.Unix() > q.Expires {
		return bad("expired at " + time.Unix(q.Expires, 0).UTC().Format(oaiTimeLayout))
	}
	if e := q.resolve(); e != nil {
		return bad("is not one this repository issued")
	}
	return &q, nil
}

// XML of the answers. encoding/xml writes the prefixed names (dc:title)
// as given; the namespaces are declared on the elements that use them.

type oaiResponse struct {
	XMLName        xml.Name `xml:"OAI-PMH"`
	Xmlns          string   `xml:"xmlns,attr"`
	XmlnsXSI       string   `xml:"xmlns:xsi,attr"`
	SchemaLocation string   `xml:"xsi:schemaLocation,attr"`
	ResponseDate   string   `xml:"responseDate"`
	Request        oaiRequestEcho
	Errors         []*oaiError `xml:"error"`
	Body           any
}

type oaiRequestEcho struct {
	XMLName        xml.Name `xml:"request"`
	Verb           string   `xml:"verb,attr,omitempty"`
	Identifier     string   `xml:"identifier,attr,omitempty"`
	MetadataPrefix string   `xml:"metadataPrefix,attr,omitempty"`
	From           string   `xml:"from,attr,omitempty"`
	Until          string   `xml:"until,attr,omitempty"`
	Set            string   `xml:"set,attr,omitempty"`
	Token          string   `xml:"resumptionToken,attr,omitempty"`
	BaseURL        string   `xml:",chardata"`
}

type oaiIdentify struct {
	XMLName           xml.Name `xml:"Identify"`
	RepositoryName    string   `xml:"repositoryName"`
	BaseURL           string   `xml:"baseURL"`
	ProtocolVersion   string   `xml:"protocolVersion"`
	AdminEmail        []string `xml:"adminEmail"`
	EarliestDatestamp string   `xml:"earliestDatestamp"`
	DeletedRecord     string   `xml:"deletedRecord"`
	Granularity       string   `xml:"granularity"`
	Description       struct {
		Identifier oaiIdentifierDesc
	} `xml:"description"`
}

type oaiIdentifierDesc struct {
	XMLName              xml.Name `xml:"oai-identifier"`
	Xmlns                string   `xml:"xmlns,attr"`
	SchemaLocation       string   `xml:"xsi:schemaLocation,attr"`
	Scheme               string   `xml:"scheme"`
	RepositoryIdentifier string   `xml:"repositoryIdentifier"`
	Delimiter            string   `xml:"delimiter"`
	SampleIdentifier     string   `xml:"sampleIdentifier"`
}

type oaiFormats struct {
	XMLName xml.Name `xml:"ListMetadataFormats"`
	Formats []oaiFormat
}

type oaiFormat struct {
	XMLName   xml.Name `xml:"metadataFormat"`
	Prefix    string   `xml:"metadataPrefix"`
	Schema    string   `xml:"schema"`
	Namespace string   `xml:"metadataNamespace"`
}

type oaiSets struct {
	XMLName xml.Name `xml:"ListSets"`
	Sets    []oaiSetElem
}

type oaiSetElem struct {
	XMLName xml.Name `xml:"set"`
	Spec    string   `xml:"setSpec"`
	Name    string   `xml:"setName"`
}

type oaiHeader struct {
	XMLName    xml.Name `xml:"header"`
	Status     string   `xml:"status,attr,omitempty"`
	Identifier string   `xml:"identifier"`
	Datestamp  string   `xml:"datestamp"`
	SetSpecs   []string `xml:"setSpec"`
}

type oaiRecord struct {
	XMLName  xml.Name `xml:"record"`
	Header   oaiHeader
	Metadata *struct {
		DC oaiDC
	} `xml:"metadata"`
}

type oaiDC struct {
	XMLName        xml.Name `xml:"oai_dc:dc"`
	XmlnsOAIDC     string   `xml:"xmlns:oai_dc,attr"`
	XmlnsDC        string   `xml:"xmlns:dc,attr"`
	XmlnsXSI       string   `xml:"xmlns:xsi,attr"`
	SchemaLocation string   `xml:"xsi:schemaLocation,attr"`
	Title          []string `xml:"dc:title"`
	Creator        []string `xml:"dc:creator"`
	Subject        []string `xml:"dc:subject"`
	Publisher      []string `xml:"dc:publisher"`
	Date           []string `xml:"dc:date"`
	Type           []string `xml:"dc:type"`
	Format         []string `xml:"dc:format"`
	Identifier     []string `xml:"dc:identifier"`
	Source         []string `xml:"dc:source"`
	Language       []string `xml:"dc:language"`
	Relation       []string `xml:"dc:relation"`
}

type oaiList struct {
	XMLName xml.Name // ListIdentifiers or ListRecords
	Items   []any
	Token   *oaiToken
}

type oaiGetRecord struct {
	XMLName xml.Name `xml:"GetRecord"`
	Record  oaiRecord
}

type oaiToken struct {
	XMLName          xml.Name `xml:"resumptionToken"`
	ExpirationDate   string   `xml:"expirationDate,attr,omitempty"`
	CompleteListSize *int     `xml:"completeListSize,attr"`
	Cursor           int      `xml:"cursor,attr"`
	Value            string   `xml:",chardata"`
}

// oai answers /oai, GET or POST.
func (s *Server) oai(c *gin.Context) {
	oa, ok := s.cfg.Archive.(oaiArchive)
	if !ok {
		s.notFound(c)
		return
	}
	now := time.Now().UTC()
	resp := &oaiResponse{Xmlns: oaiNS, XmlnsXSI: xsiNS, SchemaLocation: oaiNS + " " + oaiSchema,
		ResponseDate: now.Format(oaiTimeLayout), Request: oaiRequestEcho{BaseURL: s.abs("/oai")}}
	args, oerr := oaiArgs(c)
	var req *oaiRequest
	if oerr == nil {
		req, oerr = parseOAI(args)
	}
	if oerr == nil {
		// Only a request free of badVerb and badArgument is echoed.
		a := req.args
		resp.Request = oaiRequestEcho{Verb: req.verb, Identifier: a.Get("identifier"), MetadataPrefix: a.Get("metadataPrefix"),
			From: a.Get("from"), Until: a.Get("until"), Set: a.Get("set"), Token: a.Get("resumptionToken"), BaseURL: resp.Request.BaseURL}
		var err error
		var asOf time.Time
		resp.Body, asOf, err = s.oaiAnswer(c.Request.Context(), oa, req, now)
		if !asOf.IsZero() {
			resp.ResponseDate = oaiDatestamp(asOf) // answered from a snapshot
		}
		switch {
		case errors.As(err, &oerr):
		case err != nil:
			s.fail(c, err)
			return
		}
	}
	if oerr != nil {
		resp.Body, resp.Errors = nil, []*oaiError{oerr}
		if oerr.Code == "badVerb" || oerr.Code == "badArgument" {
			resp.Request = oaiRequestEcho{BaseURL: resp.Request.BaseURL}
		}
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	if err := enc.Encode(resp); err != nil {
		s.fail(c, fmt.Errorf("frontend: oai: %w", err))
		return
	}
	buf.WriteByte('\n')
	c.Header("Cache-Control", "no-store") // an answer holds the moment it was made
	c.Data(http.StatusOK, "text/xml; charset=utf-8", buf.Bytes())
}

// oaiAnswer answers a well-formed request: the verb's element, or an
// *oaiError, or another error (storage) for s.fail; and, for an answer
// from a snapshot of the stamps, the responseDate it must carry.
func (s *Server) oaiAnswer(ctx context.Context, oa oaiArchive, req *oaiRequest, now time.Time) (any, time.Time, error) {
	a := req.args
	switch req.verb {
	case "Identify":
		return s.oaiIdentify(ctx, oa)
	case "ListMetadataFormats":
		if id := a.Get("identifier"); id != "" {
			if _, err := s.oaiDocument(ctx, id); err != nil {
				return nil, time.Time{}, err
			}
		}
		return oaiFormats{Formats: []oaiFormat{{Prefix: oaiDCPrefix, Schema: oaiDCSchema, Namespace: oaiDCNS}}}, time.Time{}, nil
	case "ListSets":
		if a.Has("resumptionToken") {
			return nil, time.Time{}, oaiErr("badResumptionToken", "ListSets answers whole and issues no resumptionToken")
		}
		return s.oaiSets(ctx, oa)
	case "GetRecord":
		rec, err := s.oaiGetRecord(ctx, oa, a)
		return rec, time.Time{}, err
	}
	// ListIdentifiers, ListRecords.
	var q *oaiQuery
	if tok := a.Get("resumptionToken"); a.Has("resumptionToken") {
		var e *oaiError
		if q, e = s.untoken(req.verb, tok, now); e != nil {
			return nil, time.Time{}, e
		}
	} else {
		q = &oaiQuery{Verb: req.verb, Prefix: a.Get("metadataPrefix"), From: a.Get("from"), Until: a.Get("until"), Set: a.Get("set"), Size: -1}
		if e := q.resolve(); e != nil {
			return nil, time.Time{}, e
		}
	}
	return s.oaiList(ctx, oa, q, now)
}

// oaiGetRecord answers GetRecord with the document's stamp read alone.
func (s *Server) oaiGetRecord(ctx context.Context, oa oaiArchive, a url.Values) (any, error) {
	q := oaiQuery{Verb: "GetRecord", Prefix: a.Get("metadataPrefix")}
	if e := q.resolve(); e != nil {
		return nil, e
	}
	d, err := s.oaiDocument(ctx, a.Get("identifier"))
	if err != nil {
		return nil, err
	}
	st, err := oa.Stamp(ctx, d.ID)
	if isNotFound(err) { // withdrawn between the two reads
		return nil, oaiErr("idDoesNotExist", "no published document %q", a.Get("identifier"))
	} else if err != nil {
		return nil, err
	}
	rec, err := s.oaiRecord(ctx, d, st)
	return oaiGetRecord{Record: rec}, err
}

// oaiDocument reads the document an OAI identifier names: idDoesNotExist
// when it names none published.
func (s *Server) oaiDocument(ctx context.Context, identifier string) (*gazette.Document, error) {
	id, ok := strings.CutPrefix(identifier, s.oaiIDPrefix())
	if ok {
		if _, _, err := gazette.ParseDocumentID(id); err != nil {
			ok = false
		}
	}
	if !ok {
		return nil, oaiErr("idDoesNotExist", "%q is not an identifier of this repository (they read %s<document ID>)", identifier, s.oaiIDPrefix())
	}
	d, err := s.cfg.Archive.Document(ctx, id)
	if isNotFound(err) {
		return nil, oaiErr("idDoesNotExist", "no published document %q", identifier)
	}
	return d, err
}

// oaiIDPrefix is what every identifier of this repository starts with.
func (s *Server) oaiIDPrefix() string { return "oai:" + s.base.Hostname() + ":" }

// oaiDatestamp is t as a datestamp of the declared granularity.
func oaiDatestamp(t time.Time) string { return t.UTC().Format(oaiTimeLayout) }

func (s *Server) oaiIdentify(ctx context.Context, oa oaiArchive) (any, time.Time, error) {
	sn, err := s.oaiStamps(ctx, oa)
	if err != nil {
		return nil, time.Time{}, err
	}
	if is, err := s.cfg.Archive.Latest(ctx); err == nil {
		s.sawIssue(is) // the repository's name is the gazette's
	} else if !isNotFound(err) {
		return nil, time.Time{}, err
	}
	stamps := sn.stamps
	earliest := time.Now()
	for _, st := range stamps {
		if st.Changed.Before(earliest) {
			earliest = st.Changed
		}
	}
	id := oaiIdentify{RepositoryName: s.siteName(), BaseURL: s.abs("/oai"), ProtocolVersion: "2.0",
		AdminEmail: []string{s.adminEmail()}, EarliestDatestamp: oaiDatestamp(earliest),
		DeletedRecord: "persistent", Granularity: oaiGranularity}
	sample := "2019-12-3"
	if len(stamps) > 0 {
		sample = stamps[0].ID
	}
	id.Description.Identifier = oaiIdentifierDesc{Xmlns: oaiIDNS, SchemaLocation: oaiIDNS + " " + oaiIDSchema,
		Scheme: "oai", RepositoryIdentifier: s.base.Hostname(), Delimiter: ":", SampleIdentifier: s.oaiIDPrefix() + sample}
	return id, sn.asOf, nil
}

// adminEmail is the repository's contact (Config.AdminEmail), by default
// the webmaster mailbox of its host (RFC 2142).
func (s *Server) adminEmail() string {
	if s.cfg.AdminEmail != "" {
		return s.cfg.AdminEmail
	}
	return "webmaster@" + s.base.Hostname()
}

// oaiSets lists the sets: the three dimensions, each year with documents,
// each kind, and each issuing authority of a current document.
func (s *Server) oaiSets(ctx context.Context, oa oaiArchive) (any, time.Time, error) {
	sn, err := s.oaiStamps(ctx, oa)
	if err != nil {
		return nil, time.Time{}, err
	}
	out := oaiSets{Sets: []oaiSetElem{{Spec: "year", Name: "按年份"}, {Spec: "kind", Name: "按文种"}, {Spec: "authority", Name: "按发文机关"}}}
	var years []int
	authorities := map[string]bool{}
	for _, st := range sn.stamps {
		if !slices.Contains(years, st.Issue.Year) {
			years = append(years, st.Issue.Year)
		}
		f, err := s.oaiFactsOf(ctx, st)
		if err != nil {
			return nil, time.Time{}, err
		}
		for _, a := range f.authorities {
			authorities[a] = true
		}
	}
	slices.Sort(years)
	for _, y := range years {
		out.Sets = append(out.Sets, oaiSetElem{Spec: "year:" + strconv.Itoa(y), Name: strconv.Itoa(y) + "年"})
	}
	for _, k := range gazette.Kinds {
		out.Sets = append(out.Sets, oaiSetElem{Spec: "kind:" + string(k), Name: k.Label()})
	}
	names := make([]string, 0, len(authorities))
	for a := range authorities {
		names = append(names, a)
	}
	slices.Sort(names)
	for _, a := range names {
		out.Sets = append(out.Sets, oaiSetElem{Spec: authoritySpec(a), Name: clean(a)})
	}
	return out, sn.asOf, nil
}

// oaiList answers one page of ListIdentifiers or ListRecords, and the
// responseDate it must carry (oai_stamps.go).
func (s *Server) oaiList(ctx context.Context, oa oaiArchive, q *oaiQuery, now time.Time) (any, time.Time, error) {
	sn, err := s.oaiStamps(ctx, oa)
	if err != nil {
		return nil, time.Time{}, err
	}
	asOf := sn.asOf
	if q.AsOf != 0 && q.AsOf < asOf.Unix() {
		asOf = time.Unix(q.AsOf, 0).UTC()
	}
	stamps := sn.stamps
	// The list goes on after the last item answered before, from from:
	// both hold for a tail of the list in its order.
	start, _ := slices.BinarySearchFunc(stamps, q, func(st gazette.Stamp, q *oaiQuery) int {
		t := st.Changed.Unix()
		if q.AfterID != "" && cmp.Or(cmp.Compare(t, q.AfterTime), cmp.Compare(st.ID, q.AfterID)) <= 0 {
			return -1
		}
		if !q.from.IsZero() && t < q.from.Unix() {
			return -1
		}
		return 1
	})
	stamps = stamps[start:]
	if !q.until.IsZero() {
		end, _ := slices.BinarySearchFunc(stamps, q.until.Unix(), func(st gazette.Stamp, until int64) int {
			return cmp.Compare(st.Changed.Unix(), until+1)
		})
		stamps = stamps[:end]
	}
	inYear := func(st gazette.Stamp) bool {
		return q.set.dim != "year" || q.set.year == 0 || st.Issue.Year == q.set.year
	}
	// The complete list's size is counted when the set needs no record
	// read, on the first page, and carried in the tokens after.
	if q.Size < 0 && (q.set.dim == "" || q.set.dim == "year") {
		q.Size = 0
		for _, st := range stamps {
			if inYear(st) {
				q.Size++
			}
		}
	}
	records := q.Verb == "ListRecords"
	list := oaiList{XMLName: xml.Name{Local: q.Verb}}
	var last gazette.Stamp
	more := false
	for _, st := range stamps {
		if !inYear(st) {
			continue
		}
		f, err := s.oaiFactsOf(ctx, st)
		if err != nil {
			return nil, time.Time{}, err
		}
		if !q.set.has(f) {
			continue
		}
		if len(list.Items) == oaiPage {
			more = true
			break
		}
		last = st
		if !records {
			list.Items = append(list.Items, s.oaiHeader(st, f)) // no record read
			continue
		}
		d, err := s.cfg.Archive.Document(ctx, st.ID)
		if err != nil {
			return nil, time.Time{}, err
		}
		rec, err := s.oaiRecord(ctx, d, st)
		if err != nil {
			return nil, time.Time{}, err
		}
		list.Items = append(list.Items, rec)
	}
	resumed := q.AfterID != ""
	if len(list.Items) == 0 && !resumed {
		return nil, asOf, oaiErr("noRecordsMatch", "no record matches the arguments")
	}
	var size *int
	if q.Size >= 0 {
		size = &q.Size
	}
	switch {
	case more:
		next := *q
		next.AfterTime, next.AfterID = last.Changed.Unix(), last.ID
		next.Cursor = q.Cursor + len(list.Items)
		next.Expires = now.Add(oaiTokenLife).Unix()
		next.AsOf = asOf.Unix()
		list.Token = &oaiToken{Value: s.token(&next), ExpirationDate: oaiDatestamp(time.Unix(next.Expires, 0)), CompleteListSize: size, Cursor: q.Cursor}
	case resumed:
		// The last page of a list answered in parts ends it with an
		// empty token.
		list.Token = &oaiToken{CompleteListSize: size, Cursor: q.Cursor}
	}
	return list, asOf, nil
}

// oaiHeader is the header of the document st stamps, whose facts are f.
func (s *Server) oaiHeader(st gazette.Stamp, f oaiFacts) oaiHeader {
	sets := []string{"year:" + strconv.Itoa(f.year), "kind:" + string(f.kind)}
	for _, a := range f.authorities {
		sets = append(sets, authoritySpec(a))
	}
	return oaiHeader{Identifier: s.oaiIDPrefix() + st.ID, Datestamp: oaiDatestamp(st.Changed), SetSpecs: sets}
}

// oaiRecord is document d's record: its header and its Dublin Core.
func (s *Server) oaiRecord(ctx context.Context, d *gazette.Document, st gazette.Stamp) (oaiRecord, error) {
	rec := oaiRecord{Header: s.oaiHeader(st, factsOf(d, st))}
	is, err := s.cfg.Archive.Issue(ctx, d.Issue)
	if err != nil {
		return rec, err
	}
	dc := oaiDC{XmlnsOAIDC: oaiDCNS, XmlnsDC: dcNS, XmlnsXSI: xsiNS, SchemaLocation: oaiDCNS + " " + oaiDCSchema,
		Title: []string{clean(d.Title)}, Creator: cleanAll(d.Authorities), Publisher: []string{clean(is.Gazette)},
		Type: []string{d.Kind.Label()}, Format: []string{"text/html"}, Language: []string{"zh"}}
	if d.Topic != "" {
		dc.Subject = []string{clean(d.Topic)}
	}
	switch {
	case !d.Signed.IsZero():
		dc.Date = []string{d.Signed.String()}
	case !d.Published.IsZero():
		dc.Date = []string{d.Published.String()}
	default:
		dc.Date = []string{gazette.DateOf(is.Published.In(gazette.ChinaTime)).String()}
	}
	if d.DocNumber != "" {
		dc.Identifier = append(dc.Identifier, d.DocNumber)
	}
	dc.Identifier = append(dc.Identifier, s.abs(d.Permalink()))
	source := fmt.Sprintf("%s %s", clean(is.Gazette), is.Label())
	if is.TotalNumber > 0 {
		source += fmt.Sprintf("（总第%d期）", is.TotalNumber)
	}
	dc.Source = []string{fmt.Sprintf("%s，第%s页，%s", source, d.Pages, s.abs(issuePath(is.IssueKey)))}
	if ra, ok := s.cfg.Archive.(relationsArchive); ok {
		rs, err := ra.Relations(ctx, d.ID)
		if err != nil {
			return rec, err
		}
		// Citations read from texts are left out: they resolve as cited
		// documents are published, which changes no datestamp here.
		seen := map[string]bool{}
		for _, l := range slices.Concat(rs.Out, rs.In) {
			if l.Origin == gazette.OriginText {
				continue
			}
			other := l.To
			if other == d.ID {
				other = l.From
			}
			if u := s.abs("/documents/" + other); !seen[u] {
				seen[u] = true
				dc.Relation = append(dc.Relation, u)
			}
		}
	}
	rec.Metadata = &struct{ DC oaiDC }{dc}
	return rec, nil
}
