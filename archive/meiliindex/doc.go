// Package meiliindex is the search index of the archive on Meilisearch, for
// deployments that run several stateless replicas. Index implements
// archive.Index; bleveindex is the same contract in process.
//
// Chinese: Meilisearch never sees it. Every searchable field is indexed as a
// derived text of opaque letter-only tokens (CJK bigrams with run-edge
// markers, unigrams, and words), and every query term becomes the phrase of
// the same tokens, so that terms match inside words (处理 finds 待处理),
// phrases match adjacent text and exclusions work; see tokens.go. The
// original text is stored beside it, displayed but not searched, and
// snippets are cut from it in Go with gazette.Snippet.
//
// Long documents: Meilisearch indexes only the first 65,535 positions of a
// field, so a long body is indexed as several segments, each a field of its
// own in the same Meilisearch document. One gazette document is one
// Meilisearch document, however long: totals, facet counts and exclusions
// are per document with no distinct attribute.
//
// Filters are built only from validated values: kinds, validity states,
// years, issue keys and dates are checked by gazette.Query.Normalize, and
// free-text values (authorities, topics, document numbers) are matched
// through the hex SHA-256 of the value, stored beside it, so user input
// never reaches filter syntax; every string in a filter is still quoted and
// escaped.
//
// Writes are Meilisearch tasks: Put and Delete wait until their tasks have
// succeeded, and report a failed task as an error, so a change is visible to
// every later call when they return nil.
//
// Meilisearch counts only the first 10 words or phrases of a query (each
// term of ours is one phrase, whatever its length). A query with more terms
// is run as several queries of at most 10, intersected by document ID.
//
// It imports gazette, meilisearch-go and the standard library only; it never
// imports archive (its tests do, to run the shared contract suite).
package meiliindex
