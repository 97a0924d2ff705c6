package gazette

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// RelationType is how one document concerns another: it rests on it
// (依据), amends it (修改), repeals it (废止), interprets it (解读), forwards
// it (转发), corrects it (更正), ends its validity (失效) or just cites it
// (引用).
type RelationType string

// The relation types, each running from the document that makes the
// relation to the document it concerns.
const (
	BasedOn    RelationType = "based_on"   // 依据
	Amends     RelationType = "amends"     // 修改
	Repeals    RelationType = "repeals"    // 废止
	Interprets RelationType = "interprets" // 解读
	Forwards   RelationType = "forwards"   // 转发
	Corrects   RelationType = "corrects"   // 更正
	Ends       RelationType = "ends"       // 失效: declares it no longer valid
	Cites      RelationType = "cites"      // 引用
)

// RelationTypes lists every relation type in display order.
var RelationTypes = []RelationType{BasedOn, Amends, Repeals, Interprets, Forwards, Corrects, Ends, Cites}

var relationLabels = map[RelationType][2]string{
	// the verb from the maker's side, and the words from the other side
	BasedOn:    {"依据", "被作为依据"},
	Amends:     {"修改", "被修改"},
	Repeals:    {"废止", "被废止"},
	Interprets: {"解读", "被解读"},
	Forwards:   {"转发", "被转发"},
	Corrects:   {"更正", "被更正"},
	Ends:       {"宣布失效", "被宣布失效"},
	Cites:      {"引用", "被引用"},
}

// Label is the relation's Chinese verb, as the making document reads:
// 依据, 修改, 废止...
func (t RelationType) Label() string { return relationLabels[t][0] }

// InverseLabel is the relation as the document it concerns reads it:
// 被修改, 被废止...
func (t RelationType) InverseLabel() string { return relationLabels[t][1] }

// Valid reports whether t is one of RelationTypes.
func (t RelationType) Valid() bool { _, ok := relationLabels[t]; return ok }

// Changes reports whether the relation changes the document it concerns
// (修改, 废止, 更正, 失效): such relations can only run from a later document
// to an earlier one, and never in a cycle.
func (t RelationType) Changes() bool {
	return t == Amends || t == Repeals || t == Corrects || t == Ends
}

// Acyclic reports whether relations of this type may not form a cycle: all
// but 引用 (two documents signed the same day may cite each other).
func (t RelationType) Acyclic() bool { return t != Cites }

// ParseRelationType accepts a type's code or its Chinese verb. The error
// wraps ErrInvalid.
func ParseRelationType(s string) (RelationType, error) {
	for _, t := range RelationTypes {
		if s == string(t) || s == t.Label() {
			return t, nil
		}
	}
	return "", fmt.Errorf("relation type %q: want one of %v: %w", s, RelationTypes, ErrInvalid)
}

// RelationOrigin says where a relation came from.
type RelationOrigin string

const (
	// OriginEditor is a relation an editor recorded.
	OriginEditor RelationOrigin = "editor"
	// OriginText is a relation read from the document's text: a citation
	// resolved against the archive, typed by the words around it.
	OriginText RelationOrigin = "text"
	// OriginValidity is a validity change (修改, 废止, 失效) recorded on the
	// document it concerns, naming the one that caused it.
	OriginValidity RelationOrigin = "validity"
)

// MaxProvisionRunes bounds a relation's provision.
const MaxProvisionRunes = 40

// provisionRE is a provision as printed: 第十三条, 第3条, 第二章, 第十三条第二款,
// 第五条第一款第（三）项.
var provisionRE = regexp.MustCompile(`^第[0-9一二三四五六七八九十百千零〇]+[编章节条](?:之[一二三四五六七八九十]+)?(?:第[0-9一二三四五六七八九十]+款)?(?:第[（(]?[0-9一二三四五六七八九十]+[)）]?项)?$`)

// Relation is a typed, dated link from the document that makes it (the
// history it is recorded in) to the document it concerns (Target). Once
// recorded it is never removed: an editor withdraws it by recording it
// again with Withdrawn set, and the latest record of a (Type, Target,
// Provision) wins.
type Relation struct {
	Type RelationType `json:"type"`
	// Target is the ID of the document the relation concerns.
	Target string `json:"target"`
	// Provision is the part of the target concerned (第十三条), if not all.
	Provision string `json:"provision,omitempty"`
	// Since is the date the relation takes effect (an amendment's
	// 施行日期); zero when it is the making document's own date.
	Since Date `json:"since"`
	// Note is an optional explanation.
	Note string `json:"note,omitempty"`
	// Withdrawn marks the relation as taken back.
	Withdrawn bool `json:"withdrawn,omitempty"`
	// By is the editor who recorded it.
	By string `json:"by"`
	// At is when it was recorded.
	At time.Time `json:"at"`
}

// Same reports whether r and o are records of one relation: the same type,
// target and provision.
func (r *Relation) Same(o *Relation) bool {
	return r.Type == o.Type && r.Target == o.Target && r.Provision == o.Provision
}

// Validate checks every field and returns a ValidationError naming each
// broken rule, or nil. Whether Target names a published document, and the
// dates and cycles that depend on other documents, are for the archive to
// check.
func (r *Relation) Validate() error {
	p := newProblems()
	checkRelation(p, r)
	return p.err()
}

func checkRelation(p problems, r *Relation) {
	if !r.Type.Valid() {
		p.add("type", "不是可选的关系类型", "%q is not one of %v", r.Type, RelationTypes)
	}
	if r.Target == "" {
		p.add("target", "未填写所涉文件", "missing")
	} else if _, _, err := ParseDocumentID(r.Target); err != nil {
		p.add("target", "不是已发布文件的编号", "%v", err)
	}
	switch n := utf8.RuneCountInString(r.Provision); {
	case r.Provision == "":
	case n > MaxProvisionRunes:
		p.add("provision", fmt.Sprintf("超过%d个字", MaxProvisionRunes), "longer than %d characters", MaxProvisionRunes)
	case !provisionRE.MatchString(NormalizeProvision(r.Provision)):
		p.add("provision", "应写作 第N条、第N章 或 第N条第N款", "%q is not a provision such as 第十三条", r.Provision)
	case NormalizeProvision(r.Provision) != r.Provision:
		p.add("provision", "应写作 "+NormalizeProvision(r.Provision), "%q is not in canonical form %q", r.Provision, NormalizeProvision(r.Provision))
	}
	checkDay(p, "since", r.Since, false)
	checkReason(p, "note", r.Note, false)
	checkActor(p, "by", r.By)
	if r.At.IsZero() {
		p.add("at", "未填写", "missing")
	}
}

// NormalizeProvision folds the spellings of a provision that do not change
// it: spaces and full-width digits go, so 第 13 条 and 第１３条 are 第13条.
func NormalizeProvision(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '\u3000' || isZeroWidth(r):
		case r >= '０' && r <= '９':
			b.WriteRune(r - '０' + '0')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Effective returns the relations in force after every record in rs: for
// each (Type, Target, Provision) the latest record, unless it withdrew the
// relation; in the order each was first recorded.
func Effective(rs []Relation) []Relation {
	var out []Relation
	for i := range rs {
		r := rs[i]
		j := slices.IndexFunc(out, func(o Relation) bool { return o.Same(&r) })
		switch {
		case j < 0 && !r.Withdrawn:
			out = append(out, r)
		case j >= 0 && r.Withdrawn:
			out = slices.Delete(out, j, j+1)
		case j >= 0:
			out[j] = r
		}
	}
	return out
}

// Provision parses the provision printed directly after a citation (第十三条
// in 《行政处罚法》第十三条), returning it and its length in bytes, or "" and 0.
func Provision(after string) (string, int) {
	m := provisionPrefixRE.FindString(after)
	if m == "" {
		return "", 0
	}
	return NormalizeProvision(m), len(m)
}

var provisionPrefixRE = regexp.MustCompile(`^第[0-9０-９一二三四五六七八九十百千零〇]+[编章节条](?:之[一二三四五六七八九十]+)?(?:第[0-9０-９一二三四五六七八九十]+款)?(?:第[（(]?[0-9０-９一二三四五六七八九十]+[)）]?项)?`)

// WithdrawnRelations returns the relations whose latest record in rs
// withdrew them: what an editor took back, including relations read from
// the text (OriginText) that an editor found wrong.
func WithdrawnRelations(rs []Relation) []Relation {
	var out []Relation
	for i := range rs {
		r := rs[i]
		j := slices.IndexFunc(out, func(o Relation) bool { return o.Same(&r) })
		switch {
		case j < 0 && r.Withdrawn:
			out = append(out, r)
		case j >= 0 && !r.Withdrawn:
			out = slices.Delete(out, j, j+1)
		}
	}
	return out
}

// Link is one relation between two published documents as readers see it.
type Link struct {
	Type RelationType `json:"type"`
	// From is the document that makes the relation, To the one it
	// concerns.
	From string `json:"from"`
	To   string `json:"to"`
	// Provision is the part of To concerned (第十三条), if not all of it.
	Provision string `json:"provision,omitempty"`
	// Date is when the relation takes effect: the date an editor or a
	// validity change gives, else the making document's date.
	Date   Date           `json:"date"`
	Origin RelationOrigin `json:"origin"`
	// Text is the citation as printed, for a relation read from the text.
	Text string `json:"text,omitempty"`
	Note string `json:"note,omitempty"`
	// By and At say who recorded it and when, for an editor's relation or
	// a validity change.
	By string     `json:"by,omitempty"`
	At *time.Time `json:"at,omitempty"`
}

// Relations is what a document relates to, and what relates to it.
type Relations struct {
	ID string `json:"id"`
	// Out are the relations the document makes: what it rests on,
	// changes, interprets, forwards or cites.
	Out []Link `json:"out"`
	// In are the relations others make to it: what changed, interpreted,
	// forwarded or cites it.
	In []Link `json:"in"`
	// MoreIn counts the documents whose texts cite it beyond those read
	// for In (the latest ones), for a document cited very widely.
	MoreIn int `json:"more_in,omitempty"`
}
