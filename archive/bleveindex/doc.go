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
// in the companion fields; quoted phrases are phrases of the same units. A
// run of four or more CJK characters (a phrase, a long word) is looked up
// instead through the 4-grams that cover it, kept in a second companion
// field with positions: common phrases (第二十八条) then need few positions
// read, or none. Only the 4-grams of common bigrams are kept (the bigrams
// in 1% of the documents of the first Put into the index, recorded in
// it): a run with a rare bigram has few candidates to check position by
// position, and leaving its 4-grams out halves the cost of indexing.
// Latin words and numbers are single tokens. Tokens keep positions (for phrases) but no byte offsets: nothing reads them back,
// and they were a seventh of the index on disk. Document and query text
// are both folded as gazette.FoldSearchText folds them. Two text fields
// are searched: the head (title, document number, authorities), boosted
// gazette.HeadWeight times, and the body.
//
// Queries are built term by term in code: filters are exact term,
// numeric-range and conjunction queries, so no query syntax of bleve is
// ever parsed and user input cannot become syntax. Relevance is bleve's
// tf-idf with the title boosted well above the body, times the hit's
// gazette.ValidityWeight, so that at equal relevance documents in force
// come first (gazette's ranking weights, shared with meiliindex).
//
// For speed, a search of words and phrases, or of filters alone, with any
// excluded words of one unit, skips bleve's searchers (fast.go): it
// intersects the postings' bitmaps segment by segment, checks a phrase's
// positions only on that intersection (rarest term first, stopping when no
// start is left), counts every hit, and scores only those that can reach
// the page, with bleve's formula (hits in the body only, and most hits in
// the head, are bounded and left unscored). Words held by many of a
// segment's documents are scored by blocks whose best score is recorded
// on first use, skipping the blocks that cannot reach the page
// (blockmax.go); for the words most documents of a large segment hold,
// by a worker in the background, in slots of the search gate no search
// waits for (prebuild.go). A lean search (gazette.Query.Lean) takes its hits from
// the suggestion table below, not from the stored documents, unless the
// table cannot vouch for them (being built, or the document being
// written), and counts its hits from the bitmaps unless a date range or a
// day in force asks for each one's dates; by date, its page is taken
// from each segment's documents in date order (built once per segment).
// Other searches (single
// characters, excluded phrases) use bleve's searchers with a collector of
// their own (collect.go); phrases there run on a leaner searcher
// (phrase.go). What sorting, date ranges and facets need of a hit is one
// packed doc-values field (meta.go), read once per segment into flat
// arrays (table.go); facets are counted by combination of values, one
// increment per hit. Date ranges are a coarse filter on years in the index
// and an exact one in the collector. Recent results are cached until the
// next write (cache.go).
//
// At most one search per CPU runs at once; the others wait in arrival
// order (package admit), so that a short query is not time-sliced behind every
// long one; the searches of one request share the slot it holds (Admit).
// Lookup and Get are not gated.
//
// Writes are bleve batches, built in parallel: when Put or Delete returns,
// the change is on disk and visible to every later call. One process opens
// a directory at a time (bleve locks it; Open fails with ErrLocked).
//
// bleve persists and merges segments in the background and retries a
// failed write at once, for ever: on a full disk, thousands of times a
// second. Its error callback spaces the retries out with backoff
// (health.go), logs the first failure and the recovery once each, and
// while the disk refuses writes Ping, Put and Delete fail with ErrWrite;
// searches answer from what is indexed. It recovers by itself.
//
// Suggestions as people type come from an in-memory table, package
// typeahead, fed by Put and Delete (suggest.go).
//
// It imports gazette, archive/admit, archive/typeahead, bleve (with the
// roaring bitmaps, segment API and bbolt errors bleve is built on),
// goccy/go-json and the standard library; it never imports archive (its
// tests do, to run the shared contract suite).
package bleveindex
