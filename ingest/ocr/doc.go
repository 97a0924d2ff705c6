// Package ocr gets a page's text from outside tools when the PDF's own text
// layer fails: tesseract (chi_sim) on a page image rendered by poppler's
// pdftoppm (Engine), and poppler's pdftotext as a second text extractor
// (Poppler). Each tool runs as a process of its own, per page, under a
// timeout and a memory limit, and a missing tool is reported as
// ErrNotInstalled, never as an empty page.
//
// Its results are page.Page values; ocr imports only the page type and the
// standard library (and golang.org/x/sys for resource limits). It must not
// import the other ingest stages, gazette, archive or frontend.
package ocr
