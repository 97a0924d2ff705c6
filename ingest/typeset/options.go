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

// Form is what Write typesets.
type Form string

// The forms Write can typeset.
const (
	// FormIssue is a whole gazette issue: cover, 目录, 10–30 documents.
	FormIssue Form = "issue"
	// FormOriginal is one agency's original under GB/T 9704-2012 (红头文件):
	// the red 版头, the 主体 with the red seal over the signature, the 版记,
	// attachments; or a decree (令). One document, no cover.
	FormOriginal Form = "original"
)

// ScanMode is how the image of a scanned page is stored.
type ScanMode string

// The scan modes.
const (
	// ScanGrey is an 8-bit greyscale JPEG (the default).
	ScanGrey ScanMode = "grey"
	// ScanColour is an RGB JPEG: red headings and seals stay red.
	ScanColour ScanMode = "colour"
	// ScanBilevel is thresholded to black and white and stored 1 bit a
	// pixel, CCITT Group 4 compressed, as fax-era office scanners do.
	ScanBilevel ScanMode = "1-bit"
	// ScanMixed is colour for pages with red ink and 1-bit for the others,
	// as office scanners that detect colour store them.
	ScanMixed ScanMode = "mixed"
)

// ScanStyle says how scanned pages are degraded. The zero value is the
// default: grey, tilted up to 1.5° either way, blurred, with sensor noise
// and a few specks.
type ScanStyle struct {
	Mode ScanMode `json:"mode,omitempty"` // "" means ScanGrey
	// Rotate is the /Rotate of every page: 0, 90, 180 or 270. The image is
	// stored turned the other way, so that the page shows upright where
	// /Rotate is honoured and on its side where it is not.
	Rotate int `json:"rotate,omitempty"`
	// Skew is the largest tilt in degrees, either way; 0 means 1.5.
	Skew float64 `json:"skew,omitempty"`
	// Speckle adds the dirt of a used platen: hundreds of specks, a few
	// blots and a dark band along one edge.
	Speckle bool `json:"speckle,omitempty"`
	// BleedThrough shows the back of the sheet (the next page) faintly and
	// mirrored, as on thin paper.
	BleedThrough bool `json:"bleed_through,omitempty"`
}

func (s ScanStyle) check() error {
	switch s.Mode {
	case "", ScanGrey, ScanColour, ScanBilevel, ScanMixed:
	default:
		return fmt.Errorf("typeset: unknown scan mode %q", s.Mode)
	}
	switch {
	case s.Rotate != 0 && s.Rotate != 90 && s.Rotate != 180 && s.Rotate != 270:
		return fmt.Errorf("typeset: scan rotation %d, want 0, 90, 180 or 270", s.Rotate)
	case s.Skew < 0 || s.Skew > 10:
		return fmt.Errorf("typeset: scan skew %v° outside 0–10", s.Skew)
	}
	return nil
}

// Options says what to generate. The zero value of every field but Source
// has a sensible default; everything not fixed here is drawn from Seed.
type Options struct {
	// Seed determines everything: the same Options give the same bytes.
	Seed uint64
	// Form is an issue or a single original; "" means FormIssue. For
	// FormOriginal, Documents, MinPages and NewPagePerDoc do not apply.
	Form Form
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
	// LatinFont is the Latin TrueType face embedded for the digits and
	// Latin letters of originals set in the Word manner; nil means
	// LoadLatinFont, on each call that needs it.
	LatinFont *ttf.Font
	// GB1Path is poppler-data's cidToUnicode/Adobe-GB1 file, needed by
	// IdentityHNoToUnicode; "" means DefaultGB1Path.
	GB1Path string
	// ScanDPI is the resolution scans are rendered at; 0 means 200.
	ScanDPI int
	// Scan is how scans are degraded and stored.
	Scan ScanStyle
}

// DefaultGB1Path is where Debian's poppler-data keeps the Adobe-GB1 CID to
// Unicode table.
const DefaultGB1Path = "/usr/share/poppler/cidToUnicode/Adobe-GB1"

// FontFile is a font installed by a Debian package: the font at Index in
// the file at Path (0 for a .ttf).
type FontFile struct {
	Path, Package string
	Index         int
}

// FontCandidates are the TrueType (glyf) CJK fonts LoadFont tries, in
// order, with the Debian package that installs each. Song (Ming) faces
// come first: gazettes are set in 宋体 and 仿宋.
var FontCandidates = []FontFile{
	{"/usr/share/fonts/truetype/arphic/uming.ttc", "fonts-arphic-uming", 0},
	{"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "fonts-wqy-zenhei", 0},
	{"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", "fonts-droid-fallback", 0},
}

// ErrNoFont is returned by LoadFont when no candidate font is installed.
var ErrNoFont = fmt.Errorf("typeset: no TrueType CJK font installed (apt-get install fonts-arphic-uming)")

// LoadFont loads the first installed font of FontCandidates.
func LoadFont() (*ttf.Font, error) { return loadFirst(FontCandidates, ErrNoFont) }

// LatinFontCandidates are the Latin TrueType faces LoadLatinFont tries, in
// order, with the Debian package that installs each. Word processors set
// digits and Latin letters of Chinese documents in Times New Roman and
// embed it; Liberation Serif has its metrics and a plain 0, where the face
// a renderer substitutes for a font not embedded may draw a 0 with a dot,
// which OCR reads as 6 or 9.
var LatinFontCandidates = []FontFile{
	{"/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf", "fonts-liberation", 0},
	{"/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf", "fonts-liberation2", 0},
}

// ErrNoLatinFont is returned by LoadLatinFont when no candidate is installed.
var ErrNoLatinFont = fmt.Errorf("typeset: no Latin TrueType font for originals set in the Word manner (apt-get install fonts-liberation)")

// LoadLatinFont loads the first installed font of LatinFontCandidates.
func LoadLatinFont() (*ttf.Font, error) { return loadFirst(LatinFontCandidates, ErrNoLatinFont) }

func loadFirst(cands []FontFile, none error) (*ttf.Font, error) {
	for _, c := range cands {
		if _, err := os.Stat(c.Path); err != nil {
			continue
		}
		f, err := ttf.Load(c.Path, c.Index)
		if err != nil {
			return nil, fmt.Errorf("typeset: %w", err)
		}
		return f, nil
	}
	return nil, none
}

func (o Options) withDefaults() (Options, error) {
	if o.Source == nil {
		o.Source = Builtin()
	}
	if o.Encoding == "" {
		o.Encoding = IdentityH
	}
	switch o.Form {
	case "":
		o.Form = FormIssue
	case FormIssue, FormOriginal:
	default:
		return o, fmt.Errorf("typeset: unknown form %q", o.Form)
	}
	if err := o.Scan.check(); err != nil {
		return o, err
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
