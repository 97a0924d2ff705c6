// Package cli is what Gazette's commands share: the environment and flags
// they read, settings resolved from a flag or a GAZETTE_* variable (secrets
// also from *_FILE), the storage and extraction settings validated at
// start-up, a command table with its usage, and a progress bar.
//
// It serves cmd/gazette (the production binary) and cmd/gazette-eval (the
// evaluations and benchmarks) alike, so that both read configuration the
// same way; it is internal to cmd, the only place that reads configuration.
// It opens nothing: cmd/gazette opens storage and the index from a Storage.
// It must not import searcheval, ingesteval or frontend, which would link
// them into gazette.
package cli
