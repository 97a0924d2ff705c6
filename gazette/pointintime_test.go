package gazette

import (
	"testing"
	"time"
)

func isoDay(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestVersionAndStatusOn(t *testing.T) {
	h := History{
		ID:      "2019-3-2",
		Printed: Status{State: InForce},
		Versions: []Version{{Number: 1}, {Number: 2, Correction: &Correction{Date: isoDay("2019-03-10")}},
			{Number: 3, Correction: &Correction{Date: isoDay("2020-01-05")}}},
		Validity: []ValidityChange{{State: Repealed, Since: isoDay("2021-07-01"), ChangedBy: "2021-6-1", At: time.Now()}},
	}
	for _, c := range []struct {
		on      string
		version int
		state   Validity
	}{
		{"2019-02-01", 1, NotYetInForce}, // before its effective date
		{"2019-03-09", 1, InForce},
		{"2019-03-10", 2, InForce},
		{"2020-01-05", 3, InForce},
		{"2021-06-30", 3, InForce},
		{"2021-07-01", 3, Repealed},
	} {
		if v := h.VersionOn(isoDay(c.on)); v != c.version {
			t.Errorf("VersionOn(%s) = %d, want %d", c.on, v, c.version)
		}
		if s := h.StatusAt(isoDay(c.on), isoDay("2019-03-01")); s.State != c.state {
			t.Errorf("StatusAt(%s) = %s, want %s", c.on, s.State, c.state)
		}
	}
	printed := History{Printed: Status{State: Repealed, Since: isoDay("2019-12-03"), ChangedBy: "2019-12-3"}, Versions: []Version{{Number: 1}}}
	if s := printed.StatusAt(isoDay("2019-12-02"), Date{}); s.State != InForce {
		t.Errorf("the day before a printed repeal takes effect: %s, want in force", s.State)
	}
	if s := printed.StatusAt(isoDay("2019-12-03"), Date{}); s.State != Repealed {
		t.Errorf("the day a printed repeal takes effect: %s, want repealed", s.State)
	}
	d := &Document{Signed: isoDay("2019-02-20"), Published: isoDay("2019-02-25")}
	if e := Existed(d, isoDay("2019-03-01")); e != isoDay("2019-02-20") {
		t.Errorf("Existed = %s, want the signed date", e)
	}
	if e := Existed(&Document{}, Date{}); !e.IsZero() {
		t.Errorf("Existed of a document without dates = %s, want zero", e)
	}
}

func TestInForceSpan(t *testing.T) {

	for _, c := range []struct {
		name                         string
		effective, published, expiry Date
		st                           Status
		in, out                      []string // days in force, days not
		never                        bool
	}{
		{name: "in force from effective", effective: isoDay("2019-03-01"), published: isoDay("2019-02-01"), st: Status{State: InForce},
			in: []string{"2019-03-01", "2030-01-01"}, out: []string{"2019-02-28"}},
		{name: "published date when no effective date", published: isoDay("2019-02-01"), st: Status{State: InForce},
			in: []string{"2019-02-01"}, out: []string{"2019-01-31"}},
		{name: "expiry date is the first day out of force", effective: isoDay("2019-03-01"), expiry: isoDay("2021-03-01"), st: Status{State: InForce},
			in: []string{"2021-02-28"}, out: []string{"2021-03-01"}},
		{name: "repealed since", effective: isoDay("2019-03-01"), st: Status{State: Repealed, Since: isoDay("2020-05-01")},
			in: []string{"2020-04-30"}, out: []string{"2020-05-01", "2019-02-28"}},
		{name: "amended stays in force", effective: isoDay("2019-03-01"), st: Status{State: Amended, Since: isoDay("2020-05-01")},
			in: []string{"2020-05-01"}},
		{name: "repealed with no date", effective: isoDay("2019-03-01"), st: Status{State: Repealed}, never: true},
		{name: "expired with only an expiry date", effective: isoDay("2019-03-01"), expiry: isoDay("2020-01-01"), st: Status{State: Expired},
			in: []string{"2019-12-31"}, out: []string{"2020-01-01"}},
		{name: "not yet in force, no effective date", published: isoDay("2019-02-01"), st: Status{State: NotYetInForce}, never: true},
		{name: "no dates at all", st: Status{State: InForce}, in: []string{"1990-01-01"}},
	} {
		from, until, ok := InForceSpan(c.effective, c.published, c.expiry, c.st)
		if ok == c.never {
			t.Errorf("%s: ok = %v", c.name, ok)
			continue
		}
		for _, d := range c.in {
			if !InForceOn(from, until, isoDay(d)) {
				t.Errorf("%s: not in force on %s (span %s–%s)", c.name, d, from, until)
			}
		}
		for _, d := range c.out {
			if InForceOn(from, until, isoDay(d)) {
				t.Errorf("%s: in force on %s (span %s–%s)", c.name, d, from, until)
			}
		}
	}

}
