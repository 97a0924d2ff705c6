package preserve

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
)

// segment is a stretch of a tar stream: bytes made in memory (headers,
// padding, tag files) or one stored object.
type segment struct {
	off, size int64
	data      []byte
	file      *File // a stored object
}

// Tarball is a bag as a tar stream whose layout (every header, every
// offset, the total size) is computed from the files' sizes before any
// payload is read, so that it can be served with Range and resumed. It
// reads each stored object only when its bytes are reached, so a bag of
// any size is never held in memory; an object read whole from its start
// is checked against its SHA-256 on the way, and a mismatch ends the
// stream with gazette.ErrCorrupt. It implements io.ReadSeekCloser; it is
// not safe for concurrent use.
type Tarball struct {
	ctx   context.Context
	blobs archive.Blobs
	segs  []segment
	size  int64
	pos   int64

	cur    io.ReadSeekCloser // the object being read
	curSeg int
	curPos int64 // where cur stands, relative to its segment
	// h hashes the current object while it is read in order from its
	// start; nil once a seek made that impossible.
	h    hash.Hash
	hPos int64
}

// tarBlock is the tar block size.
const tarBlock = 512

// NewTarball lays out bag as a tar stream over blobs. ctx bounds the
// reads. Errors: gazette.ErrInvalid (a path tar cannot hold).
func NewTarball(ctx context.Context, blobs archive.Blobs, bag *Bag) (*Tarball, error) {
	t := &Tarball{ctx: ctx, blobs: blobs, curSeg: -1}
	add := func(s segment) {
		s.off = t.size
		t.segs = append(t.segs, s)
		t.size += s.size
	}
	dirs := map[string]bool{}
	var dirHeaders func(p string) error
	dirHeaders = func(p string) error {
		if p == "." || p == "" || dirs[p] {
			return nil
		}
		if i := lastSlash(p); i > 0 {
			if err := dirHeaders(p[:i]); err != nil {
				return err
			}
		}
		dirs[p] = true
		hdr, err := header(&tar.Header{Typeflag: tar.TypeDir, Name: bag.Name + "/" + p + "/", Mode: 0o755, ModTime: bag.Modified})
		if err != nil {
			return err
		}
		add(segment{data: hdr, size: int64(len(hdr))})
		return nil
	}
	hdr, err := header(&tar.Header{Typeflag: tar.TypeDir, Name: bag.Name + "/", Mode: 0o755, ModTime: bag.Modified})
	if err != nil {
		return nil, err
	}
	add(segment{data: hdr, size: int64(len(hdr))})
	for i := range bag.Files {
		f := &bag.Files[i]
		if j := lastSlash(f.Path); j > 0 {
			if err := dirHeaders(f.Path[:j]); err != nil {
				return nil, err
			}
		}
		hdr, err := header(&tar.Header{Typeflag: tar.TypeReg, Name: bag.Name + "/" + f.Path, Mode: 0o644, Size: f.Size, ModTime: bag.Modified})
		if err != nil {
			return nil, err
		}
		add(segment{data: hdr, size: int64(len(hdr))})
		if f.Data != nil {
			add(segment{data: f.Data, size: f.Size})
		} else if f.Size > 0 {
			add(segment{file: f, size: f.Size})
		}
		if pad := (tarBlock - f.Size%tarBlock) % tarBlock; pad > 0 {
			add(segment{data: make([]byte, pad), size: pad})
		}
	}
	add(segment{data: make([]byte, 2*tarBlock), size: 2 * tarBlock})
	return t, nil
}

func lastSlash(p string) int {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return i
		}
	}
	return -1
}

// header encodes one tar header (PAX when a name needs it).
func header(h *tar.Header) ([]byte, error) {
	h.Uname, h.Gname = "gazette", "gazette"
	h.ModTime = h.ModTime.UTC().Truncate(1e9)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(h); err != nil {
		return nil, fmt.Errorf("preserve: tar header %q: %v: %w", h.Name, err, gazette.ErrInvalid)
	}
	// The writer is not closed: it would pad for the content, which the
	// stream supplies itself.
	return buf.Bytes(), nil
}

// Size is the length of the tar stream.
func (t *Tarball) Size() int64 { return t.size }

// Seek implements io.Seeker.
func (t *Tarball) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += t.pos
	case io.SeekEnd:
		offset += t.size
	default:
		return t.pos, fmt.Errorf("preserve: seek: whence %d: %w", whence, gazette.ErrInvalid)
	}
	if offset < 0 {
		return t.pos, fmt.Errorf("preserve: seek to %d: %w", offset, gazette.ErrInvalid)
	}
	t.pos = offset
	return offset, nil
}

// Read implements io.Reader.
func (t *Tarball) Read(p []byte) (int, error) {
	if t.pos >= t.size {
		return 0, io.EOF
	}
	i := t.find(t.pos)
	s := t.segs[i]
	rel := t.pos - s.off
	n := int(min(int64(len(p)), s.size-rel))
	if s.file == nil {
		copy(p[:n], s.data[rel:])
		t.pos += int64(n)
		return n, nil
	}
	n, err := t.readObject(i, rel, p[:n])
	t.pos += int64(n)
	return n, err
}

// find is the index of the segment holding offset pos.
func (t *Tarball) find(pos int64) int {
	lo, hi := 0, len(t.segs)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if t.segs[mid].off <= pos {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// readObject reads p from the stored object of segment i at rel.
func (t *Tarball) readObject(i int, rel int64, p []byte) (int, error) {
	s := t.segs[i]
	if t.curSeg != i {
		t.closeCur()
		r, info, err := t.blobs.Open(t.ctx, s.file.Key)
		if err != nil {
			return 0, fmt.Errorf("preserve: %s: %w", s.file.Path, err)
		}
		if info.Size != s.file.Size {
			r.Close()
			return 0, fmt.Errorf("preserve: %s: storage holds %d bytes, the bag says %d: %w", s.file.Path, info.Size, s.file.Size, gazette.ErrCorrupt)
		}
		t.cur, t.curSeg, t.curPos = r, i, 0
		t.h, t.hPos = nil, 0
		if rel == 0 {
			t.h = sha256.New()
		}
	}
	if t.curPos != rel {
		if _, err := t.cur.Seek(rel, io.SeekStart); err != nil {
			return 0, fmt.Errorf("preserve: %s: %w", s.file.Path, err)
		}
		t.curPos = rel
	}
	n, err := io.ReadFull(t.cur, p)
	t.curPos += int64(n)
	if err != nil {
		return n, fmt.Errorf("preserve: %s: %w", s.file.Path, err)
	}
	if t.h != nil && t.hPos == rel {
		t.h.Write(p[:n])
		t.hPos += int64(n)
		if t.hPos == s.size && hex.EncodeToString(t.h.Sum(nil)) != s.file.SHA256 {
			return n, fmt.Errorf("preserve: %s (%s) does not match its SHA-256: damaged in storage: %w", s.file.Path, s.file.Key, gazette.ErrCorrupt)
		}
	} else {
		t.h = nil
	}
	return n, nil
}

func (t *Tarball) closeCur() {
	if t.cur != nil {
		t.cur.Close()
		t.cur, t.curSeg = nil, -1
	}
}

// Close closes the object being read, if any.
func (t *Tarball) Close() error {
	t.closeCur()
	return nil
}

// openFile opens the bytes of a bag's file.
func openFile(ctx context.Context, b archive.Blobs, f File) (io.ReadCloser, error) {
	if f.Data != nil {
		return io.NopCloser(bytes.NewReader(f.Data)), nil
	}
	r, info, err := b.Open(ctx, f.Key)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Path, err)
	}
	if info.Size != f.Size {
		r.Close()
		return nil, fmt.Errorf("%s: storage holds %d bytes, the bag says %d: %w", f.Path, info.Size, f.Size, gazette.ErrCorrupt)
	}
	return r, nil
}

// copyChecked copies the file's bytes from r to w and checks their size
// and SHA-256.
func copyChecked(w io.Writer, r io.Reader, f File) (int64, error) {
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), r)
	if err != nil {
		return n, fmt.Errorf("%s: %w", f.Path, err)
	}
	if n != f.Size || hex.EncodeToString(h.Sum(nil)) != f.SHA256 {
		return n, fmt.Errorf("%s (%s) does not match its SHA-256: damaged in storage: %w", f.Path, f.Key, gazette.ErrCorrupt)
	}
	return n, nil
}
