package gazette

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ObjectInfo describes one stored object (a blob) in the archive of record.
type ObjectInfo struct {
	Key  string
	Size int64
	// ETag identifies this exact content version of the object; it changes on
	// every write and is what conditional updates compare against.
	ETag     string
	Modified time.Time
}

// PutOptions are the conditions and properties of one object write.
// The zero value is an unconditional overwrite of a mutable object.
type PutOptions struct {
	// IfAbsent makes the write create-only: it fails with ErrExist when the
	// key is already present. It is the commit point of publishing.
	IfAbsent bool
	// IfMatch, when set, makes the write an update of exactly that version:
	// it fails with ErrConflict when the current ETag differs and with
	// ErrNotFound when the object is absent.
	IfMatch string
	// Immutable marks the object as published: afterwards it can be neither
	// overwritten nor deleted (ErrImmutable). On S3 it is an object-lock
	// legal hold, so not even a direct API call can destroy the version.
	Immutable bool
	// ContentType is stored with the object where the backend supports it.
	ContentType string
}

// MaxKeyLen is the longest object key accepted, in bytes (S3's own limit).
const MaxKeyLen = 1024

// CheckKey reports whether key is a valid object key: a slash-separated
// relative path of valid UTF-8 of at most MaxKeyLen bytes, with no empty,
// "." or ".." segment, no leading or trailing slash, no backslash, and no
// control characters (NUL included). Such a key can never name a path outside
// the store's root on any backend. The error wraps ErrInvalid.
func CheckKey(key string) error {
	bad := func(why string) error { return fmt.Errorf("object key %q: %s: %w", key, why, ErrInvalid) }
	switch {
	case key == "":
		return bad("empty")
	case len(key) > MaxKeyLen:
		return fmt.Errorf("object key of %d bytes: longer than %d: %w", len(key), MaxKeyLen, ErrInvalid)
	case !utf8.ValidString(key):
		return bad("not valid UTF-8")
	case strings.HasPrefix(key, "/"), strings.HasSuffix(key, "/"):
		return bad("leading or trailing slash")
	case strings.ContainsRune(key, '\\'):
		return bad("backslash")
	}
	for _, r := range key {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return bad("control character")
		}
	}
	for _, seg := range strings.Split(key, "/") {
		switch seg {
		case "":
			return bad("empty segment")
		case ".", "..":
			return bad("dot segment")
		}
	}
	return nil
}
