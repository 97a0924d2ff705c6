package gazette

import (
	"fmt"
	"slices"
	"time"
	"unicode/utf8"
)

// Coverage of the archive: which issues of each year are in it, which
// should be (from 年第N期 and the running 总第N期), and what is known of the
// rest. An archive holds one gazette's numbering (issue keys are unique in
// it), so coverage is per archive.

// IssueRef is what coverage needs of an issue: its key and its running
// number (0 when unknown).
type IssueRef struct {
	Key         IssueKey `json:"key"`
	TotalNumber int      `json:"total_number,omitempty"`
}

// SlotState is what is known of one issue number of a year.
type SlotState string

// The states of a slot.
const (
	SlotPresent      SlotState = "present"       // published in the archive
	SlotReview       SlotState = "review"        // a draft is being prepared or reviewed
	SlotGap          SlotState = "gap"           // expected, and nothing known of it
	SlotNotPublished SlotState = "not-published" // marked: never appeared
	SlotLost         SlotState = "lost"          // marked: appeared, no copy is known
)

// GapMark says what is known of a missing issue.
type GapMark struct {
	Key   IssueKey  `json:"key"`
	State SlotState `json:"state"` // SlotNotPublished or SlotLost
	Note  string    `json:"note,omitempty"`
	By    string    `json:"by,omitempty"`
	At    time.Time `json:"at,omitzero"`
}

// MaxGapNote bounds a mark's note, in characters.
const MaxGapNote = 500

// Validate checks a mark; errors wrap ErrInvalid.
func (m GapMark) Validate() error {
	switch {
	case m.Key.Supplement:
		return fmt.Errorf("gap mark: supplements are not numbered in sequence, so none is missing: %w", ErrInvalid)
	case m.Key.Year < MinYear || m.Key.Year > MaxYear || m.Key.Number < 1 || m.Key.Number > MaxNumber:
		return fmt.Errorf("gap mark: no issue %s: %w", m.Key, ErrInvalid)
	case m.State != SlotNotPublished && m.State != SlotLost:
		return fmt.Errorf("gap mark: state %q: want %q or %q: %w", m.State, SlotNotPublished, SlotLost, ErrInvalid)
	case utf8.RuneCountInString(m.Note) > MaxGapNote:
		return fmt.Errorf("gap mark: note longer than %d characters: %w", MaxGapNote, ErrInvalid)
	}
	return nil
}

// Slot is one issue number of a year.
type Slot struct {
	Number int       `json:"number"`
	State  SlotState `json:"state"`
	// TotalNumber is the running number, printed or inferred; 0 unknown.
	TotalNumber int    `json:"total_number,omitempty"`
	Note        string `json:"note,omitempty"`
}

// YearCoverage is one year of the archive.
type YearCoverage struct {
	Year int `json:"year"`
	// Slots are the numbers 1 to the last expected, in order.
	Slots []Slot `json:"slots"`
	// Supplements present (增刊), apart: they are not numbered in sequence.
	Supplements []int `json:"supplements,omitempty"`
	// Counts of Slots by state: present, in review, gaps, marked not
	// published or lost.
	Present int `json:"present"`
	Review  int `json:"review"`
	Gaps    int `json:"gaps"`
	Marked  int `json:"marked"`
	// Inferred reports that the last expected number comes from the
	// running numbers, past the last issue present.
	Inferred bool `json:"inferred,omitempty"`
}

// Coverage is the archive's coverage, year by year, oldest first.
type Coverage struct {
	Years []YearCoverage `json:"years"`
	// Gaps counts the slots of every year that are gaps (not marked).
	Gaps int `json:"gaps"`
}

// CoverageOf works out the coverage of an archive from its published
// issues, the issues in review (drafts) and the marks on gaps.
//
// A year expects the numbers from 1 to the highest present or in review.
// Running numbers extend that: when an issue of one year is 总第t₁期 (第n₁期)
// and the first numbered issue of the next year present is 总第t₂期
// (第n₂期), t₂−t₁−1 issues lie between them; those not before n₂ in the
// next year are the first year's last ones. A year missing between two
// present years, with running numbers on both sides, expects what is left.
// The current year expects nothing past its last issue.
func CoverageOf(published, review []IssueRef, marks []GapMark) Coverage {
	type year struct {
		slots map[int]Slot
		sups  []int
		last  int // highest number expected
		inf   bool
	}
	years := map[int]*year{}
	get := func(y int) *year {
		if years[y] == nil {
			years[y] = &year{slots: map[int]Slot{}}
		}
		return years[y]
	}
	put := func(r IssueRef, st SlotState) {
		y := get(r.Key.Year)
		if r.Key.Supplement {
			if st == SlotPresent {
				y.sups = append(y.sups, r.Key.Number)
			}
			return
		}
		if old, ok := y.slots[r.Key.Number]; ok && old.State == SlotPresent {
			return
		}
		y.slots[r.Key.Number] = Slot{Number: r.Key.Number, State: st, TotalNumber: r.TotalNumber}
		y.last = max(y.last, r.Key.Number)
	}
	for _, r := range published {
		put(r, SlotPresent)
	}
	for _, r := range review {
		put(r, SlotReview)
	}
	// Running numbers across year ends: the highest-numbered issue of a
	// year with a running number, and the lowest of a later year.
	var known []int
	for y := range years {
		known = append(known, y)
	}
	slices.Sort(known)
	edge := func(y *year, first bool) (Slot, bool) {
		var best Slot
		found := false
		for _, s := range y.slots {
			if s.TotalNumber == 0 {
				continue
			}
			if !found || first && s.Number < best.Number || !first && s.Number > best.Number {
				best, found = s, true
			}
		}
		return best, found
	}
	for i := 0; i+1 < len(known); i++ {
		a, b := years[known[i]], years[known[i+1]]
		end, ok1 := edge(a, false)
		start, ok2 := edge(b, true)
		if !ok1 || !ok2 {
			continue
		}
		between := start.TotalNumber - end.TotalNumber - 1 - (start.Number - 1)
		if between < 0 {
			continue // the running numbers disagree with the years: trust neither
		}
		if known[i+1] == known[i]+1 {
			if n := end.Number + between; n > a.last && n <= MaxNumber {
				a.last, a.inf = n, true
			}
			continue
		}
		// Whole years missing between: only one can be counted.
		if known[i+1] == known[i]+2 {
			y := get(known[i] + 1)
			if n := between - (a.last - end.Number); n > 0 && n <= MaxNumber {
				y.last, y.inf = n, true
			}
		}
	}
	for _, m := range marks {
		if m.Key.Supplement {
			continue
		}
		y := get(m.Key.Year)
		if s, ok := y.slots[m.Key.Number]; ok && s.State != SlotGap {
			continue // present or in review: the mark is stale
		}
		y.slots[m.Key.Number] = Slot{Number: m.Key.Number, State: m.State, Note: m.Note}
		y.last = max(y.last, m.Key.Number)
	}
	var out Coverage
	known = known[:0] // with the years inferred and marked
	for y := range years {
		known = append(known, y)
	}
	slices.Sort(known)
	for _, yn := range known {
		y := years[yn]
		yc := YearCoverage{Year: yn, Supplements: y.sups, Inferred: y.inf}
		slices.Sort(yc.Supplements)
		for n := 1; n <= y.last; n++ {
			s, ok := y.slots[n]
			if !ok {
				s = Slot{Number: n, State: SlotGap}
			}
			switch s.State {
			case SlotPresent:
				yc.Present++
			case SlotReview:
				yc.Review++
			case SlotGap:
				yc.Gaps++
			default:
				yc.Marked++
			}
			yc.Slots = append(yc.Slots, s)
		}
		fillTotals(yc.Slots)
		out.Years = append(out.Years, yc)
		out.Gaps += yc.Gaps
	}
	return out
}

// fillTotals infers the running number of slots without one from the
// nearest slot before or after that has one, within the year.
func fillTotals(slots []Slot) {
	for i := range slots {
		if slots[i].TotalNumber != 0 {
			continue
		}
		for d := 1; d < len(slots); d++ {
			if j := i - d; j >= 0 && slots[j].TotalNumber != 0 && slots[j].State == SlotPresent {
				slots[i].TotalNumber = slots[j].TotalNumber + d
				break
			}
			if j := i + d; j < len(slots) && slots[j].TotalNumber != 0 && slots[j].State == SlotPresent {
				slots[i].TotalNumber = slots[j].TotalNumber - d
				break
			}
		}
	}
}
