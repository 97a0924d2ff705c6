package frontend

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/ingest/report"
)

// batchRow is a batch as the status page shows it.
type batchRow struct {
	report.BatchSummary
	StateLabel, Started, Updated, Left, Rate string
	Percent                                  int
	// Quality is the sampling proofread's estimate over its issues.
	Quality batchQualityRow
}

var batchStates = map[string]string{report.BatchRunning: "进行中", report.BatchFinished: "已完成", report.BatchInterrupted: "已中断（重新运行同一命令即可继续）"}

func newBatchRow(b report.BatchSummary, q map[string]editorial.BatchQuality) batchRow {
	r := batchRow{BatchSummary: b, StateLabel: batchStates[b.State], Started: releaseLabel(b.Started), Updated: releaseLabel(b.Updated),
		Quality: newBatchQualityRow(q[b.ID])}
	if b.Files > 0 {
		r.Percent = min(100, b.Done*100/b.Files)
	}
	if b.PagesPerMinute > 0 {
		r.Rate = fmt.Sprintf("每分钟 %.0f 页", b.PagesPerMinute)
	}
	if b.SecondsLeft != nil {
		r.Left = "约 " + (time.Duration(*b.SecondsLeft) * time.Second).Round(time.Minute).String()
	}
	return r
}

type batchesView struct {
	Batches []batchRow
	One     bool
}

// readBatches reads the batches a request asks for, one (its :id) or
// all, with the sampling proofread's estimates by batch ID.
func (s *Server) readBatches(c *gin.Context, one bool) ([]report.BatchSummary, map[string]editorial.BatchQuality, error) {
	ctx, actor := c.Request.Context(), actorOf(c)
	var all []report.BatchSummary
	if one {
		b, err := s.cfg.Editorial.Batch(ctx, actor, c.Param("id"))
		if err != nil {
			return nil, nil, err
		}
		all = []report.BatchSummary{*b}
	} else {
		var err error
		if all, err = s.cfg.Editorial.Batches(ctx, actor); err != nil {
			return nil, nil, err
		}
	}
	q, err := s.cfg.Editorial.Quality(ctx, actor)
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[string]editorial.BatchQuality, len(q.Batches))
	for _, b := range q.Batches {
		byID[b.ID] = b
	}
	return all, byID, nil
}

func (s *Server) batchesPage(c *gin.Context) {
	all, q, err := s.readBatches(c, false)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	var v batchesView
	for _, b := range all {
		v.Batches = append(v.Batches, newBatchRow(b, q))
	}
	s.editorPage(c, http.StatusOK, "editor_batches", "入库批次", v)
}

func (s *Server) batchPage(c *gin.Context) {
	one, q, err := s.readBatches(c, true)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	s.editorPage(c, http.StatusOK, "editor_batches", "入库批次 "+one[0].ID, batchesView{Batches: []batchRow{newBatchRow(one[0], q)}, One: true})
}

// apiBatchBody is a batch as the API answers it, with the sampling
// proofread's estimate over its issues.
type apiBatchBody struct {
	report.BatchSummary
	Quality editorial.BatchQuality `json:"quality"`
}

func (s *Server) apiBatches(c *gin.Context) {
	all, q, err := s.readBatches(c, false)
	if err != nil {
		s.apiFail(c, err)
		return
	}
	out := make([]apiBatchBody, len(all))
	for i, b := range all {
		out[i] = apiBatchBody{BatchSummary: b, Quality: q[b.ID]}
	}
	c.JSON(http.StatusOK, gin.H{"batches": out})
}

func (s *Server) apiBatch(c *gin.Context) {
	one, q, err := s.readBatches(c, true)
	if err != nil {
		s.apiFail(c, err)
		return
	}
	c.JSON(http.StatusOK, apiBatchBody{BatchSummary: one[0], Quality: q[one[0].ID]})
}
