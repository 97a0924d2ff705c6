// Package archive is the application service of the archive of record: it
// publishes issues atomically, now (Publish) or at the moment of the print
// release (Schedule, PublishDue), reads them back, keeps the history of
// published documents (corrections, validity changes, expiry, relations to
// other documents) without ever rewriting them, resolves the citations in
// their texts, and keeps a search Index derived from storage. It works
// over the two interfaces it declares: Blobs (object storage) and Index.
//
// Objects: pdf/<sha256>.pdf and records/<sha256>.json are content-addressed
// and immutable; issues/<year>/<key>.json (the manifest, create-only) is the
// commit point of an issue; schedule/<key>.json holds an issue waiting for
// its moment; history/<id>.json the versions, validity changes and
// recorded relations of a document, updated only by conditional writes;
// caused/<cause>/<id>.json, write-once, links a document to one that
// changed its validity, so that the cause can list what it changed
// (Affected; derived, see links.go); related/<target>/<maker>.json does
// the same for recorded relations, and titles/, cited/ and uncited/ hint
// at titles, citations and unresolved citations (derived, write-once; see
// relations.go and citations.go);
// lease/<kind>/<name>.json is a lease of work shared among processes
// (Leases; lease/ingest/<sha256>.json for each ingested file);
// manifests/<sha256>.json is a manifest staged, content-addressed, between
// its entry in the transparency log and its commit (see Ledger: the log
// itself, under log/, belongs to package transparency).
//
// Immutable objects read once (manifests, records) are kept, verified, in a
// bounded cache (objcache.go).
//
// It imports gazette, gazette/cite, hashicorp/golang-lru and the standard
// library; it never imports an adapter (fsblobs, s3blobs, ...), frontend or
// ingest.
package archive
