package bleveindex

// SetCacheSize sets how many results x keeps; 0 turns the cache off. For
// tests and benchmarks that measure the index itself.
func (x *Index) SetCacheSize(n int) { x.cache = newResultCache(n) }
