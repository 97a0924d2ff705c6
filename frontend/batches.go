package frontend

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/ingest/report"
)

// batchRow is a batch as the status page shows it.
type batchRow struct {
	report.BatchSummary
	StateLabel, Started, Updated, Left, Rate string
	Percent                                  int
}

var batchStates = map[string]string{report.BatchRunning: "进行中", report.BatchFinished: "已完成", report.BatchInterrupted: "已中断（重新运行同一命令即可继续）"}

func newBatchRow(b report.BatchSummary) batchRow {
	r := batchRow{BatchSummary: b, StateLabel: batchStates[b.State], Started: releaseLabel(b.Started), Updated: releaseLabel(b.Updated)}
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

func (s *Server) batchesPage(c *gin.Context) {
	all, err := s.cfg.Editorial.Batches(c.Request.Context(), actorOf(c))
	if err != nil {
		s.editorFail(c, err)
		return
	}
	var v batchesView
	for _, b := range all {
		v.Batches = append(v.Batches, newBatchRow(b))
	}
	s.editorPage(c, http.StatusOK, "editor_batches", "入库批次", v)
}

func (s *Server) batchPage(c *gin.Context) {
	b, err := s.cfg.Editorial.Batch(c.Request.Context(), actorOf(c), c.Param("id"))
	if err != nil {
		s.editorFail(c, err)
		return
	}
	s.editorPage(c, http.StatusOK, "editor_batches", "入库批次 "+b.ID, batchesView{Batches: []batchRow{newBatchRow(*b)}, One: true})
}

func (s *Server) apiBatches(c *gin.Context) {
	all, err := s.cfg.Editorial.Batches(c.Request.Context(), actorOf(c))
	if err != nil {
		s.apiFail(c, err)
		return
	}
	if all == nil {
		all = []report.BatchSummary{}
	}
	c.JSON(http.StatusOK, gin.H{"batches": all})
}

func (s *Server) apiBatch(c *gin.Context) {
	b, err := s.cfg.Editorial.Batch(c.Request.Context(), actorOf(c), c.Param("id"))
	if err != nil {
		s.apiFail(c, err)
		return
	}
	c.JSON(http.StatusOK, b)
}
