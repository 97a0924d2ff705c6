package frontend

import (
	"cmp"
	"context"
	"slices"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/gazette-archive/gazette/gazette"
)

// Reading every stamp lists the whole archive (archive.Stamps), so the
// server keeps what it read and answers Identify, ListSets and every page
// of ListIdentifiers and ListRecords from it: a harvest costs a reading
// per oaiStampsTTL, not one per page. GetRecord reads its document's
// stamp alone (archive.Stamp).
//
// What a harvester may rely on. It asks for what changed since the
// responseDate of its last harvest (from, inclusive). A snapshot lacks
// every change made after its reading began, however late it answers; so
// the responseDate of an answer from a snapshot is not the clock but the
// snapshot's asOf: when its reading began, less oaiSettle, in whole
// seconds. Storage dates a change no earlier than oaiSettle before it can
// be listed, so every change a snapshot lacks is dated at or after its
// asOf, and a harvest from that responseDate lists it. The pages of one
// harvest may come from different snapshots (a newer one, another
// replica's older one), and a change made during a harvest may take a
// datestamp in the second of the position the harvest has passed, with a
// smaller ID, which the rest of that harvest skips; so every page answers
// the earliest asOf of its harvest so far, carried in the
// resumptionToken, and whichever page's responseDate a harvester keeps,
// the next harvest from it lists everything this one missed. The price is
// a few records given twice, never one withheld. noRecordsMatch is
// answered from a snapshot too, with its asOf.

const (
	// oaiStampsTTL is how long a snapshot answers. A publication or change
	// made through this server drops it at once, by the generation of the
	// page caches (Invalidate); one made by another replica or process is
	// listed within oaiStampsTTL.
	oaiStampsTTL = 10 * time.Second
	// oaiSettle bounds how much earlier than it can be listed storage
	// dates a change: the moment of a write is taken before its bytes are
	// committed (a small object's write, an fsync on a busy disk), and
	// the clocks of this server and of storage may be a little apart.
	oaiSettle = 2 * time.Second
	// oaiReadTimeout bounds one reading of the stamps, which serves every
	// request waiting for it, whichever of them ends first.
	oaiReadTimeout = time.Minute
)

// oaiSnapshot is every stamp as one reading of the archive found them.
type oaiSnapshot struct {
	stamps []gazette.Stamp // in list order (oaiOrder)
	read   time.Time       // when the reading began
	asOf   time.Time       // the responseDate of answers from it
	gen    uint64          // the page caches' generation when read
}

// oaiOrder is the order of lists: by datestamp, which is in seconds,
// then by ID.
func oaiOrder(x, y gazette.Stamp) int {
	return cmp.Or(cmp.Compare(x.Changed.Unix(), y.Changed.Unix()), cmp.Compare(x.ID, y.ID))
}

// oaiStampCache holds the last snapshot and reads the next one once
// however many requests ask at the same moment. The zero value is ready
// to use; safe for concurrent use.
type oaiStampCache struct {
	last  atomic.Pointer[oaiSnapshot]
	reads singleflight.Group
}

// oaiStamps returns a snapshot of every stamp no older than oaiStampsTTL
// and read since the page caches were last cleared.
func (s *Server) oaiStamps(ctx context.Context, oa oaiArchive) (*oaiSnapshot, error) {
	c := &s.oaiStampCache
	fresh := func() *oaiSnapshot {
		sn := c.last.Load()
		if sn == nil || sn.gen != s.cache.generation() || time.Since(sn.read) >= oaiStampsTTL {
			return nil
		}
		return sn
	}
	if sn := fresh(); sn != nil {
		return sn, nil
	}
	ch := c.reads.DoChan("", func() (any, error) {
		if sn := fresh(); sn != nil {
			return sn, nil // read while this one waited
		}
		// The generation before the reading: a clear during it makes the
		// snapshot stale for the requests after.
		gen := s.cache.generation()
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), oaiReadTimeout)
		defer cancel()
		read := time.Now()
		stamps, err := oa.Stamps(rctx)
		if err != nil {
			return nil, err
		}
		slices.SortStableFunc(stamps, oaiOrder)
		sn := &oaiSnapshot{stamps: stamps, read: read, asOf: read.Add(-oaiSettle).UTC().Truncate(time.Second), gen: gen}
		c.last.Store(sn)
		return sn, nil
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*oaiSnapshot), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
