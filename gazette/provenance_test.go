package gazette

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestProvenance(t *testing.T) {
	d := Document{Pages: PageRange{First: 3, Last: 5}, Sources: []TextSource{
		{Page: 3, Method: TextLayer}, {Page: 4, Method: OCR, Confidence: 0.91}, {Page: 5, Method: OCR, Confidence: 0.7},
	}}
	if got := fmt.Sprint(d.MachineRead()); got != "[4 5]" {
		t.Errorf("MachineRead = %s, want [4 5]", got)
	}
	at := time.Date(2026, 12, 5, 10, 0, 0, 0, ChinaTime)
	d.MarkProofread("wang.li", at)
	if len(d.MachineRead()) != 0 || d.Sources[1].Method != Proofread || d.Sources[1].By != "wang.li" || !d.Sources[1].At.Equal(at) || d.Sources[0].Method != TextLayer {
		t.Errorf("after proofreading: %+v", d.Sources)
	}
	for _, bad := range [][]TextSource{
		{{Page: 3, Method: "guess"}},
		{{Page: 6, Method: OCR}},
		{{Page: 3, Method: OCR}, {Page: 3, Method: TextLayer}},
		{{Page: 3, Method: OCR, Confidence: 1.5}},
		{{Page: 3, Method: Proofread}},
	} {
		p := newProblems()
		checkSources(p, bad, d.Pages)
		if err := p.err(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v, want ErrInvalid", bad, err)
		}
	}
}
