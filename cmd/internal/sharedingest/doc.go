// Package sharedingest runs several `gazette ingest` processes at once over
// one batch and reads what each reports, for the shared-ingest benchmark
// (gazette-eval bench-shared-ingest) and the tests of gazette ingest that
// share a batch between processes. It starts the processes it is given;
// it opens no storage.
package sharedingest
