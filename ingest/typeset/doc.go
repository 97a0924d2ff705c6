// Package typeset generates realistic provincial gazette (政府公报) issues as
// PDF files, deterministically from a seed, together with their exact
// ground truth (Truth): the fields, every document's title, 文号,
// kind, authorities, dates, section, page ranges and text, and every page's
// lines with their roles. The ingest stages (extraction, splitting,
// metadata) are measured against it, and the reader's demo content comes
// from it.
//
// With Options.Form FormOriginal it typesets instead one agency's original
// under GB/T 9704-2012 (红头文件), the form every rule and normative
// document starts in: the 版头 (份号, 密级, 紧急程度, the registration
// number, the red masthead of one or several issuers, the 文号 with the
// 签发人 of a report sent up, the red rule), the 主体 (title, 主送, 正文,
// 附件说明, signatures with red seals drawn over them, the date in Arabic
// or Chinese numerals, 附注), attachments, and the 版记 (抄送, 印发) at the
// foot of the last page; or a decree (XX人民政府令 第N号) signed by the
// governor or mayor with its rule. Its truth names every field.
//
// Scans come in the styles of ScanStyle: grey, colour (red ink stays red),
// 1-bit CCITT Group 4, or colour and 1-bit by page; turned under /Rotate;
// skewed, speckled, with the back of the sheet showing through.
//
// Texts come from a Source: Builtin (original texts embedded in the
// package, for a fictional province, always available) or Corpus (real law
// articles and real titles, 文号 and dates read at run time from a corpus
// directory, never copied into the repository).
//
// The PDF is written by a small writer of its own (package pdfw) in one of
// several encodings, from modern embedded Identity-H fonts to the GBK-era
// traps of legacy files, or as image-only scans.
//
// It may import gazette, ingest/page and its own sub-packages; it must not
// import archive, frontend, cmd or any other ingest stage, which it exists
// to test.
package typeset
