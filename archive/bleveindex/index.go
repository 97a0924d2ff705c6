package bleveindex

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
	gojson "github.com/goccy/go-json"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/gazette-archive/gazette/archive/admit"
	"github.com/gazette-archive/gazette/archive/typeahead"
	"github.com/gazette-archive/gazette/gazette"
)

// The fields of a bleve document. Text fields are segmented (analysis.go)
// and carry positions for phrases; each has two companion fields: ".c"
// with its CJK characters, without positions, and ".4" with its 4-grams,
// with positions (for phrases). There are two: the head (title,
// document number and authorities, a line apart) and the body; a search
// weighs a match in the head far above one in the body, and two fields
// rather than four keep the per-hit work of every term small. Keyword fields hold exact values
// for filters. Everything a search reads for each hit is packed into one
// doc-values field, fMeta; everything a hit shows is one stored field, fHit.
const (
	fHead         = "head" // text: title, document number, authorities
	fBody         = "body" // text, stored (for snippets)
	charsSuffix   = ".c"   // companion field of a text field: its CJK characters
	shingleSuffix = ".4"   // companion field of a text field: its 4-grams (analysis.go)

	fDocNum    = "num"      // keyword: canonical document number (Lookup)
	fKind      = "kind"     // keyword
	fAuthority = "auth"     // keyword, one term per authority
	fYear      = "year"     // keyword: the issue's year
	fIssue     = "issue"    // keyword: the issue key
	fValidity  = "validity" // keyword
	fTopic     = "topic"    // keyword

	fMeta = "m"   // keyword with doc values: see packMeta
	fHit  = "hit" // stored only: the gazette.Hit as JSON, without snippet

	batchDocs     = 1000     // most documents per bleve batch (see Put)
	batchBytes    = 16 << 20 // text bytes per bleve batch
	maxIDBytes    = 256
	maxFieldBytes = 64 << 20
)

// Options of the fields, by kind.
const (
	textOpts    = index.IndexField | index.IncludeTermVectors
	charsOpts   = index.IndexField
	keywordOpts = index.IndexField
	// metaOpts: the packed field is read for every hit; one uncompressed
	// doc-values chunk per document is the fastest to read. (zap merges
	// SkipDVCompression correctly only together with SkipDVChunking.)
	metaOpts = keywordOpts | index.DocValues | index.SkipDVChunking | index.SkipDVCompression
)

// Index is the embedded search index: bleve v2 (scorch) in a directory. It
// implements archive.Index. All methods are safe for concurrent use; a
// write is on disk and visible to every later call when it returns.
type Index struct {
	b   bleve.Index
	dir string
	// gen counts finished writes; cached results carry the gen they were
	// computed at and are used only while it is current.
	gen   atomic.Uint64
	cache atomic.Pointer[resultCache]
	// gate limits the searches running at once (package admit).
	gate atomic.Pointer[admit.Gate]
	// years holds, for each of dateFields, the years some document has a
	// date in (a superset after deletions), to keep the coarse year filter
	// of a date range small.
	yearsMu sync.Mutex
	years   [4]map[int]bool
	// tabs holds what searches read of each document, by segment ID
	// (table.go); facets numbers the facet values they hold.
	tabMu  sync.Mutex
	tabs   map[uint64]*tableEntry
	facets *facetTable
	// warming reads the tables of the segments there are at Open, and
	// prebuilds block maxima (prebuild.go): preQueue holds the segments
	// waiting for that, prebuilding whether the worker runs; closing and
	// stop tell it the index closes. Under preMu.
	warming     sync.WaitGroup
	preMu       sync.Mutex
	preQueue    []uint64
	prebuilding bool
	closing     bool
	stop        chan struct{}
	// unscored counts the searches whose hits in the head (head) or the
	// body only (body) were left partly or wholly unscored (fast.go), for
	// tests.
	unscored struct{ head, body atomic.Int64 }
	// noDirect sends every search through bleve's searchers (fast.go), for
	// tests that compare the two paths.
	noDirect bool
	// health follows bleve's background writes (health.go); unregister
	// forgets it when the index closes.
	health     *health
	unregister func()
	// suggest holds the suggestion table (suggest.go).
	suggest *typeahead.Table
	// common is the index's set of common bigrams (analysis.go), nil
	// while undecided (an empty new index) or when every 4-gram is kept;
	// decided tells the two apart, and commonMu makes one Put decide.
	common   atomic.Pointer[commonSet]
	decided  atomic.Bool
	commonMu sync.Mutex
}

// lockWait is how long Open waits for another process to release the
// index before giving up.
const lockWait = 2 * time.Second

// format names the layout of the index (fields, analysis, packed doc
// values); an index of another layout must be rebuilt, not read.
const (
	formatKey = "gazette.bleveindex.format"
	format    = "6" // 2: text tokens carry positions only, no offsets; 3: 4-gram fields; 4: runs go on across 、，“”《》; 5: the in-force span in the packed doc values; 6: only the 4-grams of common bigrams
	// commonKey holds the set of common bigrams (commonSet.encode).
	commonKey = "gazette.bleveindex.common"
)

// ErrFormat is returned by Open for an index written in another layout,
// by another version of this package: delete the directory and rebuild
// the index from storage.
var ErrFormat = errors.New("bleveindex: index written in another layout; rebuild it")

// Options are the settings of OpenWith.
type Options struct {
	// Log receives one error when the index starts failing to write to
	// disk and one message when it writes again; nil: slog.Default().
	Log *slog.Logger
}

// ErrLocked is returned by Open when another process holds the index.
var ErrLocked = errors.New("bleveindex: the index is in use by another process")

// Open opens the index in dir with default Options (see OpenWith).
func Open(dir string) (*Index, error) { return OpenWith(dir, Options{}) }

// OpenWith opens the index in dir, creating the directory and an empty
// index when there is none. One process at a time may open a directory;
// OpenWith fails after a short wait with ErrLocked when another holds it.
func OpenWith(dir string, o Options) (*Index, error) {
	h := newHealth(dir, o.Log)
	store := filepath.Clean(filepath.Join(dir, "store"))
	byStore.Store(store, h)
	b, err := openBleve(dir)
	if err != nil {
		byStore.CompareAndDelete(store, h)
		if errors.Is(err, bolterrors.ErrTimeout) {
			err = ErrLocked
		}
		return nil, fmt.Errorf("bleveindex: open %s: %w", dir, err)
	}
	x := &Index{b: b, dir: dir, facets: newFacetTable(), health: h, stop: make(chan struct{})}
	x.suggest = typeahead.New(suggestSource{x})
	x.unregister = func() { byStore.CompareAndDelete(store, h) }
	if adv, err := b.Advanced(); err == nil {
		if s, ok := adv.(*scorch.Scorch); ok {
			byScorch.Store(s, h)
			x.unregister = func() { byStore.CompareAndDelete(store, h); byScorch.Delete(s) }
		}
	}
	if v, err := b.GetInternal([]byte(commonKey)); err != nil {
		x.Close()
		return nil, fmt.Errorf("bleveindex: open %s: %w", dir, err)
	} else if v != nil {
		x.common.Store(decodeCommonSet(v))
		x.decided.Store(true)
	}
	x.cache.Store(newResultCache(cacheEntries))
	x.gate.Store(admit.New(0))
	for i, f := range dateFields {
		x.years[i] = map[int]bool{}
		if err := x.loadYears(i, f.year); err != nil {
			x.Close()
			return nil, fmt.Errorf("bleveindex: open %s: %w", dir, err)
		}
	}
	// The first search would otherwise read every document's doc values
	// (table.go): a tenth of a second per 100,000 documents.
	x.warming.Go(func() {
		if r, err := x.reader(); err == nil {
			x.tables(r) // an error meets the first search again
			r.Close()
		}
	})
	return x, nil
}

// runtimeConfig is bleve's configuration of an open index: how long to
// wait for another process's lock, and the callbacks of health.go.
func runtimeConfig() map[string]any {
	return map[string]any{
		"bolt_timeout":           lockWait.String(),
		"asyncErrorCallbackName": callbackName,
		"eventCallbackName":      callbackName,
	}
}

// openBleve opens the bleve index in dir, or creates it.
func openBleve(dir string) (bleve.Index, error) {
	_, err := os.Stat(filepath.Join(dir, "index_meta.json"))
	switch {
	case err == nil:
		b, err := bleve.OpenUsing(dir, runtimeConfig())
		if err != nil {
			return nil, err
		}
		if f, err := b.GetInternal([]byte(formatKey)); err != nil || string(f) != format {
			b.Close()
			if err == nil {
				err = fmt.Errorf("layout %q, want %q: %w", f, format, ErrFormat)
			}
			return nil, err
		}
		return b, nil
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(filepath.Dir(filepath.Clean(dir)), 0o755); err != nil {
			return nil, err
		}
		b, err := bleve.New(dir, newMapping())
		if err != nil {
			return nil, err
		}
		err = b.SetInternal([]byte(formatKey), []byte(format))
		if cerr := b.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
		// Opened again with the runtime configuration, which bleve.New
		// would record in the index's metadata.
		return bleve.OpenUsing(dir, runtimeConfig())
	}
	return nil, err
}

// loadYears reads the years of one date field from the index.
func (x *Index) loadYears(i int, field string) error {
	d, err := x.b.FieldDict(field)
	if err != nil {
		return err
	}
	defer d.Close()
	for {
		e, err := d.Next()
		if err != nil || e == nil {
			return err
		}
		if y, err := strconv.Atoi(e.Term); err == nil {
			x.years[i][y] = true
		}
	}
}

// yearsIn returns the years of date field i from lo to hi that some
// document has a date in.
func (x *Index) yearsIn(i, lo, hi int) []int {
	x.yearsMu.Lock()
	defer x.yearsMu.Unlock()
	var out []int
	for y := range x.years[i] {
		if y >= lo && y <= hi {
			out = append(out, y)
		}
	}
	slices.Sort(out)
	return out
}

// newMapping is the mapping recorded with a new index. Documents are built
// field by field (see docOf) and queries term by term, so it only switches
// off what bleve would otherwise add: dynamic fields and the _all field.
func newMapping() *mapping.IndexMappingImpl {
	m := bleve.NewIndexMapping()
	m.DefaultMapping.Dynamic = false
	m.DefaultMapping.Enabled = false
	m.IndexDynamic = false
	m.StoreDynamic = false
	m.DocValuesDynamic = false
	return m
}

// Close releases the index; every later call fails.
func (x *Index) Close() error {
	x.preMu.Lock()
	if !x.closing {
		x.closing = true
		close(x.stop)
	}
	x.preMu.Unlock()
	x.warming.Wait()
	x.suggest.Close()
	x.health.close()
	defer x.unregister()
	if err := x.b.Close(); err != nil {
		return fmt.Errorf("bleveindex: close %s: %w", x.dir, err)
	}
	return nil
}

// Put adds or replaces docs, in batches built in parallel (one per CPU),
// and returns once they are searchable. Errors: gazette.ErrInvalid for a
// document the index cannot hold (see check), and then nothing is written;
// ErrWrite, at once, while the index cannot write to disk; on a backend
// error some of the documents may have been written.
func (x *Index) Put(ctx context.Context, docs []gazette.SearchDoc) error {
	// While the disk refuses segments, a batch would only wait for the
	// next retry and fail: say so at once.
	if err := x.health.err(true); err != nil {
		return fmt.Errorf("bleveindex: put: %w", err)
	}
	for i := range docs {
		if err := check(&docs[i]); err != nil {
			return err
		}
	}
	if err := x.decideCommon(docs); err != nil {
		return fmt.Errorf("bleveindex: put: %w", err)
	}
	// Batches of batchDocs (fewer when their text reaches batchBytes),
	// built in parallel: bleve builds a batch's segment on one core. A Put
	// of fewer is one batch, not split to keep every core busy: zap's work
	// per document falls as a segment grows to about a thousand documents
	// (most 4-grams recur within one), and fewer segments mean less merging.
	// On the benchmark corpus, a Put of 1,000 split in two segments of 500
	// took 1.4 times the CPU of one segment of 1,000; segments of 2,000 and
	// more took more CPU again, and far more memory.
	//
	// Where indexing's CPU went (issue 17; BenchmarkPut, 20,000 documents,
	// CPU profile), before only the 4-grams of common bigrams were kept
	// (analysis.go), which halved it: 71% zap building each batch's segment (term
	// dictionaries and postings: a body of 2,000 characters holds some
	// 2,400 distinct terms in its three fields, and a segment of 1,000
	// documents 570,000, 460,000 of them 4-grams), 10% scorch's background
	// merges, 8% our analysis, 7% the garbage collector. bleve's offline
	// builder (scorch.Builder) would save only some merging, and it
	// analyses, builds and merges on one goroutine; zap 15 segments cost
	// the same CPU as zap 17.
	//
	// Why a core idles: a batch is analysed on every core (scorch's
	// analysis queue; no lock is held), then its segment is built on the
	// calling goroutine, then it waits for the persister (2% of the time of
	// a batch: unsafe_batch could save no more). A Put of 1,000 is one
	// batch, so the build, 71% of the CPU, runs on one core while the other
	// merges: at 8.2 ms of CPU a document, some 170 documents/s at most.
	// Building batches at once buys time with CPU (BenchmarkPut, 6,000
	// documents, shared machine, CPU a document): a Put of 2,000, two
	// segments of 1,000 built at once, 11.5 ms instead of 9.8 (the
	// persister merges them in memory; without that merge, 12.8), and a
	// Put of 1,000 in four segments of 250, 13.7.
	procs := runtime.GOMAXPROCS(0)
	per := batchDocs
	var chunks [][]gazette.SearchDoc
	for start := 0; start < len(docs); {
		end, size := start, 0
		for end < len(docs) && end-start < per && size < batchBytes {
			size += textSize(&docs[end])
			end++
		}
		chunks = append(chunks, docs[start:end])
		start = end
	}
	work := make(chan []gazette.SearchDoc)
	errs := make(chan error, len(chunks))
	var wg sync.WaitGroup
	for range min(len(chunks), procs) {
		wg.Go(func() {
			for chunk := range work {
				errs <- x.put(ctx, chunk)
			}
		})
	}
	for _, c := range chunks {
		work <- c
	}
	close(work)
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		if err != nil {
			all = append(all, err)
		}
	}
	return errors.Join(all...)
}

// decideCommon decides, on the first Put into a new index, which bigrams
// are common (commonSet), from the documents of that Put, and records it
// in the index before any document goes in: every document is indexed,
// and every query read, with the same set. The first Put of a reindex
// holds archive.ReindexBatch documents; a smaller one keeps every 4-gram.
func (x *Index) decideCommon(docs []gazette.SearchDoc) error {
	if x.decided.Load() {
		return nil
	}
	x.commonMu.Lock()
	defer x.commonMu.Unlock()
	if x.decided.Load() {
		return nil
	}
	var c *commonSet
	if len(docs) >= commonSample {
		texts := make([][]string, len(docs))
		for i := range docs {
			d := &docs[i]
			texts[i] = append(append([]string{d.Title, d.DocNumber}, d.Authorities...), d.Body...)
		}
		c = newCommonSet(texts)
	}
	if err := x.b.SetInternal([]byte(commonKey), c.encode()); err != nil {
		return err
	}
	x.common.Store(c)
	x.decided.Store(true)
	return nil
}

// put writes one bleve batch.
func (x *Index) put(ctx context.Context, docs []gazette.SearchDoc) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bleveindex: put: %w", err)
	}
	x.yearsMu.Lock()
	for i := range docs {
		for j, v := range datesOf(&docs[i]) {
			if !v.IsZero() {
				x.years[j][v.Year] = true
			}
		}
	}
	x.yearsMu.Unlock()
	batch := x.b.NewBatch()
	common := x.common.Load()
	for i := range docs {
		doc, err := docOf(&docs[i], common)
		if err == nil {
			err = batch.IndexAdvanced(doc)
		}
		if err != nil {
			return fmt.Errorf("bleveindex: put %s: %w", docs[i].ID, err)
		}
	}
	defer x.gen.Add(1) // even on error: part of the batch may be in
	ids := make([]string, len(docs))
	for i := range docs {
		ids[i] = docs[i].ID
	}
	x.beginWrite(ids)
	err := x.b.Batch(batch)
	x.endWrite(ids, docs, err != nil)
	if err != nil {
		return fmt.Errorf("bleveindex: put: %w", err)
	}
	return nil
}

func textSize(d *gazette.SearchDoc) int {
	n := len(d.Title)
	for _, p := range d.Body {
		n += len(p) + 1
	}
	return n
}

// check refuses what the index cannot hold: an empty or over-long ID, text
// that is not UTF-8, more than maxFieldBytes of text, and control
// characters in the ID, kind, validity, fingerprint or authorities (they
// separate the parts of the packed doc values).
func check(d *gazette.SearchDoc) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("bleveindex: put %.40q: "+format+": %w", append([]any{d.ID}, append(args, gazette.ErrInvalid)...)...)
	}
	if d.ID == "" || len(d.ID) > maxIDBytes {
		return bad("ID empty or longer than %d bytes", maxIDBytes)
	}
	for _, s := range append([]string{d.ID, string(d.Kind), string(d.Validity.State), d.Fingerprint}, d.Authorities...) {
		if !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0 {
			return bad("ID, kind, validity, fingerprint or authority %.40q with control characters or not UTF-8", s)
		}
	}
	ok := utf8.ValidString(d.Title) && utf8.ValidString(d.DocNumber) && utf8.ValidString(d.Topic)
	for _, p := range d.Body {
		ok = ok && utf8.ValidString(p)
	}
	if !ok {
		return bad("text is not valid UTF-8")
	}
	if size := textSize(d); size > maxFieldBytes {
		return bad("%d bytes of text, more than %d", size, maxFieldBytes)
	}
	return nil
}

// docOf builds the bleve document of d, with the 4-grams common keeps.
func docOf(d *gazette.SearchDoc, common *commonSet) (*document.Document, error) {
	doc := document.NewDocument(d.ID)
	text := func(name, value string, store bool) {
		opts := textOpts
		if store {
			opts |= index.StoreField
		}
		// The three fields of a text are analysed in one pass (analysis.go).
		b := []byte(value)
		a := &textAnalysis{input: b, common: common}
		doc.AddField(&textField{name: name, opts: opts, value: b, a: a, part: partText})
		doc.AddField(&textField{name: name + charsSuffix, opts: charsOpts, value: b, a: a, part: partChars})
		doc.AddField(&textField{name: name + shingleSuffix, opts: textOpts, value: b, a: a, part: partShingles})
	}
	keyword := func(name, value string, opts index.FieldIndexingOptions) {
		if value != "" {
			doc.AddField(document.NewTextFieldWithIndexingOptions(name, nil, []byte(value), opts))
		}
	}
	head := append([]string{d.Title, d.DocNumber}, d.Authorities...)
	text(fHead, strings.Join(head, "\n"), false)
	text(fBody, strings.Join(d.Body, "\n"), true)
	if d.DocNumber != "" {
		keyword(fDocNum, gazette.CanonicalDocNumber(d.DocNumber), keywordOpts)
	}
	keyword(fKind, string(d.Kind), keywordOpts)
	for _, a := range d.Authorities {
		keyword(fAuthority, a, keywordOpts)
	}
	keyword(fYear, strconv.Itoa(d.Issue.Year), keywordOpts)
	keyword(fIssue, d.Issue.String(), keywordOpts)
	keyword(fValidity, string(d.Validity.State), keywordOpts)
	keyword(fTopic, d.Topic, keywordOpts)
	for i, v := range datesOf(d) {
		if !v.IsZero() {
			keyword(dateFields[i].year, strconv.Itoa(v.Year), keywordOpts)
		}
	}
	doc.AddField(document.NewTextFieldWithIndexingOptions(fMeta, nil, []byte(packMeta(d)), metaOpts))
	hit, err := json.Marshal(d.Hit())
	if err != nil {
		return nil, err
	}
	doc.AddField(document.NewTextFieldWithIndexingOptions(fHit, nil, hit, index.StoreField))
	return doc, nil
}

// textField is one of the three fields of a text: the text itself, its
// characters or its 4-grams, which share one textAnalysis. It is what a
// bleve TextField with the matching analyzer would be (a stored one is read
// back as one), analysed once for all three.
type textField struct {
	name  string
	opts  index.FieldIndexingOptions
	value []byte
	a     *textAnalysis
	part  int
}

func (f *textField) Name() string                        { return f.name }
func (f *textField) ArrayPositions() []uint64            { return nil }
func (f *textField) Options() index.FieldIndexingOptions { return f.opts }
func (f *textField) Analyze()                            { f.a.run() }
func (f *textField) Value() []byte                       { return f.value }
func (f *textField) Text() string                        { return string(f.value) }
func (f *textField) NumPlainTextBytes() uint64           { return uint64(len(f.value)) }
func (f *textField) EncodedFieldType() byte              { return 't' }
func (f *textField) AnalyzedLength() int                 { return f.a.lens[f.part] }
func (f *textField) AnalyzedTokenFrequencies() index.TokenFrequencies {
	return f.a.freqs[f.part]
}

// Size is an estimate of the memory the field holds, for bleve's
// statistics of a batch: from the number of tokens, where TextField's walks
// every term and location, in the one goroutine that collects a batch.
func (f *textField) Size() int {
	return 64 + len(f.name) + len(f.value) + 64*f.a.lens[f.part]
}

// Delete removes the documents with the given IDs; absent IDs are ignored.
// Errors: ErrWrite while the index cannot write to disk.
func (x *Index) Delete(ctx context.Context, ids []string) error {
	if err := x.health.err(true); err != nil {
		return fmt.Errorf("bleveindex: delete: %w", err)
	}
	for start := 0; start < len(ids); start += batchDocs {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("bleveindex: delete: %w", err)
		}
		batch := x.b.NewBatch()
		part := ids[start:min(start+batchDocs, len(ids))]
		for _, id := range part {
			batch.Delete(id)
		}
		x.beginWrite(part)
		err := x.b.Batch(batch)
		x.endWrite(part, nil, err != nil)
		x.gen.Add(1)
		if err != nil {
			return fmt.Errorf("bleveindex: delete: %w", err)
		}
	}
	return nil
}

// Get returns the hit for one document, without a snippet. Errors:
// gazette.ErrNotFound.
func (x *Index) Get(ctx context.Context, id string) (gazette.Hit, error) {
	if err := ctx.Err(); err != nil {
		return gazette.Hit{}, fmt.Errorf("bleveindex: get %s: %w", id, err)
	}
	r, err := x.reader()
	if err != nil {
		return gazette.Hit{}, fmt.Errorf("bleveindex: get %s: %w", id, err)
	}
	defer r.Close()
	h, _, found, err := loadHit(r, id, false)
	switch {
	case err != nil:
		return gazette.Hit{}, fmt.Errorf("bleveindex: get %s: %w", id, err)
	case !found:
		return gazette.Hit{}, fmt.Errorf("bleveindex: get %s: %w", id, gazette.ErrNotFound)
	}
	return h, nil
}

// reader opens a snapshot of the index for reading; the caller closes it.
func (x *Index) reader() (*scorch.IndexSnapshot, error) {
	adv, err := x.b.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		r.Close()
		return nil, fmt.Errorf("reader is a %T, not a scorch snapshot", r)
	}
	return snap, nil
}

// loadHit reads the stored hit of one document, and its body when asked.
func loadHit(r index.IndexReader, id string, withBody bool) (h gazette.Hit, body string, found bool, err error) {
	doc, err := r.Document(id)
	if err != nil || doc == nil {
		return h, "", false, err
	}
	var raw []byte
	doc.VisitFields(func(f index.Field) {
		switch f.Name() {
		case fHit:
			raw = f.Value()
		case fBody:
			if withBody {
				body = string(f.Value())
			}
		}
	})
	if raw == nil {
		return h, "", false, fmt.Errorf("document %s has no stored hit", id)
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		return h, "", false, fmt.Errorf("document %s: stored hit: %w", id, err)
	}
	return h, body, true, nil
}

// loadHitAt reads the stored hit of the document with number num in
// snapshot s: what loadHit reads, without looking the ID up in every
// segment and without copying the fields nobody reads. With body set, it
// is called with the document's body, which it must not keep: the text is
// the store's buffer, valid during the call only (a page's bodies, copied,
// were a sixth of what a search allocated).
func loadHitAt(s *scorch.IndexSnapshot, num uint64, body func(text string)) (h gazette.Hit, found bool, err error) {
	var base uint64
	for _, ss := range s.Segments() {
		n := ss.Segment().Count()
		if num >= base+n {
			base += n
			continue
		}
		var raw []byte
		read := false // the body
		err = ss.VisitDocument(num-base, func(field string, _ byte, value []byte, _ []uint64) bool {
			switch field {
			case fHit:
				raw = slices.Clone(value)
			case fBody:
				if body != nil {
					body(unsafe.String(unsafe.SliceData(value), len(value)))
					read = true
				}
			}
			return true
		})
		if err != nil {
			return h, false, err
		}
		if body != nil && !read {
			body("") // a document without text
		}
		if raw == nil {
			return h, false, fmt.Errorf("document number %d has no stored hit", num)
		}
		if err := gojson.Unmarshal(raw, &h); err != nil {
			return h, false, fmt.Errorf("document number %d: stored hit: %w", num, err)
		}
		return h, true, nil
	}
	return h, false, nil
}

// Fingerprints returns the fingerprint of every document, by ID, read from
// one snapshot of the index.
func (x *Index) Fingerprints(ctx context.Context) (map[string]string, error) {
	fail := func(err error) (map[string]string, error) {
		return nil, fmt.Errorf("bleveindex: fingerprints: %w", err)
	}
	r, err := x.reader()
	if err != nil {
		return fail(err)
	}
	defer r.Close()
	all, err := r.DocIDReaderAll()
	if err != nil {
		return fail(err)
	}
	defer all.Close()
	dv, err := r.DocValueReader([]string{fMeta})
	if err != nil {
		return fail(err)
	}
	out := make(map[string]string)
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return fail(err)
			}
		}
		iid, err := all.Next()
		if err != nil {
			return fail(err)
		}
		if iid == nil {
			return out, nil
		}
		var m meta
		err = dv.VisitDocValues(iid, func(field string, term []byte) { m = unpackMeta(term) })
		if err != nil {
			return fail(err)
		}
		if m.id == nil {
			return fail(fmt.Errorf("a document has no doc values"))
		}
		out[string(m.id)] = string(m.fp)
	}
}

// Ping reports whether the index is open and readable, and writes to disk:
// while its background writes fail, an error wrapping ErrWrite.
func (x *Index) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bleveindex: ping: %w", err)
	}
	if err := x.health.err(false); err != nil {
		return fmt.Errorf("bleveindex: ping %s: %w", x.dir, err)
	}
	if _, err := x.b.DocCount(); err != nil {
		return fmt.Errorf("bleveindex: ping: %w", err)
	}
	return nil
}

// SetMaxSearches sets how many searches run at once; others wait their turn
// (or until their context ends). n ≤ 0 means one per CPU (GOMAXPROCS), the
// default. Searches already admitted finish under the old limit.
func (x *Index) SetMaxSearches(n int) { x.gate.Store(admit.New(n)) }

// Admit returns a context under which every Search runs in one search slot
// (SetMaxSearches), taken by the first of them: a request's searches queue
// once. The caller calls leave after its last Search.
func (x *Index) Admit(ctx context.Context) (held context.Context, leave func()) {
	return x.gate.Load().Hold(ctx)
}
