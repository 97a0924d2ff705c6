package bleveindex

// SkippedBlocks is how many blocks of hits searches have left unscored
// (blockmax.go), in this process.
func SkippedBlocks() int64 { return skippedBlocks.Load() }
