package worker

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	gojson "github.com/goccy/go-json"

	"github.com/gazette-archive/gazette/ingest/page"
)

// bigPage is a typical gazette body page: 35 lines of Han text with the
// coordinates layout arithmetic produces.
func bigPage(n int) page.Page {
	p := page.Page{Number: n, Width: 595.28, Height: 841.89, Extractor: page.Text, Confidence: 0.75}
	for i := range 35 {
		p.Lines = append(p.Lines, page.Line{
			Text: strings.Repeat("饮用水安全直接关系人民群众身体健康。", 2) + fmt.Sprint(i),
			X:    87.64, Y: 115.19999999999993 + float64(i)*18.9, W: 409.6209999999993, Size: 10.5, Bold: i%7 == 0,
		})
	}
	return p
}

func ptr[T any](v T) *T { return &v }

// TestMessagesRoundTrip: every message the child sends reads back as sent,
// one line each.
func TestMessagesRoundTrip(t *testing.T) {
	for name, m := range map[string]message{
		"body page":   {Page: ptr(bigPage(3))},
		"no lines":    {Page: &page.Page{Number: 1, Extractor: page.None, Note: "no text layer (a scan or drawing?)"}},
		"empty lines": {Page: &page.Page{Number: 2, Lines: []page.Line{}}},
		"escapes":     {Page: &page.Page{Number: 4, Lines: []page.Line{{Text: "a \"quote\"\\ and\ta tab <b>&\u2028"}}, Note: "line\nbreak"}},
		"extreme floats": {Page: &page.Page{Number: 7, Width: 1e21, Height: 1e-7, Confidence: math.Copysign(0, -1),
			Lines: []page.Line{{Text: "x", X: -3.5e-300, Y: 1.7976931348623157e308, W: 5e-324, Size: 123456789.125}}}},
		"done":  {Done: &done{Truncated: true}},
		"error": {Error: "malformed PDF: <xref> missing"},
	} {
		line, err := appendMessage([]byte("keep"), m)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !strings.HasPrefix(string(line), "keep") || strings.Count(string(line), "\n") != 1 || !strings.HasSuffix(string(line), "\n") {
			t.Fatalf("%s: appendMessage = %q: want the prefix kept and one line", name, line)
		}
		got, err := decodeMessage(line[len("keep"):])
		if err != nil || !reflect.DeepEqual(got, m) {
			t.Errorf("%s: read back %+v, %v; want %+v", name, got, err, m)
		}
	}
}

// TestMessagesAreStrictJSON: what the parent reads from the untrusted child
// is strict JSON. Text a decoder produced as invalid UTF-8 arrives as
// U+FFFD, which the garble detection counts; a line that is not JSON, or
// carries raw control characters, is an error, not a page.
func TestMessagesAreStrictJSON(t *testing.T) {
	line, err := appendMessage(nil, message{Page: &page.Page{Number: 6, Lines: []page.Line{{Text: "GBK \xb5\xda bytes"}}}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := decodeMessage(line)
	if err != nil || m.Page.Lines[0].Text != "GBK \uFFFD\uFFFD bytes" {
		t.Errorf("invalid UTF-8 read back as %q, %v; want U+FFFD for each bad byte", m.Page.Lines[0].Text, err)
	}
	if m, err := decodeMessage([]byte("{\"page\":{\"note\":\"\xb5\xda\"}}")); err != nil || m.Page.Note != "\uFFFD\uFFFD" {
		t.Errorf("invalid UTF-8 on the wire read as %q, %v; want U+FFFD", m.Page.Note, err)
	}
	for _, bad := range []string{
		"{\"page\":{\"note\":\"a\tb\"}}", // raw control character
		`{"page":{"number":1,}}`,
		`{"page":{"number":1}} x`,
		`{"page":{"number":1`,
		"%PDF-1.7 this is not json\n",
		`{"page":{"width":Infinity}}`,
		`{"page":{"number":"1"}}`,
	} {
		if _, err := decodeMessage([]byte(bad)); err == nil {
			t.Errorf("decodeMessage(%q) accepted a line that is not strict JSON", bad)
		}
	}
	if _, err := appendMessage(nil, message{Page: &page.Page{Number: 1, Confidence: math.NaN()}}); err == nil {
		t.Error("a NaN confidence was written: JSON has no NaN")
	}
}

// BenchmarkCodec is the pipe's cost for one page: the child's encoding and
// the parent's decoding, with encoding/json (used) beside goccy/go-json
// (faster, but lenient: see TestMessagesAreStrictJSON).
func BenchmarkCodec(b *testing.B) {
	m := message{Page: ptr(bigPage(500))}
	line, err := appendMessage(nil, m)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("encoding/json.Marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			json.Marshal(m)
		}
	})
	b.Run("goccy.Marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			gojson.Marshal(m)
		}
	})
	b.Run("encoding/json.Unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var m message
			json.Unmarshal(line, &m)
		}
	})
	b.Run("goccy.Unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var m message
			gojson.Unmarshal(line, &m)
		}
	})
}
