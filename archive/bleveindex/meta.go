package bleveindex

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/gazette-archive/gazette/gazette"
)

// The packed doc values of a document (field fMeta): what a search needs
// for every hit, read in one visit instead of one per field:
//
//	id 0x1f published 0x1f order 0x1f kind 0x1f validity 0x1f year 0x1f fingerprint
//	   0x1f signed 0x1f effective 0x1f expiry 0x1f in-force-from 0x1f in-force-until
//	   0x1f authority (0x1e authority)*
//
// Dates are yyyymmdd, empty when there is none; the in-force span is
// gazette.InForceSpan's, from 99991231 when never in force (spanKeys);
// order is the print-order
// key (orderKey); year is the issue's. check keeps control characters out
// of the parts, so the separators are unambiguous.
const (
	sepField = 0x1f
	sepValue = 0x1e
)

func packMeta(d *gazette.SearchDoc) string {
	year := ""
	if d.Issue.Year != 0 {
		year = strconv.Itoa(d.Issue.Year)
	}
	parts := []string{d.ID, dateKey(d.Published), orderKey(d.ID), string(d.Kind), string(d.Validity.State), year, d.Fingerprint,
		dateKey(d.Signed), dateKey(d.Effective), dateKey(d.Expires)}
	from, until := spanKeys(d)
	parts = append(parts, from, until, strings.Join(d.Authorities, string(rune(sepValue))))
	return strings.Join(parts, string(rune(sepField)))
}

// neverKey is the in-force-from of a document never in force as far as
// is known: after every day a query can name.
const neverKey = "99991231"

// spanKeys are the ends of the span the document was in force
// (gazette.InForceSpan) as dateKeys.
func spanKeys(d *gazette.SearchDoc) (from, until string) {
	f, u, ok := gazette.InForceSpan(d.Effective, d.Published, d.Expires, d.Validity)
	if !ok {
		return neverKey, ""
	}
	return dateKey(f), dateKey(u)
}

// dateKey is d as yyyymmdd, which sorts as the dates do, or "".
func dateKey(d gazette.Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d%02d%02d", d.Year, int(d.Month), d.Day)
}

// meta is an unpacked fMeta value; its slices point into the doc value,
// which is valid only during the visit.
type meta struct {
	id, date, order, kind, validity, year, fp []byte
	dates                                     [4][]byte // by dateFields index
	span                                      [2][]byte // in force from, until
	auths                                     []byte
}

const metaParts = 13

func unpackMeta(b []byte) meta {
	var p [metaParts][]byte
	for i := range metaParts - 1 {
		j := bytes.IndexByte(b, sepField)
		if j < 0 {
			return meta{}
		}
		p[i], b = b[:j], b[j+1:]
	}
	p[metaParts-1] = b
	return meta{id: p[0], date: p[1], order: p[2], kind: p[3], validity: p[4], year: p[5], fp: p[6],
		dates: [4][]byte{p[7], p[1], p[8], p[9]}, span: [2][]byte{p[10], p[11]}, auths: p[12]}
}

// dateFields are the dates a query can range over, with the keyword field
// that holds the year of each (for a coarse filter in the index; the exact
// range is checked on the packed doc values).
var dateFields = []struct {
	which gazette.DateField
	year  string
}{
	{gazette.DateSigned, "signed_y"},
	{gazette.DatePublished, "published_y"},
	{gazette.DateEffective, "effective_y"},
	{gazette.DateExpires, "expiry_y"},
}

func dateIndex(f gazette.DateField) int {
	for i, d := range dateFields {
		if d.which == f {
			return i
		}
	}
	return 1 // published, the default
}

func datesOf(d *gazette.SearchDoc) [4]gazette.Date {
	return [4]gazette.Date{d.Signed, d.Published, d.Effective, d.Expires}
}

// orderKey sorts documents in print order: by issue (year, regular issues
// before supplements, number), then position. IDs that are not document IDs
// sort after them, by ID.
func orderKey(id string) string {
	key, seq, err := gazette.ParseDocumentID(id)
	if err != nil {
		return "~" + id
	}
	s := 'n'
	if key.Supplement {
		s = 's'
	}
	return fmt.Sprintf("%04d%c%03d-%05d", key.Year, s, key.Number, seq)
}
