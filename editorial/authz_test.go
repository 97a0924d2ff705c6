package editorial

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/report"
)

// TestAuthorization calls every method with actors below its role: each is
// refused with ErrForbidden (or ErrUnauthenticated for no actor), and the
// refusal is in the audit log.
func TestAuthorization(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, newMem(), nil)
	editor := f.user(t, "editor.x", RoleEditor).Actor
	chief := f.user(t, "chief.x", RoleChief).Actor
	d := prepared(t, f, f.user(t, "editor.y", RoleEditor).Actor)
	none := Actor{Addr: "203.0.113.1"}
	forged := Actor{User: "mallory", Role: "superuser"}
	since := f.clock.Now()

	calls := []struct {
		name string
		need Role
		call func(a Actor) error
	}{
		{"AddUser", RoleAdmin, func(a Actor) error { return f.svc.AddUser(ctx, a, "new.user", RoleAdmin, goodPassword) }},
		{"SetPassword", RoleAdmin, func(a Actor) error { return f.svc.SetPassword(ctx, a, "chief.x", goodPassword) }},
		{"SetDisabled", RoleAdmin, func(a Actor) error { return f.svc.SetDisabled(ctx, a, "chief.x", true) }},
		{"SetRole", RoleAdmin, func(a Actor) error { return f.svc.SetRole(ctx, a, "editor.x", RoleAdmin) }},
		{"Users", RoleAdmin, func(a Actor) error { _, err := f.svc.Users(ctx, a); return err }},
		{"User", RoleAdmin, func(a Actor) error { _, err := f.svc.User(ctx, a, "chief.x"); return err }},
		{"Audit", RoleAdmin, func(a Actor) error { _, err := f.svc.Audit(ctx, a, time.Time{}, time.Time{}); return err }},
		{"ExportAudit", RoleAdmin, func(a Actor) error {
			return f.svc.ExportAudit(ctx, a, time.Time{}, time.Time{}, FormatCSV, io.Discard)
		}},
		{"PruneSessions", RoleAdmin, func(a Actor) error { _, err := f.svc.PruneSessions(ctx, a); return err }},
		{"Approve", RoleChief, func(a Actor) error { _, err := f.svc.Approve(ctx, a, d.ID, d.ETag); return err }},
		{"Reject", RoleChief, func(a Actor) error { _, err := f.svc.Reject(ctx, a, d.ID, d.ETag, "no"); return err }},
		{"Reschedule", RoleChief, func(a Actor) error {
			_, err := f.svc.Reschedule(ctx, a, d.ID, d.ETag, f.clock.Now().Add(time.Hour))
			return err
		}},
		{"Unschedule", RoleChief, func(a Actor) error { _, err := f.svc.Unschedule(ctx, a, d.ID, d.ETag); return err }},
		{"ChangePassword", RoleEditor, func(a Actor) error { return f.svc.ChangePassword(ctx, a, goodPassword, "another long passphrase") }},
		{"CreateToken", RoleEditor, func(a Actor) error { _, _, err := f.svc.CreateToken(ctx, a, "x", 0); return err }},
		{"Tokens", RoleEditor, func(a Actor) error { _, err := f.svc.Tokens(ctx, a); return err }},
		{"RevokeToken", RoleEditor, func(a Actor) error { return f.svc.RevokeToken(ctx, a, "0123456789abcdef") }},
		{"SuggestNext", RoleEditor, func(a Actor) error { _, _, err := f.svc.SuggestNext(ctx, a); return err }},
		{"CreateDraft", RoleEditor, func(a Actor) error { _, err := f.svc.CreateDraft(ctx, a); return err }},
		{"Draft", RoleEditor, func(a Actor) error { _, err := f.svc.Draft(ctx, a, d.ID); return err }},
		{"Drafts", RoleEditor, func(a Actor) error { _, err := f.svc.Drafts(ctx, a); return err }},
		{"QueueForReview", RoleEditor, func(a Actor) error {
			_, err := f.svc.QueueForReview(ctx, a, "x.pdf", []byte("%PDF-1.4\n"), &report.Result{})
			return err
		}},
		{"RecordProof", RoleEditor, func(a Actor) error {
			return f.svc.RecordProof(ctx, a, gazette.Proof{Year: 2001, Document: "2001-4-1", Read: "甲", Printed: "乙"})
		}},
		{"Proofs", RoleEditor, func(a Actor) error { _, err := f.svc.Proofs(ctx, a, 0); return err }},
		{"Batches", RoleEditor, func(a Actor) error { _, err := f.svc.Batches(ctx, a); return err }},
		{"MarkGap", RoleEditor, func(a Actor) error {
			return f.svc.MarkGap(ctx, a, gazette.GapMark{Key: gazette.IssueKey{Year: 2001, Number: 4}, State: gazette.SlotLost})
		}},
		{"Save", RoleEditor, func(a Actor) error { _, err := f.svc.Save(ctx, a, d); return err }},
		{"UploadPDF", RoleEditor, func(a Actor) error {
			_, err := f.svc.UploadPDF(ctx, a, d.ID, d.ETag, bytes.NewReader(testPDF))
			return err
		}},
		{"OpenPDF", RoleEditor, func(a Actor) error { _, _, err := f.svc.OpenPDF(ctx, a, d.ID); return err }},
		{"Submit", RoleEditor, func(a Actor) error { _, err := f.svc.Submit(ctx, a, d.ID, d.ETag); return err }},
		{"Schedule", RoleEditor, func(a Actor) error { _, err := f.svc.Schedule(ctx, a, d.ID, d.ETag); return err }},
		{"DeleteDraft", RoleEditor, func(a Actor) error { return f.svc.DeleteDraft(ctx, a, d.ID, d.ETag) }},
		{"Correct", RoleEditor, func(a Actor) error {
			_, err := f.svc.Correct(ctx, a, "2024-3-1", gazette.Document{Version: 1}, gazette.Correction{Reason: "x"})
			return err
		}},
		{"SetValidity", RoleEditor, func(a Actor) error {
			_, err := f.svc.SetValidity(ctx, a, "2024-3-1", gazette.ValidityChange{State: gazette.Expired})
			return err
		}},
	}
	denied := 0
	for _, c := range calls {
		for _, a := range []Actor{none, forged, editor, chief} {
			if a.Role.Includes(c.need) {
				continue
			}
			t.Run(c.name+"/"+string(a.Role), func(t *testing.T) {
				err := c.call(a)
				want := ErrForbidden
				if a.User == "" {
					want = ErrUnauthenticated
				}
				if !errors.Is(err, want) {
					t.Errorf("%s by %+v: %v, want %v", c.name, a, err, want)
				}
				denied++
			})
		}
	}
	entries, err := f.svc.Audit(ctx, f.admin, since, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if e.Outcome == OutcomeDenied {
			n++
		}
	}
	if n != denied {
		t.Errorf("%d refusals audited, want %d", n, denied)
	}
	// Nothing was changed by the refused calls.
	if len(f.arch.corrections)+len(f.arch.changes) > 0 {
		t.Error("a refused call reached the archive")
	}
	if got, _ := f.svc.Draft(ctx, chief, d.ID); got.ETag != d.ETag {
		t.Error("a refused call changed the draft")
	}
}

func TestAuditLog(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			blobs := be.open(t)
			f := newFixture(t, blobs, nil)
			start := f.clock.Now()
			chief := f.user(t, "chief.z", RoleChief)
			f.clock.Add(20 * time.Minute)
			mid := f.clock.Now()
			// A hostile user name reaches the log only as data.
			if _, err := f.svc.SignIn(ctx, "=HYPERLINK(\"http://evil\")", "guess guess guess", Client{Addr: "203.0.113.5"}); !errors.Is(err, ErrUnauthenticated) {
				t.Fatal(err)
			}
			if err := f.svc.SignOut(ctx, chief.Token, "192.0.2.1"); err != nil {
				t.Fatal(err)
			}
			all, err := f.svc.Audit(ctx, f.admin, start, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			var actions []string
			for _, e := range all {
				actions = append(actions, e.Action+":"+e.Outcome)
			}
			want := "user.add:ok session.signin:ok session.signin:failed session.signout:ok"
			if got := strings.Join(actions, " "); got != want {
				t.Errorf("audit log: %s\nwant       %s", got, want)
			}
			if e := all[3]; e.User != "chief.z" || e.Role != RoleChief || e.Addr != "192.0.2.1" || e.Object != "user/chief.z" || e.Time.IsZero() {
				t.Errorf("sign-out entry %+v", e)
			}
			later, err := f.svc.Audit(ctx, f.admin, mid, time.Time{})
			if err != nil || len(later) != 2 {
				t.Errorf("entries since %v: %d, %v; want 2", mid, len(later), err)
			}
			earlier, err := f.svc.Audit(ctx, f.admin, start, mid)
			if err != nil || len(earlier) != 2 {
				t.Errorf("entries before %v: %d, %v; want 2", mid, len(earlier), err)
			}

			var jl bytes.Buffer
			if err := f.svc.ExportAudit(ctx, f.admin, start, mid.Add(time.Minute), FormatJSONLines, &jl); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(jl.String()), "\n")
			var e Entry
			if len(lines) != 4 || json.Unmarshal([]byte(lines[2]), &e) != nil || e.Outcome != OutcomeFailed {
				t.Errorf("JSON lines export:\n%s", jl.String())
			}
			var cb bytes.Buffer
			if err := f.svc.ExportAudit(ctx, f.admin, start, mid.Add(time.Minute), FormatCSV, &cb); err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(&cb).ReadAll() // the four, and the JSON export
			if err != nil || len(rows) != 6 || rows[0][0] != "time" {
				t.Fatalf("CSV export: %v\n%v", err, rows)
			}
			if u := rows[3][1]; !strings.HasPrefix(u, "'=") {
				t.Errorf("formula not defused in CSV: %q", u)
			}
			if err := f.svc.ExportAudit(ctx, f.admin, start, mid, "xml", io.Discard); !errors.Is(err, gazette.ErrInvalid) {
				t.Errorf("unknown format: %v", err)
			}
			// Entries are create-only and immutable: nothing rewrites or removes them.
			keys, _ := blobs.List(ctx, auditPrefix)
			k := keys[0].Key
			if _, err := blobs.Put(ctx, k, strings.NewReader("{}"), 2, gazette.PutOptions{}); !errors.Is(err, gazette.ErrImmutable) {
				t.Errorf("overwrite of an audit entry: %v", err)
			}
			if err := blobs.Delete(ctx, k, ""); !errors.Is(err, gazette.ErrImmutable) {
				t.Errorf("delete of an audit entry: %v", err)
			}
		})
	}
}
