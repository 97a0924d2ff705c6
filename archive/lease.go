package archive

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

// Leases share a list of work among processes, on several machines, through
// the blob store alone: a lease object per piece of work, taken create-only,
// renewed and completed by conditional writes on its ETag. A completed lease
// keeps the outcome, so that the piece is never done twice.
//
// Expiry is judged by the reader, never by comparing clocks closely: a lease
// is taken over once the reader has seen the same version of it, unchanged,
// for its TTL on its own monotonic clock, or once the reader's wall clock is
// a whole TTL past the expiry the holder wrote. A holder that ran on the
// reader's own machine (same boot and pid namespace) and whose process is
// gone, as after a kill -9 and a rerun, is overtaken at once. The holder renews every third
// of the TTL, so clocks may disagree by more than a TTL before a live holder
// loses its lease to an impatient peer; and the cost of that is work done
// twice, never a wrong result, as what is leased must be idempotent.
//
// Methods are safe for concurrent use.
type Leases struct {
	blobs   Blobs
	prefix  string
	owner   string
	process string // thisProcess()
	ttl     time.Duration

	mu   sync.Mutex
	seen map[string]sighting
}

// sighting is when this process first saw a version of someone else's lease.
type sighting struct {
	etag  string
	first time.Time // carries the monotonic clock
}

// DefaultLeaseTTL is generous: a holder that dies keeps its work from the
// others this long, while clocks may disagree by as much before a live
// holder is overtaken.
const DefaultLeaseTTL = 2 * time.Minute

// LeaseRecord is the content of a lease object.
type LeaseRecord struct {
	Format int `json:"format"`
	// Owner is the holder, or the process that completed the work.
	Owner string `json:"owner"`
	// TTL is how long the holder may go without renewing.
	TTL time.Duration `json:"ttl_ns"`
	// Expires is the holder's wall clock at the last renewal plus TTL.
	Expires time.Time `json:"expires"`
	// Done is when the work was completed; zero while it is held.
	Done time.Time `json:"done,omitzero"`
	// Result is what the completing process recorded.
	Result json.RawMessage `json:"result,omitempty"`
	// Process identifies the holder's process on its machine, so that a
	// process of the same machine can see that it is gone; "" if unknown.
	Process string `json:"process,omitempty"`
}

const leaseFormat = 1

// NewLeases returns the leases under prefix (a key prefix ending in "/"),
// taken in the name of owner (see LeaseOwner) for ttl (DefaultLeaseTTL when
// 0).
func NewLeases(b Blobs, prefix, owner string, ttl time.Duration) *Leases {
	if ttl <= 0 {
		ttl = DefaultLeaseTTL
	}
	return &Leases{blobs: b, prefix: prefix, owner: owner, process: thisProcess(), ttl: ttl, seen: map[string]sighting{}}
}

// LeaseOwner names this process for leases: host, pid and a random part, so
// that a restarted process with the same pid is still another owner.
func LeaseOwner() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown-host"
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return host + "/" + strconv.Itoa(os.Getpid()) + "/" + hex.EncodeToString(b)
}

// Owner is the name the leases are taken in.
func (ls *Leases) Owner() string { return ls.owner }

func (ls *Leases) key(name string) string { return ls.prefix + name + ".json" }

// Take tries to take the lease on name. It returns the lease when this
// process now holds it: the lease was absent, its holder let it expire, or
// it was completed and redo (if not nil) asks for the work again. Otherwise
// it returns nil and the record as found: held by another owner (Done zero)
// or completed (Done set). Errors: storage errors, gazette.ErrCorrupt for a
// lease object that cannot be read, gazette.ErrInvalid for a bad name.
func (ls *Leases) Take(ctx context.Context, name string, redo func(LeaseRecord) bool) (*Lease, LeaseRecord, error) {
	key := ls.key(name)
	for {
		etag, _, err := ls.put(ctx, key, gazette.PutOptions{IfAbsent: true}, time.Time{}, nil)
		if err == nil {
			return &Lease{ls: ls, key: key, etag: etag}, LeaseRecord{}, nil
		}
		if !errors.Is(err, gazette.ErrExist) {
			return nil, LeaseRecord{}, err
		}
		rec, etag, err := ls.read(ctx, key)
		if errors.Is(err, gazette.ErrNotFound) {
			continue // released meanwhile: try again
		}
		if err != nil {
			return nil, LeaseRecord{}, err
		}
		take := false
		if rec.Done.IsZero() {
			take = ls.expired(key, etag, rec)
		} else {
			take = redo != nil && redo(rec)
		}
		if !take {
			return nil, rec, nil
		}
		etag, _, err = ls.put(ctx, key, gazette.PutOptions{IfMatch: etag}, time.Time{}, nil)
		if errors.Is(err, gazette.ErrConflict) || errors.Is(err, gazette.ErrNotFound) {
			continue // another process was quicker: see what it left
		}
		if err != nil {
			return nil, LeaseRecord{}, err
		}
		ls.mu.Lock()
		delete(ls.seen, key) // this process's own now
		ls.mu.Unlock()
		return &Lease{ls: ls, key: key, etag: etag}, LeaseRecord{}, nil
	}
}

// expired reports whether a held lease may be taken over (see Leases).
func (ls *Leases) expired(key, etag string, rec LeaseRecord) bool {
	ttl := rec.TTL
	if ttl <= 0 {
		ttl = ls.ttl
	}
	if time.Now().After(rec.Expires.Add(ttl)) || processGone(rec.Process) {
		return true
	}
	ls.mu.Lock()
	defer ls.mu.Unlock()
	s, ok := ls.seen[key]
	if !ok || s.etag != etag {
		ls.seen[key] = sighting{etag: etag, first: time.Now()}
		return false
	}
	return time.Since(s.first) >= ttl
}

// read returns the lease record at key and its ETag.
func (ls *Leases) read(ctx context.Context, key string) (LeaseRecord, string, error) {
	var rec LeaseRecord
	raw, etag, err := ls.fetch(ctx, key)
	if err != nil {
		return rec, "", err
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return rec, "", fmt.Errorf("archive: lease %s: %v: %w", key, err, gazette.ErrCorrupt)
	}
	return rec, etag, nil
}

// fetch returns the lease object at key as stored, and its ETag.
func (ls *Leases) fetch(ctx context.Context, key string) ([]byte, string, error) {
	r, info, err := ls.blobs.Open(ctx, key)
	if err != nil {
		return nil, "", err
	}
	defer r.Close()
	raw, err := io.ReadAll(io.LimitReader(r, maxRecordSize))
	if err != nil {
		return nil, "", fmt.Errorf("archive: read lease %s: %w", key, err)
	}
	return raw, info.ETag, nil
}

// put writes a lease record held by this process (done zero) or completed
// by it, following opts. It returns the new ETag, and the bytes it tried to
// write (nil if it could not encode them), also on a storage error.
func (ls *Leases) put(ctx context.Context, key string, opts gazette.PutOptions, done time.Time, result json.RawMessage) (string, []byte, error) {
	now := time.Now()
	rec := LeaseRecord{Format: leaseFormat, Owner: ls.owner, TTL: ls.ttl, Expires: now.Add(ls.ttl), Done: done, Result: result, Process: ls.process}
	raw, err := encode(&rec)
	if err != nil {
		return "", nil, err
	}
	opts.ContentType = "application/json"
	info, err := ls.blobs.Put(ctx, key, bytes.NewReader(raw), int64(len(raw)), opts)
	if err != nil {
		return "", raw, fmt.Errorf("archive: lease %s: %w", key, err)
	}
	return info.ETag, raw, nil
}

// ErrLeaseLost is returned by a Lease's methods when another process has
// taken the lease over (it expired) or removed it.
var ErrLeaseLost = errors.New("lease lost")

// Lease is one lease held by this process. Its methods are safe for
// concurrent use.
type Lease struct {
	ls  *Leases
	key string

	mu   sync.Mutex
	etag string // "" once completed, released or lost
	lost error
	// unsure are the renewals written on etag whose outcome is unknown: a
	// write that timed out, or whose context was cancelled (as stopping
	// Keep does), may still have reached the store. The lease object may
	// then be one of them, under an ETag this process never saw; it is
	// still this Lease's, not lost. (An unsure completion is left out: to
	// renew over it would undo it.)
	unsure [][]byte
}

// update rewrites the lease if it is still this process's version.
func (l *Lease) update(ctx context.Context, done time.Time, result json.RawMessage) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		if l.etag == "" {
			return l.gone()
		}
		etag, raw, err := l.ls.put(ctx, l.key, gazette.PutOptions{IfMatch: l.etag}, done, result)
		switch {
		case err == nil:
			l.etag, l.unsure = etag, nil
			if !done.IsZero() {
				l.etag = ""
			}
			return nil
		case errors.Is(err, gazette.ErrConflict) || errors.Is(err, gazette.ErrNotFound):
			if err := l.moved(ctx); err != nil {
				return err
			}
			// One of this Lease's own renewals landed: write again over it.
		default:
			if done.IsZero() && raw != nil {
				l.unsure = append(l.unsure, raw)
			}
			return err
		}
	}
}

// moved is called, with l.mu held, when the lease object is no longer at
// l.etag. If it is one of the unsure renewals, moved takes up its ETag;
// otherwise the lease is lost (ErrLeaseLost). A storage error leaves the
// question open for the next call.
func (l *Lease) moved(ctx context.Context) error {
	if len(l.unsure) > 0 {
		raw, etag, err := l.ls.fetch(ctx, l.key)
		if err != nil && !errors.Is(err, gazette.ErrNotFound) {
			return err
		}
		// The records carry the owner and a nanosecond expiry: bytes
		// equal to one this Lease wrote are its write.
		if err == nil && slices.ContainsFunc(l.unsure, func(u []byte) bool { return bytes.Equal(u, raw) }) {
			l.etag, l.unsure = etag, nil
			return nil
		}
	}
	l.etag, l.unsure, l.lost = "", nil, fmt.Errorf("archive: lease %s: %w", l.key, ErrLeaseLost)
	return l.lost
}

func (l *Lease) gone() error {
	if l.lost != nil {
		return l.lost
	}
	return fmt.Errorf("archive: lease %s: already ended: %w", l.key, gazette.ErrInvalid)
}

// Renew extends the lease by its TTL from now. Errors: ErrLeaseLost,
// storage errors (the lease may still be held: try again before it
// expires).
func (l *Lease) Renew(ctx context.Context) error { return l.update(ctx, time.Time{}, nil) }

// Complete records result (encoded as JSON) as the outcome of the work and
// ends the lease: from now on Take returns the record, with Done set, to
// every process. Errors: ErrLeaseLost (another process took the work over;
// nothing is written), storage errors.
func (l *Lease) Complete(ctx context.Context, result any) error {
	raw, err := json.Marshal(result)
	if err != nil {
		return fmt.Errorf("archive: lease %s: %w", l.key, err)
	}
	return l.update(ctx, time.Now(), raw)
}

// Release gives the work up unfinished, so that another process can take
// it at once. Errors: ErrLeaseLost, storage errors.
func (l *Lease) Release(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		if l.etag == "" {
			return l.gone()
		}
		err := l.ls.blobs.Delete(ctx, l.key, l.etag)
		switch {
		case err == nil:
			l.etag, l.unsure = "", nil
			return nil
		case errors.Is(err, gazette.ErrConflict) || errors.Is(err, gazette.ErrNotFound):
			if err := l.moved(ctx); err != nil {
				return err
			}
		default:
			return fmt.Errorf("archive: release lease %s: %w", l.key, err)
		}
	}
}

// Keep renews the lease every third of its TTL until stop is called or
// the lease ends. A failed renewal is tried again at the next tick, so a
// storage hiccup shorter than two thirds of the TTL costs nothing. stop
// returns ErrLeaseLost if the lease was lost meanwhile. It cancels a
// renewal in flight, which may still land: the lease's next call finds
// its own write there and goes on.
func (l *Lease) Keep(ctx context.Context) (stop func() error) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(max(l.ls.ttl/3, time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				err := l.Renew(ctx)
				if errors.Is(err, ErrLeaseLost) || errors.Is(err, gazette.ErrInvalid) {
					return // lost, or ended by Complete or Release
				}
			}
		}
	}()
	return func() error {
		cancel()
		<-done
		l.mu.Lock()
		defer l.mu.Unlock()
		return l.lost
	}
}
