package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/gazette-archive/gazette/cmd/internal/cli"
	"github.com/gazette-archive/gazette/gazette"
)

// docnumResult is one line of `gazette docnum` output.
type docnumResult struct {
	Input     string  `json:"input"`
	Canonical string  `json:"canonical,omitempty"`
	Kind      string  `json:"kind,omitempty"`
	Agency    string  `json:"agency,omitempty"`
	Year      *int    `json:"year,omitempty"`
	Serial    int     `json:"serial,omitempty"`
	Error     *string `json:"error,omitempty"`
}

func runDocnum(_ context.Context, args []string, _ cli.Env, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := cli.NewFlags("gazette", "docnum", stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: gazette docnum [NUMBER...]\n\nParses each document number (发文字号) given, or each line of standard input,\nand prints one JSON object per input: input, canonical, kind, agency, year, serial;\nor input and error. The exit status is 0 whenever every input was read.")
	}
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	emit := func(in string) error { return enc.Encode(describeDocNumber(in)) }
	if fs.NArg() > 0 {
		for _, a := range fs.Args() {
			if err := emit(a); err != nil {
				return err
			}
		}
		return nil
	}
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if err := emit(strings.TrimSuffix(sc.Text(), "\r")); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read standard input: %w", err)
	}
	return nil
}

func describeDocNumber(in string) docnumResult {
	n, err := gazette.ParseDocNumber(in)
	if err != nil {
		msg := err.Error()
		return docnumResult{Input: in, Error: &msg}
	}
	r := docnumResult{Input: in, Canonical: n.String(), Kind: n.Kind.String(), Agency: n.Agency, Serial: n.Serial}
	if n.Year != 0 {
		r.Year = &n.Year
	}
	return r
}
