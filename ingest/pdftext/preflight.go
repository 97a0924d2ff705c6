package pdftext

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// ErrXref means the cross-reference data declares an absurd number of
// objects: ledongthuc/pdf would allocate a table that large and die of an
// out-of-memory error that recover() cannot catch.
var ErrXref = errors.New("pdftext: absurd cross-reference table")

// maxObjects bounds the object numbers a file may declare. A real PDF has
// at most a few hundred thousand objects; the library's table costs about
// 32 bytes per number, so this keeps it under 128 MiB.
const maxObjects = 4 << 20

// maxXrefRead bounds the bytes read from one cross-reference section.
const maxXrefRead = 32 << 20

// preflight follows the cross-reference chain the way ledongthuc/pdf reads
// it (the last startxref, then each /Prev), token by token, and refuses the
// file when a table subsection or an xref stream's /Size or /Index would
// make the library allocate beyond maxObjects entries. Anything else it
// leaves to the library, which reports malformed files as errors.
func preflight(ra io.ReaderAt, size int64) error {
	const tail = 100
	if size < tail {
		return nil
	}
	buf := make([]byte, tail)
	if _, err := ra.ReadAt(buf, size-tail); err != nil && err != io.EOF {
		return fmt.Errorf("pdftext: read: %w", err)
	}
	i := bytes.LastIndex(buf, []byte("startxref"))
	if i < 0 {
		return nil
	}
	toks := tokens(buf[i+len("startxref"):], 1)
	if len(toks) == 0 {
		return nil
	}
	off, err := strconv.ParseInt(toks[0], 10, 64)
	seen := map[int64]bool{}
	for hops := 0; err == nil && off >= 0 && off < size && !seen[off] && hops < 64; hops++ {
		seen[off] = true
		n := min(size-off, maxXrefRead)
		sect := make([]byte, n)
		if _, err := ra.ReadAt(sect, off); err != nil && err != io.EOF {
			return fmt.Errorf("pdftext: read: %w", err)
		}
		prev, ok, e := checkSection(sect)
		if e != nil {
			return e
		}
		if !ok {
			return nil
		}
		off, err = prev, nil
		if prev < 0 {
			return nil
		}
	}
	return nil
}

// checkSection checks one section (a table or an xref stream object) and
// returns its /Prev offset (-1 when none).
func checkSection(sect []byte) (prev int64, ok bool, err error) {
	l := contentLexer{s: sect}
	next := func() string { return l.token() }
	first := next()
	if first == "xref" {
		for {
			t := next()
			if t == "trailer" || t == "" {
				break
			}
			start, e1 := strconv.ParseInt(t, 10, 64)
			count, e2 := strconv.ParseInt(next(), 10, 64)
			if e1 != nil || e2 != nil {
				return -1, false, nil // the library stops here too
			}
			if start < 0 || count < 0 || count > 0 && start+count > maxObjects {
				return -1, false, fmt.Errorf("%w: subsection %d %d", ErrXref, start, count)
			}
			for i := int64(0); i < 3*count; i++ {
				if next() == "" {
					return -1, false, nil
				}
			}
		}
		return dictPrev(&l)
	}
	// An xref stream: "N G obj << ... >>".
	if _, e := strconv.ParseInt(first, 10, 64); e != nil {
		return -1, false, nil
	}
	next()
	if next() != "obj" {
		return -1, false, nil
	}
	return dictPrev(&l)
}

// dictPrev reads the dictionary that follows, checking /Size and /Index,
// and returns /Prev.
func dictPrev(l *contentLexer) (prev int64, ok bool, err error) {
	if l.token() != "<<" {
		return -1, false, nil
	}
	prev = -1
	depth := 1
	for depth > 0 {
		t := l.token()
		switch t {
		case "":
			return prev, true, nil
		case "<<":
			depth++
		case ">>":
			depth--
		case "/Size", "/Prev":
			v := l.token()
			n, e := strconv.ParseInt(v, 10, 64)
			if e != nil || depth != 1 {
				continue
			}
			if t == "/Prev" {
				prev = n
			} else if n < 0 || n > maxObjects {
				return -1, false, fmt.Errorf("%w: /Size %d", ErrXref, n)
			}
		case "/Index":
			if l.token() != "[" {
				continue
			}
			for {
				a := l.token()
				if a == "]" || a == "" {
					break
				}
				start, e1 := strconv.ParseInt(a, 10, 64)
				count, e2 := strconv.ParseInt(l.token(), 10, 64)
				if e1 == nil && e2 == nil && (start < 0 || count < 0 || start+count > maxObjects) {
					return -1, false, fmt.Errorf("%w: /Index %d %d", ErrXref, start, count)
				}
			}
		}
	}
	return prev, true, nil
}

// tokens returns up to n tokens of b.
func tokens(b []byte, n int) []string {
	l := contentLexer{s: b}
	var out []string
	for len(out) < n {
		t := l.token()
		if t == "" {
			break
		}
		out = append(out, t)
	}
	return out
}

// token returns the next token as text ("" at the end): names keep their
// slash, strings come back as "()" and delimiters as themselves.
func (l *contentLexer) token() string {
	c, ok := l.skipSpace()
	if !ok {
		return ""
	}
	switch {
	case c == '<' && l.peek(1) == '<':
		l.i += 2
		return "<<"
	case c == '>' && l.peek(1) == '>':
		l.i += 2
		return ">>"
	case c == '<':
		l.hexString()
		return "()"
	case c == '(':
		l.literalString()
		return "()"
	case c == '/':
		return "/" + l.name()
	case c == '[' || c == ']' || c == '{' || c == '}' || c == '>' || c == ')':
		l.i++
		return string(c)
	}
	return string(l.word())
}
