package fsblobs_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/fsblobs"
	"github.com/gazette-archive/gazette/gazette"
)

// The helper process: the test binary re-executed with FSBLOBS_HELPER set
// runs one of the modes below against the store in FSBLOBS_DIR, reporting on
// stdout, and exits.
const (
	helperEnv = "FSBLOBS_HELPER"
	dirEnv    = "FSBLOBS_DIR"
	keyEnv    = "FSBLOBS_KEY"
	nameEnv   = "FSBLOBS_NAME"

	crashSize = 64 << 20 // the object a crashing child writes
)

func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		t.Skip("run as a child process by other tests")
	}
	os.Exit(helperMain(mode))
}

func helperMain(mode string) int {
	ctx := context.Background()
	s, err := fsblobs.Open(os.Getenv(dirEnv))
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	key, name := os.Getenv(keyEnv), os.Getenv(nameEnv)
	switch mode {
	case "crash":
		// Write half of a large object, say so, then hang until killed.
		r := &hangingReader{left: crashSize, hangAt: crashSize / 2}
		_, err := s.Put(ctx, key, r, crashSize, gazette.PutOptions{})
		fmt.Println("error: Put returned:", err)
		return 1
	case "create":
		fmt.Println("ready")
		io.Copy(io.Discard, os.Stdin) // the start signal: stdin closed
		body := strings.Repeat("written by "+name+"\n", 50000)
		_, err := s.Put(ctx, key, strings.NewReader(body), int64(len(body)), gazette.PutOptions{IfAbsent: true})
		switch {
		case err == nil:
			fmt.Println("won")
		case errors.Is(err, gazette.ErrExist):
			fmt.Println("exist")
		default:
			fmt.Println("error:", err)
		}
		return 0
	case "count":
		n, _ := strconv.Atoi(os.Getenv("FSBLOBS_COUNT"))
		fmt.Println("ready")
		io.Copy(io.Discard, os.Stdin)
		for range n {
			if err := increment(ctx, s, key); err != nil {
				fmt.Println("error:", err)
				return 1
			}
		}
		fmt.Println("done")
		return 0
	}
	fmt.Println("error: unknown mode", mode)
	return 2
}

// increment adds one to the number stored at key, with a compare-and-swap
// loop on its ETag.
func increment(ctx context.Context, s *fsblobs.Store, key string) error {
	for {
		r, info, err := s.Open(ctx, key)
		if err != nil {
			return err
		}
		raw, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			return err
		}
		n, err := strconv.Atoi(string(raw))
		if err != nil {
			return err
		}
		next := strconv.Itoa(n + 1)
		_, err = s.Put(ctx, key, strings.NewReader(next), int64(len(next)), gazette.PutOptions{IfMatch: info.ETag})
		if !errors.Is(err, gazette.ErrConflict) {
			return err
		}
	}
}

// hangingReader yields zeros; once hangAt bytes are left and the bytes
// before have been consumed, it prints "ready" and blocks for good.
type hangingReader struct{ left, hangAt int64 }

func (r *hangingReader) Read(p []byte) (int, error) {
	if r.left <= r.hangAt {
		fmt.Println("ready")
		time.Sleep(time.Hour)
	}
	n := min(int64(len(p)), r.left-r.hangAt)
	clear(p[:n])
	r.left -= n
	return int(n), nil
}

// child is a running helper process.
type child struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string // its stdout, line by line; closed at EOF
}

func startChild(t *testing.T, mode string, env ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), append([]string{helperEnv + "=" + mode}, env...)...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, stdin: stdin, lines: make(chan string, 16)}
	go func() {
		defer close(c.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Kill() // fails harmlessly if it has exited
		cmd.Wait()
	})
	return c
}

// next waits for the child's next line and returns it.
func (c *child) next(t *testing.T) string {
	t.Helper()
	select {
	case line, ok := <-c.lines:
		if !ok {
			t.Fatal("child exited without a report")
		}
		return line
	case <-time.After(2 * time.Minute):
		t.Fatal("child silent for 2 minutes")
	}
	return ""
}

func TestCrashDuringWrite(t *testing.T) {
	tests := []struct {
		name string
		old  string // content before the crashed write, "" for none
	}{
		{"new key", ""},
		{"overwrite", "old content"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := openStore(t, dir)
			ctx := context.Background()
			const key = "pdf/big.pdf"
			if tc.old != "" {
				mustPut(t, s, key, tc.old, gazette.PutOptions{})
			}
			c := startChild(t, "crash", dirEnv+"="+dir, keyEnv+"="+key)
			if line := c.next(t); line != "ready" {
				t.Fatalf("child: %s", line)
			}
			// Half the object is in a temporary file now.
			leftovers := tmpFiles(t, dir)
			if len(leftovers) != 1 {
				t.Fatalf("tmp/ holds %v while the child writes, want one file", leftovers)
			}
			// A store opened meanwhile keeps the live writer's file.
			openStore(t, dir)
			if got := tmpFiles(t, dir); len(got) != 1 {
				t.Fatalf("Open removed the temporary file of a live writer: tmp/ holds %v", got)
			}
			if err := c.cmd.Process.Kill(); err != nil { // SIGKILL
				t.Fatal(err)
			}
			c.cmd.Wait()

			if tc.old == "" {
				if _, _, err := s.Open(ctx, key); !errors.Is(err, gazette.ErrNotFound) {
					t.Errorf("Open after the writer died: %v, want ErrNotFound", err)
				}
			} else if got := archivetest.ReadAll(t, s, key); got != tc.old {
				t.Errorf("after the writer died the object reads %d bytes, want the old %q", len(got), tc.old)
			}
			wantListed := 0
			if tc.old != "" {
				wantListed = 1
			}
			if all, err := s.List(ctx, ""); err != nil || len(all) != wantListed {
				t.Errorf("List = %v, %v; want %d objects", all, err, wantListed)
			}
			if got := tmpFiles(t, dir); len(got) != 1 {
				t.Fatalf("tmp/ holds %v before reopening, want the dead writer's file", got)
			}
			openStore(t, dir)
			if got := tmpFiles(t, dir); len(got) != 0 {
				t.Errorf("tmp/ holds %v after reopening, want nothing", got)
			}
			// The store still works, and the key is free or old as before.
			mustPut(t, s, key, "after", gazette.PutOptions{})
		})
	}
}

func TestLiveWriterSurvivesOpen(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	r, w := io.Pipe()
	body := strings.Repeat("公报", 1<<16)
	done := make(chan error, 1)
	go func() {
		_, err := s.Put(context.Background(), "doc", r, int64(len(body)), gazette.PutOptions{IfAbsent: true})
		done <- err
	}()
	half := len(body) / 2
	if _, err := io.WriteString(w, body[:half]); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for len(tmpFiles(t, dir)) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no temporary file appeared")
		}
		time.Sleep(time.Millisecond)
	}
	openStore(t, dir) // another store on the same directory cleans tmp/
	if _, err := io.WriteString(w, body[half:]); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if err := <-done; err != nil {
		t.Fatalf("Put across another Open: %v", err)
	}
	if got := archivetest.ReadAll(t, s, "doc"); got != body {
		t.Errorf("doc reads %d bytes, want %d", len(got), len(body))
	}
}

func TestCrossProcessCreateOnly(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	const n = 4
	for round := range 3 {
		key := fmt.Sprintf("issues/2020/%d.json", round)
		children := make([]*child, n)
		for i := range children {
			children[i] = startChild(t, "create", dirEnv+"="+dir, keyEnv+"="+key, nameEnv+"="+strconv.Itoa(i))
		}
		for _, c := range children {
			if line := c.next(t); line != "ready" {
				t.Fatalf("child: %s", line)
			}
		}
		for _, c := range children { // go
			c.stdin.Close()
		}
		winner := -1
		for i, c := range children {
			switch line := c.next(t); line {
			case "won":
				if winner >= 0 {
					t.Errorf("round %d: children %d and %d both created %s", round, winner, i, key)
				}
				winner = i
			case "exist":
			default:
				t.Errorf("round %d: child %d: %s", round, i, line)
			}
			c.cmd.Wait()
		}
		if winner < 0 {
			t.Fatalf("round %d: no child created %s", round, key)
		}
		want := strings.Repeat("written by "+strconv.Itoa(winner)+"\n", 50000)
		if got := archivetest.ReadAll(t, s, key); got != want {
			t.Errorf("round %d: %s holds %d bytes not written by the winner %d", round, key, len(got), winner)
		}
	}
	if got := tmpFiles(t, dir); len(got) != 0 {
		t.Errorf("tmp/ holds %v after the children finished", got)
	}
}

func TestCrossProcessUpdatesLoseNothing(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	const procs, each = 3, 20
	mustPut(t, s, "counter", "0", gazette.PutOptions{})
	children := make([]*child, procs)
	for i := range children {
		children[i] = startChild(t, "count", dirEnv+"="+dir, keyEnv+"=counter", "FSBLOBS_COUNT="+strconv.Itoa(each))
	}
	for _, c := range children {
		if line := c.next(t); line != "ready" {
			t.Fatalf("child: %s", line)
		}
	}
	for _, c := range children {
		c.stdin.Close()
	}
	// This process increments too, concurrently with the children.
	for range each {
		if err := increment(context.Background(), s, "counter"); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range children {
		if line := c.next(t); line != "done" {
			t.Errorf("child %d: %s", i, line)
		}
		c.cmd.Wait()
	}
	if got, want := archivetest.ReadAll(t, s, "counter"), strconv.Itoa((procs+1)*each); got != want {
		t.Errorf("counter = %s after %s increments: an update was lost", got, want)
	}
}
