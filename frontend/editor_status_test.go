package frontend

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/gazette-archive/gazette/gazette"
)

// TestEditorStatusAgreesOnDomainErrors: every domain error the editors'
// pages can meet has a status of its own there, never the 500 of an
// unknown failure, and the public API knows it too.
func TestEditorStatusAgreesOnDomainErrors(t *testing.T) {
	for _, e := range []error{gazette.ErrNotFound, gazette.ErrInvalid, gazette.ErrExist, gazette.ErrConflict,
		gazette.ErrImmutable, gazette.ErrCorrupt, gazette.ErrUnavailable, gazette.ErrStorageUnavailable} {
		err := fmt.Errorf("editorial: draft d1: storage key drafts/d1.json: %w", e)
		if status, msg := editorStatus(err); status == http.StatusInternalServerError || msg == "" {
			t.Errorf("editors' pages: %v → %d %q", e, status, msg)
		}
		if errors.Is(e, gazette.ErrCorrupt) {
			continue // kept from the public: a record that does not verify is an internal fault there
		}
		if status, _ := statusOf(err); status == http.StatusInternalServerError {
			t.Errorf("API: %v → 500", e)
		}
	}
}
