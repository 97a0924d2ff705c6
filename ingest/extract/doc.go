// Package extract gets the text of every page of a PDF by the best path that
// works for that page: the PDF's own text layer (decoded by ingest/pdftext
// in an isolated worker child), else poppler's pdftotext, else OCR, else
// the page is marked as needing review, with the reason. Each page records
// which path produced it (page.Extractor), how sure that path is
// (Confidence) and why it was taken (Note).
//
// The binary that calls File must serve the worker's child role: its main
// starts with worker.MaybeServeChild(extract.Jobs()). WithTools points the
// child at cmd/gazette-worker, a small binary with that one role, when it
// lies beside the running one and was built from the same code: one child
// starts per file, and a small binary starts in a tenth of the time.
//
// extract imports worker, ocr, pdftext, garble and page; it must not import
// the later stages (layout, split, meta), gazette, archive or frontend.
package extract
