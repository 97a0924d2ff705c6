// Package ingest turns legacy gazette PDFs into issues and documents: it
// runs extraction (ingest/extract: the text layer in a child process,
// poppler, OCR), the split into documents (ingest/split) and their metadata
// (ingest/meta), and loads folders of files as resumable batches shared
// between processes (Batch). Reread reads one page again by OCR with the
// settings an archivist chose, for the review desk. What it reports, a file's Result and a
// batch's status, is in the leaf package ingest/report, so that the server
// can read reports without linking the PDF decoders.
//
// It imports gazette and its own subpackages, and declares the archive
// methods it calls (Publisher, Ledger); it never imports archive, an
// adapter, editorial or frontend.
package ingest
