package editorial

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

// Outcomes of an audited action.
const (
	OutcomeOK     = "ok"
	OutcomeDenied = "denied" // refused: role, state, lockout
	OutcomeFailed = "failed" // a failed sign-in
)

// Entry is one line of the audit log: who did what to which object, when,
// from where, and how it ended.
type Entry struct {
	Time    time.Time `json:"time"`
	User    string    `json:"user"`
	Role    Role      `json:"role,omitempty"`
	Addr    string    `json:"addr,omitempty"`
	Action  string    `json:"action"`           // "draft.approve", "user.add", "session.signin"...
	Object  string    `json:"object,omitempty"` // "draft/3f9c…", "user/li.ming"
	Outcome string    `json:"outcome"`
	Detail  string    `json:"detail,omitempty"`
}

// auditTimeLayout sorts lexically in time order (fixed width, UTC).
const auditTimeLayout = "20060102T150405.000000000Z"

// record appends one entry to the audit log: a create-only, immutable
// object, so the log can be neither rewritten nor trimmed through the
// service.
func (s *Service) record(ctx context.Context, a Actor, action, object, outcome, detail string) error {
	e := Entry{Time: s.now().UTC(), User: a.User, Role: a.Role, Addr: a.Addr, Action: action, Object: object, Outcome: outcome, Detail: detail}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:]) // never fails (crypto/rand)
	// The sequence keeps one replica's entries in order when the clock
	// does not move between them; the random part keeps replicas apart.
	key := fmt.Sprintf("%s%s-%012x-%s.json", auditPrefix, e.Time.Format(auditTimeLayout), s.auditSeq.Add(1), hex.EncodeToString(rnd[:]))
	if _, err := s.putJSON(ctx, key, e, gazette.PutOptions{IfAbsent: true, Immutable: true}); err != nil {
		s.log.ErrorContext(ctx, "audit entry not written", "action", action, "user", a.User, "object", object, "err", err)
		return fmt.Errorf("editorial: audit %s: %w", action, err)
	}
	return nil
}

// deny audits a refused action and returns its error (with the audit
// failure, if any, joined).
func (s *Service) deny(ctx context.Context, a Actor, action, object string, err error) error {
	if rerr := s.record(ctx, a, action, object, OutcomeDenied, err.Error()); rerr != nil {
		return errors.Join(err, rerr)
	}
	return err
}

// authorize checks a's role for the action and audits a refusal.
func (s *Service) authorize(ctx context.Context, a Actor, role Role, action, object string) error {
	if err := a.require(role, action); err != nil {
		return s.deny(ctx, a, action, object, fmt.Errorf("editorial: %w", err))
	}
	return nil
}

// Audit returns the entries logged in [from, to), oldest first; a zero to
// means up to now. Administrators only.
func (s *Service) Audit(ctx context.Context, a Actor, from, to time.Time) ([]Entry, error) {
	if err := s.authorize(ctx, a, RoleAdmin, "audit.read", ""); err != nil {
		return nil, err
	}
	return s.auditRange(ctx, from, to)
}

func (s *Service) auditRange(ctx context.Context, from, to time.Time) ([]Entry, error) {
	if to.IsZero() {
		to = s.now().Add(time.Second)
	}
	lo, hi := from.UTC().Format(auditTimeLayout), to.UTC().Format(auditTimeLayout)
	if from.IsZero() {
		lo = ""
	}
	// Listing only the common prefix of both ends keeps a day's query from
	// walking years of log.
	p := auditPrefix + commonPrefix(lo, hi)
	infos, err := s.blobs.List(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("editorial: audit: %w", err)
	}
	var out []Entry
	for _, info := range infos {
		stamp, _, _ := strings.Cut(strings.TrimPrefix(info.Key, auditPrefix), "-")
		if stamp < lo || stamp >= hi {
			continue
		}
		var e Entry
		if _, err := s.getJSON(ctx, info.Key, &e); err != nil {
			return nil, fmt.Errorf("editorial: audit: %w", err)
		}
		out = append(out, e)
	}
	return out, nil
}

func commonPrefix(a, b string) string {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return a[:n]
}

// Export formats.
const (
	FormatJSONLines = "jsonl"
	FormatCSV       = "csv"
)

// ExportAudit writes the entries of [from, to) to w as JSON lines or CSV
// (with a header row). Administrators only; the export is itself audited.
func (s *Service) ExportAudit(ctx context.Context, a Actor, from, to time.Time, format string, w io.Writer) error {
	const action = "audit.export"
	if err := s.authorize(ctx, a, RoleAdmin, action, ""); err != nil {
		return err
	}
	if format != FormatJSONLines && format != FormatCSV {
		return invalidf("audit export format %q: want %s or %s", format, FormatJSONLines, FormatCSV)
	}
	entries, err := s.auditRange(ctx, from, to)
	if err != nil {
		return err
	}
	if err := writeEntries(w, format, entries); err != nil {
		return fmt.Errorf("editorial: audit export: %w", err)
	}
	return s.record(ctx, a, action, "", OutcomeOK, fmt.Sprintf("%s, %d entries", format, len(entries)))
}

func writeEntries(w io.Writer, format string, entries []Entry) error {
	if format == FormatJSONLines {
		bw := bufio.NewWriter(w)
		enc := json.NewEncoder(bw)
		for _, e := range entries {
			if err := enc.Encode(e); err != nil {
				return err
			}
		}
		return bw.Flush()
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"time", "user", "role", "addr", "action", "object", "outcome", "detail"})
	for _, e := range entries {
		_ = cw.Write([]string{e.Time.Format(time.RFC3339Nano), gazette.CSVCell(e.User), string(e.Role), gazette.CSVCell(e.Addr), e.Action, gazette.CSVCell(e.Object), e.Outcome, gazette.CSVCell(e.Detail)})
	}
	cw.Flush()
	return cw.Error()
}
