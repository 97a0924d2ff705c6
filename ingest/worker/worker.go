package worker

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gazette-archive/gazette/ingest/page"
)

// Decoder decodes the file at path in the child, calling emit once per page
// in page order. It must stop at maxPages pages (0: no budget) and return
// the error emit returns, if any. It runs in the child process only.
type Decoder func(ctx context.Context, path string, maxPages int, emit func(page.Page) error) error

// Limits bounds one child. Zero fields take the defaults of DefaultLimits.
type Limits struct {
	Timeout   time.Duration // wall clock, start to exit
	Memory    int64         // bytes the child may use beyond its start-up footprint
	MaxPages  int           // page budget: the child stops after this many pages
	MaxOutput int64         // bytes the parent reads from the child's page pipe
	MaxLine   int           // bytes of one message (one page) on the pipe
	// Exe is the binary started as the child; "" means this process's own
	// executable. Every package initialiser of the binary runs in every
	// child: a small binary whose main only calls MaybeServeChild starts
	// in about 3 ms of CPU where a large one (a server with search
	// engines linked in) takes 30, the cost of 50 pages.
	Exe string
}

// DefaultLimits returns limits fit for a gazette issue of up to some
// thousands of pages.
func DefaultLimits() Limits {
	return Limits{
		Timeout:   2 * time.Minute,
		Memory:    512 << 20,
		MaxPages:  5000,
		MaxOutput: 256 << 20,
		MaxLine:   8 << 20,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.Timeout <= 0 {
		l.Timeout = d.Timeout
	}
	if l.Memory <= 0 {
		l.Memory = d.Memory
	}
	if l.MaxPages <= 0 {
		l.MaxPages = d.MaxPages
	}
	if l.MaxOutput <= 0 {
		l.MaxOutput = d.MaxOutput
	}
	if l.MaxLine <= 0 {
		l.MaxLine = d.MaxLine
	}
	return l
}

// Result is what a child returned, whole or in part.
type Result struct {
	Pages     []page.Page   // in page order; on error, the pages before the failure
	Truncated bool          // the page budget stopped the child before the end of the file
	PeakRSS   int64         // the child's peak resident memory in bytes, from its rusage
	Elapsed   time.Duration // wall clock
}

// message is one line on the pipe from child to parent. Exactly one field is set.
type message struct {
	Page  *page.Page `json:"page,omitempty"`
	Error string     `json:"error,omitempty"`
	Done  *done      `json:"done,omitempty"`
}

type done struct {
	Truncated bool `json:"truncated"`
}

// spec is what the parent tells the child, through envSpec.
type spec struct {
	Job      string `json:"job"`
	Path     string `json:"path"`
	Memory   int64  `json:"memory"`
	MaxPages int    `json:"max_pages"`
}

// envSpec marks a child process and carries its spec. Its presence is the
// only thing that distinguishes a child from an ordinary run of the binary.
const envSpec = "GAZETTE_WORKER_SPEC"

// pipeFD is the child's descriptor for the page pipe: the first of
// exec.Cmd.ExtraFiles. Stdout is left alone so a decoder that prints cannot
// corrupt the protocol.
const pipeFD = 3

// stderrHead is how much of the child's stderr the parent keeps: enough for
// the runtime's fatal-error line and the top of the trace.
const stderrHead = 16 << 10

// Run decodes path with the named job in a child process under lim and
// returns the pages it produced. On failure the error is a *ChildError and
// the Result still holds the pages returned before it.
func Run(ctx context.Context, job, path string, lim Limits) (Result, error) {
	lim = lim.withDefaults()
	start := time.Now()
	var res Result
	exe := lim.Exe
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return res, fmt.Errorf("worker: find own executable: %w", err)
		}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return res, fmt.Errorf("worker: %s: %w", path, err)
	}
	sp, err := json.Marshal(spec{Job: job, Path: abs, Memory: lim.Memory, MaxPages: lim.MaxPages})
	if err != nil {
		return res, fmt.Errorf("worker: encode spec: %w", err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return res, fmt.Errorf("worker: pipe: %w", err)
	}
	defer pr.Close()

	stderr := &headWriter{max: stderrHead}
	cmd := exec.Command(exe)
	cmd.Env = childEnv(os.Environ(), string(sp))
	cmd.ExtraFiles = []*os.File{pw}
	cmd.Stderr = stderr
	// Its own process group, so a kill takes anything it started too; and
	// killed if the parent dies first.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		pw.Close()
		return res, fmt.Errorf("worker: start child: %w", err)
	}
	pw.Close()

	k := &killer{pid: cmd.Process.Pid, pipe: pr}
	watchCtx, stopWatch := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		k.watch(watchCtx, ctx, lim)
	}()

	r := readPipe(pr, lim, &res)
	if r.protocol != "" {
		k.kill(killProtocol, r.protocol)
	}
	waitErr := cmd.Wait()
	stopWatch()
	wg.Wait()
	res.Elapsed = time.Since(start)
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru != nil {
		res.PeakRSS = ru.Maxrss * 1024 // Linux reports kilobytes
	}
	res.Truncated = r.done != nil && r.done.Truncated
	if waitErr != nil && cmd.ProcessState == nil {
		return res, fmt.Errorf("worker: wait for child: %w", waitErr)
	}
	if ce := classify(cmd.ProcessState, k, r, stderr.String(), ctx, lim); ce != nil {
		ce.Job, ce.Path, ce.PagesDone = job, path, len(res.Pages)
		return res, ce
	}
	return res, nil
}

// childEnv is the parent's environment with the spec added and the runtime
// pinned to one thread of Go code: decoding is sequential, and one P keeps
// the child's footprint small.
func childEnv(env []string, sp string) []string {
	out := make([]string, 0, len(env)+2)
	for _, kv := range env {
		if strings.HasPrefix(kv, envSpec+"=") || strings.HasPrefix(kv, "GOMAXPROCS=") || strings.HasPrefix(kv, "GOMEMLIMIT=") {
			continue
		}
		out = append(out, kv)
	}
	out = append(out, envSpec+"="+sp, "GOMAXPROCS=1")
	if raceEnabled && os.Getenv("GORACE") == "" {
		// The race runtime otherwise sleeps a second at every exit.
		out = append(out, "GORACE=atexit_sleep_ms=0")
	}
	return out
}

// readResult is what the parent learnt from the pipe.
type readResult struct {
	done     *done
	decodeEr string // the decoder's error, as the child sent it
	protocol string // why the pipe was abandoned, "" if it was read to its end
}

// readPipe reads messages until EOF, a final message, or a violation.
// Pages are appended to res as they come.
func readPipe(pr io.Reader, lim Limits, res *Result) readResult {
	var rr readResult
	lr := &io.LimitedReader{R: pr, N: lim.MaxOutput + 1}
	br := bufio.NewReaderSize(lr, 64<<10)
	for {
		line, err := readLine(br, lim.MaxLine)
		if lr.N <= 0 {
			rr.protocol = fmt.Sprintf("output exceeds %d bytes", lim.MaxOutput)
			return rr
		}
		if errors.Is(err, errLineTooLong) {
			rr.protocol = fmt.Sprintf("a message exceeds %d bytes", lim.MaxLine)
			return rr
		}
		if len(bytes.TrimSpace(line)) > 0 {
			if rr.done != nil || rr.decodeEr != "" {
				rr.protocol = "output after the final message"
				return rr
			}
			m, jerr := decodeMessage(line)
			if jerr != nil {
				rr.protocol = fmt.Sprintf("unreadable message after page %d: %v", len(res.Pages), jerr)
				return rr
			}
			switch {
			case m.Page != nil:
				if want := len(res.Pages) + 1; m.Page.Number != want {
					rr.protocol = fmt.Sprintf("page %d out of order, want %d", m.Page.Number, want)
					return rr
				}
				if len(res.Pages) >= lim.MaxPages {
					rr.protocol = fmt.Sprintf("more pages than the budget of %d", lim.MaxPages)
					return rr
				}
				res.Pages = append(res.Pages, *m.Page)
			case m.Done != nil:
				rr.done = m.Done
			case m.Error != "":
				rr.decodeEr = m.Error
			default:
				rr.protocol = fmt.Sprintf("empty message after page %d", len(res.Pages))
				return rr
			}
		}
		if err != nil {
			// EOF or a read error (the pipe closed by a kill): either way
			// the child is gone or going, and Wait says how.
			return rr
		}
	}
}

var errLineTooLong = errors.New("line too long")

// readLine reads one newline-terminated line of at most max bytes.
func readLine(br *bufio.Reader, max int) ([]byte, error) {
	var line []byte
	for {
		frag, err := br.ReadSlice('\n')
		if len(line)+len(frag) > max {
			return nil, errLineTooLong
		}
		line = append(line, frag...)
		if err != bufio.ErrBufferFull {
			return line, err
		}
	}
}

// headWriter keeps the first max bytes written to it and discards the rest,
// so a child cannot flood the parent through stderr.
type headWriter struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (w *headWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if room := w.max - len(w.buf); room > 0 {
		w.buf = append(w.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (w *headWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.buf)
}
