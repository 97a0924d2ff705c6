package gazette

import (
	"errors"
	"math"
	"testing"
)

func TestEstimateErrorRate(t *testing.T) {
	p := func(read, printed string) Proof {
		return Proof{Year: 1987, Document: "1987-3-1", Read: read, Printed: printed}
	}
	if n, c := p("第 一条 为了加强城", "第一条为了加强城乡").Errors(); n != 1 || c != 9 {
		t.Errorf("errors %d of %d, want 1 of 9 (spaces left out)", n, c)
	}
	proofs := []Proof{
		p("各市、县人民政府：", "各市、县人民政府："),       // 0 of 9
		p("现将《办法》印发给你们。", "现将《办法》印发给你们。"), // 0 of 12
		p("二〇一三年三月十三日", "二〇一三年三月十二日"),     // 1 of 10
		p("澜江省人民政府办公打", "澜江省人民政府办公厅"),     // 1 of 10
	}
	e := EstimateErrorRate(proofs)
	if e.Paragraphs != 4 || e.Chars != 41 || e.Errors != 2 || math.Abs(e.Rate-2.0/41) > 1e-9 {
		t.Errorf("estimate %+v", e)
	}
	if !(e.Low < e.Rate && e.Rate < e.High) || e.Low < 0 || e.High > 1 {
		t.Errorf("interval [%v, %v] around %v", e.Low, e.High, e.Rate)
	}
	// More paragraphs alike narrow the interval.
	more := EstimateErrorRate(append(append(append(proofs, proofs...), proofs...), proofs...))
	if more.High-more.Low >= e.High-e.Low {
		t.Errorf("16 paragraphs: interval %v wide, 4: %v", more.High-more.Low, e.High-e.Low)
	}
	if one := EstimateErrorRate(proofs[:1]); one.Low != 0 || one.High != 1 {
		t.Errorf("one paragraph: %+v, want the whole range", one)
	}
	if err := (Proof{Year: 1987, Document: "x", Printed: "a"}).Validate(); !errors.Is(err, ErrInvalid) {
		t.Errorf("a proof of no document: %v", err)
	}
}
