package fsblobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

const (
	objectsDir = "objects"
	tmpDir     = "tmp"
	locksDir   = "locks"

	dirPerm       fs.FileMode = 0o750
	mutablePerm   fs.FileMode = 0o640
	immutablePerm fs.FileMode = 0o444 // the marker of an immutable object

	// maxCommitAttempts bounds the retries of a rename or link whose parent
	// directory was removed meanwhile by the pruning of a concurrent Delete.
	maxCommitAttempts = 8
)

// errSymlink reports a symbolic link planted inside the store's tree. The
// store never creates one and refuses to follow one, wherever it points.
var errSymlink = errors.New("symbolic link inside the store: refusing to follow it")

// errNoOpenat2 says openat2(2) is not available: take os.Root's way.
var errNoOpenat2 = errors.New("openat2 is not available")

// useOpenat2 lets the tests open a store that takes os.Root's way, as on a
// kernel without openat2.
var useOpenat2 = true

// Store is an archive.Blobs on a local directory. Its methods are safe for
// concurrent use by several goroutines and by several processes that open
// the same directory.
type Store struct {
	dir  string   // absolute path of the directory, for Ping
	root *os.Root // every file operation goes through it: nothing escapes dir

	// rootDir is the same directory, for openat2(2) (beneath_linux.go),
	// which reads use where beneath says the kernel has it: one system
	// call confined to the directory instead of one per path component.
	rootDir  *os.File
	rootConn syscall.RawConn
	beneath  bool

	// stripes serialise, within this process, the writers of keys that share
	// a lock file; the flock on that file serialises them across processes.
	stripes [lockStripes]chan struct{}
}

// Open opens the store in dir, creating dir (mode 0750) and its
// subdirectories if needed, and removes the temporary files that writers
// which died (a crash, a kill) left behind. Temporary files of writes still
// in progress in other processes are kept: each writer holds a flock on its
// temporary file, released by the kernel when the writer dies, so "unlocked"
// means "abandoned" whatever its age. The caller closes the store.
func Open(dir string) (*Store, error) {
	s, err := open(dir)
	if err != nil {
		return nil, fmt.Errorf("fsblobs: open %q: %w", dir, err)
	}
	return s, nil
}

func open(dir string) (*Store, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, dirPerm); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(abs)
	if err != nil {
		return nil, err
	}
	s := &Store{dir: abs, root: root}
	if s.rootDir, err = root.OpenFile(".", os.O_RDONLY|syscall.O_DIRECTORY, 0); err != nil {
		root.Close()
		return nil, err
	}
	if s.rootConn, err = s.rootDir.SyscallConn(); err != nil {
		s.closeDirs()
		return nil, err
	}
	if useOpenat2 {
		s.probeOpenat2()
	}
	for i := range s.stripes {
		s.stripes[i] = make(chan struct{}, 1)
	}
	created := false
	for _, sub := range []string{objectsDir, tmpDir, locksDir} {
		made, err := s.mkdir(sub)
		if err != nil {
			s.closeDirs()
			return nil, err
		}
		created = created || made
	}
	if created {
		if err := s.syncDir("."); err != nil {
			s.closeDirs()
			return nil, err
		}
	}
	if err := s.cleanTemp(); err != nil {
		s.closeDirs()
		return nil, err
	}
	return s, nil
}

// Close releases the store's directory handle. Objects opened with Open stay
// readable until they are closed.
func (s *Store) Close() error {
	if err := s.closeDirs(); err != nil {
		return fmt.Errorf("fsblobs: close: %w", err)
	}
	return nil
}

func (s *Store) closeDirs() error {
	return errors.Join(s.rootDir.Close(), s.root.Close())
}

// Put stores size bytes read from r under key, following opts: see
// archive.Blobs. The content is written to a temporary file and fsynced
// before it replaces (rename) or creates (link, for opts.IfAbsent) the
// object, so on any error, a cancelled ctx or a crash the previous content,
// if any, is unchanged. opts.ContentType is not stored. Setting both
// opts.IfAbsent and opts.IfMatch fails with gazette.ErrInvalid.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, opts gazette.PutOptions) (gazette.ObjectInfo, error) {
	info, err := s.put(ctx, key, r, size, opts)
	if err != nil {
		return gazette.ObjectInfo{}, fmt.Errorf("fsblobs: put %q: %w", key, err)
	}
	return info, nil
}

func (s *Store) put(ctx context.Context, key string, r io.Reader, size int64, opts gazette.PutOptions) (gazette.ObjectInfo, error) {
	if err := ctx.Err(); err != nil {
		return gazette.ObjectInfo{}, err
	}
	name, err := objectName(key)
	if err != nil {
		return gazette.ObjectInfo{}, err
	}
	switch {
	case size < 0:
		return gazette.ObjectInfo{}, fmt.Errorf("negative size %d: %w", size, gazette.ErrInvalid)
	case opts.IfAbsent && opts.IfMatch != "":
		return gazette.ObjectInfo{}, fmt.Errorf("both IfAbsent and IfMatch: %w", gazette.ErrInvalid)
	}
	// Fail before reading a possibly large body when the outcome is already
	// known; the check is repeated at the commit, which is what counts.
	cur, err := s.lstatObject(name)
	if err != nil {
		return gazette.ObjectInfo{}, err
	}
	if err := checkPut(cur, opts); err != nil {
		return gazette.ObjectInfo{}, err
	}

	f, tmp, err := s.createTemp()
	if err != nil {
		return gazette.ObjectInfo{}, err
	}
	// Remove the temporary name before closing: the flock held by f is what
	// tells cleanTemp in another process that this file is not abandoned.
	// After a rename the name is gone already; after a link the object keeps
	// its own name.
	// If the removal fails, the next Open removes the abandoned file.
	defer func() {
		_ = s.root.Remove(tmp)
		f.Close()
	}()

	if r == nil {
		r = strings.NewReader("")
	}
	n, err := copyBody(ctx, f, r, size)
	switch {
	case err != nil:
		return gazette.ObjectInfo{}, err
	case n < size:
		return gazette.ObjectInfo{}, fmt.Errorf("body has %d bytes, size says %d: %w", n, size, gazette.ErrInvalid)
	case n > size:
		return gazette.ObjectInfo{}, fmt.Errorf("body is longer than size %d: %w", size, gazette.ErrInvalid)
	}
	mode := mutablePerm
	if opts.Immutable {
		mode = immutablePerm
	}
	if err := f.Chmod(mode); err != nil { // exact mode, whatever the umask
		return gazette.ObjectInfo{}, err
	}
	// The modification time is part of the ETag: set it explicitly, with the
	// nanoseconds of the clock rather than the kernel's coarser file clock.
	now := time.Now()
	if err := s.root.Chtimes(tmp, now, now); err != nil {
		return gazette.ObjectInfo{}, err
	}
	if err := f.Sync(); err != nil {
		return gazette.ObjectInfo{}, err
	}
	if opts.IfAbsent {
		err = s.commitLink(ctx, f, tmp, name)
	} else {
		err = s.commitRename(ctx, f, tmp, key, name, opts)
	}
	if err != nil {
		return gazette.ObjectInfo{}, err
	}
	fi, err := f.Stat() // the same inode as the object now
	if err != nil {
		return gazette.ObjectInfo{}, err
	}
	return objectInfo(key, fi), nil
}

// commitLink creates name as a second link to the temporary file. link(2)
// fails if name exists, atomically, so no lock is needed even against other
// processes: exactly one of several concurrent creators succeeds.
func (s *Store) commitLink(ctx context.Context, f *os.File, tmp, name string) error {
	var made []string
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		m, err := s.mkdirParents(name)
		if err != nil {
			return err
		}
		made = append(made, m...)
		err = s.root.Link(tmp, name)
		if err == nil {
			break
		}
		switch {
		case errors.Is(err, fs.ErrExist):
			return fmt.Errorf("key exists: %w", gazette.ErrExist)
		case errors.Is(err, fs.ErrNotExist) && attempt < maxCommitAttempts:
			continue // a parent was pruned by a concurrent Delete: recreate it
		}
		return err
	}
	return s.syncParents(name, made)
}

// commitRename replaces name with the temporary file under the key's lock,
// after checking the conditions of opts against the current object.
func (s *Store) commitRename(ctx context.Context, f *os.File, tmp, key, name string, opts gazette.PutOptions) error {
	unlock, err := s.lock(ctx, key)
	if err != nil {
		return err
	}
	defer unlock()
	var made []string
	for attempt := 1; ; attempt++ {
		m, err := s.mkdirParents(name)
		if err != nil {
			return err
		}
		made = append(made, m...)
		cur, err := s.lstatObject(name)
		if err != nil {
			return err
		}
		if err := checkPut(cur, opts); err != nil {
			return err
		}
		if cur != nil {
			if err := s.laterThan(f, tmp, cur.ModTime()); err != nil {
				return err
			}
		}
		if err := ctx.Err(); err != nil { // last point where nothing is stored
			return err
		}
		err = s.root.Rename(tmp, name)
		if err == nil {
			break
		}
		switch {
		case errors.Is(err, fs.ErrNotExist) && attempt < maxCommitAttempts:
			continue // a parent was pruned by a concurrent Delete: recreate it
		case errors.Is(err, syscall.EISDIR), errors.Is(err, fs.ErrExist), errors.Is(err, syscall.ENOTEMPTY):
			return fmt.Errorf("key is a prefix of other objects: %w", gazette.ErrExist)
		}
		return err
	}
	return s.syncParents(name, made)
}

// laterThan makes the temporary file's modification time later than prev,
// the current version's. Each version is a new inode, but inode numbers are
// reused once freed; with the time strictly increasing from one version of a
// key to the next, no two versions of a key share an ETag even then. The
// steps cover filesystems that store coarser times than nanoseconds.
func (s *Store) laterThan(f *os.File, tmp string, prev time.Time) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.ModTime().After(prev) {
		return nil
	}
	for _, step := range []time.Duration{time.Nanosecond, time.Microsecond, time.Millisecond, time.Second, 2 * time.Second} {
		t := prev.Add(step)
		if err := s.root.Chtimes(tmp, t, t); err != nil {
			return err
		}
		if fi, err = f.Stat(); err != nil {
			return err
		}
		if fi.ModTime().After(prev) {
			return f.Sync()
		}
	}
	return errors.New("cannot give the new version a later modification time than the current one")
}

// checkPut checks opts against the current entry at the key (nil if none).
func checkPut(cur fs.FileInfo, opts gazette.PutOptions) error {
	switch {
	case cur == nil && opts.IfMatch != "":
		return fmt.Errorf("if-match %q: %w", opts.IfMatch, gazette.ErrNotFound)
	case cur == nil:
		return nil
	case opts.IfAbsent:
		return fmt.Errorf("key exists: %w", gazette.ErrExist)
	case cur.IsDir():
		return fmt.Errorf("key is a prefix of other objects: %w", gazette.ErrExist)
	case !cur.Mode().IsRegular():
		return fmt.Errorf("not a regular file: %v", cur.Mode().Type())
	case immutable(cur):
		return gazette.ErrImmutable
	case opts.IfMatch != "" && opts.IfMatch != etag(cur):
		return fmt.Errorf("if-match %q, current ETag %q: %w", opts.IfMatch, etag(cur), gazette.ErrConflict)
	}
	return nil
}

// Open returns the object's content, an *os.File, and its info. The caller
// closes it. The file stays readable, unchanged, if the object is replaced
// or deleted meanwhile. Errors: gazette.ErrNotFound, gazette.ErrInvalid.
func (s *Store) Open(ctx context.Context, key string) (io.ReadSeekCloser, gazette.ObjectInfo, error) {
	f, info, err := s.openObject(ctx, key)
	if err != nil {
		return nil, gazette.ObjectInfo{}, fmt.Errorf("fsblobs: open %q: %w", key, err)
	}
	return f, info, nil
}

func (s *Store) openObject(ctx context.Context, key string) (*os.File, gazette.ObjectInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, gazette.ObjectInfo{}, err
	}
	name, err := objectName(key)
	if err != nil {
		return nil, gazette.ObjectInfo{}, err
	}
	if f, info, ok, err := s.openRegularBeneath(key, name); ok {
		return f, info, err
	}
	for attempt := 1; ; attempt++ {
		cur, err := s.lstatObject(name)
		if err != nil {
			return nil, gazette.ObjectInfo{}, err
		}
		if cur == nil || !cur.Mode().IsRegular() {
			return nil, gazette.ObjectInfo{}, gazette.ErrNotFound
		}
		f, err := s.root.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return nil, gazette.ObjectInfo{}, gazette.ErrNotFound
		}
		if err != nil {
			return nil, gazette.ObjectInfo{}, err
		}
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, gazette.ObjectInfo{}, err
		}
		// os.Root follows a symlink that stays inside the root. Accept the
		// file only if it is the regular file found at the name without
		// following anything; else the object changed meanwhile: look again.
		if os.SameFile(fi, cur) {
			return f, objectInfo(key, fi), nil
		}
		f.Close()
		if attempt == maxCommitAttempts {
			return nil, gazette.ObjectInfo{}, errors.New("object keeps changing while being opened")
		}
	}
}

// Stat returns the object's info. Errors: gazette.ErrNotFound,
// gazette.ErrInvalid.
func (s *Store) Stat(ctx context.Context, key string) (gazette.ObjectInfo, error) {
	info, err := s.stat(ctx, key)
	if err != nil {
		return gazette.ObjectInfo{}, fmt.Errorf("fsblobs: stat %q: %w", key, err)
	}
	return info, nil
}

func (s *Store) stat(ctx context.Context, key string) (gazette.ObjectInfo, error) {
	if err := ctx.Err(); err != nil {
		return gazette.ObjectInfo{}, err
	}
	name, err := objectName(key)
	if err != nil {
		return gazette.ObjectInfo{}, err
	}
	cur, err := s.lstatObject(name)
	if err != nil {
		return gazette.ObjectInfo{}, err
	}
	if cur == nil || !cur.Mode().IsRegular() {
		return gazette.ObjectInfo{}, gazette.ErrNotFound
	}
	return objectInfo(key, cur), nil
}

// List returns the info of every object whose key starts with prefix (which
// may end in the middle of a segment), sorted by key. Temporary files are
// never listed. It fails if it meets a symbolic link in the tree.
func (s *Store) List(ctx context.Context, prefix string) ([]gazette.ObjectInfo, error) {
	out, err := s.list(ctx, prefix)
	if err != nil {
		return nil, fmt.Errorf("fsblobs: list %q: %w", prefix, err)
	}
	return out, nil
}

func (s *Store) list(ctx context.Context, prefix string) ([]gazette.ObjectInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Walk only the deepest directory the prefix names in full, if it is a
	// valid key; any other prefix walks everything and simply matches nothing.
	start := objectsDir
	if i := strings.LastIndexByte(prefix, '/'); i > 0 && gazette.CheckKey(prefix[:i]) == nil {
		start = objectsDir + "/" + prefix[:i]
		fi, err := s.lstatObject(start)
		if err != nil {
			return nil, err
		}
		if fi == nil || !fi.IsDir() {
			return []gazette.ObjectInfo{}, nil
		}
	}
	out := []gazette.ObjectInfo{}
	err := fs.WalkDir(s.root.FS(), start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		key := strings.TrimPrefix(p, objectsDir+"/")
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			return fmt.Errorf("%s: %w", p, errSymlink)
		case p == start:
			return nil
		case d.IsDir():
			// Descend only where keys can still start with prefix.
			dir := key + "/"
			if strings.HasPrefix(dir, prefix) || strings.HasPrefix(prefix, dir) {
				return nil
			}
			return fs.SkipDir
		case !d.Type().IsRegular(), !strings.HasPrefix(key, prefix), gazette.CheckKey(key) != nil:
			return nil
		}
		// Lstat through the root, not d.Info, which stats by absolute path.
		fi, err := s.root.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // deleted meanwhile
		}
		if err != nil {
			return err
		}
		if fi.Mode().IsRegular() {
			out = append(out, objectInfo(key, fi))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b gazette.ObjectInfo) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// Delete removes key; with ifMatch set, only if that is its current ETag.
// Directories left empty are removed. Errors: gazette.ErrNotFound,
// gazette.ErrConflict, gazette.ErrImmutable, gazette.ErrInvalid.
func (s *Store) Delete(ctx context.Context, key string, ifMatch string) error {
	if err := s.delete(ctx, key, ifMatch); err != nil {
		return fmt.Errorf("fsblobs: delete %q: %w", key, err)
	}
	return nil
}

func (s *Store) delete(ctx context.Context, key string, ifMatch string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	name, err := objectName(key)
	if err != nil {
		return err
	}
	unlock, err := s.lock(ctx, key)
	if err != nil {
		return err
	}
	defer unlock()
	cur, err := s.lstatObject(name)
	switch {
	case err != nil:
		return err
	case cur == nil || cur.IsDir():
		return gazette.ErrNotFound
	case !cur.Mode().IsRegular():
		return fmt.Errorf("not a regular file: %v", cur.Mode().Type())
	case immutable(cur):
		return gazette.ErrImmutable
	case ifMatch != "" && ifMatch != etag(cur):
		return fmt.Errorf("if-match %q, current ETag %q: %w", ifMatch, etag(cur), gazette.ErrConflict)
	}
	// Under the key's lock no other Put or Delete of the key runs, and a
	// create-only Put cannot replace an existing file: cur is what goes.
	if err := s.root.Remove(name); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return gazette.ErrNotFound
		}
		return err
	}
	if err := s.syncDir(path.Dir(name)); err != nil {
		return err
	}
	// Prune the directories the object leaves empty, so that its prefix can
	// become a key again. rmdir(2) removes only empty directories, so this
	// never races a writer into losing data: a writer whose directory
	// vanishes recreates it and retries.
	for dir := path.Dir(name); dir != objectsDir; dir = path.Dir(dir) {
		if err := s.rmdir(dir); err != nil {
			break
		}
	}
	return nil
}

// Ping reports whether the store's directory is still the one opened, a
// temporary file can be created in it and its disk is not full (less than
// minFree left: on Linux).
func (s *Store) Ping(ctx context.Context) error {
	if err := s.ping(ctx); err != nil {
		return fmt.Errorf("fsblobs: ping %q: %w", s.dir, err)
	}
	return nil
}

func (s *Store) ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	byPath, err := os.Stat(s.dir)
	if err != nil {
		return err
	}
	byRoot, err := s.root.Stat(".")
	if err != nil {
		return err
	}
	if !os.SameFile(byPath, byRoot) {
		return errors.New("the directory was moved or replaced since Open")
	}
	// An empty file can still be created on a full disk: the space left is
	// asked for.
	if free, ok := freeBytes(s.dir); ok && free < minFree {
		return fmt.Errorf("the disk is full: %d bytes left: %w", free, syscall.ENOSPC)
	}
	f, tmp, err := s.createTemp()
	if err != nil {
		return err
	}
	err = s.root.Remove(tmp)
	f.Close()
	return err
}

// minFree is the space below which Ping reports the disk full: less than
// a gazette's PDF, and too little for the search index beside the store
// to merge its segments.
const minFree = 1 << 20

// objectName returns the path, relative to the root, of the object at key,
// or an error wrapping gazette.ErrInvalid.
func objectName(key string) (string, error) {
	if err := gazette.CheckKey(key); err != nil {
		return "", err
	}
	name := objectsDir + "/" + key
	// Belt and braces: CheckKey guarantees this; make sure joining and
	// cleaning the path changed nothing and that it stays below objects/.
	joined := filepath.ToSlash(filepath.Join(objectsDir, filepath.FromSlash(key)))
	if joined != name || !filepath.IsLocal(joined) || !strings.HasPrefix(joined, objectsDir+"/") {
		return "", fmt.Errorf("object key %q: leaves the store: %w", key, gazette.ErrInvalid)
	}
	return name, nil
}

// lstatObject returns the entry at name, a path below objects/, without
// following symbolic links, or nil if there is none (also when a parent is
// missing or is a file). It fails with errSymlink if the entry or any
// directory on its path is a symbolic link: os.Root would follow those that
// stay inside the root, this store follows none.
func (s *Store) lstatObject(name string) (fs.FileInfo, error) {
	if fi, ok, err := s.lstatBeneath(name); ok {
		return fi, err
	}
	// One Lstat for each directory on the way, each through os.Root.
	for i := 0; ; {
		j := strings.IndexByte(name[i:], '/')
		p := name
		if j >= 0 {
			p = name[:i+j]
		}
		fi, err := s.root.Lstat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
			return nil, nil
		case err != nil:
			return nil, err
		case fi.Mode()&fs.ModeSymlink != 0:
			return nil, fmt.Errorf("%s: %w", p, errSymlink)
		case j < 0:
			return fi, nil
		case !fi.IsDir():
			return nil, nil // a file where a directory would be: no such key
		}
		i += j + 1
	}
}

// mkdirParents creates the missing directories on the way to name and
// returns them. It fails with gazette.ErrExist if an object sits where a
// directory must be, and with errSymlink on a symbolic link.
func (s *Store) mkdirParents(name string) ([]string, error) {
	var made []string
	for i := len(objectsDir) + 1; ; {
		j := strings.IndexByte(name[i:], '/')
		if j < 0 {
			return made, nil
		}
		dir := name[:i+j]
		m, err := s.mkdir(dir)
		if err != nil {
			return made, err
		}
		if m {
			made = append(made, dir)
		}
		i += j + 1
	}
}

// mkdir makes sure dir is a directory, not a symbolic link, creating it if
// needed; it reports whether it created it.
func (s *Store) mkdir(dir string) (bool, error) {
	made := false
	for range maxCommitAttempts {
		fi, err := s.root.Lstat(dir)
		switch {
		case err == nil && fi.Mode()&fs.ModeSymlink != 0:
			return false, fmt.Errorf("%s: %w", dir, errSymlink)
		case err == nil && fi.IsDir():
			return made, nil
		case err == nil:
			return false, fmt.Errorf("%s is a file, not a directory (an object cannot hold others): %w", dir, gazette.ErrExist)
		case !errors.Is(err, fs.ErrNotExist):
			return false, err
		}
		err = s.root.Mkdir(dir, dirPerm)
		if err != nil && !errors.Is(err, fs.ErrExist) {
			return false, err
		}
		made = err == nil
		// Check again what is there now: ours, or a concurrent creator's.
	}
	return false, fmt.Errorf("%s keeps changing", dir)
}

// syncParents fsyncs the directory holding name, then the parents of the
// directories made for it, deepest first, so that the new entries survive a
// crash.
func (s *Store) syncParents(name string, made []string) error {
	dirs := []string{path.Dir(name)}
	for i := len(made) - 1; i >= 0; i-- {
		dirs = append(dirs, path.Dir(made[i]))
	}
	for _, d := range slices.Compact(dirs) {
		if err := s.syncDir(d); err != nil {
			return err
		}
	}
	return nil
}

// syncDir fsyncs a directory, making the entries created, renamed or removed
// in it durable.
func (s *Store) syncDir(dir string) error {
	d, err := s.root.OpenFile(dir, os.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) { // EINVAL: cannot sync directories
		return fmt.Errorf("fsync %s: %w", dir, err)
	}
	return nil
}

// copyBody copies from r to w until EOF, size+1 bytes at most, checking ctx
// between reads; it returns how many bytes it copied.
func copyBody(ctx context.Context, w io.Writer, r io.Reader, size int64) (int64, error) {
	limit := size + 1 // one more than size reveals a body that is too long
	if limit < 0 {
		limit = size
	}
	buf := make([]byte, min(max(limit, 512), 1<<20))
	var n int64
	for n < limit {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		m, rerr := r.Read(buf[:min(int64(len(buf)), limit-n)])
		if m > 0 {
			if _, err := w.Write(buf[:m]); err != nil {
				return n, err
			}
			n += int64(m)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return n, fmt.Errorf("read body: %w", rerr)
		}
	}
	return n, ctx.Err()
}

func immutable(fi fs.FileInfo) bool { return fi.Mode().Perm()&0o222 == 0 }

// etag is the ETag of the version fi describes: its inode number,
// modification time in nanoseconds and size, in hexadecimal. It costs one
// stat, never a read of the content (a SHA-256 would need a full read, or a
// second file that cannot be renamed atomically together with the object).
// Every write creates a new file and renames or links it into place, so a new
// version is a new inode; inode numbers can be reused, but Put gives each new
// version of a key a later modification time than the one it replaces (see
// laterThan), so no two versions of a key share an ETag.
func etag(fi fs.FileInfo) string {
	var ino uint64
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		ino = uint64(st.Ino)
	}
	return etagOf(ino, fi.ModTime(), fi.Size())
}

func etagOf(ino uint64, modified time.Time, size int64) string {
	return strconv.FormatUint(ino, 16) + "-" + strconv.FormatInt(modified.UnixNano(), 16) + "-" + strconv.FormatInt(size, 16)
}

func objectInfo(key string, fi fs.FileInfo) gazette.ObjectInfo {
	return gazette.ObjectInfo{Key: key, Size: fi.Size(), ETag: etag(fi), Modified: fi.ModTime()}
}
