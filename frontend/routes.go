package frontend

import "github.com/gin-gonic/gin"

// routes declares every route of the server, in one place. Every page and
// file answers HEAD as well as GET (link checkers and feed readers ask); a
// method a path does not take is answered 405 with Allow.
func (s *Server) routes() {
	e := s.engine
	e.HandleMethodNotAllowed = true
	get := func(r gin.IRoutes, path string, h gin.HandlerFunc) {
		r.GET(path, h)
		r.HEAD(path, h)
	}
	get(e, "/healthz", s.healthz)
	get(e, "/readyz", s.readyz)

	// The reader.
	get(e, "/", s.home)
	get(e, "/years", s.years)
	get(e, "/years/:year", s.year)
	get(e, "/coverage", s.coveragePage)
	get(e, "/issues/:year/:number", s.issue) // also :number.pdf, the print PDF
	get(e, "/documents/:id", s.document)     // ?at=YYYY-MM-DD: as it stood that day
	get(e, "/documents/:id/compare", s.comparePage)
	get(e, "/search", s.search)
	get(e, "/static/:file", s.serveAsset)
	get(e, "/sw.js", s.serviceWorker)
	get(e, "/manifest.webmanifest", s.webManifest)
	get(e, "/favicon.ico", s.favicon)

	// Feeds and discovery.
	get(e, "/feeds/issues.atom", s.issuesFeed)
	get(e, "/feeds/documents.atom", s.documentsFeed)
	get(e, "/feeds/corrections.atom", s.correctionsFeed)
	get(e, "/sitemap.xml", s.sitemapXML)
	get(e, "/opensearch.xml", s.openSearchXML)
	get(e, "/robots.txt", s.robotsTxt)

	// Citing and following (issue 20): a document's citation as RIS,
	// CSL-JSON and GB/T 7714 text; a search and a document as feeds.
	get(e, "/documents/:id/citation.ris", s.citeRIS)
	get(e, "/documents/:id/citation.json", s.citeCSL)
	get(e, "/documents/:id/citation.txt", s.citeText)
	get(e, "/feeds/search.atom", s.searchFeed)
	get(e, "/feeds/documents/:file", s.documentFeed) // {id}.atom

	// The transparency log (C2SP tlog-tiles), its keys, and verification.
	get(e, "/.well-known/gazette-log", s.logKeys)
	get(e, "/log/*path", s.logObject) // checkpoint, tile/..., proof?sha256=
	get(e, "/verify", s.verifyPage)
	e.POST("/verify", s.rateLimit(), s.verifyUpload) // hashing a posted file costs: limited like the API

	// Harvesting (OAI-PMH 2.0) and the URI templates of works, versions
	// and dates.
	get(e, "/oai", s.oai)
	e.POST("/oai", s.oai)
	get(e, "/.well-known/gazette-uris", s.uriTemplates)

	// The JSON API: CORS for reads, a rate limit per client address.
	api := e.Group("/api/v1", cors(), s.rateLimit())
	api.OPTIONS("/*path", func(c *gin.Context) {})
	get(api, "/openapi.json", s.openAPI)
	get(api, "/issues", s.apiIssues)
	get(api, "/coverage", s.apiCoverage)
	get(api, "/issues/latest", s.apiLatest)
	get(api, "/issues/:year/:number", s.apiIssueOrPDF) // also :number.pdf
	get(api, "/documents", s.apiDocuments)
	get(api, "/documents/:id", s.apiDocumentByID)
	get(api, "/documents/:id/relations", s.apiDocumentRelations)
	get(api, "/documents/:id/citation", s.apiCitation)
	get(api, "/documents/:id/citation.ris", s.citeRIS)
	get(api, "/documents/:id/citation.json", s.citeCSL)
	get(api, "/documents/:id/compare", s.apiCompare)
	get(api, "/search", s.apiSearch)
	get(api, "/search.csv", s.apiSearchCSV)
	get(api, "/suggest", s.apiSuggest) // as people type in the search box
	get(api, "/docnum/:number", s.apiDocNumber)
	get(api, "/issues/:year/:number/proof", s.apiIssueProof)
	get(api, "/issues/:year/:number/manifest", s.apiIssueManifest)
	get(api, "/documents/:id/proof", s.apiDocumentProof)
	get(api, "/documents/:id/record", s.apiDocumentRecord)
	get(api, "/verify", s.apiVerify)

	if s.cfg.Editorial != nil {
		s.editorRoutes(get, api)
	}

	// Bulk data (BagIt bags, daily dumps) and the editors' fixity audits.
	s.bulkRoutes(get, api)

	e.NoRoute(s.notFound)
	e.NoMethod(s.methodNotAllowed)
}
