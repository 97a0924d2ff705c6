package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/gazette-archive/gazette/cmd/internal/cli"
	"github.com/gazette-archive/gazette/editorial"
)

// runUser manages editor accounts from the console, to bootstrap the first
// administrator and to recover access: add, passwd, disable, enable, list.
// Passwords are read from a prompt on a terminal, else from the first line
// of stdin; never from the command line, where ps and shell history would
// see them.
func runUser(ctx context.Context, args []string, e cli.Env, stdin io.Reader, stdout, stderr io.Writer) error {
	const usageText = `Usage:
  gazette user add NAME --role editor|chief|admin   (password from the terminal or stdin)
  gazette user passwd NAME                          (password from the terminal or stdin)
  gazette user disable NAME
  gazette user enable NAME
  gazette user list
Storage flags (--data, --storage and GAZETTE_S3_*) as for serve.`
	if len(args) == 0 {
		fmt.Fprintln(stderr, usageText)
		return cli.ErrUsage
	}
	sub, rest := args[0], args[1:]
	fs := cli.NewFlags("gazette", "user "+sub, stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, usageText); fs.PrintDefaults() }
	cli.AddStorageFlags(fs)
	role := fs.String("role", "", "role of the new account: editor, chief or admin")
	// NAME comes first (gazette user add NAME --role R); the flag package
	// stops at the first argument, so it is taken off before parsing.
	var name string
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		name, rest = rest[0], rest[1:]
	}
	if err := cli.Parse(fs, rest); err != nil {
		return err
	}
	if name == "" && fs.NArg() > 0 {
		name = fs.Arg(0)
	} else if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gazette user %s: unexpected arguments %q\n", sub, fs.Args())
		return cli.ErrUsage
	}
	needName := sub != "list"
	if needName != (name != "") || (sub != "add" && *role != "") {
		fmt.Fprintln(stderr, usageText)
		return cli.ErrUsage
	}
	cfg, err := loadStorage(fs, e)
	if err != nil {
		return err
	}
	d, err := cfg.open(ctx, nil, openOptions{})
	if err != nil {
		return err
	}
	defer d.Close()
	svc, err := editorial.New(editorial.Config{Blobs: d.blobs})
	if err != nil {
		return err
	}
	actor := editorial.CommandLine(e.Getenv("USER"))
	switch sub {
	case "add":
		r, err := editorial.ParseRole(*role)
		if err != nil {
			return fmt.Errorf("--role: %w", err)
		}
		if err := editorial.CheckUserName(name); err != nil {
			return err
		}
		pw, err := readNewPassword(stdin, stderr)
		if err != nil {
			return err
		}
		if err := svc.AddUser(ctx, actor, name, r, pw); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "added %s (%s)\n", name, r)
	case "passwd":
		pw, err := readNewPassword(stdin, stderr)
		if err != nil {
			return err
		}
		if err := svc.SetPassword(ctx, actor, name, pw); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password of %s changed; their sessions are signed out\n", name)
	case "disable", "enable":
		if err := svc.SetDisabled(ctx, actor, name, sub == "disable"); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%sd %s\n", sub, name)
	case "list":
		users, err := svc.Users(ctx, actor)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tSTATUS\tCREATED\tLAST SIGN-IN")
		for _, u := range users {
			status := "active"
			if u.Disabled {
				status = "disabled"
			}
			last := "never"
			if !u.LastSignIn.IsZero() {
				last = u.LastSignIn.UTC().Format("2006-01-02 15:04 UTC")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Name, u.Role, status, u.Created.Format(time.DateOnly), last)
		}
		return tw.Flush()
	default:
		fmt.Fprintf(stderr, "gazette user: unknown subcommand %q\n", sub)
		fmt.Fprintln(stderr, usageText)
		return cli.ErrUsage
	}
	return nil
}

// readNewPassword reads a new password: typed twice without echo on a
// terminal, else the first line of stdin (for scripts and secrets piped in).
func readNewPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "New password: ")
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(stderr, "Repeat it: ")
		second, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(first) != string(second) {
			return "", errors.New("the passwords differ")
		}
		return string(first), nil
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, editorial.MaxPasswordBytes+2)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password on stdin (pipe it in, or run on a terminal to be prompted)")
	}
	return line, nil
}
