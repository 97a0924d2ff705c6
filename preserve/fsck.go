package preserve

import (
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
	"strings"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/transparency"
)

// Auditor runs fixity audits of one archive. Its fields are set once;
// Audit is safe to run from several processes at once (each run is
// recorded apart).
type Auditor struct {
	Blobs   archive.Blobs
	Archive *archive.Archive // over Blobs; with an index for the drift check
	// Log is the transparency log kept in Blobs; nil when none is
	// configured (the log is then not checked, nor objects against it).
	Log *transparency.Log
	// Agent names who runs the audit, for the events (e.g. "gazette fsck 1.4").
	Agent  string
	Now    func() time.Time // nil: time.Now
	Logger *slog.Logger     // nil: discard
}

// AuditOptions say what an audit does beside checking.
type AuditOptions struct {
	// RepairIndex reindexes documents missing from or stale in the index
	// and removes those storage does not hold. Published objects are never
	// changed.
	RepairIndex bool
	// Record stores the run and its events under fixity/.
	Record bool
	// Since is a checkpoint saved earlier (signed note) the log must
	// extend; without it, the one the last recorded run saw.
	Since []byte
}

// The outcomes of an event.
const (
	OutcomePass     = "pass"
	OutcomeFail     = "fail"
	OutcomeRepaired = "repaired"
	// OutcomePending is a check that cannot pass yet and need not fail:
	// a dump stored less than DumpLogGrace ago, not yet in the log.
	OutcomePending = "pending"
)

// DumpLogGrace is how long a dump may be stored without its log entry
// before the audit fails it. Make stores a dump, then appends its entry,
// which returns once a checkpoint covers it: seconds, unless the log is
// busy. An audit run meanwhile (gazette fsck while serve makes the day's
// dump) finds the dump pending; one stored longer ago was left by a
// process that stopped between the two, and the next Make of its day
// completes it.
const DumpLogGrace = 15 * time.Minute

// Event is one PREMIS-style event of an audit (PREMIS 3 semantic units of
// the same names).
type Event struct {
	Identifier string    `json:"eventIdentifier"`
	Type       string    `json:"eventType"` // "fixity check", "digital signature validation", "validation", "metadata modification"
	DateTime   time.Time `json:"eventDateTime"`
	Outcome    string    `json:"eventOutcome"` // OutcomePass, OutcomeFail or OutcomeRepaired
	Detail     string    `json:"eventOutcomeDetail,omitempty"`
	// Object is the storage key (or, for the index, the document ID) the
	// event is about.
	Object string `json:"linkingObjectIdentifier"`
	Agent  string `json:"linkingAgentIdentifier"`
	// SHA256 is the message digest computed, for a fixity check.
	SHA256 string `json:"messageDigest,omitempty"`
}

// Run is the record of one audit: what it read, how fast, and what failed.
type Run struct {
	ID       string    `json:"id"`
	Agent    string    `json:"agent"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	// Objects and Bytes are what was read and hashed; Seconds how long
	// that took (the throughput is Bytes/Seconds).
	Objects int     `json:"objects"`
	Bytes   int64   `json:"bytes"`
	Seconds float64 `json:"seconds"`
	// LogSize is the size of the log's checkpoint found; Checkpoint the
	// signed note, kept so that the next run checks the log extends it.
	LogSize    int64  `json:"log_size"`
	Checkpoint string `json:"checkpoint,omitempty"`
	// Documents, Missing, Stale and Orphaned are the index check:
	// documents in storage, and those missing from, stale in or extra in
	// the index; IndexRepaired says they were reindexed or removed.
	IndexChecked  bool     `json:"index_checked"`
	Documents     int      `json:"documents"`
	Missing       []string `json:"missing,omitempty"`
	Stale         []string `json:"stale,omitempty"`
	Orphaned      []string `json:"orphaned,omitempty"`
	IndexRepaired bool     `json:"index_repaired"`
	Events        int      `json:"events"`
	// Failures are the events whose outcome is OutcomeFail.
	Failures []Event `json:"failures"`
	// Pending are the events whose outcome is OutcomePending.
	Pending []Event `json:"pending,omitempty"`
}

// OK reports whether the run found nothing wrong (index drift repaired
// counts as found: it is reported, not failed).
func (r *Run) OK() bool { return len(r.Failures) == 0 }

// MBps is the throughput of the run's reading, in MB (10^6 bytes) per second.
func (r *Run) MBps() float64 {
	if r.Seconds <= 0 {
		return 0
	}
	return float64(r.Bytes) / 1e6 / r.Seconds
}

// ObjectsPerSecond is the rate at which the run read objects.
func (r *Run) ObjectsPerSecond() float64 {
	if r.Seconds <= 0 {
		return 0
	}
	return float64(r.Objects) / r.Seconds
}

// runKey and eventsKey are where a run is recorded.
func runKey(id string) string    { return "fixity/" + id + ".json" }
func eventsKey(id string) string { return "fixity/" + id + ".events.jsonl.gz" }

// expected is what an object must be, and who says so.
type expected struct {
	sum, by string
	size    int64
}

// audit is one run in progress.
type audit struct {
	a      Auditor
	run    *Run
	events []Event
	want   map[string]expected // storage key → what manifests and the log say it holds
}

func (x *audit) event(typ, object, outcome, detail, sum string) {
	e := Event{Identifier: fmt.Sprintf("%s/%d", x.run.ID, len(x.events)+1), Type: typ, DateTime: x.a.now().UTC(),
		Outcome: outcome, Detail: detail, Object: object, Agent: x.a.Agent, SHA256: sum}
	x.events = append(x.events, e)
	switch outcome {
	case OutcomeFail:
		x.run.Failures = append(x.run.Failures, e)
		x.a.logger().Warn("fixity: failed", "object", object, "detail", detail)
	case OutcomePending:
		x.run.Pending = append(x.run.Pending, e)
	}
}

func (x *audit) expect(key, sum string, size int64, by string) {
	if w, ok := x.want[key]; ok && w.sum != sum {
		x.event("fixity check", key, OutcomeFail, fmt.Sprintf("%s names SHA-256 %s, but %s names %s", by, sum, w.by, w.sum), "")
		return
	}
	x.want[key] = expected{sum: sum, by: by, size: size}
}

func (a Auditor) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

func (a Auditor) logger() *slog.Logger {
	if a.Logger != nil {
		return a.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// Audit reads every object of the archive again and checks it: each
// content-addressed object (print PDFs, records, staged manifests) against
// the SHA-256 its name gives, the manifests name and the log names; each
// committed manifest against its log entry; the log itself (Log.Audit);
// dumps against their entries (one stored less than DumpLogGrace ago
// without an entry is pending; a pruned one's entry is matched with its
// recorded deletion); and the search index's drift from storage,
// repaired when opts.RepairIndex. Failures are reported in the Run, never
// returned as errors: an error means the audit could not be done (storage
// unreadable). With opts.Record the run is stored (see the package doc).
func (a Auditor) Audit(ctx context.Context, opts AuditOptions) (*Run, error) {
	start := a.now()
	x := &audit{a: a, run: &Run{ID: start.UTC().Format("20060102T150405.000000000Z"), Agent: a.Agent, Started: start.UTC(), Failures: []Event{}},
		want: map[string]expected{}}
	logged := map[string]bool{} // SHA-256 of every logged entry
	var dumps []archive.LogEntry
	t0 := time.Now()
	if a.Log != nil {
		since, err := a.since(ctx, opts.Since)
		var rp *runProblem
		if errors.As(err, &rp) {
			x.event("digital signature validation", rp.key, OutcomeFail, rp.detail, "")
		} else if err != nil {
			return nil, err
		}
		la, err := a.Log.Audit(ctx, since, func(i int64, text []byte) {
			logged[transparency.SumOf(text)] = true
			e, err := archive.ParseLogEntry(text)
			if err != nil {
				x.event("validation", fmt.Sprintf("log entry %d", i), OutcomeFail, err.Error(), "")
				return
			}
			by := fmt.Sprintf("log entry %d (%s %s)", i, e.Event, e.Subject)
			for _, o := range e.Objects {
				switch {
				case o.Role == "pdf":
					x.expect("pdf/"+o.SHA256+".pdf", o.SHA256, o.Size, by)
				case o.Role == "record":
					x.expect("records/"+o.SHA256+".json", o.SHA256, o.Size, by)
				case o.Role == "manifest" && e.Event == archive.EventPublished:
					x.expect("manifests/"+o.SHA256+".json", o.SHA256, o.Size, by)
				case o.Role == "file" && e.Event == archive.EventDump:
					x.expect(dumpKey(e.Subject), o.SHA256, o.Size, by)
				}
			}
			if e.Event == archive.EventDump {
				dumps = append(dumps, e)
			}
		}, func(key string, err error) {
			x.event("fixity check", key, OutcomeFail, err.Error(), "")
		})
		if err != nil {
			return nil, fmt.Errorf("preserve: audit the log: %w", err)
		}
		x.run.Objects += la.Objects
		x.run.Bytes += la.Bytes
		if cp := la.Checkpoint; cp != nil {
			x.run.LogSize, x.run.Checkpoint = cp.Size, string(cp.Raw)
			x.event("digital signature validation", "log/checkpoint", OutcomePass,
				fmt.Sprintf("checkpoint of %d entries signed by key %08x; %d log objects hash to its root", cp.Size, cp.KeyHash, la.Objects-1), transparency.SumOf(cp.Raw))
		} else if la.Objects > 0 {
			logged = nil // the log cannot be trusted: every manifest would fail twice
		}
	}
	// Committed manifests: each against its log entry, and what it names.
	if err := a.manifests(ctx, x, logged); err != nil {
		return nil, err
	}
	// Every content-addressed object and dump, read whole.
	for _, prefix := range []string{"pdf/", "records/", "manifests/", "dumps/"} {
		objs, err := a.Blobs.List(ctx, prefix)
		if err != nil {
			return nil, fmt.Errorf("preserve: audit: list %s: %w", prefix, err)
		}
		for _, o := range objs {
			w, named := x.want[o.Key]
			delete(x.want, o.Key)
			sum, n, err := a.hash(ctx, o.Key)
			if err != nil {
				if errors.Is(err, gazette.ErrNotFound) {
					continue // removed since listed: a dump pruned, a staged manifest cleaned
				}
				return nil, fmt.Errorf("preserve: audit: %w", err)
			}
			x.run.Objects++
			x.run.Bytes += n
			self := contentSum(o.Key)
			switch {
			case self != "" && self != sum:
				x.event("fixity check", o.Key, OutcomeFail, fmt.Sprintf("content does not match its SHA-256 (its name says %s, the content hashes to %s): damaged or altered", self, sum), sum)
			case named && w.sum != sum:
				x.event("fixity check", o.Key, OutcomeFail, fmt.Sprintf("%s names SHA-256 %s, the content hashes to %s: damaged or altered", w.by, w.sum, sum), sum)
			case named && w.size != n:
				x.event("fixity check", o.Key, OutcomeFail, fmt.Sprintf("%s names %d bytes, the object holds %d", w.by, w.size, n), sum)
			case prefix == "dumps/" && !named && a.Log != nil && !a.dumpLogged(ctx, o.Key, sum, n):
				if age := a.now().Sub(o.Modified); age < DumpLogGrace {
					x.event("fixity check", o.Key, OutcomePending, fmt.Sprintf("stored %s ago, not yet in the log: a dump is logged after it is stored (a failure after %s)", age.Round(time.Second), DumpLogGrace), sum)
				} else {
					x.event("fixity check", o.Key, OutcomeFail, "no log entry names this dump", sum)
				}
			default:
				x.event("fixity check", o.Key, OutcomePass, "", sum)
			}
		}
	}
	missing := make([]string, 0, len(x.want))
	for key := range x.want {
		missing = append(missing, key)
	}
	slices.Sort(missing)
	for _, key := range missing {
		w := x.want[key]
		if day, ok := dumpDay(key); ok {
			// A pruned dump's log entry stays: its deletion is recorded.
			e, ok, err := deletionOf(ctx, a.Blobs, day)
			switch {
			case errors.Is(err, gazette.ErrCorrupt):
				x.event("fixity check", deletionKey(day), OutcomeFail, err.Error(), "")
			case err != nil:
				return nil, fmt.Errorf("preserve: audit: %w", err)
			case ok && e.SHA256 == w.sum:
				x.event("fixity check", key, OutcomePass, fmt.Sprintf("pruned on %s (%s): %s", e.DateTime.Format(time.DateOnly), deletionKey(day), e.Detail), w.sum)
				continue
			case ok:
				x.event("fixity check", key, OutcomeFail, fmt.Sprintf("missing: %s names SHA-256 %s, and %s records the deletion of a dump of SHA-256 %s", w.by, w.sum, deletionKey(day), e.SHA256), "")
				continue
			}
		}
		x.event("fixity check", key, OutcomeFail, fmt.Sprintf("missing: %s names it (SHA-256 %s)", w.by, w.sum), "")
	}
	x.run.Seconds = time.Since(t0).Seconds()
	// The index, derived: drift is reported and, if asked, repaired.
	d, err := a.Archive.Reconcile(ctx, opts.RepairIndex, nil)
	switch {
	case errors.Is(err, gazette.ErrInvalid):
		// no index configured
	case err != nil:
		x.event("validation", "index", OutcomeFail, "the index could not be checked: "+err.Error(), "")
	default:
		x.run.IndexChecked, x.run.Documents = true, d.Documents
		x.run.Missing, x.run.Stale, x.run.Orphaned = d.Missing, d.Stale, d.Orphaned
		x.run.IndexRepaired = opts.RepairIndex && len(d.Missing)+len(d.Stale)+len(d.Orphaned) > 0
		outcome := OutcomeRepaired
		if !opts.RepairIndex {
			outcome = OutcomeFail
		}
		for _, drift := range []struct {
			ids  []string
			what string
		}{{d.Missing, "missing from the search index"}, {d.Stale, "stale in the search index (another version is current)"}, {d.Orphaned, "in the search index but not in storage"}} {
			for _, id := range drift.ids {
				detail := drift.what
				if outcome == OutcomeRepaired {
					detail += "; reindexed"
				}
				x.event("metadata modification", id, outcome, detail, "")
			}
		}
		if d.Clean() || len(d.Missing)+len(d.Stale)+len(d.Orphaned) == 0 {
			x.event("validation", "index", OutcomePass, fmt.Sprintf("%d documents, in step with storage", d.Documents), "")
		}
	}
	x.run.Finished = a.now().UTC()
	x.run.Events = len(x.events)
	if opts.Record {
		if err := a.record(ctx, x.run, x.events); err != nil {
			return x.run, err
		}
	}
	return x.run, nil
}

// manifests checks every committed manifest: readable, logged (when there
// is a log), and naming objects that are then expected.
func (a Auditor) manifests(ctx context.Context, x *audit, logged map[string]bool) error {
	objs, err := a.Blobs.List(ctx, "issues/")
	if err != nil {
		return fmt.Errorf("preserve: audit: list manifests: %w", err)
	}
	for _, o := range objs {
		name, ok := strings.CutSuffix(path.Base(o.Key), ".json")
		key, kerr := gazette.ParseIssueKey(name)
		if !ok || kerr != nil {
			x.event("validation", o.Key, OutcomeFail, "not a manifest's name: a stray object among the manifests", "")
			continue
		}
		raw, err := readAll(ctx, a.Blobs, o.Key, 64<<20)
		if errors.Is(err, gazette.ErrNotFound) {
			continue
		} else if err != nil {
			return fmt.Errorf("preserve: audit: %w", err)
		}
		x.run.Objects++
		x.run.Bytes += int64(len(raw))
		sum := transparency.SumOf(raw)
		var m archive.Manifest
		if err := json.Unmarshal(raw, &m); err != nil || m.Issue.Key() != key {
			x.event("fixity check", o.Key, OutcomeFail, "not a readable manifest of issue "+key.String()+": damaged or altered", sum)
			continue
		}
		if logged != nil {
			e, err := a.Archive.IssueLogEntry(ctx, key)
			if err != nil {
				return fmt.Errorf("preserve: audit: %w", err)
			}
			text, err := e.MarshalText()
			if err != nil {
				return err
			}
			if !logged[transparency.SumOf(text)] {
				x.event("fixity check", o.Key, OutcomeFail, fmt.Sprintf("no log entry names this manifest (SHA-256 %s): it was changed after it was logged, or never logged", sum), sum)
				continue
			}
		}
		by := "manifest " + o.Key
		x.expect(m.PDF.Key, m.PDF.SHA256, m.PDF.Size, by)
		for _, d := range m.Documents {
			x.expect(d.Key, d.SHA256, d.Size, by)
		}
		x.event("fixity check", o.Key, OutcomePass, "", sum)
	}
	return nil
}

// contentSum is the SHA-256 a content-addressed key names, or "".
func contentSum(key string) string {
	for _, p := range []string{"pdf/", "records/", "manifests/"} {
		if rest, ok := strings.CutPrefix(key, p); ok {
			sum := strings.TrimSuffix(strings.TrimSuffix(rest, ".pdf"), ".json")
			if len(sum) == 64 {
				return sum
			}
		}
	}
	return ""
}

// hash reads the object at key whole and returns its SHA-256 and length.
func (a Auditor) hash(ctx context.Context, key string) (string, int64, error) {
	r, _, err := a.Blobs.Open(ctx, key)
	if err != nil {
		return "", 0, err
	}
	defer r.Close()
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return "", n, fmt.Errorf("read %s: %w", key, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// readAll reads a whole object of at most limit bytes.
func readAll(ctx context.Context, b archive.Blobs, key string, limit int64) ([]byte, error) {
	r, info, err := b.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if info.Size > limit {
		return nil, fmt.Errorf("%s: %d bytes, more than %d: %w", key, info.Size, limit, gazette.ErrCorrupt)
	}
	raw, err := io.ReadAll(io.LimitReader(r, limit))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	return raw, nil
}

// since is the checkpoint the log must extend: the one given, else the
// last recorded run's; nil when there is none.
func (a Auditor) since(ctx context.Context, given []byte) (*transparency.Checkpoint, error) {
	raw, last := given, ""
	if raw == nil {
		runs, err := Runs(ctx, a.Blobs, 1)
		if err != nil {
			return nil, err
		}
		if len(runs) == 0 || runs[0].Checkpoint == "" {
			return nil, nil
		}
		raw, last = []byte(runs[0].Checkpoint), runs[0].ID
	}
	cp, err := transparency.OpenKeyringCheckpoint(raw, a.Log.Keyring())
	if err != nil && given != nil {
		return nil, fmt.Errorf("preserve: the checkpoint given: %w", err)
	}
	if err != nil {
		// A recorded run's checkpoint the keyring does not open: the record
		// was altered, or the keys changed without keeping the old one.
		return nil, &runProblem{key: runKey(last), detail: "the checkpoint this run recorded does not verify under the log's keys, so the log cannot be compared with it: " + err.Error()}
	}
	return cp, nil
}

// dumpDay is the day of a dump's key.
func dumpDay(key string) (string, bool) {
	rest, ok := strings.CutPrefix(key, "dumps/")
	day, ok2 := strings.CutSuffix(rest, ".jsonl.gz")
	if !ok || !ok2 {
		return "", false
	}
	_, err := gazette.ParseDate(day)
	return day, err == nil
}

// dumpLogged looks up, now, the log entry of a dump the audit found
// without one: a dump is stored just before its entry is appended, so one
// made while the audit ran may have its entry by now.
func (a Auditor) dumpLogged(ctx context.Context, key, sum string, size int64) bool {
	name, ok := dumpDay(key)
	if !ok {
		return false
	}
	day, err := gazette.ParseDate(name)
	if err != nil {
		return false
	}
	text, err := DumpEntry(day, Dump{SHA256: sum, Size: size}).MarshalText()
	if err != nil {
		return false
	}
	_, err = a.Log.Lookup(ctx, text)
	return err == nil
}

// runProblem is a recorded run that cannot be used: reported, not fatal.
type runProblem struct{ key, detail string }

func (p *runProblem) Error() string { return p.key + ": " + p.detail }
