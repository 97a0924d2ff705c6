// Command gazette-loadbench measures the reader and the API under load: it
// publishes the sample gazette into the embedded default (a directory and a
// bleve index), serves it, and loads it from a second process, wrk, at 32
// connections, printing requests/s and p50/p99 for the document page, the
// issue page, the API document and the API search, beside the same server
// answering a static file of the same size as the document page (the
// yardstick).
//
// It is a command beside gazette and gazette-eval, and so may wire
// adapters; nothing imports it, and gazette does not link it. make
// bench-serve runs it.
//
//	go run ./cmd/gazette-loadbench                 # the measurement
//	go run ./cmd/gazette-loadbench -serve :8081    # just serve the sample gazette
//	go run ./cmd/gazette-loadbench -sample=false -data /tmp/many -cpuprofile /tmp/cpu.out
//	                                               # the many documents only, published once into
//	                                               # /tmp/many and reused, with the server's profile
//	go run ./cmd/gazette-loadbench -sample=false -data /tmp/many -trace /tmp/trace.out
//	                                               # the same with an execution trace (go tool trace)
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"strings"
	"syscall"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/archive/fsblobs"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gazette-loadbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("gazette-loadbench", flag.ContinueOnError)
	serve := fs.String("serve", "", "only serve the sample gazette at this address until interrupted")
	duration := fs.Duration("d", 10*time.Second, "duration of each wrk run")
	conns := fs.Int("c", 32, "connections")
	threads := fs.Int("t", 2, "wrk threads")
	docs := fs.Int("docs", 100_000, "documents in the archive read at random (0: skip that part)")
	sample := fs.Bool("sample", true, "measure the sample gazette's pages beside the static file")
	data := fs.String("data", "", "keep the archive of -docs documents in this directory, published on first use and reused after (default: a temporary one)")
	cpuprofile := fs.String("cpuprofile", "", "write the server's CPU profile while it serves random documents to this file")
	traceFile := fs.String("trace", "", "write the server's execution trace (runtime/trace: GC pauses and assists, scheduling, system calls) while it serves random documents to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "gazette-loadbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// The server here runs as gazette serve does.
	fmt.Fprintf(out, "GOMAXPROCS %d\n", frontend.ServeProcs(os.Getenv("GOMAXPROCS") != ""))
	if *sample || *serve != "" {
		if err := sampleGazette(ctx, out, dir, *serve, *threads, *conns, *duration); err != nil {
			return err
		}
	}
	if *docs > 0 && *serve == "" {
		many := *data
		if many == "" {
			many = filepath.Join(dir, "many")
		}
		return uncached(ctx, out, many, *docs, *threads, *duration, *cpuprofile, *traceFile)
	}
	return nil
}

// sampleGazette publishes the sample gazette into dir and serves it: at
// serve until interrupted, or else under wrk, target by target.
func sampleGazette(ctx context.Context, out io.Writer, dir, serve string, threads, conns int, duration time.Duration) error {
	blobs, err := fsblobs.Open(filepath.Join(dir, "data"))
	if err != nil {
		return err
	}
	idx, err := bleveindex.Open(filepath.Join(dir, "index"))
	if err != nil {
		return err
	}
	defer idx.Close()
	a := archive.New(blobs, idx, nil)
	if err := frontendtest.Publish(ctx, a, frontendtest.Gazette()...); err != nil {
		return err
	}
	addr := "127.0.0.1:0"
	if serve != "" {
		addr = serve
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	srv, err := frontend.New(frontend.Config{Archive: a, PublicURL: base, APIRate: -1})
	if err != nil {
		return err
	}
	// The yardstick: a static file as large as the document page, served by
	// the same server.
	docPage, err := fetch(srv, "/documents/2019-12-2")
	if err != nil {
		return err
	}
	static := filepath.Join(dir, "static.html")
	if err := os.WriteFile(static, docPage, 0o644); err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/bench/static.html", func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, static) })
	mux.Handle("/", srv)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	defer hs.Close()
	if serve != "" {
		fmt.Fprintf(out, "serving the sample gazette at %s (Ctrl-C to stop)\n", base)
		<-ctx.Done()
		return nil
	}
	if _, err := exec.LookPath("wrk"); err != nil {
		return errors.New("wrk not found: apt-get install wrk")
	}
	targets := []struct{ name, path string }{
		{"static file (yardstick)", "/bench/static.html"},
		{"document page", "/documents/2019-12-2"},
		{"issue page", "/issues/2019/12"},
		{"API document", "/api/v1/documents/2019-12-2"},
		{"API search", "/api/v1/search?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83"},
	}
	fmt.Fprintf(out, "wrk -t%d -c%d -d%s against %s (document page %d bytes)\n", threads, conns, duration, base, len(docPage))
	fmt.Fprintf(out, "%-26s %10s %10s %10s %10s\n", "target", "req/s", "p50", "p99", "bytes")
	for _, tg := range targets {
		body, err := fetch(srv, tg.path)
		if err != nil && tg.path != "/bench/static.html" {
			return err
		}
		if tg.path == "/bench/static.html" {
			body = docPage
		}
		r, err := wrk(ctx, base+tg.path, threads, conns, duration, "")
		if err != nil {
			return fmt.Errorf("%s: %w", tg.name, err)
		}
		fmt.Fprintf(out, "%-26s %10.0f %10s %10s %10d\n", tg.name, r.rps, r.p50, r.p99, len(body))
	}
	return nil
}

// Shape of the archive uncached builds: issues of docsPerIssue documents,
// issuesPerYear a year from firstYear (archivetest.NewSample counts the
// running numbers from 2000).
const (
	docsPerIssue  = 50
	issuesPerYear = 24
	firstYear     = 2000
)

// uncached publishes n documents into dir (storage only: a document's
// page needs no search index), unless an earlier run published them there,
// serves them, and loads the server at 16 connections with random
// documents and then with one. Beside each run's latencies it prints the
// server's CPU time and heap allocations per request: the load on a
// shared machine moves the latencies, not those. With a cpuprofile, the
// server is profiled while it serves random documents; with a trace file,
// traced, to see what makes the slowest requests slow.
func uncached(ctx context.Context, out io.Writer, dir string, n, threads int, d time.Duration, cpuprofile, traceFile string) error {
	const conns = 16
	blobs, err := fsblobs.Open(filepath.Join(dir, "store"))
	if err != nil {
		return err
	}
	a := archive.New(blobs, nil, nil)
	issues := (n + docsPerIssue - 1) / docsPerIssue
	done := filepath.Join(dir, fmt.Sprintf("published-%d", n))
	if _, err := os.Stat(done); err == nil {
		fmt.Fprintf(out, "\n%d documents in %d issues, published in %s before\n", n, issues, dir)
	} else {
		start := time.Now()
		for i := range issues {
			s := archivetest.NewSample(firstYear+i/issuesPerYear, i%issuesPerYear+1, min(docsPerIssue, n-i*docsPerIssue))
			if _, err := a.Manifest(ctx, s.Issue.Key()); err == nil {
				continue // published by a run that stopped before the rest
			}
			if _, err := a.Publish(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
				return fmt.Errorf("publish %s: %w", s.Issue.Key(), err)
			}
		}
		if err := os.WriteFile(done, nil, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(out, "\n%d documents in %d issues published in %s\n", n, issues, time.Since(start).Round(time.Second))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	srv, err := frontend.New(frontend.Config{Archive: a, PublicURL: base, APIRate: -1})
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	defer hs.Close()
	// wrk asks for a document picked at random from the n, by its ID.
	script := filepath.Join(dir, "random.lua")
	lua := fmt.Sprintf(`math.randomseed(os.time())
request = function()
  local i = math.random(0, %d)
  local issue = math.floor(i / %d)
  local path = string.format("/documents/%%d-%%d-%%d", %d + math.floor(issue / %d), issue %% %d + 1, i %% %d + 1)
  return wrk.format("GET", path)
end
`, n-1, docsPerIssue, firstYear, issuesPerYear, issuesPerYear, docsPerIssue)
	if err := os.WriteFile(script, []byte(lua), 0o644); err != nil {
		return err
	}
	one := fmt.Sprintf("/documents/%d-1-1", firstYear)
	if _, err := fetch(srv, one); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrk -t%d -c%d -d%s, %d documents\n", threads, conns, d, n)
	fmt.Fprintf(out, "%-26s %10s %10s %10s %10s %12s\n", "target", "req/s", "p50", "p99", "CPU/req", "allocs/req")
	for _, tg := range []struct{ name, url, script string }{
		{"random documents (uncached)", base + "/", script},
		{"one document (cached)", base + one, ""},
	} {
		if cpuprofile != "" && tg.script != "" {
			f, err := os.Create(cpuprofile)
			if err != nil {
				return err
			}
			defer f.Close()
			if err := pprof.StartCPUProfile(f); err != nil {
				return err
			}
		}
		if traceFile != "" && tg.script != "" {
			f, err := os.Create(traceFile)
			if err != nil {
				return err
			}
			defer f.Close()
			if err := trace.Start(f); err != nil {
				return err
			}
		}
		before := usage()
		r, err := wrk(ctx, tg.url, threads, conns, d, tg.script)
		after := usage()
		if cpuprofile != "" && tg.script != "" {
			pprof.StopCPUProfile()
		}
		if traceFile != "" && tg.script != "" {
			trace.Stop()
		}
		if err != nil {
			return fmt.Errorf("%s: %w", tg.name, err)
		}
		req := float64(max(r.requests, 1))
		cpu := time.Duration(float64(after.cpu-before.cpu) / req)
		fmt.Fprintf(out, "%-26s %10.0f %10s %10s %10s %12.0f\n", tg.name, r.rps, r.p50, r.p99, cpu.Round(time.Microsecond), float64(after.allocs-before.allocs)/req)
	}
	return nil
}

// resources is what this process, the server, has used so far.
type resources struct {
	cpu    time.Duration // user and system time
	allocs uint64        // heap objects allocated
}

func usage() resources {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return resources{cpu: time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), allocs: ms.Mallocs}
}

// fetch gets one response body through the handler, to check it is served.
func fetch(h http.Handler, path string) ([]byte, error) {
	req, _ := http.NewRequest(http.MethodGet, path, nil)
	rec := &recorder{header: http.Header{}}
	h.ServeHTTP(rec, req)
	if rec.status != 0 && rec.status != 200 {
		return nil, fmt.Errorf("GET %s: status %d", path, rec.status)
	}
	return rec.body.Bytes(), nil
}

type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(s int)           { r.status = s }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }

type result struct {
	rps      float64
	requests int64
	p50, p99 string
}

var (
	rpsRE = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	reqRE = regexp.MustCompile(`(\d+) requests in`)
	pctRE = regexp.MustCompile(`^\s+(50|99)%\s+(\S+)`)
	errRE = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
)

// wrk runs wrk against url, with the Lua script if one is given, and reads
// its summary.
func wrk(ctx context.Context, url string, threads, conns int, d time.Duration, script string) (result, error) {
	args := []string{fmt.Sprintf("-t%d", threads), fmt.Sprintf("-c%d", conns), "-d" + d.String(), "--latency"}
	if script != "" {
		args = append(args, "-s", script)
	}
	cmd := exec.CommandContext(ctx, "wrk", append(args, url)...)
	outb, err := cmd.CombinedOutput()
	if err != nil {
		return result{}, fmt.Errorf("wrk: %v: %s", err, outb)
	}
	var r result
	if m := errRE.FindSubmatch(outb); m != nil {
		return r, fmt.Errorf("wrk saw %s failed responses", m[1])
	}
	m := rpsRE.FindSubmatch(outb)
	if m == nil {
		return r, fmt.Errorf("no Requests/sec in wrk output: %s", outb)
	}
	fmt.Sscan(string(m[1]), &r.rps)
	if m := reqRE.FindSubmatch(outb); m != nil {
		fmt.Sscan(string(m[1]), &r.requests)
	}
	sc := bufio.NewScanner(bytes.NewReader(outb))
	for sc.Scan() {
		if pm := pctRE.FindStringSubmatch(sc.Text()); pm != nil {
			if pm[1] == "50" {
				r.p50 = pm[2]
			} else {
				r.p99 = pm[2]
			}
		}
	}
	if r.p50 == "" || strings.TrimSpace(r.p99) == "" {
		return r, fmt.Errorf("no latency distribution in wrk output: %s", outb)
	}
	return r, nil
}
