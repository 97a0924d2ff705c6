// Command gazette is the production binary of Gazette: serve the reader,
// the API and the editors' pages; extract and ingest gazette PDFs; manage
// editor accounts; search; reindex; look up document numbers.
//
// With cmd/gazette-eval it is the only place that reads configuration
// (flags and GAZETTE_* environment variables, secrets also from *_FILE,
// through cmd/internal/cli) and the only place that picks backends:
// GAZETTE_STORAGE chooses local storage under --data or S3, and
// GAZETTE_MEILI_URL Meilisearch instead of the embedded bleve index. Each
// command opens storage and the index once (deps.go) and closes them once.
//
// The evaluations and benchmarks are not linked into it: they are
// gazette-eval's and gazette-loadbench's (TestEvaluationNotLinked checks).
// It must not import searcheval, ingesteval or those commands.
//
// On the embedded default, the bleve index under --data can be open in one
// process only: serve shares it over a Unix socket (handoff.go), so ingest,
// search and reindex run beside a running server, and a command that finds
// the index held otherwise names the process holding it.
package main
