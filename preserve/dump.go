package preserve

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
)

// dumpKey is where the dump of a day ("2026-12-06") is stored.
func dumpKey(day string) string { return "dumps/" + day + ".jsonl.gz" }

// Dump is a stored dump: its day, size and SHA-256.
type Dump struct {
	Day    string `json:"day"`
	Key    string `json:"-"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256,omitempty"`
}

// Dumper makes the daily dumps: every current document, one JSON object
// (gazette.Document, as its record holds it, with its current validity) a
// line, gzip-compressed, in issue and print order.
type Dumper struct {
	Blobs   archive.Blobs
	Archive *archive.Archive
	// Ledger, if set, is the transparency log each dump's SHA-256 is
	// entered in.
	Ledger archive.Ledger
	// TempDir is where a dump is written before it is stored; "" is the
	// system's.
	TempDir string
	// Agent names who prunes, for the deletion events (e.g. "gazette
	// serve 1.4"); "" is "gazette".
	Agent string
	Now   func() time.Time // nil: time.Now
}

// Make stores the dump of day (in China time) unless it exists, and makes
// sure its log entry does: a crash between the two is completed by the
// next call. The dump is written to a temporary file, never held in
// memory. It returns the dump. Errors: storage and log errors.
func (d Dumper) Make(ctx context.Context, day gazette.Date) (Dump, error) {
	dm := Dump{Day: day.String(), Key: dumpKey(day.String())}
	info, err := d.Blobs.Stat(ctx, dm.Key)
	switch {
	case err == nil:
		raw, err := d.sum(ctx, dm.Key)
		if err != nil {
			return dm, err
		}
		dm.Size, dm.SHA256 = info.Size, raw
	case errors.Is(err, gazette.ErrNotFound):
		if dm, err = d.write(ctx, dm); err != nil {
			return dm, err
		}
	default:
		return dm, fmt.Errorf("preserve: dump %s: %w", dm.Day, err)
	}
	return dm, d.logDump(ctx, day, dm)
}

// DumpEntry is the log entry of a dump.
func DumpEntry(day gazette.Date, dm Dump) archive.LogEntry {
	return archive.LogEntry{Event: archive.EventDump, Subject: day.String(),
		Time:    time.Date(day.Year, day.Month, day.Day, 0, 0, 0, 0, gazette.ChinaTime),
		Objects: []archive.LoggedObject{{Role: "file", SHA256: dm.SHA256, Size: dm.Size}}}
}

func (d Dumper) logDump(ctx context.Context, day gazette.Date, dm Dump) error {
	if d.Ledger == nil {
		return nil
	}
	text, err := DumpEntry(day, dm).MarshalText()
	if err != nil {
		return err
	}
	if _, err := d.Ledger.Append(ctx, text); err != nil {
		return fmt.Errorf("preserve: dump %s: append to the transparency log: %w", dm.Day, err)
	}
	return nil
}

func (d Dumper) sum(ctx context.Context, key string) (string, error) {
	r, _, err := d.Blobs.Open(ctx, key)
	if err != nil {
		return "", fmt.Errorf("preserve: %s: %w", key, err)
	}
	defer r.Close()
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", fmt.Errorf("preserve: read %s: %w", key, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// write makes the dump into a temporary file and stores it, create-only.
func (d Dumper) write(ctx context.Context, dm Dump) (Dump, error) {
	f, err := os.CreateTemp(d.TempDir, "gazette-dump-*.jsonl.gz")
	if err != nil {
		return dm, fmt.Errorf("preserve: dump %s: %w", dm.Day, err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	h := sha256.New()
	if _, err := WriteDocuments(ctx, d.Archive, io.MultiWriter(f, h)); err != nil {
		return dm, fmt.Errorf("preserve: dump %s: %w", dm.Day, err)
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return dm, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return dm, err
	}
	dm.Size, dm.SHA256 = size, hex.EncodeToString(h.Sum(nil))
	// Create-only, not immutable: the retention prunes dumps (Prune), and
	// the log entry fixes a dump's bytes as a legal hold would.
	_, err = d.Blobs.Put(ctx, dm.Key, f, size, gazette.PutOptions{IfAbsent: true, ContentType: "application/gzip"})
	if errors.Is(err, gazette.ErrExist) {
		// Another replica made it first: that one is the day's dump.
		info, serr := d.Blobs.Stat(ctx, dm.Key)
		if serr != nil {
			return dm, fmt.Errorf("preserve: dump %s: %w", dm.Day, serr)
		}
		sum, serr := d.sum(ctx, dm.Key)
		if serr != nil {
			return dm, serr
		}
		dm.Size, dm.SHA256 = info.Size, sum
		return dm, nil
	}
	if err != nil {
		return dm, fmt.Errorf("preserve: dump %s: %w", dm.Day, err)
	}
	return dm, nil
}

// WriteDocuments writes every current document of the archive to w as
// gzip-compressed JSON Lines, issue by issue in print order, and returns
// how many it wrote. Only published issues are read: nothing embargoed.
func WriteDocuments(ctx context.Context, a *archive.Archive, w io.Writer) (int, error) {
	zw := gzip.NewWriter(w)
	enc := json.NewEncoder(zw)
	enc.SetEscapeHTML(false)
	years, err := a.Years(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, y := range years {
		issues, err := a.Issues(ctx, y)
		if err != nil {
			return n, err
		}
		for _, is := range issues {
			for _, e := range is.Contents {
				doc, err := a.Document(ctx, e.ID)
				if err != nil {
					return n, err
				}
				if err := enc.Encode(doc); err != nil {
					return n, err
				}
				n++
			}
		}
	}
	return n, zw.Close()
}

// Dumps lists the stored dumps, the newest first.
func Dumps(ctx context.Context, b archive.Blobs) ([]Dump, error) {
	objs, err := b.List(ctx, "dumps/")
	if err != nil {
		return nil, fmt.Errorf("preserve: dumps: %w", err)
	}
	out := make([]Dump, 0, len(objs))
	for i := len(objs) - 1; i >= 0; i-- {
		o := objs[i]
		day, ok := dumpDay(o.Key)
		if !ok {
			continue
		}
		out = append(out, Dump{Day: day, Key: o.Key, Size: o.Size})
	}
	return out, nil
}

// OpenDump opens the stored dump of day ("2026-12-06") as a seekable
// stream, for serving with Range. Errors: gazette.ErrNotFound,
// gazette.ErrInvalid (not a date), storage errors.
func OpenDump(ctx context.Context, b archive.Blobs, day string) (io.ReadSeekCloser, gazette.ObjectInfo, error) {
	if _, err := gazette.ParseDate(day); err != nil {
		return nil, gazette.ObjectInfo{}, fmt.Errorf("preserve: dump %q: %w", day, gazette.ErrInvalid)
	}
	r, info, err := b.Open(ctx, dumpKey(day))
	if err != nil {
		return nil, info, fmt.Errorf("preserve: dump %s: %w", day, err)
	}
	return r, info, nil
}
