package frontend

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/gazette-archive/gazette/gazette"
)

// Two versions of a document compared: their bodies are cut at the
// headings of their chapters, sections and articles (gazette.Headings),
// the pieces paired by anchor (第十三条 with 第十三条, whatever moved around
// it), and each pair compared character by character with go-diff, so that
// a changed character of Chinese text is marked alone.

// compareTimeout bounds the diff of one pair of pieces; past it go-diff
// answers with a coarser diff, still correct.
const compareTimeout = 500 * time.Millisecond

// Diff operations as the API names them.
const (
	opEqual  = "equal"
	opDelete = "delete"
	opInsert = "insert"
)

// diffOp is a run of text kept, deleted or inserted.
type diffOp struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

// Block statuses.
const (
	blockSame    = "same"
	blockChanged = "changed"
	blockAdded   = "added"
	blockRemoved = "removed"
)

// compareBlock is one chapter, section or article (or the text before the
// first of them, Anchor "") in both versions.
type compareBlock struct {
	Anchor string   `json:"anchor,omitempty"`
	Label  string   `json:"label,omitempty"`
	Status string   `json:"status"`
	Diff   []diffOp `json:"diff"`
}

// piece is the text of one heading up to the next.
type piece struct {
	anchor, label, text string
}

// pieces cuts a body at its headings.
func pieces(body []string) []piece {
	hs := gazette.Headings(body)
	var out []piece
	start, anchor, label := 0, "", ""
	flush := func(end int) {
		if end > start || anchor != "" {
			out = append(out, piece{anchor, label, strings.Join(body[start:end], "\n")})
		}
	}
	for _, h := range hs {
		flush(h.Para)
		start, anchor, label = h.Para, h.Anchor, h.Label
	}
	flush(len(body))
	return out
}

// compareBodies compares two bodies piece by piece, aligned by anchor, in
// the order of the newer text with removed pieces where they stood.
func compareBodies(from, to []string) []compareBlock {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = compareTimeout
	old, cur := pieces(from), pieces(to)
	inOld := map[string]int{}
	for i, p := range old {
		inOld[p.anchor] = i
	}
	inCur := map[string]bool{}
	for _, p := range cur {
		inCur[p.anchor] = true
	}
	var out []compareBlock
	next := 0 // the first old piece not yet shown
	removedUpTo := func(end int) {
		for ; next < end; next++ {
			if p := old[next]; !inCur[p.anchor] {
				out = append(out, compareBlock{Anchor: p.anchor, Label: p.label, Status: blockRemoved, Diff: []diffOp{{opDelete, p.text}}})
			}
		}
	}
	for _, p := range cur {
		i, ok := inOld[p.anchor]
		if !ok {
			out = append(out, compareBlock{Anchor: p.anchor, Label: p.label, Status: blockAdded, Diff: []diffOp{{opInsert, p.text}}})
			continue
		}
		if i >= next {
			removedUpTo(i)
			next = i + 1
		}
		o := old[i]
		if o.text == p.text {
			out = append(out, compareBlock{Anchor: p.anchor, Label: p.label, Status: blockSame, Diff: []diffOp{{opEqual, p.text}}})
			continue
		}
		diffs := dmp.DiffCleanupSemantic(dmp.DiffMain(o.text, p.text, false))
		b := compareBlock{Anchor: p.anchor, Label: p.label, Status: blockChanged}
		for _, d := range diffs {
			op := opEqual
			switch d.Type {
			case diffmatchpatch.DiffDelete:
				op = opDelete
			case diffmatchpatch.DiffInsert:
				op = opInsert
			}
			b.Diff = append(b.Diff, diffOp{op, d.Text})
		}
		out = append(out, b)
	}
	removedUpTo(len(old))
	return out
}

// compareHref is the page comparing versions from and to of document id.
func compareHref(id string, from, to int) string {
	return "/documents/" + id + "/compare?from=" + strconv.Itoa(from) + "&to=" + strconv.Itoa(to)
}

// compareWithHref is the page comparing the current text of document id
// with that of another, with (the text that amends or replaces it).
func compareWithHref(id, with string) string {
	return "/documents/" + id + "/compare?with=" + with
}

// comparison is two versions of a document compared, or the current texts
// of two documents (with).
type comparison struct {
	doc        *gazette.Document // the newer of the two, as asked (to)
	from, to   *gazette.Document
	h          *gazette.History
	is         *gazette.Issue
	blocks     []compareBlock
	changed    int
	fromN, toN int
	// with is the other document compared (to), and oh its history; ""
	// when two versions of one document are compared.
	with string
	oh   *gazette.History
}

// compareParams reads ?from= and ?to=: two versions of a document of n,
// by default the one before the current and the current; or ?with=,
// another published document (an amended or replacing text published
// later), whose current text is compared with this one's.
func compareParams(c *gin.Context) (from, to int, with string, err error) {
	if from, err = versionParam(c.Query("from")); err != nil {
		return 0, 0, "", badRequest("from: want a version number, 1 or more")
	}
	if to, err = versionParam(c.Query("to")); err != nil {
		return 0, 0, "", badRequest("to: want a version number, 1 or more")
	}
	if from != 0 && from == to {
		return 0, 0, "", badRequest("from and to: the same version; give two versions to compare")
	}
	if raw, ok := c.GetQuery("with"); ok {
		if from != 0 || to != 0 {
			return 0, 0, "", badRequest("with: compare with another document, or two versions with from and to, not both")
		}
		if with, err = canonicalID(raw); err != nil {
			return 0, 0, "", badQuery{"with", "not a document ID such as 2019-12-3", "不是文件编号（如 2019-12-3）"}
		}
		if with == c.Param("id") {
			return 0, 0, "", badRequest("with: the document itself; give another document, or two versions with from and to")
		}
	}
	return from, to, with, nil
}

// compare reads and compares two versions of document id (0: the
// default, see compareParams), or its current text with that of document
// with.
func (s *Server) compare(ctx context.Context, id string, from, to int, with string) (*comparison, error) {
	cur, h, is, err := s.cfg.Archive.DocumentPage(ctx, id, 0)
	if err != nil {
		return nil, err
	}
	if with != "" {
		other, oh, _, err := s.cfg.Archive.DocumentPage(ctx, with, 0)
		if err != nil {
			return nil, err
		}
		cmp := &comparison{h: h, is: is, from: cur, to: other, doc: other, fromN: len(h.Versions), toN: len(oh.Versions), with: with, oh: oh}
		cmp.diff()
		return cmp, nil
	}
	n := len(h.Versions)
	if from == 0 && to == 0 {
		if n < 2 {
			return nil, notFoundDetail(fmt.Sprintf("document %s has only the version printed in the gazette: there is nothing to compare", id))
		}
		from, to = n-1, n
	}
	switch {
	case from == 0 || to == 0:
		return nil, badRequest("from and to: give both versions, or neither for the latest change")
	case from == to:
		return nil, badRequest("from and to: the same version; give two versions to compare")
	case from > n || to > n:
		return nil, notFoundDetail(fmt.Sprintf("document %s has %d versions", id, n))
	}
	read := func(v int) (*gazette.Document, error) {
		if v == n {
			return cur, nil
		}
		d, _, _, err := s.cfg.Archive.DocumentPage(ctx, id, v)
		return d, err
	}
	cmp := &comparison{h: h, is: is, fromN: from, toN: to}
	if cmp.from, err = read(from); err != nil {
		return nil, err
	}
	if cmp.to, err = read(to); err != nil {
		return nil, err
	}
	cmp.doc = cmp.to
	cmp.diff()
	return cmp, nil
}

// diff compares the two texts read.
func (cmp *comparison) diff() {
	cmp.blocks = compareBodies(cmp.from.Body, cmp.to.Body)
	for _, b := range cmp.blocks {
		if b.Status != blockSame {
			cmp.changed++
		}
	}
}

// toVersion names the newer text compared: a version of the document, or
// the current version of the other document.
func (cmp *comparison) toVersion(id string) versionView {
	if cmp.with != "" {
		return versionLabel(cmp.oh, cmp.with, cmp.toN)
	}
	return versionLabel(cmp.h, id, cmp.toN)
}

// compareView is the page of a comparison.
type compareView struct {
	ID, Title, DocNumber string
	From, To             versionView
	Side                 bool // side by side (on wide screens), else inline
	InlineHref, SideHref string
	Changed              int
	Blocks               []blockView
	Versions             []versionView
	Pairs                []comparePair // other comparisons to pick
	// With names the two documents when their texts are compared (the
	// From and To versions then belong to each).
	With *compareDocs
}

// compareDocs are the two documents of a comparison between documents.
type compareDocs struct {
	FromTitle, FromDocNumber, ToTitle, ToDocNumber string
}

// comparePair is a link to another comparison.
type comparePair struct {
	Label, Href string
	Current     bool
}

// blockView is a block of a comparison as the page shows it: inline, the
// runs in order; side by side, the old text (kept and deleted runs) beside
// the new (kept and inserted).
type blockView struct {
	compareBlock
	Inline, Old, New []diffOp
}

// versionLabel names version v of history h.
func versionLabel(h *gazette.History, id string, v int) versionView {
	vv := versionView{Number: v, Href: "/documents/" + id + "?v=" + strconv.Itoa(v), Latest: v == len(h.Versions)}
	if vv.Latest {
		vv.Href = "/documents/" + id
	}
	ver := h.Versions[v-1]
	if ver.Correction != nil {
		vv.Date, vv.Reason = dateLabel(ver.Correction.Date), clean(ver.Correction.Reason)
	} else {
		vv.Date = timeLabel(ver.At)
	}
	return vv
}

func (s *Server) comparePage(c *gin.Context) {
	id, err := canonicalID(c.Param("id"))
	if err != nil {
		s.failPage(c, err)
		return
	}
	from, to, with, err := compareParams(c)
	if err != nil {
		s.failPage(c, err)
		return
	}
	side := false
	switch c.Query("view") {
	case "", "inline":
	case "side":
		side = true
	default:
		s.failPage(c, badRequest("view: want inline or side"))
		return
	}
	key := "cmp:" + id + ":" + strconv.Itoa(from) + ":" + strconv.Itoa(to) + ":" + with + ":" + strconv.FormatBool(side)
	if s.cached(c, s.docs, key, ccDocument) {
		return
	}
	cmp, err := s.compare(c.Request.Context(), id, from, to, with)
	if err != nil {
		s.failPage(c, err)
		return
	}
	base := compareHref(id, cmp.fromN, cmp.toN)
	title := "比较第" + strconv.Itoa(cmp.fromN) + "版与第" + strconv.Itoa(cmp.toN) + "版："
	if with != "" {
		base = compareWithHref(id, with)
		title = "比较两份文件："
	}
	cv := compareView{ID: id, Title: clean(cmp.doc.Title), DocNumber: clean(cmp.doc.DocNumber), Side: side,
		From: versionLabel(cmp.h, id, cmp.fromN), To: cmp.toVersion(id),
		InlineHref: base, SideHref: base + "&view=side", Changed: cmp.changed}
	if with != "" {
		cv.Title, cv.DocNumber = clean(cmp.from.Title), clean(cmp.from.DocNumber)
		cv.With = &compareDocs{FromTitle: cv.Title, FromDocNumber: cv.DocNumber, ToTitle: clean(cmp.to.Title), ToDocNumber: clean(cmp.to.DocNumber)}
	}
	for _, b := range cmp.blocks {
		bv := blockView{compareBlock: b}
		for _, op := range b.Diff {
			op.Text = clean(op.Text)
			bv.Inline = append(bv.Inline, op)
			if op.Op != opInsert {
				bv.Old = append(bv.Old, op)
			}
			if op.Op != opDelete {
				bv.New = append(bv.New, op)
			}
		}
		cv.Blocks = append(cv.Blocks, bv)
	}
	for i := 1; with == "" && i < len(cmp.h.Versions); i++ {
		href := compareHref(id, i, i+1)
		cv.Pairs = append(cv.Pairs, comparePair{Label: fmt.Sprintf("第%d版 → 第%d版", i, i+1), Href: href, Current: i == cmp.fromN && i+1 == cmp.toN})
	}
	if n := len(cmp.h.Versions); with == "" && n > 2 {
		cv.Pairs = append(cv.Pairs, comparePair{Label: fmt.Sprintf("刊印原文 → 现行第%d版", n), Href: compareHref(id, 1, n), Current: cmp.fromN == 1 && cmp.toN == n})
	}
	v := s.view(c, title+cv.Title, base)
	v.NoIndex = true
	v.Data = cv
	s.render(c, "compare", v, s.docs, key, ccDocument)
}

// apiComparison is two versions of a document compared, in the API.
type apiComparison struct {
	ID string `json:"id"`
	// With is the other document whose current text To is, when two
	// documents are compared.
	With    string         `json:"with,omitempty"`
	From    apiVersion     `json:"from"`
	To      apiVersion     `json:"to"`
	Changed int            `json:"changed_blocks"`
	Blocks  []compareBlock `json:"blocks"`
	URL     string         `json:"url"`
}

func (s *Server) apiCompare(c *gin.Context) {
	id, err := canonicalID(c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	from, to, with, err := compareParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	key := "api:cmp:" + id + ":" + strconv.Itoa(from) + ":" + strconv.Itoa(to) + ":" + with
	if s.cached(c, s.docs, key, ccAPIDocument) {
		return
	}
	cmp, err := s.compare(c.Request.Context(), id, from, to, with)
	if err != nil {
		s.fail(c, err)
		return
	}
	version := func(h *gazette.History, vv versionView) apiVersion {
		v := h.Versions[vv.Number-1]
		av := apiVersion{Number: vv.Number, At: v.At, URL: s.abs(vv.Href)}
		if v.Correction != nil {
			av.Correction = &apiCorrection{Reason: v.Correction.Reason, Date: v.Correction.Date}
		}
		return av
	}
	out := apiComparison{ID: id, With: with, From: version(cmp.h, versionLabel(cmp.h, id, cmp.fromN)), Changed: cmp.changed, Blocks: cmp.blocks,
		URL: s.abs(compareHref(id, cmp.fromN, cmp.toN))}
	if with != "" {
		out.To, out.URL = version(cmp.oh, cmp.toVersion(id)), s.abs(compareWithHref(id, with))
	} else {
		out.To = version(cmp.h, cmp.toVersion(id))
	}
	s.writeJSON(c, out, ccAPIDocument, s.docs, key)
}
