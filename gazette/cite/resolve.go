package cite

import (
	"slices"

	"github.com/gazette-archive/gazette/gazette"
)

// Candidate is a document a lookup found for a citation.
type Candidate struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	DocNumber string `json:"doc_number,omitempty"`
	// Date is when the document came into being: its signed date, else
	// its published date; zero when unknown.
	Date gazette.Date `json:"date"`
}

// Outcome is what became of a citation.
type Outcome string

const (
	// Resolved: the citation names one published document.
	Resolved Outcome = "resolved"
	// Missing: no published document fits: the archive lacks it (or has
	// it only under embargo, which a lookup never returns), or has only
	// versions that did not exist yet when the citing document was made.
	Missing Outcome = "missing"
	// Ambiguous: several different documents fit equally; the citation is
	// not linked, and editors see the candidates.
	Ambiguous Outcome = "ambiguous"
	// Self: the citing document names itself (its own 文号, or the title
	// it prints: 现将《XX办法》印发给你们 in 关于印发《XX办法》的通知); never a
	// link.
	Self Outcome = "self"
	// Withdrawn: it resolved, but an editor took back the relation it
	// proposes (a wrong reading); not linked, and not missing.
	Withdrawn Outcome = "withdrawn"
)

// IsSelf reports whether c names the document that prints it, whose title
// and 文号 (canonical, "" for none) are given: by its 文号, by its title, or
// by a title its title carries in 《》 (关于印发《XX办法》的通知 prints XX办法).
func IsSelf(c *Citation, title, docNumber string) bool {
	if !c.Number.IsZero() {
		return docNumber != "" && c.Number.String() == docNumber
	}
	if c.Key == NormalizeTitle(title) {
		return true
	}
	for _, t := range findTitles(title) {
		if NormalizeTitle(title[t[0]:t[1]]) == c.Key {
			return true
		}
	}
	return false
}

// Resolution is a citation's outcome, with the document it names when
// Resolved, and the documents that fit when Ambiguous.
type Resolution struct {
	Outcome    Outcome     `json:"outcome"`
	ID         string      `json:"id,omitempty"`
	Candidates []Candidate `json:"candidates,omitempty"`
}

// Choose decides which of the candidates a lookup found (by the
// citation's 文号, or by its title's key) the citation c, in a document
// made on date citing (zero: unknown), means. The rule, in order:
//
//  1. a document is never its own citation: self is dropped;
//  2. a document cannot cite one that did not exist yet: candidates dated
//     after citing are dropped (with an unknown date on either side they
//     stay);
//  3. a revision year (《…法（2019年修正）》) keeps the candidates of that
//     year, and only them;
//  4. one left: Resolved; none: Missing;
//  5. several that are versions of one document (the same title key):
//     the latest one, the version that stood when it was cited;
//  6. else Ambiguous, with the candidates in the order given.
func Choose(c *Citation, citing gazette.Date, self string, cands []Candidate) Resolution {
	var fit []Candidate
	for _, x := range cands {
		switch {
		case x.ID == self, slices.ContainsFunc(fit, func(f Candidate) bool { return f.ID == x.ID }):
		case !citing.IsZero() && !x.Date.IsZero() && x.Date.Compare(citing) > 0:
		case c.Year > 0 && x.Date.Year != c.Year:
		default:
			fit = append(fit, x)
		}
	}
	switch len(fit) {
	case 0:
		return Resolution{Outcome: Missing}
	case 1:
		return Resolution{Outcome: Resolved, ID: fit[0].ID}
	}
	k := NormalizeTitle(fit[0].Title)
	if !slices.ContainsFunc(fit, func(x Candidate) bool { return NormalizeTitle(x.Title) != k || x.Date.IsZero() }) {
		latest := fit[0]
		for _, x := range fit[1:] {
			if x.Date.Compare(latest.Date) > 0 {
				latest = x
			}
		}
		if !slices.ContainsFunc(fit, func(x Candidate) bool { return x.ID != latest.ID && x.Date == latest.Date }) {
			return Resolution{Outcome: Resolved, ID: latest.ID}
		}
	}
	return Resolution{Outcome: Ambiguous, Candidates: fit}
}

// Found is a citation found in a document's text with what became of
// it: Resolution.ID names the published document it links to when
// Outcome is Resolved.
type Found struct {
	Placed
	Resolution
}

// Unresolved is a document cited in the archive that no published document
// answers: missing (to be loaded), or ambiguous (to be told apart).
type Unresolved struct {
	// Ref identifies the cited document (Citation.Ref).
	Ref string `json:"ref"`
	// Label names it as cited: 《title》（文号）.
	Label   string  `json:"label"`
	Outcome Outcome `json:"outcome"`
	// Count is how many published documents cite it without a link.
	Count int `json:"count"`
	// Documents are the citing documents, up to a limit the archive sets.
	Documents []string `json:"documents"`
	// Candidates are the documents an ambiguous citation may mean.
	Candidates []Candidate `json:"candidates,omitempty"`
}
