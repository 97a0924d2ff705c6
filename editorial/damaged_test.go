package editorial

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

// plant overwrites draft d's stored record with raw, as an older version
// with a bug or a damaged disk would have left it, and returns the ETag.
func plant(t *testing.T, f *fixture, id string, raw []byte) string {
	t.Helper()
	info, err := f.blobs.Put(context.Background(), draftKey(id), bytes.NewReader(raw), int64(len(raw)), gazette.PutOptions{ContentType: "application/json"})
	if err != nil {
		t.Fatal(err)
	}
	return info.ETag
}

// The record the editors' desk once wrote when a draft was saved without a
// release time: published_date "0001-01-01", which no reader accepts.
func corruptRecord(t *testing.T, f *fixture, d *Draft) []byte {
	t.Helper()
	raw, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.Replace(raw, []byte(`"published_date":"2024-03-05"`), []byte(`"published_date":"0001-01-01"`), 1)
	if bytes.Equal(bad, raw) {
		bad = bytes.Replace(raw, []byte(`"published_date":null`), []byte(`"published_date":"0001-01-01"`), 1)
	}
	if bytes.Equal(bad, raw) {
		t.Fatalf("no published_date to damage in %s", raw)
	}
	return bad
}

func TestDamagedDraft(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, be.open(t), nil)
			author := f.user(t, "editor.one", RoleEditor).Actor
			chief := f.user(t, "chief.one", RoleChief).Actor
			good := prepared(t, f, author)
			bad := prepared(t, f, author)
			etag := plant(t, f, bad.ID, corruptRecord(t, f, bad))

			// One bad record never fails the list: it is listed as damaged.
			list, err := f.svc.Drafts(ctx, author)
			if err != nil {
				t.Fatalf("Drafts with a damaged record: %v", err)
			}
			var seenGood, seenBad bool
			for _, d := range list {
				switch d.ID {
				case good.ID:
					seenGood = d.Damage == ""
				case bad.ID:
					seenBad = d.Damage != "" && d.ETag == etag
				}
			}
			if !seenGood || !seenBad || len(list) != 2 {
				t.Fatalf("list %+v: want the good draft and the damaged one marked", list)
			}
			if _, err := f.svc.Draft(ctx, author, bad.ID); !errors.Is(err, gazette.ErrCorrupt) {
				t.Errorf("Draft(damaged) = %v, want ErrCorrupt", err)
			}
			dd, err := f.svc.Damaged(ctx, author, bad.ID)
			if err != nil || !dd.Repairable || len(dd.Cleared) != 1 || dd.Cleared[0] != "documents[0].published_date" || !strings.Contains(dd.Raw, "0001-01-01") {
				t.Fatalf("Damaged = %+v, %v", dd, err)
			}
			if _, err := f.svc.Damaged(ctx, author, good.ID); !errors.Is(err, gazette.ErrInvalid) {
				t.Errorf("Damaged(good draft) = %v, want ErrInvalid", err)
			}

			// Repair: a chief editor's, conditional, keeps what reads.
			if _, err := f.svc.RepairDraft(ctx, author, bad.ID, etag); !errors.Is(err, ErrForbidden) {
				t.Errorf("an editor repairs: %v", err)
			}
			if _, err := f.svc.RepairDraft(ctx, chief, bad.ID, "stale"); !errors.Is(err, gazette.ErrConflict) {
				t.Errorf("repair with a stale ETag: %v", err)
			}
			d, err := f.svc.RepairDraft(ctx, chief, bad.ID, etag)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Documents) != len(bad.Documents) || d.Documents[0].Title != bad.Documents[0].Title || !d.Documents[0].Published.IsZero() || d.State != StateDrafting {
				t.Fatalf("repaired %+v", d)
			}
			if d2, err := f.svc.Draft(ctx, author, bad.ID); err != nil || d2.Documents[1].Body[0] != bad.Documents[1].Body[0] {
				t.Fatalf("repaired draft reads %v", err)
			}
			entries, _ := f.svc.Audit(ctx, f.admin, time.Time{}, time.Time{})
			found := false
			for _, e := range entries {
				found = found || e.Action == "draft.repair" && strings.Contains(e.Detail, "documents[0].published_date")
			}
			if !found {
				t.Error("repair not audited with the field cleared")
			}

			// Delete a damaged draft: chief editors only, with its ETag.
			etag = plant(t, f, good.ID, []byte(`{"id": 12, "documents": "oops"`))
			if dd, err := f.svc.Damaged(ctx, author, good.ID); err != nil || dd.Repairable {
				t.Errorf("a record that is not JSON: %+v, %v; want beyond repair", dd, err)
			}
			if err := f.svc.DeleteDraft(ctx, author, good.ID, etag); !errors.Is(err, ErrForbidden) {
				t.Errorf("an editor deletes a damaged draft: %v", err)
			}
			if err := f.svc.DeleteDraft(ctx, chief, good.ID, etag); err != nil {
				t.Fatal(err)
			}
			if list, err := f.svc.Drafts(ctx, author); err != nil || len(list) != 1 {
				t.Errorf("after delete: %d drafts, %v", len(list), err)
			}
		})
	}
}

// unreadable marshals to JSON its own decoder refuses.
type unreadable struct{}

func (unreadable) MarshalJSON() ([]byte, error) { return []byte(`"x"`), nil }
func (*unreadable) UnmarshalJSON([]byte) error  { return errors.New("never") }

func TestPutJSONRefusesUnreadable(t *testing.T) {
	f := newFixture(t, newMem(), nil)
	ctx := context.Background()
	if _, err := f.svc.putJSON(ctx, "editorial/x.json", &struct{ U unreadable }{}, gazette.PutOptions{}); !errors.Is(err, gazette.ErrInvalid) {
		t.Fatalf("putJSON of a record that does not read back = %v, want ErrInvalid", err)
	}
	if _, _, err := f.blobs.Open(ctx, "editorial/x.json"); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("the refused record was written: %v", err)
	}
}

func TestWarnings(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, newMem(), nil)
	f.arch.latest = &gazette.Issue{Gazette: "福建省人民政府公报", IssueKey: gazette.IssueKey{Year: 2024, Number: 6}, TotalNumber: 804}
	f.arch.public[f.arch.latest.IssueKey] = true
	f.arch.scheduled = []gazette.Issue{{IssueKey: gazette.IssueKey{Year: 2024, Number: 7}, TotalNumber: 805}}
	author := f.user(t, "editor.one", RoleEditor).Actor
	d, err := f.svc.CreateDraft(ctx, author)
	if err != nil {
		t.Fatal(err)
	}
	if w := f.svc.Warnings(ctx, d); len(w) != 0 {
		t.Errorf("the suggested draft warns: %+v", w)
	}
	fields := func(w []gazette.FieldError) string {
		var s []string
		for _, fe := range w {
			if fe.Zh == "" {
				t.Errorf("warning %+v has no Chinese", fe)
			}
			s = append(s, fe.Field)
		}
		return strings.Join(s, ",")
	}
	tests := []struct {
		name   string
		change func(d *Draft)
		want   string
	}{
		{"number published", func(d *Draft) { d.Issue.Number = 6; d.Issue.TotalNumber = 806 }, "number"},
		{"number scheduled", func(d *Draft) { d.Issue.Number = 7; d.Issue.TotalNumber = 806 }, "number"},
		{"total number going back", func(d *Draft) { d.Issue.TotalNumber = 796 }, "total_number"},
		{"total number skipping", func(d *Draft) { d.Issue.TotalNumber = 810 }, "total_number"},
		{"release passed", func(d *Draft) { d.Issue.Published = f.clock.Now().Add(-time.Minute) }, "published"},
		{"supplement has its own total", func(d *Draft) { d.Issue.Supplement = true; d.Issue.Number = 1; d.Issue.TotalNumber = 3 }, ""},
		{"a citation no published document answers", func(d *Draft) {
			d.Documents = []gazette.Document{{Body: []string{"根据《福建省甲办法》和闽政〔2019〕14号制定。", "报送《工作报告》。"}}, {Body: []string{"依照闽政[2019]15号。"}}}
		}, "documents[0].body,documents[1].body"},
	}
	f.arch.cited = map[string]string{"number:闽政〔2019〕14号": "2019-1-1"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := *d
			tt.change(&c)
			if got := fields(f.svc.Warnings(ctx, &c)); got != tt.want {
				t.Errorf("warnings on %s, want %q", got, tt.want)
			}
		})
	}
}
