package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progressBar reports the progress of a long command: a redrawn bar on a
// terminal, JSON lines (at most one a second) otherwise.
type progressBar struct {
	w        io.Writer
	what     string
	terminal bool
	start    time.Time

	mu   sync.Mutex
	last time.Time
}

func newProgressBar(w io.Writer, what string) *progressBar {
	return &progressBar{w: w, what: what, terminal: isTerminal(w), start: time.Now()}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Update reports done of total; the last call (done == total) always prints.
func (p *progressBar) Update(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if done < total && now.Sub(p.last) < 100*time.Millisecond || (!p.terminal && done < total && now.Sub(p.last) < time.Second) {
		return
	}
	p.last = now
	elapsed := now.Sub(p.start).Seconds()
	rate := float64(done) / max(elapsed, 1e-3)
	left := time.Duration(float64(total-done)/max(rate, 1e-9)) * time.Second
	if !p.terminal {
		json.NewEncoder(p.w).Encode(map[string]any{"progress": p.what, "done": done, "total": total, "per_second": int(rate), "eta_seconds": int(left.Seconds())})
		return
	}
	const width = 30
	filled := 0
	if total > 0 {
		filled = done * width / total
	}
	fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d  %.0f/s  %s left ", p.what, strings.Repeat("█", filled), strings.Repeat("·", width-filled), done, total, rate, left.Round(time.Second))
	if done == total {
		fmt.Fprintln(p.w)
	}
}
