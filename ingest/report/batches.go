package report

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

// Batch states, as BatchStatus.State and BatchSummary.State say them.
const (
	BatchRunning     = "running"
	BatchFinished    = "finished"
	BatchInterrupted = "interrupted" // stopped, or silent past batchSilence: rerun to resume
)

// batchSilence is how long a running batch may go without writing its
// status before it counts as interrupted (a process killed): far longer
// than any one file takes between two writes.
const batchSilence = 10 * time.Minute

// BatchStatus is what one ingest process reports of the batch it runs, in
// storage, for the archivists' status page. Processes sharing a batch
// (the same paths) each keep their own record; BatchSummary adds them up.
type BatchStatus struct {
	ID      string    `json:"id"`
	Owner   string    `json:"owner"` // the process: host:pid
	Paths   []string  `json:"paths"`
	Started time.Time `json:"started"`
	Updated time.Time `json:"updated"`
	State   string    `json:"state"`
	Files   int       `json:"files"` // PDFs found under Paths
	// Counts of the files this process finished, by outcome; files done by
	// another process sharing the batch are that process's to count.
	Ingested int `json:"ingested"`
	Review   int `json:"review"`
	Failed   int `json:"failed"`
	Skipped  int `json:"skipped"`
	Pages    int `json:"pages"` // pages read
	// Issues are the keys (2019-12) of the issues this process ingested,
	// or found already ingested, from the batch's files; Drafts the review
	// queue's drafts of the files it found to need review. They tie the
	// batch to what it produced, for the sampling proofread of a batch.
	Issues []string `json:"issues,omitempty"`
	Drafts []string `json:"drafts,omitempty"`
}

// BatchID names the batch of these paths: the same folders given again,
// or to another process, are the same batch.
func BatchID(paths []string) string {
	abs := make([]string, len(paths))
	for i, p := range paths {
		if a, err := filepath.Abs(p); err == nil {
			p = a
		}
		abs[i] = filepath.Clean(p)
	}
	slices.Sort(abs)
	sum := sha256.Sum256([]byte(strings.Join(slices.Compact(abs), "\n")))
	return hex.EncodeToString(sum[:8])
}

const batchesPrefix = "ingest/batches/"

// StatusKey is where the owner process keeps its record of batch id.
func StatusKey(id, owner string) string {
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '_'
	}, owner)
	return batchesPrefix + id + "/" + safe + ".json"
}

// BatchSummary is one batch as its processes report it together.
type BatchSummary struct {
	ID        string        `json:"id"`
	Paths     []string      `json:"paths"`
	Processes []BatchStatus `json:"processes"`
	State     string        `json:"state"`
	Started   time.Time     `json:"started"`
	Updated   time.Time     `json:"updated"`
	Files     int           `json:"files"`
	Done      int           `json:"done"` // ingested, review, failed and skipped
	Ingested  int           `json:"ingested"`
	Review    int           `json:"review"`
	Failed    int           `json:"failed"`
	Skipped   int           `json:"skipped"`
	Pages     int           `json:"pages"`
	// PagesPerMinute is the running processes' rate since they started;
	// SecondsLeft the time the files left take at the rate files went,
	// null when it cannot be told.
	PagesPerMinute float64  `json:"pages_per_minute"`
	SecondsLeft    *float64 `json:"seconds_left"`
	// Issues and Drafts are what every run of the batch produced (see
	// BatchStatus), sorted, each once.
	Issues []string `json:"issues"`
	Drafts []string `json:"drafts"`
}

// BatchStore is the storage batch records live in.
type BatchStore interface {
	Open(ctx context.Context, key string) (io.ReadSeekCloser, gazette.ObjectInfo, error)
	List(ctx context.Context, prefix string) ([]gazette.ObjectInfo, error)
}

// Batches reads every batch's records and sums them up, the latest
// updated first; now decides which running batches have gone silent.
// A record that cannot be read is skipped.
func Batches(ctx context.Context, store BatchStore, now time.Time) ([]BatchSummary, error) {
	infos, err := store.List(ctx, batchesPrefix)
	if err != nil {
		return nil, fmt.Errorf("ingest report: batches: %w", err)
	}
	byID := map[string]*BatchSummary{}
	var order []string
	for _, info := range infos {
		st, err := readStatus(ctx, store, info.Key)
		if err != nil {
			continue
		}
		b := byID[st.ID]
		if b == nil {
			b = &BatchSummary{ID: st.ID, Paths: st.Paths, Started: st.Started}
			byID[st.ID] = b
			order = append(order, st.ID)
		}
		if st.State == BatchRunning && now.Sub(st.Updated) > batchSilence {
			st.State = BatchInterrupted
		}
		b.Processes = append(b.Processes, st)
		b.Issues = append(b.Issues, st.Issues...)
		b.Drafts = append(b.Drafts, st.Drafts...)
	}
	out := make([]BatchSummary, 0, len(order))
	for _, id := range order {
		b := byID[id]
		// What earlier runs produced is the batch's too.
		b.Issues, b.Drafts = sortedSet(b.Issues), sortedSet(b.Drafts)
		// A rerun resumes the batch: it reports the files done before as
		// skipped, so only the latest run counts, with the processes
		// that shared it (those still at work when it started).
		latest := b.Processes[0].Started
		for _, p := range b.Processes {
			if p.Started.After(latest) {
				latest = p.Started
			}
		}
		b.Processes = slices.DeleteFunc(b.Processes, func(p BatchStatus) bool { return p.Updated.Before(latest) })
		b.Started = latest
		var filesPerSec float64
		states := map[string]bool{}
		for _, p := range b.Processes {
			b.Files = max(b.Files, p.Files)
			b.Ingested += p.Ingested
			b.Review += p.Review
			b.Failed += p.Failed
			b.Skipped += p.Skipped
			b.Pages += p.Pages
			if p.Started.Before(b.Started) {
				b.Started = p.Started
			}
			if p.Updated.After(b.Updated) {
				b.Updated = p.Updated
			}
			states[p.State] = true
			if p.State == BatchRunning {
				if secs := now.Sub(p.Started).Seconds(); secs > 0 {
					b.PagesPerMinute += float64(p.Pages) / secs * 60
					filesPerSec += float64(p.Ingested+p.Review+p.Failed+p.Skipped) / secs
				}
			}
		}
		b.Done = b.Ingested + b.Review + b.Failed + b.Skipped
		switch {
		case states[BatchRunning]:
			b.State = BatchRunning
			if left := b.Files - b.Done; filesPerSec > 0 && left >= 0 {
				s := float64(left) / filesPerSec
				b.SecondsLeft = &s
			}
		case states[BatchInterrupted] && b.Done < b.Files:
			b.State = BatchInterrupted
		default:
			b.State = BatchFinished
		}
		slices.SortFunc(b.Processes, func(x, y BatchStatus) int { return strings.Compare(x.Owner, y.Owner) })
		out = append(out, *b)
	}
	slices.SortFunc(out, func(x, y BatchSummary) int { return y.Updated.Compare(x.Updated) })
	return out, nil
}

// sortedSet sorts v and drops repeats; never nil, so JSON says [].
func sortedSet(v []string) []string {
	slices.Sort(v)
	return append([]string{}, slices.Compact(v)...)
}

func readStatus(ctx context.Context, store BatchStore, key string) (BatchStatus, error) {
	rc, _, err := store.Open(ctx, key)
	if err != nil {
		return BatchStatus{}, err
	}
	defer rc.Close()
	var st BatchStatus
	err = json.NewDecoder(io.LimitReader(rc, 1<<20)).Decode(&st)
	return st, err
}
