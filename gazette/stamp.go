package gazette

import "time"

// Stamp says when a published document last changed, as harvesters of the
// archive (OAI-PMH) need to know: the commit of its issue, or the latest
// correction, validity change or relation recorded of it since, whichever
// is later.
type Stamp struct {
	ID    string
	Issue IssueKey
	// Changed is the moment of the last change, never before the issue's
	// release.
	Changed time.Time
}
