// Package structure_test holds the import rules of DESIGN.md as a test, so
// that the package docs that state them cannot drift from the code.
package structure_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/gazette-archive/gazette"

type pkg struct {
	ImportPath string
	Name       string
	Dir        string
	GoFiles    []string
	Imports    []string // direct, production files only
	Deps       []string // transitive, production files only
}

// packages lists the module's packages as `go list` sees them, with paths
// relative to the module ("" is the root).
func packages(t *testing.T) map[string]pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-json", "./...").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	all := map[string]pkg{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if len(p.GoFiles) == 0 {
			continue // test-only, like this one
		}
		all[rel(p.ImportPath)] = p
	}
	if len(all) < 10 {
		t.Fatalf("go list found %d packages: not run from the module root?", len(all))
	}
	return all
}

// rel is a module path relative to the module, or the path itself when it
// is outside it.
func rel(p string) string {
	if p == module {
		return ""
	}
	return strings.TrimPrefix(p, module+"/")
}

// under says whether the package at relative path p is dir or inside it.
func under(p string, dirs ...string) bool {
	for _, d := range dirs {
		if p == d || strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	return false
}

var adapters = []string{"archive/fsblobs", "archive/s3blobs", "archive/bleveindex", "archive/meiliindex"}

// decoders are the untrusted PDF code and what runs it: the web server must
// not link them.
var decoders = []string{"github.com/ledongthuc/pdf", "ingest/pdftext", "ingest/worker", "ingest/ocr", "ingest/extract", "ingest"}

func TestImportRules(t *testing.T) {
	all := packages(t)
	inModule := func(imports []string) []string {
		var out []string
		for _, i := range imports {
			if i == module || strings.HasPrefix(i, module+"/") {
				out = append(out, rel(i))
			}
		}
		return out
	}
	for name, p := range all {
		direct := inModule(p.Imports)
		deny := func(why string, bad func(string) bool, imports []string) {
			for _, i := range imports {
				if bad(i) {
					t.Errorf("%s → %s: %s", p.ImportPath, i, why)
				}
			}
		}
		switch {
		case under(name, "gazette"):
			deny("the domain is pure: it imports nothing of the project but itself", func(i string) bool {
				return !under(i, "gazette")
			}, direct)
			deny("the domain does no I/O", func(i string) bool {
				return i == "os" || i == "os/exec" || under(i, "net") || i == "io/fs"
			}, p.Imports)
		case slices.Contains(adapters, name):
			deny("an adapter imports gazette and its own client library only (and the packages adapters share)", func(i string) bool {
				return i != "gazette" && i != "archive/admit" && i != "archive/typeahead"
			}, direct)
		case name == "archive":
			deny("archive imports the domain only, never an adapter, ingest, editorial, frontend or cmd", func(i string) bool {
				return !under(i, "gazette") && i != "archive/admit"
			}, direct)
		}
		if under(name, "frontend", "editorial", "ingest", "archive") && !strings.HasSuffix(p.Name, "test") {
			deny("only cmd picks an adapter", func(i string) bool {
				return slices.Contains(adapters, i)
			}, direct)
		}
		if under(name, "frontend", "editorial") && !strings.HasSuffix(p.Name, "test") {
			deny("the server must not link the PDF decoders (read ingest/report instead)", func(i string) bool {
				return slices.Contains(decoders, i)
			}, inModuleOrDecoder(p.Deps))
		}
		if !under(name, "frontend") {
			deny("gin never leaves frontend", func(i string) bool {
				return under(i, "github.com/gin-gonic/gin")
			}, p.Imports)
		}
		if !under(name, "cmd") {
			deny("nothing imports a command", func(i string) bool { return under(i, "cmd") }, direct)
		}
		if name != "cmd/gazette-eval" {
			deny("evaluation and benchmarks live in gazette-eval, not in the service", func(i string) bool {
				return i == "searcheval" || i == "ingesteval"
			}, direct)
		}
		deny("ingest/report is a leaf", func(i string) bool {
			return name == "ingest/report" && i != "gazette" && i != "ingest/page"
		}, direct)
		if n := path.Base(p.ImportPath); n == "util" || n == "utils" || n == "common" || n == "helpers" {
			t.Errorf("%s: no package named util, common or helpers", p.ImportPath)
		}
		if _, err := os.Stat(p.Dir + "/doc.go"); err != nil && p.Name != "main" {
			t.Errorf("%s has no doc.go saying what it is for and what it must not import", p.ImportPath)
		}
	}
}

// inModuleOrDecoder keeps the module's packages (relative) and the external
// PDF decoder from a dependency list.
func inModuleOrDecoder(deps []string) []string {
	var out []string
	for _, d := range deps {
		switch {
		case d == module || strings.HasPrefix(d, module+"/"):
			out = append(out, rel(d))
		case slices.Contains(decoders, d):
			out = append(out, d)
		}
	}
	return out
}
