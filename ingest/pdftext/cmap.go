package pdftext

import (
	"strconv"
	"strings"
	"unicode/utf16"
)

// codespace is one codespace range: codes of n bytes whose every byte lies
// between the matching bytes of lo and hi.
type codespace struct {
	n      int
	lo, hi [4]byte
}

// spanRange maps codes lo..hi to consecutive code points from dst (a bfrange
// too wide to expand) or to consecutive CIDs (a cidrange).
type spanRange struct {
	lo, hi uint32
	dst    rune
}

// cmap is a parsed CMap: a ToUnicode map (code → text) or an encoding map
// (code → CID), with its codespace ranges.
type cmap struct {
	spaces []codespace
	single map[uint32]rune   // code → one code point, or code → CID
	multi  map[uint32]string // code → several code points (ligatures)
	ranges []spanRange
	usecm  string // a predefined CMap this one builds on (usecmap)
	wmode  int
}

// expandLimit is the widest bfrange expanded into the map; wider ones are
// kept as ranges.
const expandLimit = 256

// parseCMap reads the bytes of a CMap stream with its own small tokenizer (the PDF
// library's PostScript interpreter rejects the resource-lookup prologue of
// many real CMaps). Malformed parts are skipped.
func parseCMap(data []byte) *cmap {
	m := &cmap{single: map[uint32]rune{}, multi: map[uint32]string{}}
	var stk []cmTok
	mark := 0
	lx := cmLexer{s: data}
	for {
		t, ok := lx.next()
		if !ok {
			break
		}
		if t.kind != tokKeyword {
			if len(stk) < 1<<20 {
				stk = append(stk, t)
			}
			continue
		}
		switch t.s {
		case "begincodespacerange", "beginbfchar", "beginbfrange", "begincidchar", "begincidrange", "beginnotdefrange":
			stk = stk[:0]
			mark = 0
		case "endcodespacerange":
			a := stk[mark:]
			for i := 0; i+1 < len(a); i += 2 {
				lo, hi := a[i].s, a[i+1].s
				if len(lo) == 0 || len(lo) > 4 || len(lo) != len(hi) {
					continue
				}
				cs := codespace{n: len(lo)}
				copy(cs.lo[:], lo)
				copy(cs.hi[:], hi)
				m.spaces = append(m.spaces, cs)
			}
			stk = stk[:0]
		case "endbfchar":
			a := stk[mark:]
			for i := 0; i+1 < len(a); i += 2 {
				m.setText(code(a[i].s), a[i+1].text())
			}
			stk = stk[:0]
		case "endbfrange":
			m.bfrange(stk[mark:])
			stk = stk[:0]
		case "endcidchar":
			a := stk[mark:]
			for i := 0; i+1 < len(a); i += 2 {
				m.single[code(a[i].s)] = rune(a[i+1].n)
			}
			stk = stk[:0]
		case "endcidrange":
			a := stk[mark:]
			for i := 0; i+2 < len(a); i += 3 {
				lo, hi := code(a[i].s), code(a[i+1].s)
				if hi >= lo {
					m.ranges = append(m.ranges, spanRange{lo, hi, rune(a[i+2].n)})
				}
			}
			stk = stk[:0]
		case "usecmap":
			if len(stk) > 0 && stk[len(stk)-1].kind == tokName {
				m.usecm = stk[len(stk)-1].s
			}
			stk = stk[:0]
		case "def":
			if len(stk) >= 2 && stk[len(stk)-2].kind == tokName && stk[len(stk)-2].s == "WMode" && stk[len(stk)-1].n == 1 {
				m.wmode = 1
			}
			stk = stk[:0]
		default:
			stk = stk[:0]
		}
	}
	return m
}

// bfrange reads the operands of a bfrange block: lo hi dst, where dst is a
// string whose last code point increments along the range, or an array.
func (m *cmap) bfrange(a []cmTok) {
	for i := 0; i+2 < len(a); {
		lo, hi := code(a[i].s), code(a[i+1].s)
		if a[i+2].kind == tokArrayStart {
			j := i + 3
			for c := lo; j < len(a) && a[j].kind != tokArrayEnd; j++ {
				if c <= hi {
					m.setText(c, a[j].text())
				}
				c++
			}
			i = j + 1
			continue
		}
		dst := a[i+2]
		i += 3
		if hi < lo || hi-lo > 1<<20 {
			continue
		}
		base := []rune(dst.text())
		if len(base) == 0 {
			continue
		}
		if len(base) == 1 && hi-lo >= expandLimit {
			m.ranges = append(m.ranges, spanRange{lo, hi, base[0]})
			continue
		}
		for c := lo; c <= hi && c-lo < 1<<16; c++ {
			if len(base) == 1 {
				m.single[c] = base[0] + rune(c-lo)
				continue
			}
			rs := append([]rune(nil), base...)
			rs[len(rs)-1] += rune(c - lo)
			m.setText(c, string(rs))
		}
	}
}

type tokKind uint8

const (
	tokString tokKind = iota // hex or literal string: bytes in s
	tokName
	tokNumber
	tokKeyword
	tokArrayStart
	tokArrayEnd
	tokOther // dictionary brackets and the like
)

type cmTok struct {
	kind tokKind
	s    string
	n    int64
}

// text decodes a bfchar/bfrange destination: UTF-16BE bytes (surrogate
// pairs included) or a glyph name.
func (t cmTok) text() string {
	switch t.kind {
	case tokName:
		if r, ok := glyphRune(t.s); ok {
			return string(r)
		}
	case tokString:
		b := t.s
		if len(b) == 1 {
			return string(rune(b[0]))
		}
		u := make([]uint16, 0, len(b)/2)
		for i := 0; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		}
		return string(utf16.Decode(u))
	}
	return ""
}

// cmLexer tokenizes the PostScript subset CMaps use.
type cmLexer struct {
	s []byte
	i int
}

func (l *cmLexer) next() (cmTok, bool) {
	s := l.s
	for l.i < len(s) {
		c := s[l.i]
		switch {
		case c == '%':
			for l.i < len(s) && s[l.i] != '\n' && s[l.i] != '\r' {
				l.i++
			}
		case c <= ' ':
			l.i++
		case c == '<' && l.i+1 < len(s) && s[l.i+1] == '<', c == '>' && l.i+1 < len(s) && s[l.i+1] == '>':
			l.i += 2
			return cmTok{kind: tokOther}, true
		case c == '<':
			l.i++
			var b []byte
			var hi int = -1
			for l.i < len(s) && s[l.i] != '>' {
				if v := unhex(s[l.i]); v >= 0 {
					if hi < 0 {
						hi = v
					} else {
						b = append(b, byte(hi<<4|v))
						hi = -1
					}
				}
				l.i++
			}
			if hi >= 0 {
				b = append(b, byte(hi<<4))
			}
			l.i++
			return cmTok{kind: tokString, s: string(b)}, true
		case c == '(':
			l.i++
			var b []byte
			depth := 1
			for l.i < len(s) {
				c := s[l.i]
				l.i++
				if c == '\\' && l.i < len(s) {
					b = append(b, s[l.i])
					l.i++
					continue
				}
				if c == '(' {
					depth++
				} else if c == ')' {
					if depth--; depth == 0 {
						break
					}
				}
				b = append(b, c)
			}
			return cmTok{kind: tokString, s: string(b)}, true
		case c == '[':
			l.i++
			return cmTok{kind: tokArrayStart}, true
		case c == ']':
			l.i++
			return cmTok{kind: tokArrayEnd}, true
		case c == '{' || c == '}' || c == ')' || c == '>':
			l.i++
			return cmTok{kind: tokOther}, true
		default:
			start := l.i
			if c == '/' {
				l.i++
			}
			for l.i < len(s) && s[l.i] > ' ' && !strings.ContainsRune("/<>[](){}%", rune(s[l.i])) {
				l.i++
			}
			w := string(s[start:l.i])
			if c == '/' {
				return cmTok{kind: tokName, s: w[1:]}, true
			}
			if n, err := strconv.ParseInt(w, 10, 64); err == nil {
				return cmTok{kind: tokNumber, n: n}, true
			}
			if f, err := strconv.ParseFloat(w, 64); err == nil {
				return cmTok{kind: tokNumber, n: int64(f)}, true
			}
			return cmTok{kind: tokKeyword, s: w}, true
		}
	}
	return cmTok{}, false
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func (m *cmap) setText(c uint32, s string) {
	rs := []rune(s)
	switch len(rs) {
	case 0:
	case 1:
		m.single[c] = rs[0]
	default:
		m.multi[c] = s
	}
}

// lookup returns the code point (or CID) for c: r, or s when it maps to
// several code points. ok is false when c is unmapped.
func (m *cmap) lookup(c uint32) (r rune, s string, ok bool) {
	if r, ok := m.single[c]; ok {
		return r, "", true
	}
	if s, ok := m.multi[c]; ok {
		return 0, s, true
	}
	for _, sr := range m.ranges {
		if c >= sr.lo && c <= sr.hi {
			return sr.dst + rune(c-sr.lo), "", true
		}
	}
	return 0, "", false
}

// next splits the first code off s by the codespace ranges; n is its length
// in bytes. Without a matching range it takes the length of the shortest
// range (the PDF specification's rule for invalid codes), or fallback bytes.
func (m *cmap) next(s string, fallback int) (c uint32, n int) {
	shortest := 0
	for _, cs := range m.spaces {
		if shortest == 0 || cs.n < shortest {
			shortest = cs.n
		}
		if cs.n > len(s) {
			continue
		}
		match := true
		for i := 0; i < cs.n; i++ {
			if s[i] < cs.lo[i] || s[i] > cs.hi[i] {
				match = false
				break
			}
		}
		if match {
			return code(s[:cs.n]), cs.n
		}
	}
	n = fallback
	if shortest > 0 {
		n = shortest
	}
	n = min(max(n, 1), len(s))
	return code(s[:n]), n
}

// code reads a big-endian character code of up to 4 bytes.
func code(s string) uint32 {
	var c uint32
	for i := 0; i < len(s) && i < 4; i++ {
		c = c<<8 | uint32(s[i])
	}
	return c
}
