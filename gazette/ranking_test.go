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
	if got, want := PartialTermWeight(3, true), PartialTitleWeight*PartialTermWeight(3, false); got != want {
		t.Errorf("in the title: %v, want %v", got, want)
	}
	if !(PartialTermWeight(3, false) > PartialTermWeight(0.5, false)) {
		t.Error("a rare term weighs no more than a common one")
	}
}
