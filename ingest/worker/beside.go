package worker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"
)

// protocol numbers the pipe protocol and spec; bump it when either changes,
// so that a worker binary built before the change is not used.
const protocol = 1

// buildToken pairs binaries built together: `make build` (and the
// Dockerfile) links the same random token into gazette and gazette-worker
// (-ldflags -X). Without it, only version-control stamps of one clean
// checkout tell that a worker holds this build's code.
var buildToken string

// envProbe asks a binary that calls MaybeServeChild to print its identity
// and exit, instead of running.
const envProbe = "GAZETTE_WORKER_PROBE"

// probeTimeout bounds the probe: a worker starts in milliseconds.
const probeTimeout = 10 * time.Second

// Beside returns the path of the worker binary name in the directory of this
// process's executable, for Limits.Exe, when it is there and was built from
// the same code as this process as far as can be told: the same protocol,
// the same jobs, the same Go release, the same versions of every module it
// links and, where both binaries carry version-control stamps, the same
// revision. Otherwise it returns an error saying why; the caller then leaves
// Limits.Exe empty, and Run re-executes this process instead, which is
// slower to start but always matches. It runs the candidate once to ask.
func Beside(name string, jobs map[string]Decoder) (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("worker: find own executable: %w", err)
	}
	return beside(self, name, identity(jobs))
}

func beside(self, name, want string) (string, error) {
	if resolved, err := filepath.EvalSymlinks(self); err == nil {
		self = resolved
	}
	path := filepath.Join(filepath.Dir(self), name)
	st, err := os.Stat(path)
	switch {
	case err != nil:
		return "", fmt.Errorf("worker: %s: %w", name, err)
	case !st.Mode().IsRegular() || st.Mode().Perm()&0o111 == 0:
		return "", fmt.Errorf("worker: %s is not an executable file", path)
	}
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	var out, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, path)
	cmd.Env = probeEnv()
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("worker: probe %s: %w: %.200s", path, err, stderr.String())
	}
	if err := sameBuild(want, out.String()); err != nil {
		return "", fmt.Errorf("worker: %s was built from other code: %w", path, err)
	}
	return path, nil
}

// probeEnv is the environment of a probe: this one, without a spec.
func probeEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, envSpec+"=") && !strings.HasPrefix(kv, envProbe+"=") {
			env = append(env, kv)
		}
	}
	env = append(env, envProbe+"=1")
	if raceEnabled && os.Getenv("GORACE") == "" {
		env = append(env, "GORACE=atexit_sleep_ms=0") // see childEnv
	}
	return env
}

// identity describes what a worker binary runs, one fact a line: the
// protocol, the jobs, the Go release, the version-control stamps if any,
// then every module it links ("mod PATH VERSION").
func identity(jobs map[string]Decoder) string {
	var b strings.Builder
	names := make([]string, 0, len(jobs))
	for n := range jobs {
		names = append(names, n)
	}
	slices.Sort(names)
	fmt.Fprintf(&b, "protocol %d\njobs %s\ngo %s\n", protocol, strings.Join(names, " "), runtime.Version())
	if buildToken != "" {
		fmt.Fprintf(&b, "build %s\n", buildToken)
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" || s.Key == "vcs.modified" {
				fmt.Fprintf(&b, "%s %s\n", s.Key, s.Value)
			}
		}
		for _, d := range bi.Deps {
			if d.Replace != nil {
				d = d.Replace
			}
			fmt.Fprintf(&b, "mod %s %s\n", d.Path, d.Version)
		}
	}
	return b.String()
}

// sameBuild compares this process's identity with a worker's. The worker
// links a subset of this binary's modules, so its modules must each be
// here at the same version; every other line must be equal, except stamps
// only one side carries (a test binary has none).
func sameBuild(mine, theirs string) error {
	if !strings.HasPrefix(theirs, "protocol ") {
		return errors.New("no worker identity in its answer")
	}
	fields := func(s string) (map[string]string, map[string]string) {
		facts, mods := map[string]string{}, map[string]string{}
		for line := range strings.SplitSeq(strings.TrimSpace(s), "\n") {
			k, v, _ := strings.Cut(line, " ")
			if k == "mod" {
				path, ver, _ := strings.Cut(v, " ")
				mods[path] = ver
			} else {
				facts[k] = v
			}
		}
		return facts, mods
	}
	mf, mm := fields(mine)
	tf, tm := fields(theirs)
	for _, k := range []string{"protocol", "jobs", "go", "vcs.revision", "vcs.modified"} {
		a, inMine := mf[k]
		b, inTheirs := tf[k]
		stamp := strings.HasPrefix(k, "vcs.")
		if a != b && (!stamp || inMine && inTheirs) {
			return fmt.Errorf("%s %q here, %q in the worker", k, a, b)
		}
	}
	// Binaries are known to hold the same code when they were built
	// together (the same token), or from one clean checkout (the same
	// revision, unmodified). Anything else may be a stale worker.
	together := mf["build"] != "" && mf["build"] == tf["build"]
	clean := mf["vcs.revision"] != "" && mf["vcs.modified"] == "false" && tf["vcs.modified"] == "false"
	if !together && !clean {
		return fmt.Errorf("not built together with this binary (build token %q here, %q in the worker) nor from one clean checkout: build both with make build", mf["build"], tf["build"])
	}
	for path, ver := range tm {
		if here, ok := mm[path]; !ok || here != ver {
			return fmt.Errorf("module %s %s in the worker, %q here", path, ver, here)
		}
	}
	return nil
}
