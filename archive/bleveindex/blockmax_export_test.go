package bleveindex

import "time"

// SkippedBlocks is how many blocks of hits searches have left unscored
// (blockmax.go), in this process.
func SkippedBlocks() int64 { return skippedBlocks.Load() }

// HoldersScored is how many hits searches by blocks have scored from the
// holders of a word in the head (blockmax.go), in this process.
func HoldersScored() int64 { return holdersScored.Load() }

// BestOffered is how many hits searches by blocks have offered from the
// champion lists of words (blockmax.go), in this process.
func BestOffered() int64 { return bestOffered.Load() }

// WholeSegments is how many segments searches have counted the facets of
// as a whole (countAll), in this process.
func WholeSegments() int64 { return wholeSegments.Load() }

// SetPrunedShare has words held by 1/n of a segment's documents searched
// by blocks, until the returned func restores the share.
func SetPrunedShare(n uint64) (restore func()) {
	old := prunedShare
	prunedShare = n
	return func() { prunedShare = old }
}

// ListsRead is how many lists of block maxima have been read, by searches
// or by the worker that prebuilds them, in this process.
func ListsRead() int64 { return listsRead.Load() }

// PrebuiltWords is how many words' lists the worker has prebuilt, in
// this process.
func PrebuiltWords() int64 { return prebuiltWords.Load() }

// SetPrebuildMinDocs has the lists of segments of at least n documents
// prebuilt, until the returned func restores the limit.
func SetPrebuildMinDocs(n uint64) (restore func()) {
	old := prebuildMinDocs
	prebuildMinDocs = n
	return func() { prebuildMinDocs = old }
}

// WaitPrebuilt waits until the worker that prebuilds lists is idle.
func (x *Index) WaitPrebuilt() {
	for {
		x.preMu.Lock()
		busy := x.prebuilding
		x.preMu.Unlock()
		if !busy {
			return
		}
		time.Sleep(time.Millisecond)
	}
}
