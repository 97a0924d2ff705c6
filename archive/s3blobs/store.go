package s3blobs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/s3utils"

	"github.com/gazette-archive/gazette/gazette"
)

// Config says where the Store keeps its objects.
type Config struct {
	// Endpoint is the server's host and port, without a scheme:
	// "minio.internal:9000".
	Endpoint string
	// Bucket holds the archive. New creates it, with object lock, when it
	// is missing.
	Bucket string
	// AccessKey and SecretKey are the credentials of the S3 user.
	AccessKey string
	SecretKey string
	// Secure selects HTTPS.
	Secure bool
	// Region of the bucket; empty lets the client ask the server.
	Region string
	// Timeout bounds each call that moves little data: a stat, a
	// listing's wait for its next page, a delete, a write of up to 1 MiB,
	// a ping. Zero means DefaultTimeout.
	Timeout time.Duration
	// StallTimeout bounds how long the transfer of a larger object (reading
	// what Open returns, a Put of more than 1 MiB) may go without progress;
	// the transfer as a whole has no deadline. Zero means
	// DefaultStallTimeout.
	StallTimeout time.Duration
}

// Store is an archive.Blobs over one versioned, object-locked S3 bucket.
// Its methods are safe for concurrent use, also by several processes sharing
// the bucket.
type Store struct {
	client   *minio.Client
	bucket   string
	endpoint string
	timeout  time.Duration
	stall    time.Duration
	// retryAt is when, after a call found the server unavailable, calls
	// may try it again (Unix nanoseconds); until then they fail at once.
	retryAt atomic.Int64

	// hookBeforeWrite, set only by tests, runs between the check of the
	// current version and the write (Put) or delete marker (Delete) that
	// depends on it, to play the races those methods must survive.
	hookBeforeWrite func(op, key string)
}

const (
	// metaImmutable is the user metadata that marks a published object, as
	// well as its legal hold: HEAD shows object-lock headers only to users
	// allowed to read them.
	metaImmutable = "Gazette-Immutable"
	// headerLegalHold is the response header of HEAD with the legal hold.
	headerLegalHold = "X-Amz-Object-Lock-Legal-Hold"
	// maxPutAttempts bounds the retries of an unconditional Put that lost a
	// race against another writer of the same key.
	maxPutAttempts = 5
)

// New connects to the server described by cfg and makes sure the bucket
// exists with versioning and object lock, creating it if it is missing.
// It fails with an error wrapping gazette.ErrInvalid for a bad
// configuration or an existing bucket without versioning or object lock,
// with an error wrapping gazette.ErrStorageUnavailable when the server does
// not answer, and with a plain error when it refuses the credentials.
func New(ctx context.Context, cfg Config) (*Store, error) {
	return newStore(ctx, cfg, nil)
}

// newStore is New with an optional HTTP transport (tests count requests).
func newStore(ctx context.Context, cfg Config, transport http.RoundTripper) (*Store, error) {
	switch {
	case cfg.Endpoint == "":
		return nil, fmt.Errorf("s3blobs: no endpoint configured: %w", gazette.ErrInvalid)
	case strings.Contains(cfg.Endpoint, "://"):
		return nil, fmt.Errorf("s3blobs: endpoint %q: want host:port without a scheme (set Secure for HTTPS): %w", cfg.Endpoint, gazette.ErrInvalid)
	case cfg.AccessKey == "" || cfg.SecretKey == "":
		return nil, fmt.Errorf("s3blobs: no access key or secret key configured: %w", gazette.ErrInvalid)
	case cfg.Timeout < 0 || cfg.StallTimeout < 0:
		return nil, fmt.Errorf("s3blobs: negative timeout: %w", gazette.ErrInvalid)
	}
	if err := s3utils.CheckValidBucketNameStrict(cfg.Bucket); err != nil {
		return nil, fmt.Errorf("s3blobs: bucket name %q: %w (%w)", cfg.Bucket, gazette.ErrInvalid, err)
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:     credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:    cfg.Secure,
		Region:    cfg.Region,
		Transport: transport,
	})
	if err != nil {
		return nil, fmt.Errorf("s3blobs: endpoint %q: %w (%w)", cfg.Endpoint, gazette.ErrInvalid, err)
	}
	s := &Store{client: client, bucket: cfg.Bucket, endpoint: cfg.Endpoint, timeout: cfg.Timeout, stall: cfg.StallTimeout}
	if s.timeout == 0 {
		s.timeout = DefaultTimeout
	}
	if s.stall == 0 {
		s.stall = DefaultStallTimeout
	}
	if err := s.ensureBucket(ctx, cfg.Region); err != nil {
		return nil, err
	}
	return s, nil
}

// ensureBucket creates the bucket with object lock when it is missing, and
// checks that an existing one has versioning and object lock.
func (s *Store) ensureBucket(ctx context.Context, region string) error {
	ctx, cancel := s.call(ctx)
	defer cancel()
	// A GET rather than BucketExists' HEAD: its error body tells a wrong
	// secret key (SignatureDoesNotMatch) from a missing permission.
	v, err := s.client.GetBucketVersioning(ctx, s.bucket)
	if errCode(err) == minio.NoSuchBucket {
		// Another replica may have created it a moment ago: then check it.
		opts := minio.MakeBucketOptions{Region: region, ObjectLocking: true}
		if err := s.client.MakeBucket(ctx, s.bucket, opts); err != nil && errCode(err) != "BucketAlreadyOwnedByYou" {
			return s.serverErr(ctx, "create bucket with object lock", err)
		}
		v, err = s.client.GetBucketVersioning(ctx, s.bucket)
	}
	if err != nil {
		return s.serverErr(ctx, "read versioning configuration of bucket", err)
	}

	lock, _, _, _, err := s.client.GetObjectLockConfig(ctx, s.bucket)
	if err != nil && errCode(err) != "ObjectLockConfigurationNotFoundError" {
		return s.serverErr(ctx, "read object-lock configuration of bucket", err)
	}
	if lock != "Enabled" {
		return fmt.Errorf("s3blobs: bucket %q on %s has no object lock, so published objects could be destroyed; "+
			"object lock can only be enabled when a bucket is created: configure a new bucket name "+
			"(s3blobs creates it with object lock) and copy the objects into it: %w", s.bucket, s.endpoint, gazette.ErrInvalid)
	}
	switch {
	case !v.Enabled():
		return fmt.Errorf("s3blobs: bucket %q on %s: versioning is %q, want Enabled: %w", s.bucket, s.endpoint, v.Status, gazette.ErrInvalid)
	case len(v.ExcludedPrefixes) > 0 || v.ExcludeFolders:
		return fmt.Errorf("s3blobs: bucket %q on %s: versioning excludes some prefixes or folders, want every key versioned: %w", s.bucket, s.endpoint, gazette.ErrInvalid)
	}
	return nil
}

// Put stores size bytes from r under key; see archive.Blobs. Create-only
// writes are sent with If-None-Match: *, updates with If-Match: <etag>, and
// immutable objects with an object-lock legal hold. An unconditional write
// is made conditional on the state it observed (so that it can never bury
// an immutable object created meanwhile); if another writer changes the key
// in between, it is retried when r is an io.Seeker and fails with
// gazette.ErrConflict otherwise.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, opts gazette.PutOptions) (gazette.ObjectInfo, error) {
	fail := func(err error) (gazette.ObjectInfo, error) {
		return gazette.ObjectInfo{}, fmt.Errorf("s3blobs: put %q: %w", key, err)
	}
	if err := gazette.CheckKey(key); err != nil {
		return fail(err)
	}
	ifMatch := normETag(opts.IfMatch)
	switch {
	case size < 0:
		return fail(fmt.Errorf("negative size %d: %w", size, gazette.ErrInvalid))
	case opts.IfMatch != "" && ifMatch == "":
		return fail(fmt.Errorf("empty ETag in IfMatch %q: %w", opts.IfMatch, gazette.ErrInvalid))
	case opts.IfAbsent && ifMatch != "":
		return fail(fmt.Errorf("both IfAbsent and IfMatch: %w", gazette.ErrInvalid))
	}
	if err := s.down(); err != nil {
		return fail(err)
	}
	seeker, _ := r.(io.Seeker)
	var start int64
	if seeker != nil {
		var err error
		if start, err = seeker.Seek(0, io.SeekCurrent); err != nil {
			seeker = nil
		}
	}
	for attempt := 1; ; attempt++ {
		info, err := s.put(ctx, key, r, size, opts, ifMatch)
		if !errors.Is(err, errRace) {
			if err != nil {
				return fail(err)
			}
			return info, nil
		}
		if seeker == nil || attempt == maxPutAttempts {
			return fail(fmt.Errorf("%w: another writer changed the key during an unconditional write; retry", gazette.ErrConflict))
		}
		if _, err := seeker.Seek(start, io.SeekStart); err != nil {
			return fail(fmt.Errorf("rewind the reader to retry: %w", err))
		}
	}
}

// errRace reports an unconditional write that lost a race against another
// writer: put may be retried.
var errRace = errors.New("lost a race")

// put makes one attempt of Put.
func (s *Store) put(ctx context.Context, key string, r io.Reader, size int64, opts gazette.PutOptions, ifMatch string) (gazette.ObjectInfo, error) {
	popts := minio.PutObjectOptions{ContentType: opts.ContentType}
	guarded := false // an unconditional write guarded by the state it saw
	if opts.IfAbsent {
		popts.SetMatchETagExcept("*")
	} else {
		sctx, cancel := s.call(ctx)
		cur, err := s.client.StatObject(sctx, s.bucket, key, minio.StatObjectOptions{})
		if err != nil {
			err = s.translate(sctx, err)
		}
		cancel()
		switch {
		case errors.Is(err, gazette.ErrNotFound) && ifMatch != "":
			return gazette.ObjectInfo{}, fmt.Errorf("IfMatch %q: %w", ifMatch, gazette.ErrNotFound)
		case errors.Is(err, gazette.ErrNotFound):
			popts.SetMatchETagExcept("*")
			guarded = true
		case err != nil:
			return gazette.ObjectInfo{}, err
		case isImmutable(cur):
			return gazette.ObjectInfo{}, gazette.ErrImmutable
		case ifMatch != "" && normETag(cur.ETag) != ifMatch:
			return gazette.ObjectInfo{}, fmt.Errorf("IfMatch %q, current ETag %q: %w", ifMatch, normETag(cur.ETag), gazette.ErrConflict)
		default:
			popts.SetMatchETag(normETag(cur.ETag))
			guarded = ifMatch == ""
		}
	}
	if opts.Immutable {
		popts.LegalHold = minio.LegalHoldEnabled
		popts.UserMetadata = map[string]string{metaImmutable: "true"}
	}

	// minio-go reads exactly size bytes and would store a prefix of a longer
	// reader; exactReader makes both a short and a long reader fail the
	// upload before the server completes it.
	if size == 0 {
		if err := probeEOF(r); err != nil {
			return gazette.ObjectInfo{}, err
		}
	}
	if s.hookBeforeWrite != nil {
		s.hookBeforeWrite("put", key)
	}
	var pctx context.Context
	if size <= largePut {
		var cancel context.CancelFunc
		pctx, cancel = s.call(ctx)
		defer cancel()
	} else {
		var w *watchdog
		var stop func()
		pctx, w, stop = watch(ctx, s.stall)
		defer stop()
		r = pacedReader{r: r, w: w}
	}
	er := &exactReader{r: r, size: size, left: size}
	up, err := s.client.PutObject(pctx, s.bucket, key, er, size, popts)
	// The calls after the write get a deadline of their own.
	ctx, cancel := s.call(ctx)
	defer cancel()
	if rerr := er.failure(); rerr != nil {
		if err == nil {
			// Unreachable if minio-go consumed the reader as it should;
			// take the version back if the server kept it anyway.
			_ = s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{VersionID: up.VersionID})
		}
		return gazette.ObjectInfo{}, rerr
	}
	if err != nil {
		switch code := errCode(err); {
		case code == minio.PreconditionFailed && opts.IfAbsent:
			return gazette.ObjectInfo{}, fmt.Errorf("%w (%w)", gazette.ErrExist, err)
		case code == minio.PreconditionFailed && !guarded:
			return gazette.ObjectInfo{}, fmt.Errorf("%w (%w)", gazette.ErrConflict, err)
		case isNotFound(err) && !guarded:
			return gazette.ObjectInfo{}, fmt.Errorf("%w (%w)", gazette.ErrNotFound, err)
		case code == minio.PreconditionFailed || isNotFound(err):
			// The key changed between the Stat and the write.
			if er.detach(); s.immutableNow(ctx, key) {
				return gazette.ObjectInfo{}, gazette.ErrImmutable
			}
			return gazette.ObjectInfo{}, errRace
		}
		return gazette.ObjectInfo{}, s.translate(pctx, err)
	}

	info := gazette.ObjectInfo{Key: key, Size: up.Size, ETag: normETag(up.ETag), Modified: up.LastModified}
	if info.Modified.IsZero() {
		// A single-part PUT does not answer with Last-Modified: ask for that
		// very version. The write has succeeded, so an error here is not one
		// of Put's.
		if st, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{VersionID: up.VersionID}); err == nil {
			info.Modified = st.LastModified
		}
	}
	return info, nil
}

// immutableNow reports whether the current version of key is immutable.
func (s *Store) immutableNow(ctx context.Context, key string) bool {
	cur, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	return err == nil && isImmutable(cur)
}

// Open returns the current version of key as a seekable stream; see
// archive.Blobs. It is a *minio.Object pinned to the version found by its
// Stat, so reads after a seek (HTTP range requests) never mix versions. It
// reads with ctx: cancelling ctx ends the stream.
func (s *Store) Open(ctx context.Context, key string) (io.ReadSeekCloser, gazette.ObjectInfo, error) {
	if err := gazette.CheckKey(key); err != nil {
		return nil, gazette.ObjectInfo{}, fmt.Errorf("s3blobs: open %q: %w", key, err)
	}
	if err := s.down(); err != nil {
		return nil, gazette.ObjectInfo{}, fmt.Errorf("s3blobs: open %q: %w", key, err)
	}
	cctx, cancel := s.call(ctx)
	st, err := s.client.StatObject(cctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		err = s.translate(cctx, err)
		cancel()
		return nil, gazette.ObjectInfo{}, fmt.Errorf("s3blobs: open %q: %w", key, err)
	}
	cancel()
	// The object is read lazily, over as long as its reader takes:
	// bounded by progress, not by a deadline.
	sctx, w, stop := watch(ctx, s.stall)
	w.pause() // until the first read
	obj, err := s.client.GetObject(sctx, s.bucket, key, minio.GetObjectOptions{VersionID: st.VersionID})
	if err != nil {
		err = s.translate(sctx, err)
		stop()
		return nil, gazette.ObjectInfo{}, fmt.Errorf("s3blobs: open %q: %w", key, err)
	}
	return &stream{obj: obj, s: s, key: key, ctx: sctx, w: w, stop: stop}, infoOf(key, st), nil
}

// Stat returns the info of the current version of key; see archive.Blobs.
func (s *Store) Stat(ctx context.Context, key string) (gazette.ObjectInfo, error) {
	if err := gazette.CheckKey(key); err != nil {
		return gazette.ObjectInfo{}, fmt.Errorf("s3blobs: stat %q: %w", key, err)
	}
	if err := s.down(); err != nil {
		return gazette.ObjectInfo{}, fmt.Errorf("s3blobs: stat %q: %w", key, err)
	}
	ctx, cancel := s.call(ctx)
	defer cancel()
	st, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return gazette.ObjectInfo{}, fmt.Errorf("s3blobs: stat %q: %w", key, s.translate(ctx, err))
	}
	return infoOf(key, st), nil
}

// List returns the current objects whose key starts with prefix, sorted by
// key; see archive.Blobs. Objects whose key gazette.CheckKey refuses (put
// into the bucket by other means) are not part of the archive and are left
// out.
func (s *Store) List(ctx context.Context, prefix string) ([]gazette.ObjectInfo, error) {
	if err := s.down(); err != nil {
		return nil, fmt.Errorf("s3blobs: list %q: %w", prefix, err)
	}
	// A large archive lists in many pages: each must come in time, not
	// the whole listing.
	ctx, w, stop := watch(ctx, s.timeout)
	defer stop()
	var out []gazette.ObjectInfo
	for o := range s.client.ListObjectsIter(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		w.progress()
		if o.Err != nil {
			return nil, fmt.Errorf("s3blobs: list %q: %w", prefix, s.translate(ctx, o.Err))
		}
		if gazette.CheckKey(o.Key) != nil {
			continue
		}
		out = append(out, infoOf(o.Key, o))
	}
	// S3 lists in UTF-8 byte order already; sorting costs little and does
	// not trust every S3 implementation to do so.
	slices.SortFunc(out, func(a, b gazette.ObjectInfo) int { return cmp.Compare(a.Key, b.Key) })
	return out, nil
}

// Delete hides key behind a delete marker; see archive.Blobs. Its versions
// stay in the bucket. S3 has no conditional DELETE, so Delete checks the
// current version first (immutability, ifMatch), then puts the marker, then
// looks at the version just below it: if another writer slipped in between,
// it takes its marker back and fails with gazette.ErrConflict (ifMatch set),
// gazette.ErrImmutable (the newcomer is immutable) or gazette.ErrNotFound
// (someone else deleted the key). Readers may see the key missing for that
// moment.
func (s *Store) Delete(ctx context.Context, key string, ifMatch string) error {
	fail := func(err error) error { return fmt.Errorf("s3blobs: delete %q: %w", key, err) }
	if err := gazette.CheckKey(key); err != nil {
		return fail(err)
	}
	want := normETag(ifMatch)
	if ifMatch != "" && want == "" {
		return fail(fmt.Errorf("empty ETag in ifMatch %q: %w", ifMatch, gazette.ErrInvalid))
	}
	if err := s.down(); err != nil {
		return fail(err)
	}
	ctx, cancel := s.call(ctx)
	defer cancel()
	cur, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	switch {
	case err != nil:
		return fail(s.translate(ctx, err))
	case isImmutable(cur):
		return fail(gazette.ErrImmutable)
	case want != "" && normETag(cur.ETag) != want:
		return fail(fmt.Errorf("ifMatch %q, current ETag %q: %w", want, normETag(cur.ETag), gazette.ErrConflict))
	case cur.VersionID == "":
		return fail(fmt.Errorf("object has no version ID: is versioning on for bucket %q?", s.bucket))
	}

	if s.hookBeforeWrite != nil {
		s.hookBeforeWrite("delete", key)
	}
	marker, err := s.deleteMarker(ctx, key)
	if err != nil {
		return fail(err)
	}
	below, found, err := s.versionBelow(ctx, key, marker)
	if err != nil || !found || below.VersionID == cur.VersionID {
		// Deleted as checked (or the check itself failed after the marker
		// was put: the delete happened, so report success).
		return nil
	}

	// Another writer changed the key between the Stat and the marker.
	var why error
	switch {
	case below.IsDeleteMarker:
		why = fmt.Errorf("deleted concurrently: %w", gazette.ErrNotFound)
	case want != "":
		why = fmt.Errorf("changed concurrently: %w", gazette.ErrConflict)
	default:
		st, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{VersionID: below.VersionID})
		if err != nil || !isImmutable(st) {
			return nil // an unconditional delete after a mutable write: fine
		}
		why = fmt.Errorf("published concurrently: %w", gazette.ErrImmutable)
	}
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{VersionID: marker}); err != nil {
		return fail(fmt.Errorf("%w; and removing the delete marker %s again failed: %w", why, marker, s.translate(ctx, err)))
	}
	return fail(why)
}

// deleteMarker puts a delete marker on key and returns its version ID. It
// uses the multi-object delete, the one S3 call that answers with it.
func (s *Store) deleteMarker(ctx context.Context, key string) (string, error) {
	ch := make(chan minio.ObjectInfo, 1)
	ch <- minio.ObjectInfo{Key: key}
	close(ch)
	marker := ""
	var errs []error
	for res := range s.client.RemoveObjectsWithResult(ctx, s.bucket, ch, minio.RemoveObjectsOptions{}) {
		if res.Err != nil {
			errs = append(errs, s.translate(ctx, res.Err))
			continue
		}
		marker = res.DeleteMarkerVersionID
	}
	if err := errors.Join(errs...); err != nil {
		return "", err
	}
	if marker == "" {
		return "", fmt.Errorf("the server created no delete marker: is versioning on for bucket %q?", s.bucket)
	}
	return marker, nil
}

// versionBelow returns the version of key just older than the version
// marker (versions of a key are listed newest first).
func (s *Store) versionBelow(ctx context.Context, key, marker string) (minio.ObjectInfo, bool, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing when the loop ends early
	seen := false
	for o := range s.client.ListObjectsIter(ctx, s.bucket, minio.ListObjectsOptions{
		WithVersions: true, Prefix: key, Recursive: true, MaxKeys: 16,
	}) {
		switch {
		case o.Err != nil:
			return minio.ObjectInfo{}, false, o.Err
		case o.Key != key:
			return minio.ObjectInfo{}, false, nil // past key's versions
		case seen:
			return o, true, nil
		case o.VersionID == marker:
			seen = true
		}
	}
	return minio.ObjectInfo{}, false, nil
}

// Ping reports whether the server answers, accepts the credentials and
// still has the bucket.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.down(); err != nil {
		return fmt.Errorf("s3blobs: ping %q: %w", s.bucket, err)
	}
	ctx, cancel := s.call(ctx)
	defer cancel()
	ok, err := s.client.BucketExists(ctx, s.bucket)
	switch {
	case err != nil:
		return s.serverErr(ctx, "ping", err)
	case !ok:
		return fmt.Errorf("s3blobs: ping: bucket %q on %s does not exist", s.bucket, s.endpoint)
	}
	return nil
}

// infoOf converts minio-go's object info.
func infoOf(key string, o minio.ObjectInfo) gazette.ObjectInfo {
	return gazette.ObjectInfo{Key: key, Size: o.Size, ETag: normETag(o.ETag), Modified: o.LastModified}
}

// normETag is the one form of ETags the Store returns and compares: without
// quotes (and without a weak validator's W/, which S3 never sends).
func normETag(etag string) string {
	etag = strings.TrimSpace(etag)
	etag = strings.TrimPrefix(etag, "W/")
	return strings.Trim(etag, `"`)
}

// isImmutable reports whether a version is published: it has a legal hold
// or the metadata Put gives immutable objects.
func isImmutable(o minio.ObjectInfo) bool {
	if strings.EqualFold(o.Metadata.Get(headerLegalHold), string(minio.LegalHoldEnabled)) {
		return true
	}
	for k, v := range o.UserMetadata {
		if strings.EqualFold(k, metaImmutable) && v == "true" {
			return true
		}
	}
	return false
}

// errCode returns the S3 error code of err, or "".
func errCode(err error) string {
	var resp minio.ErrorResponse
	if errors.As(err, &resp) {
		return resp.Code
	}
	return ""
}

// isNotFound reports whether err says the object (or version) is missing;
// a HEAD of a key whose current version is a delete marker says so too.
func isNotFound(err error) bool {
	switch errCode(err) {
	case minio.NoSuchKey, "NoSuchVersion":
		return true
	}
	return false
}

// translate wraps a minio-go error, met under ctx, with the gazette
// sentinel it means, if any.
func (s *Store) translate(ctx context.Context, err error) error {
	if uerr, ok := s.unavailable(ctx, err); ok {
		return uerr
	}
	switch {
	case isNotFound(err):
		return fmt.Errorf("%w (%w)", gazette.ErrNotFound, err)
	case errCode(err) == minio.NoSuchBucket:
		return fmt.Errorf("bucket %q on %s does not exist: %w", s.bucket, s.endpoint, err)
	case credentialsRefused(err):
		return fmt.Errorf("%s refused the credentials (check the access key and secret key): %w", s.endpoint, err)
	}
	return err
}

// serverErr describes a failure to talk to the server.
func (s *Store) serverErr(ctx context.Context, op string, err error) error {
	if uerr, ok := s.unavailable(ctx, err); ok {
		return fmt.Errorf("s3blobs: %s %q: %w", op, s.bucket, uerr)
	}
	switch {
	case credentialsRefused(err):
		return fmt.Errorf("s3blobs: %s %q: %s refused the credentials (check the access key and secret key): %w", op, s.bucket, s.endpoint, err)
	case errCode(err) == "AccessDenied":
		// A HEAD cannot say more than 403: a wrong key looks the same.
		return fmt.Errorf("s3blobs: %s %q: %s denied access (check the access key, the secret key and the user's policy): %w", op, s.bucket, s.endpoint, err)
	}
	return fmt.Errorf("s3blobs: %s %q on %s: %w", op, s.bucket, s.endpoint, err)
}

func credentialsRefused(err error) bool {
	switch errCode(err) {
	case "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken":
		return true
	}
	return false
}
