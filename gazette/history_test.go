package gazette

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func hasField(err error, field string) bool {
	var ve ValidationError
	return errors.As(err, &ve) && errors.Is(err, ErrInvalid) &&
		slices.ContainsFunc(ve, func(fe FieldError) bool { return fe.Field == field })
}

func TestCorrectionValidate(t *testing.T) {
	good := Correction{Reason: "第三条“三十日”应为“十五日”", Date: Date{2020, 1, 2}, By: "editor-li"}
	if err := good.Validate(); err != nil {
		t.Fatalf("valid correction: %v", err)
	}
	cases := map[string]struct {
		edit  func(*Correction)
		field string
	}{
		"no reason":         {func(c *Correction) { c.Reason = "　 " }, "reason"},
		"reason too long":   {func(c *Correction) { c.Reason = strings.Repeat("误", MaxReasonRunes+1) }, "reason"},
		"reason not UTF-8":  {func(c *Correction) { c.Reason = "\xff\xfe" }, "reason"},
		"no date":           {func(c *Correction) { c.Date = Date{} }, "date"},
		"date out of range": {func(c *Correction) { c.Date = Date{1800, 1, 1} }, "date"},
		"nobody":            {func(c *Correction) { c.By = "" }, "by"},
		"padded actor":      {func(c *Correction) { c.By = " li" }, "by"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := good
			tc.edit(&c)
			if err := c.Validate(); !hasField(err, tc.field) {
				t.Errorf("Validate = %v, want a ValidationError naming %s", err, tc.field)
			}
		})
	}
}

func TestValidityChangeValidate(t *testing.T) {
	good := ValidityChange{State: Repealed, Since: Date{2021, 3, 1}, ChangedBy: "2021-4-2", By: "editor", At: time.Now()}
	if err := good.Validate(); err != nil {
		t.Fatalf("valid change: %v", err)
	}
	cases := map[string]struct {
		edit  func(*ValidityChange)
		field string
	}{
		"unknown state":          {func(v *ValidityChange) { v.State = "gone" }, "state"},
		"no date":                {func(v *ValidityChange) { v.Since = Date{} }, "since"},
		"repealed without cause": {func(v *ValidityChange) { v.ChangedBy = "" }, "changed_by"},
		"amended without cause":  {func(v *ValidityChange) { v.State, v.ChangedBy = Amended, "" }, "changed_by"},
		"cause not an ID":        {func(v *ValidityChange) { v.ChangedBy = "闽政〔2021〕3号" }, "changed_by"},
		"nobody":                 {func(v *ValidityChange) { v.By = "" }, "by"},
		"no time":                {func(v *ValidityChange) { v.At = time.Time{} }, "at"},
		"note too long":          {func(v *ValidityChange) { v.Note = strings.Repeat("注", MaxReasonRunes+1) }, "note"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			v := good
			tc.edit(&v)
			if err := v.Validate(); !hasField(err, tc.field) {
				t.Errorf("Validate = %v, want a ValidationError naming %s", err, tc.field)
			}
		})
	}
	expired := ValidityChange{State: Expired, Since: Date{2021, 3, 1}, By: SystemActor, At: time.Now()}
	if err := expired.Validate(); err != nil {
		t.Errorf("an expiry needs no causing document: %v", err)
	}
}

func sampleHistory() History {
	d := Document{ID: "2019-12-3", Validity: Status{State: InForce}, Expires: Date{2025, 12, 31}}
	return NewHistory(&d, strings.Repeat("a", 64), 100, time.Date(2019, 12, 15, 9, 0, 0, 0, time.UTC))
}

func TestHistoryValidate(t *testing.T) {
	c := &Correction{Reason: "错字", Date: Date{2020, 1, 1}, By: "e"}
	good := sampleHistory()
	good.Versions = append(good.Versions, Version{Number: 2, SHA256: strings.Repeat("b", 64), Size: 90, Correction: c})
	good.Validity = []ValidityChange{{State: Amended, Since: Date{2020, 2, 1}, ChangedBy: "2020-2-1", By: "e", At: time.Now()}}
	if err := good.Validate(); err != nil {
		t.Fatalf("valid history: %v", err)
	}
	cases := map[string]struct {
		edit  func(*History)
		field string
	}{
		"bad ID":                 {func(h *History) { h.ID = "x" }, "id"},
		"no versions":            {func(h *History) { h.Versions = nil }, "versions"},
		"numbers skip":           {func(h *History) { h.Versions[1].Number = 3 }, "versions[1].number"},
		"bad checksum":           {func(h *History) { h.Versions[1].SHA256 = "abc" }, "versions[1].sha256"},
		"printed as correction":  {func(h *History) { h.Versions[0].Correction = c }, "versions[0].correction"},
		"correction without why": {func(h *History) { h.Versions[1].Correction = nil }, "versions[1].correction"},
		"correction invalid":     {func(h *History) { h.Versions[1].Correction = &Correction{Date: c.Date, By: "e"} }, "versions[1].correction.reason"},
		"change invalid":         {func(h *History) { h.Validity[0].By = "" }, "validity[0].by"},
		"changed by itself":      {func(h *History) { h.Validity[0].ChangedBy = h.ID }, "validity[0].changed_by"},
		"printed state unknown":  {func(h *History) { h.Printed.State = "" }, "printed.state"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := good
			h.Versions = slices.Clone(good.Versions)
			h.Validity = slices.Clone(good.Validity)
			tc.edit(&h)
			if err := h.Validate(); !hasField(err, tc.field) {
				t.Errorf("Validate = %v, want a ValidationError naming %s", err, tc.field)
			}
		})
	}
}

func TestHistoryStatus(t *testing.T) {
	at := time.Now()
	h := sampleHistory()
	// Recorded out of date order: a repeal taking effect in 2024 was
	// recorded before an amendment of 2022.
	h.Validity = []ValidityChange{
		{State: Repealed, Since: Date{2024, 7, 1}, ChangedBy: "2024-5-1", By: "e", At: at},
		{State: Amended, Since: Date{2022, 3, 1}, ChangedBy: "2022-2-4", By: "e", At: at},
	}
	tl := h.Timeline()
	if len(tl) != 2 || tl[0].State != Amended || tl[1].State != Repealed {
		t.Errorf("Timeline = %+v, want the amendment then the repeal", tl)
	}
	cases := []struct {
		name string
		h    History
		on   Date
		want Status
	}{
		{"as printed", sampleHistory(), Date{2020, 1, 1}, Status{State: InForce}},
		{"before any change", h, Date{2022, 2, 28}, Status{State: InForce}},
		{"amended on its day", h, Date{2022, 3, 1}, Status{State: Amended, Since: Date{2022, 3, 1}, ChangedBy: "2022-2-4"}},
		{"repealed later", h, Date{2024, 7, 1}, Status{State: Repealed, Since: Date{2024, 7, 1}, ChangedBy: "2024-5-1"}},
		{"expires on its date", sampleHistory(), Date{2025, 12, 31}, Status{State: Expired, Since: Date{2025, 12, 31}}},
		{"repeal outlasts expiry", h, Date{2030, 1, 1}, Status{State: Repealed, Since: Date{2024, 7, 1}, ChangedBy: "2024-5-1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.h.StatusOn(tc.on); got != tc.want {
				t.Errorf("StatusOn(%s) = %+v, want %+v", tc.on, got, tc.want)
			}
		})
	}
	if h := sampleHistory(); h.Recorded(Date{2030, 1, 1}).State != InForce {
		got := h.Recorded(Date{2030, 1, 1})
		t.Errorf("Recorded ignores the expiry date nobody recorded, got %+v", got)
	}
	same := []ValidityChange{
		{State: Amended, Since: Date{2022, 3, 1}, ChangedBy: "2022-2-4", By: "e", At: at},
		{State: Repealed, Since: Date{2022, 3, 1}, ChangedBy: "2022-2-5", By: "e", At: at},
	}
	h2 := sampleHistory()
	h2.Validity = same
	if got := h2.Recorded(Date{2022, 3, 1}); got.State != Repealed {
		t.Errorf("of two changes on the same day the later recorded must win, got %+v", got)
	}
}
