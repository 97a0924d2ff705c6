package worker

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

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

func TestAppendMessageIsJSON(t *testing.T) {
	tests := []struct {
		name string
		m    message
	}{
		{name: "body page", m: message{Page: ptr(bigPage(3))}},
		{name: "no lines", m: message{Page: &page.Page{Number: 1, Extractor: page.None, Note: "no text layer (a scan or drawing?)"}}},
		{name: "empty lines", m: message{Page: &page.Page{Number: 2, Lines: []page.Line{}}}},
		{name: "escapes", m: message{Page: &page.Page{Number: 4, Lines: []page.Line{{Text: "a \"quote\"\\ and\ta tab"}}, Note: "line\nbreak"}}},
		{name: "html and separators", m: message{Page: &page.Page{Number: 5, Lines: []page.Line{{Text: "<b>&\u2028\u2029</b>"}}}}},
		{name: "invalid UTF-8", m: message{Page: &page.Page{Number: 6, Lines: []page.Line{{Text: "GBK \xb5\xda bytes"}}}}},
		{name: "extreme floats", m: message{Page: &page.Page{Number: 7, Width: 1e21, Height: 1e-7, Confidence: math.Copysign(0, -1),
			Lines: []page.Line{{Text: "x", X: -3.5e-300, Y: 1.7976931348623157e308, W: 5e-324, Size: 123456789.125}}}}},
		{name: "done", m: message{Done: &done{Truncated: true}}},
		{name: "error", m: message{Error: "malformed PDF: <xref> missing"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := appendMessage([]byte("keep"), tc.m)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(got), "keep") || !strings.HasSuffix(string(got), "\n") {
				t.Fatalf("appendMessage = %q: want the prefix kept and one newline", got)
			}
			got = got[len("keep"):]
			want, err := json.Marshal(tc.m)
			if err != nil {
				t.Fatal(err)
			}
			// The bytes are encoding/json's, but for the characters it
			// escapes only for HTML's sake.
			if !strings.ContainsAny(string(want), `\`) && string(got) != string(want)+"\n" {
				t.Errorf("appendMessage =\n%s\nwant\n%s", got, want)
			}
			var m1, m2 message
			if err := json.Unmarshal(got, &m1); err != nil {
				t.Fatalf("not JSON: %v: %s", err, got)
			}
			if err := json.Unmarshal(want, &m2); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(m1, m2) {
				t.Errorf("decodes to %+v, encoding/json's to %+v", m1, m2)
			}
			m3, err := decodeMessage(got)
			if err != nil || !reflect.DeepEqual(m3, m2) {
				t.Errorf("decodeMessage = %+v, %v; want %+v", m3, err, m2)
			}
		})
	}
}

func TestAppendMessageNaN(t *testing.T) {
	_, err := appendMessage(nil, message{Page: &page.Page{Number: 1, Confidence: math.NaN()}})
	_, want := json.Marshal(message{Page: &page.Page{Number: 1, Confidence: math.NaN()}})
	if err == nil || want == nil || !strings.Contains(err.Error(), want.Error()) {
		t.Errorf("appendMessage error = %v, want encoding/json's %v", err, want)
	}
}

// TestDecodeMessageAsJSON checks that decodeMessage agrees with
// json.Unmarshal, value and failure, on lines the plain form reads and on
// lines it must hand over.
func TestDecodeMessageAsJSON(t *testing.T) {
	tests := []struct {
		name, line string
	}{
		{name: "plain", line: `{"page":{"number":1,"width":595.28,"height":841.89,"lines":[{"text":"第一条","x":1,"y":2,"w":3,"size":4,"bold":true}],"extractor":"text","confidence":0.75}}`},
		{name: "other key order and spaces", line: " { \"page\" : { \"lines\" : [ { \"size\" : 4 , \"text\" : \"公报\" } ] , \"number\" : 2 } }\n"},
		{name: "empty objects", line: `{"page":{"lines":[{}]}}`},
		{name: "bold false", line: `{"page":{"number":1,"lines":[{"text":"a","bold":false}]}}`},
		{name: "exponents", line: `{"page":{"number":1,"width":1E3,"height":-2.5e-3,"confidence":0e0}}`},
		{name: "escaped text", line: `{"page":{"number":1,"lines":[{"text":"\u516c\u62a5 \"q\" \ud83d\ude00"}]}}`},
		{name: "null lines", line: `{"page":{"number":1,"lines":null}}`},
		{name: "null page", line: `{"page":null}`},
		{name: "upper-case key", line: `{"Page":{"Number":3}}`},
		{name: "repeated page", line: `{"page":{"number":1,"width":5},"page":{"number":2}}`},
		{name: "repeated field", line: `{"page":{"number":1,"number":2}}`},
		{name: "unknown field", line: `{"page":{"number":1,"colour":"red"}}`},
		{name: "done", line: `{"done":{"truncated":true}}`},
		{name: "error", line: `{"error":"boom"}`},
		{name: "empty", line: `{}`},
		{name: "float page number", line: `{"page":{"number":1.5}}`},
		{name: "exponent page number", line: `{"page":{"number":1e2}}`},
		{name: "huge page number", line: `{"page":{"number":99999999999999999999999}}`},
		{name: "leading zero", line: `{"page":{"number":01}}`},
		{name: "bare dot", line: `{"page":{"width":.5}}`},
		{name: "hex float", line: `{"page":{"width":0x10}}`},
		{name: "infinity", line: `{"page":{"width":Infinity}}`},
		{name: "out of range", line: `{"page":{"width":1e999}}`},
		{name: "string number", line: `{"page":{"number":"1"}}`},
		{name: "raw control character", line: "{\"page\":{\"note\":\"a\tb\"}}"},
		{name: "invalid UTF-8", line: "{\"page\":{\"note\":\"\xb5\xda\"}}"},
		{name: "trailing comma", line: `{"page":{"number":1,}}`},
		{name: "trailing garbage", line: `{"page":{"number":1}} x`},
		{name: "unterminated", line: `{"page":{"number":1`},
		{name: "not json", line: "%PDF-1.7 this is not json\n"},
		{name: "truncated true", line: `{"page":{"lines":[{"bold":tru}]}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var want message
			wantErr := json.Unmarshal([]byte(tc.line), &want)
			got, err := decodeMessage([]byte(tc.line))
			if (err == nil) != (wantErr == nil) {
				t.Fatalf("decodeMessage error = %v, json.Unmarshal's = %v", err, wantErr)
			}
			if err == nil && !reflect.DeepEqual(got, want) {
				t.Errorf("decodeMessage = %+v, json.Unmarshal = %+v", got, want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// BenchmarkCodec is the pipe's cost for one page: the child's encoding and
// the parent's decoding, beside encoding/json's.
func BenchmarkCodec(b *testing.B) {
	m := message{Page: ptr(bigPage(500))}
	line, err := appendMessage(nil, m)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			buf, _ = appendMessage(buf[:0], m)
		}
	})
	b.Run("json.Marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			json.Marshal(m)
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			decodeMessage(line)
		}
	})
	b.Run("json.Unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var m message
			json.Unmarshal(line, &m)
		}
	})
}
