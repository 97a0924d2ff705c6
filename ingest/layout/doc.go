// Package layout cleans the pages of an issue and rebuilds its paragraphs.
//
// It removes running heads and footers (lines repeated at the top or bottom
// of many pages, allowing for varying numbers and alternating odd/even
// heads) and page numbers in the usual styles (— 5 —, -5-, 5, 第5页, ·5·,
// Roman numerals on front matter), reporting each page's printed number so
// a table of contents can be mapped to file pages. A head that names the
// gazette as its cover does, a character or two misread, or echoes a
// section banner (【省政府文件】) is a head however few pages repeat it; a
// 文号 (东府〔2015〕111号) is content, never a head, however often its shape
// comes back at the top of a page. It then rebuilds
// paragraphs from line geometry (indentation, short lines, centred or larger
// headings) and joins wrapped lines the Chinese way: no space between Han
// characters or full-width punctuation, one space between Latin words, and
// a line-end hyphen between letters removed. The article or chapter heading
// that opens a paragraph gets the one ideographic space printed after it
// (第一条　为了…, 第一章　总则; ArticleSpace), which extraction loses.
//
// It works on positions only, so OCR pages (rough positions) and pages
// without font sizes take the same path with wider tolerances. On an OCR
// page the pieces the engine cut one printed line into (at a gap, a seal)
// are joined first, in the order they stand on the line.
//
// It is pure computation: it imports ingest/page and the standard library,
// and must not import os, net, archive, frontend or any other ingest stage.
package layout
