package main

import (
	"io/fs"
	"testing"
	"testing/fstest"
)

// vanishingFS lists every file of its MapFS but reports the ones named in
// gone as removed by the time they are looked at, as bleve's merger removes
// segments while an open index is measured.
type vanishingFS struct {
	fstest.MapFS
	gone map[string]bool
}

func (v vanishingFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if v.gone[name] {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	entries, err := v.MapFS.ReadDir(name)
	for i, e := range entries {
		p := e.Name()
		if name != "." {
			p = name + "/" + p
		}
		if v.gone[p] {
			entries[i] = goneEntry{e}
		}
	}
	return entries, err
}

type goneEntry struct{ fs.DirEntry }

func (g goneEntry) Info() (fs.FileInfo, error) {
	return nil, &fs.PathError{Op: "lstat", Path: g.Name(), Err: fs.ErrNotExist}
}

// The index size of an open bleve index is measured while its merger
// deletes merged segments; a vanished file must not fail the measurement
// (CI failed on "lstat …/000000000007.zap: no such file or directory").
func TestFSSizeSkipsFilesRemovedDuringTheWalk(t *testing.T) {
	fsys := vanishingFS{
		MapFS: fstest.MapFS{
			"index/store/000000000006.zap": {Data: make([]byte, 100)},
			"index/store/000000000007.zap": {Data: make([]byte, 1000)},
			"index/store/root.bolt":        {Data: make([]byte, 10)},
			"index/old/x":                  {Data: make([]byte, 5000)},
			"index_meta.json":              {Data: make([]byte, 1)},
		},
		gone: map[string]bool{"index/store/000000000007.zap": true, "index/old": true},
	}
	n, err := fsSize(fsys)
	if err != nil {
		t.Fatalf("fsSize: %v", err)
	}
	if n != 111 {
		t.Errorf("size = %d bytes, want 111 (the files still there)", n)
	}
}

func TestFSSizeReportsAMissingRoot(t *testing.T) {
	if _, err := dirSize(t.TempDir() + "/absent"); err == nil {
		t.Error("dirSize of a missing directory gave no error")
	}
}
