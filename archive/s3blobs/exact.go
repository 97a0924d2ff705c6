package s3blobs

import (
	"fmt"
	"io"
	"sync"

	"github.com/gazette-archive/gazette/gazette"
)

// exactReader passes on exactly size bytes of r and fails, instead of
// yielding the last of them, when r holds fewer or more. It returns no data
// together with an error, so that even io.ReadFull (which drops an error
// that comes with a full buffer) reports it and the upload is abandoned.
//
// The HTTP transport may still be reading from it in its own goroutine when
// PutObject returns, so its state is guarded, and detach waits for a read in
// progress and cuts it off from r before r is rewound for a retry.
type exactReader struct {
	r    io.Reader
	size int64

	readMu sync.Mutex // held during a Read

	mu       sync.Mutex // guards the fields below
	left     int64      // bytes still to pass on
	eof      bool       // r ended exactly at size
	err      error      // the first failure, returned by every later Read
	detached bool
}

func (e *exactReader) Read(p []byte) (int, error) {
	e.readMu.Lock()
	defer e.readMu.Unlock()
	e.mu.Lock()
	left, eof, err, detached := e.left, e.eof, e.err, e.detached
	e.mu.Unlock()
	switch {
	case err != nil:
		return 0, err
	case detached:
		return 0, io.ErrClosedPipe
	case eof:
		return 0, io.EOF
	case left == 0:
		if err := e.setEnd(probeEOF(e.r)); err != nil {
			return 0, err
		}
		return 0, io.EOF
	}

	if int64(len(p)) > left {
		p = p[:left]
	}
	n, rerr := e.r.Read(p)
	left -= int64(n)
	e.mu.Lock()
	e.left = left
	e.mu.Unlock()
	switch {
	case rerr == io.EOF && left > 0:
		return 0, e.setEnd(fmt.Errorf("the reader ended %d bytes short of the size %d: %w", left, e.size, gazette.ErrInvalid))
	case rerr == io.EOF:
		_ = e.setEnd(nil)
		return n, nil
	case rerr != nil:
		return 0, e.setEnd(fmt.Errorf("read: %w", rerr))
	case left == 0:
		// The last byte: make sure r has no more before handing it on.
		if err := e.setEnd(probeEOF(e.r)); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// setEnd records the end of r: exactly at size (nil) or a failure.
func (e *exactReader) setEnd(err error) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err != nil {
		if e.err == nil {
			e.err = err
		}
		return e.err
	}
	e.eof = true
	return nil
}

// failure returns the reason the reader failed, if it did.
func (e *exactReader) failure() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.err
}

// detach waits for a Read in progress and makes every later Read fail
// without touching r.
func (e *exactReader) detach() {
	e.readMu.Lock()
	defer e.readMu.Unlock()
	e.mu.Lock()
	e.detached = true
	e.mu.Unlock()
}

// probeEOF checks that r has nothing more to read.
func probeEOF(r io.Reader) error {
	var b [1]byte
	for range 100 {
		n, err := r.Read(b[:])
		switch {
		case n > 0:
			return fmt.Errorf("the reader holds more bytes than the size given: %w", gazette.ErrInvalid)
		case err == io.EOF:
			return nil
		case err != nil:
			return fmt.Errorf("read: %w", err)
		}
	}
	return fmt.Errorf("read: %w", io.ErrNoProgress)
}
