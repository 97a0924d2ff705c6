// Package s3blobs stores the archive of record in one bucket of MinIO or any
// S3-compatible service, through minio-go. Its Store implements archive.Blobs.
//
// The bucket has versioning and object lock (WORM). Store creates it so when
// it is missing and refuses an existing bucket without them, since object
// lock cannot be added to a bucket later. Create-only and conditional writes
// are sent to the server as If-None-Match: * and If-Match: <etag>, which
// MinIO checks under its per-object lock, for multipart uploads too.
// Immutable (published) objects carry an object-lock legal hold without
// expiry, so no version of them can be removed, not even by a direct API
// call; the Store itself refuses to overwrite or delete them.
//
// Deleting a key puts a delete marker on it: earlier versions stay in the
// bucket, so corrections never rewrite history.
//
// Every call has a deadline (Config.Timeout), and the transfer of a large
// object a deadline on its progress (Config.StallTimeout); a server that
// does not answer in time, refuses connections or says it is unavailable
// makes calls fail with gazette.ErrStorageUnavailable. For two seconds
// after such a failure calls fail at once, without waiting; the first call
// after that tries the server again.
//
// It imports gazette, minio-go and the standard library only; it never
// imports archive (the interface is checked in its tests), another adapter,
// frontend or ingest.
package s3blobs
