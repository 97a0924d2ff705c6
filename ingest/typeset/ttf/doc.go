// Package ttf loads a TrueType (glyf) font from a .ttf or .ttc file and
// writes subsets of it for embedding in a PDF as a CIDFontType2 FontFile2.
//
// It reads the table directory itself, because real CJK collections
// (AR PL UMing) have tables that golang.org/x/image/font/sfnt refuses
// (offsets not on four-byte boundaries): Load copies the tables into an
// aligned font and hands that to sfnt for cmap and metrics. It imports
// nothing of the project.
package ttf
