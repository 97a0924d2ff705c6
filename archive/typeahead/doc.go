// Package typeahead is the table that answers suggestions as people type
// (archive.Index.Suggest) for every index adapter, in memory: a search
// engine's query costs milliseconds (Meilisearch's several, over HTTP), a
// look-up here a few hundred microseconds, and suggestions are asked at
// every keystroke. An adapter feeds the table its writes (Begin, End), and
// the table reads whole documents from the adapter (Source) when it is
// built and when it cannot know which of two writes the index kept.
//
// It imports gazette and the standard library only.
package typeahead
