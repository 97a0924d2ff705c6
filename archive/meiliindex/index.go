package meiliindex

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	gojson "github.com/goccy/go-json"
	"github.com/meilisearch/meilisearch-go"

	"github.com/gazette-archive/gazette/archive/admit"
	"github.com/gazette-archive/gazette/archive/typeahead"
	"github.com/gazette-archive/gazette/gazette"
)

// Config says where the index lives.
type Config struct {
	// URL is the server's address, e.g. http://127.0.0.1:7700.
	URL string
	// Key is an API key allowed to manage the index, its settings,
	// documents and tasks (the master key, or an admin key).
	Key string
	// Index is the index UID; DefaultIndex when empty.
	Index string
	// Timeout bounds the wait for the server's answer to one request, so
	// that a server that hangs (paused, or stuck) fails a call rather than
	// holding it for ever; 0 means DefaultTimeout. A task's processing is
	// not bounded by it: a write polls its task with requests of its own.
	Timeout time.Duration
}

// DefaultTimeout is the default of Config.Timeout: Meilisearch answers a
// search, or accepts a write, in milliseconds.
const DefaultTimeout = 10 * time.Second

// DefaultIndex is the index UID used when Config.Index is empty.
const DefaultIndex = "gazette"

// Index is the archive's search index on Meilisearch. It implements
// archive.Index. All methods are safe for concurrent use, also from several
// processes sharing the server.
type Index struct {
	meili meilisearch.ServiceManager
	idx   meilisearch.IndexManager
	uid   string
	// http, indexURL (the server's URL/indexes/uid) and auth (the
	// Authorization header) are for the requests of every search, sent
	// without meilisearch-go (see request.go).
	http     *http.Client
	indexURL string
	auth     string
	// gate limits this process's searches in flight (package admit): the
	// server's work and the decoding of its answers are CPU-bound.
	gate atomic.Pointer[admit.Gate]
	// connected is set once the index exists with its settings (connect);
	// connecting holds one connection attempt at a time.
	connected  atomic.Bool
	connecting chan struct{}
	// suggest answers suggestions; own are the tasks whose writes it holds
	// (suggest.go).
	suggest *typeahead.Table
	own     ownTasks
	probes  probes
}

// Limits of what one write carries.
const (
	// batchBytes is the size of the NDJSON payload of one document
	// addition; a larger document goes alone.
	batchBytes = 8 << 20
	// maxDocBytes is the largest document payload accepted: below the
	// server's default payload limit of 100 MB.
	maxDocBytes = 95 << 20
	// deleteBatch is the number of IDs in one deletion.
	deleteBatch = 1000
)

// Meilisearch's rules for document IDs and index UIDs.
var (
	idRE  = regexp.MustCompile(`^[A-Za-z0-9_-]{1,511}$`)
	uidRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,400}$`)
)

// New connects to the server, creates the index when it does not exist, and
// brings its settings to what this package needs, waiting for the settings
// to apply. Settings already in place are left alone, so opening an
// existing index costs two requests. Errors: gazette.ErrInvalid for a bad
// configuration or an index with another primary key,
// gazette.ErrUnavailable when the server does not answer, backend errors.
func New(ctx context.Context, cfg Config) (*Index, error) {
	x, err := Open(cfg)
	if err != nil {
		return nil, err
	}
	if err := x.connect(ctx); err != nil {
		return nil, err
	}
	return x, nil
}

// Open returns the index without contacting the server: it connects as New
// does on its first call, and on every call until that succeeds (a call
// that cannot connect fails with gazette.ErrUnavailable). A server can so
// start while Meilisearch is down, and find search once it answers; Ping
// connects it. Errors: gazette.ErrInvalid for a bad configuration.
func Open(cfg Config) (*Index, error) {
	if cfg.Index == "" {
		cfg.Index = DefaultIndex
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("meiliindex: URL %q: want http(s)://host:port: %w", cfg.URL, gazette.ErrInvalid)
	}
	if !uidRE.MatchString(cfg.Index) {
		return nil, fmt.Errorf("meiliindex: index UID %q: want 1–400 letters, digits, - or _: %w", cfg.Index, gazette.ErrInvalid)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	base, hc := strings.TrimRight(cfg.URL, "/"), httpClient(cfg.Timeout)
	m := meilisearch.New(base, meilisearch.WithAPIKey(cfg.Key), meilisearch.WithCustomClient(hc),
		meilisearch.WithCustomJsonUnmarshaler(gojson.Unmarshal))
	x := &Index{meili: m, idx: m.Index(cfg.Index), uid: cfg.Index, http: hc, indexURL: base + "/indexes/" + cfg.Index,
		connecting: make(chan struct{}, 1)}
	if cfg.Key != "" {
		x.auth = "Bearer " + cfg.Key
	}
	x.gate.Store(admit.New(0))
	x.suggest = typeahead.New(suggestSource{x})
	return x, nil
}

// connect makes sure, once, that the index exists with its settings.
func (x *Index) connect(ctx context.Context) error {
	if x.connected.Load() {
		return nil
	}
	select {
	case x.connecting <- struct{}{}:
		defer func() { <-x.connecting }()
	case <-ctx.Done():
		return fmt.Errorf("meiliindex: connect: %w", unavailable(ctx.Err()))
	}
	if x.connected.Load() {
		return nil // connected while this call waited
	}
	if err := x.ensureIndex(ctx); err != nil {
		return unavailable(err)
	}
	if err := x.ensureSettings(ctx); err != nil {
		return unavailable(err)
	}
	x.connected.Store(true)
	return nil
}

// use connects an index opened with Open before a call. A configuration
// the server refuses (an index with another primary key) is then no fault
// of the call's arguments, so it does not wrap gazette.ErrInvalid.
func (x *Index) use(ctx context.Context) error {
	err := x.connect(ctx)
	if errors.Is(err, gazette.ErrInvalid) {
		return fmt.Errorf("meiliindex: the index cannot be used: %s", err)
	}
	return err
}

// unavailable adds gazette.ErrUnavailable to err when it says the server
// was not reached or did not answer in time: a failed connection, a
// timeout (the caller's deadline included), a proxy's 502, 503 or 504. A
// caller that gave up (context.Canceled) is no outage.
func unavailable(err error) error {
	if err == nil || errors.Is(err, gazette.ErrUnavailable) || errors.Is(err, context.Canceled) {
		return err
	}
	gateway := func(status int) bool {
		return status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
	}
	var ue *url.Error
	var me *meilisearch.Error
	var ae *apiError
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ue):
	case errors.As(err, &me) && (me.ErrCode == meilisearch.CommunicationError || me.ErrCode == meilisearch.TimeoutError ||
		me.ErrCode == meilisearch.MaxRetriesExceeded || gateway(me.StatusCode)):
	case errors.As(err, &ae) && gateway(ae.Status):
	default:
		return err
	}
	return fmt.Errorf("%w: %w", err, gazette.ErrUnavailable)
}

// httpClient is the client of the Meilisearch API. It asks for responses
// uncompressed: Meilisearch streams compressed responses in chunks whose
// last one waits on TCP's delayed acknowledgement, which added 40 ms to
// every search returning more than a few kilobytes on a reused connection
// (measured on loopback with Meilisearch 1.21; uncompressed: under 2 ms).
// An answer must start within timeout of the request being sent.
func httpClient(timeout time.Duration) *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
		DisableCompression:    true,
		ResponseHeaderTimeout: timeout,
	}}
}

// ensureIndex creates the index with the primary key "id", or checks the
// primary key of the index that is there.
func (x *Index) ensureIndex(ctx context.Context) error {
	info, err := x.meili.GetIndex(ctx, x.uid)
	switch {
	case isCode(err, meilisearch.APIErrCodeIndexNotFound):
		t, err := x.meili.CreateIndex(ctx, &meilisearch.IndexConfig{Uid: x.uid, PrimaryKey: "id"})
		if err != nil {
			return fmt.Errorf("meiliindex: create index %s: %w", x.uid, err)
		}
		err = x.wait(ctx, t)
		if err != nil && !strings.Contains(err.Error(), string(meilisearch.APIErrCodeIndexAlreadyExists)) {
			return fmt.Errorf("meiliindex: create index %s: %w", x.uid, err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("meiliindex: open index %s: %w", x.uid, err)
	case info.PrimaryKey == "":
		t, err := x.idx.UpdateIndex(ctx, &meilisearch.UpdateIndexRequestParams{PrimaryKey: "id"})
		if err == nil {
			err = x.wait(ctx, t)
		}
		if err != nil {
			return fmt.Errorf("meiliindex: set the primary key of %s: %w", x.uid, err)
		}
	case info.PrimaryKey != "id":
		return fmt.Errorf("meiliindex: index %s has the primary key %q, want \"id\": %w", x.uid, info.PrimaryKey, gazette.ErrInvalid)
	}
	return nil
}

// taskPoll is how often wait asks whether a task is done: a write of one
// issue is a task of tens of milliseconds, which this delays little.
const taskPoll = 10 * time.Millisecond

// wait waits for a task to finish (meilisearch-go's WaitForTask) and
// returns an error unless it succeeded. A failed task whose error is about
// the documents sent wraps gazette.ErrInvalid.
func (x *Index) wait(ctx context.Context, t *meilisearch.TaskInfo) error {
	task, err := x.meili.WaitForTask(ctx, t.TaskUID, taskPoll)
	if err != nil {
		return fmt.Errorf("task %d: %w", t.TaskUID, unavailable(err))
	}
	switch task.Status {
	case meilisearch.TaskStatusSucceeded:
		x.own.add(task.UID)
		return nil
	case meilisearch.TaskStatusFailed, meilisearch.TaskStatusCanceled:
		err := fmt.Errorf("task %d (%s) %s: %s: %s", task.UID, task.Type, task.Status, task.Error.Code, task.Error.Message)
		if task.Error.Type == "invalid_request" {
			err = fmt.Errorf("%w: %w", err, gazette.ErrInvalid)
		}
		return err
	}
	return fmt.Errorf("task %d ended %s", t.TaskUID, task.Status)
}

// isCode reports whether err is a Meilisearch API error with the code.
func isCode(err error, code meilisearch.APIErrCode) bool {
	var me *meilisearch.Error
	return errors.As(err, &me) && me.APIError.Code == code
}

// Field names of the Meilisearch documents. The s* and *u fields are
// derived text (see tokens.go), searched but never displayed; xr is neither
// searched nor displayed (it is read through the documents API, which
// ignores displayedAttributes); the others are displayed, and some are
// filterable or sortable.
const (
	fID          = "id"
	fFingerprint = "fp"
	fTitle       = "title"
	fDocNum      = "num"   // canonical document number
	fDocNumHash  = "num_h" // its hash, for Lookup
	fKind        = "kind"
	fAuthority   = "auth"   // facet
	fAuthHash    = "auth_h" // filter
	fYear        = "year"
	fIssue       = "issue" // issue key, "2019-12"
	fValidity    = "validity"
	fTopicHash   = "topic_h"
	fFirstPage   = "pf"
	fLastPage    = "pl"
	fSigned      = "signed" // dates as yyyymmdd integers, absent when unknown
	fPublished   = "published"
	fEffective   = "effective"
	fExpires     = "expiry"
	fInForceFrom = "if0"   // the span in force (gazette.InForceSpan), yyyymmdd:
	fInForceTo   = "if1"   // from 0 (always) or 99991231 (never), until 99991231 (no end)
	fOrder       = "order" // print order, for ties
	fValidRank   = "vr"    // gazette.ValidityRank of the validity, for ranking
	fFormat      = "fv"    // the record format, recordFormat
	fHead        = "x0"    // the body's first headRunes characters, for snippets
	fRest        = "xr"    // an object: the rest of the body in pieces, xr.p0001, ...
	fPieces      = "xn"    // the number of pieces in xr
	fSTitle      = "st"
	fUTitle      = "tu"
	fSDocNum     = "sn"
	fSAuthority  = "sa"
	fSBody       = "sb"  // an object: sb.p0000, sb.p0001, ... (see segments)
	fURest       = "ru"  // unigrams of the document number, authorities and body
	fTier30      = "k30" // the body's frequency tiers (tierMins), in order
	fTier10      = "k10"
	fTier3       = "k3"
)

// record is one document as stored in Meilisearch.
type record struct {
	ID          string            `json:"id"`
	Fingerprint string            `json:"fp"`
	Format      int               `json:"fv"`
	Title       string            `json:"title"`
	DocNumber   string            `json:"num,omitempty"`
	DocNumHash  string            `json:"num_h,omitempty"`
	Kind        string            `json:"kind"`
	Authorities []string          `json:"auth"`
	AuthHashes  []string          `json:"auth_h"`
	Year        int               `json:"year,omitempty"`
	Issue       string            `json:"issue,omitempty"`
	Validity    string            `json:"validity"`
	TopicHash   string            `json:"topic_h,omitempty"`
	FirstPage   int               `json:"pf"`
	LastPage    int               `json:"pl"`
	Signed      int               `json:"signed,omitempty"`
	Published   int               `json:"published,omitempty"`
	Effective   int               `json:"effective,omitempty"`
	Expires     int               `json:"expiry,omitempty"`
	InForceFrom int               `json:"if0"`
	InForceTo   int               `json:"if1"`
	Order       int64             `json:"order"`
	ValidRank   int               `json:"vr"`
	Head        string            `json:"x0"`
	Rest        map[string]string `json:"xr,omitempty"`
	Pieces      int               `json:"xn,omitempty"`

	STitle     string            `json:"st"`
	UTitle     string            `json:"tu,omitempty"`
	SDocNum    string            `json:"sn,omitempty"`
	SAuthority string            `json:"sa,omitempty"`
	SBody      map[string]string `json:"sb,omitempty"`
	URest      string            `json:"ru,omitempty"`
	Tier30     string            `json:"k30,omitempty"`
	Tier10     string            `json:"k10,omitempty"`
	Tier3      string            `json:"k3,omitempty"`
}

// recordFormat is the version of the record layout. Fingerprints reports
// records of another format with an empty fingerprint, so that
// reconciliation (gazette reindex --check, and at start-up) rewrites them.
// 2: a head of 500 characters instead of 2,000; text with zero-width
// characters stored folded. 3: runs of Chinese go on across 、，“”《》
// (gazette.IsJoiningMark). 4: the validity's rank, vr, for ranking.
// 5: the span in force, if0 and if1, for Query.InForceOn. 6: the body's
// frequency tiers, k30, k10 and k3 (tokens.go). 7: a long body's tier
// counts scaled by its length (tierRefTokens).
const recordFormat = 7

// noDay is the in-force bound of no day: after every day a query names.
const noDay = 99991231

// inForceSpan is the span d was in force (gazette.InForceSpan) as the
// record's if0 and if1.
func inForceSpan(d *gazette.SearchDoc) (from, until int) {
	f, u, ok := gazette.InForceSpan(d.Effective, d.Published, d.Expires, d.Validity)
	switch {
	case !ok:
		return noDay, noDay
	case u.IsZero():
		return dateNumber(f), noDay
	}
	return dateNumber(f), dateNumber(u)
}

// The body is stored beside its derived text, for snippets: its first
// headRunes characters come with every hit; the rest is stored in pieces of
// pieceRunes characters, fetched only for a hit whose snippet does not lie
// inside the head (see Index.snippets). The head is short because every
// hit's head is read, sent and decoded on every search. On the benchmark's
// query mix (20,000 documents), cutting it from 2,000 characters to 500
// took a search response from 120 to 35 kB and the CPU per query (client
// and server) down by about 0.8 ms, although twice as many searches (a
// fifth of them, most phrase searches) then fetch the rest of some texts.
const (
	headRunes  = 500
	pieceRunes = 6000
)

func pieceName(i int) string { return fmt.Sprintf("p%04d", i) }

// hash is the value stored for filtering on free text: exact, and never syntax.
func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}

func dateNumber(d gazette.Date) int {
	if d.IsZero() {
		return 0
	}
	return d.Year*10000 + int(d.Month)*100 + d.Day
}

func dateOf(n int) gazette.Date {
	if n <= 0 {
		return gazette.Date{}
	}
	return gazette.Date{Year: n / 10000, Month: time.Month(n / 100 % 100), Day: n % 100}
}

// orderOf is a number that sorts documents in print order: by issue
// (year, regular issues before supplements, number), then position; 0 for
// IDs that are not document IDs.
func orderOf(id string) int64 {
	key, seq, err := gazette.ParseDocumentID(id)
	if err != nil {
		return 0
	}
	s := int64(0)
	if key.Supplement {
		s = 1
	}
	return ((int64(key.Year)*2+s)*1000+int64(key.Number))*10000 + int64(seq)
}

// recordOf builds the Meilisearch document of d.
func recordOf(d *gazette.SearchDoc) *record {
	r := &record{
		ID:          d.ID,
		Fingerprint: d.Fingerprint,
		Format:      recordFormat,
		Title:       d.Title,
		Kind:        string(d.Kind),
		Authorities: d.Authorities,
		AuthHashes:  make([]string, len(d.Authorities)),
		Validity:    string(d.Validity.State),
		FirstPage:   d.Pages.First,
		LastPage:    d.Pages.Last,
		Signed:      dateNumber(d.Signed),
		Published:   dateNumber(d.Published),
		Effective:   dateNumber(d.Effective),
		Expires:     dateNumber(d.Expires),
		Order:       orderOf(d.ID),
		ValidRank:   gazette.ValidityRank(d.Validity.State),
	}
	r.InForceFrom, r.InForceTo = inForceSpan(d)
	if r.Authorities == nil {
		r.Authorities = []string{}
	}
	for i, a := range d.Authorities {
		r.AuthHashes[i] = hash(a)
	}
	if d.Issue.Year != 0 {
		r.Year = d.Issue.Year
		r.Issue = d.Issue.String()
	}
	if d.Topic != "" {
		r.TopicHash = hash(d.Topic)
	}
	body := strings.Join(d.Body, "\n")
	// gazette.Snippet shows folded text when the text has zero-width
	// characters, which folding drops; fold such a body whole here, so that
	// the snippet of any part of it is the snippet of the whole.
	if folded := gazette.FoldSearchText(body); utf8.RuneCountInString(folded) != utf8.RuneCountInString(body) {
		body = folded
	}
	head, pieces := splitBody(body)
	r.Head, r.Pieces = head, len(pieces)
	if len(pieces) > 0 {
		r.Rest = make(map[string]string, len(pieces))
		for i, p := range pieces {
			r.Rest[pieceName(i+1)] = p
		}
	}

	titleUni, restUni := map[rune]bool{}, map[rune]bool{}
	addTo := func(set map[rune]bool) func(rune) { return func(c rune) { set[c] = true } }
	r.STitle = string(encodeField(gazette.FoldSearchText(d.Title), addTo(titleUni)).text)
	r.UTitle = unigrams(titleUni)
	if d.DocNumber != "" {
		r.DocNumber = gazette.CanonicalDocNumber(d.DocNumber)
		r.DocNumHash = hash(r.DocNumber)
		r.SDocNum = string(encodeField(gazette.FoldSearchText(d.DocNumber), addTo(restUni)).text)
	}
	if len(d.Authorities) > 0 {
		r.SAuthority = string(encodeField(gazette.FoldSearchText(strings.Join(d.Authorities, "\n")), addTo(restUni)).text)
	}
	bf := encodeField(gazette.FoldSearchText(body), addTo(restUni))
	if segs := bf.segments(); len(segs) > 0 {
		r.SBody = make(map[string]string, len(segs))
		for i, s := range segs {
			r.SBody[pieceName(i)] = s
		}
	}
	tiers := bf.tiers()
	r.Tier30, r.Tier10, r.Tier3 = tiers[0], tiers[1], tiers[2]
	r.URest = unigrams(restUni)
	return r
}

// splitBody cuts the body after about headRunes characters (at a line
// break when there is one in the last quarter), and the rest into pieces of
// pieceRunes characters. The parts make the body back, in order.
func splitBody(body string) (head string, pieces []string) {
	cut := func(s string, n int) int { // the offset of the n-th rune, or len(s)
		for i := range s {
			if n == 0 {
				return i
			}
			n--
		}
		return len(s)
	}
	at := cut(body, headRunes)
	if at < len(body) {
		if nl := strings.LastIndexByte(body[:at], '\n'); nl >= 0 && utf8.RuneCountInString(body[nl:at]) < headRunes/4 {
			at = nl
		}
	}
	head, rest := body[:at], body[at:]
	for rest != "" {
		at := cut(rest, pieceRunes)
		pieces = append(pieces, rest[:at])
		rest = rest[at:]
	}
	return head, pieces
}

// check refuses what the index cannot hold.
func check(d *gazette.SearchDoc) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("meiliindex: put %.40q: "+format+": %w", append([]any{d.ID}, append(args, gazette.ErrInvalid)...)...)
	}
	if !idRE.MatchString(d.ID) {
		return bad("ID must be 1–511 letters, digits, - or _")
	}
	texts := append([]string{d.Title, d.DocNumber, d.Topic, d.Fingerprint, string(d.Kind), string(d.Validity.State)}, d.Authorities...)
	for _, s := range append(texts, d.Body...) {
		if !utf8.ValidString(s) {
			return bad("text is not valid UTF-8")
		}
	}
	return nil
}

// Put adds or replaces docs and returns once Meilisearch has indexed them,
// so that every later call sees them. A replaced document loses everything
// it had before, its surplus body segments included. Errors:
// gazette.ErrInvalid for a document without a usable ID, with text that is
// not UTF-8 or too large to send, or refused by Meilisearch (nothing is
// sent when a check fails here; when Meilisearch refuses a batch, the
// batches before it are written); backend errors.
func (x *Index) Put(ctx context.Context, docs []gazette.SearchDoc) error {
	for i := range docs {
		if err := check(&docs[i]); err != nil {
			return err
		}
	}
	if err := x.use(ctx); err != nil {
		return err
	}
	var batches [][]byte
	var buf bytes.Buffer
	for i := range docs {
		var line bytes.Buffer
		enc := json.NewEncoder(&line)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(recordOf(&docs[i])); err != nil {
			return fmt.Errorf("meiliindex: put %s: %w", docs[i].ID, err)
		}
		if line.Len() > maxDocBytes {
			return fmt.Errorf("meiliindex: put %s: %d bytes to index, more than %d: %w", docs[i].ID, line.Len(), maxDocBytes, gazette.ErrInvalid)
		}
		if buf.Len() > 0 && buf.Len()+line.Len() > batchBytes {
			batches = append(batches, bytes.Clone(buf.Bytes()))
			buf.Reset()
		}
		buf.Write(line.Bytes())
	}
	if buf.Len() > 0 {
		batches = append(batches, buf.Bytes())
	}
	ids := make([]string, len(docs))
	for i := range docs {
		ids[i] = docs[i].ID
	}
	x.beginWrite(ids)
	err := x.addNDJSON(ctx, batches)
	x.endWrite(ctx, ids, docs, err != nil)
	return err
}

// addNDJSON sends document batches, then waits for every task in order.
func (x *Index) addNDJSON(ctx context.Context, batches [][]byte) error {
	var tasks []*meilisearch.TaskInfo
	for _, b := range batches {
		// No options: the index has its primary key (see ensureIndex), and
		// meilisearch-go records a primary key option in the shared index
		// value, a data race between concurrent writers.
		t, err := x.idx.AddDocumentsNdjson(ctx, b, nil)
		if err != nil {
			var me *meilisearch.Error
			if errors.As(err, &me) && (me.APIError.Type == "invalid_request" || me.StatusCode == http.StatusRequestEntityTooLarge) {
				err = fmt.Errorf("%w: %w", err, gazette.ErrInvalid)
			}
			return fmt.Errorf("meiliindex: put: %w", unavailable(err))
		}
		tasks = append(tasks, t)
	}
	for _, t := range tasks {
		if err := x.wait(ctx, t); err != nil {
			return fmt.Errorf("meiliindex: put: %w", err)
		}
	}
	return nil
}

// Delete removes the documents with the given IDs and returns once the
// removal is visible; IDs not in the index (and IDs no document can have)
// are ignored. Errors: backend errors.
func (x *Index) Delete(ctx context.Context, ids []string) error {
	if err := x.use(ctx); err != nil {
		return err
	}
	valid := make([]string, 0, len(ids))
	for _, id := range ids {
		if idRE.MatchString(id) {
			valid = append(valid, id)
		}
	}
	x.beginWrite(valid)
	failed := true
	defer func() { x.endWrite(ctx, valid, nil, failed) }()
	var tasks []*meilisearch.TaskInfo
	for start := 0; start < len(valid); start += deleteBatch {
		t, err := x.idx.DeleteDocuments(ctx, valid[start:min(start+deleteBatch, len(valid))], nil)
		if err != nil {
			return fmt.Errorf("meiliindex: delete: %w", unavailable(err))
		}
		tasks = append(tasks, t)
	}
	for _, t := range tasks {
		if err := x.wait(ctx, t); err != nil {
			return fmt.Errorf("meiliindex: delete: %w", err)
		}
	}
	failed = false
	return nil
}

// hitFields are the stored fields a hit is built from.
var hitFields = []string{fID, fTitle, fDocNum, fKind, fAuthority, fIssue, fValidity, fFirstPage, fLastPage, fSigned, fPublished}

// hitOf builds a hit, without a snippet, from a stored record.
func hitOf(r *record) gazette.Hit {
	h := gazette.Hit{
		ID:          r.ID,
		Title:       r.Title,
		DocNumber:   r.DocNumber,
		Kind:        gazette.Kind(r.Kind),
		Authorities: r.Authorities,
		Pages:       gazette.PageRange{First: r.FirstPage, Last: r.LastPage},
		Signed:      dateOf(r.Signed),
		Published:   dateOf(r.Published),
		Validity:    gazette.Validity(r.Validity),
	}
	if h.Authorities == nil {
		h.Authorities = []string{}
	}
	if k, err := gazette.ParseIssueKey(r.Issue); err == nil {
		h.Issue = k
	}
	return h
}

// Get returns the hit for one document, without a snippet. Errors:
// gazette.ErrNotFound (also for an ID no document can have), backend errors.
func (x *Index) Get(ctx context.Context, id string) (gazette.Hit, error) {
	if !idRE.MatchString(id) {
		return gazette.Hit{}, fmt.Errorf("meiliindex: get %.40q: %w", id, gazette.ErrNotFound)
	}
	if err := x.use(ctx); err != nil {
		return gazette.Hit{}, err
	}
	var r record
	err := x.call(ctx, http.MethodGet, "/documents/"+id+"?fields="+strings.Join(hitFields, ","), nil, &r)
	var ae *apiError
	switch {
	case errors.As(err, &ae) && ae.Code == string(meilisearch.APIErrCodeDocumentNotFound):
		return gazette.Hit{}, fmt.Errorf("meiliindex: get %s: %w", id, gazette.ErrNotFound)
	case err != nil:
		return gazette.Hit{}, fmt.Errorf("meiliindex: get %s: %w", id, err)
	}
	return hitOf(&r), nil
}

// Lookup returns the IDs of the documents whose canonical document number
// is n, newest first (by published date, then print order).
func (x *Index) Lookup(ctx context.Context, n gazette.DocNumber) ([]string, error) {
	if n.IsZero() {
		return nil, nil
	}
	if err := x.use(ctx); err != nil {
		return nil, err
	}
	const page = 1000
	var ids []string
	for {
		hits, err := x.searchIDs(ctx, "", []any{fDocNumHash + " = " + quote(hash(n.String()))}, []string{fPublished + ":desc", fOrder + ":desc"}, len(ids), page)
		if err != nil {
			return nil, fmt.Errorf("meiliindex: lookup %s: %w", n, err)
		}
		ids = append(ids, hits...)
		if len(hits) < page {
			return ids, nil
		}
	}
}

// Fingerprints returns the fingerprint of every document, by ID, paging
// through the index; a document stored in an older record format (see
// recordFormat) has the empty fingerprint. Documents written while it pages
// may be missed or reported twice.
func (x *Index) Fingerprints(ctx context.Context) (map[string]string, error) {
	if err := x.use(ctx); err != nil {
		return nil, err
	}
	const page = 1000
	out := make(map[string]string)
	for offset := int64(0); ; offset += page {
		var res meilisearch.DocumentsResult
		err := x.idx.GetDocuments(ctx, &meilisearch.DocumentsQuery{Offset: offset, Limit: page, Fields: []string{fID, fFingerprint, fFormat}}, &res)
		if err != nil {
			return nil, fmt.Errorf("meiliindex: fingerprints: %w", unavailable(err))
		}
		for _, h := range res.Results {
			var r struct {
				ID     string `json:"id"`
				FP     string `json:"fp"`
				Format int    `json:"fv"`
			}
			if err := h.DecodeInto(&r); err != nil {
				return nil, fmt.Errorf("meiliindex: fingerprints: %w", err)
			}
			if r.Format != recordFormat {
				r.FP = "" // written by an older version of this package: stale
			}
			out[r.ID] = r.FP
		}
		if len(res.Results) < page {
			return out, nil
		}
	}
}

// Ping reports whether the server answers and the index is there, with the
// key given; an index opened with Open connects here. Errors:
// gazette.ErrUnavailable for a server that does not answer, backend errors.
func (x *Index) Ping(ctx context.Context) error {
	if err := x.use(ctx); err != nil {
		return err
	}
	// Not x.idx.FetchInfo: it writes to the shared index value (a data race).
	_, err := x.meili.GetIndex(ctx, x.uid)
	if isCode(err, meilisearch.APIErrCodeIndexNotFound) {
		// A server that came back without its data: create the index and
		// its settings again, before a write creates it without them.
		x.connected.Store(false)
		err = x.connect(ctx)
	}
	if err != nil {
		return fmt.Errorf("meiliindex: ping %s: %w", x.uid, unavailable(err))
	}
	return nil
}

// quote is a filter string literal: double-quoted, with backslashes and
// double quotes escaped. Filters are built from validated values and hashes
// only; this is the second line of defence.
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

// SetMaxSearches sets how many searches this process runs at once; others
// wait their turn (or until their context ends). n ≤ 0 means one per CPU
// (GOMAXPROCS), the default. Lookup and Get never wait.
func (x *Index) SetMaxSearches(n int) { x.gate.Store(admit.New(n)) }

// Admit returns a context under which every Search runs in one search slot
// (SetMaxSearches), taken by the first of them: a request's searches queue
// once. The caller calls leave after its last Search.
func (x *Index) Admit(ctx context.Context) (held context.Context, leave func()) {
	return x.gate.Load().Hold(ctx)
}
