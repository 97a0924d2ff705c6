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
//	id 0x1f date 0x1f order 0x1f kind 0x1f validity 0x1f year 0x1f fingerprint 0x1f authority (0x1e authority)*
//
// date is the published date as yyyymmdd, empty when there is none; order
// is the print-order key (orderKey). check keeps control characters out of
// the parts, so the separators are unambiguous.
const (
	sepField = 0x1f
	sepValue = 0x1e
)

func packMeta(d *gazette.SearchDoc) string {
	date := ""
	if !d.Published.IsZero() {
		date = strconv.Itoa(dateNumber(d.Published))
	}
	year := ""
	if d.Issue.Year != 0 {
		year = strconv.Itoa(d.Issue.Year)
	}
	parts := []string{d.ID, date, orderKey(d.ID), string(d.Kind), string(d.Validity.State), year, d.Fingerprint,
		strings.Join(d.Authorities, string(rune(sepValue)))}
	return strings.Join(parts, string(rune(sepField)))
}

// meta is an unpacked fMeta value; its slices point into the doc value,
// which is valid only during the visit.
type meta struct {
	id, date, order, kind, validity, year, fp, auths []byte
}

func unpackMeta(b []byte) meta {
	var parts [8][]byte
	for i := range 7 {
		j := bytes.IndexByte(b, sepField)
		if j < 0 {
			return meta{}
		}
		parts[i], b = b[:j], b[j+1:]
	}
	parts[7] = b
	return meta{parts[0], parts[1], parts[2], parts[3], parts[4], parts[5], parts[6], parts[7]}
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
