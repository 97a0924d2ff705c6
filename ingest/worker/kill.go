package worker

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
)

type killReason int

const (
	killNone killReason = iota
	killTimeout
	killCanceled
	killMemory
	killProtocol
)

// rssSlack is what the parent's watchdog allows above Limits.Memory: the
// runtime's own resident footprint, which the child's RLIMIT_AS budget does
// not count either (it is measured from the child's start-up size).
const rssSlack = 96 << 20

// watchEvery is how often the watchdog samples the child's resident memory.
const watchEvery = 20 * time.Millisecond

// killer ends a child's process group once, remembering why.
type killer struct {
	pid  int
	pipe *os.File

	mu     sync.Mutex
	reason killReason
	detail string
	maxRSS int64 // highest resident size the watchdog saw
}

func (k *killer) kill(r killReason, detail string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.reason != killNone {
		return
	}
	k.reason, k.detail = r, detail
	// Negative pid: the whole process group the child leads.
	_ = syscall.Kill(-k.pid, syscall.SIGKILL)
	// Unblock the reader even if something outside the group holds the pipe.
	_ = k.pipe.Close()
}

func (k *killer) state() (killReason, string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.reason, k.detail
}

// watch kills the child on timeout, on cancellation of the caller's ctx, or
// when its resident memory passes the limit. It returns when watchCtx ends.
func (k *killer) watch(watchCtx, callerCtx context.Context, lim Limits) {
	timer := time.NewTimer(lim.Timeout)
	defer timer.Stop()
	tick := time.NewTicker(watchEvery)
	defer tick.Stop()
	rssLimit := lim.Memory + rssSlack
	for {
		select {
		case <-watchCtx.Done():
			if callerCtx.Err() != nil {
				k.kill(killCanceled, "")
			}
			return
		case <-timer.C:
			k.kill(killTimeout, fmt.Sprintf("no result within %s", lim.Timeout))
			return
		case <-tick.C:
			rss, ok := residentBytes(k.pid)
			if !ok {
				continue
			}
			k.mu.Lock()
			k.maxRSS = max(k.maxRSS, rss)
			k.mu.Unlock()
			if rss > rssLimit {
				k.kill(killMemory, fmt.Sprintf("resident memory %d MiB passed the limit of %d MiB", rss>>20, rssLimit>>20))
				return
			}
		}
	}
}

// classify turns how the child ended into a *ChildError, or nil if it
// finished its work and exited cleanly.
func classify(ps *os.ProcessState, k *killer, r readResult, stderr string, ctx context.Context, lim Limits) *ChildError {
	ce := &ChildError{ExitCode: ps.ExitCode(), Stderr: stderr}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		ce.Signal = ws.Signal().String()
	}
	reason, detail := k.state()
	switch reason {
	case killTimeout:
		ce.Kind, ce.Detail = ErrTimeout, detail
		return ce
	case killCanceled:
		ce.Kind, ce.Cause = ErrCanceled, ctx.Err()
		return ce
	case killMemory:
		ce.Kind, ce.Detail = ErrOutOfMemory, detail
		return ce
	case killProtocol:
		ce.Kind, ce.Detail = ErrProtocol, detail
		return ce
	}
	if ps.Success() {
		switch {
		case r.done != nil:
			return nil
		case r.decodeEr != "":
			ce.Kind, ce.Detail = ErrDecode, r.decodeEr
		default:
			ce.Kind, ce.Detail = ErrProtocol, "child exited without finishing"
		}
		return ce
	}
	fatal := firstLine(stderr, "fatal error: ", "panic: ")
	switch {
	case strings.Contains(stderr, "goroutine stack exceeds") || fatal == "fatal error: stack overflow":
		ce.Kind = ErrStackOverflow
	case strings.HasPrefix(fatal, "fatal error: ") && strings.Contains(fatal, "out of memory"),
		strings.Contains(stderr, "runtime: out of memory"):
		ce.Kind = ErrOutOfMemory
		ce.Detail = fmt.Sprintf("over the limit of %d MiB", lim.Memory>>20)
	default:
		ce.Kind = ErrCrashed
	}
	switch {
	case ce.Detail != "":
	case fatal != "":
		ce.Detail = fatal
	case ce.Signal != "":
		ce.Detail = "killed by signal: " + ce.Signal
	default:
		ce.Detail = fmt.Sprintf("exit status %d", ce.ExitCode)
	}
	return ce
}

// firstLine returns the first line of s that starts with one of prefixes.
func firstLine(s string, prefixes ...string) string {
	for line := range strings.Lines(s) {
		line = strings.TrimRight(line, "\r\n")
		for _, p := range prefixes {
			if strings.HasPrefix(line, p) {
				return line
			}
		}
	}
	return ""
}
