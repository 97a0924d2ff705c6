// Package archivetest holds the contract suites that every adapter of the
// archive's interfaces must pass, hand-written in-memory fakes, and helpers
// that start real backend servers (MinIO, ...) for tests. A test's own
// MinIO server can be killed, paused with SIGSTOP, resumed and restarted, to
// play the outages the code must survive; SmallDisk and FillDisk give a
// test a really full disk.
//
// It is imported only by tests. It imports archive, gazette and the standard
// library, never an adapter.
package archivetest
