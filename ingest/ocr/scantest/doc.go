// Package scantest makes test material for OCR: a PDF whose text is set in a
// standard Chinese font, that PDF rendered to a grey image by pdftoppm, the
// image degraded like a real scan (rotation, noise), and the image wrapped
// into an image-only PDF, as a scanner would write it. Tests and
// evaluations only; it needs pdftoppm and a CJK font that poppler can
// substitute for the non-embedded STSong-Light (fonts-noto-cjk).
//
// It imports only the standard library; nothing outside tests may import it.
package scantest
