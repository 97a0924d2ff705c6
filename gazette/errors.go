package gazette

import "errors"

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
