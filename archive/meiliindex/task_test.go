//go:build linux

package meiliindex

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/gazette"
)

// A task that Meilisearch accepts and then fails is an error of the write
// that waited for it.
func TestFailedTaskIsAnError(t *testing.T) {
	srv := archivetest.StartMeili(t) // a server of its own
	ctx := context.Background()
	x, err := New(ctx, Config{URL: srv.URL, Key: srv.Key})
	if err != nil {
		t.Fatal(err)
	}
	// Past the checks of Put: an ID Meilisearch refuses when it processes the task.
	err = x.addNDJSON(ctx, [][]byte{[]byte(`{"id":"2019-1-1","title":"ok"}` + "\n"), []byte(`{"id":"bad id!","title":"x"}` + "\n")})
	if err == nil || !errors.Is(err, gazette.ErrInvalid) || !strings.Contains(err.Error(), "invalid_document_id") {
		t.Errorf("failed task: %v; want an ErrInvalid naming invalid_document_id", err)
	}
	// The batch before it was written.
	if _, err := x.Get(ctx, "2019-1-1"); err != nil {
		t.Errorf("Get of the batch before the failure: %v", err)
	}
	// A document addition that is not JSON fails the same way.
	err = x.addNDJSON(ctx, [][]byte{[]byte("{not json\n")})
	if !errors.Is(err, gazette.ErrInvalid) {
		t.Errorf("malformed payload: %v, want ErrInvalid", err)
	}
}
