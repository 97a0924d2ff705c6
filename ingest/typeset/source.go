package typeset

import (
	"context"
	"math/rand/v2"

	"github.com/gazette-archive/gazette/gazette"
)

// Province is the government whose gazette an issue is.
type Province struct {
	Name  string // 福建省, 上海市
	Short string // 闽, 沪: the first characters of its 文号 agency codes
	// Level is 省 or 市 (municipalities print 市政府文件, 市长).
	Level string
}

// Gov is the people's government: 福建省人民政府.
func (p Province) Gov() string { return p.Name + "人民政府" }

// Office is the government's general office: 福建省人民政府办公厅.
func (p Province) Office() string { return p.Gov() + "办公厅" }

// Slot is the kind of place a document takes in an issue.
type Slot int

// The slots of an issue, in the order of its sections.
const (
	SlotOrder       Slot = iota // 省政府令: a rule promulgated by order
	SlotGovernment              // 省政府文件
	SlotOffice                  // 省政府办公厅文件
	SlotDepartment              // 部门文件
	SlotAppointment             // 人事任免
	numSlots
)

// Material is what a Source supplies for one document; the composer adds
// the printed apparatus (addressee, signature, dates, 抄送).
type Material struct {
	// Title is the title as printed, e.g. 福建省人民政府关于…的通知; for an
	// order, the rule's own name (福建省…办法).
	Title string
	// DocNumber is the 文号 in the spelling to print; "" lets the composer
	// make one (and appointments may stay without).
	DocNumber string
	// Agency is the 文号 agency code (机关代字) the composer numbers with
	// when DocNumber is empty: 闽财规.
	Agency string
	// Signed is the date signed; zero lets the composer choose.
	Signed gazette.Date
	// Authority is the issuing body when it is not the government or its
	// office (a department): 福建省财政厅.
	Authority string
	// Articles are the paragraphs of a rule or of an attached measure, each
	// starting 第X条 (renumbered by the composer), or 第X章 headings.
	Articles []string
	// Paragraphs are the paragraphs of a notice's own text, without
	// addressee or signature; numbered sections start 一、二、.
	Paragraphs []string
}

// Source supplies texts for generated issues. Implementations must be
// deterministic given the random source, and safe for concurrent use.
type Source interface {
	// Name identifies the source in truth files and logs.
	Name() string
	// Province picks the government of an issue and the issue's date.
	Province(ctx context.Context, rng *rand.Rand) (Province, gazette.Date, error)
	// Material supplies one document for slot, dated near the issue date.
	Material(ctx context.Context, rng *rand.Rand, p Province, slot Slot, issue gazette.Date) (Material, error)
}
