// Package split divides a cleaned gazette issue into its documents, each
// with its title, section and page range.
//
// It first looks for the table of contents (目录, 本期目录, 目次, or a
// two-character heading OCR read half right, 目对; over one or several
// pages; entries with dot leaders or spaces before a page number, titles
// wrapped over two lines, section banners between entries). Contents whose
// heading a scan lost altogether are known by their entries (titles with
// rising page numbers, banners) and kept only when their titles are found
// in the issue. It maps the
// printed page numbers to file pages with the numbers layout found
// (tolerating an offset and missing numbers) and confirms each entry by
// finding its title on that page, where the document may start mid-page.
// Where there is no table of contents, or for entries it cannot confirm, it
// finds document starts by their shape: a title line (关于…的通知, …令),
// a 文号 or date line under it, a 令 heading, a section banner (【…】), and
// the end of the previous document (its signature block and date). A
// title quoted by the document before it (the rule a 令 promulgates, the
// measures a notice issues, nested quotes included) is not a start.
//
// An original's 版头 (registration number, 发文机关标志 …文件, 文号) belongs
// to the document whose title it heads: a start moves up over it, and a
// …文件 heading followed by a 文号 is that mark, not a section banner. On
// scans, a contents entry whose leaders OCR lost (…办法1) is still read,
// and so is one whose page number it lost (…办法……).
//
// Its cost grows with the paragraphs, not their square: what each
// paragraph is (a 文号 or date line, its folded text) is worked out once,
// and a contents entry is looked for only on the pages next to the one it
// names, or up to its first sure match where the pages print no numbers.
//
// It is pure computation over layout's pages: it imports ingest/layout and
// ingest/meta, and must not import os, net, archive or frontend.
package split
