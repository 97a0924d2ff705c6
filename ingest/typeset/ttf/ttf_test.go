package ttf

import (
	"errors"
	"os"
	"testing"
)

// A Latin face from Debian's fonts-liberation (scripts/tools.sh installs it).
const liberationSerif = "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"

// TestSubsetSimple: a simple TrueType font's subset keeps its cmap, so a PDF
// reader finds the glyph of each character through it, and keeps the
// outlines asked for and no others. The CID subset needs no cmap.
func TestSubsetSimple(t *testing.T) {
	if _, err := os.Stat(liberationSerif); err != nil {
		t.Skip("fonts-liberation not installed")
	}
	f, err := Load(liberationSerif, 0)
	if err != nil {
		t.Fatal(err)
	}
	zero, a := f.GlyphIndex('0'), f.GlyphIndex('A')
	if zero == 0 || a == 0 || len(f.Outline('0')) == 0 {
		t.Fatalf("glyphs of 0 and A: %d, %d", zero, a)
	}
	sub, err := Parse(f.SubsetSimple(map[uint16]bool{zero: true}), 0)
	if err != nil {
		t.Fatalf("simple subset: %v", err)
	}
	if g := sub.GlyphIndex('0'); g != zero {
		t.Errorf("subset maps 0 to glyph %d, want %d", g, zero)
	}
	if len(sub.Outline('0')) == 0 {
		t.Error("subset lost the outline of 0")
	}
	if len(sub.Outline('A')) != 0 {
		t.Error("subset kept the outline of A, not asked for")
	}
	if _, err := Parse(f.Subset(map[uint16]bool{zero: true}), 0); !errors.Is(err, errFormat) {
		t.Errorf("CID subset parsed as a whole font (err %v): it carries a cmap it does not need", err)
	}
}
