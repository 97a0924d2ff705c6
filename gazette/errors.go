package gazette

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Sentinel errors shared by every layer. Adapters translate backend errors
// into these; callers test for them with errors.Is.
var (
	// ErrNotFound reports that an issue, document or object does not exist.
	ErrNotFound = errors.New("not found")
	// ErrExist reports that something already exists and may not be replaced.
	ErrExist = errors.New("already exists")
	// ErrInvalid reports input that breaks a rule of the domain.
	ErrInvalid = errors.New("invalid")
	// ErrConflict reports a conditional write whose precondition failed:
	// someone else changed the object first.
	ErrConflict = errors.New("conflict")
	// ErrImmutable reports an attempt to change or delete a published object.
	ErrImmutable = errors.New("immutable")
	// ErrCorrupt reports stored content whose checksum does not match.
	ErrCorrupt = errors.New("corrupt")
	// ErrUnavailable reports that a backend a call needs (storage, the
	// search engine) did not answer, or not in time: the same call may
	// succeed later. Each backend has its own kind of it, such as
	// ErrStorageUnavailable, so that callers can say which is down.
	ErrUnavailable = errors.New("unavailable")
)

// ErrStorageUnavailable reports that storage, the archive of record, did not
// answer, or not in time. errors.Is(err, ErrUnavailable) holds for it too.
var ErrStorageUnavailable error = unavailable("storage unavailable")

// unavailable is a kind of ErrUnavailable.
type unavailable string

func (e unavailable) Error() string        { return string(e) }
func (e unavailable) Is(target error) bool { return target == ErrUnavailable }

// ConflictTries is the retry policy of every conditional update of a shared
// record (a document's history, an account, the failed sign-ins of a
// name): how often RetryOnConflict runs an update that keeps losing to
// other writers before it gives up.
const ConflictTries = 20

// RetryOnConflict runs update, a read, a change and a conditional write,
// again from the start while it loses to another writer (ErrConflict), at
// most ConflictTries times. Each retry waits a little longer than the last,
// with jitter, so that writers contending for one record spread out and all
// land. It returns update's own error, ctx's, or after the last try an
// ErrConflict saying so.
func RetryOnConflict(ctx context.Context, update func() error) error {
	var err error
	for n := range ConflictTries {
		if n > 0 {
			select {
			case <-time.After(time.Duration(1+rand.IntN(5*(n+1))) * time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if err = update(); !errors.Is(err, ErrConflict) {
			return err
		}
	}
	return fmt.Errorf("changed by other writers %d times in a row: %w", ConflictTries, err)
}
