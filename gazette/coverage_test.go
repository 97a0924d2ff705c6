package gazette

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func ref(year, number, total int) IssueRef {
	return IssueRef{Key: IssueKey{Year: year, Number: number}, TotalNumber: total}
}

// states writes a year's slots as one letter each: P present, R review,
// G gap, N not published, L lost.
func states(y YearCoverage) string {
	var b strings.Builder
	for _, s := range y.Slots {
		b.WriteString(map[SlotState]string{SlotPresent: "P", SlotReview: "R", SlotGap: "G", SlotNotPublished: "N", SlotLost: "L"}[s.State])
	}
	return b.String()
}

func TestCoverageOf(t *testing.T) {
	published := []IssueRef{
		// 2019: 1–3 and 5 present; 24 a year, so 6–24 are missing at
		// the end, known from 2020's first running number.
		ref(2019, 1, 401), ref(2019, 2, 402), ref(2019, 3, 403), ref(2019, 5, 405),
		ref(2020, 2, 426), ref(2020, 3, 0),
		{Key: IssueKey{Year: 2020, Number: 1, Supplement: true}},
		// 2021 missing whole; 2022 starts at 总第460期, 第2期.
		ref(2020, 10, 434),
		ref(2022, 2, 460),
	}
	review := []IssueRef{ref(2020, 1, 425), ref(2019, 5, 405)}
	marks := []GapMark{
		{Key: IssueKey{Year: 2019, Number: 4}, State: SlotLost, Note: "馆藏缺"},
		{Key: IssueKey{Year: 2020, Number: 1}, State: SlotNotPublished}, // stale: in review
	}
	c := CoverageOf(published, review, marks)
	got := map[int]string{}
	for _, y := range c.Years {
		got[y.Year] = states(y)
	}
	if want := "PPPLP" + strings.Repeat("G", 19); got[2019] != want {
		t.Errorf("2019: %s, want %s (24 issues, from 2020's first running number)", got[2019], want)
	}
	if got[2022] != "GP" {
		t.Errorf("2022: %s", got[2022])
	}
	// 2020: 第10期 is 总第434期 and 2022 第2期 总第460期: 25 issues
	// between, one of them 2022's 第1期; 2020 ends at 第10期 (nothing
	// else inferred for it, as 2021 is absent), 2021 holds the other 24.
	if got[2020] != "RPPGGGGGGP" {
		t.Errorf("2020: %s", got[2020])
	}
	if got[2021] != strings.Repeat("G", 24) {
		t.Errorf("2021: %s (%d), want 24 gaps", got[2021], len(got[2021]))
	}
	for _, y := range c.Years {
		switch y.Year {
		case 2019:
			if !y.Inferred || y.Present != 4 || y.Marked != 1 || y.Gaps != 19 || y.Slots[3].Note != "馆藏缺" {
				t.Errorf("2019: %+v", y)
			}
			if y.Slots[23].TotalNumber != 424 {
				t.Errorf("2019 第24期: 总第%d期, want 424", y.Slots[23].TotalNumber)
			}
		case 2020:
			if fmt.Sprint(y.Supplements) != "[1]" || y.Review != 1 {
				t.Errorf("2020: %+v", y)
			}
		}
	}
	if c.Gaps != 19+6+24+1 {
		t.Errorf("gaps %d", c.Gaps)
	}
}

func TestCoverageOfDisagreeingTotals(t *testing.T) {
	// A running number smaller than the year before's: nothing inferred.
	c := CoverageOf([]IssueRef{ref(2019, 3, 500), ref(2020, 1, 400)}, nil, nil)
	if s := states(c.Years[0]); s != "GGP" {
		t.Errorf("2019: %s", s)
	}
	if len(CoverageOf(nil, nil, nil).Years) != 0 {
		t.Error("an empty archive has years")
	}
}

func TestGapMarkValidate(t *testing.T) {
	ok := GapMark{Key: IssueKey{Year: 2019, Number: 4}, State: SlotLost}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []GapMark{
		{Key: IssueKey{Year: 2019, Number: 4}, State: SlotPresent},
		{Key: IssueKey{Year: 2019, Number: 4}, State: "lost;x"},
		{Key: IssueKey{Year: 2019, Number: 0}, State: SlotLost},
		{Key: IssueKey{Year: 2019, Number: 1, Supplement: true}, State: SlotLost},
		{Key: IssueKey{Year: 2019, Number: 4}, State: SlotLost, Note: strings.Repeat("注", MaxGapNote+1)},
	} {
		if err := bad.Validate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}
