// Package archivetest holds the contract suites that every adapter of the
// archive's interfaces must pass, hand-written in-memory fakes, and helpers
// that start real backend servers (MinIO, ...) or give a test a really full
// disk (SmallDisk, FillDisk).
//
// It is imported only by tests. It imports archive, gazette and the standard
// library, never an adapter.
package archivetest
