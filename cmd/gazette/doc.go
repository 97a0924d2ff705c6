// Command gazette is the one binary of Gazette: serve the reader and API,
// look up document numbers, and (in later work) ingest, extract and reindex.
//
// It is the only place that reads configuration (flags and GAZETTE_*
// environment variables, secrets also from *_FILE) and picks backends.
//
// On the embedded default, the bleve index under --data can be open in one
// process only: serve shares it over a Unix socket (handoff.go), so ingest,
// search and reindex run beside a running server, and a command that finds
// the index held otherwise names the process holding it.
package main
