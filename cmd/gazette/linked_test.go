package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestEvaluationNotLinked: the production binary links none of the
// evaluation and benchmark code; gazette-eval and gazette-loadbench do.
func TestEvaluationNotLinked(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list gazette's packages: %v", err)
	}
	cmd := exec.Command(goBin, "list", "-deps", ".")
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("go list -deps: %v\n%s", err, msg)
	}
	const module = "github.com/gazette-archive/gazette/"
	banned := []string{"searcheval", "ingesteval", "frontend/loadbench", "cmd/gazette-loadbench", "cmd/gazette-eval"}
	deps := strings.Fields(string(out))
	if len(deps) < 10 || !strings.Contains(string(out), module+"archive\n") {
		t.Fatalf("go list -deps listed too little to judge:\n%s", out)
	}
	for _, p := range deps {
		for _, b := range banned {
			if p == module+b || strings.HasPrefix(p, module+b+"/") {
				t.Errorf("gazette links %s: evaluation and benchmark code belongs in gazette-eval or gazette-loadbench", p)
			}
		}
	}
}
