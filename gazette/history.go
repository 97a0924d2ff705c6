package gazette

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// SystemActor is the By of changes nobody made by hand, such as a document
// expiring on its expiry date.
const SystemActor = "system"

// Limits on the free text of history entries.
const (
	MaxReasonRunes = 2000
	MaxActorRunes  = 100
)

// Correction (勘误) is why and by whom a published document got a new version.
// The text as printed is never rewritten: a correction adds a version.
type Correction struct {
	// Reason says what was wrong, as shown to readers beside the notice.
	Reason string `json:"reason"`
	// Date is the date of the correction notice.
	Date Date `json:"date"`
	// By is the account (or token) of the editor who made it.
	By string `json:"by"`
	// Proofread says the editor read the whole text against the original
	// in making it: pages OCR read become proofread (Document.MarkProofread).
	Proofread bool `json:"proofread,omitempty"`
}

// Validate checks every field and returns a ValidationError naming each
// broken rule, or nil.
func (c *Correction) Validate() error {
	p := newProblems()
	checkReason(p, "reason", c.Reason, true)
	checkDay(p, "date", c.Date, true)
	checkActor(p, "by", c.By)
	return p.err()
}

// ValidityChange is one change of a document's validity (时效性): amended,
// repealed, expired..., since a date, usually caused by another document.
type ValidityChange struct {
	State Validity `json:"state"`
	// Since is the date the new state takes effect; it may be in the future
	// (自2027年1月1日起废止), and then the state applies from that day.
	Since Date `json:"since"`
	// ChangedBy is the ID of the document that made the change, perhaps in
	// a later issue; required for amended and repealed.
	ChangedBy string `json:"changed_by,omitempty"`
	// Note is an optional explanation shown in the timeline.
	Note string `json:"note,omitempty"`
	// By is the editor who recorded the change, or SystemActor.
	By string `json:"by"`
	// At is when the change was recorded.
	At time.Time `json:"at"`
}

// Status is the validity the change gives its document.
func (ch *ValidityChange) Status() Status {
	return Status{State: ch.State, Since: ch.Since, ChangedBy: ch.ChangedBy}
}

// Validate checks every field and returns a ValidationError naming each
// broken rule, or nil. Whether ChangedBy names a published document is for
// the archive to check.
func (ch *ValidityChange) Validate() error {
	p := newProblems()
	checkValidityChange(p, ch)
	return p.err()
}

func checkValidityChange(p problems, ch *ValidityChange) {
	if !ch.State.Valid() {
		p.add("state", "不是可选的时效状态", "%q is not one of %v", ch.State, Validities)
	}
	checkDay(p, "since", ch.Since, true)
	switch {
	case ch.ChangedBy == "" && (ch.State == Amended || ch.State == Repealed):
		p.add("changed_by", ch.State.Label()+"的文件须注明引起变更的文件", "a document %s must link the document that changed it", ch.State.Label())
	case ch.ChangedBy != "":
		if _, _, err := ParseDocumentID(ch.ChangedBy); err != nil {
			p.add("changed_by", "不是已发布文件的编号", "%v", err)
		}
	}
	checkReason(p, "note", ch.Note, false)
	checkActor(p, "by", ch.By)
	if ch.At.IsZero() {
		p.add("at", "未填写", "missing")
	}
}

// Version is one version of a document's text: version 1 as printed, each
// later one a correction.
type Version struct {
	Number int `json:"number"`
	// SHA256 and Size identify the version's stored record.
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	// Correction is why the version was made; absent for version 1.
	Correction *Correction `json:"correction,omitempty"`
	// At is when the version was recorded (for version 1, when its issue
	// was published).
	At time.Time `json:"at"`
}

// History is the story of one published document: its versions and the
// changes of its validity. Nothing in it is ever removed; changes are
// appended.
type History struct {
	// ID is the document's ID.
	ID string `json:"id"`
	// Printed is the validity the document had as printed.
	Printed Status `json:"printed"`
	// Expires is the expiry date (有效期至) of the current version, copied
	// from it; zero when it has none.
	Expires Date `json:"expiry_date"`
	// Versions are in order, Versions[0] being the text as printed.
	Versions []Version `json:"versions"`
	// Validity lists the recorded changes in the order they were recorded.
	Validity []ValidityChange `json:"validity"`
	// Relations lists the relations this document makes to others (依据,
	// 修改, 废止...) that editors recorded, in the order they were recorded;
	// Effective folds them into those in force.
	Relations []Relation `json:"relations,omitempty"`
}

// Current returns the latest version.
func (h *History) Current() Version { return h.Versions[len(h.Versions)-1] }

// LatestCorrection returns the correction that made the current version, or
// nil when the current version is the text as printed.
func (h *History) LatestCorrection() *Correction { return h.Current().Correction }

// Timeline returns the validity changes ordered by the date they take
// effect; changes taking effect the same day keep the order they were
// recorded in, so the later record wins.
func (h *History) Timeline() []ValidityChange {
	t := slices.Clone(h.Validity)
	slices.SortStableFunc(t, func(a, b ValidityChange) int { return a.Since.Compare(b.Since) })
	return t
}

// Recorded returns the status on day d from what is recorded: the last
// change in the Timeline taking effect on or before d, else the printed
// status.
func (h *History) Recorded(d Date) Status {
	s := h.Printed
	for _, ch := range h.Timeline() {
		if ch.Since.Compare(d) > 0 {
			break
		}
		s = ch.Status()
	}
	return s
}

// StatusOn returns the status on day d: Recorded, and expired from the
// expiry date on even when no one recorded it, unless the document was
// repealed or had already expired.
func (h *History) StatusOn(d Date) Status {
	return ExpireOn(h.Recorded(d), h.Expires, d)
}

// ExpireOn applies an expiry date to status s on day d: a document whose
// expiry date has come is expired from that date, unless it is repealed or
// expired already.
func ExpireOn(s Status, expires, d Date) Status {
	if expires.IsZero() || expires.Compare(d) > 0 || s.State == Repealed || s.State == Expired {
		return s
	}
	return Status{State: Expired, Since: expires}
}

// NewHistory returns the history of a document as printed, whose record
// (version 1) has the given checksum and size and was published at.
func NewHistory(printed *Document, sha256 string, size int64, at time.Time) History {
	return History{
		ID:       printed.ID,
		Printed:  printed.Validity,
		Expires:  printed.Expires,
		Versions: []Version{{Number: 1, SHA256: sha256, Size: size, At: at}},
	}
}

// Validate checks the history and returns a ValidationError naming each
// broken rule, or nil.
func (h *History) Validate() error {
	p := newProblems()
	if _, _, err := ParseDocumentID(h.ID); err != nil {
		p.add("id", "编号有误", "%v", err)
	}
	if !h.Printed.State.Valid() {
		p.add("printed.state", "不是可选的时效状态", "%q is not one of %v", h.Printed.State, Validities)
	}
	checkDay(p, "expiry_date", h.Expires, false)
	if len(h.Versions) == 0 {
		p.add("versions", "缺少印刷版本", "a document has at least the version as printed")
	}
	for i, v := range h.Versions {
		vp := p.under(fmt.Sprintf("versions[%d].", i))
		if v.Number != i+1 {
			vp.add("number", "版本号不连续", "%d, want %d", v.Number, i+1)
		}
		if !isSHA256Hex(v.SHA256) {
			vp.add("sha256", "校验值有误", "want 64 lower-case hex digits, got %q", v.SHA256)
		}
		if v.Size <= 0 {
			vp.add("size", "大小有误", "must be positive")
		}
		switch {
		case i == 0 && v.Correction != nil:
			vp.add("correction", "印刷版本不是勘误", "the version as printed is not a correction")
		case i > 0 && v.Correction == nil:
			vp.add("correction", "之后的每个版本都须是勘误", "missing: every later version is a correction")
		case v.Correction != nil:
			if err := v.Correction.Validate(); err != nil {
				for _, fe := range err.(ValidationError) {
					vp.add("correction."+fe.Field, fe.Zh, "%s", fe.Problem)
				}
			}
		}
	}
	for i := range h.Validity {
		checkValidityChange(p.under(fmt.Sprintf("validity[%d].", i)), &h.Validity[i])
		if h.Validity[i].ChangedBy == h.ID && h.ID != "" {
			p.add(fmt.Sprintf("validity[%d].changed_by", i), "文件不能变更自身", "a document cannot change itself")
		}
	}
	for i := range h.Relations {
		checkRelation(p.under(fmt.Sprintf("relations[%d].", i)), &h.Relations[i])
		if h.Relations[i].Target == h.ID && h.ID != "" {
			p.add(fmt.Sprintf("relations[%d].target", i), "文件不能与自身建立关系", "a document cannot relate to itself")
		}
	}
	return p.err()
}

func checkReason(p problems, field, s string, required bool) {
	switch n := utf8.RuneCountInString(s); {
	case required && strings.TrimSpace(s) == "":
		p.add(field, "未填写", "missing")
	case !utf8.ValidString(s):
		p.add(field, "含有无法识别的字符", "not valid UTF-8")
	case n > MaxReasonRunes:
		p.add(field, fmt.Sprintf("%d个字，超过上限%d", n, MaxReasonRunes), "%d characters, more than %d", n, MaxReasonRunes)
	}
}

func checkActor(p problems, field, s string) {
	switch {
	case strings.TrimSpace(s) == "":
		p.add(field, "未填写变更人", "missing: say who made the change")
	case strings.TrimSpace(s) != s, !utf8.ValidString(s):
		p.add(field, "前后有空格或含有无法识别的字符", "padded with spaces or not valid UTF-8: %q", s)
	case utf8.RuneCountInString(s) > MaxActorRunes:
		p.add(field, fmt.Sprintf("超过%d个字", MaxActorRunes), "longer than %d characters", MaxActorRunes)
	}
}

func checkDay(p problems, field string, d Date, required bool) {
	switch {
	case d.IsZero():
		if required {
			p.add(field, "未填写", "missing")
		}
	case d.Year < MinYear || d.Year > MaxYear:
		p.add(field, fmt.Sprintf("年份%d不在%d—%d之间", d.Year, MinYear, MaxYear), "year %d outside %d–%d", d.Year, MinYear, MaxYear)
	}
}
