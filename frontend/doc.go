// Package frontend is all of Gazette's HTTP: the public reader (server-
// rendered pages from templates embedded and parsed at start-up, working
// without JavaScript), the JSON API under /api/v1 with its OpenAPI
// description, Atom feeds (following.go: a search and a document's
// changes among them), citations as GB/T 7714, RIS and CSL-JSON
// (citing.go), the sitemap and OpenSearch description, OAI-PMH for
// harvesters (/oai, oai.go), schema.org JSON-LD on document pages and the
// RFC 6570 templates of the site's stable URIs (jsonld.go), the service
// worker for offline reading, and the health endpoints. gin is used
// here and nowhere else. The routes are declared in routes.go, the editors'
// in editorRoutes (editor.go); the mapping of errors to statuses is in
// errors.go.
//
// Everything taken from a URL is validated in params.go before it reaches
// the archive. Published issues and documents never change, so their
// rendered pages and API answers are cached in memory (bounded); pages that
// change when an issue is published are cached for a few seconds. While
// storage (or another backend) is unavailable, a page that needs it is 503
// with Retry-After, unless it was kept before: then the kept page is served,
// marked stale once its time is up.
//
// The editors' pages live under /editor (session cookie, CSRF token on
// every form) and the same operations as JSON under /api/v1/editor (API
// tokens only); editor*.go translate HTTP to package editorial, which
// decides who may do what and audits it. Invalidate drops the page caches
// when an issue is published or a document corrected.
//
// A document's page reads it as it stood on a day (?at=, pointintime.go),
// anchors its chapters, sections and articles (gazette.Headings), and
// compares two of its versions article by article (compare.go).
//
// It declares the few methods it calls on the archive (interfaces at the
// consumer) and never imports an adapter, ingest's pipeline or decoders
// (only ingest/report, the results they leave), or cmd.
package frontend
