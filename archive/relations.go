package archive

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/gazette/cite"
)

// Relations between documents (依据, 修改, 废止, 解读, 转发, 更正, 失效, 引用)
// come from three places, and Relations shows them together, in both
// directions:
//
//   - editors record them (AddRelation, WithdrawRelation) in the history
//     of the document that makes them, appended by the same conditional
//     write as corrections and validity changes; the reverse index is
//     related/<target>/<maker>.json, written before the history append and
//     confirmed by the history when read, with the durability rules of
//     links.go (Reconcile and Reindex restore missing ones);
//   - the text proposes them: a citation that resolves (citations.go) is a
//     relation of the type the words around it give (根据《…》 is 依据,
//     《…》同时废止 is 废止), dated by the citing document; an editor
//     withdraws a wrong one like a recorded one;
//   - a validity change (SetValidity, or the status as printed) that names
//     the document that caused it is a 修改, 废止 or 失效 from that
//     document (links.go).

func relatedPrefix(target string) string { return "related/" + target + "/" }

func relatedKey(target, maker string) string { return relatedPrefix(target) + maker + ".json" }

// relate records that maker has a recorded relation to target, unless it
// is recorded already.
func (a *Archive) relate(ctx context.Context, maker, target string) error {
	if _, _, err := gazette.ParseDocumentID(target); err != nil {
		return nil // never a hint the model would refuse; validation says why elsewhere
	}
	if err := a.putHint(ctx, relatedKey(target, maker), causedLink{Cause: maker, Document: target}); err != nil {
		return fmt.Errorf("relate %s to %s: %w", maker, target, err)
	}
	return nil
}

// validityType is the relation a validity change stands for, from the
// document that caused it.
func validityType(v gazette.Validity) gazette.RelationType {
	switch v {
	case gazette.Repealed:
		return gazette.Repeals
	case gazette.Expired:
		return gazette.Ends
	}
	return gazette.Amends
}

// validityLinks are the relations the history h records as validity
// changes caused by other documents; with cause set, only those caused by
// it.
func validityLinks(h *gazette.History, cause string) []gazette.Link {
	var out []gazette.Link
	if c := h.Printed.ChangedBy; c != "" && c != h.ID && (cause == "" || c == cause) {
		out = append(out, gazette.Link{Type: validityType(h.Printed.State), From: c, To: h.ID, Date: h.Printed.Since, Origin: gazette.OriginValidity, Note: "印发时即" + h.Printed.State.Label()})
	}
	for _, ch := range h.Validity {
		if ch.ChangedBy == "" || ch.ChangedBy == h.ID || cause != "" && ch.ChangedBy != cause {
			continue
		}
		at := ch.At
		out = append(out, gazette.Link{Type: validityType(ch.State), From: ch.ChangedBy, To: h.ID, Date: ch.Since, Origin: gazette.OriginValidity, Note: ch.Note, By: ch.By, At: &at})
	}
	return out
}

// editorLink is a recorded relation of maker as a Link; a zero Since is the
// maker's date.
func editorLink(maker *loaded, r gazette.Relation) gazette.Link {
	at := r.At
	l := gazette.Link{Type: r.Type, From: maker.doc.ID, To: r.Target, Provision: r.Provision, Date: r.Since, Origin: gazette.OriginEditor, Note: r.Note, By: r.By, At: &at}
	if l.Date.IsZero() {
		l.Date = docDate(&maker.doc, &maker.manifest.Issue)
	}
	return l
}

// textLinks are the relations the text of maker proposes towards the
// documents its citations resolve to, less those an editor withdrew. With
// refs set, only the citations filed under one of them are resolved (and
// only those resolving to target kept): the cheap way to ask whether, and
// how, maker cites one document.
func (r *resolver) textLinks(ctx context.Context, maker *loaded, target string, refs []string) ([]gazette.Link, error) {
	d, is := &maker.doc, &maker.manifest.Issue
	var cs []cite.Found
	if refs == nil {
		var err error
		if cs, err = r.citations(ctx, d, is); err != nil {
			return nil, err
		}
	} else {
		for _, p := range cite.InBody(d.Body) {
			if !slices.ContainsFunc(refsOf(&p.Citation, is.Gazette), func(ref string) bool { return slices.Contains(refs, ref) }) ||
				cite.IsSelf(&p.Citation, d.Title, d.DocNumber) {
				continue
			}
			res, err := r.resolve(ctx, &p.Citation, docDate(d, is), d.ID)
			if err != nil {
				return nil, err
			}
			cs = append(cs, cite.Found{Placed: p, Resolution: res})
		}
	}
	return citationLinks(maker, cs, target), nil
}

// citationLinks are the relations that cs, the resolved citations of
// maker's current text, propose (to target only, when it is set), less
// those an editor withdrew.
func citationLinks(maker *loaded, cs []cite.Found, target string) []gazette.Link {
	d, is := &maker.doc, &maker.manifest.Issue
	withdrawn := gazette.WithdrawnRelations(maker.history.Relations)
	var out []gazette.Link
	for _, c := range cs {
		if c.Outcome != cite.Resolved || target != "" && c.ID != target {
			continue
		}
		rel := gazette.Relation{Type: c.Type, Target: c.ID, Provision: c.Provision}
		if slices.ContainsFunc(withdrawn, func(w gazette.Relation) bool { return w.Same(&rel) }) {
			continue
		}
		out = append(out, gazette.Link{Type: c.Type, From: d.ID, To: c.ID, Provision: c.Provision, Date: docDate(d, is), Origin: gazette.OriginText, Text: c.Text})
	}
	return out
}

// dedupe keeps one link per (type, from, to, provision), the first given
// (callers give editors' first, then validity changes, then the text),
// and drops a 引用 read from the text between two documents that another
// link joins already: it says nothing more. Each validity change stays:
// a document may be amended by the same one twice, on different dates.
func dedupe(links []gazette.Link) []gazette.Link {
	var out []gazette.Link
	for _, l := range links {
		if l.Origin == gazette.OriginValidity {
			out = append(out, l)
			continue
		}
		if slices.ContainsFunc(out, func(o gazette.Link) bool {
			return o.From == l.From && o.To == l.To && (o.Type == l.Type && o.Provision == l.Provision || l.Type == gazette.Cites && l.Origin == gazette.OriginText)
		}) {
			continue
		}
		out = append(out, l)
	}
	slices.SortStableFunc(out, func(x, y gazette.Link) int {
		return cmp.Or(x.Date.Compare(y.Date), compareIDs(x.From, y.From), compareIDs(x.To, y.To))
	})
	return out
}

// Relations returns the relations of the published document id in both
// directions, each with its date, in date order: Out, what it makes (to
// documents that are published: a relation to one under embargo is not
// shown until it is published), and In, what published documents make to
// it. Errors: gazette.ErrNotFound (not published), gazette.ErrInvalid (a
// malformed ID), storage and index errors. Safe for concurrent use.
func (a *Archive) Relations(ctx context.Context, id string) (*gazette.Relations, error) {
	rs, _, err := a.Links(ctx, id, -1)
	return rs, err
}

// Links reads, in one pass, the connections a document's page shows: the
// relations of the published document id in both directions, as Relations
// gives them, and the citations in the text of its version v (0: the
// current one), resolved as Citations resolves them. The current text's
// citations are found and resolved once for both; v < 0 asks for the
// relations only. Errors: those of Relations, and gazette.ErrNotFound for a
// version the document does not have. Safe for concurrent use.
func (a *Archive) Links(ctx context.Context, id string, v int) (*gazette.Relations, []cite.Found, error) {
	if _, _, err := gazette.ParseDocumentID(id); err != nil {
		return nil, nil, fmt.Errorf("archive: relations of %s: %w", id, err)
	}
	m, seq, err := a.docManifest(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("archive: relations of %s: %w", id, err)
	}
	self, err := a.load(ctx, m, seq, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("archive: relations of %s: %w", id, err)
	}
	var shown *gazette.Document
	if v > 0 && v != len(self.history.Versions) {
		l, err := a.load(ctx, m, seq, v)
		if err != nil {
			return nil, nil, fmt.Errorf("archive: document %s: %w", id, err)
		}
		shown = &l.doc
	}
	return a.links(ctx, self, shown, v < 0)
}

// PageLinks is Links for the page of a document that DocumentPage or
// DocumentAt has just read: d is the version the page shows, h the
// document's history. When d is the current version, neither is read
// again, and the relations and citations are those of the same reading.
// Errors are those of Links. Safe for concurrent use.
func (a *Archive) PageLinks(ctx context.Context, d *gazette.Document, h *gazette.History) (*gazette.Relations, []cite.Found, error) {
	if h == nil || h.ID != d.ID || d.Version != len(h.Versions) {
		return a.Links(ctx, d.ID, d.Version)
	}
	m, _, err := a.sharedDocManifest(ctx, d.ID) // links only reads it
	if err != nil {
		return nil, nil, fmt.Errorf("archive: relations of %s: %w", d.ID, err)
	}
	return a.links(ctx, &loaded{doc: *d, history: *h, manifest: m}, nil, false)
}

// links works out what Links gives for self, the current version of a
// document as read with its history and manifest: its relations, and the
// citations of shown, another of its versions (nil: self), unless
// relationsOnly.
func (a *Archive) links(ctx context.Context, self *loaded, shown *gazette.Document, relationsOnly bool) (*gazette.Relations, []cite.Found, error) {
	id, is := self.doc.ID, &self.manifest.Issue
	r := a.newResolver(is.Gazette)
	r.docs[id] = self
	own, err := r.citations(ctx, &self.doc, is)
	if err != nil {
		return nil, nil, fmt.Errorf("archive: citations of %s: %w", id, err)
	}
	rs, err := a.relations(ctx, r, self, own)
	if err != nil {
		return nil, nil, fmt.Errorf("archive: relations of %s: %w", id, err)
	}
	if relationsOnly {
		return rs, nil, nil
	}
	found := slices.Clone(own)
	if shown != nil {
		if found, err = r.citations(ctx, shown, is); err != nil {
			return nil, nil, fmt.Errorf("archive: citations of %s: %w", id, err)
		}
	}
	markWithdrawn(found, &self.history)
	return rs, found, nil
}

// relations works out the relations of self (a document's current
// version, read by r) in both directions; own are the resolved citations
// of its text.
func (a *Archive) relations(ctx context.Context, r *resolver, self *loaded, own []cite.Found) (*gazette.Relations, error) {
	id := self.doc.ID
	shown := func(other string) (bool, error) {
		o, err := r.published(ctx, other)
		return o != nil, err
	}
	rs := &gazette.Relations{ID: id}

	// Out: recorded, validity changes it caused, its text.
	var out []gazette.Link
	for _, rel := range gazette.Effective(self.history.Relations) {
		out = append(out, editorLink(self, rel))
	}
	affected, err := a.Affected(ctx, id)
	if err != nil {
		return nil, err
	}
	for i := range affected {
		out = append(out, validityLinks(&affected[i], id)...)
	}
	out = append(out, citationLinks(self, own, "")...)
	for _, l := range dedupe(out) {
		ok, err := shown(l.To)
		if err != nil {
			return nil, err
		}
		if ok {
			rs.Out = append(rs.Out, l)
		}
	}

	// In: recorded by others, its own validity changes, citing texts.
	var in []gazette.Link
	makers, err := a.idsUnder(ctx, relatedPrefix(id))
	if err != nil {
		return nil, err
	}
	slices.SortFunc(makers, compareIDs)
	for _, mk := range makers {
		l, err := r.published(ctx, mk)
		if err != nil {
			return nil, err
		}
		if l == nil || mk == id {
			continue
		}
		for _, rel := range gazette.Effective(l.history.Relations) {
			if rel.Target == id {
				in = append(in, editorLink(l, rel))
			}
		}
	}
	in = append(in, validityLinks(&self.history, "")...)
	var citing []string
	refs := ownRefs(&self.doc, self.manifest.Issue.Gazette)
	for _, ref := range refs {
		ids, err := a.idsUnder(ctx, citedPrefix(ref))
		if err != nil {
			return nil, err
		}
		for _, c := range ids {
			if c != id && !slices.Contains(citing, c) {
				citing = append(citing, c)
			}
		}
	}
	// The latest citing documents first, at most maxCitingRead of them.
	slices.SortFunc(citing, func(x, y string) int { return compareIDs(y, x) })
	if len(citing) > maxCitingRead {
		rs.MoreIn = len(citing) - maxCitingRead
		citing = citing[:maxCitingRead]
	}
	for _, c := range citing {
		l, err := r.published(ctx, c)
		if err != nil {
			return nil, err
		}
		if l == nil {
			continue
		}
		// Resolve in the citing document's own gazette.
		cr := a.newResolver(l.manifest.Issue.Gazette)
		cr.docs = r.docs
		tl, err := cr.textLinks(ctx, l, id, refs)
		if err != nil {
			return nil, err
		}
		in = append(in, tl...)
	}
	for _, l := range dedupe(in) {
		ok, err := shown(l.From)
		if err != nil {
			return nil, err
		}
		if ok {
			rs.In = append(rs.In, l)
		}
	}
	return rs, nil
}

// maxCitingRead bounds the citing documents Relations reads for one
// document: a law cited everywhere lists its latest citations, and says
// how many more there are.
const maxCitingRead = 200

// maxCycleSearch bounds the documents a cycle check visits.
const maxCycleSearch = 500

// AddRelation records a relation that the published document id makes to
// another (rel.Target), appended to its history; Relations shows it in
// both directions from then on. A zero rel.At is set to now. Bad input is
// refused with a gazette.ValidationError naming the field:
//
//   - the target must be another published document: one under embargo
//     (scheduled, not yet released) is refused like one that does not
//     exist, and can be related once it is published;
//   - a date (rel.Since) before either document existed (its signed or
//     published date) is refused;
//   - a relation that changes its target (修改, 废止, 更正, 失效) must come
//     from a document no older than the target;
//   - a relation that would close a cycle of relations of types that
//     cannot form one (all but 引用: A 修改 B 修改 A) is refused, naming
//     the cycle.
//
// Recording a relation that is already in force again updates its note
// and date. An index failure is returned with the stored relation.
// Errors: gazette.ErrInvalid, gazette.ErrNotFound (id not published),
// storage errors. Concurrent changes all land (the append is a
// conditional write, retried). Safe for concurrent use, also across
// replicas.
func (a *Archive) AddRelation(ctx context.Context, id string, rel gazette.Relation) (*gazette.Relations, error) {
	if rel.At.IsZero() {
		rel.At = a.now()
	}
	rel.Withdrawn = false
	if err := a.checkRelation(ctx, id, &rel); err != nil {
		return nil, fmt.Errorf("archive: relate %s: %w", id, err)
	}
	// The reverse hint first: the target lists this document as soon as
	// the history says so (a hint the history never confirms is ignored).
	if err := a.relate(ctx, id, rel.Target); err != nil {
		return nil, fmt.Errorf("archive: relate %s: %w", id, err)
	}
	if _, err := a.update(ctx, id, func(l *loaded) error {
		l.history.Relations = append(l.history.Relations, rel)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("archive: relate %s: %w", id, err)
	}
	a.log.InfoContext(ctx, "relation recorded", "document", id, "type", string(rel.Type), "target", rel.Target, "provision", rel.Provision, "by", rel.By)
	return a.Relations(ctx, id)
}

// WithdrawRelation takes back a relation the published document id makes
// (one an editor recorded, or one its text proposes), by recording it
// withdrawn: the history keeps both records. rel names it by Type, Target
// and Provision; Note may say why. Errors: gazette.ErrInvalid (no such
// relation in force, or bad fields), gazette.ErrNotFound, storage errors.
// Safe for concurrent use.
func (a *Archive) WithdrawRelation(ctx context.Context, id string, rel gazette.Relation) (*gazette.Relations, error) {
	if rel.At.IsZero() {
		rel.At = a.now()
	}
	rel.Withdrawn = true
	if err := rel.Validate(); err != nil {
		return nil, fmt.Errorf("archive: withdraw relation of %s: %w", id, err)
	}
	rs, err := a.Relations(ctx, id)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(rs.Out, func(l gazette.Link) bool {
		return l.Origin != gazette.OriginValidity && l.Type == rel.Type && l.To == rel.Target && l.Provision == rel.Provision
	}) {
		return nil, fmt.Errorf("archive: withdraw relation of %s: %w", id, gazette.ValidationError{{Field: "target",
			Problem: fmt.Sprintf("%s does not %s %s%s", id, rel.Type, rel.Target, rel.Provision), Zh: "本文件与 " + rel.Target + " 之间没有这一关系"}})
	}
	if _, err := a.update(ctx, id, func(l *loaded) error {
		l.history.Relations = append(l.history.Relations, rel)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("archive: withdraw relation of %s: %w", id, err)
	}
	a.log.InfoContext(ctx, "relation withdrawn", "document", id, "type", string(rel.Type), "target", rel.Target, "provision", rel.Provision, "by", rel.By)
	return a.Relations(ctx, id)
}

// checkRelation validates rel, made by the published document id, against
// the archive: see AddRelation.
func (a *Archive) checkRelation(ctx context.Context, id string, rel *gazette.Relation) error {
	if err := rel.Validate(); err != nil {
		return err
	}
	invalid := func(field, problem, zh string) error {
		return gazette.ValidationError{{Field: field, Problem: problem, Zh: zh}}
	}
	if rel.Target == id {
		return invalid("target", "a document cannot relate to itself", "不能与本文件自身建立关系")
	}
	r := a.newResolver("")
	maker, err := r.published(ctx, id)
	if err != nil {
		return err
	}
	if maker == nil {
		return fmt.Errorf("%s is not a published document: %w", id, gazette.ErrNotFound)
	}
	target, err := r.published(ctx, rel.Target)
	if err != nil {
		return err
	}
	if target == nil {
		return invalid("target", fmt.Sprintf("%s is not a published document", rel.Target), "没有编号为 "+rel.Target+" 的已发布文件（尚未发布的文件发布后才能关联）")
	}
	made, concerned := docDate(&maker.doc, &maker.manifest.Issue), docDate(&target.doc, &target.manifest.Issue)
	if !rel.Since.IsZero() {
		for _, d := range []struct {
			date gazette.Date
			id   string
		}{{concerned, rel.Target}, {made, id}} {
			if !d.date.IsZero() && rel.Since.Compare(d.date) < 0 {
				return invalid("since", fmt.Sprintf("%s is before %s existed (%s)", rel.Since, d.id, d.date),
					fmt.Sprintf("%s早于文件 %s 的成文或发布日期%s", rel.Since, d.id, d.date))
			}
		}
	}
	if rel.Type.Changes() && !made.IsZero() && !concerned.IsZero() && made.Compare(concerned) < 0 {
		return invalid("target", fmt.Sprintf("%s (%s) is older than %s (%s), which it cannot %s", id, made, rel.Target, concerned, rel.Type),
			fmt.Sprintf("本文件（%s）早于 %s（%s），不能%s它", made, rel.Target, concerned, rel.Type.Label()))
	}
	if rel.Type.Acyclic() {
		path, err := a.pathOf(ctx, r, rel.Target, id)
		if err != nil {
			return err
		}
		if path != nil {
			cycle := id + " " + rel.Type.Label() + " " + rel.Target
			for _, step := range path {
				cycle += " " + step.Type.Label() + " " + step.To
			}
			return invalid("target", "the relation would close a cycle: "+cycle, "这一关系将形成循环："+cycle)
		}
	}
	return nil
}

// pathOf looks for a chain of relations that cannot form a cycle (all but
// 引用), recorded by editors, by validity changes or read from the text,
// leading from one document to another, and returns its links, or nil if
// there is none within maxCycleSearch documents.
func (a *Archive) pathOf(ctx context.Context, r *resolver, from, to string) ([]gazette.Link, error) {
	type step struct {
		id   string
		path []gazette.Link
	}
	seen := map[string]bool{from: true}
	queue := []step{{id: from}}
	for len(queue) > 0 && len(seen) <= maxCycleSearch {
		s := queue[0]
		queue = queue[1:]
		l, err := r.published(ctx, s.id)
		if err != nil {
			return nil, err
		}
		if l == nil {
			continue
		}
		var next []gazette.Link
		for _, rel := range gazette.Effective(l.history.Relations) {
			next = append(next, editorLink(l, rel))
		}
		affected, err := a.Affected(ctx, s.id)
		if err != nil {
			return nil, err
		}
		for i := range affected {
			next = append(next, validityLinks(&affected[i], s.id)...)
		}
		// and the relations its text proposes (in its own gazette)
		tr := a.newResolver(l.manifest.Issue.Gazette)
		tr.docs = r.docs
		tl, err := tr.textLinks(ctx, l, "", nil)
		if err != nil {
			return nil, err
		}
		next = append(next, tl...)
		for _, n := range next {
			if !n.Type.Acyclic() {
				continue
			}
			p := append(slices.Clone(s.path), n)
			if n.To == to {
				return p, nil
			}
			if !seen[n.To] {
				seen[n.To] = true
				queue = append(queue, step{id: n.To, path: p})
			}
		}
	}
	return nil, nil
}
