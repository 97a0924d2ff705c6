package gazette

import (
	"fmt"
	"strings"
)

// FieldError is one broken rule, named by the path of its field in the JSON
// form (for example "contents[2].pages").
type FieldError struct {
	Field   string
	Problem string
	// Zh is the problem in Chinese, for the editors who fix it; "" where
	// the rule was written without one.
	Zh string
}

// Error implements error.
func (e FieldError) Error() string { return e.Field + ": " + e.Problem }

// ValidationError lists every broken rule of one value, so an editor sees
// them all at once. It matches ErrInvalid under errors.Is.
type ValidationError []FieldError

// Error implements error.
func (v ValidationError) Error() string {
	parts := make([]string, len(v))
	for i, e := range v {
		parts[i] = e.Error()
	}
	return "invalid: " + strings.Join(parts, "; ")
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (v ValidationError) Unwrap() error { return ErrInvalid }

// problems collects FieldErrors under a field-path prefix.
type problems struct {
	prefix string
	list   *ValidationError
}

func newProblems() problems { return problems{list: new(ValidationError)} }

// add records a broken rule: zh for editors, format and args for the API
// and logs.
func (p problems) add(field, zh, format string, args ...any) {
	*p.list = append(*p.list, FieldError{Field: p.prefix + field, Problem: fmt.Sprintf(format, args...), Zh: zh})
}

func (p problems) under(prefix string) problems {
	return problems{prefix: p.prefix + prefix, list: p.list}
}

func (p problems) err() error {
	if len(*p.list) == 0 {
		return nil
	}
	return *p.list
}
