package bleveindex

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
