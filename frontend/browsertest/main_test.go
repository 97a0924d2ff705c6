package browsertest

import (
	"os"
	"testing"

	"github.com/gazette-archive/gazette/ingest/extract"
	"github.com/gazette-archive/gazette/ingest/worker"
)

func TestMain(m *testing.M) {
	// The editor flow runs the ingest pipeline, which re-executes this
	// binary as its decoding child.
	worker.MaybeServeChild(extract.Jobs())
	os.Exit(m.Run())
}
