//go:build linux

package meiliindex_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/meiliindex"
)

var _ archive.Index = (*meiliindex.Index)(nil)

func TestMain(m *testing.M) { os.Exit(archivetest.MainWithServers(m)) }

// indexSeq numbers the indexes the tests create on the shared server.
var indexSeq atomic.Int64

// newConfig returns the configuration of a fresh index on the shared
// server, deleted at the end of the test.
func newConfig(t testing.TB) meiliindex.Config {
	t.Helper()
	srv := archivetest.SharedMeili(t)
	cfg := meiliindex.Config{URL: srv.URL, Key: srv.Key, Index: "test-" + strconv.FormatInt(indexSeq.Add(1), 10)}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		m := meilisearch.New(srv.URL, meilisearch.WithAPIKey(srv.Key))
		if _, err := m.DeleteIndex(ctx, cfg.Index); err != nil {
			t.Logf("delete index %s: %v", cfg.Index, err)
		}
	})
	return cfg
}

// open returns an empty index of its own on the shared server.
func open(t *testing.T) *meiliindex.Index {
	t.Helper()
	idx, err := meiliindex.New(context.Background(), newConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	return idx
}

func TestContract(t *testing.T) {
	archivetest.TestIndex(t, func(t *testing.T) archive.Index { return open(t) })
}

// client is a plain Meilisearch client for what the tests do behind the
// index's back.
func client(cfg meiliindex.Config) meilisearch.ServiceManager {
	return meilisearch.New(cfg.URL, meilisearch.WithAPIKey(cfg.Key))
}

// taskCount is the number of tasks the server has recorded for the index.
func taskCount(cfg meiliindex.Config) (int, error) {
	res, err := client(cfg).GetTasks(context.Background(), &meilisearch.TasksQuery{IndexUIDS: []string{cfg.Index}, Limit: 1})
	if err != nil {
		return 0, err
	}
	return int(res.Total), nil
}

// enableTypos switches typo tolerance on, as an operator might by mistake.
func enableTypos(cfg meiliindex.Config) error {
	ctx := context.Background()
	m := client(cfg)
	t, err := m.Index(cfg.Index).UpdateTypoTolerance(ctx, &meilisearch.TypoTolerance{
		Enabled: true, MinWordSizeForTypos: meilisearch.MinWordSizeForTypos{OneTypo: 5, TwoTypos: 9},
	})
	if err != nil {
		return err
	}
	task, err := m.WaitForTask(ctx, t.TaskUID, 10*time.Millisecond)
	if err != nil {
		return err
	}
	if task.Status != meilisearch.TaskStatusSucceeded {
		return fmt.Errorf("task %s: %s", task.Status, task.Error.Message)
	}
	return nil
}
