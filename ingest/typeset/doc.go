// Package typeset generates realistic provincial gazette (政府公报) issues as
// PDF files, deterministically from a seed, together with their exact
// ground truth (Truth): the fields, every document's title, 文号,
// kind, authorities, dates, section, page ranges and text, and every page's
// lines with their roles. The ingest stages (extraction, splitting,
// metadata) are measured against it, and the reader's demo content comes
// from it.
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
