package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// Env is the process environment, injected so tests can set it.
type Env struct {
	Getenv   func(string) string
	ReadFile func(string) ([]byte, error)
}

// ErrUsage reports a command line that was wrong; the flag package has
// already said why.
var ErrUsage = errors.New("usage")

// NewFlags returns the flag set of the command name of the program prog
// ("gazette", "serve"), which reports to stderr and does not exit.
func NewFlags(prog, name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(prog+" "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// Parse parses args, mapping -h and bad flags to ErrUsage.
func Parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return ErrUsage
	}
	return nil
}

// Setting resolves one setting: the flag if given on the command line, else
// the environment variable if set, else the flag's default.
func Setting(fs *flag.FlagSet, e Env, flagName, envName string) string {
	if f := fs.Lookup(flagName); f != nil && given(fs, flagName) {
		return f.Value.String()
	}
	if v := e.Getenv(envName); v != "" {
		return v
	}
	if f := fs.Lookup(flagName); f != nil {
		return f.DefValue
	}
	return ""
}

// given reports whether the flag name was set on the command line.
func given(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

// Secret reads a secret from NAME or from the file NAME_FILE names (for
// Docker and Kubernetes secrets); setting both is an error.
func Secret(e Env, name string) (string, error) {
	v, file := e.Getenv(name), e.Getenv(name+"_FILE")
	switch {
	case v != "" && file != "":
		return "", fmt.Errorf("%s and %s_FILE are both set: set one", name, name)
	case file != "":
		raw, err := e.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("%s_FILE: %w", name, err)
		}
		return strings.TrimRight(string(raw), "\r\n"), nil
	}
	return v, nil
}

// duration reads a positive duration such as 5s from the variable name;
// unset is 0, which leaves the default to the package configured.
func duration(e Env, name string) (time.Duration, error) {
	v := e.Getenv(name)
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s: want a positive duration such as 5s or 500ms, got %q", name, v)
	}
	return d, nil
}
