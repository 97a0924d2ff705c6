package preserve

import (
	"context"
	"io"

	"github.com/gazette-archive/gazette/gazette"
)

// Shelf is what a server offers of this package: bags and dumps to
// download, and the audits' records for editors. Safe for concurrent use.
type Shelf struct {
	Bagger Bagger
}

// YearBag describes the bag of a year (see Bagger.YearBag).
func (s Shelf) YearBag(ctx context.Context, year int) (*Bag, error) {
	return s.Bagger.YearBag(ctx, year)
}

// IssueBag describes the bag of an issue (see Bagger.IssueBag).
func (s Shelf) IssueBag(ctx context.Context, key gazette.IssueKey) (*Bag, error) {
	return s.Bagger.IssueBag(ctx, key)
}

// Tarball lays out bag as a tar stream read within ctx.
func (s Shelf) Tarball(ctx context.Context, bag *Bag) (*Tarball, error) {
	return NewTarball(ctx, s.Bagger.Blobs, bag)
}

// Years lists the published issues by year: the bags there are.
func (s Shelf) Years(ctx context.Context) (map[int][]gazette.IssueKey, error) {
	return BagYears(ctx, s.Bagger.Archive)
}

// Dumps lists the stored dumps, the newest first.
func (s Shelf) Dumps(ctx context.Context) ([]Dump, error) { return Dumps(ctx, s.Bagger.Blobs) }

// OpenDump opens the dump of a day (see OpenDump).
func (s Shelf) OpenDump(ctx context.Context, day string) (io.ReadSeekCloser, gazette.ObjectInfo, error) {
	return OpenDump(ctx, s.Bagger.Blobs, day)
}

// Runs lists the recorded audits, the newest first, at most limit.
func (s Shelf) Runs(ctx context.Context, limit int) ([]Run, error) {
	return Runs(ctx, s.Bagger.Blobs, limit)
}
