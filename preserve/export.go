package preserve

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/gazette-archive/gazette/gazette"
)

// Export is what `gazette export` writes: the bags of the published
// issues, as directories, and the day's dump.
type Export struct {
	Bagger Bagger
	Dumper Dumper
	// PerIssue makes one bag per issue instead of one per year.
	PerIssue bool
	// Years limits the export to these years; none: every year.
	Years []int
	// Day is the day whose dump is made (if absent) and copied; zero: no
	// dump.
	Day gazette.Date
	// Progress, if set, is told each bag written.
	Progress func(bag string, files int, bytes int64)
}

// ExportReport says what an export wrote.
type ExportReport struct {
	Bags  int   `json:"bags"`
	Files int   `json:"files"`
	Bytes int64 `json:"bytes"`
	Dump  *Dump `json:"dump,omitempty"`
}

// Write writes the export under dir: dir/bags/<bag>/... and
// dir/dumps/<day>.jsonl.gz. Every payload file is checked against its
// SHA-256 as it is copied. Errors: gazette.ErrCorrupt (a damaged object),
// storage and file errors.
func (e Export) Write(ctx context.Context, dir string) (ExportReport, error) {
	var rep ExportReport
	years, err := BagYears(ctx, e.Bagger.Archive)
	if err != nil {
		return rep, fmt.Errorf("preserve: export: %w", err)
	}
	want := map[int]bool{}
	for _, y := range e.Years {
		want[y] = true
	}
	bags := filepath.Join(dir, "bags")
	write := func(bag *Bag) error {
		if err := e.Bagger.WriteDir(ctx, bags, bag); err != nil {
			return err
		}
		rep.Bags++
		rep.Files += len(bag.Files)
		rep.Bytes += bag.Size()
		if e.Progress != nil {
			e.Progress(bag.Name, len(bag.Files), bag.Size())
		}
		return nil
	}
	for y := range years {
		if len(want) > 0 && !want[y] {
			delete(years, y)
		}
	}
	for _, y := range sortedYears(years) {
		if !e.PerIssue {
			bag, err := e.Bagger.YearBag(ctx, y)
			if err != nil {
				return rep, err
			}
			if err := write(bag); err != nil {
				return rep, err
			}
			continue
		}
		for _, k := range years[y] {
			bag, err := e.Bagger.IssueBag(ctx, k)
			if err != nil {
				return rep, err
			}
			if err := write(bag); err != nil {
				return rep, err
			}
		}
	}
	if e.Day == (gazette.Date{}) {
		return rep, nil
	}
	dm, err := e.Dumper.Make(ctx, e.Day)
	if err != nil {
		return rep, err
	}
	if err := copyDump(ctx, e.Dumper, dm, filepath.Join(dir, "dumps")); err != nil {
		return rep, err
	}
	rep.Dump = &dm
	rep.Files++
	rep.Bytes += dm.Size
	return rep, nil
}

func sortedYears(m map[int][]gazette.IssueKey) []int {
	out := make([]int, 0, len(m))
	for y := range m {
		out = append(out, y)
	}
	slices.Sort(out)
	return out
}

// copyDump copies a stored dump into dir, checking its SHA-256.
func copyDump(ctx context.Context, d Dumper, dm Dump, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	r, _, err := OpenDump(ctx, d.Blobs, dm.Day)
	if err != nil {
		return err
	}
	defer r.Close()
	f := File{Path: "dumps/" + dm.Day + ".jsonl.gz", Key: dm.Key, SHA256: dm.SHA256, Size: dm.Size}
	p := filepath.Join(dir, dm.Day+".jsonl.gz")
	out, err := os.Create(p + ".part")
	if err != nil {
		return err
	}
	_, err = copyChecked(out, io.Reader(r), f)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(p + ".part")
		return fmt.Errorf("preserve: export dump: %w", err)
	}
	return os.Rename(p+".part", p)
}
