package searcheval

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
)

// lawRow is what the evaluation reads of a row of the laws corpus's law
// table (db.sqlite3): a law's name, the subtitle of a 民法典 part, its
// publication and commencement dates and whether it is repealed.
type lawRow struct {
	Name      string `json:"name"`
	Subtitle  string `json:"subtitle"`
	Publish   string `json:"publish"`
	ValidFrom string `json:"valid_from"`
	Expired   int64  `json:"expired"`
}

// readLawRows reads the law table of the SQLite database at path with the
// sqlite3 command (Debian's sqlite3, installed by `make tools`), read-only:
// a maintained engine, and no SQLite code of our own or linked into the
// evaluation. A missing file is fs.ErrNotExist.
func readLawRows(path string) ([]lawRow, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	bin, err := exec.LookPath("sqlite3")
	if err != nil {
		return nil, fmt.Errorf("read %s: the sqlite3 command is not installed (make tools; apt-get install sqlite3): %w", path, err)
	}
	var out, stderr bytes.Buffer
	cmd := exec.Command(bin, "-readonly", "-json", "file:"+path+"?immutable=1",
		"SELECT name, coalesce(subtitle, '') AS subtitle, coalesce(publish, '') AS publish, "+
			"coalesce(valid_from, '') AS valid_from, coalesce(expired, 0) AS expired FROM law")
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("read %s: sqlite3: %w: %s", path, err, bytes.TrimSpace(stderr.Bytes()))
	}
	if stderr.Len() > 0 { // sqlite3 reports some errors and still exits 0
		return nil, fmt.Errorf("read %s: sqlite3: %s", path, bytes.TrimSpace(stderr.Bytes()))
	}
	var rows []lawRow
	if len(bytes.TrimSpace(out.Bytes())) == 0 {
		return rows, nil // an empty table prints nothing
	}
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil {
		return nil, fmt.Errorf("read %s: sqlite3's JSON: %w", path, err)
	}
	return rows, nil
}
