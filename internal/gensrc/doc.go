// Package gensrc is what the project's table generators share (go generate
// in ingest/garble and ingest/pdftext): a string of runes written as a Go
// constant in lines of 64, and the gofmt-ed file written out. It imports
// the standard library only; only generators import it.
package gensrc
