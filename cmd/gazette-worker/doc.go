// Command gazette-worker is the child process gazette (and gazette-eval)
// starts to decode one PDF's text layer (ingest/worker, the jobs of
// ingest/extract). It holds the decoding code only, so it starts in a few
// milliseconds where gazette itself, with its server, storage and search
// engines linked in, takes tens: with one child per file, that start is a
// good part of the cost of a short issue. gazette and gazette-eval use it
// when it lies beside their executable and was built from the same code
// (worker.Beside), and otherwise re-execute themselves. Run by hand, it
// says so and exits.
//
// It imports ingest/worker and ingest/extract and nothing else of gazette.
package main
