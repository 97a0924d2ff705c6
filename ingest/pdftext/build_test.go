package pdftext

import (
	"bytes"
	"fmt"
	"strings"
)

// pdfBuilder writes small PDFs for tests: objects are numbered from 1 in the
// order added; the xref table is computed on Bytes.
type pdfBuilder struct {
	objs []string
}

// add appends an object body and returns its number.
func (b *pdfBuilder) add(body string) int {
	b.objs = append(b.objs, body)
	return len(b.objs)
}

// reserve returns the number of an object to be set later with set.
func (b *pdfBuilder) reserve() int { return b.add("null") }

func (b *pdfBuilder) set(n int, body string) { b.objs[n-1] = body }

// stream returns a stream object body with its Length.
func stream(dict, data string) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}

// bytes writes the file with root as the catalog.
func (b *pdfBuilder) bytes(root int) []byte {
	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(b.objs))
	for i, body := range b.objs {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, body)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(b.objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(b.objs)+1, root, xref)
	return out.Bytes()
}

// onePage builds a one-page A4 file with the given font resources
// ("/F1 5 0 R ...", objects added by the caller through fonts) and content.
func onePage(fonts func(b *pdfBuilder) string, content string) []byte {
	var b pdfBuilder
	res := fonts(&b)
	contents := b.add(stream("", content))
	pages := b.reserve()
	pg := b.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << %s >> >> /Contents %d 0 R >>", pages, res, contents))
	b.set(pages, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", pg))
	root := b.add(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pages))
	return b.bytes(root)
}

// hexStr writes bytes as a PDF hex string.
func hexStr(s string) string {
	return fmt.Sprintf("<%X>", []byte(s))
}

// widths returns a /Widths array of n entries of w.
func widths(n int, w int) string {
	return "[" + strings.TrimSpace(strings.Repeat(fmt.Sprintf("%d ", w), n)) + "]"
}
