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

// comparison is two versions of a document compared.
type comparison struct {
	doc        *gazette.Document // the newer of the two, as asked (to)
	from, to   *gazette.Document
	h          *gazette.History
	is         *gazette.Issue
	blocks     []compareBlock
	changed    int
	fromN, toN int
}

// compareParams reads ?from= and ?to=: two versions of a document of n;
// by default the one before the current and the current.
func compareParams(c *gin.Context) (from, to int, err error) {
	if from, err = versionParam(c.Query("from")); err != nil {
		return 0, 0, badRequest("from: want a version number, 1 or more")
	}
	if to, err = versionParam(c.Query("to")); err != nil {
		return 0, 0, badRequest("to: want a version number, 1 or more")
	}
	if from != 0 && from == to {
		return 0, 0, badRequest("from and to: the same version; give two versions to compare")
	}
	return from, to, nil
}

// compare reads and compares two versions of document id (0: the
// default, see compareParams).
func (s *Server) compare(ctx context.Context, id string, from, to int) (*comparison, error) {
	cur, h, is, err := s.cfg.Archive.DocumentPage(ctx, id, 0)
	if err != nil {
		return nil, err
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
	cmp.blocks = compareBodies(cmp.from.Body, cmp.to.Body)
	for _, b := range cmp.blocks {
		if b.Status != blockSame {
			cmp.changed++
		}
	}
	return cmp, nil
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
	from, to, err := compareParams(c)
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
	key := "cmp:" + id + ":" + strconv.Itoa(from) + ":" + strconv.Itoa(to) + ":" + strconv.FormatBool(side)
	if s.cached(c, s.docs, key, ccDocument) {
		return
	}
	cmp, err := s.compare(c.Request.Context(), id, from, to)
	if err != nil {
		s.failPage(c, err)
		return
	}
	base := compareHref(id, cmp.fromN, cmp.toN)
	cv := compareView{ID: id, Title: clean(cmp.doc.Title), DocNumber: clean(cmp.doc.DocNumber), Side: side,
		From: versionLabel(cmp.h, id, cmp.fromN), To: versionLabel(cmp.h, id, cmp.toN),
		InlineHref: base, SideHref: base + "&view=side", Changed: cmp.changed}
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
	for i := 1; i < len(cmp.h.Versions); i++ {
		href := compareHref(id, i, i+1)
		cv.Pairs = append(cv.Pairs, comparePair{Label: fmt.Sprintf("第%d版 → 第%d版", i, i+1), Href: href, Current: i == cmp.fromN && i+1 == cmp.toN})
	}
	if n := len(cmp.h.Versions); n > 2 {
		cv.Pairs = append(cv.Pairs, comparePair{Label: fmt.Sprintf("刊印原文 → 现行第%d版", n), Href: compareHref(id, 1, n), Current: cmp.fromN == 1 && cmp.toN == n})
	}
	v := s.view(c, "比较第"+strconv.Itoa(cmp.fromN)+"版与第"+strconv.Itoa(cmp.toN)+"版："+cv.Title, base)
	v.NoIndex = true
	v.Data = cv
	s.render(c, "compare", v, s.docs, key, ccDocument)
}

// apiComparison is two versions of a document compared, in the API.
type apiComparison struct {
	ID      string         `json:"id"`
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
	from, to, err := compareParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	key := "api:cmp:" + id + ":" + strconv.Itoa(from) + ":" + strconv.Itoa(to)
	if s.cached(c, s.docs, key, ccAPIDocument) {
		return
	}
	cmp, err := s.compare(c.Request.Context(), id, from, to)
	if err != nil {
		s.fail(c, err)
		return
	}
	version := func(n int) apiVersion {
		v := cmp.h.Versions[n-1]
		av := apiVersion{Number: n, At: v.At, URL: s.abs(versionLabel(cmp.h, id, n).Href)}
		if v.Correction != nil {
			av.Correction = &apiCorrection{Reason: v.Correction.Reason, Date: v.Correction.Date}
		}
		return av
	}
	out := apiComparison{ID: id, From: version(cmp.fromN), To: version(cmp.toN), Changed: cmp.changed, Blocks: cmp.blocks,
		URL: s.abs(compareHref(id, cmp.fromN, cmp.toN))}
	s.writeJSON(c, out, ccAPIDocument, s.docs, key)
}
