package archive

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

// Ledger is an append-only public log of everything the archive publishes
// (package transparency implements it over Blobs). The archive appends one
// entry per event, in the same step that makes the event visible:
//
//   - an issue: the entry, naming the manifest's SHA-256, is appended
//     before the manifest is committed; the manifest is first stored
//     content-addressed (manifests/<sha256>.json, unreachable by readers),
//     so that if the process dies between the two, ReconcileLog commits it
//     from the entry. An issue is therefore never visible without its
//     entry, and the entry never names a manifest that cannot be committed.
//   - a correction, a validity change, an expiry: the history object is
//     the only place the change is decided (a conditional write that may
//     lose to another writer), so the entry is appended right after that
//     write succeeds; if the process dies in between, ReconcileLog appends
//     it from the history.
//   - a withdrawal of a scheduled issue: appended before the schedule is
//     removed.
//
// Entries are deterministic functions of what storage holds, and Append is
// idempotent by content, so every completion path appends each entry
// exactly once.
type Ledger interface {
	// Append adds entry to the log unless the same bytes are already
	// logged, and returns its index once it is covered by a signed
	// checkpoint. Errors: gazette.ErrInvalid (an entry the log cannot
	// hold), gazette.ErrCorrupt (the log's storage is damaged), storage
	// errors. Safe for concurrent use, also across replicas.
	Append(ctx context.Context, entry []byte) (int64, error)
	// Lookup returns the index of entry if it is logged. Errors:
	// gazette.ErrNotFound, gazette.ErrCorrupt, storage errors. Safe for
	// concurrent use.
	Lookup(ctx context.Context, entry []byte) (int64, error)
	// Entries calls fn with every logged entry in order, stopping at the
	// first error fn returns. Safe for concurrent use.
	Entries(ctx context.Context, fn func(index int64, entry []byte) error) error
}

// WithLedger makes the Archive append every publication, correction,
// validity change and withdrawal to l (see Ledger).
func WithLedger(l Ledger) Option { return func(a *Archive) { a.ledger = l } }

// Log entry kinds (the first word of an entry's second line).
const (
	EventPublished = "published" // an issue became public
	EventCorrected = "corrected" // a document got a new version (勘误)
	EventValidity  = "validity"  // a document's validity changed
	EventWithdrawn = "withdrawn" // a scheduled issue was cancelled before its moment
	// EventDump: a bulk dump of all current documents was made (package
	// preserve); its subject is the day, its one object ("file") the dump.
	EventDump = "dump"
)

// entryHeader is the first line of every log entry.
const entryHeader = "gazette-log/v1"

// LogEntry is one entry of the public log, in a form that encodes to the
// canonical text the log holds (MarshalText) and back (ParseLogEntry):
//
//	gazette-log/v1
//	published 2019-12
//	time 2019-06-15T00:00:00Z
//	manifest <sha256> <size>
//	pdf <sha256> <size>
//	record 2019-12-01 <sha256> <size>
//
// Lines are "name value..." in a fixed order; IDs and hashes only, no
// free text, so an entry stays short and never carries personal data.
type LogEntry struct {
	Event   string // EventPublished, ...
	Subject string // the issue key, or the document ID
	// Number is the version (corrected) or the position of the change in
	// the document's validity history, from 1 (validity).
	Number int
	Time   time.Time
	// State, Since and ChangedBy describe a validity change.
	State     gazette.Validity
	Since     gazette.Date
	ChangedBy string
	Objects   []LoggedObject
}

// LoggedObject is an object a log entry names by its SHA-256.
type LoggedObject struct {
	Role   string // "manifest", "pdf", "record", or "file" (a dump)
	ID     string // the document ID, for a record
	SHA256 string
	Size   int64
}

// MarshalText encodes e canonically.
func (e LogEntry) MarshalText() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(entryHeader + "\n")
	fmt.Fprintf(&b, "%s %s\n", e.Event, e.Subject)
	switch e.Event {
	case EventCorrected:
		fmt.Fprintf(&b, "version %d\n", e.Number)
	case EventValidity:
		fmt.Fprintf(&b, "change %d\nstate %s\nsince %s\n", e.Number, e.State, e.Since)
		if e.ChangedBy != "" {
			fmt.Fprintf(&b, "changed-by %s\n", e.ChangedBy)
		}
	}
	fmt.Fprintf(&b, "time %s\n", e.Time.UTC().Format(time.RFC3339Nano))
	for _, o := range e.Objects {
		if o.ID != "" {
			fmt.Fprintf(&b, "%s %s %s %d\n", o.Role, o.ID, o.SHA256, o.Size)
		} else {
			fmt.Fprintf(&b, "%s %s %d\n", o.Role, o.SHA256, o.Size)
		}
	}
	for _, f := range strings.Fields(e.Subject + " " + e.ChangedBy + " " + string(e.State)) {
		if !printableWord(f) {
			return nil, fmt.Errorf("log entry: %q: %w", f, gazette.ErrInvalid)
		}
	}
	return b.Bytes(), nil
}

func printableWord(s string) bool {
	for _, r := range s {
		if r <= ' ' || r > '~' {
			return false
		}
	}
	return s != ""
}

// ParseLogEntry decodes a log entry and checks that it is canonical (that
// MarshalText gives back the same bytes). Errors: gazette.ErrInvalid.
func ParseLogEntry(text []byte) (LogEntry, error) {
	bad := func(why string) (LogEntry, error) {
		return LogEntry{}, fmt.Errorf("log entry: %s: %w", why, gazette.ErrInvalid)
	}
	var e LogEntry
	sc := bufio.NewScanner(bytes.NewReader(text))
	line := 0
	for sc.Scan() {
		line++
		f := strings.Fields(sc.Text())
		if line == 1 {
			if sc.Text() != entryHeader {
				return bad("not a gazette log entry (first line " + strconv.Quote(sc.Text()) + ")")
			}
			continue
		}
		if len(f) < 2 {
			return bad(fmt.Sprintf("line %d is malformed", line))
		}
		var err error
		switch f[0] {
		case EventPublished, EventCorrected, EventValidity, EventWithdrawn, EventDump:
			if line != 2 {
				return bad(fmt.Sprintf("line %d: event not on line 2", line))
			}
			e.Event, e.Subject = f[0], f[1]
		case "version", "change":
			e.Number, err = strconv.Atoi(f[1])
		case "state":
			e.State = gazette.Validity(f[1])
		case "since":
			e.Since, err = gazette.ParseDate(f[1])
		case "changed-by":
			e.ChangedBy = f[1]
		case "time":
			e.Time, err = time.Parse(time.RFC3339Nano, f[1])
		case "manifest", "pdf", "record", "file":
			o := LoggedObject{Role: f[0]}
			rest := f[1:]
			if f[0] == "record" && len(rest) == 3 {
				o.ID, rest = rest[0], rest[1:]
			}
			if len(rest) != 2 {
				return bad(fmt.Sprintf("line %d: want %s [id] sha256 size", line, f[0]))
			}
			o.SHA256 = rest[0]
			o.Size, err = strconv.ParseInt(rest[1], 10, 64)
			e.Objects = append(e.Objects, o)
		default:
			return bad(fmt.Sprintf("line %d: unknown field %q", line, f[0]))
		}
		if err != nil {
			return bad(fmt.Sprintf("line %d: %v", line, err))
		}
	}
	if e.Event == "" {
		return bad("no event")
	}
	again, err := e.MarshalText()
	if err != nil || !bytes.Equal(again, text) {
		return bad("not in canonical form")
	}
	return e, nil
}

// Names returns the objects of e whose SHA-256 is sum.
func (e LogEntry) Names(sum string) []LoggedObject {
	var out []LoggedObject
	for _, o := range e.Objects {
		if o.SHA256 == sum {
			out = append(out, o)
		}
	}
	return out
}

// publishedEntry is the log entry of an issue committed with the manifest
// whose encoding is raw.
func publishedEntry(m *Manifest, raw []byte) LogEntry {
	sum := sha256.Sum256(raw)
	e := LogEntry{
		Event: EventPublished, Subject: m.Issue.Key().String(), Time: m.Issue.Published,
		Objects: []LoggedObject{
			{Role: "manifest", SHA256: hex.EncodeToString(sum[:]), Size: int64(len(raw))},
			{Role: "pdf", SHA256: m.PDF.SHA256, Size: m.PDF.Size},
		},
	}
	for _, d := range m.Documents {
		e.Objects = append(e.Objects, LoggedObject{Role: "record", ID: d.ID, SHA256: d.SHA256, Size: d.Size})
	}
	return e
}

// historyEntries are the log entries of the changes h records after
// publication: versions 2.. and validity changes.
func historyEntries(h *gazette.History) []LogEntry {
	var out []LogEntry
	for _, v := range h.Versions[1:] {
		out = append(out, LogEntry{Event: EventCorrected, Subject: h.ID, Number: v.Number, Time: v.At,
			Objects: []LoggedObject{{Role: "record", ID: h.ID, SHA256: v.SHA256, Size: v.Size}}})
	}
	for i, ch := range h.Validity {
		out = append(out, LogEntry{Event: EventValidity, Subject: h.ID, Number: i + 1, Time: ch.At,
			State: ch.State, Since: ch.Since, ChangedBy: ch.ChangedBy})
	}
	return out
}

// stagedManifestKey is where a manifest waits, content-addressed, between
// its log entry and its commit.
func stagedManifestKey(sum string) string { return "manifests/" + sum + ".json" }

// logEntry appends e to the ledger, if there is one.
func (a *Archive) logEntry(ctx context.Context, e LogEntry) error {
	if a.ledger == nil {
		return nil
	}
	text, err := e.MarshalText()
	if err != nil {
		return err
	}
	idx, err := a.ledger.Append(ctx, text)
	if err != nil {
		return fmt.Errorf("append to the transparency log: %w", err)
	}
	a.log.InfoContext(ctx, "logged", "event", e.Event, "subject", e.Subject, "index", idx)
	return nil
}

// stageAndLog stores the manifest raw content-addressed and appends the
// entry of its publication: the step before the commit.
func (a *Archive) stageAndLog(ctx context.Context, m *Manifest, raw []byte) error {
	if a.ledger == nil {
		return nil
	}
	sum := sha256.Sum256(raw)
	ref := ObjectRef{Key: stagedManifestKey(hex.EncodeToString(sum[:])), SHA256: hex.EncodeToString(sum[:]), Size: int64(len(raw))}
	if err := a.putContent(ctx, ref, bytes.NewReader(raw), "application/json"); err != nil {
		return fmt.Errorf("stage manifest: %w", err)
	}
	return a.logEntry(ctx, publishedEntry(m, raw))
}

// logHistory appends the entries of h that the log lacks, in order.
func (a *Archive) logHistory(ctx context.Context, h *gazette.History) error {
	if a.ledger == nil {
		return nil
	}
	for _, e := range historyEntries(h) {
		if err := a.logEntry(ctx, e); err != nil {
			return err
		}
	}
	return nil
}

// logWithdrawal appends the withdrawal of the scheduled issue m. Its time
// is the release moment it was withdrawn from, so that a retry after a
// crash appends nothing new.
func (a *Archive) logWithdrawal(ctx context.Context, m *Manifest) error {
	if a.ledger == nil {
		return nil
	}
	raw, err := encode(m)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(raw)
	return a.logEntry(ctx, LogEntry{Event: EventWithdrawn, Subject: m.Issue.Key().String(), Time: m.Issue.Published,
		Objects: []LoggedObject{{Role: "manifest", SHA256: hex.EncodeToString(sum[:]), Size: int64(len(raw))}}})
}

// LogDrift is what ReconcileLog found between storage and the log.
type LogDrift struct {
	Entries int // entries in the log
	// Committed are issues whose entry was logged but whose manifest was
	// not yet committed (a publisher died in between); ReconcileLog
	// commits them from their staged manifest.
	Committed []gazette.IssueKey
	// Unlogged are published events storage holds without an entry: issues
	// published before the log was enabled, history changes whose writer
	// died before appending, as "event subject". ReconcileLog appends them.
	Unlogged []string
	// Dangling are entries naming a manifest that can no longer become its
	// issue (another one holds the number, or its staged copy is gone):
	// reported, never hidden, never "fixed".
	Dangling []string
}

// Clean reports whether storage and the log agree.
func (d LogDrift) Clean() bool { return len(d.Committed)+len(d.Unlogged)+len(d.Dangling) == 0 }

// ReconcileLog compares storage with the transparency log and, when repair
// is set, completes what a crash interrupted: an issue whose entry is
// logged is committed from its staged manifest (create-only, so exactly
// once), and every published event without an entry is appended (Append
// is idempotent, so exactly once). Run it at start-up. Safe to run at any
// time, from several replicas. Errors: gazette.ErrInvalid (no ledger
// configured), gazette.ErrCorrupt, storage errors.
func (a *Archive) ReconcileLog(ctx context.Context, repair bool) (LogDrift, error) {
	var d LogDrift
	if a.ledger == nil {
		return d, fmt.Errorf("archive: reconcile log: no transparency log configured: %w", gazette.ErrInvalid)
	}
	logged := map[[32]byte]bool{}
	type pub struct {
		key gazette.IssueKey
		sum string
		e   LogEntry
	}
	var pubs []pub
	err := a.ledger.Entries(ctx, func(_ int64, text []byte) error {
		d.Entries++
		logged[sha256.Sum256(text)] = true
		e, err := ParseLogEntry(text)
		if err != nil {
			return fmt.Errorf("entry %d: %w", d.Entries-1, err)
		}
		if e.Event == EventPublished && len(e.Objects) > 0 && e.Objects[0].Role == "manifest" {
			k, err := gazette.ParseIssueKey(e.Subject)
			if err != nil {
				return fmt.Errorf("entry %d: %v: %w", d.Entries-1, err, gazette.ErrCorrupt)
			}
			pubs = append(pubs, pub{k, e.Objects[0].SHA256, e})
		}
		return nil
	})
	if err != nil {
		return d, fmt.Errorf("archive: reconcile log: %w", err)
	}
	// Entries whose manifest is not committed.
	for _, p := range pubs {
		existing, err := a.manifest(ctx, p.key)
		if err == nil {
			raw, err := encode(existing)
			if err != nil {
				return d, err
			}
			if sum := sha256.Sum256(raw); hex.EncodeToString(sum[:]) != p.sum {
				d.Dangling = append(d.Dangling, fmt.Sprintf("%s %s: manifest %s lost to another issue under the same number", p.e.Event, p.e.Subject, p.sum))
			}
			continue
		}
		if !errors.Is(err, gazette.ErrNotFound) {
			return d, fmt.Errorf("archive: reconcile log: %w", err)
		}
		var m Manifest
		if err := a.readJSON(ctx, stagedManifestKey(p.sum), p.sum, &m); errors.Is(err, gazette.ErrNotFound) {
			d.Dangling = append(d.Dangling, fmt.Sprintf("%s %s: staged manifest %s is missing", p.e.Event, p.e.Subject, p.sum))
			continue
		} else if err != nil {
			return d, fmt.Errorf("archive: reconcile log: %w", err)
		}
		d.Committed = append(d.Committed, p.key)
		if !repair {
			continue
		}
		raw, err := encode(&m)
		if err != nil {
			return d, err
		}
		if sum := sha256.Sum256(raw); hex.EncodeToString(sum[:]) != p.sum || m.Issue.Key() != p.key {
			return d, fmt.Errorf("archive: reconcile log: %s does not encode back to itself or names another issue: %w", stagedManifestKey(p.sum), gazette.ErrCorrupt)
		}
		_, err = a.blobs.Put(ctx, manifestKey(p.key), bytes.NewReader(raw), int64(len(raw)),
			gazette.PutOptions{IfAbsent: true, Immutable: true, ContentType: "application/json"})
		if err != nil && !errors.Is(err, gazette.ErrExist) {
			return d, fmt.Errorf("archive: reconcile log: commit %s: %w", p.key, err)
		}
		if err == nil {
			a.log.InfoContext(ctx, "interrupted publication completed from the log", "issue", p.key.String())
		}
	}
	// Published events without an entry.
	var missing []LogEntry
	keys, err := a.issueKeys(ctx, "issues/")
	if err != nil {
		return d, fmt.Errorf("archive: reconcile log: %w", err)
	}
	for _, k := range keys {
		m, err := a.manifest(ctx, k)
		if err != nil {
			return d, fmt.Errorf("archive: reconcile log: %w", err)
		}
		raw, err := encode(m)
		if err != nil {
			return d, err
		}
		missing = append(missing, publishedEntry(m, raw))
	}
	histories, err := a.Histories(ctx)
	if err != nil {
		return d, fmt.Errorf("archive: reconcile log: %w", err)
	}
	for i := len(histories) - 1; i >= 0; i-- { // oldest change first
		missing = append(missing, historyEntries(&histories[i])...)
	}
	for _, e := range missing {
		text, err := e.MarshalText()
		if err != nil {
			return d, err
		}
		if logged[sha256.Sum256(text)] {
			continue
		}
		d.Unlogged = append(d.Unlogged, e.Event+" "+e.Subject)
		if repair {
			if err := a.logEntry(ctx, e); err != nil {
				return d, fmt.Errorf("archive: reconcile log: %w", err)
			}
		}
	}
	if !d.Clean() {
		a.log.InfoContext(ctx, "transparency log reconciled", "committed", len(d.Committed), "unlogged", len(d.Unlogged), "dangling", len(d.Dangling), "repair", repair)
	}
	return d, nil
}

// DocumentLogEntry returns the log entry that made version v (0: the
// current one) of a published document public: its issue's publication
// for version 1, its correction otherwise. Errors: those of
// DocumentVersion.
func (a *Archive) DocumentLogEntry(ctx context.Context, id string, v int) (LogEntry, error) {
	m, seq, err := a.docManifest(ctx, id)
	if err != nil {
		return LogEntry{}, fmt.Errorf("archive: document %s: %w", id, err)
	}
	l, err := a.load(ctx, m, seq, v)
	if err != nil {
		return LogEntry{}, fmt.Errorf("archive: document %s: %w", id, err)
	}
	if v == 0 {
		v = len(l.history.Versions)
	}
	if v == 1 {
		return a.IssueLogEntry(ctx, m.Issue.Key())
	}
	for _, e := range historyEntries(&l.history) {
		if e.Event == EventCorrected && e.Number == v {
			return e, nil
		}
	}
	return LogEntry{}, fmt.Errorf("archive: document %s version %d: %w", id, v, gazette.ErrNotFound)
}

// IssueLogEntry returns the log entry of an issue's publication. Errors:
// those of Manifest.
//
// It reads the manifest from storage, never from the object cache: a proof
// speaks of the bytes storage holds now, so a manifest changed there after
// it was logged has no entry.
func (a *Archive) IssueLogEntry(ctx context.Context, key gazette.IssueKey) (LogEntry, error) {
	raw, _, err := a.readRaw(ctx, manifestKey(key), "")
	if err != nil {
		return LogEntry{}, fmt.Errorf("archive: issue %s: %w", key, err)
	}
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return LogEntry{}, fmt.Errorf("archive: issue %s: decode %s: %v: %w", key, manifestKey(key), err, gazette.ErrCorrupt)
	}
	if m.Issue.Key() != key {
		return LogEntry{}, fmt.Errorf("archive: manifest %s names issue %s: %w", manifestKey(key), m.Issue.Key(), gazette.ErrCorrupt)
	}
	return publishedEntry(&m, raw), nil
}

// StoredManifest opens the committed manifest of an issue, the bytes its
// log entry names. The caller closes it. Errors: gazette.ErrNotFound,
// storage errors.
func (a *Archive) StoredManifest(ctx context.Context, key gazette.IssueKey) (io.ReadSeekCloser, gazette.ObjectInfo, error) {
	r, info, err := a.blobs.Open(ctx, manifestKey(key))
	if err != nil {
		return nil, info, fmt.Errorf("archive: manifest of %s: %w", key, err)
	}
	return r, info, nil
}

// StoredRecord opens the stored record of version v (0: the current one)
// of a published document, the bytes its log entry names. The caller
// closes it. Errors: those of DocumentVersion.
func (a *Archive) StoredRecord(ctx context.Context, id string, v int) (io.ReadSeekCloser, gazette.ObjectInfo, error) {
	e, err := a.DocumentLogEntry(ctx, id, v)
	if err != nil {
		return nil, gazette.ObjectInfo{}, err
	}
	for _, o := range e.Objects {
		if o.Role == "record" && o.ID == id {
			r, info, err := a.blobs.Open(ctx, recordKey(o.SHA256))
			if err != nil {
				return nil, info, fmt.Errorf("archive: record of %s: %w", id, err)
			}
			return r, info, nil
		}
	}
	return nil, gazette.ObjectInfo{}, fmt.Errorf("archive: record of %s: %w", id, gazette.ErrNotFound)
}
