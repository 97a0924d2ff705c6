package meiliindex

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/meilisearch/meilisearch-go"

	"github.com/gazette-archive/gazette/gazette"
)

// Suggestions as people type are asked at every keystroke and must answer
// within milliseconds; a Meilisearch search costs several, and cannot rank
// by where in a title a phrase starts. So they are answered from a table
// in this process's memory (package typeahead), as bleveindex answers
// them, built from the documents of the index on the first suggestion.
//
// The table must show every write that returned before a suggestion
// (archive.Index), also those of other processes sharing the index
// (replicas behind a load balancer, a reindex run from the command line).
// Meilisearch numbers its tasks in the order it runs them, so the latest
// task of the index that succeeded is a version of its documents: the table
// holds every write up to the version it was built at, and every suggestion
// first asks the server for the latest (one small request, no search). When it is
// newer, the tasks since are listed: if this process ran them all, the
// table holds their writes already (Put and Delete record them); if not,
// another process wrote, and the table is built again, which that
// suggestion waits for. So a replica that does not write pays one request
// per suggestion (fewer under load: suggestions at once share one, see
// probes), and a rebuild after each write of another process.

// suggestPage is how many documents one request of a build reads.
const suggestPage = 10_000

// suggestSource is the index as its suggestion table reads it.
type suggestSource struct{ x *Index }

// documentsPage is the answer of POST /documents/fetch.
type documentsPage struct {
	Results []record `json:"results"`
}

// All reads every document of the index, in pages, and returns the latest
// task that succeeded before: writes after it that land while the pages
// are read may be in them or not, and the next suggestion sees that the
// index is newer.
func (s suggestSource) All(ctx context.Context) ([]gazette.Hit, int64, error) {
	x := s.x
	if err := x.use(ctx); err != nil {
		return nil, 0, err
	}
	version, err := x.latestTask(ctx)
	if err != nil {
		return nil, 0, err
	}
	var hits []gazette.Hit
	for offset := 0; ; offset += suggestPage {
		var page documentsPage
		if err := x.call(ctx, http.MethodPost, "/documents/fetch", &fetchRequest{Offset: offset, Limit: suggestPage, Fields: hitFields}, &page); err != nil {
			return nil, 0, fmt.Errorf("meiliindex: suggestions: read documents: %w", err)
		}
		for i := range page.Results {
			hits = append(hits, hitOf(&page.Results[i]))
		}
		if len(page.Results) < suggestPage {
			return hits, version, nil
		}
	}
}

// Read reads the documents ids.
func (s suggestSource) Read(ctx context.Context, ids []string) ([]gazette.Hit, error) {
	var hits []gazette.Hit
	for start := 0; start < len(ids); start += suggestPage {
		part := ids[start:min(start+suggestPage, len(ids))]
		var page documentsPage
		req := &fetchRequest{IDs: part, Fields: hitFields, Limit: len(part)}
		if err := s.x.call(ctx, http.MethodPost, "/documents/fetch", req, &page); err != nil {
			return nil, fmt.Errorf("meiliindex: suggestions: read documents: %w", err)
		}
		for i := range page.Results {
			hits = append(hits, hitOf(&page.Results[i]))
		}
	}
	return hits, nil
}

// ownTasks are the tasks of the index that this process waited for and
// saw succeed: their writes are in the suggestion table.
type ownTasks struct {
	mu   sync.Mutex
	uids map[int64]bool
}

// add records a task this process saw succeed.
func (o *ownTasks) add(uid int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.uids == nil {
		o.uids = map[int64]bool{}
	}
	o.uids[uid] = true
}

// has reports whether uid is a task this process saw succeed.
func (o *ownTasks) has(uid int64) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.uids[uid]
}

// forget forgets the tasks up to uid: the table holds them.
func (o *ownTasks) forget(uid int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for u := range o.uids {
		if u <= uid {
			delete(o.uids, u)
		}
	}
}

// succeeded is the filter of tasks that changed the index.
var succeeded = []meilisearch.TaskStatus{meilisearch.TaskStatusSucceeded}

// latestTask returns the UID of the latest task of the index that
// succeeded, 0 for none.
func (x *Index) latestTask(ctx context.Context) (int64, error) {
	res, err := x.idx.GetTasks(ctx, &meilisearch.TasksQuery{Limit: 1, Statuses: succeeded})
	if err != nil {
		return 0, fmt.Errorf("meiliindex: suggestions: latest task: %w", unavailable(err))
	}
	if len(res.Results) == 0 {
		return 0, nil
	}
	return res.Results[0].UID, nil
}

// probes share the requests for the latest task among suggestions at
// once: a suggestion joins the next request sent, never one sent before
// it began (which could miss a write that returned before), so at most
// one is in flight and the suggestions that arrive meanwhile wait for the
// one after it. Under load, one request serves many suggestions.
type probes struct {
	mu   sync.Mutex
	next *probe // the request that suggestions arriving now join
	busy bool   // a request is in flight
}

// probe is one request for the latest task; latest and err are set when
// done is closed.
type probe struct {
	done   chan struct{}
	latest int64
	err    error
}

// latestShared returns the latest task of the index that succeeded, read
// by a request sent after the call began (see probes).
func (x *Index) latestShared(ctx context.Context) (int64, error) {
	ps := &x.probes
	ps.mu.Lock()
	if ps.next == nil {
		ps.next = &probe{done: make(chan struct{})}
	}
	mine := ps.next
	if !ps.busy {
		ps.busy, ps.next = true, nil
		go x.runProbes(mine)
	}
	ps.mu.Unlock()
	select {
	case <-ctx.Done():
		return 0, fmt.Errorf("meiliindex: suggestions: latest task: %w", ctx.Err())
	case <-mine.done:
		return mine.latest, mine.err
	}
}

// runProbes sends the request of p, then of each probe joined meanwhile,
// until none is. Each runs to its end whatever its suggestions' contexts
// (the client's timeout bounds it), so that others can join it.
func (x *Index) runProbes(p *probe) {
	ps := &x.probes
	for p != nil {
		p.latest, p.err = x.latestTask(context.Background())
		close(p.done)
		ps.mu.Lock()
		p, ps.next = ps.next, nil
		ps.busy = p != nil
		ps.mu.Unlock()
	}
}

// tasksPage is how many tasks one request lists when the index changed.
const tasksPage = 100

// onlyOwn reports whether every task of the index that succeeded after
// from, up to to, is one this process ran.
func (x *Index) onlyOwn(ctx context.Context, from, to int64) (bool, error) {
	for next := to; next > from; {
		res, err := x.idx.GetTasks(ctx, &meilisearch.TasksQuery{Limit: tasksPage, From: next, Statuses: succeeded})
		if err != nil {
			return false, fmt.Errorf("meiliindex: suggestions: tasks: %w", unavailable(err))
		}
		for _, t := range res.Results {
			if t.UID > from && !x.own.has(t.UID) {
				return false, nil
			}
		}
		if len(res.Results) < tasksPage || res.Next <= 0 {
			return true, nil
		}
		next = res.Next
	}
	return true, nil
}

// catchUp brings the suggestion table up to the index: see the top of
// this file.
func (x *Index) catchUp(ctx context.Context) error {
	if _, built := x.suggest.Version(); !built {
		return nil // its build reads the index as it is then
	}
	latest, err := x.latestShared(ctx)
	if err != nil {
		return err
	}
	for range 3 {
		version, built := x.suggest.Version()
		if !built || version >= latest {
			return nil
		}
		own, err := x.onlyOwn(ctx, version, latest)
		if err != nil {
			return err
		}
		if !own {
			x.suggest.Forget()
			return nil
		}
		if x.suggest.Advance(version, latest) {
			x.own.forget(latest)
			return nil
		}
		// Another suggestion moved the table on meanwhile: again from there.
	}
	x.suggest.Forget()
	return nil
}

// Suggest returns at most n documents whose title or document number
// holds text, best first (see archive.Index), from the suggestion table.
// Errors: gazette.ErrInvalid for text gazette.CheckSuggestText refuses or
// n out of range; gazette.ErrUnavailable for a server that does not
// answer; backend errors.
func (x *Index) Suggest(ctx context.Context, text string, n int) ([]gazette.Hit, error) {
	key, ok, err := gazette.CheckSuggestText(text)
	if err != nil {
		return nil, fmt.Errorf("meiliindex: %w", err)
	}
	if n < 1 || n > gazette.MaxSuggestions {
		return nil, fmt.Errorf("meiliindex: suggest: %d suggestions, want 1–%d: %w", n, gazette.MaxSuggestions, gazette.ErrInvalid)
	}
	if !ok {
		return []gazette.Hit{}, nil
	}
	if err := x.use(ctx); err != nil {
		return nil, err
	}
	if err := x.catchUp(ctx); err != nil {
		return nil, err
	}
	hits, err := x.suggest.Suggest(ctx, key, n)
	if err != nil {
		return nil, fmt.Errorf("meiliindex: suggest: %w", unavailable(err))
	}
	return hits, nil
}

// beginWrite counts the writes of ids in progress; Put and Delete call it
// before they send, and endWrite once they have waited for their tasks.
func (x *Index) beginWrite(ids []string) { x.suggest.Begin(ids) }

// endWrite records a write of ids that Put (docs) or Delete (docs nil)
// made, failed when it failed, perhaps in part.
func (x *Index) endWrite(ctx context.Context, ids []string, docs []gazette.SearchDoc, failed bool) {
	var hits []gazette.Hit
	if docs != nil {
		hits = make([]gazette.Hit, len(docs))
		for i := range docs {
			hits[i] = docs[i].Hit()
		}
	}
	x.suggest.End(ctx, ids, hits, failed)
}

// SuggestLookup returns the hits of the documents whose canonical document
// number is n, newest first, from the suggestion table, as up to date as
// the Suggest call before it: archive.Suggest looks up the 文号 typed so
// with no search of the index. Errors: those of building the table.
func (x *Index) SuggestLookup(ctx context.Context, n gazette.DocNumber) ([]gazette.Hit, error) {
	hits, err := x.suggest.Lookup(ctx, n)
	if err != nil {
		return nil, fmt.Errorf("meiliindex: suggest: lookup %s: %w", n, err)
	}
	return hits, nil
}
