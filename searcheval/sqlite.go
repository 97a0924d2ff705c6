package searcheval

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"strings"
)

// A minimal, read-only reader of SQLite database files, enough to read the
// rows of one ordinary (rowid) table: the laws corpus keeps validity in
// db.sqlite3, and a cgo driver or a full pure-Go engine is too heavy a
// dependency for an evaluation. It follows the file format at
// https://www.sqlite.org/fileformat2.html: table b-trees, records, overflow
// pages. It does not read WITHOUT ROWID tables, a write-ahead log or a
// database in the middle of a transaction; it refuses what it does not
// understand rather than guess.

// sqliteTable returns the rows of table name in the database file at path,
// each as a map from column name to value (string, int64, float64, []byte
// or nil).
func sqliteTable(path, name string) ([]map[string]any, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	db, err := openSQLite(raw)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", path, err)
	}
	rows, err := db.table(name)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", path, err)
	}
	return rows, nil
}

type sqliteDB struct {
	data     []byte
	pageSize int
	usable   int
}

func openSQLite(data []byte) (*sqliteDB, error) {
	if len(data) < 100 || !bytes.HasPrefix(data, []byte("SQLite format 3\x00")) {
		return nil, errors.New("not an SQLite 3 database")
	}
	ps := int(binary.BigEndian.Uint16(data[16:18]))
	if ps == 1 {
		ps = 65536
	}
	if ps < 512 || ps&(ps-1) != 0 || len(data)%ps != 0 {
		return nil, fmt.Errorf("page size %d does not fit a file of %d bytes", ps, len(data))
	}
	if enc := binary.BigEndian.Uint32(data[56:60]); enc != 0 && enc != 1 {
		return nil, fmt.Errorf("text encoding %d: only UTF-8 is read", enc)
	}
	if data[18] == 2 || data[19] == 2 {
		return nil, errors.New("the database is in WAL mode: checkpoint it first")
	}
	return &sqliteDB{data: data, pageSize: ps, usable: ps - int(data[20])}, nil
}

func (db *sqliteDB) page(n int) ([]byte, error) {
	if n < 1 || n*db.pageSize > len(db.data) {
		return nil, fmt.Errorf("page %d out of range", n)
	}
	return db.data[(n-1)*db.pageSize : n*db.pageSize], nil
}

// table finds name in sqlite_master and reads its rows.
func (db *sqliteDB) table(name string) ([]map[string]any, error) {
	var root int
	var sql string
	err := db.walk(1, 0, func(rec []any) error {
		if len(rec) >= 5 && rec[0] == "table" && strings.EqualFold(fmt.Sprint(rec[1]), name) {
			r, _ := rec[3].(int64)
			root, sql = int(r), fmt.Sprint(rec[4])
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if root == 0 {
		return nil, fmt.Errorf("no table %q", name)
	}
	if strings.Contains(strings.ToUpper(sql), "WITHOUT ROWID") {
		return nil, fmt.Errorf("table %q is WITHOUT ROWID", name)
	}
	cols := sqliteColumns(sql)
	if len(cols) == 0 {
		return nil, fmt.Errorf("table %q: no columns in %q", name, sql)
	}
	var rows []map[string]any
	err = db.walk(root, 0, func(rec []any) error {
		row := make(map[string]any, len(cols))
		for i, c := range cols {
			if i < len(rec) {
				row[c] = rec[i]
			} else {
				row[c] = nil // a column added later by ALTER TABLE
			}
		}
		rows = append(rows, row)
		return nil
	})
	return rows, err
}

var (
	sqliteIdentRE      = regexp.MustCompile("^\\s*(?:\"([^\"]+)\"|`([^`]+)`|\\[([^\\]]+)\\]|([A-Za-z_][A-Za-z0-9_]*))")
	sqliteConstraintRE = regexp.MustCompile(`(?i)^\s*(CONSTRAINT|PRIMARY\s+KEY|FOREIGN\s+KEY|UNIQUE|CHECK)\b`)
)

// sqliteColumns reads the column names, in order, from a CREATE TABLE statement.
func sqliteColumns(sql string) []string {
	open, end := strings.Index(sql, "("), strings.LastIndex(sql, ")")
	if open < 0 || end <= open {
		return nil
	}
	var defs []string
	depth, start := 0, open+1
	for i := open + 1; i < end; i++ {
		switch sql[i] {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				defs = append(defs, sql[start:i])
				start = i + 1
			}
		}
	}
	defs = append(defs, sql[start:end])
	var cols []string
	for _, d := range defs {
		if sqliteConstraintRE.MatchString(d) {
			continue
		}
		m := sqliteIdentRE.FindStringSubmatch(d)
		if m == nil {
			continue
		}
		cols = append(cols, m[1]+m[2]+m[3]+m[4])
	}
	return cols
}

// walk visits every record of the table b-tree rooted at page n, in rowid order.
func (db *sqliteDB) walk(n, depth int, visit func([]any) error) error {
	if depth > 64 {
		return errors.New("b-tree deeper than 64 levels: a cycle?")
	}
	p, err := db.page(n)
	if err != nil {
		return err
	}
	h := 0
	if n == 1 {
		h = 100 // page 1 starts with the file header
	}
	if len(p) < h+12 {
		return fmt.Errorf("page %d: too short", n)
	}
	kind := p[h]
	cells := int(binary.BigEndian.Uint16(p[h+3 : h+5]))
	switch kind {
	case 0x05: // interior table page
		ptrs := p[h+12:]
		if len(ptrs) < 2*cells {
			return fmt.Errorf("page %d: cell pointers past the page", n)
		}
		for i := range cells {
			off := int(binary.BigEndian.Uint16(ptrs[2*i:]))
			if off+4 > len(p) {
				return fmt.Errorf("page %d: cell %d out of range", n, i)
			}
			if err := db.walk(int(binary.BigEndian.Uint32(p[off:])), depth+1, visit); err != nil {
				return err
			}
		}
		return db.walk(int(binary.BigEndian.Uint32(p[h+8:])), depth+1, visit)
	case 0x0d: // leaf table page
		ptrs := p[h+8:]
		if len(ptrs) < 2*cells {
			return fmt.Errorf("page %d: cell pointers past the page", n)
		}
		for i := range cells {
			off := int(binary.BigEndian.Uint16(ptrs[2*i:]))
			payload, err := db.leafPayload(p, off)
			if err != nil {
				return fmt.Errorf("page %d cell %d: %w", n, i, err)
			}
			rec, err := sqliteRecord(payload)
			if err != nil {
				return fmt.Errorf("page %d cell %d: %w", n, i, err)
			}
			if err := visit(rec); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("page %d: type %#x is not a table b-tree page", n, kind)
}

// leafPayload assembles the payload of the table leaf cell at off, following
// overflow pages.
func (db *sqliteDB) leafPayload(p []byte, off int) ([]byte, error) {
	if off >= len(p) {
		return nil, errors.New("cell offset past the page")
	}
	size, k := sqliteVarint(p[off:])
	if k == 0 {
		return nil, errors.New("bad payload size")
	}
	off += k
	if _, k = sqliteVarint(p[off:]); k == 0 { // rowid
		return nil, errors.New("bad rowid")
	}
	off += k
	total := int(size)
	if size > uint64(len(db.data)) {
		return nil, fmt.Errorf("payload of %d bytes in a %d-byte file", size, len(db.data))
	}
	u := db.usable
	local := total
	if x := u - 35; total > x {
		m := (u-12)*32/255 - 23
		local = m + (total-m)%(u-4)
		if local > x {
			local = m
		}
	}
	if off+local > len(p) {
		return nil, errors.New("payload past the page")
	}
	out := make([]byte, 0, total)
	out = append(out, p[off:off+local]...)
	if local == total {
		return out, nil
	}
	if off+local+4 > len(p) {
		return nil, errors.New("overflow pointer past the page")
	}
	next := int(binary.BigEndian.Uint32(p[off+local:]))
	for hops := 0; len(out) < total; hops++ {
		if next == 0 || hops > len(db.data)/db.pageSize {
			return nil, errors.New("overflow chain ends early or loops")
		}
		op, err := db.page(next)
		if err != nil {
			return nil, err
		}
		n := min(total-len(out), u-4)
		out = append(out, op[4:4+n]...)
		next = int(binary.BigEndian.Uint32(op[:4]))
	}
	return out, nil
}

// sqliteRecord decodes a record: a header of serial types, then the values.
func sqliteRecord(b []byte) ([]any, error) {
	hsize, k := sqliteVarint(b)
	if k == 0 || hsize > uint64(len(b)) {
		return nil, errors.New("bad record header")
	}
	var types []uint64
	for i := k; i < int(hsize); {
		t, n := sqliteVarint(b[i:int(hsize)])
		if n == 0 {
			return nil, errors.New("bad serial type")
		}
		types = append(types, t)
		i += n
	}
	body := b[hsize:]
	var out []any
	for _, t := range types {
		var size int
		switch {
		case t <= 4:
			size = int(t)
		case t == 5:
			size = 6
		case t == 6 || t == 7:
			size = 8
		case t == 8 || t == 9:
			size = 0
		case t >= 12:
			size = int((t - 12) / 2)
		default:
			return nil, fmt.Errorf("reserved serial type %d", t)
		}
		if size > len(body) {
			return nil, errors.New("record value past its end")
		}
		v := body[:size]
		body = body[size:]
		switch {
		case t == 0:
			out = append(out, nil)
		case t <= 6:
			var n int64
			for _, c := range v {
				n = n<<8 | int64(c)
			}
			if shift := 64 - 8*uint(size); size > 0 && shift > 0 { // sign-extend
				n = n << shift >> shift
			}
			out = append(out, n)
		case t == 7:
			out = append(out, math.Float64frombits(binary.BigEndian.Uint64(v)))
		case t == 8:
			out = append(out, int64(0))
		case t == 9:
			out = append(out, int64(1))
		case t%2 == 0:
			out = append(out, append([]byte(nil), v...))
		default:
			out = append(out, string(v))
		}
	}
	return out, nil
}

// sqliteVarint decodes SQLite's big-endian varint; n is 0 when b is too short.
func sqliteVarint(b []byte) (v uint64, n int) {
	for i := 0; i < 9; i++ {
		if i >= len(b) {
			return 0, 0
		}
		if i == 8 {
			return v<<8 | uint64(b[i]), 9
		}
		v = v<<7 | uint64(b[i]&0x7f)
		if b[i] < 0x80 {
			return v, i + 1
		}
	}
	return v, 9
}
