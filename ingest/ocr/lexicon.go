package ocr

import (
	_ "embed"
	"iter"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// Names. A gazette names authorities and places over and over, and
// tesseract misreads a character of them now and then (广东省人为资源和社会
// 保障厅, 住房和碱乡建设厅). A Lexicon holds the names a page may carry; a run
// of a line that differs from exactly one name in one character (two in a
// long name), where tesseract was unsure of that character, is corrected
// to the name. A run that matches a name as read, or that is as near to
// two names, is left alone.

//go:generate ./gendivisions.sh

// divisions is China's administrative divisions, province, prefecture and
// county, one county a line (see gendivisions.sh).
//
//go:embed divisions.txt
var divisions string

// departments are the names of government departments below the place
// that heads them (广东省|教育厅): those of the State Council's constituent
// departments as provinces and cities mirror them, past and present, with
// the endings they take at each level. Endings that a stem never takes
// only make a name no text carries: harmless.
var departments = func() []string {
	stems := []string{
		"发展和改革", "发展改革", "教育", "科学技术", "工业和信息化", "经济和信息化", "民族宗教事务", "民族事务", "公安", "国家安全",
		"民政", "司法", "财政", "人力资源和社会保障", "人事", "劳动和社会保障", "自然资源", "国土资源", "生态环境", "环境保护",
		"住房和城乡建设", "住房城乡建设", "城乡规划", "规划和自然资源", "交通运输", "交通", "水利", "水务", "农业农村", "农业",
		"林业", "商务", "文化和旅游", "文化广电新闻出版", "卫生健康", "卫生和计划生育", "卫生", "人口和计划生育", "退役军人事务",
		"应急管理", "安全生产监督管理", "审计", "外事", "侨务", "国有资产监督管理", "市场监督管理", "工商行政管理", "质量技术监督",
		"食品药品监督管理", "广播电视", "新闻出版广电", "体育", "统计", "医疗保障", "地方金融监督管理", "金融工作", "机关事务管理",
		"人民防空", "城市管理", "城市管理和综合执法", "信访", "知识产权", "粮食和物资储备", "粮食", "政务服务数据管理", "来穗人员服务管理",
	}
	var out []string
	for _, s := range stems {
		out = append(out, s+"厅", s+"局", s+"委员会")
	}
	return append(out, "人民政府", "人民政府办公厅", "人民政府办公室", "人民代表大会常务委员会", "招生委员会", "教育考试院",
		"住房公积金管理中心", "公共资源交易中心", "政府信息公开")
}()

// Lexicon is a set of names that post-correction checks lines against.
// It is safe for concurrent use once made.
type Lexicon struct {
	exact map[string]bool
	// near maps a name with one or two characters masked (as maskRune) to
	// the names that give it; a key two names give is ambiguous.
	near    map[string][]int32
	names   []string
	lengths []int // the lengths (in runes) names have, longest first
}

// maskRune stands for a masked character in Lexicon.near's keys.
const maskRune = '\x00'

// Limits of a lexicon correction.
const (
	minNameOne = 4 // runes a name needs for one character to be corrected
	minNameTwo = 6 // … and for two
	maxName    = 24
	// maxUnsure is the word confidence (0–100) under which tesseract is
	// taken to be unsure of a character; a surely read character is never
	// corrected.
	maxUnsure = 75
)

// divisionRows yields the rows of divisions: province, prefecture (empty
// for a placeholder) and county.
func divisionRows() iter.Seq[[3]string] {
	return func(yield func([3]string) bool) {
		for line := range strings.Lines(divisions) {
			if strings.HasPrefix(line, "#") {
				continue
			}
			f := strings.Split(strings.TrimRight(line, "\r\n"), "\t")
			if len(f) == 3 && !yield([3]string{f[0], f[1], f[2]}) {
				return
			}
		}
	}
}

// NewLexicon returns a lexicon of China's administrative divisions
// (provinces, prefectures, counties; each with its prefecture or province
// in front too: 广州市番禺区, 广东省广州市), the names of government
// departments (教育厅, 住房和城乡建设局, …) and names, such as the
// authorities already in the archive.
func NewLexicon(names []string) *Lexicon {
	l := &Lexicon{exact: map[string]bool{}, near: map[string][]int32{}}
	add := func(n string) {
		n = strings.TrimSpace(n)
		rs := []rune(n)
		if len(rs) < minNameOne || len(rs) > maxName || l.exact[n] || !allHan(rs) {
			return
		}
		l.exact[n] = true
		id := int32(len(l.names))
		l.names = append(l.names, n)
		if !slices.Contains(l.lengths, len(rs)) {
			l.lengths = append(l.lengths, len(rs))
		}
		key := make([]rune, len(rs))
		for i := range rs {
			copy(key, rs)
			key[i] = maskRune
			l.near[string(key)] = appendID(l.near[string(key)], id)
			if len(rs) < minNameTwo {
				continue
			}
			for j := i + 1; j < len(rs); j++ {
				key[j] = maskRune
				l.near[string(key)] = appendID(l.near[string(key)], id)
				key[j] = rs[j]
			}
		}
	}
	for f := range divisionRows() {
		p, c, a := f[0], f[1], f[2]
		add(p)
		add(c)
		add(a)
		switch {
		case c != "":
			add(p + c)
			if a != "" {
				add(c + a)
			}
		case a != "":
			add(p + a) // 上海市普陀区
		}
	}
	for _, d := range departments {
		add(d)
	}
	for _, n := range names {
		add(n)
	}
	slices.SortFunc(l.lengths, func(a, b int) int { return b - a })
	return l
}

// appendID adds id to ids once; two are enough to know a key is ambiguous.
func appendID(ids []int32, id int32) []int32 {
	if slices.Contains(ids, id) || len(ids) >= 2 {
		return ids
	}
	return append(ids, id)
}

func allHan(rs []rune) bool {
	for _, r := range rs {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return len(rs) > 0
}

var (
	defaultLexicon     *Lexicon
	defaultLexiconOnce sync.Once
)

// builtinLexicon is NewLexicon(nil), made once.
func builtinLexicon() *Lexicon {
	defaultLexiconOnce.Do(func() { defaultLexicon = NewLexicon(nil) })
	return defaultLexicon
}

// fixNames corrects runs of r that are a name of lex but for characters
// tesseract was unsure of. Longer names are tried first; a run already
// corrected or matching a name as read is not looked at again.
func fixNames(r *reading, lex *Lexicon) {
	if lex == nil {
		return
	}
	rs := r.rs
	// Characters of a name as read, or of a correction made, are not
	// changed again; a correction may overlap them (广东省广州市 as read
	// leaves 广州市番愚区 to correct).
	kept := make([]bool, len(rs))
	var edits []edit
	for _, n := range lex.lengths {
		for i := 0; i+n <= len(rs); i++ {
			run := rs[i : i+n]
			if !allHan(run) {
				continue
			}
			if lex.exact[string(run)] {
				for k := i; k < i+n; k++ {
					kept[k] = true
				}
				continue
			}
			var unsure []int
			for k := i; k < i+n; k++ {
				if r.conf[k] < maxUnsure {
					unsure = append(unsure, k-i)
				}
			}
			name, ok := lex.nearest(run, unsure)
			if !ok {
				continue
			}
			nr := []rune(name)
			changesKept := false
			for k := range nr {
				changesKept = changesKept || nr[k] != run[k] && kept[i+k]
			}
			if changesKept || slices.ContainsFunc(edits, func(e edit) bool { return e.from < i+n && i < e.to }) {
				continue
			}
			edits = append(edits, edit{i, i + n, nr})
			for k := i; k < i+n; k++ {
				kept[k] = true
			}
		}
	}
	r.apply(RuleLexicon, edits, nil)
	fixPlaceEnds(r)
}

// fixPlaceEnds corrects the character that ends a place's name before a
// body's name (四川举人民政府 for 四川省人民政府, 四川符人民政府办公厅):
// a name of three characters is too short for the lexicon to correct,
// and large type (a 令's heading) misreads its end as often as its stem.
// The character must be one tesseract was unsure of and no end itself,
// and the characters before it the stem of exactly one division the
// lexicon knows (吉林 ends 吉林省 and 吉林市: untouched); a stem no
// division has (a place the lexicon does not know) is left alone.
func fixPlaceEnds(r *reading) {
	ends := placeEnds()
	var edits []edit
	for i := minPlace; i+1 < len(r.rs); i++ {
		x := r.rs[i]
		if r.conf[i] >= maxUnsure || !unicode.Is(unicode.Han, x) || strings.ContainsRune(nameEnds, x) || !authorityAfter(r.rs, i+1) {
			continue
		}
		for n := maxPlace; n >= minPlace; n-- {
			if i-n < 0 || !allHan(r.rs[i-n:i]) {
				continue
			}
			stem := string(r.rs[i-n : i])
			if e, ok := ends[stem]; ok {
				if e != 0 {
					edits = append(edits, edit{i - n, i + 1, []rune(stem + string(e))})
				}
				break
			}
		}
	}
	r.apply(RuleLexicon, edits, nil)
}

// placeEnds maps the stem of each division the lexicon knows (四川 of
// 四川省) to the character that ends it, or to 0 where stems of two
// divisions are the same (吉林省, 吉林市).
var placeEnds = sync.OnceValue(func() map[string]rune {
	out := map[string]rune{}
	for n := range divisionNames() {
		rs := []rune(n)
		end := rs[len(rs)-1]
		if len(rs)-1 < minPlace || len(rs)-1 > maxPlace || !strings.ContainsRune(nameEnds, end) {
			continue
		}
		stem := string(rs[:len(rs)-1])
		if e, ok := out[stem]; ok && e != end {
			out[stem] = 0
			continue
		}
		out[stem] = end
	}
	return out
})

// nearest returns the one name that run becomes when one (or, in a long
// name, two) of the characters at positions unsure are changed, the
// fewest changes winning. A tie is no answer.
func (l *Lexicon) nearest(run []rune, unsure []int) (string, bool) {
	if len(unsure) == 0 || len(unsure) > len(run)/3+1 {
		return "", false // nothing in doubt, or too much
	}
	best, bestSubs, tie := int32(-1), len(run)+1, false
	crowded := len(run) + 1 // the fewest masks of a key with two names or more
	key := slices.Clone(run)
	try := func(masks int) {
		ids := l.near[string(key)]
		if len(ids) >= 2 {
			crowded = min(crowded, masks)
		}
		for _, id := range ids {
			subs := 0
			for i, c := range []rune(l.names[id]) {
				if c != run[i] {
					subs++
				}
			}
			switch {
			case subs < bestSubs:
				best, bestSubs, tie = id, subs, false
			case subs == bestSubs && id != best:
				tie = true
			}
		}
	}
	for a, i := range unsure {
		key[i] = maskRune
		try(1)
		if len(run) >= minNameTwo {
			for _, j := range unsure[a+1:] {
				key[j] = maskRune
				try(2)
				key[j] = run[j]
			}
		}
		key[i] = run[i]
	}
	if best < 0 || tie || crowded <= bestSubs {
		return "", false
	}
	return l.names[best], true
}
