package gazette

// A document read as it stood on a past day (point in time): the version
// of its text then, its validity then, and whether it existed at all.

// VersionOn returns the number of the version of the text that stood on
// day d: the latest correction whose notice is dated on or before d, else
// version 1, the text as printed. Whether the document existed on d is
// for Existed to say.
func (h *History) VersionOn(d Date) int {
	n := 1
	for _, v := range h.Versions[1:] {
		if v.Correction != nil && v.Correction.Date.Compare(d) <= 0 {
			n = v.Number
		}
	}
	return n
}

// StatusAt returns the document's validity on day d: StatusOn (what was
// recorded, and its expiry date), and not yet in force before its effective
// date, in force from it, unless something recorded says more. A status
// as printed that takes effect after d (repealed since a later day) is not
// yet the status on d.
func (h *History) StatusAt(d, effective Date) Status {
	s := h.StatusOn(d)
	if s.State != InForce && s.State != NotYetInForce && !s.Since.IsZero() && d.Compare(s.Since) < 0 {
		s = Status{State: InForce}
	}
	switch {
	case effective.IsZero():
	case d.Compare(effective) < 0 && (s.State == InForce || s.State == NotYetInForce):
		return Status{State: NotYetInForce}
	case s.State == NotYetInForce:
		return Status{State: InForce, Since: effective}
	}
	return s
}

// Existed returns the first day a document existed: the earliest of its
// signed date, its published date and the day its issue appeared (issued);
// zero when none is known.
func Existed(d *Document, issued Date) Date {
	first := Date{}
	for _, x := range []Date{d.Signed, d.Published, issued} {
		if !x.IsZero() && (first.IsZero() || x.Compare(first) < 0) {
			first = x
		}
	}
	return first
}

// InForceSpan returns the days a document was in force as far as its dates
// and its current validity st tell: from its effective date (its published
// date when it has none; zero: from always), up to but not including until,
// the day it was repealed or expired or its expiry date (zero: no end).
// ok is false when it was never in force as far as is known: not yet in
// force with no effective date, or repealed or expired with no date at
// all. Search filters on it (Query.InForceOn); a document amended stays in
// force, amended.
func InForceSpan(effective, published, expires Date, st Status) (from, until Date, ok bool) {
	from, until = effective, expires
	if from.IsZero() {
		from = published
	}
	switch st.State {
	case NotYetInForce:
		if effective.IsZero() {
			return Date{}, Date{}, false
		}
	case Repealed, Expired:
		switch {
		case !st.Since.IsZero() && (until.IsZero() || st.Since.Compare(until) < 0):
			until = st.Since
		case until.IsZero():
			return Date{}, Date{}, false
		}
	}
	if !until.IsZero() && !from.IsZero() && until.Compare(from) <= 0 {
		return Date{}, Date{}, false
	}
	return from, until, true
}

// InForceOn reports whether a document in force from…until (InForceSpan)
// was in force on day d.
func InForceOn(from, until, d Date) bool {
	return (from.IsZero() || from.Compare(d) <= 0) && (until.IsZero() || d.Compare(until) < 0)
}
