package frontend

import "testing"

// A citation of 第N条 is accepted exactly when the page anchors art-N, so
// that its link always lands: numbers in the thousands, 之一 articles and
// quoted headings included.
func TestHasArticleAgreesWithTheAnchors(t *testing.T) {
	body := []string{
		"第一章　总则",
		"第一条　为了保护民事主体的合法权益，制定本法。",
		"第二条　“第九条　不得……”的规定废止。",
		"第一千二百六十条　本法自2021年1月1日起施行。",
	}
	for n, want := range map[int]bool{1: true, 2: true, 9: false, 1260: true, 3: false} {
		if got := hasArticle(body, n); got != want {
			t.Errorf("hasArticle(第%d条) = %v, want %v", n, got, want)
		}
	}
}
