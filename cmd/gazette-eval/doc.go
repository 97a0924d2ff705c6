// Command gazette-eval measures Gazette: search relevance and speed
// (eval-search, bench-search, over searcheval), ingest accuracy and speed
// (eval-ingest, bench-ingest, over ingesteval), and ingest by several
// processes sharing one batch (bench-shared-ingest, which runs the gazette
// binary beside it). It prints figures; it is not a pass/fail gate.
//
// It is a binary of its own so that the evaluation and benchmark code is
// not linked into gazette, the production binary. It reads configuration
// as gazette does (cmd/internal/cli) and, like it, serves as its own
// decoding child when gazette-worker is not beside it. The make targets
// eval-search, bench-search, eval-ingest, bench-ingest and
// bench-shared-ingest run it.
package main
