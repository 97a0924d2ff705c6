package gazette

import "fmt"

// Kind is the kind of a gazette document.
type Kind string

// The kinds of document a gazette carries.
const (
	KindRule         Kind = "rule"         // 政府规章, numbered by 令
	KindNormative    Kind = "normative"    // 规范性文件, the bulk of a gazette
	KindNotice       Kind = "notice"       // 通知, 通报
	KindDecision     Kind = "decision"     // 决定, 批复, 命令
	KindAppointment  Kind = "appointment"  // 人事任免, often without 文号
	KindAnnouncement Kind = "announcement" // 公告, 通告
	KindOther        Kind = "other"
)

// Kinds lists every kind in display order.
var Kinds = []Kind{KindRule, KindNormative, KindNotice, KindDecision, KindAppointment, KindAnnouncement, KindOther}

var kindLabels = map[Kind]string{
	KindRule:         "政府规章",
	KindNormative:    "规范性文件",
	KindNotice:       "通知",
	KindDecision:     "决定",
	KindAppointment:  "人事任免",
	KindAnnouncement: "公告",
	KindOther:        "其他",
}

// Label is the kind's Chinese name.
func (k Kind) Label() string { return kindLabels[k] }

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool { _, ok := kindLabels[k]; return ok }

// ParseKind accepts a kind's code or its Chinese label. The error wraps ErrInvalid.
func ParseKind(s string) (Kind, error) { return parseLabelled("kind", s, Kinds) }

// parseLabelled accepts one of all by its code or its Chinese label; what
// names the field in the error, which wraps ErrInvalid.
func parseLabelled[T interface {
	~string
	Label() string
}](what, s string, all []T) (T, error) {
	for _, v := range all {
		if s == string(v) || s == v.Label() {
			return v, nil
		}
	}
	var zero T
	return zero, fmt.Errorf("%s %q: want one of %v: %w", what, s, all, ErrInvalid)
}

// Validity is a document's legal status (时效性).
type Validity string

// The validity states of a document.
const (
	InForce       Validity = "in_force"         // 现行有效
	Amended       Validity = "amended"          // 已修改
	Repealed      Validity = "repealed"         // 已废止
	Expired       Validity = "expired"          // 已失效
	NotYetInForce Validity = "not_yet_in_force" // 尚未生效
)

// Validities lists every validity state in display order.
var Validities = []Validity{InForce, Amended, Repealed, Expired, NotYetInForce}

var validityLabels = map[Validity]string{
	InForce:       "现行有效",
	Amended:       "已修改",
	Repealed:      "已废止",
	Expired:       "已失效",
	NotYetInForce: "尚未生效",
}

// Label is the state's Chinese name.
func (v Validity) Label() string { return validityLabels[v] }

// Valid reports whether v is one of Validities.
func (v Validity) Valid() bool { _, ok := validityLabels[v]; return ok }

// ParseValidity accepts a state's code or its Chinese label. The error wraps ErrInvalid.
func ParseValidity(s string) (Validity, error) { return parseLabelled("validity", s, Validities) }

func checkKind(p problems, k Kind) {
	if !k.Valid() {
		p.add("kind", "不是可选的种类", "%q is not one of %v", k, Kinds)
	}
}
