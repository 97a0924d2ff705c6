// Package searcheval measures search: relevance over real material (the
// STARD questions against the laws corpus, and a hand-written set of
// gazette-style queries over a generated gazette) and speed (indexing rate,
// index size, search latency under concurrent clients).
//
// It runs everything through archive.Index and archive.Search, so that every
// backend is measured the same way; the caller opens the index. It imports
// archive, gazette and the standard library only, never an adapter
// (bleveindex, meiliindex): tests inject one.
package searcheval
