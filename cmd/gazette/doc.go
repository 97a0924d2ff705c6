// Command gazette is the one binary of Gazette: serve the reader and API,
// look up document numbers, and (in later work) ingest, extract and reindex.
//
// It is the only place that reads configuration (flags and GAZETTE_*
// environment variables, secrets also from *_FILE) and picks backends.
package main
