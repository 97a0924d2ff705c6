// Package worker runs untrusted decoding of one file in a child process: the
// same binary, re-executed with a marker in its environment, under a
// wall-clock limit, a memory limit and a page budget. An infinite loop, an
// out-of-memory or a stack overflow (none of which recover() can catch in Go)
// then costs that file only; the parent survives, keeps the pages the child
// streamed before it died, and says how it died (see ChildError).
//
// The binary's main must call MaybeServeChild first, before it parses flags
// or starts anything, with the jobs the child may run. The child may also be
// another, smaller binary (Limits.Exe) whose main does only that: Beside
// finds one next to the running executable and checks that it was built
// from the same code.
//
// Worker imports only the shared page type and the standard library. It must
// not import the decoders it runs (they are handed to MaybeServeChild as
// Decoder values), nor gazette, archive or frontend.
package worker
