package gazette

import "testing"

func TestTitleKey(t *testing.T) {
	const title = "国务院关于《宁夏回族自治区国土空间规划（2021—2035年）》的批复"
	for _, typed := range []string{
		title,
		"国务院关于宁夏回族自治区国土空间规划(2021-2035年)的批复",
		"国务院关于 宁夏回族自治区国土空间规划 2021 2035年 的批复",
		"国务院关于“宁夏回族自治区国土空间规划”（２０２１—２０３５年）的批复",
	} {
		if TitleKey(typed) != TitleKey(title) {
			t.Errorf("TitleKey(%q) = %q, want %q", typed, TitleKey(typed), TitleKey(title))
		}
	}
	for _, other := range []string{"国务院关于宁夏回族自治区国土空间规划的批复", "宁夏回族自治区国土空间规划", ""} {
		if TitleKey(other) == TitleKey(title) {
			t.Errorf("TitleKey(%q) equals the title's", other)
		}
	}
	if k := TitleKey("《》、 ，"); k != "" {
		t.Errorf("TitleKey of marks only = %q, want empty", k)
	}
}

func TestValidityRanking(t *testing.T) {
	order := [][]Validity{{InForce}, {Amended, NotYetInForce, ""}, {Repealed, Expired}}
	for rank, vs := range order {
		for _, v := range vs {
			if got := ValidityRank(v); got != rank {
				t.Errorf("ValidityRank(%q) = %d, want %d", v, got, rank)
			}
		}
	}
	if ValidityWeight(InForce) != 1 || !(ValidityWeight(Amended) < 1) || !(ValidityWeight(Expired) < ValidityWeight(Amended)) || !(ValidityWeight(Repealed) > 0) {
		t.Errorf("validity weights %v: want 1 for in force, then lower, above 0", validityWeights)
	}
}

func TestPartialTermWeight(t *testing.T) {
	if got, want := PartialTermWeight(3, true, 0, 0), PartialTitleWeight*PartialTermWeight(3, false, 0, 0); got != want {
		t.Errorf("in the title: %v, want %v", got, want)
	}
	if !(PartialTermWeight(3, false, 0, 0) > PartialTermWeight(0.5, false, 0, 0)) {
		t.Error("a rare term weighs no more than a common one")
	}
	if got, want := PartialTermWeight(3, false, 0, 50), PartialRankWeight*3.0; got != want {
		t.Errorf("first of 50 hits: %v, want %v", got, want)
	}
	if got := PartialTermWeight(3, false, 49, 50); got < 3 || got > 3.1 {
		t.Errorf("last of 50 hits: %v, want about 3", got)
	}
}

func TestPartialPagesWeight(t *testing.T) {
	for _, r := range []PageRange{{}, {First: 5, Last: 5}, {First: 5, Last: 4}} {
		if got := PartialPagesWeight(r); got != 1 {
			t.Errorf("PartialPagesWeight(%v) = %v, want 1", r, got)
		}
	}
	if !(PartialPagesWeight(PageRange{First: 1, Last: 8}) > PartialPagesWeight(PageRange{First: 3, Last: 4})) {
		t.Error("a long document weighs no more than a short one")
	}
}
