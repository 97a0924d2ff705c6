package pdftext

import (
	"bytes"
	"strconv"
)

// opKind is the type of a content-stream operand.
type opKind uint8

const (
	opNum opKind = iota
	opString
	opName
	opArray
	opOther // dictionaries, booleans, null: carried but not read
)

// operand is one content-stream operand.
type operand struct {
	kind opKind
	num  float64
	s    string // string bytes, or a name without its slash
	arr  []operand
}

func (o operand) float() float64 {
	if o.kind == opNum {
		return o.num
	}
	return 0
}

// maxOperands bounds the operand stack between operators.
const maxOperands = 4096

// lexContent tokenizes a content stream and calls do for each operator with
// its operands. It skips inline image data. The args slice is reused
// between calls. Malformed bytes are skipped, never fatal.
func lexContent(data []byte, do func(op string, args []operand)) {
	l := contentLexer{s: data}
	var stack []operand
	var marks []int // starts of open arrays
	for {
		c, ok := l.skipSpace()
		if !ok {
			return
		}
		switch {
		case c == '[':
			l.i++
			if len(marks) < 64 {
				marks = append(marks, len(stack))
			}
		case c == ']':
			l.i++
			if n := len(marks); n > 0 {
				start := marks[n-1]
				marks = marks[:n-1]
				arr := append([]operand(nil), stack[start:]...)
				stack = append(stack[:start], operand{kind: opArray, arr: arr})
			}
		case c == '<' && l.peek(1) == '<':
			l.skipDict()
			stack = append(stack, operand{kind: opOther})
		case c == '<':
			stack = append(stack, operand{kind: opString, s: l.hexString()})
		case c == '(':
			stack = append(stack, operand{kind: opString, s: l.literalString()})
		case c == '/':
			stack = append(stack, operand{kind: opName, s: l.name()})
		case c == '+' || c == '-' || c == '.' || c >= '0' && c <= '9':
			w := l.word()
			stack = append(stack, operand{kind: opNum, num: number(w)})
		case c == '>' || c == ')' || c == '{' || c == '}':
			l.i++
		default:
			w := l.word()
			if len(w) == 0 {
				l.i++
				continue
			}
			switch string(w) {
			case "true", "false", "null":
				stack = append(stack, operand{kind: opOther})
				continue
			case "BI":
				l.skipInlineImage()
				stack, marks = stack[:0], marks[:0]
				continue
			}
			if len(marks) > 0 {
				// An operator inside an array is malformed: drop the array.
				stack, marks = stack[:marks[0]], marks[:0]
			}
			do(string(w), stack)
			stack = stack[:0]
		}
		if len(stack) > maxOperands {
			stack, marks = stack[:0], marks[:0]
		}
	}
}

// number parses a numeric token, leniently as readers do: "--5" is -5 and
// "4.-" is 4.
func number(w []byte) float64 {
	if n, err := strconv.ParseFloat(string(w), 64); err == nil {
		return n
	}
	neg := len(w) > 0 && w[0] == '-'
	clean := make([]byte, 0, len(w))
	dot := false
	for _, c := range w {
		switch {
		case c >= '0' && c <= '9':
			clean = append(clean, c)
		case c == '.' && !dot:
			dot = true
			clean = append(clean, c)
		}
	}
	n, err := strconv.ParseFloat(string(clean), 64)
	if err != nil {
		return 0
	}
	if neg {
		return -n
	}
	return n
}

type contentLexer struct {
	s []byte
	i int
	// buf is scratch for a string's bytes, copied out once at its end
	buf []byte
}

func (l *contentLexer) peek(k int) byte {
	if l.i+k < len(l.s) {
		return l.s[l.i+k]
	}
	return 0
}

// skipSpace skips white space and comments and returns the next byte.
func (l *contentLexer) skipSpace() (byte, bool) {
	for l.i < len(l.s) {
		c := l.s[l.i]
		switch {
		case c == '%':
			for l.i < len(l.s) && l.s[l.i] != '\n' && l.s[l.i] != '\r' {
				l.i++
			}
		case isWhite(c):
			l.i++
		default:
			return c, true
		}
	}
	return 0, false
}

func isWhite(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// word reads a run of regular characters.
func (l *contentLexer) word() []byte {
	start := l.i
	for l.i < len(l.s) && !isWhite(l.s[l.i]) && !isDelim(l.s[l.i]) {
		l.i++
	}
	return l.s[start:l.i]
}

func (l *contentLexer) name() string {
	l.i++ // slash
	w := l.word()
	if bytes.IndexByte(w, '#') < 0 {
		return string(w)
	}
	out := make([]byte, 0, len(w))
	for i := 0; i < len(w); i++ {
		if w[i] == '#' && i+2 < len(w)+0 && unhex(w[i+1]) >= 0 && unhex(w[i+2]) >= 0 {
			out = append(out, byte(unhex(w[i+1])<<4|unhex(w[i+2])))
			i += 2
			continue
		}
		out = append(out, w[i])
	}
	return string(out)
}

func (l *contentLexer) hexString() string {
	l.i++
	out := l.buf[:0]
	defer func() { l.buf = out }()
	hi := -1
	for l.i < len(l.s) && l.s[l.i] != '>' {
		if v := unhex(l.s[l.i]); v >= 0 {
			if hi < 0 {
				hi = v
			} else {
				out = append(out, byte(hi<<4|v))
				hi = -1
			}
		}
		l.i++
	}
	if hi >= 0 {
		out = append(out, byte(hi<<4))
	}
	l.i++
	return string(out)
}

func (l *contentLexer) literalString() string {
	l.i++
	out := l.buf[:0]
	defer func() { l.buf = out }()
	depth := 1
	for l.i < len(l.s) {
		c := l.s[l.i]
		l.i++
		switch c {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return string(out)
			}
		case '\\':
			if l.i >= len(l.s) {
				return string(out)
			}
			e := l.s[l.i]
			l.i++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.i < len(l.s) && l.s[l.i] == '\n' {
					l.i++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.i < len(l.s) && l.s[l.i] >= '0' && l.s[l.i] <= '7'; k++ {
						v = v*8 + int(l.s[l.i]-'0')
						l.i++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		out = append(out, c)
	}
	return string(out)
}

// skipDict skips a << ... >> dictionary, nested ones and strings included.
func (l *contentLexer) skipDict() {
	depth := 0
	for l.i < len(l.s) {
		c := l.s[l.i]
		switch {
		case c == '<' && l.peek(1) == '<':
			depth++
			l.i += 2
		case c == '>' && l.peek(1) == '>':
			depth--
			l.i += 2
			if depth == 0 {
				return
			}
		case c == '(':
			l.literalString()
		case c == '<':
			l.hexString()
		default:
			l.i++
		}
	}
}

// skipInlineImage skips from after BI to after EI: the dictionary up to ID,
// one white-space byte, then binary data up to an EI that stands alone.
func (l *contentLexer) skipInlineImage() {
	id := bytes.Index(l.s[l.i:], []byte("ID"))
	if id < 0 {
		l.i = len(l.s)
		return
	}
	l.i += id + 3
	for l.i < len(l.s) {
		k := bytes.Index(l.s[l.i:], []byte("EI"))
		if k < 0 {
			l.i = len(l.s)
			return
		}
		at := l.i + k
		before := at == 0 || isWhite(l.s[at-1])
		after := at+2 >= len(l.s) || isWhite(l.s[at+2]) || isDelim(l.s[at+2])
		l.i = at + 2
		if before && after {
			return
		}
	}
}
