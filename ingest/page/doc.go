// Package page holds the text of one printed page as the ingest stages pass
// it along: positioned lines in reading order, and which extractor produced
// them with what confidence. It imports nothing of the project, so every
// stage (pdftext, ocr, layout, split, meta) can share it.
package page
