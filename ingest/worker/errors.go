package worker

import (
	"errors"
	"fmt"
)

// The ways a child can fail. A *ChildError unwraps to exactly one of them, so
// callers test with errors.Is(err, worker.ErrTimeout) and read the details
// with errors.As.
var (
	// ErrTimeout: the child ran past Limits.Timeout and was killed.
	ErrTimeout = errors.New("timed out")
	// ErrCanceled: the caller's context ended and the child was killed.
	ErrCanceled = errors.New("canceled")
	// ErrOutOfMemory: the child hit Limits.Memory (the runtime's own
	// out-of-memory death under RLIMIT_AS, or the parent's RSS watchdog).
	ErrOutOfMemory = errors.New("out of memory")
	// ErrStackOverflow: the child's goroutine stack passed its maximum.
	ErrStackOverflow = errors.New("stack overflow")
	// ErrCrashed: the child died otherwise (a panic, a signal, a non-zero exit).
	ErrCrashed = errors.New("crashed")
	// ErrProtocol: the child broke the pipe protocol (garbage, a page out of
	// order, more output than Limits.MaxOutput, or an exit without finishing).
	ErrProtocol = errors.New("protocol violation")
	// ErrDecode: the decoder itself returned an error; the child exited
	// cleanly. The file is bad, not dangerous.
	ErrDecode = errors.New("decode failed")
)

// ChildError says how a child died and how far it got.
type ChildError struct {
	Kind      error  // one of the Err* values above
	Job, Path string // what the child was running
	// PagesDone is how many pages the child returned before it failed: a
	// child that died decoding page 900 has PagesDone 899.
	PagesDone int
	Detail    string // the reason in words: the panic message, the signal, the decoder's error
	ExitCode  int    // -1 if killed by a signal
	Signal    string // the signal that ended it, if any
	Stderr    string // the head of what the child wrote to stderr
	Cause     error  // the context's error for ErrCanceled, nil otherwise
}

// Error describes the failure in one line.
func (e *ChildError) Error() string {
	s := fmt.Sprintf("worker: %s %s: %v after %d pages", e.Job, e.Path, e.Kind, e.PagesDone)
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns the kind, and the context's error for a cancellation.
func (e *ChildError) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Kind, e.Cause}
	}
	return []error{e.Kind}
}
