package bleveindex_test

import (
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/bleveindex"
)

var _ archive.Index = (*bleveindex.Index)(nil)

// open returns an empty index in a temporary directory, closed at the end
// of the test.
func open(t *testing.T) *bleveindex.Index {
	t.Helper()
	idx, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := idx.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return idx
}

func TestContract(t *testing.T) {
	archivetest.TestIndex(t, func(t *testing.T) archive.Index { return open(t) })
}
