package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/archive/meiliindex"
	"github.com/gazette-archive/gazette/cmd/internal/cli"
	"github.com/gazette-archive/gazette/searcheval"
)

// defaultCorpus is the shared corpus as seen from the project root.
const defaultCorpus = "../shared/corpus"

func runEvalSearch(ctx context.Context, args []string, e cli.Env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := cli.NewFlags("gazette-eval", "eval-search", stderr)
	fromEnv := fs.Bool("backend-from-env", false, "evaluate the backend the environment selects (Meilisearch when GAZETTE_MEILI_URL is set) instead of bleve")
	fs.String("corpus", defaultCorpus, "the shared corpus folder (env GAZETTE_CORPUS)")
	data := fs.String("data", "", "where to create the throwaway bleve indexes (default: the system's temporary directory); they are removed afterwards")
	questions := fs.Int("questions", 0, "score N of the 1,543 STARD questions, taken at an even stride (0: all)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `Usage: gazette-eval eval-search [--backend-from-env] [--corpus DIR] [--data DIR] [--questions N]

Measures search relevance on fresh, throwaway indexes, through the same
archive.Search every caller uses:
  - the STARD questions (real questions from ordinary people, labelled with
    the laws that answer them) against the laws corpus, each typed as it is
    into archive.Search (partial matches included, as the search box shows
    them): recall@10, nDCG@10, MRR@10, the share with no result, and latency;
  - the hand-written gazette queries (searcheval/testdata/gazette_queries.tsv)
    against a generated gazette of real titles and 文号: the share with the
    expected document first, per category, and every failure.
It prints figures and exits 0; it is not a pass/fail gate.`)
		fs.PrintDefaults()
	}
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if *questions < 0 {
		return fmt.Errorf("--questions %d: want 0 or more", *questions)
	}
	b, err := chooseBackend(e, *fromEnv, *data, "")
	if err != nil {
		return err
	}
	progress := progressBars(stderr)
	_, err = searcheval.RunEval(ctx, searcheval.EvalConfig{
		CorpusDir: cli.Setting(fs, e, "corpus", "GAZETTE_CORPUS"),
		Backend:   b.name,
		Open:      b.open,
		Questions: *questions,
		Out:       stdout,
		Progress:  progress,
	})
	return err
}

func runBenchSearch(ctx context.Context, args []string, e cli.Env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := cli.NewFlags("gazette-eval", "bench-search", stderr)
	fromEnv := fs.Bool("backend-from-env", false, "benchmark the backend the environment selects (Meilisearch when GAZETTE_MEILI_URL is set) instead of bleve")
	fs.String("corpus", defaultCorpus, "the shared corpus folder (env GAZETTE_CORPUS)")
	data := fs.String("data", "", "where to create the throwaway bleve index (default: the system's temporary directory); it is removed afterwards")
	docs := fs.Int("docs", 100_000, "documents to generate and index (about 2,000 characters each)")
	queries := fs.Int("queries", 1000, "queries in the fixed mix")
	clients := fs.String("clients", "1,16", "comma-separated numbers of concurrent clients; the mix runs once for each")
	batch := fs.Int("batch", archive.ReindexBatch(), "documents per Put (default: as a reindex puts them, archive.ReindexBatch)")
	suggest := fs.Int("suggest", 1000, "texts typed into the search box to measure suggestions for at each number of clients (0: none)")
	suggestOnly := fs.Bool("suggest-only", false, "measure indexing and suggestions only, not the search mix")
	bodyRunes := fs.Int("body-runes", 0, "approximate characters per generated body (0: 2,000); shorter bodies index faster, for measuring suggestions, which read titles and 文号 only, at a large size")
	fs.String("meili-db", "", "Meilisearch's --db-path, to measure its size on disk (env GAZETTE_MEILI_DB); without it, GET /stats databaseSize")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `Usage: gazette-eval bench-search [--backend-from-env] [--docs N] [--queries N] [--clients 1,16] [--batch N]
                                [--suggest N] [--suggest-only] [--body-runes N] [--corpus DIR] [--data DIR] [--meili-db DIR]

Generates N realistic documents (real titles, 文号 and dates; about 2,000
characters of real law text each), indexes them into a fresh, throwaway index
in batches, and prints documents indexed per second, the index size on disk,
and search latency (p50, p95, p99) and throughput for a fixed mix of queries
(title words, infix words, phrases, 文号, filters, facets, and STARD's
questions as people type them) at each number of concurrent clients. The target is p99 ≤ 50 ms at 16 clients. Every search
is measured uncached: bleve's result cache is off, Meilisearch has none.
Then it measures suggestions as people type (--suggest texts: starts of
titles, words inside titles, 文号 whole and as far as the year) at each
number of clients; the target is p99 ≤ 20 ms at 16 clients.`)
		fs.PrintDefaults()
	}
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	cs, err := numberList("--clients", *clients, 1024)
	if err != nil {
		return err
	}
	switch {
	case *docs < 1:
		return fmt.Errorf("--docs %d: want at least 1", *docs)
	case *queries < 1:
		return fmt.Errorf("--queries %d: want at least 1", *queries)
	case *batch < 1:
		return fmt.Errorf("--batch %d: want at least 1", *batch)
	case *suggest < 0:
		return fmt.Errorf("--suggest %d: want 0 or more", *suggest)
	case *suggestOnly && *suggest == 0:
		return fmt.Errorf("--suggest-only with --suggest 0: nothing to measure")
	case *bodyRunes < 0:
		return fmt.Errorf("--body-runes %d: want 0 or more", *bodyRunes)
	}
	b, err := chooseBackend(e, *fromEnv, *data, cli.Setting(fs, e, "meili-db", "GAZETTE_MEILI_DB"))
	if err != nil {
		return err
	}
	_, err = searcheval.RunBench(ctx, searcheval.BenchConfig{
		CorpusDir:   cli.Setting(fs, e, "corpus", "GAZETTE_CORPUS"),
		Backend:     b.name,
		Open:        b.open,
		Docs:        *docs,
		Queries:     *queries,
		Clients:     cs,
		Batch:       *batch,
		Size:        b.size,
		Floor:       b.floor,
		Suggestions: *suggest,
		SuggestOnly: *suggestOnly,
		BodyRunes:   *bodyRunes,
		Out:         stdout,
		Progress:    progressBars(stderr),
	})
	return err
}

// progressBars returns a progress callback with one bar per step.
func progressBars(w io.Writer) func(what string, done, total int) {
	var mu sync.Mutex
	bars := map[string]*cli.Bar{}
	return func(what string, done, total int) {
		mu.Lock()
		bar := bars[what]
		if bar == nil {
			bar = cli.NewBar(w, what)
			bars[what] = bar
		}
		mu.Unlock()
		bar.Update(done, total)
	}
}

// evalBackend opens fresh, throwaway indexes of one backend for the
// evaluation and the benchmark.
type evalBackend struct {
	name string
	open searcheval.Opener
	size func(ctx context.Context, idx archive.Index) (int64, string, error)
	// floor, when set, is the backend's cheapest search on idx: the
	// benchmark's yardstick (searcheval.BenchConfig.Floor).
	floor func(ctx context.Context, idx archive.Index) error
}

// chooseBackend picks bleve, or with fromEnv the backend the environment
// configures (cli.LoadMeili), as gazette's commands read it.
func chooseBackend(e cli.Env, fromEnv bool, dataDir, meiliDB string) (evalBackend, error) {
	if !fromEnv {
		return bleveBackend(dataDir), nil
	}
	meili, err := cli.LoadMeili(e)
	if err != nil {
		return evalBackend{}, err
	}
	if meili == nil {
		return bleveBackend(dataDir), nil
	}
	return meiliBackend(*meili, meiliDB), nil
}

// bleveBackend makes each index in a new temporary directory under parent,
// removed on release. Its result cache is off: the benchmark repeats some
// queries (about one in six of a mix, and the empty query across mixes),
// and its figures are to measure searching, not remembering.
func bleveBackend(parent string) evalBackend {
	dirs := map[archive.Index]string{}
	var mu sync.Mutex
	return evalBackend{
		name: "bleve",
		open: func(ctx context.Context, name string) (archive.Index, func() error, error) {
			dir, err := os.MkdirTemp(parent, "gazette-eval-"+name+"-")
			if err != nil {
				return nil, nil, err
			}
			idx, err := bleveindex.Open(filepath.Join(dir, "index"))
			if err != nil {
				os.RemoveAll(dir)
				return nil, nil, err
			}
			idx.SetCacheSize(0)
			mu.Lock()
			dirs[idx] = dir
			mu.Unlock()
			return idx, func() error {
				return errors.Join(idx.Close(), os.RemoveAll(dir))
			}, nil
		},
		size: func(ctx context.Context, idx archive.Index) (int64, string, error) {
			mu.Lock()
			dir := dirs[idx]
			mu.Unlock()
			n, err := dirSize(dir)
			return n, "the bleve directory", err
		},
	}
}

// meiliBackend makes each index a new index of its own on the server, with
// a unique name (GAZETTE_MEILI_INDEX is never touched), deleted on release.
func meiliBackend(cfg meiliindex.Config, dbPath string) evalBackend {
	uids := map[archive.Index]string{}
	var mu sync.Mutex
	return evalBackend{
		name: "meilisearch",
		open: func(ctx context.Context, name string) (archive.Index, func() error, error) {
			var r [4]byte
			if _, err := rand.Read(r[:]); err != nil {
				return nil, nil, err
			}
			c := cfg
			c.Index = fmt.Sprintf("eval-%s-%s-%s", name, time.Now().UTC().Format("20060102T150405"), hex.EncodeToString(r[:]))
			drop := func() error {
				// The caller's context may be cancelled by now: clean up anyway.
				ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
				defer cancel()
				var task struct {
					UID int `json:"taskUid"`
				}
				if err := meiliRequest(ctx, c, http.MethodDelete, "/indexes/"+url.PathEscape(c.Index), nil, &task); err != nil {
					return err
				}
				// Deletion is a task: wait for it, so that the index is gone
				// when the command ends.
				for {
					var st struct {
						Status string `json:"status"`
					}
					if err := meiliRequest(ctx, c, http.MethodGet, fmt.Sprintf("/tasks/%d", task.UID), nil, &st); err != nil {
						return err
					}
					switch st.Status {
					case "succeeded":
						return nil
					case "failed", "canceled":
						return fmt.Errorf("meilisearch: deleting index %s: task %d %s", c.Index, task.UID, st.Status)
					}
					select {
					case <-ctx.Done():
						return ctx.Err()
					case <-time.After(50 * time.Millisecond):
					}
				}
			}
			idx, err := meiliindex.New(ctx, c)
			if err != nil {
				drop() // New may have created the index before failing; it is ours to remove
				return nil, nil, err
			}
			mu.Lock()
			uids[idx] = c.Index
			mu.Unlock()
			return idx, drop, nil
		},
		floor: func(ctx context.Context, idx archive.Index) error {
			mu.Lock()
			uid := uids[idx]
			mu.Unlock()
			return meiliRequest(ctx, cfg, http.MethodPost, "/indexes/"+url.PathEscape(uid)+"/search",
				strings.NewReader(`{"q":"","limit":1,"attributesToRetrieve":["id"]}`), nil)
		},
		size: func(ctx context.Context, idx archive.Index) (int64, string, error) {
			// LMDB keeps freed pages in its files: /stats tells how much of
			// the size is in use, and is worth printing beside either figure.
			var stats struct {
				DatabaseSize     int64 `json:"databaseSize"`
				UsedDatabaseSize int64 `json:"usedDatabaseSize"`
			}
			statsErr := meiliRequest(ctx, cfg, http.MethodGet, "/stats", nil, &stats)
			used := ""
			if statsErr == nil && stats.UsedDatabaseSize > 0 {
				used = fmt.Sprintf("; in use per /stats usedDatabaseSize: %d bytes", stats.UsedDatabaseSize)
			}
			if dbPath != "" {
				n, err := dirSize(dbPath)
				return n, "the Meilisearch --db-path directory " + dbPath + ", whole server" + used, err
			}
			if statsErr != nil {
				return 0, "", statsErr
			}
			return stats.DatabaseSize, "Meilisearch GET /stats databaseSize, whole server" + used, nil
		},
	}
}

// meiliClient keeps connections for as many concurrent callers as the
// benchmark's yardstick has, as the adapter's own client does.
var meiliClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 100, DisableCompression: true}}

// meiliRequest makes one call to the Meilisearch API that the adapter does
// not offer (server statistics, dropping a throwaway index, the benchmark's
// yardstick), sending body as JSON when it is not nil, and decodes the JSON
// answer into out when out is not nil.
func meiliRequest(ctx context.Context, cfg meiliindex.Config, method, path string, body io.Reader, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(cfg.URL, "/")+path, body)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if cfg.Key != "" {
		req.Header.Set("Authorization", "Bearer "+cfg.Key)
	}
	resp, err := meiliClient.Do(req)
	if err != nil {
		return fmt.Errorf("meilisearch %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("meilisearch %s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("meilisearch %s %s: %s: %.200s", method, path, resp.Status, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("meilisearch %s %s: %w", method, path, err)
		}
	}
	return nil
}

// dirSize adds up the sizes of the regular files under dir.
func dirSize(dir string) (int64, error) {
	return fsSize(os.DirFS(dir))
}

// fsSize adds up the sizes of the regular files in fsys. A file that
// vanishes during the walk is not counted: an open bleve index merges its
// segments in the background and deletes the ones it merged, and a file
// that is gone no longer takes room on disk.
func fsSize(fsys fs.FS) (int64, error) {
	var n int64
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p != "." && errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	return n, err
}
