package gazette

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Home is the government that publishes a gazette, read from the gazette's
// name: 福建省人民政府公报 is published by 福建省人民政府, whose place is 福建省 at
// the level of a 省. In that gazette 省政府令 means 福建省人民政府令.
type Home struct {
	Place string // 福建省, 厦门市, 广西壮族自治区
	Level string // the suffix of Place that names its level: 省, 市, 自治区, 自治州, 县, 区
	// Abbrev is the province's one-character abbreviation (简称) that its
	// agency codes begin with (闽 in 闽政办), or "" below the province level.
	Abbrev string
}

// levels are the suffixes of place names, longest first.
var levels = []string{"特别行政区", "自治区", "自治州", "自治县", "省", "市", "县", "区", "州", "盟"}

// provinceAbbrevs are the one-character abbreviations of the provincial
// governments, which begin their agency codes (闽政, 粤府办). They are
// national facts (GB/T 2260), not one province's list.
var provinceAbbrevs = map[string]string{
	"北京": "京", "天津": "津", "河北": "冀", "山西": "晋", "内蒙古": "内", "辽宁": "辽", "吉林": "吉",
	"黑龙江": "黑", "上海": "沪", "江苏": "苏", "浙江": "浙", "安徽": "皖", "福建": "闽", "江西": "赣",
	"山东": "鲁", "河南": "豫", "湖北": "鄂", "湖南": "湘", "广东": "粤", "广西": "桂", "海南": "琼",
	"重庆": "渝", "四川": "川", "贵州": "黔", "云南": "云", "西藏": "藏", "陕西": "陕", "甘肃": "甘",
	"青海": "青", "宁夏": "宁", "新疆": "新",
}

// HomeOf reads the publishing government from a gazette's name
// (福建省人民政府公报, 厦门市人民政府公报, 福建省政府公报). It reports false for a
// name that names no place, such as the default 政府公报.
func HomeOf(gazetteName string) (Home, bool) {
	s := strings.TrimSpace(FoldSearchText(gazetteName))
	s = strings.TrimSuffix(s, "公报")
	for _, gov := range []string{"人民政府", "政府"} {
		if strings.HasSuffix(s, gov) {
			s = strings.TrimSuffix(s, gov)
			break
		}
	}
	for _, l := range levels {
		if strings.HasSuffix(s, l) && len(s) > len(l) {
			h := Home{Place: s, Level: l}
			// Provinces, autonomous regions and the four municipalities
			// have abbreviations; the name before the level (or before
			// the ethnic name of a region: 广西壮族自治区) finds it.
			for name, a := range provinceAbbrevs {
				if strings.HasPrefix(s, name) && (l == "省" || l == "自治区" || l == "市" && len(s) == len(name)+len(l)) {
					h.Abbrev = a
				}
			}
			return h, true
		}
	}
	return Home{}, false
}

// ProvinceAbbrev returns the abbreviation (简称) of the province whose name
// s begins with, followed by its level (广东省卫生健康委员会 → 粤, 广西壮族自治区
// → 桂, 上海市 → 沪), and ok false when s begins with no province's name.
func ProvinceAbbrev(s string) (abbrev string, ok bool) {
	for name, a := range provinceAbbrevs {
		rest, found := strings.CutPrefix(s, name)
		if !found {
			continue
		}
		for _, l := range []string{"省", "自治区", "壮族自治区", "回族自治区", "维吾尔自治区", "市"} {
			if strings.HasPrefix(rest, l) {
				return a, true
			}
		}
	}
	return "", false
}

// IsProvinceAbbrev reports whether r is a province's abbreviation.
func IsProvinceAbbrev(r rune) bool {
	for _, a := range provinceAbbrevs {
		if a == string(r) {
			return true
		}
	}
	return false
}

// Government is the home government's full name: 福建省人民政府.
func (h Home) Government() string { return h.Place + "人民政府" }

// LocalDocNumbers returns the numbers n may stand for in the gazette named
// gazetteName, n itself first: any spelling of the home government's order
// (福建省人民政府令, 省政府令, 省人民政府令, 本省政府令, 本府令, 福建省政府令 in
// 福建省人民政府公报; 市政府令 in a city's) as 福建省人民政府令, then 省政府令 and
// 省人民政府令, and a provincial agency
// code typed without its abbreviation (政办〔2019〕3号) with it (闽政办). A
// caller tries them in order and takes the first the archive holds, so a
// number that exists as typed always wins.
func LocalDocNumbers(n DocNumber, gazetteName string) []DocNumber {
	out := []DocNumber{n}
	h, ok := HomeOf(gazetteName)
	if !ok || n.IsZero() {
		return out
	}
	a := n.Agency
	switch n.Kind {
	case DocNumberOrder:
		short := strings.TrimPrefix(a, "本")
		for _, gov := range []string{"人民政府令", "政府令", "府令"} {
			if short == gov || short == h.Level+gov || short == h.Place+gov {
				// The full name first, then the short forms gazettes
				// print too (省政府令第168号 on the Henan site), so that
				// either spelling finds the other.
				for _, spelt := range []string{h.Government() + "令", h.Level + "政府令", h.Level + "人民政府令"} {
					if spelt != a {
						m := n
						m.Agency = spelt
						out = append(out, m)
					}
				}
				break
			}
		}
	case DocNumberRegular:
		if h.Abbrev != "" && !strings.HasPrefix(a, h.Abbrev) && utf8.RuneCountInString(a) < maxAgencyRunes {
			m := n
			m.Agency = h.Abbrev + a
			out = append(out, m)
		}
	}
	return out
}

// DigitNeighbours returns the numbers one digit from n: two neighbouring
// digits of its serial or year swapped, one digit changed, or one dropped,
// in that order (the likelier typo first), the serial before the year at
// each step. Years stay within MinDocNumberYear–MaxDocNumberYear and
// serials above zero.
func DigitNeighbours(n DocNumber) []DocNumber {
	var out []DocNumber
	seen := map[DocNumber]bool{n: true}
	type part struct {
		v   int
		set func(*DocNumber, int) bool
	}
	parts := []part{{n.Serial, func(m *DocNumber, s int) bool { m.Serial = s; return s > 0 }}}
	if n.Year != 0 {
		parts = append(parts, part{n.Year, func(m *DocNumber, y int) bool {
			m.Year = y
			return y >= MinDocNumberYear && y <= MaxDocNumberYear
		}})
	}
	edits := []func(ds []byte, i int, try func([]byte)){
		func(ds []byte, i int, try func([]byte)) { // swap
			if i+1 < len(ds) {
				b := slices.Clone(ds)
				b[i], b[i+1] = b[i+1], b[i]
				try(b)
			}
		},
		func(ds []byte, i int, try func([]byte)) { // change
			for d := byte('0'); d <= '9'; d++ {
				b := slices.Clone(ds)
				b[i] = d
				try(b)
			}
		},
		func(ds []byte, i int, try func([]byte)) { // drop
			if len(ds) > 1 {
				try(slices.Delete(slices.Clone(ds), i, i+1))
			}
		},
	}
	for _, edit := range edits {
		for _, p := range parts {
			ds := []byte(strconv.Itoa(p.v))
			try := func(b []byte) {
				if b[0] == '0' {
					return
				}
				w, _ := strconv.Atoi(string(b))
				m := n
				if p.set(&m, w) && !seen[m] {
					seen[m] = true
					out = append(out, m)
				}
			}
			for i := range ds {
				edit(ds, i, try)
			}
		}
	}
	return out
}

// OneAgencyCharApart reports whether a and b are the same number but for
// one character of the agency changed, added or removed (闽政办 and 闽政, 闽政
// and 闽府).
func OneAgencyCharApart(a, b DocNumber) bool {
	if a.Kind != b.Kind || a.Year != b.Year || a.Serial != b.Serial || a.Agency == b.Agency {
		return false
	}
	x, y := []rune(a.Agency), []rune(b.Agency)
	if len(x) > len(y) {
		x, y = y, x
	}
	switch len(y) - len(x) {
	case 0:
		diff := 0
		for i := range x {
			if x[i] != y[i] {
				diff++
			}
		}
		return diff == 1
	case 1:
		i := 0
		for i < len(x) && x[i] == y[i] {
			i++
		}
		return string(x[i:]) == string(y[i+1:])
	}
	return false
}
