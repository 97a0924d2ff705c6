// Package report holds what ingest reports: the Result of reading one PDF
// (the issue on its cover, the documents found, how each page's text was
// obtained) with its conversion to the archive's documents, and the status
// records of batches (Batches sums them up).
//
// It is a leaf: it imports gazette, ingest/page and the standard library
// only, so that editorial and frontend can use ingest's results without
// linking the PDF decoders, OCR or the extraction worker.
package report
