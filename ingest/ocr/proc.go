package ocr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// ErrNotInstalled means a tool the package needs is not on the PATH. Callers
// mark the page as needing review with the error's text as the reason.
var ErrNotInstalled = errors.New("not installed")

// Limits bounds each tool process.
type Limits struct {
	Timeout   time.Duration // wall clock per process
	Memory    int64         // address-space limit per process, bytes
	MaxOutput int           // bytes of stdout kept; more is an error
}

func (l Limits) withDefaults() Limits {
	if l.Timeout <= 0 {
		l.Timeout = 2 * time.Minute
	}
	if l.Memory <= 0 {
		l.Memory = 2 << 30
	}
	if l.MaxOutput <= 0 {
		l.MaxOutput = 64 << 20
	}
	return l
}

// lookTool finds a tool on the PATH or says which package to install.
func lookTool(name, pkg string) (string, error) {
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("ocr: %s %w (install %s)", name, ErrNotInstalled, pkg)
	}
	return p, nil
}

// run runs a tool in its own process group under lim and returns its stdout.
// The whole group is killed on timeout or when ctx ends.
func run(ctx context.Context, lim Limits, env []string, name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()
	cmd := exec.Command(name, args...)
	if env != nil {
		cmd.Env = env
	}
	out := &capped{max: lim.MaxOutput}
	errBuf := &capped{max: 4 << 10, quiet: true}
	cmd.Stdout, cmd.Stderr = out, errBuf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("ocr: start %s: %w", name, err)
	}
	pid := cmd.Process.Pid
	// Set right after start: the tool is still loading when it applies, long
	// before it has parsed anything hostile.
	rl := unix.Rlimit{Cur: uint64(lim.Memory), Max: uint64(lim.Memory)}
	// Inside a worker child the process already has a lower hard limit,
	// which it may not raise: keep that one.
	var own unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_AS, &own) == nil && own.Max < rl.Max {
		rl = own
	}
	if err := unix.Prlimit(pid, unix.RLIMIT_AS, &rl, nil); err != nil {
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		_ = cmd.Wait()
		return nil, fmt.Errorf("ocr: limit memory of %s: %w", name, err)
	}
	stop := context.AfterFunc(ctx, func() { _ = syscall.Kill(-pid, syscall.SIGKILL) })
	err := cmd.Wait()
	stop()
	switch {
	case ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) && err != nil:
		return nil, fmt.Errorf("ocr: %s timed out after %s", name, lim.Timeout)
	case ctx.Err() != nil && err != nil:
		return nil, fmt.Errorf("ocr: %s: %w", name, ctx.Err())
	case out.over:
		return nil, fmt.Errorf("ocr: %s wrote more than %d bytes", name, lim.MaxOutput)
	case err != nil:
		msg := bytes.TrimSpace(errBuf.buf)
		return nil, fmt.Errorf("ocr: %s: %w: %s", name, err, msg)
	}
	return out.buf, nil
}

// capped keeps at most max bytes; past that it records the overflow and
// (unless quiet) fails the write, which ends the tool with a broken pipe.
type capped struct {
	buf   []byte
	max   int
	over  bool
	quiet bool
}

func (c *capped) Write(p []byte) (int, error) {
	if len(c.buf)+len(p) > c.max {
		c.buf = append(c.buf, p[:c.max-len(c.buf)]...)
		c.over = true
		if c.quiet {
			return len(p), nil
		}
		return 0, errors.New("output limit reached")
	}
	c.buf = append(c.buf, p...)
	return len(p), nil
}
