package bleveindex_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/gazette"
)

// syncBuffer is a log written by the index's goroutines while the test
// reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestFullDiskBacksOff: on a really full filesystem, bleve's background
// writes fail; the index spaces out their retries instead of retrying
// thousands of times a second, logs one error, reports the failure (Ping,
// and Put at once) and recovers by itself when space returns, with the
// documents written meanwhile kept (issue 16, item 7).
func TestFullDiskBacksOff(t *testing.T) {
	disk := archivetest.SmallDisk(t, 8<<20)
	var log syncBuffer
	dir := filepath.Join(disk, "index")
	idx, err := bleveindex.OpenWith(dir, bleveindex.Options{Log: slog.New(slog.NewJSONHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { idx.Close() }()
	put(t, idx, doc("2020-01-1", "关于加强安全生产工作的通知", "安全生产"))
	// After a batch, the persister may still write a snapshot of its own;
	// if that write met the full disk, the next Put would be refused before
	// it wrote anything, and nothing would be "kept".
	idx.Settle()

	filler := archivetest.FillDisk(t, disk)
	var during []gazette.SearchDoc
	for i := range 20 {
		during = append(during, doc(fmt.Sprintf("2020-02-%d", i+1), "关于做好防汛工作的通知", strings.Repeat("防汛抗旱工作责任制落实情况。", 200)))
	}
	if err := idx.Put(ctx, during); err == nil {
		t.Fatal("Put on a full disk succeeded")
	} else {
		t.Logf("Put on a full disk: %v", err)
	}
	// The persister keeps failing in the background; over a window, it
	// may try again a few times, not thousands.
	time.Sleep(500 * time.Millisecond)
	before := idx.AsyncErrors()
	time.Sleep(3 * time.Second)
	if n := idx.AsyncErrors() - before; n > 30 {
		t.Errorf("%d background write errors in 3 s on a full disk: the retries do not back off", n)
	} else {
		t.Logf("%d background write errors in 3 s on a full disk", n)
	}
	if err := idx.Ping(ctx); !errors.Is(err, bleveindex.ErrWrite) || !strings.Contains(err.Error(), "disk is full") {
		t.Errorf("Ping on a full disk = %v, want ErrWrite saying the disk is full", err)
	}
	start := time.Now()
	if err := idx.Put(ctx, []gazette.SearchDoc{doc("2020-03-1", "关于森林防火的通知")}); !errors.Is(err, bleveindex.ErrWrite) {
		t.Errorf("Put on a full disk = %v, want ErrWrite", err)
	} else if d := time.Since(start); d > time.Second {
		t.Errorf("Put on a full disk took %v to fail, want at once", d)
	}
	files, _ := os.ReadDir(filepath.Join(dir, "store"))
	if len(files) > 40 {
		t.Errorf("%d files in the index's store after the failures: empty segments pile up", len(files))
	}
	if n := strings.Count(log.String(), `"level":"ERROR"`); n != 1 || !strings.Contains(log.String(), "no space left on device") {
		t.Errorf("%d errors logged, want one naming the cause:\n%s", n, log.String())
	}

	// Space returns: the index writes again by itself.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); idx.Ping(ctx) != nil; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the index still fails 30 s after space returned: %v", idx.Ping(ctx))
		}
	}
	// Ping answers from the state the recovery log line is written after.
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(log.String(), "writing to disk again"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Errorf("recovery not logged:\n%s", log.String())
			break
		}
	}
	put(t, idx, doc("2020-03-1", "关于森林防火的通知"))
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	idx, err = bleveindex.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	res := search(t, idx, gazette.Query{Text: "通知", PerPage: 50})
	if res.Total != 22 {
		t.Errorf("after reopening, %d documents found, want 22 (the one before, the 20 put on the full disk, the one after): %v", res.Total, ids(res))
	}
}
