package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// Bar reports the progress of a long command: a redrawn bar on a
// terminal, JSON lines (at most one a second) otherwise. Its methods are
// safe for concurrent use.
type Bar struct {
	w        io.Writer
	what     string
	terminal bool
	start    time.Time

	mu   sync.Mutex
	last time.Time
}

// NewBar returns a bar that reports the progress of what to w.
func NewBar(w io.Writer, what string) *Bar {
	return &Bar{w: w, what: what, terminal: IsTerminal(w), start: time.Now()}
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Update reports done of total; the last call (done == total) always prints.
func (p *Bar) Update(done, total int) {
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
