package worker

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/ingest/page"
)

// The page messages are the bulk of the pipe's traffic (thousands a file,
// a few KB each), and encoding/json's reflection cost as much CPU per page
// as a good part of the decoding. So page messages are written and read by
// hand here, in the same JSON encoding/json writes and reads: what the
// writer cannot express plainly (a string needing escapes, NaN) and what the
// reader does not recognise as that plain form (another key order is fine;
// an escape, a null, an unknown or repeated key, a malformed line is not) is
// handed to encoding/json, so the wire format and every error stay its own.

// appendMessage appends m as one line of JSON, newline included.
func appendMessage(b []byte, m message) ([]byte, error) {
	if m.Page != nil && m.Error == "" && m.Done == nil {
		if out, ok := appendPageMessage(b, m.Page); ok {
			return append(out, '\n'), nil
		}
	}
	j, err := json.Marshal(m)
	if err != nil {
		return b, fmt.Errorf("worker: encode message: %w", err)
	}
	return append(append(b, j...), '\n'), nil
}

// appendPageMessage writes {"page":{...}} as json.Marshal would; ok is
// false when a value needs encoding/json (escapes, NaN or infinities).
func appendPageMessage(b []byte, p *page.Page) ([]byte, bool) {
	start := len(b)
	fail := func() ([]byte, bool) { return b[:start], false }
	var ok bool
	b = append(b, `{"page":{"number":`...)
	b = strconv.AppendInt(b, int64(p.Number), 10)
	if b, ok = appendFloatField(b, `,"width":`, p.Width); !ok {
		return fail()
	}
	if b, ok = appendFloatField(b, `,"height":`, p.Height); !ok {
		return fail()
	}
	b = append(b, `,"lines":`...)
	if p.Lines == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range p.Lines {
			l := &p.Lines[i]
			if i > 0 {
				b = append(b, ',')
			}
			if b, ok = appendStringField(b, `{"text":`, l.Text); !ok {
				return fail()
			}
			for _, f := range [...]struct {
				key string
				v   float64
			}{{`,"x":`, l.X}, {`,"y":`, l.Y}, {`,"w":`, l.W}, {`,"size":`, l.Size}} {
				if b, ok = appendFloatField(b, f.key, f.v); !ok {
					return fail()
				}
			}
			if l.Bold {
				b = append(b, `,"bold":true`...)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if b, ok = appendStringField(b, `,"extractor":`, string(p.Extractor)); !ok {
		return fail()
	}
	if b, ok = appendFloatField(b, `,"confidence":`, p.Confidence); !ok {
		return fail()
	}
	if p.Note != "" {
		if b, ok = appendStringField(b, `,"note":`, p.Note); !ok {
			return fail()
		}
	}
	return append(b, "}}"...), true
}

func appendFloatField(b []byte, key string, f float64) ([]byte, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, false
	}
	b = append(b, key...)
	// encoding/json's choice of format, so the bytes are its bytes.
	format := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if n := len(b); format == 'e' && n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
		b[n-2] = b[n-1] // e-09 to e-9
		b = b[:n-1]
	}
	return b, true
}

// appendStringField appends key and s quoted, when s needs no escape.
func appendStringField(b []byte, key, s string) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' {
			return b, false
		}
	}
	if !utf8.ValidString(s) {
		return b, false
	}
	b = append(b, key...)
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), true
}

// decodeMessage reads one line written by appendMessage (or json.Marshal).
func decodeMessage(line []byte) (message, error) {
	if p, ok := parsePageMessage(line); ok {
		return message{Page: p}, nil
	}
	var m message
	err := json.Unmarshal(line, &m)
	return m, err
}

// pageParser reads the plain form of a page message; any surprise makes it
// give up (ok false), never guess.
type pageParser struct {
	s  []byte
	i  int
	ok bool
}

func parsePageMessage(line []byte) (*page.Page, bool) {
	ps := &pageParser{s: line, ok: true}
	var p page.Page
	found := false
	ps.object(func(key string) int {
		if key != "page" {
			return -1
		}
		ps.pageObject(&p)
		found = true
		return 0
	})
	ps.space()
	if !ps.ok || !found || ps.i != len(ps.s) {
		return nil, false
	}
	return &p, true
}

func (ps *pageParser) space() {
	for ps.i < len(ps.s) {
		switch ps.s[ps.i] {
		case ' ', '\t', '\n', '\r':
			ps.i++
		default:
			return
		}
	}
}

// expect consumes c after optional white space.
func (ps *pageParser) expect(c byte) {
	ps.space()
	if !ps.ok || ps.i >= len(ps.s) || ps.s[ps.i] != c {
		ps.ok = false
		return
	}
	ps.i++
}

// peek returns the next byte after white space, 0 at the end.
func (ps *pageParser) peek() byte {
	ps.space()
	if ps.i >= len(ps.s) {
		return 0
	}
	return ps.s[ps.i]
}

// object reads {"key": value, ...}; field reads the value of each key and
// returns a distinct small index for each key it knows, or -1 for a key it does not know. A key
// seen twice ends the plain form.
func (ps *pageParser) object(field func(key string) int) {
	ps.expect('{')
	if !ps.ok {
		return
	}
	if ps.peek() == '}' {
		ps.i++
		return
	}
	var seen uint32
	for ps.ok {
		k := ps.str()
		ps.expect(':')
		if !ps.ok {
			return
		}
		bit := field(k)
		if bit < 0 || seen&(1<<bit) != 0 || !ps.ok {
			ps.ok = false
			return
		}
		seen |= 1 << bit
		switch ps.peek() {
		case ',':
			ps.i++
		case '}':
			ps.i++
			return
		default:
			ps.ok = false
		}
	}
}

func (ps *pageParser) pageObject(p *page.Page) {
	ps.object(func(key string) int {
		switch key {
		case "number":
			p.Number = ps.integer()
			return 0
		case "width":
			p.Width = ps.float()
			return 1
		case "height":
			p.Height = ps.float()
			return 2
		case "lines":
			p.Lines = ps.lines()
			return 3
		case "extractor":
			p.Extractor = page.Extractor(ps.str())
			return 4
		case "confidence":
			p.Confidence = ps.float()
			return 5
		case "note":
			p.Note = ps.str()
			return 6
		}
		return -1
	})
}

func (ps *pageParser) lines() []page.Line {
	if ps.peek() != '[' {
		ps.ok = false // null, among others: encoding/json decides
		return nil
	}
	ps.i++
	ls := []page.Line{}
	if ps.peek() == ']' {
		ps.i++
		return ls
	}
	for ps.ok {
		var l page.Line
		ps.object(func(key string) int {
			switch key {
			case "text":
				l.Text = ps.str()
				return 0
			case "x":
				l.X = ps.float()
				return 1
			case "y":
				l.Y = ps.float()
				return 2
			case "w":
				l.W = ps.float()
				return 3
			case "size":
				l.Size = ps.float()
				return 4
			case "bold":
				l.Bold = ps.boolean()
				return 5
			}
			return -1
		})
		ls = append(ls, l)
		switch ps.peek() {
		case ',':
			ps.i++
		case ']':
			ps.i++
			return ls
		default:
			ps.ok = false
		}
	}
	return nil
}

// str reads a string without escapes, of valid UTF-8.
func (ps *pageParser) str() string {
	ps.expect('"')
	for start := ps.i; ps.ok && ps.i < len(ps.s); ps.i++ {
		switch c := ps.s[ps.i]; {
		case c == '"':
			raw := ps.s[start:ps.i]
			ps.i++
			if !utf8.Valid(raw) {
				ps.ok = false
				return ""
			}
			return string(raw)
		case c == '\\' || c < 0x20:
			ps.ok = false
		}
	}
	ps.ok = false
	return ""
}

func (ps *pageParser) boolean() bool {
	ps.space()
	rest := ps.s[ps.i:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		ps.i += 4
		return true
	case len(rest) >= 5 && string(rest[:5]) == "false":
		ps.i += 5
		return false
	}
	ps.ok = false
	return false
}

// number returns the next JSON number token (RFC 8259 grammar), and
// whether it is an integer.
func (ps *pageParser) number() (tok []byte, integer bool) {
	ps.space()
	s, i := ps.s, ps.i
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case digits() == 0:
		ps.ok = false
		return nil, false
	}
	integer = true
	if i < len(s) && s[i] == '.' {
		i++
		integer = false
		if digits() == 0 {
			ps.ok = false
			return nil, false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		integer = false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			ps.ok = false
			return nil, false
		}
	}
	tok = s[ps.i:i]
	ps.i = i
	return tok, integer
}

func (ps *pageParser) float() float64 {
	tok, _ := ps.number()
	if !ps.ok {
		return 0
	}
	f, err := strconv.ParseFloat(string(tok), 64)
	if err != nil {
		ps.ok = false
	}
	return f
}

func (ps *pageParser) integer() int {
	tok, integer := ps.number()
	if !ps.ok || !integer {
		ps.ok = false
		return 0
	}
	n, err := strconv.Atoi(string(tok))
	if err != nil {
		ps.ok = false
	}
	return n
}
