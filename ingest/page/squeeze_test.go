package page

import "testing"

// Spaces of every kind go, the ideographic space of spaced-out type too;
// the characters stay in order.
func TestSqueeze(t *testing.T) {
	for in, want := range map[string]string{
		"标 题":             "标题",
		"福　建　省\t人民政府\n公报": "福建省人民政府公报",
		" 闽政〔2024〕 1号 ":   "闽政〔2024〕1号",
		"":                "",
	} {
		if got := Squeeze(in); got != want {
			t.Errorf("Squeeze(%q) = %q, want %q", in, got, want)
		}
	}
}
