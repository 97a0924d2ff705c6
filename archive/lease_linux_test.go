package archive_test

import (
	"context"
	"encoding/json"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/gazette"
)

// TestLeaseOfAGoneProcessHere: a lease whose holder ran on this machine
// and is gone (a kill -9, then a rerun) is taken at once, long before it
// expires; one whose holder still runs is not.
func TestLeaseOfAGoneProcessHere(t *testing.T) {
	me := archive.ThisProcess()
	if me == "" {
		t.Fatal("no process identity on Linux")
	}
	exited := exec.Command("true")
	if err := exited.Run(); err != nil {
		t.Fatal(err)
	}
	gone := me[:strings.LastIndexByte(me, '/')+1] + strconv.Itoa(exited.Process.Pid)
	for _, tc := range []struct {
		name, process string
		taken         bool
	}{
		{"gone", gone, true},
		{"running", me, false},
		{"elsewhere", "another-boot/pid:[1]/" + strconv.Itoa(exited.Process.Pid), false},
		{"unknown", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := archivetest.NewMemBlobs()
			rec := archive.LeaseRecord{Format: 1, Owner: "other", TTL: time.Hour, Expires: time.Now().Add(time.Hour), Process: tc.process}
			raw, _ := json.Marshal(rec)
			if _, err := b.Put(context.Background(), "lease/f.json", strings.NewReader(string(raw)), int64(len(raw)), gazette.PutOptions{}); err != nil {
				t.Fatal(err)
			}
			l, _, err := archive.NewLeases(b, "lease/", "me", time.Hour).Take(context.Background(), "f", nil)
			if err != nil {
				t.Fatal(err)
			}
			if (l != nil) != tc.taken {
				t.Errorf("taken %v, want %v", l != nil, tc.taken)
			}
		})
	}
}
