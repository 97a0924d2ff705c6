package bleveindex

import "github.com/gazette-archive/gazette/gazette"

// SetDirect turns the direct search path (fast.go) on or off, for tests
// that compare it with bleve's searchers. Not safe during searches.
func (x *Index) SetDirect(on bool) { x.noDirect = !on }

// TakesDirectPath reports whether q, normalised, would run on the direct
// path.
func (x *Index) TakesDirectPath(q gazette.Query) bool {
	if q.Normalize() != nil {
		return false
	}
	qt, err := gazette.ParseQueryText(q.Text)
	if err != nil {
		return false
	}
	_, ok := x.planDirect(&q, qt)
	return ok
}
