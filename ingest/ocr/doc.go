// Package ocr gets a page's text from outside tools when the PDF's own text
// layer fails: tesseract (chi_sim) on a page image rendered by poppler's
// pdftoppm (Engine), and poppler's pdftotext as a second text extractor
// (Poppler). Each tool runs as a process of its own, per page, under a
// timeout and a memory limit, and a missing tool is reported as
// ErrNotInstalled, never as an empty page.
//
// Engine reads scans as they come: pages turned by /Rotate or lying on
// their side, red headings and seals over black text (taken apart by
// colour), 1-bit and greyscale scans at their own resolution, a table of
// contents whose black dot leaders run into its titles and page numbers
// (the leaders whitened, the numbers read apart); and it
// post-corrects what tesseract reliably misreads in government documents
// (the brackets of a 文号, the 〇 of a year, a year the file's 文号 rules
// out, a 份号's letters for digits, a date under a seal, whose line is read
// again alone several ways, a registration number's letters, read again
// with the Latin model), recording every change in
// page.Page.Corrections.
//
// Its results are page.Page values; ocr imports the page type, the domain
// package gazette (pure: it parses 文号 and dates for post-correction), the
// standard library and golang.org/x/sys for resource limits. It must not
// import the other ingest stages, archive or frontend.
package ocr
