// Package pdftext decodes the text layer of a PDF into pages of positioned
// lines in reading order (package page), for the ingest pipeline.
//
// It reads the file's object model with github.com/ledongthuc/pdf (Reader,
// Trailer, Value) but does its own page-tree walk (once, with cycle, depth,
// node and page budgets), its own content-stream lexer and text-state
// interpreter, and its own font decoding, because that library's text
// decoding is wrong for the legacy encodings of Chinese gazettes:
// predefined GB CMaps (GBK-EUC-H, GBKp-EUC-H, GB-EUC-H, UniGB-UCS2-H, ...),
// Identity-H fonts without ToUnicode (mapped through Adobe-GB1 or the
// embedded TrueType cmap, else U+FFFD so the page is flagged), and
// non-embedded Chinese fonts that declare WinAnsi but carry GBK bytes
// (re-decoded as GBK when package garble prefers it).
//
// Three workarounds for the library live here: preflight refuses files
// whose cross-reference data would make it allocate without bound (an
// out-of-memory crash recover() cannot stop); rc4Fix decrypts 40-bit RC4
// files, whose per-object keys the library derives wrongly; and the
// content lexer skips inline images, which the library's PostScript
// interpreter reads as tokens.
//
// ledongthuc/pdf can still fail in ways recover() cannot stop on hostile
// files: run this package in the isolated worker process (ingest/worker),
// never in a process that must survive. Within the process it recovers
// panics page by page, bounds operators per page and decoded stream sizes,
// and honours context cancellation between operators.
//
// Known limits: text at angles other than quarter turns is ordered as if
// upright; widths of the standard 14 fonts without /Widths are estimated;
// Identity-H fonts of the Japanese, Korean and Traditional Chinese
// collections without ToUnicode or an embedded TrueType cmap come out as
// U+FFFD (garbled, for the fallback chain).
//
// pdftext may import ingest/page and ingest/garble; it must not import the
// archive, frontend, the command, or any other ingest stage.
package pdftext

//go:generate go run ./internal/gengb1 -o adobegb1_table.go
