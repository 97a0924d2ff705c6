// Package frontendtest builds published archives for the tests and the
// load benchmark of package frontend: a small gazette of several years
// with varied documents, and documents whose every field is a hostile
// payload.
//
// It imports archive and archivetest (test fixtures), never an adapter:
// callers choose the Blobs and Index.
package frontendtest
