// Command gazette-worker is the child process gazette starts to decode one
// PDF's text layer (ingest/worker, the jobs of ingest/extract). It holds the
// decoding code only, so it starts in a few milliseconds where gazette itself,
// with its server, storage and search engines linked in, takes tens: with
// one child per file, that start is a good part of the cost of a short
// issue. gazette uses it when it lies beside the gazette executable and was
// built from the same code (worker.Beside), and otherwise re-executes
// itself. Run by hand, it says so and exits.
//
// It imports ingest/worker and ingest/extract and nothing else of gazette.
package main
