package archivetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
)

// TestBlobs runs the Blobs contract against stores made by open. Each call of
// open must return an empty store of its own.
func TestBlobs(t *testing.T, open func(t *testing.T) archive.Blobs) {
	t.Helper()
	ctx := context.Background()
	put := func(t *testing.T, b archive.Blobs, key, body string, opts gazette.PutOptions) (gazette.ObjectInfo, error) {
		t.Helper()
		return b.Put(ctx, key, strings.NewReader(body), int64(len(body)), opts)
	}
	mustPut := func(t *testing.T, b archive.Blobs, key, body string, opts gazette.PutOptions) gazette.ObjectInfo {
		t.Helper()
		info, err := put(t, b, key, body, opts)
		if err != nil {
			t.Fatalf("Put(%q): %v", key, err)
		}
		return info
	}

	t.Run("RoundTrip", func(t *testing.T) {
		b := open(t)
		if err := b.Ping(ctx); err != nil {
			t.Fatalf("Ping: %v", err)
		}
		body := "福建省人民政府公报 2019年第12期\n"
		info := mustPut(t, b, "issues/2019/12.json", body, gazette.PutOptions{ContentType: "application/json"})
		if info.Size != int64(len(body)) || info.ETag == "" || info.Key != "issues/2019/12.json" {
			t.Errorf("Put info = %+v, want key, size %d and an ETag", info, len(body))
		}
		if got := ReadAll(t, b, "issues/2019/12.json"); got != body {
			t.Errorf("read back %q, want %q", got, body)
		}
		st, err := b.Stat(ctx, "issues/2019/12.json")
		if err != nil || st.Size != info.Size || st.ETag != info.ETag {
			t.Errorf("Stat = %+v, %v; want size and ETag of Put %+v", st, err, info)
		}
	})

	t.Run("EmptyObject", func(t *testing.T) {
		b := open(t)
		mustPut(t, b, "empty", "", gazette.PutOptions{})
		if got := ReadAll(t, b, "empty"); got != "" {
			t.Errorf("read %q, want empty", got)
		}
	})

	t.Run("Seek", func(t *testing.T) {
		b := open(t)
		body := strings.Repeat("0123456789", 1000)
		mustPut(t, b, "pdf/x.pdf", body, gazette.PutOptions{})
		r, _, err := b.Open(ctx, "pdf/x.pdf")
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		end, err := r.Seek(0, io.SeekEnd)
		if err != nil || end != int64(len(body)) {
			t.Fatalf("Seek end = %d, %v; want %d", end, err, len(body))
		}
		if _, err := r.Seek(5003, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 4)
		if _, err := io.ReadFull(r, buf); err != nil || string(buf) != "3456" {
			t.Errorf("read after seek = %q, %v; want 3456", buf, err)
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		b := open(t)
		if _, _, err := b.Open(ctx, "no/such"); !errors.Is(err, gazette.ErrNotFound) {
			t.Errorf("Open missing: %v, want ErrNotFound", err)
		}
		if _, err := b.Stat(ctx, "no/such"); !errors.Is(err, gazette.ErrNotFound) {
			t.Errorf("Stat missing: %v, want ErrNotFound", err)
		}
		if err := b.Delete(ctx, "no/such", ""); !errors.Is(err, gazette.ErrNotFound) {
			t.Errorf("Delete missing: %v, want ErrNotFound", err)
		}
		if _, err := put(t, b, "no/such", "x", gazette.PutOptions{IfMatch: `"abc"`}); !errors.Is(err, gazette.ErrNotFound) {
			t.Errorf("Put IfMatch on missing: %v, want ErrNotFound", err)
		}
	})

	t.Run("CreateOnly", func(t *testing.T) {
		b := open(t)
		mustPut(t, b, "issues/2019/1.json", "first", gazette.PutOptions{IfAbsent: true})
		if _, err := put(t, b, "issues/2019/1.json", "second", gazette.PutOptions{IfAbsent: true}); !errors.Is(err, gazette.ErrExist) {
			t.Errorf("second create: %v, want ErrExist", err)
		}
		if got := ReadAll(t, b, "issues/2019/1.json"); got != "first" {
			t.Errorf("after refused create, content = %q, want first", got)
		}
	})

	t.Run("ConditionalUpdate", func(t *testing.T) {
		b := open(t)
		v1 := mustPut(t, b, "drafts/a.json", "v1", gazette.PutOptions{})
		v2 := mustPut(t, b, "drafts/a.json", "v2", gazette.PutOptions{IfMatch: v1.ETag})
		if v2.ETag == v1.ETag {
			t.Errorf("ETag did not change on update: %q", v2.ETag)
		}
		if _, err := put(t, b, "drafts/a.json", "stale", gazette.PutOptions{IfMatch: v1.ETag}); !errors.Is(err, gazette.ErrConflict) {
			t.Errorf("update with stale ETag: %v, want ErrConflict", err)
		}
		if got := ReadAll(t, b, "drafts/a.json"); got != "v2" {
			t.Errorf("content = %q, want v2", got)
		}
		if err := b.Delete(ctx, "drafts/a.json", v1.ETag); !errors.Is(err, gazette.ErrConflict) {
			t.Errorf("Delete with stale ETag: %v, want ErrConflict", err)
		}
		if err := b.Delete(ctx, "drafts/a.json", v2.ETag); err != nil {
			t.Errorf("Delete with current ETag: %v", err)
		}
		if _, err := b.Stat(ctx, "drafts/a.json"); !errors.Is(err, gazette.ErrNotFound) {
			t.Errorf("Stat after Delete: %v, want ErrNotFound", err)
		}
	})

	t.Run("ConcurrentCreateOneWins", func(t *testing.T) {
		b := open(t)
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				_, errs[i] = put(t, b, "issues/2020/5.json", "writer "+strconv.Itoa(i), gazette.PutOptions{IfAbsent: true})
			})
		}
		wg.Wait()
		won := -1
		for i, err := range errs {
			switch {
			case err == nil && won >= 0:
				t.Errorf("writers %d and %d both created the key", won, i)
			case err == nil:
				won = i
			case !errors.Is(err, gazette.ErrExist):
				t.Errorf("writer %d: %v, want nil or ErrExist", i, err)
			}
		}
		if won < 0 {
			t.Fatal("no writer created the key")
		}
		if got := ReadAll(t, b, "issues/2020/5.json"); got != "writer "+strconv.Itoa(won) {
			t.Errorf("content %q, want the winner's (writer %d)", got, won)
		}
	})

	t.Run("ConcurrentUpdatesLoseNothing", func(t *testing.T) {
		b := open(t)
		mustPut(t, b, "counter", "0", gazette.PutOptions{})
		const writers, each = 4, 5
		var wg sync.WaitGroup
		for range writers {
			wg.Go(func() {
				for range each {
					for {
						r, info, err := b.Open(ctx, "counter")
						if err != nil {
							t.Error(err)
							return
						}
						raw, _ := io.ReadAll(r)
						r.Close()
						n, _ := strconv.Atoi(string(raw))
						next := strconv.Itoa(n + 1)
						_, err = put(t, b, "counter", next, gazette.PutOptions{IfMatch: info.ETag})
						if err == nil {
							break
						}
						if !errors.Is(err, gazette.ErrConflict) {
							t.Error(err)
							return
						}
					}
				}
			})
		}
		wg.Wait()
		if got := ReadAll(t, b, "counter"); got != strconv.Itoa(writers*each) {
			t.Errorf("counter = %s after %d increments: an update was lost", got, writers*each)
		}
	})

	t.Run("Immutable", func(t *testing.T) {
		b := open(t)
		info := mustPut(t, b, "pdf/abc.pdf", "published", gazette.PutOptions{IfAbsent: true, Immutable: true})
		for name, opts := range map[string]gazette.PutOptions{
			"overwrite": {},
			"if-match":  {IfMatch: info.ETag},
		} {
			if _, err := put(t, b, "pdf/abc.pdf", "changed", opts); !errors.Is(err, gazette.ErrImmutable) {
				t.Errorf("%s of immutable object: %v, want ErrImmutable", name, err)
			}
		}
		if err := b.Delete(ctx, "pdf/abc.pdf", ""); !errors.Is(err, gazette.ErrImmutable) {
			t.Errorf("Delete of immutable object: %v, want ErrImmutable", err)
		}
		if got := ReadAll(t, b, "pdf/abc.pdf"); got != "published" {
			t.Errorf("immutable object now reads %q", got)
		}
	})

	t.Run("SizeMismatch", func(t *testing.T) {
		b := open(t)
		for name, size := range map[string]int64{"short": 10, "long": 2, "negative": -1} {
			_, err := b.Put(ctx, "k/"+name, strings.NewReader("abcde"), size, gazette.PutOptions{})
			if !errors.Is(err, gazette.ErrInvalid) {
				t.Errorf("%s: Put with size %d of 5 bytes: %v, want ErrInvalid", name, size, err)
			}
			if _, err := b.Stat(ctx, "k/"+name); !errors.Is(err, gazette.ErrNotFound) {
				t.Errorf("%s: after failed Put, Stat: %v, want ErrNotFound", name, err)
			}
		}
	})

	t.Run("FailedUpdateKeepsOld", func(t *testing.T) {
		b := open(t)
		mustPut(t, b, "a", "old", gazette.PutOptions{})
		_, err := b.Put(ctx, "a", io.MultiReader(strings.NewReader("ne"), errReader{}), 3, gazette.PutOptions{})
		if err == nil {
			t.Fatal("Put from a failing reader succeeded")
		}
		if got := ReadAll(t, b, "a"); got != "old" {
			t.Errorf("after failed overwrite, content = %q, want old", got)
		}
	})

	t.Run("BadKeys", func(t *testing.T) {
		b := open(t)
		for _, key := range BadKeys() {
			if _, err := put(t, b, key, "x", gazette.PutOptions{}); !errors.Is(err, gazette.ErrInvalid) {
				t.Errorf("Put(%q): %v, want ErrInvalid", key, err)
			}
			if _, _, err := b.Open(ctx, key); !errors.Is(err, gazette.ErrInvalid) {
				t.Errorf("Open(%q): %v, want ErrInvalid", key, err)
			}
			if _, err := b.Stat(ctx, key); !errors.Is(err, gazette.ErrInvalid) {
				t.Errorf("Stat(%q): %v, want ErrInvalid", key, err)
			}
			if err := b.Delete(ctx, key, ""); !errors.Is(err, gazette.ErrInvalid) {
				t.Errorf("Delete(%q): %v, want ErrInvalid", key, err)
			}
		}
		if all, err := b.List(ctx, ""); err != nil || len(all) != 0 {
			t.Errorf("after refused keys the store holds %v (%v), want nothing", all, err)
		}
	})

	t.Run("List", func(t *testing.T) {
		b := open(t)
		keys := []string{"issues/2019/2.json", "issues/2019/12.json", "issues/2020/1.json", "pdf/ff.pdf", "issues/2019/增刊1.json"}
		for _, k := range keys {
			mustPut(t, b, k, k, gazette.PutOptions{})
		}
		got, err := b.List(ctx, "issues/2019/")
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"issues/2019/12.json", "issues/2019/2.json", "issues/2019/增刊1.json"}
		if names := keysOf(got); strings.Join(names, ",") != strings.Join(want, ",") {
			t.Errorf("List(issues/2019/) = %v, want %v", names, want)
		}
		for _, o := range got {
			if o.Size != int64(len(o.Key)) || o.ETag == "" {
				t.Errorf("List entry %+v lacks size or ETag", o)
			}
		}
		all, err := b.List(ctx, "")
		if err != nil || len(all) != len(keys) {
			t.Errorf("List(\"\") = %v, %v; want %d keys", keysOf(all), err, len(keys))
		}
		none, err := b.List(ctx, "nothing/")
		if err != nil || len(none) != 0 {
			t.Errorf("List(nothing/) = %v, %v; want empty", none, err)
		}
	})

	t.Run("Large", func(t *testing.T) {
		b := open(t)
		// Larger than an S3 client's single-part threshold (16 MiB in
		// minio-go), so multipart uploads must honour the conditions too.
		body := bytes.Repeat([]byte("公报"), 3<<20)
		if _, err := b.Put(ctx, "pdf/big.pdf", bytes.NewReader(body), int64(len(body)), gazette.PutOptions{IfAbsent: true, Immutable: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Put(ctx, "pdf/big.pdf", bytes.NewReader(body), int64(len(body)), gazette.PutOptions{IfAbsent: true}); !errors.Is(err, gazette.ErrExist) {
			t.Errorf("second create of large object: %v, want ErrExist", err)
		}
		st, err := b.Stat(ctx, "pdf/big.pdf")
		if err != nil || st.Size != int64(len(body)) {
			t.Errorf("Stat = %+v, %v; want size %d", st, err, len(body))
		}
	})

	t.Run("CancelledContext", func(t *testing.T) {
		b := open(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := b.Put(cctx, "c", strings.NewReader("x"), 1, gazette.PutOptions{}); err == nil {
			t.Error("Put with a cancelled context succeeded")
		}
	})
}

// BadKeys are keys every Blobs must refuse with gazette.ErrInvalid: each could
// escape a directory root or confuse a backend.
func BadKeys() []string {
	return []string{
		"", "/etc/passwd", "../outside", "a/../../b", "a/./b", ".", "..", "a//b", "a/",
		`a\b`, `..\..\windows`, "a\x00b", "a\nb", "bad\xffutf8", strings.Repeat("k", gazette.MaxKeyLen+1),
	}
}

// ReadAll reads the whole object at key, failing the test on error.
func ReadAll(t testing.TB, b archive.Blobs, key string) string {
	t.Helper()
	r, _, err := b.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("Open(%q): %v", key, err)
	}
	defer r.Close()
	raw, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read %q: %v", key, err)
	}
	return string(raw)
}

func keysOf(infos []gazette.ObjectInfo) []string {
	out := make([]string, len(infos))
	for i, o := range infos {
		out[i] = o.Key
	}
	return out
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, fmt.Errorf("disk unplugged") }
