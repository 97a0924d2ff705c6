package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"io"
	"log/slog"
	"regexp"
	"strconv"
	"strings"

	"github.com/gazette-archive/gazette/cmd/internal/cli"
	"github.com/gazette-archive/gazette/gazette"
)

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func runSearch(ctx context.Context, args []string, e cli.Env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := cli.NewFlags("gazette", "search", stderr)
	asJSON := fs.Bool("json", false, "print one JSON object: total, hits, facets")
	var kinds, authorities, validity, topics, years listFlag
	fs.Var(&kinds, "kind", "kind: rule, normative, notice, decision, appointment, announcement, other, or its Chinese name (repeatable)")
	fs.Var(&authorities, "authority", "issuing authority, exactly (repeatable)")
	fs.Var(&validity, "validity", "in_force, amended, repealed, expired, not_yet_in_force, or 现行有效 ... (repeatable)")
	fs.Var(&topics, "topic", "topic (repeatable)")
	fs.Var(&years, "year", "year of the issue (repeatable)")
	issue := fs.String("issue", "", "one issue, as 2019-12")
	from := fs.String("from", "", "earliest date, as 2019-04-28 or 2019年4月28日")
	to := fs.String("to", "", "latest date")
	dateField := fs.String("date", "published", "which date --from and --to apply to: signed, published, effective, expiry")
	sort := fs.String("sort", "relevance", "relevance, newest or oldest")
	page := fs.Int("page", 1, "page of results")
	perPage := fs.Int("per-page", gazette.DefaultPerPage, "results per page")
	fs.String("gazette", "", "the gazette's name, e.g. 福建省人民政府公报 (env GAZETTE_NAME): short forms of 文号 such as 省政府令第241号 resolve to its government")
	cli.AddStorageFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: gazette search [flags] QUERY\n\nSearches the archive's index. QUERY: words, \"exact phrases\", -exclusions;\na document number in any spelling brings its document first.")
		fs.PrintDefaults()
	}
	words, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	q := gazette.Query{Text: strings.Join(words, " "), Authorities: authorities, Topics: topics,
		DateField: gazette.DateField(*dateField), Sort: gazette.Sort(*sort), Page: *page, PerPage: *perPage,
		Gazette: cli.Setting(fs, e, "gazette", "GAZETTE_NAME")}
	for _, k := range kinds {
		kind, err := gazette.ParseKind(k)
		if err != nil {
			return fmt.Errorf("--kind: %w", err)
		}
		q.Kinds = append(q.Kinds, kind)
	}
	for _, v := range validity {
		st, err := gazette.ParseValidity(v)
		if err != nil {
			return fmt.Errorf("--validity: %w", err)
		}
		q.Validity = append(q.Validity, st)
	}
	for _, y := range years {
		n, err := strconv.Atoi(y)
		if err != nil {
			return fmt.Errorf("--year: %q is not a year", y)
		}
		q.Years = append(q.Years, n)
	}
	if *issue != "" {
		k, err := gazette.ParseIssueKey(*issue)
		if err != nil {
			return fmt.Errorf("--issue: %w", err)
		}
		q.Issue = &k
	}
	for name, v := range map[string]*string{"--from": from, "--to": to} {
		if *v == "" {
			continue
		}
		d, err := gazette.ParseDate(*v)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if name == "--from" {
			q.From = d
		} else {
			q.To = d
		}
	}
	if err := q.Normalize(); err != nil {
		return err
	}
	storage, err := loadStorage(fs, e)
	if err != nil {
		return err
	}
	d, err := storage.open(ctx, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), openOptions{index: true, handoff: true})
	if err != nil {
		return err
	}
	defer d.Close()
	arch := d.archive
	res, err := arch.Search(ctx, q)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(res)
	}
	printResults(stdout, res, cli.IsTerminal(stdout))
	return nil
}

// parseInterleaved parses flags given before, between or after the words.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var words []string
	for {
		if err := cli.Parse(fs, args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return words, nil
		}
		words = append(words, rest[0])
		args = rest[1:]
	}
}

var markRE = regexp.MustCompile(`</?mark>`)

func printResults(w io.Writer, res gazette.Results, terminal bool) {
	on, off := "【", "】"
	if terminal {
		on, off = "\x1b[1m", "\x1b[0m" // bold
	}
	fmt.Fprintf(w, "%d documents", res.Total)
	if res.Total > len(res.Hits) {
		fmt.Fprintf(w, " (page %d, %d per page)", res.Page, res.PerPage)
	}
	fmt.Fprintln(w)
	if res.Partial {
		// The same words the search page shows, so that both read alike.
		fmt.Fprintf(w, "没有完全匹配的文件，以下是部分匹配的结果；匹配的词：%s\n", strings.Join(res.Matched, "、"))
	}
	for _, d := range res.DidYouMean {
		fmt.Fprintf(w, "did you mean %s (for %s): %s  %s\n", d.DocNumber, d.For, d.ID, d.Title)
	}
	for _, h := range res.Hits {
		fmt.Fprintf(w, "\n%s  %s\n", h.ID, h.Title)
		meta := []string{h.Issue.Label(), "第" + h.Pages.String() + "页", h.Kind.Label(), h.Validity.Label()}
		if h.DocNumber != "" {
			meta = append([]string{h.DocNumber}, meta...)
		}
		fmt.Fprintf(w, "    %s\n", strings.Join(meta, " · "))
		if h.Snippet != "" {
			s := markRE.ReplaceAllStringFunc(h.Snippet, func(m string) string {
				if m == "<mark>" {
					return on
				}
				return off
			})
			fmt.Fprintf(w, "    %s\n", html.UnescapeString(s))
		}
	}
}
