package typeset

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/gazette-archive/gazette/gazette"
)

// builtinSource serves the original texts embedded in the package.
type builtinSource struct{}

// Builtin returns the source of original texts embedded in the package,
// set in fictional provinces. It needs no files, so the demo can use it
// on any machine.
func Builtin() Source { return builtinSource{} }

var builtinProvinces = []Province{
	{Name: "澜江省", Short: "澜", Level: "省"},
	{Name: "苍梧省", Short: "梧", Level: "省"},
	{Name: "岚州省", Short: "岚", Level: "省"},
	{Name: "泽安省", Short: "泽", Level: "省"},
	{Name: "临海市", Short: "临", Level: "市"},
}

func (builtinSource) Name() string { return "builtin" }

func (builtinSource) Province(_ context.Context, rng *rand.Rand) (Province, gazette.Date, error) {
	p := builtinProvinces[rng.IntN(len(builtinProvinces))]
	y := 2012 + rng.IntN(13)
	return p, randomDate(rng, y), nil
}

// randomDate is a date in year y; days run to 28 so every month has them.
func randomDate(rng *rand.Rand, y int) gazette.Date {
	return gazette.Date{Year: y, Month: monthOf(1 + rng.IntN(12)), Day: 1 + rng.IntN(28)}
}

func (builtinSource) Material(_ context.Context, rng *rand.Rand, p Province, slot Slot, _ gazette.Date) (Material, error) {
	fill := func(s string) string {
		return strings.NewReplacer("{P}", p.Name, "{L}", p.Level, "{G}", p.Gov()).Replace(s)
	}
	fillAll := func(ss []string) []string {
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = fill(s)
		}
		return out
	}
	switch slot {
	case SlotOrder:
		r := builtinRules[rng.IntN(len(builtinRules))]
		return Material{Title: fill(r.title), Articles: fillAll(r.articles)}, nil
	case SlotGovernment, SlotOffice:
		n := builtinNotices[rng.IntN(len(builtinNotices))]
		authority := p.Gov()
		if slot == SlotOffice {
			authority = p.Office()
		}
		m := Material{Title: authority + fill(n.title), Paragraphs: fillAll(n.paras)}
		if n.attachment != nil {
			m.Articles = append([]string{fill(n.attachment.title)}, fillAll(n.attachment.articles)...)
		}
		return m, nil
	case SlotDepartment:
		d := builtinDepartments[rng.IntN(len(builtinDepartments))]
		n := builtinDeptNotices[rng.IntN(len(builtinDeptNotices))]
		authority := p.Name + d.name
		m := Material{
			Title: authority + fill(n.title), Paragraphs: fillAll(n.paras), Authority: authority,
			Agency: p.Short + d.code,
		}
		if n.attachment != nil {
			m.Articles = append([]string{fill(n.attachment.title)}, fillAll(n.attachment.articles)...)
		}
		return m, nil
	case SlotAppointment:
		return builtinAppointment(rng, p), nil
	}
	return Material{}, fmt.Errorf("typeset: builtin: unknown slot %d", slot)
}

func builtinAppointment(rng *rand.Rand, p Province) Material {
	name := func() string {
		s := string(builtinSurnames[rng.IntN(len(builtinSurnames))])
		for range 1 + rng.IntN(2) {
			s += string(builtinGiven[rng.IntN(len(builtinGiven))])
		}
		return s
	}
	first := name()
	var paras []string
	paras = append(paras, fmt.Sprintf("%s人民政府决定：", p.Level))
	for range 2 + rng.IntN(4) {
		unit := p.Level + builtinUnits[rng.IntN(len(builtinUnits))]
		post := builtinPosts[rng.IntN(len(builtinPosts))]
		if rng.IntN(3) == 0 {
			paras = append(paras, fmt.Sprintf("免去%s的%s%s职务。", name(), unit, post))
		} else {
			paras = append(paras, fmt.Sprintf("任命%s为%s%s；", name(), unit, post))
		}
	}
	return Material{
		Title:      fmt.Sprintf("%s关于%s等同志职务任免的通知", p.Gov(), first),
		Paragraphs: append(paras[:1], withFirst(paras[1:], first)...),
	}
}

// withFirst makes the first appointment name the person the title names.
func withFirst(paras []string, first string) []string {
	out := append([]string(nil), paras...)
	for _, prefix := range []string{"任命", "免去"} {
		if rest, ok := strings.CutPrefix(out[0], prefix); ok {
			end := strings.IndexAny(rest, "为的")
			if end > 0 {
				out[0] = prefix + first + rest[end:]
			}
			break
		}
	}
	return out
}
