package editorial

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/gazette/cite"
	"github.com/gazette-archive/gazette/ingest/report"
)

// Errors of the service, beside the gazette sentinels it also returns
// (gazette.ErrNotFound, ErrConflict, ErrInvalid). Callers test with errors.Is.
var (
	// ErrUnauthenticated reports a missing, unknown, expired or revoked
	// session or token, or a failed sign-in. It never says which part of a
	// sign-in was wrong.
	ErrUnauthenticated = errors.New("editorial: not signed in or wrong credentials")
	// ErrForbidden reports an actor whose role does not allow the action.
	ErrForbidden = errors.New("editorial: forbidden")
	// ErrLocked reports a sign-in refused, whatever the password, because
	// the name or the client address failed too often too recently; the
	// error is a *LockedError, which says how long to wait.
	ErrLocked = errors.New("editorial: sign-in held back after repeated failures")
	// ErrStale reports a conditional change refused because the ETag the
	// caller gave is not the record's current one, or none was given:
	// someone changed it since it was read. It wraps gazette.ErrConflict.
	ErrStale = fmt.Errorf("editorial: changed since it was read: reload it: %w", gazette.ErrConflict)
	// ErrNoETag reports a conditional change made without naming the
	// version it was made from. It wraps ErrStale.
	ErrNoETag = fmt.Errorf("editorial: no ETag given: %w", ErrStale)
	// ErrState reports an action the draft's state does not allow (approving
	// a draft not submitted, editing a scheduled one...). It wraps
	// gazette.ErrInvalid.
	ErrState = fmt.Errorf("editorial: not allowed in the draft's state: %w", gazette.ErrInvalid)
	// ErrOwnDraft reports a chief editor approving a draft they wrote or
	// edited: another must. It wraps ErrForbidden.
	ErrOwnDraft = fmt.Errorf("editorial: a draft's contributors cannot approve it: %w", ErrForbidden)
	// ErrNoMoment reports scheduling without a release moment. It wraps
	// gazette.ErrInvalid.
	ErrNoMoment = fmt.Errorf("editorial: no release moment chosen: %w", gazette.ErrInvalid)
	// ErrPast reports a release moment that has passed, given without the
	// confirmation to publish at once. It wraps gazette.ErrInvalid.
	ErrPast = fmt.Errorf("editorial: the release moment has passed: %w", gazette.ErrInvalid)
	// ErrNotPDF and ErrTooLarge refuse an upload; both wrap
	// gazette.ErrInvalid.
	ErrNotPDF   = fmt.Errorf("editorial: not a PDF: %w", gazette.ErrInvalid)
	ErrTooLarge = fmt.Errorf("editorial: upload too large: %w", gazette.ErrInvalid)
	// ErrUnreadablePDF refuses an upload the ingest pipeline cannot read
	// at all (a damaged file); it wraps gazette.ErrInvalid.
	ErrUnreadablePDF = fmt.Errorf("editorial: the PDF cannot be read: %w", gazette.ErrInvalid)
)

// Blobs is the part of object storage the service uses; archive.Blobs
// satisfies it. The contracts are archive.Blobs': Put fails with
// gazette.ErrExist (IfAbsent), gazette.ErrConflict (IfMatch differs),
// gazette.ErrNotFound (IfMatch on an absent key); Open and Delete with
// gazette.ErrNotFound. Implementations must be safe for concurrent use by
// several processes.
type Blobs interface {
	Put(ctx context.Context, key string, r io.Reader, size int64, opts gazette.PutOptions) (gazette.ObjectInfo, error)
	Open(ctx context.Context, key string) (io.ReadSeekCloser, gazette.ObjectInfo, error)
	List(ctx context.Context, prefix string) ([]gazette.ObjectInfo, error)
	Delete(ctx context.Context, key string, ifMatch string) error
}

// Archive is what drafting, corrections and validity changes need from the
// archive of record; *archive.Archive satisfies it. Methods must be safe for
// concurrent use.
type Archive interface {
	// Latest returns the most recently published issue; gazette.ErrNotFound
	// when nothing is published.
	Latest(ctx context.Context) (*gazette.Issue, error)
	// Scheduled lists the issues scheduled for publication and not yet
	// public, in any order; empty when there are none.
	Scheduled(ctx context.Context) ([]gazette.Issue, error)
	// Schedule hands an approved issue to the archive, to become public
	// whole at issue.Published. Scheduling the same issue with the same
	// content again succeeds (a retry after a crash); a different issue
	// with the same year and number fails with gazette.ErrExist.
	Schedule(ctx context.Context, issue gazette.Issue, pdf io.ReadSeeker, docs []gazette.Document) error
	// Reschedule moves the release moment of a scheduled issue;
	// Unschedule cancels it. Both fail with gazette.ErrNotFound when the
	// issue is not scheduled (never handed over, or already published) and
	// gazette.ErrConflict once its publication has begun.
	Reschedule(ctx context.Context, key gazette.IssueKey, at time.Time) error
	Unschedule(ctx context.Context, key gazette.IssueKey) error
	// Issue returns a published, publicly visible issue;
	// gazette.ErrNotFound before its release.
	Issue(ctx context.Context, key gazette.IssueKey) (*gazette.Issue, error)
	// Correct stores doc as a new version of the published document id,
	// with c; doc.Version is the version it was edited from
	// (gazette.ErrConflict when another is current). An error returned
	// with a document means the correction is stored but not everything
	// after it (the index) succeeded.
	Correct(ctx context.Context, id string, doc gazette.Document, c gazette.Correction) (*gazette.Document, error)
	// SetValidity appends ch to the validity history of the published
	// document id; an error returned with a document means the change is
	// stored, as for Correct.
	SetValidity(ctx context.Context, id string, ch gazette.ValidityChange) (*gazette.Document, error)
	// AddRelation appends rel to the relations the published document id
	// makes, and WithdrawRelation records one taken back; both return the
	// document's relations afterwards, and an error returned with them
	// means the change is stored, as for Correct. Errors:
	// gazette.ErrInvalid naming the field, gazette.ErrNotFound.
	AddRelation(ctx context.Context, id string, rel gazette.Relation) (*gazette.Relations, error)
	WithdrawRelation(ctx context.Context, id string, rel gazette.Relation) (*gazette.Relations, error)
	// UnresolvedCitations returns the cited documents no published
	// document answers, most cited first, at most limit (0: all).
	UnresolvedCitations(ctx context.Context, limit int) ([]cite.Unresolved, error)
	// ResolveCitations finds and resolves the citations in the texts of
	// documents not yet published, of the gazette named gazetteName.
	ResolveCitations(ctx context.Context, docs []gazette.Document, gazetteName string) ([][]cite.Found, error)
}

// SplitFunc runs the ingest pipeline on a PDF file: it splits the issue into
// documents and extracts their metadata. It fails only when ctx ends or the
// file cannot be read at all (ingest.Extract's contract): UploadPDF takes
// any other failure for the file's (ErrUnreadablePDF).
type SplitFunc func(ctx context.Context, pdfPath string) (*report.Result, error)

// Config configures a Service. Blobs is required; zero durations and limits
// take the defaults named beside them.
type Config struct {
	Blobs Blobs
	// Archive and Split are needed by drafts, corrections and validity
	// changes only; the methods that need them fail when they are nil (the
	// user command needs neither).
	Archive Archive
	Split   SplitFunc
	// Render draws the page images of drafts' print PDFs (PageImage); nil
	// serves none (ErrNoRenderer).
	Render RenderFunc
	// Reread reads a page of a draft's print PDF again by OCR
	// (RereadPage); nil reads none (ErrNoOCR).
	Reread RereadFunc
	// Gazette is the gazette's name for new drafts (福建省人民政府公报);
	// the latest issue's name is used when empty.
	Gazette string
	Log     *slog.Logger     // nil discards
	Now     func() time.Time // nil: time.Now
	// TempDir holds uploaded PDFs while the pipeline reads them; "" is the
	// system default.
	TempDir string

	Argon Argon2Params // zero: DefaultArgon2

	SessionIdle time.Duration // DefaultSessionIdle
	SessionMax  time.Duration // DefaultSessionMax
	// MaxFailures failed sign-ins of one name (an account or not) are
	// free; after them each attempt waits a delay that doubles with every
	// further failure, from one second up to Lockout. Counted in storage,
	// so across replicas; a day without failure starts afresh. A device
	// that signed in to the account before is not held (see LockedError).
	MaxFailures int           // DefaultMaxFailures
	Lockout     time.Duration // DefaultLockout
	// AddrMaxFailures and AddrWindow are the same for one client address,
	// counted in memory, per replica.
	AddrMaxFailures int           // DefaultAddrMaxFailures
	AddrWindow      time.Duration // DefaultAddrWindow
	// DeviceMaxFailures wrong passwords from a known device make it a
	// stranger again; a device unused for DeviceIdle is forgotten.
	DeviceMaxFailures int           // DefaultDeviceMaxFailures
	DeviceIdle        time.Duration // DefaultDeviceIdle
	// MaxPDFBytes bounds an uploaded print PDF.
	MaxPDFBytes int64 // DefaultMaxPDFBytes
}

// Defaults of Config.
const (
	DefaultSessionIdle       = 30 * time.Minute
	DefaultSessionMax        = 12 * time.Hour
	DefaultMaxFailures       = 5
	DefaultLockout           = 15 * time.Minute
	DefaultAddrMaxFailures   = 20
	DefaultAddrWindow        = 15 * time.Minute
	DefaultDeviceMaxFailures = 5
	DefaultDeviceIdle        = 90 * 24 * time.Hour
	DefaultMaxPDFBytes       = 512 << 20
)

// Service is the editorial service. It is safe for concurrent use, also by
// several replicas sharing one storage.
type Service struct {
	cfg    Config
	blobs  Blobs
	log    *slog.Logger
	now    func() time.Time
	hashes chan struct{} // bounds concurrent argon2 hashes (memory)
	// idKey is argon2.IDKey; tests watch what is hashed through it.
	idKey func(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte
	addrs *addrLimiter
	// dummy is the PHC string names that are no account are checked
	// against (dummyHash).
	dummyOnce sync.Once
	dummy     string
	// auditSeq numbers this replica's audit entries.
	auditSeq atomic.Uint64
}

// New returns a Service over cfg. It fails with gazette.ErrInvalid for a
// configuration it cannot use.
func New(cfg Config) (*Service, error) {
	if cfg.Blobs == nil {
		return nil, fmt.Errorf("editorial: no storage configured: %w", gazette.ErrInvalid)
	}
	if cfg.Argon == (Argon2Params{}) {
		cfg.Argon = DefaultArgon2
	}
	if err := cfg.Argon.check(); err != nil {
		return nil, fmt.Errorf("editorial: %w", err)
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.SessionIdle, DefaultSessionIdle)
	def(&cfg.SessionMax, DefaultSessionMax)
	def(&cfg.Lockout, DefaultLockout)
	def(&cfg.AddrWindow, DefaultAddrWindow)
	def(&cfg.DeviceIdle, DefaultDeviceIdle)
	if cfg.DeviceMaxFailures <= 0 {
		cfg.DeviceMaxFailures = DefaultDeviceMaxFailures
	}
	if cfg.MaxFailures <= 0 {
		cfg.MaxFailures = DefaultMaxFailures
	}
	if cfg.AddrMaxFailures <= 0 {
		cfg.AddrMaxFailures = DefaultAddrMaxFailures
	}
	if cfg.MaxPDFBytes <= 0 {
		cfg.MaxPDFBytes = DefaultMaxPDFBytes
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{
		cfg:    cfg,
		blobs:  cfg.Blobs,
		log:    cfg.Log,
		now:    cfg.Now,
		hashes: make(chan struct{}, max(1, runtime.GOMAXPROCS(0))),
		idKey:  argon2.IDKey,
		addrs:  newAddrLimiter(),
	}, nil
}

// Storage layout, all under one prefix.
const (
	prefix         = "editorial/"
	usersPrefix    = prefix + "users/"
	throttlePrefix = prefix + "throttle/"
	devicesPrefix  = prefix + "devices/"
	sessionsPrefix = prefix + "sessions/"
	tokensPrefix   = prefix + "tokens/"
	draftsPrefix   = prefix + "drafts/"
	auditPrefix    = prefix + "audit/"
	gapsKey        = prefix + "coverage/gaps.json"
	proofsPrefix   = prefix + "proofs/"
)

// maxRecordBytes bounds a JSON record read back from storage; drafts carry
// the full text of every document, so it is generous.
const maxRecordBytes = 256 << 20

// getJSON reads the record at key into v and returns its ETag.
func (s *Service) getJSON(ctx context.Context, key string, v any) (string, error) {
	rc, info, err := s.blobs.Open(ctx, key)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	raw, err := io.ReadAll(io.LimitReader(rc, maxRecordBytes+1))
	if err != nil {
		return "", fmt.Errorf("read %s: %w", key, err)
	}
	if len(raw) > maxRecordBytes {
		return "", fmt.Errorf("read %s: larger than %d bytes: %w", key, maxRecordBytes, gazette.ErrCorrupt)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return "", fmt.Errorf("decode %s: %v: %w", key, err, gazette.ErrCorrupt)
	}
	return info.ETag, nil
}

// putJSON writes v at key under opts and returns the new ETag. A record
// that would not decode again is refused before anything is written: one
// unreadable draft once broke every editor's list of drafts.
func (s *Service) putJSON(ctx context.Context, key string, v any, opts gazette.PutOptions) (string, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode %s: %w", key, err)
	}
	t := reflect.TypeOf(v)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if err := json.Unmarshal(raw, reflect.New(t).Interface()); err != nil {
		return "", fmt.Errorf("encode %s: it would not read back: %v: %w", key, err, gazette.ErrInvalid)
	}
	opts.ContentType = "application/json"
	info, err := s.blobs.Put(ctx, key, bytes.NewReader(raw), int64(len(raw)), opts)
	if err != nil {
		return "", err
	}
	return info.ETag, nil
}

// putIfUnchanged writes v at key on condition that the record is still as
// it was read: at etag, or still absent when etag is "". Losing to another
// writer (the record changed, appeared or vanished meanwhile) is
// gazette.ErrConflict.
func (s *Service) putIfUnchanged(ctx context.Context, key string, v any, etag string) (string, error) {
	opts := gazette.PutOptions{IfMatch: etag}
	if etag == "" {
		opts = gazette.PutOptions{IfAbsent: true}
	}
	newTag, err := s.putJSON(ctx, key, v, opts)
	if errors.Is(err, gazette.ErrExist) || etag != "" && errors.Is(err, gazette.ErrNotFound) {
		return "", fmt.Errorf("editorial: %s changed meanwhile: %w", key, gazette.ErrConflict)
	}
	return newTag, err
}
