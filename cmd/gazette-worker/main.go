package main

import (
	"fmt"
	"os"

	"github.com/gazette-archive/gazette/ingest/extract"
	"github.com/gazette-archive/gazette/ingest/worker"
)

func main() {
	worker.MaybeServeChild(extract.Jobs())
	fmt.Fprintln(os.Stderr, "gazette-worker: gazette starts this to decode PDFs (gazette extract, gazette ingest); it is not run by hand")
	os.Exit(2)
}
