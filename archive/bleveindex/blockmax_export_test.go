package bleveindex

// SkippedBlocks is how many blocks of hits searches have left unscored
// (blockmax.go), in this process.
func SkippedBlocks() int64 { return skippedBlocks.Load() }

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
