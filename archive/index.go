package archive

import (
	"context"

	"github.com/gazette-archive/gazette/gazette"
)

// Index is the search index: derived from storage, and always rebuildable
// from it. Every method is safe for concurrent use.
//
// Visibility: when Put or Delete returns nil, the change is visible to every
// later Search, Suggest, Lookup and Fingerprints call, on this process and on any
// other sharing the backend (read-your-writes). Backends with asynchronous
// writes wait for their tasks before returning.
type Index interface {
	// Put adds or replaces the entries of docs, by ID. A document of any
	// length is searchable to its last word. Errors: gazette.ErrInvalid
	// (a document the backend cannot hold), backend errors.
	Put(ctx context.Context, docs []gazette.SearchDoc) error

	// Delete removes the entries of the given document IDs; IDs not in the
	// index are ignored.
	Delete(ctx context.Context, ids []string) error

	// Search runs q, which the caller has normalised (q.Normalize). Terms
	// match inside longer words (处理 finds 待处理); phrases match exactly;
	// excluded terms remove hits; filters combine with AND, values within
	// one filter with OR; filter values are literal, never syntax.
	// Results carry the total, the page of hits with HTML-safe snippets,
	// and facet counts over all hits; with q.Lean, the hits without
	// snippets or anchors, and no facets. q.IDs, when set, keeps only those
	// documents. Document numbers in q are matched by
	// the caller (see archive.Search), not by the index. Errors:
	// gazette.ErrInvalid, backend errors.
	Search(ctx context.Context, q gazette.Query) (gazette.Results, error)

	// Suggest returns at most n (1 to gazette.MaxSuggestions) documents
	// whose title or document number holds text (gazette.SuggestKey), in
	// gazette.SuggestRank order, without snippets: what the search box
	// offers as people type. Text with fewer than two characters to match
	// gets none. Document numbers in other spellings and short forms are
	// the caller's (see archive.Suggest). Errors: gazette.ErrInvalid for
	// text gazette.CheckSuggestText refuses or n out of range, backend
	// errors.
	Suggest(ctx context.Context, text string, n int) ([]gazette.Hit, error)

	// Lookup returns the IDs of the documents whose canonical document number
	// is n, newest first; none is not an error.
	Lookup(ctx context.Context, n gazette.DocNumber) ([]string, error)

	// Get returns the hit for one document ID, without a snippet.
	// Errors: gazette.ErrNotFound.
	Get(ctx context.Context, id string) (gazette.Hit, error)

	// Fingerprints returns the fingerprint Put recorded for every document
	// in the index, by ID, for reconciliation with storage.
	Fingerprints(ctx context.Context) (map[string]string, error)

	// Ping reports whether the backend answers.
	Ping(ctx context.Context) error
}
