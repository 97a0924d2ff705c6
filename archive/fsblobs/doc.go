// Package fsblobs is the default object storage of the archive of record: a
// local directory. Store implements archive.Blobs, so the archive runs on it
// with nothing installed but Go; s3blobs is the same contract on MinIO.
//
// Layout of the directory given to Open:
//
//	objects/<key>   one regular file per object; key segments are directories
//	tmp/            temporary files of writes in progress (never listed)
//	locks/00..ff    lock files, one per stripe of keys (flock(2))
//
// Every write goes to a temporary file under tmp/ (same filesystem), is
// fsynced, and is then renamed, or for create-only writes linked, into place,
// after which the parent directory is fsynced: a reader sees the old object or
// the new one, never a part, and a crash leaves at most a temporary file that
// the next Open removes.
//
// Keys are checked with gazette.CheckKey, every path is resolved through an
// os.Root confined to the directory, and a symbolic link found inside the
// tree is refused rather than followed, so no key can read or write outside
// the directory. Reads on Linux resolve a path in one openat2(2) that the
// kernel confines the same way (RESOLVE_BENEATH, RESOLVE_NO_SYMLINKS)
// rather than os.Root's open of each directory on the way; where openat2 is
// missing (before Linux 5.6, or refused by a seccomp filter) they take
// os.Root's way too.
//
// Ping reports a full disk (under 1 MiB left), so a server on it says it is
// not ready.
//
// The store is safe for concurrent use by goroutines and by processes sharing
// the directory on a local filesystem (flock(2) and link(2) must behave as on
// Linux; network filesystems are not supported). It is Unix-only.
//
// It imports gazette, the standard library and golang.org/x/sys (openat2)
// only; it never imports archive (its tests do, to run the shared contract
// suite).
package fsblobs
