// Package splittest assembles gazette issues with exact ground truth for
// the tests and evaluations of split and meta: real Taiwan Executive Yuan
// Gazette issues (one XML record per document, in print order) and
// synthetic mainland issues built from real titles, 文号 and dates
// (../shared/corpus/docnum) and real law texts (../shared/corpus/laws).
// Both are typeset with layouttest: a cover, a table of contents with the
// real printed page numbers, section banners, running heads, page numbers
// and documents that start mid-page.
//
// It is for tests only: it reads the corpus from disk and must not be
// imported by production code.
package splittest
