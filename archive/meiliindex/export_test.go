package meiliindex

// SuggestLayers waits for merges of the suggestion table in progress and
// returns how many documents each of its layers holds, base first (none
// before the first suggestion).
func (x *Index) SuggestLayers() []int { return x.suggest.Layers() }
