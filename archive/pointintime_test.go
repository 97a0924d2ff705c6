package archive_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/gazette"
)

func TestDocumentAt(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: noon(day(2021, 1, 1))}
	a := archive.New(archivetest.NewMemBlobs(), openBleve(t), nil, archive.WithClock(clk.Now))
	s1, s2 := archivetest.NewSample(2019, 3, 2), archivetest.NewSample(2020, 3, 2)
	publish(t, a, s1)
	publish(t, a, s2)
	id, by := s1.Documents[0].ID, s2.Documents[0].ID // signed 2019-03-01, issued 2019-03-15
	fixed := s1.Documents[0]
	fixed.Body = slices.Clone(fixed.Body)
	fixed.Body[1] = "现将办法印发给你们，请结合实际组织实施。"
	if _, err := a.Correct(ctx, id, fixed, gazette.Correction{Reason: "第二段有误", Date: day(2019, 4, 2), By: "editor"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SetValidity(ctx, id, gazette.ValidityChange{State: gazette.Repealed, Since: day(2020, 3, 20), ChangedBy: by, By: "editor"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		on      gazette.Date
		version int
		state   gazette.Validity
	}{
		{day(2019, 3, 1), 1, gazette.InForce}, // signed: it exists, as printed
		{day(2019, 4, 1), 1, gazette.InForce},
		{day(2019, 4, 2), 2, gazette.InForce}, // the day of the correction
		{day(2020, 3, 19), 2, gazette.InForce},
		{day(2020, 3, 20), 2, gazette.Repealed},
		{day(2030, 1, 1), 2, gazette.Repealed}, // a future day: what is known today
	} {
		d, h, is, err := a.DocumentAt(ctx, id, c.on)
		if err != nil {
			t.Fatalf("DocumentAt(%s): %v", c.on, err)
		}
		if d.Version != c.version || d.Validity.State != c.state || len(h.Versions) != 2 || is.Key() != s1.Issue.Key() {
			t.Errorf("DocumentAt(%s) = version %d, %s; want version %d, %s", c.on, d.Version, d.Validity.State, c.version, c.state)
		}
		if c.version == 1 && d.Body[1] == fixed.Body[1] || c.version == 2 && d.Body[1] != fixed.Body[1] {
			t.Errorf("DocumentAt(%s): the text is not that of version %d", c.on, c.version)
		}
	}
	_, _, _, err := a.DocumentAt(ctx, id, day(2019, 2, 28))
	var ny *archive.NotYetError
	if !errors.As(err, &ny) || !errors.Is(err, gazette.ErrNotFound) || ny.Existed != day(2019, 3, 1) {
		t.Errorf("DocumentAt before it was signed = %v, want a NotYetError saying it existed from 2019-03-01", err)
	}
	if _, _, _, err := a.DocumentAt(ctx, id, gazette.Date{}); !errors.Is(err, gazette.ErrInvalid) {
		t.Errorf("DocumentAt on no day = %v, want ErrInvalid", err)
	}
	if _, _, _, err := a.DocumentAt(ctx, "2019-3-9", day(2020, 1, 1)); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("DocumentAt of no such document = %v, want ErrNotFound", err)
	}
}
