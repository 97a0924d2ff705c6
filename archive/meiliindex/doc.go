// Package meiliindex is the search index of the archive on Meilisearch, for
// deployments that run several stateless replicas. Index implements
// archive.Index; bleveindex is the same contract in process.
//
// Chinese: Meilisearch never sees it. Meilisearch segments Han text with a
// dictionary and matches prefixes only (处理 misses 待处理), and its phrase
// and exclusion search on Chinese is unreliable. So every searchable field is
// indexed as a derived text of opaque letter-only tokens (CJK bigrams with
// run-edge markers, unigrams, and words), and every query term becomes the
// phrase of the same tokens: terms match inside words, phrases match adjacent
// text, exclusions work, and typo tolerance and prefix search are off. See
// tokens.go for the scheme and its one approximation (Meilisearch checks a
// phrase in windows of three tokens).
//
// Ranking follows gazette's ranking weights (gazette/ranking.go, the one
// place they are named): settings.go orders the searchable fields so a
// match in the head outweighs one in the body, and ends the ranking rules
// with the validity rank, then the newest. Meilisearch does not weigh how
// often a body holds a word, so each body also has frequency tiers, the
// windows of text it holds at least 30, 10 or 3 times (a long body's counts
// scaled down by its length), searched after the head and before the body
// (tokens.go): the documents that hold a word often for their length come
// first among its hits, as bleve's tf-idf puts them.
//
// Long documents: Meilisearch indexes only the first 65,535 positions of a
// field, so a long body is indexed as overlapping segments, each a field of
// its own (sb.p0000, sb.p0001, ...) in the same Meilisearch document. One
// gazette document is one Meilisearch document however long, so totals,
// facet counts, terms far apart and exclusions all work per document, with
// no distinct attribute. Replacing a document drops all its old segments.
//
// Snippets are cut in Go with gazette.Snippet from the original text, kept
// beside the derived one: the first 500 characters of the body come with
// every hit; the rest is stored in pieces, fetched (in at most two requests
// per search) only for hits whose snippet does not lie inside those 500.
// Each snippet is the one gazette.Snippet cuts from the whole body.
//
// The requests of a query (searches, Get, the fetches for snippets) go
// straight to the HTTP API (request.go), not through meilisearch-go, whose
// layers cost more CPU than decoding the answer; writes, settings, tasks and
// Fingerprints go through meilisearch-go.
//
// Filters are built only from validated values: kinds, validity states,
// years, issue keys and dates are checked by gazette.Query.Normalize, and
// free-text values (authorities, topics, document numbers) are matched
// through the hex SHA-256 of the value, stored beside it, so user input
// never reaches filter syntax; every string in a filter is still quoted and
// escaped.
//
// Outages: New connects at once; Open connects on first use, and on every
// use until that succeeds, so that a server can start while Meilisearch is
// down. Every request must be answered within Config.Timeout, so a paused
// server fails a call instead of holding it; a server not reached, or not
// answering in time, is gazette.ErrUnavailable.
//
// Writes are Meilisearch tasks: Put and Delete wait until their tasks have
// succeeded, and report a failed task as an error, so a change is visible to
// every later call when they return nil.
//
// Meilisearch reads only the first 10 words or phrases of a query (each term
// here is one phrase, however long). Exclusions are sent first; a query with
// more than 10 terms is run as several of at most 10, intersected by
// document ID.
//
// Cost: the derived text is about three times the size of the original, and
// Meilisearch's positional indexing of it is the slow part of a write:
// measured on 2 cores, about 80,000 characters of real law text a second.
// The frequency tiers add about 4% to the database and 13% to the CPU time
// of indexing (2,000 generated documents of 2,100 characters, server and
// client); long codes hold more frequent windows, fewer since their
// counts are scaled by length.
//
// Suggestions as people type come from an in-memory table, package
// typeahead, as in bleveindex, kept up to date across replicas by the
// index's tasks (suggest.go): one small request per suggestion, no search.
//
// It imports gazette, archive/admit (the search gate it shares with
// bleveindex), archive/typeahead (the suggestion table it shares with it),
// meilisearch-go, goccy/go-json and the standard library; it never
// imports archive (its tests do, to run the shared contract suite).
package meiliindex
