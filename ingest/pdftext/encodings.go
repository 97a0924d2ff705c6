package pdftext

import (
	"strconv"
	"strings"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// byteTable maps the 256 codes of a simple font to code points; 0 means
// undefined.
type byteTable [256]rune

func tableOf(cm *charmap.Charmap) *byteTable {
	var t byteTable
	for i := 32; i < 256; i++ {
		if r := cm.DecodeByte(byte(i)); r != 0xFFFD {
			t[i] = r
		}
	}
	return &t
}

// The base encodings of simple fonts. StandardEncoding is approximated by
// WinAnsi with its two differing quotes; its upper half is rarely used for
// text.
var (
	winAnsi  = tableOf(charmap.Windows1252)
	macRoman = tableOf(charmap.Macintosh)
	standard = func() *byteTable {
		t := *winAnsi
		t['\''] = '’'
		t['`'] = '‘'
		return &t
	}()
)

func baseEncoding(name string) *byteTable {
	switch name {
	case "MacRomanEncoding":
		return macRoman
	case "StandardEncoding":
		return standard
	case "WinAnsiEncoding", "PDFDocEncoding":
		return winAnsi
	}
	return nil
}

// glyphNames is the subset of the Adobe Glyph List that text fonts use for
// punctuation and symbols; letters, digits, uniXXXX/uXXXX names and
// accented letters (eacute = e + acute) are handled by rule in glyphRune.
var glyphNames = map[string]rune{
	"space": ' ', "exclam": '!', "quotedbl": '"', "numbersign": '#', "dollar": '$', "percent": '%',
	"ampersand": '&', "quotesingle": '\'', "parenleft": '(', "parenright": ')', "asterisk": '*',
	"plus": '+', "comma": ',', "hyphen": '-', "period": '.', "slash": '/', "colon": ':',
	"semicolon": ';', "less": '<', "equal": '=', "greater": '>', "question": '?', "at": '@',
	"bracketleft": '[', "backslash": '\\', "bracketright": ']', "asciicircum": '^',
	"underscore": '_', "grave": '`', "braceleft": '{', "bar": '|', "braceright": '}',
	"asciitilde": '~', "bullet": '•', "endash": '–', "emdash": '—', "quoteleft": '‘',
	"quoteright": '’', "quotedblleft": '“', "quotedblright": '”', "quotesinglbase": '‚',
	"quotedblbase": '„', "ellipsis": '…', "dagger": '†', "daggerdbl": '‡', "perthousand": '‰',
	"guilsinglleft": '‹', "guilsinglright": '›', "guillemotleft": '«', "guillemotright": '»',
	"section": '§', "paragraph": '¶', "copyright": '©', "registered": '®', "trademark": '™',
	"degree": '°', "plusminus": '±', "multiply": '×', "divide": '÷', "periodcentered": '·',
	"middot": '·', "Euro": '€', "sterling": '£', "yen": '¥', "cent": '¢', "currency": '¤',
	"exclamdown": '¡', "questiondown": '¿', "nbspace": '\u00a0', "sfthyphen": '\u00ad',
	"fi": 'ﬁ', "fl": 'ﬂ', "ff": 'ﬀ', "ffi": 'ﬃ', "ffl": 'ﬄ', "minus": '−', "fraction": '⁄',
	"brokenbar": '¦', "logicalnot": '¬', "mu": 'µ', "ordfeminine": 'ª', "ordmasculine": 'º',
	"onehalf": '½', "onequarter": '¼', "threequarters": '¾', "germandbls": 'ß', "ae": 'æ',
	"AE": 'Æ', "oe": 'œ', "OE": 'Œ', "oslash": 'ø', "Oslash": 'Ø', "dotlessi": 'ı',
	"zero": '0', "one": '1', "two": '2', "three": '3', "four": '4', "five": '5', "six": '6',
	"seven": '7', "eight": '8', "nine": '9', "florin": 'ƒ', "arrowright": '→', "arrowleft": '←',
	"circlecopyrt": '©', "visiblespace": '␣', "lozenge": '◊', "checkmark": '✓',
}

var accents = map[string]rune{
	"acute": '\u0301', "grave": '\u0300', "circumflex": '\u0302', "dieresis": '\u0308',
	"tilde": '\u0303', "ring": '\u030a', "cedilla": '\u0327', "caron": '\u030c',
	"macron": '\u0304', "breve": '\u0306', "ogonek": '\u0328', "dotaccent": '\u0307',
}

// glyphRune maps a glyph name to its code point. Suffixes after a period
// (a.sc, one.oldstyle) are ignored, as the Adobe Glyph List specifies.
func glyphRune(name string) (rune, bool) {
	if i := strings.IndexByte(name, '.'); i > 0 {
		name = name[:i]
	}
	if r, ok := glyphNames[name]; ok {
		return r, true
	}
	if len(name) == 1 && (name[0] >= 'a' && name[0] <= 'z' || name[0] >= 'A' && name[0] <= 'Z') {
		return rune(name[0]), true
	}
	for _, p := range []string{"uni", "u"} {
		if h, ok := strings.CutPrefix(name, p); ok && len(h) >= 4 && len(h) <= 6 {
			if n, err := strconv.ParseUint(h[:min(len(h), 6)], 16, 32); err == nil && n > 0 && n <= 0x10FFFF {
				if p == "uni" && len(h) != 4 {
					// uniXXXXYYYY spells several code points; take the first.
					n, _ = strconv.ParseUint(h[:4], 16, 32)
				}
				return rune(n), true
			}
		}
	}
	if len(name) > 1 {
		for suffix, mark := range accents {
			if base, ok := strings.CutSuffix(name, suffix); ok && len(base) == 1 {
				s := norm.NFC.String(base + string(mark))
				if rs := []rune(s); len(rs) == 1 {
					return rs[0], true
				}
			}
		}
	}
	return 0, false
}
