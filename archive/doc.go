// Package archive is the application service of the archive of record: it
// publishes issues atomically and reads them back, over the Blobs interface it
// declares (object storage) and, later, a search Index.
//
// It imports gazette and the standard library only; it never imports an
// adapter (fsblobs, s3blobs, ...), frontend or ingest.
package archive
