package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/ocr"
)

// pageRenderer draws the page images of the editors' review desk with
// poppler's pdftoppm. Without poppler it logs why and returns nil: editors
// then review against the print PDF alone.
func pageRenderer(log *slog.Logger) editorial.RenderFunc {
	r, err := ocr.NewRenderer(ocr.Limits{})
	if err != nil {
		log.Warn("page images for editors are off", "err", err)
		return nil
	}
	return func(ctx context.Context, path string, page, dpi int) ([]byte, error) {
		png, err := r.PNG(ctx, path, page, dpi)
		if errors.Is(err, ocr.ErrNoPage) {
			err = fmt.Errorf("%w: %w", err, gazette.ErrNotFound)
		}
		return png, err
	}
}
