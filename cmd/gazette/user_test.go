package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestUser(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	vars := map[string]string{"GAZETTE_DATA": dir, "USER": "ops"}
	user := func(stdin string, args ...string) (string, string, error) {
		t.Helper()
		var out, errOut bytes.Buffer
		err := runUser(ctx, args, testEnv(vars), strings.NewReader(stdin), &out, &errOut)
		return out.String(), errOut.String(), err
	}
	tests := []struct {
		name    string
		stdin   string
		args    []string
		wantErr string // "" for success
		wantOut string
	}{
		{"add admin", "correct horse battery\n", []string{"add", "li.admin", "--role", "admin"}, "", "added li.admin (admin)"},
		{"add editor, flags first", "another long passphrase\n", []string{"add", "--role", "editor", "wang.ed"}, "", "added wang.ed (editor)"},
		{"duplicate", "correct horse battery\n", []string{"add", "li.admin", "--role", "chief"}, "already exists", ""},
		{"bad role", "correct horse battery\n", []string{"add", "zhou.x", "--role", "boss"}, "--role", ""},
		{"weak password", "short\n", []string{"add", "zhou.x", "--role", "editor"}, "shorter than 12", ""},
		{"no password", "", []string{"add", "zhou.x", "--role", "editor"}, "no password on stdin", ""},
		{"bad name", "correct horse battery\n", []string{"add", "../x", "--role", "editor"}, "user name", ""},
		{"passwd", "brand new passphrase\n", []string{"passwd", "wang.ed"}, "", "password of wang.ed changed"},
		{"passwd unknown", "brand new passphrase\n", []string{"passwd", "nobody.here"}, "not found", ""},
		{"disable", "", []string{"disable", "wang.ed"}, "", "disabled wang.ed"},
		{"list", "", []string{"list"}, "", "wang.ed   editor  disabled"},
		{"list says who never signed in", "", []string{"list"}, "", "  never\n"},
		{"enable", "", []string{"enable", "wang.ed"}, "", "enabled wang.ed"},
		{"missing name", "", []string{"disable"}, "usage", ""},
		{"role on passwd", "", []string{"passwd", "wang.ed", "--role", "admin"}, "usage", ""},
		{"unknown subcommand", "", []string{"frob", "x"}, "usage", ""},
		{"no subcommand", "", nil, "usage", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, err := user(tt.stdin, tt.args...)
			if tt.wantErr == "" {
				if err != nil || !strings.Contains(out, tt.wantOut) {
					t.Fatalf("err %v, out %q, stderr %q; want %q", err, out, errOut, tt.wantOut)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err %v, want one containing %q (stderr %q)", err, tt.wantErr, errOut)
			}
		})
	}
	// The password never appears on stdout or stderr.
	out, errOut, _ := user("secret passphrase 42\n", "add", "sun.q", "--role", "chief")
	if strings.Contains(out+errOut, "secret passphrase") {
		t.Error("password echoed")
	}
}
