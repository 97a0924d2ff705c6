package pdftext

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"

	"github.com/gazette-archive/gazette/ingest/garble"
	"github.com/gazette-archive/gazette/ingest/page"
	"github.com/ledongthuc/pdf"
)

// Options bounds the work done on one file. The zero value uses the defaults.
type Options struct {
	// MaxPages is the page budget: of a file with more pages only the first
	// MaxPages are read, and Doc.Truncated says so. 0 means 20,000.
	MaxPages int
	// MaxTreeNodes bounds the nodes visited in the page tree. 0 means
	// 4 × MaxPages + 1,000.
	MaxTreeNodes int
	// MaxOps bounds the content-stream operators interpreted per page,
	// forms included. 0 means 2,000,000.
	MaxOps int
	// NoScore leaves the text unjudged: Confidence 0 and no garble note on
	// pages with text. For a caller that scores every page itself
	// (ingest/extract does), so the text is not scored twice.
	NoScore bool
}

func (o Options) withDefaults() Options {
	if o.MaxPages <= 0 {
		o.MaxPages = 20000
	}
	if o.MaxTreeNodes <= 0 {
		o.MaxTreeNodes = 4*o.MaxPages + 1000
	}
	if o.MaxOps <= 0 {
		o.MaxOps = 2000000
	}
	return o
}

// Errors returned by Open.
var (
	// ErrBadPageTree means the page tree is cyclic, too deep, too large or
	// missing.
	ErrBadPageTree = errors.New("pdftext: bad page tree")
)

// maxTreeDepth bounds the nesting of the page tree; real files use a
// handful of levels.
const maxTreeDepth = 64

// Doc is an opened PDF whose page list has been read. A Doc is not safe for
// concurrent use: it caches decoded fonts between pages.
type Doc struct {
	r     *pdf.Reader
	pages []pageRef
	// truncated is set when the page budget stopped the walk.
	truncated bool
	opts      Options
	fonts     map[objKey]*font
	rc4       *rc4Fix // nil unless the file uses short-key RC4
	// plain FlateDecode streams are read from ra and inflated by zr, one
	// zlib reader for the file (see flate); plain is false for an
	// encrypted file or a library whose internals are not as expected
	ra        io.ReaderAt
	plain     bool
	raw       []byte
	rawReader bytes.Reader
	zr        io.ReadCloser
	// buffers reused from page to page, so a long file decodes without
	// per-page growth
	glyphs      []glyph
	placed, row []placed
	buf         []byte
}

// pageRef is a leaf of the page tree with its inherited attributes.
type pageRef struct {
	dict      pdf.Value
	resources pdf.Value
	mediaBox  [4]float64
	rotate    int
}

// Open reads the cross-reference table and walks the page tree of the PDF in
// ra once. Encrypted files with an empty user password are opened.
func Open(ctx context.Context, ra io.ReaderAt, size int64, opts Options) (d *Doc, err error) {
	opts = opts.withDefaults()
	defer func() {
		if p := recover(); p != nil {
			d, err = nil, fmt.Errorf("pdftext: open: %v", p)
		}
	}()
	if err := preflight(ra, size); err != nil {
		return nil, err
	}
	r, err := pdf.NewReaderEncrypted(ra, size, func() string { return "" })
	if err != nil {
		return nil, fmt.Errorf("pdftext: open: %w", err)
	}
	d = &Doc{r: r, opts: opts, fonts: map[objKey]*font{}, rc4: newRC4Fix(r, ra), ra: ra, plain: unencrypted(r)}
	if err := d.walk(ctx); err != nil {
		return nil, err
	}
	return d, nil
}

// NumPages returns the number of pages found in the page tree, at most the
// page budget.
func (d *Doc) NumPages() int { return len(d.pages) }

// Truncated reports whether the file has more pages than the budget let
// the walk collect.
func (d *Doc) Truncated() bool { return d.truncated }

// walk collects the leaves of the page tree from /Root /Pages.
func (d *Doc) walk(ctx context.Context) error {
	root := d.r.Trailer().Key("Root").Key("Pages")
	if root.Kind() != pdf.Dict {
		return fmt.Errorf("%w: no /Root /Pages dictionary", ErrBadPageTree)
	}
	type frame struct {
		node      pdf.Value
		depth     int
		resources pdf.Value
		mediaBox  [4]float64
		rotate    int
		parent    objKey
	}
	visited := map[objKey]bool{}
	nodes := 0
	stack := []frame{{node: root, mediaBox: [4]float64{0, 0, 612, 792}}}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		nodes++
		if nodes > d.opts.MaxTreeNodes {
			return fmt.Errorf("%w: more than %d nodes", ErrBadPageTree, d.opts.MaxTreeNodes)
		}
		if nodes%256 == 0 && ctx.Err() != nil {
			return fmt.Errorf("pdftext: walk page tree: %w", ctx.Err())
		}
		if f.depth > maxTreeDepth {
			return fmt.Errorf("%w: deeper than %d levels", ErrBadPageTree, maxTreeDepth)
		}
		// A direct (non-reference) kid carries its parent's object number;
		// only a reference can close a cycle.
		if k, ok := keyOf(f.node); ok && (f.depth == 0 || k != f.parent) {
			if visited[k] {
				return fmt.Errorf("%w: object %d is reached twice (cycle or shared node)", ErrBadPageTree, k.id)
			}
			visited[k] = true
		}
		if r := f.node.Key("Resources"); r.Kind() == pdf.Dict {
			f.resources = r
		}
		if mb, ok := rect(f.node.Key("MediaBox")); ok {
			f.mediaBox = mb
		}
		if rot := f.node.Key("Rotate"); rot.Kind() == pdf.Integer || rot.Kind() == pdf.Real {
			f.rotate = ((int(rot.Float64())%360 + 360) % 360) / 90 * 90
		}
		kids := f.node.Key("Kids")
		if f.node.Key("Type").Name() == "Page" || kids.Kind() != pdf.Array {
			if f.node.Key("Type").Name() != "Page" && f.node.Key("Contents").IsNull() {
				continue // an empty intermediate node
			}
			if len(d.pages) >= d.opts.MaxPages {
				d.truncated = true
				return nil
			}
			d.pages = append(d.pages, pageRef{dict: f.node, resources: f.resources, mediaBox: f.mediaBox, rotate: f.rotate})
			continue
		}
		// Push kids in reverse so they pop in document order.
		for i := kids.Len() - 1; i >= 0; i-- {
			kid := kids.Index(i)
			if kid.Kind() != pdf.Dict {
				continue
			}
			pk, _ := keyOf(f.node)
			stack = append(stack, frame{node: kid, depth: f.depth + 1, resources: f.resources, mediaBox: f.mediaBox, rotate: f.rotate, parent: pk})
		}
		if len(stack) > d.opts.MaxTreeNodes {
			return fmt.Errorf("%w: more than %d pending nodes", ErrBadPageTree, d.opts.MaxTreeNodes)
		}
	}
	if len(d.pages) == 0 {
		return fmt.Errorf("%w: no pages", ErrBadPageTree)
	}
	return nil
}

// Page decodes page i (1-based). It never panics: a page whose decoding
// fails comes back with Extractor page.None and the reason in Note. It
// returns an error only when ctx is done or i is out of range.
func (d *Doc) Page(ctx context.Context, i int) (page.Page, error) {
	if i < 1 || i > len(d.pages) {
		return page.Page{}, fmt.Errorf("pdftext: page %d of %d: out of range", i, len(d.pages))
	}
	if err := ctx.Err(); err != nil {
		return page.Page{}, fmt.Errorf("pdftext: page %d: %w", i, err)
	}
	ref := d.pages[i-1]
	p := page.Page{Number: i, Extractor: page.Text}
	lines, rot, err := d.decodePage(ctx, ref)
	// Coordinates are in the frame where the text reads upright.
	p.Width, p.Height = ref.mediaBox[2]-ref.mediaBox[0], ref.mediaBox[3]-ref.mediaBox[1]
	if rot == 90 || rot == 270 {
		p.Width, p.Height = p.Height, p.Width
	}
	if err != nil {
		if ctx.Err() != nil {
			return page.Page{}, fmt.Errorf("pdftext: page %d: %w", i, ctx.Err())
		}
		p.Extractor = page.None
		p.Note = fmt.Sprintf("pdftext: %v", err)
		if len(lines) == 0 {
			return p, nil
		}
		// Keep what was decoded before the failure, flagged.
		p.Extractor = page.Text
	}
	p.Lines = lines
	text := p.PlainText()
	if text == "" {
		p.Extractor = page.None
		if p.Note == "" {
			p.Note = "no text layer (a scan or drawing?)"
		}
		return p, nil
	}
	if d.opts.NoScore {
		return p, nil
	}
	s := garble.Of(text)
	if s.Garbled {
		p.Confidence = 1 - s.Confidence
		p.Note = joinNote(p.Note, s.Reason)
	} else {
		p.Confidence = s.Confidence
	}
	return p, nil
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// Pages decodes the pages in order and hands each to fn, so a caller can
// process a long file with flat memory. It stops at the first error fn
// returns, or when ctx is done, and returns that error.
func (d *Doc) Pages(ctx context.Context, fn func(page.Page) error) error {
	for i := 1; i <= len(d.pages); i++ {
		p, err := d.Page(ctx, i)
		if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

// Extract opens the PDF in ra and returns all its pages.
func Extract(ctx context.Context, ra io.ReaderAt, size int64, opts Options) ([]page.Page, error) {
	d, err := Open(ctx, ra, size, opts)
	if err != nil {
		return nil, err
	}
	pages := make([]page.Page, 0, d.NumPages())
	err = d.Pages(ctx, func(p page.Page) error {
		pages = append(pages, p)
		return nil
	})
	return pages, err
}

// ExtractFile is Extract on a file by name.
func ExtractFile(ctx context.Context, name string, opts Options) ([]page.Page, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("pdftext: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("pdftext: %w", err)
	}
	return Extract(ctx, f, st.Size(), opts)
}

// decodePage interprets one page, recovering any panic from the PDF library
// or from hostile content as an error.
func (d *Doc) decodePage(ctx context.Context, ref pageRef) (lines []page.Line, rot int, err error) {
	in := newInterp(ctx, d, ref)
	defer func() {
		d.glyphs, d.placed, d.row, d.buf = in.glyphs[:0], in.placed[:0], in.row[:0], in.buf[:0]
	}()
	defer func() {
		if p := recover(); p != nil {
			if e, ok := p.(abort); ok {
				err = e.err
			} else {
				err = fmt.Errorf("decode failed: %v", p)
			}
			lines, rot = in.lines(), in.rot
		}
	}()
	contents := ref.dict.Key("Contents")
	in.run(contents, ref.resources, 0)
	if in.decideTrapFonts() {
		in.run(contents, ref.resources, 0)
	}
	lines = in.lines()
	return lines, in.rot, in.warn
}

// unencrypted reports whether the library holds no decryption key for r,
// read from its unexported field; false when the field is not there.
func unencrypted(r *pdf.Reader) bool {
	f := reflect.ValueOf(r).Elem().FieldByName("key")
	return f.IsValid() && f.Kind() == reflect.Slice && f.Len() == 0
}

// objKey identifies an indirect object.
type objKey struct {
	id  uint32
	gen uint16
}

// keyOf returns the indirect object v was loaded from. ledongthuc/pdf keeps
// it in an unexported field and re-parses objects on every access, so the
// object number is the only stable identity; ok is false if the field is
// not there (a changed library) and callers then go without identity.
func keyOf(v pdf.Value) (objKey, bool) {
	rv := reflect.ValueOf(v)
	f := rv.FieldByName("ptr")
	if !f.IsValid() || f.Kind() != reflect.Struct || f.NumField() < 2 {
		return objKey{}, false
	}
	id, gen := f.Field(0), f.Field(1)
	if !id.CanUint() || !gen.CanUint() {
		return objKey{}, false
	}
	k := objKey{uint32(id.Uint()), uint16(gen.Uint())}
	return k, k.id != 0
}

// rect reads a PDF rectangle, normalised so x0 < x1 and y0 < y1.
func rect(v pdf.Value) ([4]float64, bool) {
	if v.Kind() != pdf.Array || v.Len() != 4 {
		return [4]float64{}, false
	}
	var r [4]float64
	for i := range r {
		r[i] = v.Index(i).Float64()
	}
	if r[0] > r[2] {
		r[0], r[2] = r[2], r[0]
	}
	if r[1] > r[3] {
		r[1], r[3] = r[3], r[1]
	}
	if r[2]-r[0] < 1 || r[3]-r[1] < 1 {
		return [4]float64{}, false
	}
	return r, true
}
