package editorial

import (
	"fmt"

	"github.com/gazette-archive/gazette/gazette"
)

// invalidf returns an error wrapping gazette.ErrInvalid.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("editorial: "+format+": %w", append(args, gazette.ErrInvalid)...)
}
