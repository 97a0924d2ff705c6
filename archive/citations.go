package archive

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/gazette/cite"
)

// Citations in the text (package cite finds them) are resolved against the
// archive: a 文号 by the index's number lookup (with the gazette's local
// readings, as search does), a title by its key (cite.NormalizeTitle) among
// the titles of published documents. Which of the documents found a
// citation means is cite.Choose's rule, the one place it is decided.
//
// Three kinds of derived object make the lookups cheap; like the reverse
// links of links.go they are hints, written only if absent, never
// removed, and confirmed against the truth whenever they are read:
//
//   - titles/<hash of the title key>/<document>.json: a document's current
//     title, for the title lookup;
//   - cited/<hash of a ref>/<document>.json: the document's current text
//     cites that ref (cite.Citation.Ref: "number:闽政〔2019〕14号",
//     "title:行政许可法"; a number under each of its local readings), for
//     "what cites this document";
//   - uncited/<hash of a ref>/<document>.json: when the document was
//     indexed, the citation did not resolve (the editors' queue of missing
//     documents, UnresolvedCitations).
//
// They are written with the reverse links, before the index entry (see
// searchDoc), so a document that search finds has them, and Reindex
// restores them all; a hint whose document is not published (an issue
// under embargo, a publication that never committed) is never shown.

// hintHash names a ref or title key in an object key: keys of any length
// and script fit one path segment on every backend.
func hintHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}

func titlePrefix(key string) string   { return "titles/" + hintHash("title:"+key) + "/" }
func citedPrefix(ref string) string   { return "cited/" + hintHash(ref) + "/" }
func uncitedPrefix(ref string) string { return "uncited/" + hintHash(ref) + "/" }

// citeHint is the content of a cited or uncited hint: what its key says,
// for a person looking at storage, and the citation as found (the queue
// shows it).
type citeHint struct {
	Ref      string        `json:"ref"`
	Document string        `json:"document"`
	Citation cite.Citation `json:"citation"`
	Outcome  cite.Outcome  `json:"outcome,omitempty"`
}

// titleHint is the content of a title hint.
type titleHint struct {
	Key      string `json:"key"`
	Document string `json:"document"`
}

// putHint writes v at key unless an object is there already.
func (a *Archive) putHint(ctx context.Context, key string, v any) error {
	raw, err := encode(v)
	if err != nil {
		return err
	}
	_, err = a.blobs.Put(ctx, key, bytes.NewReader(raw), int64(len(raw)),
		gazette.PutOptions{IfAbsent: true, ContentType: "application/json"})
	if err != nil && !errors.Is(err, gazette.ErrExist) {
		return fmt.Errorf("write %s: %w", key, err)
	}
	return nil
}

// idsUnder lists the document IDs of the hints under prefix.
func (a *Archive) idsUnder(ctx context.Context, prefix string) ([]string, error) {
	objs, err := a.blobs.List(ctx, prefix)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, o := range objs {
		if id, ok := strings.CutSuffix(strings.TrimPrefix(o.Key, prefix), ".json"); ok && !strings.Contains(id, "/") {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// docDate is the date a document came into being, for the rule that a
// document cannot cite one that did not exist yet: signed, else published,
// else its issue's date.
func docDate(d *gazette.Document, is *gazette.Issue) gazette.Date {
	switch {
	case !d.Signed.IsZero():
		return d.Signed
	case !d.Published.IsZero():
		return d.Published
	case is != nil && !is.Published.IsZero():
		return gazette.DateOf(is.Published.In(gazette.ChinaTime))
	}
	return gazette.Date{}
}

// resolver resolves the citations of one document, caching what it looked
// up. It is not safe for concurrent use.
type resolver struct {
	a       *Archive
	gazette string // the gazette the citing document is printed in, for local 文号 readings
	cands   map[string][]cite.Candidate
	docs    map[string]*loaded // nil: not a readable published document
}

func (a *Archive) newResolver(gazetteName string) *resolver {
	return &resolver{a: a, gazette: gazetteName, cands: map[string][]cite.Candidate{}, docs: map[string]*loaded{}}
}

// published reads the current version of a published document, or returns
// nil when id is not one (never published, under embargo, unreadable: a
// damaged one is logged).
func (r *resolver) published(ctx context.Context, id string) (*loaded, error) {
	if l, ok := r.docs[id]; ok {
		return l, nil
	}
	m, seq, err := r.a.docManifest(ctx, id)
	if errors.Is(err, gazette.ErrNotFound) || errors.Is(err, gazette.ErrInvalid) {
		r.docs[id] = nil
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	l, err := r.a.load(ctx, m, seq, 0)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		r.a.log.WarnContext(ctx, "a document a citation or relation names cannot be read", "document", id, "err", err)
		r.docs[id] = nil
		return nil, nil
	}
	r.docs[id] = l
	return l, nil
}

// candidate describes a published document as cite.Choose sees it.
func candidateOf(l *loaded) cite.Candidate {
	return cite.Candidate{ID: l.doc.ID, Title: l.doc.Title, DocNumber: l.doc.DocNumber, Date: docDate(&l.doc, &l.manifest.Issue)}
}

// candidates looks up the published documents c may name: by its 文号 when
// it gives one (a number names one document; its title is not consulted),
// else by its title's key.
func (r *resolver) candidates(ctx context.Context, c *cite.Citation) ([]cite.Candidate, error) {
	ref := c.Ref()
	if cs, ok := r.cands[ref]; ok {
		return cs, nil
	}
	var ids []string
	var err error
	switch {
	case !c.Number.IsZero():
		if r.a.index != nil {
			ids, err = lookupLocal(ctx, r.a.index, c.Number, r.gazette)
		}
	default:
		ids, err = r.a.idsUnder(ctx, titlePrefix(c.Key))
	}
	if err != nil {
		return nil, fmt.Errorf("look up %s: %w", ref, err)
	}
	var out []cite.Candidate
	for _, id := range ids {
		l, err := r.published(ctx, id)
		if err != nil {
			return nil, err
		}
		// The title hint is confirmed by the current title (a correction
		// may have changed it).
		if l == nil || c.Number.IsZero() && cite.NormalizeTitle(l.doc.Title) != c.Key {
			continue
		}
		out = append(out, candidateOf(l))
	}
	r.cands[ref] = out
	return out, nil
}

// resolve decides what c, cited by document self made on date citing,
// names.
func (r *resolver) resolve(ctx context.Context, c *cite.Citation, citing gazette.Date, self string) (cite.Resolution, error) {
	cands, err := r.candidates(ctx, c)
	if err != nil {
		return cite.Resolution{}, err
	}
	return cite.Choose(c, citing, self, cands), nil
}

// Citations finds the citations in the text of d (a published document,
// any version) and resolves each against the archive, in order of
// appearance; one whose relation an editor withdrew is cite.Withdrawn. Errors: storage and index errors. Safe for concurrent use.
func (a *Archive) Citations(ctx context.Context, d *gazette.Document) ([]cite.Found, error) {
	is, err := a.Issue(ctx, d.Issue)
	if err != nil && !errors.Is(err, gazette.ErrNotFound) {
		return nil, fmt.Errorf("archive: citations of %s: %w", d.ID, err)
	}
	name := ""
	if is != nil {
		name = is.Gazette
	}
	out, err := a.newResolver(name).citations(ctx, d, is)
	if err != nil {
		return nil, fmt.Errorf("archive: citations of %s: %w", d.ID, err)
	}
	// A relation an editor withdrew is not linked either.
	h, err := a.History(ctx, d.ID)
	switch {
	case errors.Is(err, gazette.ErrNotFound):
	case err != nil:
		return nil, fmt.Errorf("archive: citations of %s: %w", d.ID, err)
	default:
		markWithdrawn(out, &h)
	}
	return out, nil
}

// markWithdrawn marks the resolved citations in found whose relation an
// editor withdrew (in h, the citing document's history) cite.Withdrawn:
// they are not linked.
func markWithdrawn(found []cite.Found, h *gazette.History) {
	withdrawn := gazette.WithdrawnRelations(h.Relations)
	for i := range found {
		c := &found[i]
		rel := gazette.Relation{Type: c.Type, Target: c.ID, Provision: c.Provision}
		if c.Outcome == cite.Resolved && slices.ContainsFunc(withdrawn, func(w gazette.Relation) bool { return w.Same(&rel) }) {
			c.Outcome = cite.Withdrawn
		}
	}
}

// ResolveCitations finds and resolves the citations of documents not yet
// published (a draft issue of the gazette named gazetteName, whose local
// 文号 readings apply), as Citations does for published ones, sharing the
// lookups among them: result i is for docs[i]. A document of the draft
// cited by another of it is not found until the issue is published.
// Errors: storage and index errors. Safe for concurrent use.
func (a *Archive) ResolveCitations(ctx context.Context, docs []gazette.Document, gazetteName string) ([][]cite.Found, error) {
	r := a.newResolver(gazetteName)
	out := make([][]cite.Found, len(docs))
	for i := range docs {
		is := &gazette.Issue{Gazette: gazetteName, IssueKey: docs[i].Issue}
		cs, err := r.citations(ctx, &docs[i], is)
		if err != nil {
			return nil, fmt.Errorf("archive: resolve citations of %s: %w", docs[i].ID, err)
		}
		out[i] = cs
	}
	return out, nil
}

func (r *resolver) citations(ctx context.Context, d *gazette.Document, is *gazette.Issue) ([]cite.Found, error) {
	citing := docDate(d, is)
	var out []cite.Found
	for _, p := range cite.InBody(d.Body) {
		if cite.IsSelf(&p.Citation, d.Title, d.DocNumber) {
			out = append(out, cite.Found{Placed: p, Resolution: cite.Resolution{Outcome: cite.Self}})
			continue
		}
		res, err := r.resolve(ctx, &p.Citation, citing, d.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, cite.Found{Placed: p, Resolution: res})
	}
	return out, nil
}

// refsOf returns the refs a citation may be filed under: its own, and for
// a 文号 each local reading in the gazette (省政府令第5号 is also
// 福建省人民政府令第5号 in 福建省人民政府公报), so that a document finds what
// cites it in any of them.
func refsOf(c *cite.Citation, gazetteName string) []string {
	if c.Number.IsZero() {
		return []string{c.Ref()}
	}
	var out []string
	for _, n := range gazette.LocalDocNumbers(c.Number, gazetteName) {
		if ref := "number:" + n.String(); !slices.Contains(out, ref) {
			out = append(out, ref)
		}
	}
	return out
}

// ownRefs returns the refs under which other documents cite d: its 文号
// in each local reading, and its title's key.
func ownRefs(d *gazette.Document, gazetteName string) []string {
	var out []string
	if n, err := gazette.ParseDocNumber(d.DocNumber); err == nil {
		c := cite.Citation{Number: n}
		out = refsOf(&c, gazetteName)
	}
	if k := cite.NormalizeTitle(d.Title); k != "" {
		out = append(out, "title:"+k)
	}
	return out
}

// hintAll writes the derived hints of the current version of a document
// (l): its title, the relations its history records (the reverse index of
// relations.go), what its text cites, and what of that did not resolve.
func (a *Archive) hintAll(ctx context.Context, l *loaded) error {
	if err := a.hintTitle(ctx, &l.doc); err != nil {
		return err
	}
	for _, rel := range gazette.Effective(l.history.Relations) {
		if err := a.relate(ctx, l.doc.ID, rel.Target); err != nil {
			return err
		}
	}
	return a.hintCitations(ctx, &l.doc, &l.manifest.Issue)
}

// hintTitle writes the title hint of d.
func (a *Archive) hintTitle(ctx context.Context, d *gazette.Document) error {
	k := cite.NormalizeTitle(d.Title)
	if k == "" {
		return nil
	}
	return a.putHint(ctx, titlePrefix(k)+d.ID+".json", titleHint{Key: k, Document: d.ID})
}

// hintCitations writes the cited and uncited hints of d, printed in is.
func (a *Archive) hintCitations(ctx context.Context, d *gazette.Document, is *gazette.Issue) error {
	r := a.newResolver(is.Gazette)
	cs, err := r.citations(ctx, d, is)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if c.Outcome == cite.Self {
			continue
		}
		for _, ref := range refsOf(&c.Citation, is.Gazette) {
			if err := a.putHint(ctx, citedPrefix(ref)+d.ID+".json", citeHint{Ref: ref, Document: d.ID, Citation: c.Citation}); err != nil {
				return err
			}
		}
		if c.Outcome == cite.Missing || c.Outcome == cite.Ambiguous {
			h := citeHint{Ref: c.Ref(), Document: d.ID, Citation: c.Citation, Outcome: c.Outcome}
			if err := a.putHint(ctx, uncitedPrefix(c.Ref())+d.ID+".json", h); err != nil {
				return err
			}
		}
	}
	return nil
}

// maxUnresolvedDocs bounds the citing documents read to confirm one entry
// of the queue, and listed with it.
const maxUnresolvedDocs = 10

// UnresolvedCitations returns the documents cited in published documents
// that did not resolve, most cited first (then by ref), at most limit of
// them: what editors should load, or tell apart, first. Each entry is
// confirmed against the archive as it is now: a citation that resolves
// since (its document was published, or a correction removed it) is left
// out; Count is how many citing documents still do not link. Errors:
// storage and index errors. Safe for concurrent use.
func (a *Archive) UnresolvedCitations(ctx context.Context, limit int) ([]cite.Unresolved, error) {
	objs, err := a.blobs.List(ctx, "uncited/")
	if err != nil {
		return nil, fmt.Errorf("archive: unresolved citations: %w", err)
	}
	groups := map[string][]string{} // prefix → citing IDs
	for _, o := range objs {
		dir, name, ok := strings.Cut(strings.TrimPrefix(o.Key, "uncited/"), "/")
		id, isJSON := strings.CutSuffix(name, ".json")
		if !ok || !isJSON || strings.Contains(id, "/") {
			continue
		}
		groups[dir] = append(groups[dir], id)
	}
	type group struct {
		dir string
		ids []string
	}
	var order []group
	for dir, ids := range groups {
		slices.SortFunc(ids, compareIDs)
		order = append(order, group{dir, ids})
	}
	slices.SortFunc(order, func(x, y group) int {
		return cmp.Or(cmp.Compare(len(y.ids), len(x.ids)), cmp.Compare(x.dir, y.dir))
	})
	var out []cite.Unresolved
	r := a.newResolver("")
	for _, g := range order {
		if limit > 0 && len(out) >= limit {
			break
		}
		u, err := a.confirmUnresolved(ctx, r, "uncited/"+g.dir+"/", g.ids)
		if err != nil {
			return nil, fmt.Errorf("archive: unresolved citations: %w", err)
		}
		if u != nil {
			out = append(out, *u)
		}
	}
	slices.SortStableFunc(out, func(x, y cite.Unresolved) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Label, y.Label))
	})
	return out, nil
}

// confirmUnresolved checks one ref of the queue against its citing
// documents (up to maxUnresolvedDocs of ids, newest first) and returns its
// entry, or nil when every one examined now resolves it.
func (a *Archive) confirmUnresolved(ctx context.Context, r *resolver, prefix string, ids []string) (*cite.Unresolved, error) {
	var u *cite.Unresolved
	resolved, hidden, examined := 0, 0, 0
	for i := len(ids) - 1; i >= 0 && examined < maxUnresolvedDocs; i-- {
		id := ids[i]
		var h citeHint
		if err := a.readJSON(ctx, prefix+id+".json", "", &h); err != nil {
			if errors.Is(err, gazette.ErrCorrupt) || errors.Is(err, gazette.ErrNotFound) {
				a.log.WarnContext(ctx, "an unresolved-citation hint cannot be read", "key", prefix+id+".json", "err", err)
				continue
			}
			return nil, err
		}
		l, err := r.published(ctx, id)
		if err != nil {
			return nil, err
		}
		if l == nil {
			hidden++ // not (or not yet) published: never shown
			continue
		}
		examined++
		r.gazette = l.manifest.Issue.Gazette
		delete(r.cands, h.Citation.Ref()) // another gazette may read the number otherwise
		res, err := r.resolve(ctx, &h.Citation, docDate(&l.doc, &l.manifest.Issue), id)
		if err != nil {
			return nil, err
		}
		// The text must still cite it (a correction may have removed it).
		still := slices.ContainsFunc(cite.InBody(l.doc.Body), func(p cite.Placed) bool { return p.Ref() == h.Ref })
		if res.Outcome == cite.Resolved || !still || cite.IsSelf(&h.Citation, l.doc.Title, l.doc.DocNumber) {
			resolved++
			continue
		}
		if u == nil {
			u = &cite.Unresolved{Ref: h.Ref, Label: h.Citation.Label(), Outcome: res.Outcome, Candidates: res.Candidates}
		}
		u.Documents = append(u.Documents, id)
	}
	if u == nil {
		return nil, nil
	}
	u.Count = len(ids) - resolved - hidden
	slices.SortFunc(u.Documents, compareIDs)
	return u, nil
}
