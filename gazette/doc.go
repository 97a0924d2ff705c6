// Package gazette is the domain of the government gazette (政府公报): issues,
// documents, document numbers (发文字号), validity, Chinese dates, the
// headings of a rule's text (第N章, 第N节, 第N条) with their stable anchors
// (ArticleAnchor), a document's version and validity on a day
// (History.VersionOn, History.StatusAt, InForceSpan), and the sentinel
// errors every layer shares.
//
// It is pure Go and performs no I/O: it must not import net, os, archive,
// frontend, ingest or any adapter or client library.
package gazette
