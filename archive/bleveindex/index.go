package bleveindex

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/gazette-archive/gazette/gazette"
)

// Field names. Text fields are segmented (see analysis.go) and carry
// positions for phrases; keyword fields hold one exact term per value.
const (
	fTitle        = "title"    // text, stored
	fBody         = "body"     // text, stored (for snippets)
	fAuthText     = "auth_txt" // text: the authorities' words
	fDocNumText   = "num_txt"  // text: the document number's words
	fDocNum       = "num"      // keyword: canonical document number, stored
	fKind         = "kind"     // keyword, stored, doc values (facet)
	fAuthority    = "auth"     // keyword, multi-valued, stored, doc values (facet)
	fYear         = "year"     // keyword: the issue's year, doc values (facet)
	fIssue        = "issue"    // keyword: the issue key, stored
	fValidity     = "validity" // keyword, stored, doc values (facet)
	fTopic        = "topic"    // keyword
	fOrder        = "order"    // keyword, doc values: print order, for tie-breaks
	fPages        = "pages"    // stored only: "first-last"
	fFingerprint  = "fp"       // keyword, stored, doc values (for Fingerprints)
	charsSuffix   = ".c"       // the companion field of a text field: its CJK characters
	fSigned       = "signed"   // numeric yyyymmdd, stored
	fPublished    = "published"
	fEffective    = "effective" // numeric yyyymmdd
	fExpires      = "expiry"
	batchDocs     = 500      // documents per bleve batch
	batchBytes    = 16 << 20 // text bytes per bleve batch
	maxIDBytes    = 256
	maxFieldBytes = 64 << 20
)

// Options of the fields, by kind.
const (
	textOpts    = index.IndexField | index.IncludeTermVectors
	charsOpts   = index.IndexField | index.SkipFreqNorm
	keywordOpts = index.IndexField | index.SkipFreqNorm
	storedOnly  = index.StoreField
)

// Index is the embedded search index: bleve v2 (scorch) in a directory. It
// implements archive.Index. All methods are safe for concurrent use; writes
// are visible to every later call when they return.
type Index struct {
	b   bleve.Index
	dir string
}

// Open opens the index in dir, creating the directory and an empty index
// when there is none. Only one process may open a directory at a time.
func Open(dir string) (*Index, error) {
	_, err := os.Stat(filepath.Join(dir, "index_meta.json"))
	var b bleve.Index
	switch {
	case err == nil:
		b, err = bleve.Open(dir)
	case errors.Is(err, os.ErrNotExist):
		if err = os.MkdirAll(filepath.Dir(filepath.Clean(dir)), 0o755); err == nil {
			b, err = bleve.New(dir, newMapping())
		}
	}
	if err != nil {
		return nil, fmt.Errorf("bleveindex: open %s: %w", dir, err)
	}
	return &Index{b: b, dir: dir}, nil
}

// newMapping is the mapping recorded with a new index. Documents are built
// field by field (see docOf), so it only switches off what bleve would
// otherwise add: dynamic fields and the _all field.
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
	if err := x.b.Close(); err != nil {
		return fmt.Errorf("bleveindex: close %s: %w", x.dir, err)
	}
	return nil
}

// Put adds or replaces docs, in batches, and returns once they are
// searchable. Batches are built in parallel, one per CPU. Errors:
// gazette.ErrInvalid for a document without a usable ID, or with text that
// is not UTF-8 (nothing is written then); on a backend error some of the
// documents may have been written.
func (x *Index) Put(ctx context.Context, docs []gazette.SearchDoc) error {
	for i := range docs {
		if err := check(&docs[i]); err != nil {
			return err
		}
	}
	// Cut docs into batches of at most batchDocs documents and batchBytes of text.
	var chunks [][]gazette.SearchDoc
	for start := 0; start < len(docs); {
		end, size := start, 0
		for end < len(docs) && end-start < batchDocs && size < batchBytes {
			size += textSize(&docs[end])
			end++
		}
		chunks = append(chunks, docs[start:end])
		start = end
	}
	work := make(chan []gazette.SearchDoc)
	errs := make(chan error, len(chunks))
	var wg sync.WaitGroup
	for range min(len(chunks), runtime.GOMAXPROCS(0)) {
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

// put writes one bleve batch.
func (x *Index) put(ctx context.Context, docs []gazette.SearchDoc) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bleveindex: put: %w", err)
	}
	batch := x.b.NewBatch()
	for i := range docs {
		if err := batch.IndexAdvanced(docOf(&docs[i])); err != nil {
			return fmt.Errorf("bleveindex: put %s: %w", docs[i].ID, err)
		}
	}
	if err := x.b.Batch(batch); err != nil {
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

// check refuses what the index cannot hold.
func check(d *gazette.SearchDoc) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("bleveindex: put %.40q: "+format+": %w", append([]any{d.ID}, append(args, gazette.ErrInvalid)...)...)
	}
	if d.ID == "" || len(d.ID) > maxIDBytes || !utf8.ValidString(d.ID) || strings.ContainsRune(d.ID, 0) {
		return bad("ID empty, longer than %d bytes or not UTF-8", maxIDBytes)
	}
	size := textSize(d)
	ok := utf8.ValidString(d.Title)
	for _, p := range d.Body {
		ok = ok && utf8.ValidString(p)
	}
	if !ok {
		return bad("text is not valid UTF-8")
	}
	if size > maxFieldBytes {
		return bad("%d bytes of text, more than %d", size, maxFieldBytes)
	}
	return nil
}

// docOf builds the bleve document of d.
func docOf(d *gazette.SearchDoc) *document.Document {
	doc := document.NewDocument(d.ID)
	text := func(name, value string, store bool) {
		opts := textOpts
		if store {
			opts |= index.StoreField
		}
		doc.AddField(document.NewTextFieldCustom(name, nil, []byte(value), opts, analyzer{}))
		doc.AddField(document.NewTextFieldCustom(name+charsSuffix, nil, []byte(value), charsOpts, charsAnalyzer{}))
	}
	keyword := func(name, value string, opts index.FieldIndexingOptions, pos []uint64) {
		if value != "" {
			doc.AddField(document.NewTextFieldWithIndexingOptions(name, pos, []byte(value), opts))
		}
	}
	date := func(name string, v gazette.Date, opts index.FieldIndexingOptions) {
		if !v.IsZero() {
			doc.AddField(document.NewNumericFieldWithIndexingOptions(name, nil, float64(dateNumber(v)), opts))
		}
	}
	body := strings.Join(d.Body, "\n")
	text(fTitle, d.Title, true)
	text(fBody, body, true)
	if len(d.Authorities) > 0 {
		text(fAuthText, strings.Join(d.Authorities, "\n"), false)
	}
	num := canonicalNumber(d.DocNumber)
	if d.DocNumber != "" {
		text(fDocNumText, d.DocNumber, false)
		keyword(fDocNum, num, keywordOpts|index.StoreField, nil)
	}
	keyword(fKind, string(d.Kind), keywordOpts|index.StoreField|index.DocValues, nil)
	for i, a := range d.Authorities {
		keyword(fAuthority, a, keywordOpts|index.StoreField|index.DocValues, []uint64{uint64(i)})
	}
	if d.Issue.Year != 0 {
		keyword(fYear, strconv.Itoa(d.Issue.Year), keywordOpts|index.DocValues, nil)
	}
	keyword(fIssue, d.Issue.String(), keywordOpts|index.StoreField, nil)
	keyword(fValidity, string(d.Validity.State), keywordOpts|index.StoreField|index.DocValues, nil)
	keyword(fTopic, d.Topic, keywordOpts, nil)
	keyword(fOrder, orderKey(d.ID), keywordOpts|index.DocValues, nil)
	keyword(fFingerprint, d.Fingerprint, keywordOpts|index.StoreField|index.DocValues, nil)
	keyword(fPages, fmt.Sprintf("%d-%d", d.Pages.First, d.Pages.Last), storedOnly, nil)
	date(fSigned, d.Signed, index.IndexField|index.StoreField)
	date(fPublished, d.Published, index.IndexField|index.StoreField|index.DocValues)
	date(fEffective, d.Effective, index.IndexField)
	date(fExpires, d.Expires, index.IndexField)
	return doc
}

// canonicalNumber is the canonical spelling of a document number, or the
// text as given when it does not parse.
func canonicalNumber(s string) string {
	if n, err := gazette.ParseDocNumber(s); err == nil {
		return n.String()
	}
	return s
}

// orderKey sorts documents in print order: by issue (year, regular issues
// before supplements, number), then position. IDs that are not document IDs
// sort after them, by ID.
func orderKey(id string) string {
	key, seq, err := gazette.ParseDocumentID(id)
	if err != nil {
		return "~" + id
	}
	s := 'n'
	if key.Supplement {
		s = 's'
	}
	return fmt.Sprintf("%04d%c%03d-%05d", key.Year, s, key.Number, seq)
}

func dateNumber(d gazette.Date) int { return d.Year*10000 + int(d.Month)*100 + d.Day }

// Delete removes the documents with the given IDs; absent IDs are ignored.
func (x *Index) Delete(ctx context.Context, ids []string) error {
	for start := 0; start < len(ids); start += batchDocs {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("bleveindex: delete: %w", err)
		}
		batch := x.b.NewBatch()
		for _, id := range ids[start:min(start+batchDocs, len(ids))] {
			batch.Delete(id)
		}
		if err := x.b.Batch(batch); err != nil {
			return fmt.Errorf("bleveindex: delete: %w", err)
		}
	}
	return nil
}

// Lookup returns the IDs of the documents whose canonical document number
// is n, newest first.
func (x *Index) Lookup(ctx context.Context, n gazette.DocNumber) ([]string, error) {
	if n.IsZero() {
		return nil, nil
	}
	var ids []string
	for {
		req := bleve.NewSearchRequestOptions(term(fDocNum, n.String()), 500, len(ids), false)
		req.SortByCustom(newestFirst())
		req.Score = "none"
		res, err := x.b.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("bleveindex: lookup %s: %w", n, err)
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(res.Hits) == 0 || len(ids) >= int(res.Total) {
			return ids, nil
		}
	}
}

// Get returns the hit for one document, without a snippet. Errors:
// gazette.ErrNotFound.
func (x *Index) Get(ctx context.Context, id string) (gazette.Hit, error) {
	req := bleve.NewSearchRequestOptions(query.NewDocIDQuery([]string{id}), 1, 0, false)
	req.Fields = hitFields
	req.Score = "none"
	res, err := x.b.SearchInContext(ctx, req)
	if err != nil {
		return gazette.Hit{}, fmt.Errorf("bleveindex: get %s: %w", id, err)
	}
	if len(res.Hits) == 0 {
		return gazette.Hit{}, fmt.Errorf("bleveindex: get %s: %w", id, gazette.ErrNotFound)
	}
	return hitOf(res.Hits[0].ID, res.Hits[0].Fields), nil
}

// Fingerprints returns the fingerprint of every document, by ID, read from
// one snapshot of the index.
func (x *Index) Fingerprints(ctx context.Context) (map[string]string, error) {
	fail := func(err error) (map[string]string, error) {
		return nil, fmt.Errorf("bleveindex: fingerprints: %w", err)
	}
	adv, err := x.b.Advanced()
	if err != nil {
		return fail(err)
	}
	r, err := adv.Reader()
	if err != nil {
		return fail(err)
	}
	defer r.Close()
	all, err := r.DocIDReaderAll()
	if err != nil {
		return fail(err)
	}
	defer all.Close()
	dv, err := r.DocValueReader([]string{fFingerprint})
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
		id, err := r.ExternalID(iid)
		if err != nil {
			return fail(err)
		}
		fp := ""
		err = dv.VisitDocValues(iid, func(field string, term []byte) {
			if field == fFingerprint {
				fp = string(term)
			}
		})
		if err != nil {
			return fail(err)
		}
		out[id] = fp
	}
}

// Ping reports whether the index is open and readable.
func (x *Index) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bleveindex: ping: %w", err)
	}
	if _, err := x.b.DocCount(); err != nil {
		return fmt.Errorf("bleveindex: ping: %w", err)
	}
	return nil
}
