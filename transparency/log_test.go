package transparency_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/fsblobs"
	"github.com/gazette-archive/gazette/archive/s3blobs"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/transparency"
	"golang.org/x/mod/sumdb/note"
)

func TestMain(m *testing.M) { os.Exit(archivetest.MainWithMinIO(m)) }

const origin = "gazette.example.gov.cn/log"

// testKey is one signing key and the keyring that trusts it.
type testKey struct {
	private string
	signer  note.Signer
	ring    transparency.Keyring
}

func newKey(t testing.TB, origin string) testKey {
	t.Helper()
	priv, pub, err := transparency.GenerateKey(origin)
	if err != nil {
		t.Fatal(err)
	}
	s, err := transparency.NewSigner(priv)
	if err != nil {
		t.Fatal(err)
	}
	ring, err := transparency.KeyringOf(pub)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{priv, s, ring}
}

func openLog(t testing.TB, blobs archive.Blobs, k testKey) *transparency.Log {
	t.Helper()
	l, err := transparency.New(blobs, k.signer, k.ring, nil)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// store is a real backend, and a way to change its bytes behind its back
// (fsblobs only: nil for MinIO, whose objects are locked).
type store struct {
	name   string
	blobs  archive.Blobs
	tamper func(t *testing.T, key string, change func([]byte) []byte)
}

func stores(t *testing.T) []func(t *testing.T) store {
	return []func(t *testing.T) store{
		func(t *testing.T) store {
			dir := t.TempDir()
			b, err := fsblobs.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { b.Close() })
			return store{"fsblobs", b, func(t *testing.T, key string, change func([]byte) []byte) {
				t.Helper()
				p := filepath.Join(dir, "objects", filepath.FromSlash(key))
				raw, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				os.Chmod(p, 0o600)
				if err := os.WriteFile(p, change(raw), 0o600); err != nil {
					t.Fatal(err)
				}
			}}
		},
		func(t *testing.T) store {
			srv := archivetest.SharedMinIO(t)
			b, err := s3blobs.New(context.Background(), s3blobs.Config{Endpoint: srv.Endpoint, Bucket: "tlog-" + randomHex(6), AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
			if err != nil {
				t.Fatal(err)
			}
			return store{"s3blobs", b, nil}
		},
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// entry is a valid log entry naming a PDF with the given content.
func entry(t testing.TB, n int, pdf []byte) []byte {
	t.Helper()
	e := archive.LogEntry{
		Event: archive.EventPublished, Subject: fmt.Sprintf("2019-%d", n+1),
		Time: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Hour),
		Objects: []archive.LoggedObject{
			{Role: "manifest", SHA256: transparency.SumOf(fmt.Appendf(nil, "manifest %d", n)), Size: 10},
			{Role: "pdf", SHA256: transparency.SumOf(pdf), Size: int64(len(pdf))},
		},
	}
	text, err := e.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func pdfOf(n int) []byte { return fmt.Appendf(nil, "%%PDF-1.4 issue %d", n) }

// TestAppendProveVerify appends entries across a tile boundary on each real
// backend, proves several and verifies the proofs offline, and checks that
// appending an entry again returns its index without growing the log.
func TestAppendProveVerify(t *testing.T) {
	ctx := context.Background()
	const n = 260 // past one full tile of 256
	for _, open := range stores(t) {
		s := open(t)
		t.Run(s.name, func(t *testing.T) {
			k := newKey(t, origin)
			l := openLog(t, s.blobs, k)
			for i := range n {
				idx, err := l.Append(ctx, entry(t, i, pdfOf(i)))
				if err != nil || idx != int64(i) {
					t.Fatalf("Append %d = %d, %v", i, idx, err)
				}
			}
			if idx, err := l.Append(ctx, entry(t, 7, pdfOf(7))); err != nil || idx != 7 {
				t.Fatalf("Append of a logged entry = %d, %v, want 7", idx, err)
			}
			cp, err := l.Checkpoint(ctx)
			if err != nil || cp.Size != n {
				t.Fatalf("Checkpoint = %+v, %v, want size %d", cp, err, n)
			}
			for _, i := range []int{0, 7, 255, 256, n - 1} {
				p, err := l.Prove(ctx, entry(t, i, pdfOf(i)))
				if err != nil {
					t.Fatalf("Prove %d: %v", i, err)
				}
				text, _ := p.MarshalText()
				p2, err := transparency.ParseProof(text)
				if err != nil {
					t.Fatalf("ParseProof: %v\n%s", err, text)
				}
				v, err := transparency.Verify(transparency.SumOf(pdfOf(i)), p2, k.ring)
				if err != nil {
					t.Fatalf("Verify %d: %v", i, err)
				}
				if v.Index != int64(i) || v.Named[0].Role != "pdf" || v.Entry.Subject != fmt.Sprintf("2019-%d", i+1) {
					t.Errorf("Verify %d = %+v", i, v)
				}
				// Another file is not what the entry names.
				if _, err := transparency.Verify(transparency.SumOf(pdfOf(i+1)), p2, k.ring); !errors.Is(err, gazette.ErrCorrupt) || !strings.Contains(err.Error(), "not what was published") {
					t.Errorf("Verify of another file: %v", err)
				}
			}
			var seen int64
			if err := l.Entries(ctx, func(i int64, e []byte) error {
				if i != seen || !bytes.Equal(e, entry(t, int(i), pdfOf(int(i)))) {
					return fmt.Errorf("entry %d out of order or different", i)
				}
				seen++
				return nil
			}); err != nil || seen != n {
				t.Fatalf("Entries: %d, %v", seen, err)
			}
			// The public objects are in the C2SP layout.
			for _, p := range []string{"checkpoint", "tile/0/000", "tile/0/001.p/4", "tile/1/000.p/1", "tile/entries/000", "tile/entries/001.p/4"} {
				r, _, immutable, err := l.Object(ctx, p)
				if err != nil {
					t.Errorf("Object(%s): %v", p, err)
					continue
				}
				r.Close()
				if immutable != (p != "checkpoint") {
					t.Errorf("Object(%s) immutable = %v", p, immutable)
				}
			}
			if _, _, _, err := l.Object(ctx, "state.json"); !errors.Is(err, gazette.ErrNotFound) {
				t.Errorf("Object(state.json) = %v, want ErrNotFound: internal objects are not served", err)
			}
		})
	}
}

// TestConcurrentAppendsFromSeveralReplicas appends from several Log values
// over one store at once, each entry by two of them: every entry lands
// exactly once, under distinct indexes, and the checkpoint covers them.
func TestConcurrentAppendsFromSeveralReplicas(t *testing.T) {
	ctx := context.Background()
	const replicas, each = 4, 12
	for _, open := range stores(t) {
		s := open(t)
		t.Run(s.name, func(t *testing.T) {
			k := newKey(t, origin)
			var mu sync.Mutex
			got := map[int]int64{}
			var wg sync.WaitGroup
			errs := make(chan error, replicas*each)
			for r := range replicas {
				l := openLog(t, s.blobs, k)
				wg.Go(func() {
					for j := range each {
						i := (r/2)*each + j // replicas 0,1 share entries, so do 2,3
						idx, err := l.Append(ctx, entry(t, i, pdfOf(i)))
						if err != nil {
							errs <- err
							return
						}
						mu.Lock()
						if prev, ok := got[i]; ok && prev != idx {
							errs <- fmt.Errorf("entry %d at %d and %d", i, prev, idx)
						}
						got[i] = idx
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			l := openLog(t, s.blobs, k)
			cp, err := l.Checkpoint(ctx)
			if want := int64(replicas / 2 * each); err != nil || cp.Size != want {
				t.Fatalf("checkpoint %+v, %v; want %d entries", cp, err, want)
			}
			seen := map[string]bool{}
			if err := l.Entries(ctx, func(i int64, e []byte) error {
				if seen[string(e)] {
					return fmt.Errorf("entry %d logged twice", i)
				}
				seen[string(e)] = true
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestInterruptedAppendIsCompletedOnce fails each write of an append in
// turn: the next append or Integrate completes it, and the entry is in the
// log once.
func TestInterruptedAppendIsCompletedOnce(t *testing.T) {
	ctx := context.Background()
	k := newKey(t, origin)
	for allow := 0; ; allow++ {
		blobs := archivetest.NewMemBlobs()
		l := openLog(t, blobs, k)
		for i := range 3 {
			if _, err := l.Append(ctx, entry(t, i, pdfOf(i))); err != nil {
				t.Fatal(err)
			}
		}
		faulty := &archivetest.Faulty{Blobs: blobs, Allow: allow}
		_, err := openLog(t, faulty, k).Append(ctx, entry(t, 3, pdfOf(3)))
		if err == nil {
			if allow < 3 {
				t.Fatalf("append succeeded with only %d writes", allow)
			}
			break // every write of an append has been failed once
		}
		if !errors.Is(err, archivetest.ErrInjected) {
			t.Fatalf("write %d failing: %v", allow+1, err)
		}
		if allow%2 == 0 {
			if err := l.Integrate(ctx); err != nil {
				t.Fatalf("Integrate after write %d failed: %v", allow+1, err)
			}
		}
		if idx, err := l.Append(ctx, entry(t, 3, pdfOf(3))); err != nil || idx != 3 {
			t.Fatalf("append again after write %d failed: %d, %v", allow+1, idx, err)
		}
		if idx, err := l.Append(ctx, entry(t, 4, pdfOf(4))); err != nil || idx != 4 {
			t.Fatalf("next append after write %d failed: %d, %v (entry 3 logged twice?)", allow+1, idx, err)
		}
	}
}

// TestTamperingIsCaught changes one byte of each kind of stored log object
// and checks that reading the log or proving an entry fails, saying what.
func TestTamperingIsCaught(t *testing.T) {
	ctx := context.Background()
	flip := func(b []byte) []byte { b = bytes.Clone(b); b[len(b)/2] ^= 0x01; return b }
	cases := []struct {
		name, key string
		change    func([]byte) []byte
		want      string
	}{
		{"hash tile", "log/tile/0/000.p/5", flip, "tampered with or damaged"},
		{"entry bundle", "log/tile/entries/000.p/5", flip, "does not match the log's tree"},
		{"checkpoint root", "log/checkpoint", func(b []byte) []byte {
			return bytes.Replace(b, []byte("\n5\n"), []byte("\n6\n"), 1)
		}, "altered after signing"},
		{"checkpoint signature", "log/checkpoint", func(b []byte) []byte {
			i := bytes.LastIndex(b, []byte(" "))
			b = bytes.Clone(b)
			// Another base64 letter in the signature, past the key ID:
			// still well-formed, no longer the signature.
			if b[i+8] == 'A' {
				b[i+8] = 'B'
			} else {
				b[i+8] = 'A'
			}
			return b
		}, "does not verify"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := stores(t)[0](t)
			k := newKey(t, origin)
			l := openLog(t, s.blobs, k)
			for i := range 5 {
				if _, err := l.Append(ctx, entry(t, i, pdfOf(i))); err != nil {
					t.Fatal(err)
				}
			}
			s.tamper(t, tc.key, tc.change)
			_, perr := l.Prove(ctx, entry(t, 2, pdfOf(2)))
			eerr := l.Entries(ctx, func(int64, []byte) error { return nil })
			if !errors.Is(perr, gazette.ErrCorrupt) && !errors.Is(eerr, gazette.ErrCorrupt) {
				t.Fatalf("after changing %s: Prove = %v, Entries = %v; want ErrCorrupt", tc.key, perr, eerr)
			}
			msg := fmt.Sprint(perr, eerr)
			if !strings.Contains(msg, tc.want) {
				t.Errorf("after changing %s: %s; want it to say %q", tc.key, msg, tc.want)
			}
			// Nothing more is appended to a damaged log.
			if _, err := l.Append(ctx, entry(t, 9, pdfOf(9))); err == nil {
				t.Errorf("Append to a damaged log succeeded")
			}
		})
	}
}

// TestForeignKeyAndRewrittenHistory checks a checkpoint signed by another
// key, and a log truncated and rebuilt with a different entry, against a
// checkpoint kept from before.
func TestForeignKeyAndRewrittenHistory(t *testing.T) {
	ctx := context.Background()
	k := newKey(t, origin)
	blobs := archivetest.NewMemBlobs()
	l := openLog(t, blobs, k)
	for i := range 4 {
		if _, err := l.Append(ctx, entry(t, i, pdfOf(i))); err != nil {
			t.Fatal(err)
		}
	}
	kept, err := l.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	proof, err := l.Prove(ctx, entry(t, 1, pdfOf(1)))
	if err != nil {
		t.Fatal(err)
	}

	// The same log grown: consistent.
	if _, err := l.Append(ctx, entry(t, 4, pdfOf(4))); err != nil {
		t.Fatal(err)
	}
	tp, grown, err := l.ProveConsistency(ctx, kept.Size)
	if err != nil {
		t.Fatal(err)
	}
	if err := transparency.CheckConsistency(kept, grown, tp); err != nil {
		t.Fatalf("grown log: %v", err)
	}

	// Another key, same origin name: an impostor.
	other := newKey(t, origin)
	impostor := openLog(t, archivetest.NewMemBlobs(), other)
	if _, err := impostor.Append(ctx, entry(t, 0, pdfOf(0))); err != nil {
		t.Fatal(err)
	}
	forged, err := impostor.Prove(ctx, entry(t, 0, pdfOf(0)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := transparency.Verify(transparency.SumOf(pdfOf(0)), forged, k.ring); !errors.Is(err, gazette.ErrCorrupt) || !strings.Contains(err.Error(), "not signed by any known key") {
		t.Errorf("proof under a checkpoint signed by another key: %v", err)
	}

	// Truncated and rebuilt with a different entry 1, by the real key.
	rebuilt := openLog(t, archivetest.NewMemBlobs(), k)
	for i := range 5 {
		e := entry(t, i, pdfOf(i))
		if i == 1 {
			e = entry(t, 1, []byte("%PDF-1.4 a quietly different issue"))
		}
		if _, err := rebuilt.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	tp, now, err := rebuilt.ProveConsistency(ctx, kept.Size)
	if err != nil {
		t.Fatal(err)
	}
	if err := transparency.CheckConsistency(kept, now, tp); !errors.Is(err, gazette.ErrCorrupt) || !strings.Contains(err.Error(), "history was rewritten") {
		t.Errorf("rebuilt log against a kept checkpoint: %v", err)
	}
	// Same size, other root: a fork, caught without any proof.
	same, err := rebuilt.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := transparency.CheckConsistency(grown, same, nil); !errors.Is(err, gazette.ErrCorrupt) {
		t.Errorf("two trees of one size: %v", err)
	}
	// The old proof still verifies against its own (kept) checkpoint.
	if _, err := transparency.Verify(transparency.SumOf(pdfOf(1)), proof, k.ring); err != nil {
		t.Errorf("old proof: %v", err)
	}
}

// TestKeyRotation signs with a new key after a rotation: proofs under
// either key verify with the published keyring, and the retired key
// cannot vouch for an entry dated after its retirement.
func TestKeyRotation(t *testing.T) {
	ctx := context.Background()
	oldKey := newKey(t, origin)
	newer := newKey(t, origin)
	retired := time.Date(2019, 1, 1, 2, 30, 0, 0, time.UTC) // after entry 2, before entry 3
	ring := transparency.Keyring{Origin: origin, Keys: []transparency.Key{
		{Verifier: oldKey.ring.Keys[0].Verifier, Until: retired},
		{Verifier: newer.ring.Keys[0].Verifier, From: retired},
	}}
	blobs := archivetest.NewMemBlobs()
	l1, err := transparency.New(blobs, oldKey.signer, ring, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := l1.Append(ctx, entry(t, i, pdfOf(i))); err != nil {
			t.Fatal(err)
		}
	}
	old, err := l1.Prove(ctx, entry(t, 1, pdfOf(1)))
	if err != nil {
		t.Fatal(err)
	}
	l2, err := transparency.New(blobs, newer.signer, ring, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l2.Append(ctx, entry(t, 3, pdfOf(3))); err != nil {
		t.Fatalf("append after rotation: %v", err)
	}
	cur, err := l2.Prove(ctx, entry(t, 3, pdfOf(3)))
	if err != nil {
		t.Fatal(err)
	}
	if v, err := transparency.Verify(transparency.SumOf(pdfOf(1)), old, ring); err != nil || v.Key.Until.IsZero() {
		t.Errorf("proof under the old key: %+v, %v", v, err)
	}
	if _, err := transparency.Verify(transparency.SumOf(pdfOf(3)), cur, ring); err != nil {
		t.Errorf("proof under the new key: %v", err)
	}
	// The old key, leaked, signs a checkpoint covering entry 3.
	leaked, err := transparency.New(archivetest.NewMemBlobs(), oldKey.signer, ring, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		leaked.Append(ctx, entry(t, i, pdfOf(i)))
	}
	forged, err := leaked.Prove(ctx, entry(t, 3, pdfOf(3)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := transparency.Verify(transparency.SumOf(pdfOf(3)), forged, ring); !errors.Is(err, gazette.ErrCorrupt) || !strings.Contains(err.Error(), "retired") {
		t.Errorf("retired key vouching for a later entry: %v", err)
	}
}

// TestFindAndConsistencyFromTiles finds a proof by a file's SHA-256 alone,
// and checks consistency from the public tiles, read from a copy on disk
// and over HTTP, as `gazette verify --consistency` does.
func TestFindAndConsistencyFromTiles(t *testing.T) {
	ctx := context.Background()
	k := newKey(t, origin)
	build := func(t *testing.T, n int, alter int) (string, *transparency.Log) {
		dir := t.TempDir()
		b, err := fsblobs.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		l := openLog(t, b, k)
		for i := range n {
			pdf := pdfOf(i)
			if i == alter {
				pdf = []byte("%PDF-1.4 rewritten")
			}
			if _, err := l.Append(ctx, entry(t, i, pdf)); err != nil {
				t.Fatal(err)
			}
		}
		return filepath.Join(dir, "objects", "log"), l
	}
	dir, l := build(t, 5, -1)
	kept, err := l.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f := transparency.NewFinder(l)
	for i := 5; i < 260; i++ {
		if _, err := l.Append(ctx, entry(t, i, pdfOf(i))); err != nil {
			t.Fatal(err)
		}
		if i == 6 { // the finder catches up with what is appended after its first read
			if p, err := f.Find(ctx, transparency.SumOf(pdfOf(2))); err != nil || p.Index != 2 {
				t.Fatalf("Find = %v, %v", p, err)
			}
		}
	}
	p, err := f.Find(ctx, transparency.SumOf(pdfOf(259)))
	if err != nil || p.Index != 259 {
		t.Fatalf("Find(259) = %v, %v", p, err)
	}
	if _, err := transparency.Verify(transparency.SumOf(pdfOf(259)), p, k.ring); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Find(ctx, transparency.SumOf([]byte("never published"))); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("Find of an unknown file: %v", err)
	}
	now, err := l.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	for name, fetch := range map[string]transparency.TileFetcher{"dir": transparency.DirTiles(dir), "http": transparency.HTTPTiles(srv.Client(), srv.URL+"/")} {
		if err := transparency.ConsistencyFrom(ctx, fetch, kept, now); err != nil {
			t.Errorf("%s: consistent log: %v", name, err)
		}
	}
	// The same origin and key, rebuilt with another entry 3.
	other, rl := build(t, 260, 3)
	rebuilt, err := rl.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := transparency.ConsistencyFrom(ctx, transparency.DirTiles(other), kept, rebuilt); !errors.Is(err, gazette.ErrCorrupt) || !strings.Contains(err.Error(), "rewritten") {
		t.Errorf("rebuilt log: %v", err)
	}
	// Tiles that do not belong to the newer checkpoint.
	if err := transparency.ConsistencyFrom(ctx, transparency.DirTiles(other), kept, now); !errors.Is(err, gazette.ErrCorrupt) {
		t.Errorf("tiles of another tree: %v", err)
	}
}

func openFS(dir string) (*fsblobs.Store, error) { return fsblobs.Open(dir) }

// fakeWitness is a tlog-witness that keeps one log's last tree and
// cosigns only checkpoints that extend it.
type fakeWitness struct {
	name string
	priv ed25519.PrivateKey
	key  string
	log  transparency.Keyring

	mu       sync.Mutex
	tree     *transparency.Checkpoint
	requests int
}

func newFakeWitness(t *testing.T, log transparency.Keyring) (*fakeWitness, *httptest.Server) {
	t.Helper()
	w := &fakeWitness{name: "witness.test/w1", log: log}
	var err error
	if w.priv, w.key, err = transparency.NewWitnessKey(w.name); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(w.addCheckpoint))
	t.Cleanup(srv.Close)
	return w, srv
}

func (w *fakeWitness) addCheckpoint(rw http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/add-checkpoint" || r.Method != http.MethodPost {
		http.NotFound(rw, r)
		return
	}
	w.mu.Lock()
	w.requests++
	w.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	old, proof, raw, err := transparency.ParseAddCheckpoint(body)
	if err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	cp, err := transparency.OpenKeyringCheckpoint(raw, w.log)
	if err != nil {
		http.Error(rw, err.Error(), http.StatusForbidden)
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	var size int64
	if w.tree != nil {
		size = w.tree.Size
	}
	if old != size {
		rw.Header().Set("Content-Type", "text/x.tlog.size")
		rw.WriteHeader(http.StatusConflict)
		fmt.Fprintf(rw, "%d\n", size)
		return
	}
	if w.tree != nil {
		if err := transparency.CheckConsistency(w.tree, cp, proof); err != nil {
			http.Error(rw, err.Error(), http.StatusUnprocessableEntity)
			return
		}
	}
	w.tree = cp
	body2, _, _ := bytes.Cut(raw, []byte("\n\n"))
	fmt.Fprint(rw, transparency.Cosign(w.name, w.priv, string(body2)+"\n", uint64(time.Now().Unix())))
}

// TestWitnessCosignatures submits each checkpoint to a witness: proofs
// carry its cosignature, a verifier requiring it accepts them and refuses
// a checkpoint without it, and a log rebuilt with another history cannot
// get the witness to cosign.
func TestWitnessCosignatures(t *testing.T) {
	ctx := context.Background()
	k := newKey(t, origin)
	w, srv := newFakeWitness(t, k.ring)
	ring := k.ring
	ring.Witnesses = []transparency.Witness{{Key: w.key, URL: srv.URL}}
	ring.Quorum = 1
	l, err := transparency.New(archivetest.NewMemBlobs(), k.signer, ring, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		if _, err := l.Append(ctx, entry(t, i, pdfOf(i))); err != nil {
			t.Fatal(err)
		}
	}
	p, err := l.Prove(ctx, entry(t, 2, pdfOf(2)))
	if err != nil {
		t.Fatal(err)
	}
	v, err := transparency.Verify(transparency.SumOf(pdfOf(2)), p, ring)
	if err != nil {
		t.Fatalf("cosigned proof: %v\n%s", err, p.Checkpoint)
	}
	// A restart does not ask again for what the checkpoint carries.
	w.mu.Lock()
	asked := w.requests
	w.mu.Unlock()
	if err := l.Integrate(ctx); err != nil {
		t.Fatal(err)
	}
	w.mu.Lock()
	if w.requests != asked {
		t.Errorf("Integrate asked the witness again for a checkpoint it cosigned")
	}
	w.mu.Unlock()
	if len(v.Cosigners) != 1 || !strings.Contains(v.Cosigners[0], "witness, verified") {
		t.Errorf("cosigners %q", v.Cosigners)
	}
	// The same checkpoint without its cosignature.
	bare := *p
	bare.Checkpoint = bare.Checkpoint[:bytes.Index(bare.Checkpoint, []byte("— "+w.name))]
	if _, err := transparency.Verify(transparency.SumOf(pdfOf(2)), &bare, ring); !errors.Is(err, gazette.ErrCorrupt) || !strings.Contains(err.Error(), "cosigned by 0") {
		t.Errorf("without the cosignature: %v", err)
	}
	// A cosignature by another key under the witness's name.
	_, impostor, _ := transparency.NewWitnessKey(w.name)
	other := ring
	other.Witnesses = []transparency.Witness{{Key: impostor}}
	if _, err := transparency.Verify(transparency.SumOf(pdfOf(2)), p, other); !errors.Is(err, gazette.ErrCorrupt) {
		t.Errorf("cosignature checked against another key: %v", err)
	}
	// The log rebuilt with another history, under the same key, shown to
	// the same witness: it does not cosign, so the fork has no quorum.
	forked, err := transparency.New(archivetest.NewMemBlobs(), k.signer, ring, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		e := entry(t, i, pdfOf(i))
		if i == 1 {
			e = entry(t, 1, []byte("%PDF-1.4 rewritten"))
		}
		if _, err := forked.Append(ctx, e); err != nil {
			t.Fatalf("a witness refusing must not stop the log: %v", err)
		}
	}
	fp, err := forked.Prove(ctx, entry(t, 3, pdfOf(3)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := transparency.Verify(transparency.SumOf(pdfOf(3)), fp, ring); !errors.Is(err, gazette.ErrCorrupt) || !strings.Contains(err.Error(), "cosigned by 0") {
		t.Errorf("forked log's proof: %v", err)
	}
	// A witness that is down does not stop publication either.
	srv.Close()
	if _, err := l.Append(ctx, entry(t, 4, pdfOf(4))); err != nil {
		t.Fatalf("append with the witness down: %v", err)
	}
}
