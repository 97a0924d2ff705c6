package pdfw

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"strconv"
)

// Ref is an object number.
type Ref int

// String is the reference as written in a PDF: "12 0 R".
func (r Ref) String() string { return strconv.Itoa(int(r)) + " 0 R" }

// Writer writes one PDF. It is not safe for concurrent use.
type Writer struct {
	w       *bufio.Writer
	n       int64   // bytes written so far
	offsets []int64 // by object number - 1; 0 = reserved, not yet written
	err     error
	zbuf    bytes.Buffer
	zw      *zlib.Writer
}

// New starts a PDF on w with a version 1.5 header.
func New(w io.Writer) *Writer {
	pw := &Writer{w: bufio.NewWriterSize(w, 64<<10)}
	pw.zw, _ = zlib.NewWriterLevel(&pw.zbuf, zlib.DefaultCompression) // the level is valid
	pw.write([]byte("%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"))
	return pw
}

func (pw *Writer) write(b []byte) {
	if pw.err != nil {
		return
	}
	k, err := pw.w.Write(b)
	pw.n += int64(k)
	pw.err = err
}

// Reserve allocates an object number to be written later.
func (pw *Writer) Reserve() Ref {
	pw.offsets = append(pw.offsets, 0)
	return Ref(len(pw.offsets))
}

// Object writes object r with the given body (a dictionary, array, ...).
func (pw *Writer) Object(r Ref, body string) {
	pw.begin(r)
	pw.write([]byte(body))
	pw.write([]byte("\nendobj\n"))
}

func (pw *Writer) begin(r Ref) {
	if int(r) < 1 || int(r) > len(pw.offsets) {
		if pw.err == nil {
			pw.err = fmt.Errorf("pdfw: object %d was never reserved", r)
		}
		return
	}
	if pw.offsets[r-1] != 0 && pw.err == nil {
		pw.err = fmt.Errorf("pdfw: object %d written twice", r)
	}
	pw.offsets[r-1] = pw.n
	pw.write([]byte(strconv.Itoa(int(r)) + " 0 obj\n"))
}

// Stream writes object r as a stream: dict holds the entries other than
// /Length and /Filter (without the << >>). With compress, data is
// deflated and /Filter /FlateDecode added.
func (pw *Writer) Stream(r Ref, dict string, data []byte, compress bool) {
	if compress {
		pw.zbuf.Reset()
		pw.zw.Reset(&pw.zbuf)
		if _, err := pw.zw.Write(data); err != nil && pw.err == nil {
			pw.err = fmt.Errorf("pdfw: deflate: %w", err)
		}
		if err := pw.zw.Close(); err != nil && pw.err == nil {
			pw.err = fmt.Errorf("pdfw: deflate: %w", err)
		}
		data = pw.zbuf.Bytes()
		dict += " /Filter /FlateDecode"
	}
	pw.begin(r)
	pw.write([]byte("<< " + dict + " /Length " + strconv.Itoa(len(data)) + " >>\nstream\n"))
	pw.write(data)
	pw.write([]byte("\nendstream\nendobj\n"))
}

// Err returns the first error met so far.
func (pw *Writer) Err() error { return pw.err }

// Close writes the cross-reference table and trailer naming root as the
// catalog and info as the document information dictionary (0 for none),
// and flushes. Every reserved object must have been written.
func (pw *Writer) Close(root, info Ref) error {
	for i, o := range pw.offsets {
		if o == 0 && pw.err == nil {
			pw.err = fmt.Errorf("pdfw: object %d reserved but never written", i+1)
		}
	}
	start := pw.n
	var b bytes.Buffer
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(pw.offsets)+1)
	for _, o := range pw.offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %s", len(pw.offsets)+1, root)
	if info != 0 {
		fmt.Fprintf(&b, " /Info %s", info)
	}
	fmt.Fprintf(&b, " >>\nstartxref\n%d\n%%%%EOF\n", start)
	pw.write(b.Bytes())
	if pw.err != nil {
		return pw.err
	}
	if err := pw.w.Flush(); err != nil {
		return fmt.Errorf("pdfw: flush: %w", err)
	}
	return nil
}

// Text returns s as a PDF literal string, escaped: (…).
func Text(s string) string {
	var b bytes.Buffer
	b.WriteByte('(')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '(', ')', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(')')
	return b.String()
}

// UTF16Text returns s as a PDF text string in UTF-16BE with a byte order
// mark, in hex: <FEFF…>, for /Title and other metadata.
func UTF16Text(s string) string {
	var b bytes.Buffer
	b.WriteString("<FEFF")
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			fmt.Fprintf(&b, "%04X%04X", 0xD800+(r>>10), 0xDC00+(r&0x3FF))
			continue
		}
		fmt.Fprintf(&b, "%04X", r)
	}
	b.WriteByte('>')
	return b.String()
}
