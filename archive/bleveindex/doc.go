// Package bleveindex is the default search index of the archive: bleve v2
// (scorch) in a local directory, in process, so that the archive runs with
// nothing installed but Go. Index implements archive.Index; meiliindex is
// the same contract on Meilisearch.
//
// Chinese is segmented without a dictionary: every CJK character is indexed
// as its unigram and as the bigram with the next character, at its own
// position, and a query term is matched as the phrase of its bigrams, so a
// term matches inside longer words (处理 in 待处理) while quoted phrases
// match only adjacent text. Latin words and numbers are single tokens.
// Document and query text are both folded with gazette.FoldSearchText. See
// analysis.go for the details.
//
// Filters are exact term, numeric-range and document-ID queries built in
// code; no query-string syntax of bleve is ever parsed, so user input cannot
// become syntax.
//
// Writes are bleve batches: when Put or Delete returns, the change is on
// disk and visible to every later search. One process opens a directory at
// a time (bleve holds a lock on it).
//
// It imports gazette, bleve and the standard library only; it never imports
// archive (its tests do, to run the shared contract suite).
package bleveindex
