package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/gazette-archive/gazette/cmd/internal/cli"
)

// buildVersion is set at link time: -ldflags "-X main.buildVersion=v1.2.3".
var buildVersion = "dev"

// version is the release and, where the build recorded it, the commit.
func version() string {
	v := buildVersion
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += "+" + s.Value[:12]
			}
		}
	}
	return v
}

func runVersion(_ context.Context, args []string, _ cli.Env, _ io.Reader, stdout, stderr io.Writer) error {
	if err := cli.Parse(cli.NewFlags("gazette", "version", stderr), args); err != nil {
		return err
	}
	_, err := fmt.Fprintf(stdout, "gazette %s %s %s/%s\n", version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return err
}
