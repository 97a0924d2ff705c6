package pdftext

import (
	"bytes"
	"compress/zlib"
	"crypto/md5"
	"crypto/rc4"
	"encoding/ascii85"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"reflect"

	"github.com/ledongthuc/pdf"
)

// maxStream bounds the decoded size of one content, CMap or font stream: a
// decompression bomb stops here with an error instead of filling memory.
const maxStream = 64 << 20

// errStreamTooLarge is returned for a stream that decodes past maxStream.
var errStreamTooLarge = errors.New("stream decodes to more than 64 MiB")

// readStream returns the decoded bytes of a stream, or of an array of
// streams joined by white space (a page's /Contents may be either).
func (d *Doc) readStream(v pdf.Value) ([]byte, error) {
	if v.Kind() == pdf.Array {
		var out []byte
		for i := 0; i < v.Len(); i++ {
			b, err := d.readStream(v.Index(i))
			if err != nil {
				return out, err
			}
			out = append(append(out, b...), '\n')
			if len(out) > maxStream {
				return out, errStreamTooLarge
			}
		}
		return out, nil
	}
	if v.Kind() != pdf.Stream {
		return nil, nil
	}
	var rd io.Reader
	if r, ok := d.flate(v); ok {
		rd = r
	} else if d.rc4 != nil {
		r, err := d.rc4.reader(d, v)
		if err != nil {
			return nil, err
		}
		rd = r
	} else {
		rc := v.Reader()
		defer rc.Close()
		rd = rc
	}
	b, err := io.ReadAll(io.LimitReader(rd, maxStream+1))
	if len(b) > maxStream {
		return b[:maxStream], errStreamTooLarge
	}
	if err != nil {
		// A truncated or damaged stream: keep what decoded.
		return b, fmt.Errorf("read stream: %w", err)
	}
	return b, nil
}

// maxRaw bounds the encoded bytes flate reads into memory at once; a
// longer stream takes the library's streaming path.
const maxRaw = 16 << 20

// flate returns a reader of a plain FlateDecode stream of an unencrypted
// file, inflated by one zlib reader reused for the whole file: the
// library allocates a new one (a 32 KB window and more) per stream, which
// was half of what decoding a page allocated. ok is false for anything
// else (other filters, predictors, encryption, a changed library, a bad
// zlib header), which the library then reads as before, errors included.
func (d *Doc) flate(v pdf.Value) (io.Reader, bool) {
	if !d.plain {
		return nil, false
	}
	if f := v.Key("Filter"); f.Kind() != pdf.Name || f.Name() != "FlateDecode" {
		return nil, false
	}
	if p := v.Key("DecodeParms"); p.Kind() != pdf.Null && p.Key("Predictor").Kind() != pdf.Null {
		return nil, false
	}
	n := v.Key("Length").Int64()
	if n <= 0 || n > maxRaw {
		return nil, false // the library's answer for an empty stream is its own
	}
	data := reflect.ValueOf(v).FieldByName("data")
	if !data.IsValid() || data.Kind() != reflect.Interface || data.IsNil() {
		return nil, false
	}
	off := data.Elem().FieldByName("offset")
	if !off.IsValid() || !off.CanInt() {
		return nil, false
	}
	if cap(d.raw) < int(n) {
		d.raw = make([]byte, n)
	}
	raw := d.raw[:n]
	// As the library's section reader: what is there, up to Length.
	k, _ := d.ra.ReadAt(raw, off.Int())
	d.rawReader.Reset(raw[:k])
	if d.zr == nil {
		zr, err := zlib.NewReader(&d.rawReader)
		if err != nil {
			return nil, false
		}
		d.zr = zr
	} else if err := d.zr.(zlib.Resetter).Reset(&d.rawReader, nil); err != nil {
		return nil, false
	}
	return d.zr, true
}

// rc4Fix decrypts files under RC4 with keys shorter than 88 bits (the
// 40-bit encryption of Acrobat 3–4 era files, common in legacy gazettes).
// ledongthuc/pdf derives the per-object key without truncating it to n+5
// bytes (PDF 32000-1 §7.6.2, algorithm 1), so it decrypts those files to
// garbage; this reads the raw stream and decrypts it correctly.
type rc4Fix struct {
	key []byte // the file key
	ra  io.ReaderAt
}

// newRC4Fix returns the workaround when r is encrypted with a short RC4
// key, nil otherwise or when the library's internals are not as expected.
func newRC4Fix(r *pdf.Reader, ra io.ReaderAt) *rc4Fix {
	enc := r.Trailer().Key("Encrypt")
	if enc.Kind() != pdf.Dict {
		return nil
	}
	v, bits := enc.Key("V").Int64(), enc.Key("Length").Int64()
	if bits == 0 {
		bits = 40
	}
	if !(v == 1 || v == 2 && bits < 88) {
		return nil
	}
	f := reflect.ValueOf(r).Elem().FieldByName("key")
	if !f.IsValid() || f.Kind() != reflect.Slice || f.Type().Elem().Kind() != reflect.Uint8 || f.Len() == 0 {
		return nil
	}
	return &rc4Fix{key: append([]byte(nil), f.Bytes()...), ra: ra}
}

// objectKey is the RC4 key of object (id, gen).
func (x *rc4Fix) objectKey(id uint32, gen uint16) []byte {
	h := md5.New()
	h.Write(x.key)
	h.Write([]byte{byte(id), byte(id >> 8), byte(id >> 16), byte(gen), byte(gen >> 8)})
	return h.Sum(nil)[:min(len(x.key)+5, 16)]
}

// wrongKey is the key the library used.
func (x *rc4Fix) wrongKey(id uint32, gen uint16) []byte {
	h := md5.New()
	h.Write(x.key)
	h.Write([]byte{byte(id), byte(id >> 8), byte(id >> 16), byte(gen), byte(gen >> 8)})
	return h.Sum(nil)
}

// fixString re-decrypts a string the library decrypted with the wrong key.
func (x *rc4Fix) fixString(v pdf.Value) string {
	s := v.RawString()
	k, ok := keyOf(v)
	if x == nil || !ok {
		return s
	}
	b := []byte(s)
	c, _ := rc4.NewCipher(x.wrongKey(k.id, k.gen))
	c.XORKeyStream(b, b)
	c, _ = rc4.NewCipher(x.objectKey(k.id, k.gen))
	c.XORKeyStream(b, b)
	return string(b)
}

// reader reads a stream's raw bytes, decrypts them and applies its filters.
func (x *rc4Fix) reader(d *Doc, v pdf.Value) (io.Reader, error) {
	data := reflect.ValueOf(v).FieldByName("data")
	if !data.IsValid() || data.IsNil() {
		return nil, errors.New("rc4: no stream data")
	}
	strm := data.Elem()
	if strm.Kind() != reflect.Struct {
		return nil, errors.New("rc4: not a stream")
	}
	off, ptr := strm.FieldByName("offset"), strm.FieldByName("ptr")
	if !off.IsValid() || !ptr.IsValid() || ptr.NumField() < 2 {
		return nil, errors.New("rc4: unexpected stream layout")
	}
	n := v.Key("Length").Int64()
	if n < 0 || n > maxStream {
		return nil, fmt.Errorf("rc4: stream length %d", n)
	}
	raw := make([]byte, n)
	if _, err := x.ra.ReadAt(raw, off.Int()); err != nil && err != io.EOF {
		return nil, fmt.Errorf("rc4: %w", err)
	}
	c, _ := rc4.NewCipher(x.objectKey(uint32(ptr.Field(0).Uint()), uint16(ptr.Field(1).Uint())))
	c.XORKeyStream(raw, raw)
	var rd io.Reader = bytes.NewReader(raw)
	filter := v.Key("Filter")
	var names []string
	switch filter.Kind() {
	case pdf.Name:
		names = []string{filter.Name()}
	case pdf.Array:
		for i := 0; i < filter.Len(); i++ {
			names = append(names, filter.Index(i).Name())
		}
	}
	for _, name := range names {
		switch name {
		case "FlateDecode", "Fl":
			zr, err := zlib.NewReader(rd)
			if err != nil {
				return nil, fmt.Errorf("rc4: flate: %w", err)
			}
			rd = zr
		case "ASCII85Decode", "A85":
			rd = ascii85.NewDecoder(&trimEOD{r: rd})
		case "ASCIIHexDecode", "AHx":
			rd = hex.NewDecoder(&hexClean{r: rd})
		default:
			return nil, fmt.Errorf("rc4: unsupported filter %s", name)
		}
	}
	return rd, nil
}

// trimEOD stops an ASCII85 stream at its ~> end marker.
type trimEOD struct {
	r    io.Reader
	done bool
}

func (t *trimEOD) Read(p []byte) (int, error) {
	if t.done {
		return 0, io.EOF
	}
	n, err := t.r.Read(p)
	if i := bytes.IndexByte(p[:n], '~'); i >= 0 {
		t.done = true
		return i, nil
	}
	return n, err
}

// hexClean drops white space and stops at > for hex.NewDecoder.
type hexClean struct {
	r    io.Reader
	done bool
}

func (h *hexClean) Read(p []byte) (int, error) {
	if h.done {
		return 0, io.EOF
	}
	n, err := h.r.Read(p)
	j := 0
	for _, c := range p[:n] {
		if c == '>' {
			h.done = true
			break
		}
		if unhex(c) >= 0 {
			p[j] = c
			j++
		}
	}
	return j, err
}
