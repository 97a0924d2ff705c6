package editorial

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

// State is where a draft is in its workflow:
// drafting → submitted → approved → scheduled → published.
// Only a draft being drafted can be edited: a submitted or approved draft
// is locked, and goes back to drafting when a chief editor rejects it or
// when it is withdrawn (Withdraw), both audited, so what was approved is
// what gets published.
type State string

// The draft states.
const (
	StateDrafting  State = "drafting"
	StateSubmitted State = "submitted"
	StateApproved  State = "approved"
	StateScheduled State = "scheduled"
	StatePublished State = "published"
)

// Draft is an issue being prepared. Its record is stored at
// editorial/drafts/<id>/draft.json and its print PDF beside it under its
// SHA-256; every save is conditional on ETag.
type Draft struct {
	ID string `json:"id"`
	// Issue is the issue as it will be published: Gazette, IssueKey,
	// TotalNumber, Published (the release time, with the print edition) and
	// PDF. Contents is derived from Documents when it is scheduled.
	Issue gazette.Issue `json:"issue"`
	// Documents in print order. Their IDs, Issue and Version are derived on
	// save from the issue key and the position.
	Documents []gazette.Document `json:"documents"`
	State     State              `json:"state"`
	Author    string             `json:"author"`
	// Contributors is everyone who has changed the draft, the author first;
	// none of them may approve it.
	Contributors []string  `json:"contributors"`
	Created      time.Time `json:"created"`
	Updated      time.Time `json:"updated"`
	UpdatedBy    string    `json:"updated_by"`
	ApprovedBy   string    `json:"approved_by,omitempty"`
	ScheduledBy  string    `json:"scheduled_by,omitempty"`
	// Note is the last rejection's reason, or the approval withdrawn.
	Note string `json:"note,omitempty"`
	// Review lists what the ingest pipeline asks a person to check.
	Review []string `json:"review,omitempty"`
	// Pages record how each page of the print PDF was read and which
	// paragraphs of which documents it gave, so that a page can be read
	// again (RereadPage); set from the ingest result, empty for drafts
	// typed in. Save leaves them as they are.
	Pages []PageText `json:"pages,omitempty"`
	// Rev counts saves; it also makes every save's content, hence its ETag,
	// differ from all earlier ones.
	Rev int `json:"rev"`
	// ETag is the stored version this value was read as; pass the draft
	// back unchanged to Save so a concurrent save is detected.
	ETag string `json:"-"`
	// Damage, set only in what Drafts lists, says why the stored record
	// could not be read; such a draft has only its ID and ETag and is
	// repaired with RepairDraft or deleted with DeleteDraft.
	Damage string `json:"-"`
}

// MaxDocuments bounds the documents of one draft.
const MaxDocuments = 2000

// AddDocument inserts d at position at (0-based; len(Documents) appends).
func (d *Draft) AddDocument(at int, doc gazette.Document) error {
	if at < 0 || at > len(d.Documents) {
		return invalidf("add document at %d: want 0–%d", at, len(d.Documents))
	}
	if len(d.Documents) >= MaxDocuments {
		return invalidf("a draft holds at most %d documents", MaxDocuments)
	}
	d.Documents = slices.Insert(d.Documents, at, doc)
	return nil
}

// RemoveDocument removes the document at position i (0-based).
func (d *Draft) RemoveDocument(i int) error {
	if i < 0 || i >= len(d.Documents) {
		return invalidf("remove document %d: want 0–%d", i, len(d.Documents)-1)
	}
	d.Documents = slices.Delete(d.Documents, i, i+1)
	return nil
}

// MoveDocument moves the document at position from to position to (0-based).
func (d *Draft) MoveDocument(from, to int) error {
	n := len(d.Documents)
	if from < 0 || from >= n || to < 0 || to >= n {
		return invalidf("move document %d to %d: want positions 0–%d", from, to, n-1)
	}
	doc := d.Documents[from]
	d.Documents = slices.Insert(slices.Delete(d.Documents, from, from+1), to, doc)
	return nil
}

// renumber derives each document's ID, issue and version from the issue
// key and its position.
func (d *Draft) renumber() {
	for i := range d.Documents {
		d.Documents[i].ID = gazette.DocumentID(d.Issue.IssueKey, i+1)
		d.Documents[i].Issue = d.Issue.IssueKey
		d.Documents[i].Version = 1
		d.Documents[i].TrimSources()
	}
}

// Publishable returns the issue and documents as they would be published,
// or a gazette.ValidationError naming every problem (it wraps
// gazette.ErrInvalid). Submitting, approving and scheduling require it to
// pass.
func (d *Draft) Publishable() (gazette.Issue, []gazette.Document, error) {
	c := *d
	c.Documents = slices.Clone(d.Documents)
	c.renumber()
	issue := c.Issue
	issue.Contents = make([]gazette.Entry, len(c.Documents))
	var problems gazette.ValidationError
	for i := range c.Documents {
		issue.Contents[i] = c.Documents[i].Entry()
		var ve gazette.ValidationError
		if err := c.Documents[i].Validate(); errors.As(err, &ve) {
			for _, fe := range ve {
				fe.Field = fmt.Sprintf("documents[%d].%s", i, fe.Field)
				problems = append(problems, fe)
			}
		}
	}
	var ve gazette.ValidationError
	if err := issue.Validate(); errors.As(err, &ve) {
		// The contents are derived from the documents: name a problem once,
		// by the document an editor fixes.
		seen := map[string]bool{}
		for _, fe := range problems {
			seen[fe.Field+"\x00"+fe.Problem] = true
		}
		var own gazette.ValidationError
		for _, fe := range ve {
			if rest, ok := strings.CutPrefix(fe.Field, "contents["); ok {
				fe.Field = "documents[" + rest
			}
			if !seen[fe.Field+"\x00"+fe.Problem] {
				seen[fe.Field+"\x00"+fe.Problem] = true
				own = append(own, fe)
			}
		}
		problems = append(own, problems...)
	}
	if len(problems) > 0 {
		return gazette.Issue{}, nil, problems
	}
	return issue, c.Documents, nil
}

// Problems lists what keeps the draft from being submitted: every broken
// rule of its issue and documents, with field paths as in Publishable. A
// release moment not yet chosen is not one of them: the chief editor
// chooses it when scheduling (ScheduleAt).
func (d *Draft) Problems() gazette.ValidationError {
	_, _, err := d.Publishable()
	var ve gazette.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	var out gazette.ValidationError
	for _, fe := range ve {
		if fe.Field == "published" && d.Issue.Published.IsZero() {
			continue
		}
		out = append(out, fe)
	}
	return out
}

func draftKey(id string) string { return draftsPrefix + id + "/draft.json" }
func pdfKey(id, sum string) string {
	return draftsPrefix + id + "/pdf/" + sum + ".pdf"
}

func checkDraftID(id string) error {
	if len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" {
		return fmt.Errorf("editorial: draft ID %q: %w", id, gazette.ErrNotFound)
	}
	return nil
}
