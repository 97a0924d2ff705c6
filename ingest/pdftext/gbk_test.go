package pdftext

import (
	"bytes"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// TestGBKTable: the table decoded in one pass holds, for every code, what
// decoding that code alone gives.
func TestGBKTable(t *testing.T) {
	tab := gbkTable()
	bad := 0
	for hi := 0x81; hi <= 0xFE; hi++ {
		for lo := 0x40; lo <= 0xFE; lo++ {
			want := gbkRune(byte(hi), byte(lo))
			if got := tab[(hi-0x81)*191+lo-0x40]; got != want {
				if bad++; bad <= 10 {
					t.Errorf("%02X%02X: %U, decoded alone %U", hi, lo, got, want)
				}
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d codes differ", bad)
	}
	if r := tab[(0xD6-0x81)*191+0xD0-0x40]; r != '中' {
		t.Errorf("D6D0 = %U, want 中", r)
	}
}

// gbkRune decodes one two-byte GBK code on its own, as the table was once
// built: 0xFFFD if it is not one character.
func gbkRune(hi, lo byte) rune {
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes([]byte{hi, lo})
	if err != nil {
		return 0xFFFD
	}
	if rs := bytes.Runes(out); len(rs) == 1 {
		return rs[0]
	}
	return 0xFFFD
}
