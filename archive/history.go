package archive

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

// A published document's manifest entry and record are never rewritten.
// What changes afterwards lives in one mutable object per document,
// history/<id>.json (a gazette.History), updated only by conditional
// writes: a new version's record is stored content-addressed first, then
// appended to the history, so a crash in between leaves an unreachable
// record and the history as it was. A document never changed has no
// history object; its history is derived from its manifest entry.

func historyKey(id string) string { return "history/" + id + ".json" }

// loaded is a document's record of one version with its history.
type loaded struct {
	doc      gazette.Document
	history  gazette.History
	etag     string // of the history object; "" when it does not exist yet
	manifest *Manifest
}

// docManifest returns the manifest of a published document's issue and
// the document's position in it.
func (a *Archive) docManifest(ctx context.Context, id string) (*Manifest, int, error) {
	m, seq, err := a.sharedDocManifest(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	return m.clone(), seq, nil
}

// sharedDocManifest is docManifest without the copy, for a caller that
// only reads the manifest and hands none of it on (sharedManifest).
func (a *Archive) sharedDocManifest(ctx context.Context, id string) (*Manifest, int, error) {
	key, seq, err := gazette.ParseDocumentID(id)
	if err != nil {
		return nil, 0, err
	}
	m, err := a.sharedManifest(ctx, key)
	if err != nil {
		return nil, 0, err
	}
	if seq > len(m.Documents) {
		return nil, 0, fmt.Errorf("issue %s has %d documents: %w", key, len(m.Documents), gazette.ErrNotFound)
	}
	return m, seq, nil
}

// load reads document seq of the issue m with its history, and the record
// of version v (0: the current one). The document's Validity is left as
// recorded in the record; callers overlay the status they need.
func (a *Archive) load(ctx context.Context, m *Manifest, seq, v int) (*loaded, error) {
	ref := m.Documents[seq-1]
	l := &loaded{manifest: m}
	etag, err := a.readJSONTagged(ctx, historyKey(ref.ID), &l.history)
	switch {
	case errors.Is(err, gazette.ErrNotFound):
		if err := a.readRecord(ctx, ref.ID, 1, ref.SHA256, &l.doc); err != nil {
			return nil, err
		}
		l.history = gazette.NewHistory(&l.doc, ref.SHA256, ref.Size, m.Issue.Published)
		if v > 1 {
			return nil, fmt.Errorf("document %s has 1 version, not %d: %w", ref.ID, v, gazette.ErrNotFound)
		}
		return l, nil
	case err != nil:
		return nil, err
	}
	l.etag = etag
	h := &l.history
	if err := h.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %v: %w", historyKey(ref.ID), err, gazette.ErrCorrupt)
	}
	if h.ID != ref.ID || h.Versions[0].SHA256 != ref.SHA256 {
		return nil, fmt.Errorf("%s does not belong to the document its issue's manifest names: %w", historyKey(ref.ID), gazette.ErrCorrupt)
	}
	if v == 0 {
		v = len(h.Versions)
	}
	if v > len(h.Versions) {
		return nil, fmt.Errorf("document %s has %d versions, not %d: %w", ref.ID, len(h.Versions), v, gazette.ErrNotFound)
	}
	if err := a.readRecord(ctx, ref.ID, v, h.Versions[v-1].SHA256, &l.doc); err != nil {
		return nil, err
	}
	return l, nil
}

// readRecord reads the record of version v of document id, verified by sum.
func (a *Archive) readRecord(ctx context.Context, id string, v int, sum string, d *gazette.Document) error {
	if err := a.readJSON(ctx, recordKey(sum), sum, d); err != nil {
		return err
	}
	if d.ID != id || d.Version != v {
		return fmt.Errorf("record %s names %s version %d, want %s version %d: %w", recordKey(sum), d.ID, d.Version, id, v, gazette.ErrCorrupt)
	}
	return nil
}

// fingerprint is what the index records for a document in the state h
// gives it today: the checksum of the current record, alone while the
// validity is as printed (so an issue never changed keeps the fingerprint
// its manifest gives), else combined with the recorded status.
func fingerprint(h *gazette.History, today gazette.Date) string {
	cur := h.Current().SHA256
	st := h.Recorded(today)
	if st == h.Printed {
		return cur
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\n%s\n%s\n%s", cur, st.State, st.Since, st.ChangedBy))
	return hex.EncodeToString(sum[:])
}

// searchDoc builds the index entry of document seq of m: its current
// version with its recorded validity. An expiry nobody recorded yet is left
// to ExpireDue, so that the entry always matches the fingerprint Reconcile
// computes from storage.
func (a *Archive) searchDoc(ctx context.Context, m *Manifest, seq int) (gazette.SearchDoc, error) {
	l, err := a.load(ctx, m, seq, 0)
	if err != nil {
		return gazette.SearchDoc{}, err
	}
	// A document is never indexed before its reverse links (links.go) and
	// its hints (citations.go) exist.
	if err := a.linkAll(ctx, &l.history); err != nil {
		return gazette.SearchDoc{}, err
	}
	if err := a.hintAll(ctx, l); err != nil {
		return gazette.SearchDoc{}, err
	}
	today := a.today()
	l.doc.Validity = l.history.Recorded(today)
	return gazette.SearchDoc{Document: l.doc, Fingerprint: fingerprint(&l.history, today)}, nil
}

// reindexOne brings the index entry of one document up to date after a
// change of its history.
func (a *Archive) reindexOne(ctx context.Context, m *Manifest, seq int) error {
	if a.index == nil {
		return nil
	}
	sd, err := a.searchDoc(ctx, m, seq)
	if err != nil {
		return err
	}
	if err := a.index.Put(ctx, []gazette.SearchDoc{sd}); err != nil {
		a.indexMisses.Add(1)
		return fmt.Errorf("stored, but the index is not yet up to date (the reconciler will catch up): %w", err)
	}
	return nil
}

// Document returns the current version of a published document: the
// latest correction's text (Version says which), with its validity today,
// an expiry date that has come included. Its History says what changed.
// Errors: gazette.ErrNotFound (not published, scheduled ones included),
// gazette.ErrInvalid (a malformed ID), gazette.ErrCorrupt.
func (a *Archive) Document(ctx context.Context, id string) (*gazette.Document, error) {
	d, _, err := a.DocumentWithHistory(ctx, id)
	return d, err
}

// DocumentWithHistory returns what Document does, with the document's
// history (for the notice of the latest correction and the links to
// earlier versions), read together. Errors are those of Document.
func (a *Archive) DocumentWithHistory(ctx context.Context, id string) (*gazette.Document, *gazette.History, error) {
	return a.documentVersion(ctx, id, 0)
}

// DocumentVersion returns version v (1 is the text as printed) of a
// published document, with the document's validity today. Errors:
// gazette.ErrNotFound (no such document or version), gazette.ErrInvalid
// (a malformed ID, v < 1), gazette.ErrCorrupt.
func (a *Archive) DocumentVersion(ctx context.Context, id string, v int) (*gazette.Document, error) {
	if v < 1 {
		return nil, fmt.Errorf("archive: document %s version %d: versions start at 1: %w", id, v, gazette.ErrInvalid)
	}
	d, _, err := a.documentVersion(ctx, id, v)
	return d, err
}

func (a *Archive) documentVersion(ctx context.Context, id string, v int) (*gazette.Document, *gazette.History, error) {
	m, seq, err := a.docManifest(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("archive: document %s: %w", id, err)
	}
	l, err := a.load(ctx, m, seq, v)
	if err != nil {
		return nil, nil, fmt.Errorf("archive: document %s: %w", id, err)
	}
	l.doc.Validity = l.history.StatusOn(a.today())
	return &l.doc, &l.history, nil
}

// DocumentPage reads what a document's page shows, in one pass: version v
// of document id (0: the current one; len(History.Versions) is its
// number), with its validity today, the document's history and its issue.
// The manifest and the history are read once, however much of them the
// page needs. Errors are those of DocumentVersion.
func (a *Archive) DocumentPage(ctx context.Context, id string, v int) (*gazette.Document, *gazette.History, *gazette.Issue, error) {
	if v < 0 {
		return nil, nil, nil, fmt.Errorf("archive: document %s version %d: %w", id, v, gazette.ErrInvalid)
	}
	m, seq, err := a.sharedDocManifest(ctx, id)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("archive: document %s: %w", id, err)
	}
	l, err := a.load(ctx, m, seq, v)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("archive: document %s: %w", id, err)
	}
	l.doc.Validity = l.history.StatusOn(a.today())
	is := m.Issue // the caller's own: the manifest may be the cache's
	is.Contents = slices.Clone(is.Contents)
	return &l.doc, &l.history, &is, nil
}

// History returns the versions and validity changes of a published
// document; one never changed has just the version as printed. Errors
// are those of Document.
func (a *Archive) History(ctx context.Context, id string) (gazette.History, error) {
	_, h, err := a.DocumentWithHistory(ctx, id)
	if err != nil {
		return gazette.History{}, err
	}
	return *h, nil
}

// putHistory writes h over the version etag names, or creates it when etag
// is empty. Errors: gazette.ErrConflict when someone else wrote first.
func (a *Archive) putHistory(ctx context.Context, h *gazette.History, etag string) error {
	raw, err := encode(h)
	if err != nil {
		return err
	}
	opts := gazette.PutOptions{IfMatch: etag, ContentType: "application/json"}
	if etag == "" {
		opts.IfAbsent = true
	}
	_, err = a.blobs.Put(ctx, historyKey(h.ID), bytes.NewReader(raw), int64(len(raw)), opts)
	if errors.Is(err, gazette.ErrExist) || (etag != "" && errors.Is(err, gazette.ErrNotFound)) {
		return fmt.Errorf("%s changed meanwhile: %w", historyKey(h.ID), gazette.ErrConflict)
	}
	return err
}

// update appends to the history of a published document with change,
// which edits l (the document and history as read) and may fail; the
// append is a conditional write, retried from a fresh read when another
// writer got in first, so concurrent changes all land. It returns the
// current document afterwards.
func (a *Archive) update(ctx context.Context, id string, change func(l *loaded) error) (*gazette.Document, error) {
	m, seq, err := a.docManifest(ctx, id)
	if err != nil {
		return nil, err
	}
	var d gazette.Document
	var written *gazette.History
	var refused error // by change or validation: final, whatever it wraps
	err = gazette.RetryOnConflict(ctx, func() error {
		l, err := a.load(ctx, m, seq, 0)
		if err != nil {
			return err
		}
		if refused = change(l); refused != nil {
			return nil
		}
		if refused = l.history.Validate(); refused != nil {
			return nil
		}
		if err := a.putHistory(ctx, &l.history, l.etag); err != nil {
			return err
		}
		d = l.doc
		d.Validity = l.history.StatusOn(a.today())
		written = &l.history
		return nil
	})
	if err = cmp.Or(err, refused); err != nil {
		return nil, err
	}
	if err := a.logHistory(ctx, written); err != nil {
		return &d, fmt.Errorf("stored, but not yet in the transparency log (ReconcileLog completes it): %w", err)
	}
	if err := a.reindexOne(ctx, m, seq); err != nil {
		return &d, err
	}
	return &d, nil
}

// Correct publishes a correction (勘误) of a published document: doc is
// the corrected text, and doc.Version must be the version it was edited
// from, the current one (else gazette.ErrConflict: someone corrected it
// meanwhile; reload). It is stored as version doc.Version+1, with c, and
// becomes what Document returns and search finds; the issue's manifest and
// every earlier version stay as they were. The validity is not part of a
// correction (see SetValidity): doc.Validity is ignored.
//
// It returns the new current document. An index failure is returned with
// the stored document. Errors: gazette.ErrInvalid (naming the fields),
// gazette.ErrNotFound, gazette.ErrConflict, storage errors. Safe for
// concurrent use, also across replicas.
func (a *Archive) Correct(ctx context.Context, id string, doc gazette.Document, c gazette.Correction) (*gazette.Document, error) {
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("archive: correct %s: %w", id, err)
	}
	d, err := a.update(ctx, id, func(l *loaded) error {
		h := &l.history
		if doc.Version != len(h.Versions) {
			return fmt.Errorf("edited from version %d, but version %d is current: %w", doc.Version, len(h.Versions), gazette.ErrConflict)
		}
		next := doc
		next.Version = len(h.Versions) + 1
		next.Validity = h.Printed
		if err := checkCorrected(&next, id, l.manifest); err != nil {
			return err
		}
		rec, err := encode(&next)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(rec)
		ref := ObjectRef{ID: id, Key: recordKey(hex.EncodeToString(sum[:])), SHA256: hex.EncodeToString(sum[:]), Size: int64(len(rec))}
		if err := a.putContent(ctx, ref, bytes.NewReader(rec), "application/json"); err != nil {
			return err
		}
		cc := c
		h.Versions = append(h.Versions, gazette.Version{Number: next.Version, SHA256: ref.SHA256, Size: ref.Size, Correction: &cc, At: a.now()})
		h.Expires = next.Expires
		l.doc = next
		return nil
	})
	if err != nil {
		return d, fmt.Errorf("archive: correct %s: %w", id, err)
	}
	a.log.InfoContext(ctx, "document corrected", "document", id, "version", d.Version, "by", c.By)
	return d, nil
}

// checkCorrected validates a corrected document against its issue.
func checkCorrected(d *gazette.Document, id string, m *Manifest) error {
	var problems gazette.ValidationError
	if d.ID != id {
		problems = append(problems, gazette.FieldError{Field: "id", Problem: fmt.Sprintf("%q, but the document corrected is %s", d.ID, id)})
	}
	if err := d.Validate(); err != nil {
		var ve gazette.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		problems = append(problems, ve...)
	}
	if n := m.Issue.PDF.Pages; d.Pages.Last > n {
		problems = append(problems, gazette.FieldError{Field: "pages", Problem: fmt.Sprintf("last page %d beyond the issue PDF's %d pages", d.Pages.Last, n)})
	}
	if len(problems) > 0 {
		return problems
	}
	return nil
}

// SetValidity records a change of a published document's validity
// (amended, repealed, expired...), appended to its history; Document and
// search filters use it from ch.Since on. ch.ChangedBy must name another
// published document, which then lists this one (Affected). A zero ch.At
// is set to now.
//
// It returns the document with its status today. An index failure is
// returned with the document. Errors: gazette.ErrInvalid (naming the
// fields), gazette.ErrNotFound, storage errors. Concurrent changes all
// land (the append is a conditional write, retried). Safe for concurrent
// use, also across replicas.
func (a *Archive) SetValidity(ctx context.Context, id string, ch gazette.ValidityChange) (*gazette.Document, error) {
	if ch.At.IsZero() {
		ch.At = a.now()
	}
	if err := a.checkChange(ctx, id, &ch); err != nil {
		return nil, fmt.Errorf("archive: set validity of %s: %w", id, err)
	}
	// The reverse link first: the cause lists this document as soon as
	// the history says so (a link the history never confirms is ignored).
	if ch.ChangedBy != "" {
		if err := a.link(ctx, ch.ChangedBy, id); err != nil {
			return nil, fmt.Errorf("archive: set validity of %s: %w", id, err)
		}
	}
	d, err := a.update(ctx, id, func(l *loaded) error {
		l.history.Validity = append(l.history.Validity, ch)
		return nil
	})
	if err != nil {
		return d, fmt.Errorf("archive: set validity of %s: %w", id, err)
	}
	a.log.InfoContext(ctx, "validity changed", "document", id, "state", string(ch.State), "since", ch.Since.String(), "changed_by", ch.ChangedBy, "by", ch.By)
	return d, nil
}

// checkChange validates ch, including that the document it links is
// published.
func (a *Archive) checkChange(ctx context.Context, id string, ch *gazette.ValidityChange) error {
	if err := ch.Validate(); err != nil {
		return err
	}
	if ch.ChangedBy == "" {
		return nil
	}
	if ch.ChangedBy == id {
		return gazette.ValidationError{{Field: "changed_by", Problem: "a document cannot change itself", Zh: "不能以本文件自己作为引起变更的文件"}}
	}
	if _, _, err := a.docManifest(ctx, ch.ChangedBy); errors.Is(err, gazette.ErrNotFound) {
		return gazette.ValidationError{{Field: "changed_by", Problem: fmt.Sprintf("%s is not a published document", ch.ChangedBy), Zh: "没有编号为 " + ch.ChangedBy + " 的已发布文件"}}
	} else if err != nil {
		return err
	}
	return nil
}

// ExpireDue records, for every published document whose expiry date
// (有效期至) is on or before today and that is not yet expired or repealed,
// that it expired on that date (By gazette.SystemActor), and updates the
// index, so search filters agree with what Document already shows. It
// returns the IDs it expired. Run it daily (and at start-up): it reads
// every document's record, and is idempotent and safe to run on several
// replicas at once. Errors of single documents are joined and returned
// with the IDs that were done.
func (a *Archive) ExpireDue(ctx context.Context, today gazette.Date) ([]string, error) {
	keys, err := a.issueKeys(ctx, "issues/")
	if err != nil {
		return nil, fmt.Errorf("archive: expire: %w", err)
	}
	var done []string
	var errs []error
	for _, k := range keys {
		m, err := a.manifest(ctx, k)
		if err != nil {
			errs = append(errs, fmt.Errorf("archive: expire: %w", err))
			continue
		}
		for seq := range len(m.Documents) {
			id := m.Documents[seq].ID
			expired, err := a.expire(ctx, m, seq+1, today)
			if err != nil {
				errs = append(errs, fmt.Errorf("archive: expire %s: %w", id, err))
			}
			if expired {
				done = append(done, id)
			}
		}
		if err := ctx.Err(); err != nil {
			return done, fmt.Errorf("archive: expire: %w", err)
		}
	}
	return done, errors.Join(errs...)
}

// expire records the expiry of one document if it is due and unrecorded,
// and reports whether this call recorded it.
func (a *Archive) expire(ctx context.Context, m *Manifest, seq int, today gazette.Date) (bool, error) {
	id := m.Documents[seq-1].ID
	recorded, since := false, ""
	var written *gazette.History
	err := gazette.RetryOnConflict(ctx, func() error {
		l, err := a.load(ctx, m, seq, 0)
		if err != nil {
			return err
		}
		h := &l.history
		st := h.Recorded(today)
		if gazette.ExpireOn(st, h.Expires, today) == st {
			recorded = false // not due, or someone recorded it meanwhile
			return nil
		}
		h.Validity = append(h.Validity, gazette.ValidityChange{
			State: gazette.Expired, Since: h.Expires, By: gazette.SystemActor, At: a.now(),
			Note: "有效期至" + h.Expires.String(),
		})
		recorded, since, written = true, h.Expires.String(), h
		return a.putHistory(ctx, h, l.etag)
	})
	if err != nil || !recorded {
		return false, err
	}
	a.log.InfoContext(ctx, "document expired", "document", id, "since", since)
	if err := a.logHistory(ctx, written); err != nil {
		return true, fmt.Errorf("expired, but not yet in the transparency log (ReconcileLog completes it): %w", err)
	}
	return true, a.reindexOne(ctx, m, seq)
}

// Histories returns the history of every published document that was ever
// corrected or changed, most recently changed first (by the time of its
// latest version or validity change): what feeds of corrections and
// validity changes announce. Errors: gazette.ErrCorrupt, storage errors.
func (a *Archive) Histories(ctx context.Context) ([]gazette.History, error) {
	objs, err := a.blobs.List(ctx, "history/")
	if err != nil {
		return nil, fmt.Errorf("archive: histories: %w", err)
	}
	out := make([]gazette.History, 0, len(objs))
	for _, o := range objs {
		var h gazette.History
		if _, err := a.readJSONTagged(ctx, o.Key, &h); err != nil {
			return nil, fmt.Errorf("archive: histories: %w", err)
		}
		if err := h.Validate(); err != nil || historyKey(h.ID) != o.Key {
			return nil, fmt.Errorf("archive: histories: %s is not the history of a document: %w", o.Key, gazette.ErrCorrupt)
		}
		out = append(out, h)
	}
	slices.SortStableFunc(out, func(x, y gazette.History) int { return lastChange(y).Compare(lastChange(x)) })
	return out, nil
}

// lastChange is when h last changed.
func lastChange(h gazette.History) time.Time {
	t := h.Current().At
	for _, ch := range h.Validity {
		if ch.At.After(t) {
			t = ch.At
		}
	}
	return t
}
