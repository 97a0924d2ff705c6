// Package preserve keeps the archive fit to be trusted and taken home:
// fixity audits (Auditor: every stored object read again and checked
// against its SHA-256, the manifests and the transparency log, the log
// checked itself, the search index's drift reported and repaired) recorded
// as PREMIS-style events; and bulk data: BagIt bags (RFC 8493) of an issue
// or a year, with the log's proofs as tag files, laid out as a tar stream
// whose size and bytes are known before it is read (so downloads resume),
// and daily gzip JSON Lines dumps of all current documents, each entered
// in the transparency log (archive.EventDump). Export writes the same to a
// directory (gazette export); Shelf is what the server offers of it all.
//
// What it keeps in storage, beside the archive's objects:
//
//	fixity/<run>.json               a run's summary and its failures (Run)
//	fixity/<run>.events.jsonl.gz    every event of the run, one a line
//	dumps/<YYYY-MM-DD>.jsonl.gz     the dump of a day, create-only
//	deletions/dumps/<YYYY-MM-DD>.json  the PREMIS deletion event of a dump
//	                                   the retention pruned (DumpsKept)
//
// It never changes a published object: an audit only reads them, and its
// only repair is of the search index, which is derived. Dumps are derived
// too, and the only objects it deletes. On S3 a deleted dump's version
// stays in the versioned bucket until a lifecycle rule expires noncurrent
// versions.
//
// It imports gazette, archive, transparency and the standard library;
// never an adapter, frontend, editorial, ingest or cmd.
package preserve
