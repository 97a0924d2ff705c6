// Package bleveindex is the default search index of the archive: bleve v2
// (scorch) in a local directory, in process, so that the archive runs with
// nothing installed but Go. Index implements archive.Index; meiliindex is
// the same contract on Meilisearch.
//
// Chinese is segmented without a dictionary (analysis.go): every CJK
// character is indexed at its own position as the bigram with the next
// character, plus its unigram where it starts or ends a run, and once per
// document, without position, in a companion field. A query term is the
// phrase of its bigrams, so it matches inside longer words (处理 in 待处理)
// but only as adjacent characters in order; a lone character is looked up
// in the companion fields; quoted phrases are phrases of the same units.
// Latin words and numbers are single tokens. Document and query text are
// both folded as gazette.FoldSearchText folds them.
//
// Queries are built term by term in code: filters are exact term,
// numeric-range and conjunction queries, so no query syntax of bleve is
// ever parsed and user input cannot become syntax. Relevance is bleve's
// tf-idf with the title boosted well above the body.
//
// For speed, a search does not use bleve's collector: phrases run on a
// leaner searcher (phrase.go), and each hit is read from one packed
// doc-values field for sorting and facets (meta.go), so that facets over
// all hits stay cheap. Recent results are cached until the next write.
//
// Writes are bleve batches, built in parallel: when Put or Delete returns,
// the change is on disk and visible to every later call. One process opens
// a directory at a time (bleve locks it).
//
// It imports gazette, bleve and the standard library only; it never imports
// archive (its tests do, to run the shared contract suite).
package bleveindex
