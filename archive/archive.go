package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

// Archive is the archive of record: it publishes issues atomically and reads
// them back. It is safe for concurrent use, also by several processes or
// replicas sharing one Blobs backend.
type Archive struct {
	blobs  Blobs
	index  Index  // nil: storage only, nothing is indexed
	ledger Ledger // nil: no transparency log
	log    *slog.Logger
	now    func() time.Time
	loc    *time.Location // where a day starts, for validity and expiry
	// indexMisses counts writes to the index (and reverse links) that
	// failed after storage had committed: an IndexKeeper repairs the index
	// when it changes.
	indexMisses atomic.Uint64
	// totals caches each published issue's running number, which no
	// correction changes, so coverage reads each manifest once.
	totals sync.Map // gazette.IssueKey → int
	// objects keeps immutable records read before (readJSON), manifests
	// the issues' manifests: apart, because at scale records outnumber
	// what any cache holds, and read at random they pushed out the few
	// thousand manifests, each shared by fifty documents and far dearer
	// to decode.
	objects, manifests *objectCache
}

// Option sets an optional property of an Archive.
type Option func(*Archive)

// WithClock makes the Archive read the time from now instead of the system
// clock (tests; a server whose clock is known to be off).
func WithClock(now func() time.Time) Option { return func(a *Archive) { a.now = now } }

// New returns an Archive over blobs that keeps idx up to date; idx may be
// nil for tools that touch storage only. A nil logger discards logs.
func New(blobs Blobs, idx Index, log *slog.Logger, opts ...Option) *Archive {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a := &Archive{blobs: blobs, index: idx, log: log, now: time.Now, loc: gazette.ChinaTime, objects: newObjectCache(objectCacheBytes), manifests: newObjectCache(manifestCacheBytes)}
	for _, o := range opts {
		o(a)
	}
	return a
}

// today is the current calendar day in the Archive's time zone.
func (a *Archive) today() gazette.Date { return gazette.DateOf(a.now().In(a.loc)) }

// Manifest is the commit record of a published issue. It is written last, and
// only if absent; an issue exists exactly when its manifest does. It names
// every object of the issue with its SHA-256, so the whole issue can be
// verified from it.
type Manifest struct {
	Format    int           `json:"format"`
	Issue     gazette.Issue `json:"issue"`
	PDF       ObjectRef     `json:"pdf"`
	Documents []ObjectRef   `json:"documents"`
}

// ObjectRef names one content-addressed object of an issue.
type ObjectRef struct {
	ID     string `json:"id,omitempty"`
	Key    string `json:"key"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

const manifestFormat = 1

// Object keys. Everything but manifests is content-addressed, so writing it
// twice (a retry, a concurrent publisher) is harmless, and an object left by
// a publish that failed half-way is never reachable from a manifest.
func pdfKey(sum string) string    { return "pdf/" + sum + ".pdf" }
func recordKey(sum string) string { return "records/" + sum + ".json" }
func manifestKey(k gazette.IssueKey) string {
	return "issues/" + strconv.Itoa(k.Year) + "/" + k.String() + ".json"
}

// Publish stores an issue whole: the print PDF under its SHA-256, then each
// document record, then the manifest, created only if absent. Readers see
// the issue only once the manifest exists, so a failure or crash at any
// point leaves either the whole issue or nothing visible; calling Publish
// again completes it.
//
// issue.PDF.Pages must be set; its SHA256 and Size are computed from pdf (if
// set, they must match). issue.Contents is derived from docs, which must be in
// print order with IDs gazette.DocumentID(key, 1..n).
//
// Publish returns once the issue is searchable in the index, if there is
// one. An index failure after the commit is reported with the committed
// manifest; publishing again, or the reconciler, brings the index up to date.
//
// Publishing the same issue again returns its manifest unchanged. Errors:
// gazette.ErrInvalid (naming the fields), gazette.ErrExist (a different issue
// holds the same year and number, or the issue is scheduled: see Schedule),
// and storage errors.
func (a *Archive) Publish(ctx context.Context, issue gazette.Issue, pdf io.ReadSeeker, docs []gazette.Document) (*Manifest, error) {
	m, records, err := a.prepare(issue, pdf, docs)
	if err != nil {
		return nil, fmt.Errorf("archive: publish %s: %w", issue.Key(), err)
	}
	key := m.Issue.Key()
	manifest, err := encode(m)
	if err != nil {
		return nil, fmt.Errorf("archive: publish %s: %w", key, err)
	}
	// A manifest already there is either this very issue (a retry) or another.
	if existing, err := a.manifest(ctx, key); err == nil {
		if _, err := sameIssue(existing, manifest, key); err != nil {
			return nil, err
		}
		return existing, a.indexIssue(ctx, existing, docs)
	} else if !errors.Is(err, gazette.ErrNotFound) {
		return nil, fmt.Errorf("archive: publish %s: %w", key, err)
	}
	// A scheduled issue goes out at its moment, by PublishDue, never early.
	if _, err := a.blobs.Stat(ctx, scheduleKey(key)); err == nil {
		return nil, fmt.Errorf("archive: publish %s: %s is scheduled; unschedule it first: %w", key, key.Label(), gazette.ErrExist)
	} else if !errors.Is(err, gazette.ErrNotFound) {
		return nil, fmt.Errorf("archive: publish %s: %w", key, err)
	}

	if _, err := pdf.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("archive: publish %s: rewind pdf: %w", key, err)
	}
	if err := a.putContent(ctx, m.PDF, pdf, "application/pdf"); err != nil {
		return nil, fmt.Errorf("archive: publish %s: %w", key, err)
	}
	for i, ref := range m.Documents {
		if err := a.putContent(ctx, ref, bytes.NewReader(records[i]), "application/json"); err != nil {
			return nil, fmt.Errorf("archive: publish %s: %w", key, err)
		}
	}
	// The log entry before the commit: no issue is visible without it.
	if err := a.stageAndLog(ctx, m, manifest); err != nil {
		return nil, fmt.Errorf("archive: publish %s: %w", key, err)
	}
	_, err = a.blobs.Put(ctx, manifestKey(key), bytes.NewReader(manifest), int64(len(manifest)),
		gazette.PutOptions{IfAbsent: true, Immutable: true, ContentType: "application/json"})
	if errors.Is(err, gazette.ErrExist) {
		// Another publisher committed first: fine if it was the same issue.
		existing, rerr := a.manifest(ctx, key)
		if rerr != nil {
			return nil, fmt.Errorf("archive: publish %s: %w", key, rerr)
		}
		if _, err := sameIssue(existing, manifest, key); err != nil {
			return nil, err
		}
		return existing, a.indexIssue(ctx, existing, docs)
	}
	if err != nil {
		return nil, fmt.Errorf("archive: publish %s: commit manifest: %w", key, err)
	}
	a.log.InfoContext(ctx, "issue published", "issue", key.String(), "documents", len(m.Documents), "pdf_sha256", m.PDF.SHA256)
	return m, a.indexIssue(ctx, m, docs)
}

// indexIssue puts the documents of a committed issue into the index.
func (a *Archive) indexIssue(ctx context.Context, m *Manifest, docs []gazette.Document) (err error) {
	defer func() {
		if err != nil {
			a.indexMisses.Add(1)
		}
	}()
	// The documents a printed status names as its cause list this one
	// (links.go); written before the index entries, so that Reconcile,
	// which reindexes what is missing, also restores them after a crash.
	for _, d := range docs {
		if c := d.Validity.ChangedBy; c != "" && c != d.ID {
			if err := a.link(ctx, c, d.ID); err != nil {
				return fmt.Errorf("archive: issue %s is published but not yet linked: %w", m.Issue.Key(), err)
			}
		}
	}
	// So are the hints of its titles and citations (citations.go): the
	// titles of all first, so that documents of one issue find each other.
	for i := range docs {
		if err := a.hintTitle(ctx, &docs[i]); err != nil {
			return fmt.Errorf("archive: issue %s is published but its titles are not yet hinted: %w", m.Issue.Key(), err)
		}
	}
	for i := range docs {
		if err := a.hintCitations(ctx, &docs[i], &m.Issue); err != nil {
			return fmt.Errorf("archive: issue %s is published but its citations are not yet hinted: %w", m.Issue.Key(), err)
		}
	}
	if a.index == nil {
		return nil
	}
	// A retry of an old publication must not put back texts or states that
	// corrections and validity changes have since replaced.
	changed, err := a.blobs.List(ctx, "history/"+m.Issue.Key().String()+"-")
	if err != nil {
		return fmt.Errorf("archive: issue %s is published but not yet searchable: %w", m.Issue.Key(), err)
	}
	batch := make([]gazette.SearchDoc, len(docs))
	for i, d := range docs {
		batch[i] = gazette.SearchDoc{Document: d, Fingerprint: m.Documents[i].SHA256}
		if slices.ContainsFunc(changed, func(o gazette.ObjectInfo) bool { return o.Key == historyKey(d.ID) }) {
			sd, err := a.searchDoc(ctx, m, i+1)
			if err != nil {
				return fmt.Errorf("archive: issue %s is published but not yet searchable: %w", m.Issue.Key(), err)
			}
			batch[i] = sd
		}
	}
	if err := a.index.Put(ctx, batch); err != nil {
		return fmt.Errorf("archive: issue %s is published but not yet searchable: %w", m.Issue.Key(), err)
	}
	return nil
}

// prepare validates the issue and its documents and builds the manifest and
// the encoded records.
func (a *Archive) prepare(issue gazette.Issue, pdf io.ReadSeeker, docs []gazette.Document) (*Manifest, [][]byte, error) {
	if _, err := pdf.Seek(0, io.SeekStart); err != nil {
		return nil, nil, fmt.Errorf("rewind pdf: %w", err)
	}
	h := sha256.New()
	size, err := io.Copy(h, pdf)
	if err != nil {
		return nil, nil, fmt.Errorf("read pdf: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if issue.PDF.SHA256 != "" && issue.PDF.SHA256 != sum {
		return nil, nil, gazette.ValidationError{{Field: "pdf.sha256", Problem: fmt.Sprintf("%s does not match the PDF given (%s)", issue.PDF.SHA256, sum)}}
	}
	if issue.PDF.Size != 0 && issue.PDF.Size != size {
		return nil, nil, gazette.ValidationError{{Field: "pdf.size", Problem: fmt.Sprintf("%d does not match the PDF given (%d bytes)", issue.PDF.Size, size)}}
	}
	issue.PDF.SHA256, issue.PDF.Size = sum, size

	var problems gazette.ValidationError
	issue.Contents = make([]gazette.Entry, len(docs))
	records := make([][]byte, len(docs))
	refs := make([]ObjectRef, len(docs))
	for i := range docs {
		d := docs[i]
		if d.Issue != issue.Key() {
			problems = append(problems, gazette.FieldError{Field: fmt.Sprintf("documents[%d].issue", i), Problem: fmt.Sprintf("%s, but it is published in %s", d.Issue, issue.Key())})
		}
		if err := d.Validate(); err != nil {
			var ve gazette.ValidationError
			if !errors.As(err, &ve) {
				return nil, nil, err
			}
			for _, fe := range ve {
				fe.Field = fmt.Sprintf("documents[%d].%s", i, fe.Field)
				problems = append(problems, fe)
			}
		}
		issue.Contents[i] = d.Entry()
		rec, err := encode(&d)
		if err != nil {
			return nil, nil, err
		}
		records[i] = rec
		rs := sha256.Sum256(rec)
		refs[i] = ObjectRef{ID: d.ID, Key: recordKey(hex.EncodeToString(rs[:])), SHA256: hex.EncodeToString(rs[:]), Size: int64(len(rec))}
	}
	if err := issue.Validate(); err != nil {
		var ve gazette.ValidationError
		if !errors.As(err, &ve) {
			return nil, nil, err
		}
		// The contents were derived from docs: name the field the caller gave.
		for _, fe := range ve {
			if rest, ok := strings.CutPrefix(fe.Field, "contents["); ok {
				fe.Field = "documents[" + rest
			}
			if !slices.Contains(problems, fe) {
				problems = append(problems, fe)
			}
		}
	}
	if len(problems) > 0 {
		return nil, nil, problems
	}
	return &Manifest{
		Format:    manifestFormat,
		Issue:     issue,
		PDF:       ObjectRef{Key: pdfKey(sum), SHA256: sum, Size: size},
		Documents: refs,
	}, records, nil
}

// putContent stores a content-addressed, immutable object. An object already
// present under its hash is the same content, which is what we wanted.
func (a *Archive) putContent(ctx context.Context, ref ObjectRef, r io.Reader, contentType string) error {
	_, err := a.blobs.Put(ctx, ref.Key, r, ref.Size, gazette.PutOptions{IfAbsent: true, Immutable: true, ContentType: contentType})
	if errors.Is(err, gazette.ErrExist) {
		// Left by an earlier attempt: verify it rather than trust its name,
		// so a manifest never commits to damaged content.
		return a.verify(ctx, ref)
	}
	return err
}

// verify checks that the object ref names holds exactly the content it says.
func (a *Archive) verify(ctx context.Context, ref ObjectRef) error {
	r, info, err := a.blobs.Open(ctx, ref.Key)
	if err != nil {
		return err
	}
	defer r.Close()
	if info.Size != ref.Size {
		return fmt.Errorf("%s holds %d bytes, want %d: %w", ref.Key, info.Size, ref.Size, gazette.ErrCorrupt)
	}
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return fmt.Errorf("verify %s: %w", ref.Key, err)
	}
	if hex.EncodeToString(h.Sum(nil)) != ref.SHA256 {
		return fmt.Errorf("%s: content does not match its SHA-256: %w", ref.Key, gazette.ErrCorrupt)
	}
	return nil
}

func sameIssue(existing *Manifest, want []byte, key gazette.IssueKey) (*Manifest, error) {
	got, err := encode(existing)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(got, want) {
		return nil, fmt.Errorf("archive: publish %s: a different issue is already published as %s: %w", key, key.Label(), gazette.ErrExist)
	}
	return existing, nil
}

func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return buf.Bytes(), nil
}

// maxRecordSize bounds what is read as a manifest or record, so a corrupt
// or hostile object cannot exhaust memory.
const maxRecordSize = 64 << 20

// readJSON reads and decodes the record at key, verifying its SHA-256 (sum);
// what it read and verified once is kept in the object cache.
func (a *Archive) readJSON(ctx context.Context, key, sum string, v any) error {
	raw, ok := a.objects.get(key)
	if !ok {
		b, _, err := a.readRaw(ctx, key, sum)
		if err != nil {
			return err
		}
		a.objects.put(key, b, len(b))
		raw = b
	}
	if err := json.Unmarshal(raw.([]byte), v); err != nil {
		return fmt.Errorf("decode %s: %v: %w", key, err, gazette.ErrCorrupt)
	}
	return nil
}

// readJSONTagged reads and decodes the mutable object at key and returns
// the ETag of the version read, for a conditional update.
func (a *Archive) readJSONTagged(ctx context.Context, key string, v any) (string, error) {
	return a.readJSONSum(ctx, key, "", v)
}

func (a *Archive) readJSONSum(ctx context.Context, key, sum string, v any) (string, error) {
	raw, etag, err := a.readRaw(ctx, key, sum)
	if err != nil {
		return "", err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return "", fmt.Errorf("decode %s: %v: %w", key, err, gazette.ErrCorrupt)
	}
	return etag, nil
}

// readRaw reads the object at key, verified against sum when one is given,
// and returns it with its ETag.
func (a *Archive) readRaw(ctx context.Context, key, sum string) ([]byte, string, error) {
	r, info, err := a.blobs.Open(ctx, key)
	if err != nil {
		return nil, "", err
	}
	defer r.Close()
	if info.Size > maxRecordSize {
		return nil, "", fmt.Errorf("%s: %d bytes: %w", key, info.Size, gazette.ErrCorrupt)
	}
	// Room for the size storage gave, and for the read that finds the end:
	// read at once, not through a series of growing copies.
	buf := bytes.NewBuffer(make([]byte, 0, max(info.Size, 0)+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(r, maxRecordSize)); err != nil {
		return nil, "", fmt.Errorf("read %s: %w", key, err)
	}
	raw := buf.Bytes()
	if sum != "" {
		if got := sha256.Sum256(raw); hex.EncodeToString(got[:]) != sum {
			return nil, "", fmt.Errorf("%s: checksum mismatch: %w", key, gazette.ErrCorrupt)
		}
	}
	return raw, info.ETag, nil
}

// manifest reads the manifest of a published issue; one read before comes
// from the object cache, as a copy the caller may change.
func (a *Archive) manifest(ctx context.Context, key gazette.IssueKey) (*Manifest, error) {
	m, err := a.sharedManifest(ctx, key)
	if err != nil {
		return nil, err
	}
	return m.clone(), nil
}

// sharedManifest is manifest without the copy, for a caller that only
// reads the manifest and hands none of it on: it may be the one the cache
// keeps.
func (a *Archive) sharedManifest(ctx context.Context, key gazette.IssueKey) (*Manifest, error) {
	mk := manifestKey(key)
	if v, ok := a.manifests.get(mk); ok {
		return v.(*Manifest), nil
	}
	raw, _, err := a.readRaw(ctx, mk, "")
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("decode %s: %v: %w", mk, err, gazette.ErrCorrupt)
	}
	if m.Issue.Key() != key {
		return nil, fmt.Errorf("manifest %s names issue %s: %w", mk, m.Issue.Key(), gazette.ErrCorrupt)
	}
	a.manifests.put(mk, &m, len(raw))
	return &m, nil
}

// clone is a copy of m that shares nothing a caller could change.
func (m *Manifest) clone() *Manifest {
	c := *m
	c.Issue.Contents = slices.Clone(m.Issue.Contents)
	c.Documents = slices.Clone(m.Documents)
	return &c
}

// Manifest returns the manifest of a published issue. Errors:
// gazette.ErrNotFound, gazette.ErrCorrupt.
func (a *Archive) Manifest(ctx context.Context, key gazette.IssueKey) (*Manifest, error) {
	m, err := a.manifest(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("archive: issue %s: %w", key, err)
	}
	return m, nil
}

// Issue returns a published issue with its table of contents. Errors:
// gazette.ErrNotFound, gazette.ErrCorrupt.
func (a *Archive) Issue(ctx context.Context, key gazette.IssueKey) (*gazette.Issue, error) {
	m, err := a.Manifest(ctx, key)
	if err != nil {
		return nil, err
	}
	return &m.Issue, nil
}

// issueKeys lists the keys of the published issues under prefix.
func (a *Archive) issueKeys(ctx context.Context, prefix string) ([]gazette.IssueKey, error) {
	keys, _, err := a.issueManifests(ctx, prefix)
	return keys, err
}

// issueManifests lists the keys of the published issues under prefix, in
// order, with when storage last wrote each manifest (its commit).
func (a *Archive) issueManifests(ctx context.Context, prefix string) ([]gazette.IssueKey, map[gazette.IssueKey]time.Time, error) {
	objs, err := a.blobs.List(ctx, prefix)
	if err != nil {
		return nil, nil, err
	}
	var keys []gazette.IssueKey
	written := make(map[gazette.IssueKey]time.Time, len(objs))
	for _, o := range objs {
		name, ok := strings.CutSuffix(path.Base(o.Key), ".json")
		if !ok {
			continue
		}
		k, err := gazette.ParseIssueKey(name)
		if err != nil || manifestKey(k) != o.Key {
			a.log.WarnContext(ctx, "stray object among manifests", "key", o.Key)
			continue
		}
		keys = append(keys, k)
		written[k] = o.Modified
	}
	slices.SortFunc(keys, func(x, y gazette.IssueKey) int {
		switch {
		case x.Less(y):
			return -1
		case y.Less(x):
			return 1
		}
		return 0
	})
	return keys, written, nil
}

// Years returns the years that have published issues, in ascending order.
func (a *Archive) Years(ctx context.Context) ([]int, error) {
	keys, err := a.issueKeys(ctx, "issues/")
	if err != nil {
		return nil, fmt.Errorf("archive: years: %w", err)
	}
	var years []int
	for _, k := range keys {
		if len(years) == 0 || years[len(years)-1] != k.Year {
			years = append(years, k.Year)
		}
	}
	return years, nil
}

// Issues returns the published issues of a year in order: regular issues by
// number, then supplements. An empty year is not an error.
func (a *Archive) Issues(ctx context.Context, year int) ([]gazette.Issue, error) {
	keys, err := a.issueKeys(ctx, "issues/"+strconv.Itoa(year)+"/")
	if err != nil {
		return nil, fmt.Errorf("archive: issues of %d: %w", year, err)
	}
	out := make([]gazette.Issue, 0, len(keys))
	for _, k := range keys {
		is, err := a.Issue(ctx, k)
		if err != nil {
			return nil, err
		}
		out = append(out, *is)
	}
	return out, nil
}

// Latest returns the most recently published issue. Errors:
// gazette.ErrNotFound when nothing is published.
func (a *Archive) Latest(ctx context.Context) (*gazette.Issue, error) {
	years, err := a.Years(ctx)
	if err != nil {
		return nil, err
	}
	if len(years) == 0 {
		return nil, fmt.Errorf("archive: latest issue: nothing published: %w", gazette.ErrNotFound)
	}
	issues, err := a.Issues(ctx, years[len(years)-1])
	if err != nil {
		return nil, err
	}
	latest := &issues[0]
	for i := range issues {
		if issues[i].Published.After(latest.Published) {
			latest = &issues[i]
		}
	}
	return latest, nil
}

// PDF opens the print PDF of a published issue as a seekable stream. The
// caller closes it. Errors: gazette.ErrNotFound.
func (a *Archive) PDF(ctx context.Context, key gazette.IssueKey) (io.ReadSeekCloser, gazette.ObjectInfo, error) {
	m, err := a.Manifest(ctx, key)
	if err != nil {
		return nil, gazette.ObjectInfo{}, fmt.Errorf("archive: pdf: %w", err)
	}
	r, info, err := a.blobs.Open(ctx, m.PDF.Key)
	if err != nil {
		return nil, gazette.ObjectInfo{}, fmt.Errorf("archive: pdf of %s: %w", key, err)
	}
	if info.Size != m.PDF.Size {
		r.Close()
		return nil, gazette.ObjectInfo{}, fmt.Errorf("archive: pdf of %s: %d bytes, manifest says %d: %w", key, info.Size, m.PDF.Size, gazette.ErrCorrupt)
	}
	return r, info, nil
}

// Ready reports whether storage answers.
func (a *Archive) Ready(ctx context.Context) error {
	if err := a.blobs.Ping(ctx); err != nil {
		return fmt.Errorf("archive: storage: %w", err)
	}
	return nil
}
