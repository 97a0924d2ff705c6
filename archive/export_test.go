package archive

import (
	"fmt"

	"github.com/gazette-archive/gazette/gazette"
)

// FillRecordCache puts records worth twice the record cache's bound into
// a's, as reading that many at random would, for the tests of package
// archive_test.
func FillRecordCache(a *Archive) {
	record := make([]byte, objectCacheBytes/1024)
	for i := range 2048 {
		a.objects.put(fmt.Sprint("records/", i), record, len(record))
	}
}

// ManifestCached reports whether a keeps the manifest of issue key.
func ManifestCached(a *Archive, key gazette.IssueKey) bool {
	_, ok := a.manifests.get(manifestKey(key))
	return ok
}
