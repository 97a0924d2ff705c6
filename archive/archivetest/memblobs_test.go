package archivetest_test

import (
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
)

var _ archive.Blobs = (*archivetest.MemBlobs)(nil)

func TestMemBlobs(t *testing.T) {
	archivetest.TestBlobs(t, func(*testing.T) archive.Blobs { return archivetest.NewMemBlobs() })
}
