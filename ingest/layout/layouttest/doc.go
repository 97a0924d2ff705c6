// Package layouttest makes pages for the tests of the ingest stages: real
// pages read from a PDF by poppler's pdftotext, and pages typeset from
// blocks of text with the geometry of a printed gazette (margins, first-line
// indents, centred titles, signature blocks, running heads and page
// numbers), remembering where each block landed.
//
// It is for tests only: it runs pdftotext and must not be imported by
// production code.
package layouttest
