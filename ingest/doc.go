// Package ingest turns legacy gazette PDFs into issues and documents:
// extraction in a child process, encodings, OCR fallback, splitting and
// metadata. It is empty until that work lands (see the legacy PDF ingest
// issue); it imports gazette and declares the archive methods it calls.
package ingest
