package gensrc

import (
	"bytes"
	"fmt"
	"go/format"
	"os"
)

// RuneConst appends to b the declaration of the string constant name
// holding runes, 64 to a line.
func RuneConst(b *bytes.Buffer, name string, runes []rune) {
	fmt.Fprintf(b, "const %s = \"\" +\n", name)
	for i := 0; i < len(runes); i += 64 {
		j := min(i+64, len(runes))
		fmt.Fprintf(b, "\t%q", string(runes[i:j]))
		if j < len(runes) {
			b.WriteString(" +\n")
		}
	}
	b.WriteString("\n")
}

// WriteGo formats src as gofmt does and writes it to path.
func WriteGo(path string, src []byte) error {
	out, err := format.Source(src)
	if err != nil {
		return fmt.Errorf("gensrc: %s: %w", path, err)
	}
	return os.WriteFile(path, out, 0o644)
}
