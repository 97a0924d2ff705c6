package frontend

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/gazette"
)

// TestOneStatusPerError: an error has one status whoever meets it — the
// public API, the reader's pages, the editors' pages and their API — so
// that the audiences differ only in the words they read. (They used to
// disagree: a stale write was 412 to programs and 409 to editors, invalid
// content 400 and 422, and ErrImmutable fell through to 500.) No domain
// error is the 500 of an unknown failure, and no message is empty.
func TestOneStatusPerError(t *testing.T) {
	wrap := func(e error) error { return fmt.Errorf("editorial: draft d1: storage key drafts/d1.json: %w", e) }
	cases := []struct {
		err  error
		want int
	}{
		{gazette.ErrNotFound, http.StatusNotFound},
		{gazette.ErrInvalid, http.StatusUnprocessableEntity},
		{gazette.ValidationError{{Field: "title", Problem: "missing"}}, http.StatusUnprocessableEntity},
		{badRequest("parameter page: not a number"), http.StatusBadRequest},
		{badQuery{Param: "kind", Reason: "unknown"}, http.StatusBadRequest},
		{gazette.ErrExist, http.StatusConflict},
		{gazette.ErrConflict, http.StatusPreconditionFailed},
		{editorial.ErrStale, http.StatusPreconditionFailed},
		{editorial.ErrNoETag, http.StatusPreconditionRequired},
		{editorial.ErrCorrectedText, http.StatusConflict},
		{gazette.ErrImmutable, http.StatusConflict},
		{gazette.ErrUnavailable, http.StatusServiceUnavailable},
		{gazette.ErrStorageUnavailable, http.StatusServiceUnavailable},
		{errTooMany, http.StatusTooManyRequests},
	}
	for _, c := range cases {
		err := wrap(c.err)
		api, apiTitle := statusOf(err)
		ed, edTitle := editorStatus(err)
		if api != c.want || ed != c.want {
			t.Errorf("%v: public %d, editors %d; want %d for both", c.err, api, ed, c.want)
		}
		if apiTitle == "" || edTitle == "" {
			t.Errorf("%v: titles %q (public) and %q (editors): none may be empty", c.err, apiTitle, edTitle)
		}
	}
	// A record that does not verify is the archive's fault: the public sees
	// an internal error, editors are told what to do.
	if s, _ := statusOf(wrap(gazette.ErrCorrupt)); s != http.StatusInternalServerError {
		t.Errorf("public ErrCorrupt = %d, want 500", s)
	}
	if s, msg := editorStatus(wrap(gazette.ErrCorrupt)); s != http.StatusConflict || msg == "" {
		t.Errorf("editors' ErrCorrupt = %d %q, want 409 with a message", s, msg)
	}
}
