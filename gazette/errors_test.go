package gazette

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestRetryOnConflict(t *testing.T) {
	ctx := context.Background()
	calls := 0
	err := RetryOnConflict(ctx, func() error {
		calls++
		if calls < 3 {
			return fmt.Errorf("put history/x.json: %w", ErrConflict)
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Errorf("two lost races then a write: err %v after %d calls, want nil after 3", err, calls)
	}

	calls = 0
	other := fmt.Errorf("storage down: %w", ErrUnavailable)
	if err := RetryOnConflict(ctx, func() error { calls++; return other }); !errors.Is(err, ErrUnavailable) || calls != 1 {
		t.Errorf("another failure: err %v after %d calls, want it at once", err, calls)
	}

	calls = 0
	err = RetryOnConflict(ctx, func() error { calls++; return ErrConflict })
	if !errors.Is(err, ErrConflict) || calls != ConflictTries {
		t.Errorf("always losing: err %v after %d calls, want ErrConflict after %d", err, calls, ConflictTries)
	}

	cctx, cancel := context.WithCancel(ctx)
	calls = 0
	err = RetryOnConflict(cctx, func() error { calls++; cancel(); return ErrConflict })
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Errorf("cancelled: err %v after %d calls, want context.Canceled after 1", err, calls)
	}
}
