package typeset

import (
	"fmt"
	"os"

	"github.com/gazette-archive/gazette/ingest/typeset/ttf"
)

// Encoding is how the text of an issue is encoded in its PDF.
type Encoding string

// The encodings Generate can write.
const (
	// IdentityH is the modern form: a Type0 font with Identity-H, an
	// embedded TrueType CIDFontType2 subset and a ToUnicode CMap.
	IdentityH Encoding = "identity-h"
	// GBKEUC is the predefined CMap GBK-EUC-H over STSong-Light (Adobe-GB1),
	// not embedded: strings carry GBK bytes.
	GBKEUC Encoding = "gbk-euc-h"
	// WinAnsiGBK is the GBK-era trap: a simple TrueType font named SimSun
	// (or 宋体, 仿宋_GB2312, ...) declaring WinAnsiEncoding, not embedded,
	// whose strings carry GBK double bytes.
	WinAnsiGBK Encoding = "winansi-gbk"
	// IdentityHNoToUnicode is a Type0 Identity-H font over Adobe-GB1 CIDs,
	// not embedded, without a ToUnicode CMap.
	IdentityHNoToUnicode Encoding = "identity-h-no-tounicode"
	// Scan is image-only pages (the IdentityH issue rendered with poppler's
	// pdftoppm, degraded like a scan), with no text layer.
	Scan Encoding = "scan"
)

// Encodings lists every encoding.
var Encodings = []Encoding{IdentityH, GBKEUC, WinAnsiGBK, IdentityHNoToUnicode, Scan}

// Options says what to generate. The zero value of every field but Source
// has a sensible default; everything not fixed here is drawn from Seed.
type Options struct {
	// Seed determines everything: the same Options give the same bytes.
	Seed uint64
	// Source supplies the texts; nil means Builtin.
	Source Source
	// Encoding of the text; "" means IdentityH.
	Encoding Encoding
	// Documents is the number of documents; 0 means a random 10–30.
	Documents int
	// MinPages, when set, adds documents until the issue has at least this
	// many pages (for benchmarks: 1,000-page files).
	MinPages int
	// FakeBold draws titles twice, 0.3 pt apart, as Word and WPS do for
	// bold without a bold font.
	FakeBold bool
	// NewPagePerDoc starts every document on a new page; otherwise a
	// document continues on the same page after a gap when there is room.
	NewPagePerDoc bool
	// Fonts locates the TrueType font for IdentityH (and the scans rendered
	// from it); nil means DefaultFonts. Load it once with LoadFont and share
	// it between calls.
	Font *ttf.Font
	// GB1Path is poppler-data's cidToUnicode/Adobe-GB1 file, needed by
	// IdentityHNoToUnicode; "" means DefaultGB1Path.
	GB1Path string
	// ScanDPI is the resolution scans are rendered at; 0 means 200.
	ScanDPI int
}

// DefaultGB1Path is where Debian's poppler-data keeps the Adobe-GB1 CID to
// Unicode table.
const DefaultGB1Path = "/usr/share/poppler/cidToUnicode/Adobe-GB1"

// FontCandidates are the TrueType (glyf) CJK fonts LoadFont tries, in
// order, with the Debian package that installs each. Song (Ming) faces
// come first: gazettes are set in 宋体 and 仿宋.
var FontCandidates = []struct {
	Path, Package string
	Index         int
}{
	{"/usr/share/fonts/truetype/arphic/uming.ttc", "fonts-arphic-uming", 0},
	{"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "fonts-wqy-zenhei", 0},
	{"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", "fonts-droid-fallback", 0},
}

// ErrNoFont is returned by LoadFont when no candidate font is installed.
var ErrNoFont = fmt.Errorf("typeset: no TrueType CJK font installed (apt-get install fonts-arphic-uming)")

// LoadFont loads the first installed font of FontCandidates.
func LoadFont() (*ttf.Font, error) {
	for _, c := range FontCandidates {
		if _, err := os.Stat(c.Path); err != nil {
			continue
		}
		f, err := ttf.Load(c.Path, c.Index)
		if err != nil {
			return nil, fmt.Errorf("typeset: %w", err)
		}
		return f, nil
	}
	return nil, ErrNoFont
}

func (o Options) withDefaults() (Options, error) {
	if o.Source == nil {
		o.Source = Builtin()
	}
	if o.Encoding == "" {
		o.Encoding = IdentityH
	}
	known := false
	for _, e := range Encodings {
		known = known || e == o.Encoding
	}
	if !known {
		return o, fmt.Errorf("typeset: unknown encoding %q", o.Encoding)
	}
	if o.Documents < 0 || o.Documents > 10000 {
		return o, fmt.Errorf("typeset: documents %d outside 0–10000", o.Documents)
	}
	if o.MinPages < 0 || o.MinPages > 100000 {
		return o, fmt.Errorf("typeset: min pages %d outside 0–100000", o.MinPages)
	}
	if o.GB1Path == "" {
		o.GB1Path = DefaultGB1Path
	}
	if o.ScanDPI == 0 {
		o.ScanDPI = 200
	}
	if o.ScanDPI < 50 || o.ScanDPI > 600 {
		return o, fmt.Errorf("typeset: scan dpi %d outside 50–600", o.ScanDPI)
	}
	return o, nil
}
