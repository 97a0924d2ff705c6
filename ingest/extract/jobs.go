package extract

import (
	"context"
	"fmt"
	"os"

	"github.com/gazette-archive/gazette/ingest/page"
	"github.com/gazette-archive/gazette/ingest/pdftext"
	"github.com/gazette-archive/gazette/ingest/worker"
)

// Jobs returns the worker jobs extract runs, for worker.MaybeServeChild.
func Jobs() map[string]worker.Decoder {
	return map[string]worker.Decoder{JobText: decodeText}
}

// decodeText is the text-layer job: pdftext, streaming page by page.
func decodeText(ctx context.Context, path string, maxPages int, emit func(page.Page) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("extract: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("extract: %w", err)
	}
	d, err := pdftext.Open(ctx, f, st.Size(), pdftext.Options{MaxPages: maxPages, NoScore: true}) // judgeLayer scores every page
	if err != nil {
		return fmt.Errorf("extract: %w", err)
	}
	if err := d.Pages(ctx, emit); err != nil {
		return err
	}
	if d.Truncated() {
		// The first pages are read; the worker reports the rest as cut off.
		return fmt.Errorf("extract: %s: %w", path, worker.ErrPageBudget)
	}
	return nil
}
