package ocr

import (
	"strings"
	"sync"

	"github.com/gazette-archive/gazette/ingest/page"
)

// CheckIssuerNames checks the names OCR read against the issuer's name in
// the file's own 发文机关标志 (a line 苍梧省卫生健康委员会文件, printed large,
// read surely). The issuer's name comes back in the title, the signature
// and the 印发机关, in smaller print, and tesseract misreads a character
// of it now and then (苑梧省卫生健康委员会关于印发…). A run of an OCR line
// that differs from the name in one character, where the name is at least
// minIssuer long and the run as read does not name some other place
// (湖南省交通运输厅 in a file of 河南省交通运输厅), becomes the name. Each change
// is recorded in the page's Corrections with the page's confidence.
func CheckIssuerNames(pages []page.Page) {
	var names [][]rune
	for _, p := range pages {
		for _, l := range p.Lines {
			t := strings.ReplaceAll(strings.TrimSpace(l.Text), " ", "")
			name, ok := strings.CutSuffix(t, "文件")
			if rs := []rune(name); ok && len(rs) >= minIssuer && allHan(rs) && !containsRunes(names, rs) {
				names = append(names, rs)
			}
		}
	}
	if len(names) == 0 {
		return
	}
	builtin := placeNames()
	for pi := range pages {
		p := &pages[pi]
		if p.Extractor != page.OCR {
			continue
		}
		for li, l := range p.Lines {
			rs := []rune(l.Text)
			changed := false
			for _, name := range names {
				n := len(name)
				for i := 0; i+n <= len(rs); i++ {
					at := oneApart(rs[i:i+n], name)
					if at < 0 || namesPlace(builtin, rs[i:i+n], at, name) {
						continue
					}
					rs[i+at] = name[at]
					changed = true
					i += n - 1
				}
			}
			if changed {
				text := string(rs)
				p.Corrections = append(p.Corrections, page.Correction{Line: li, From: l.Text, To: text, Rule: RuleLexicon, Confidence: p.Confidence})
				p.Lines[li].Text = text
			}
		}
	}
}

// minIssuer is the length in runes from which an issuer's name is checked:
// a short name (某市教育局) is one character from too many others.
const minIssuer = 7

// oneApart returns where run differs from name when it differs in exactly
// one Han character, else -1.
func oneApart(run, name []rune) int {
	at := -1
	for i := range name {
		if run[i] == name[i] {
			continue
		}
		if at >= 0 || !allHan(run[i:i+1]) {
			return -1
		}
		at = i
	}
	return at
}

// namesPlace reports whether run, read with the character at at unlike
// name's, holds there a place (see placeNames) that name does not: 湖南省
// read where 河南省 is printed would be a place of its own, not a
// misreading.
func namesPlace(places map[string]bool, run []rune, at int, name []rune) bool {
	for i := 0; i <= at; i++ {
		for j := at + 1; j <= len(run); j++ {
			if j-i >= 2 && places[string(run[i:j])] && !strings.Contains(string(name), string(run[i:j])) {
				return true
			}
		}
	}
	return false
}

var (
	places     map[string]bool
	placesOnce sync.Once
)

// placeNames is the set of China's administrative divisions (divisions),
// of every level and length: 湖南省, 长沙市, 芙蓉区.
func placeNames() map[string]bool {
	placesOnce.Do(func() {
		places = map[string]bool{}
		for line := range strings.Lines(divisions) {
			if strings.HasPrefix(line, "#") {
				continue
			}
			for _, f := range strings.Split(strings.TrimRight(line, "\r\n"), "\t") {
				if f != "" {
					places[f] = true
				}
			}
		}
	})
	return places
}

func containsRunes(xs [][]rune, rs []rune) bool {
	for _, x := range xs {
		if string(x) == string(rs) {
			return true
		}
	}
	return false
}
