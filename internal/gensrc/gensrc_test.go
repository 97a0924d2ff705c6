package gensrc

import (
	"bytes"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
)

func TestRuneConst(t *testing.T) {
	runes := []rune(strings.Repeat("公报\"\x00", 40))
	var b bytes.Buffer
	b.WriteString("package p\n\n")
	RuneConst(&b, "table", runes)
	f, err := parser.ParseFile(token.NewFileSet(), "t.go", b.Bytes(), 0)
	if err != nil {
		t.Fatalf("not Go: %v\n%s", err, b.Bytes())
	}
	// Joined back, the quoted pieces are the runes.
	var got strings.Builder
	for _, line := range strings.Split(b.String(), "\n")[3:] {
		line = strings.TrimSuffix(strings.TrimSpace(line), " +")
		if line == "" {
			continue
		}
		s, err := strconv.Unquote(line)
		if err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		got.WriteString(s)
	}
	if got.String() != string(runes) || f.Name.Name != "p" {
		t.Errorf("constant holds %q, want %q", got.String(), string(runes))
	}
}
