package frontend

import (
	"context"
	"net/http"
	"strings"

	"github.com/gazette-archive/gazette/gazette"
)

// maxRanges is the most byte ranges a request for a file may ask for. A
// PDF viewer asks for one or a few at a time; each range of a multipart
// answer costs its own part headers, so thousands of one-byte ranges made
// an answer 17.8 times the file. A request for more is answered with the
// whole file, as nginx (max_ranges) and Apache (MaxRanges) do.
const maxRanges = 10

// limitRanges drops the Range header of r when it asks for more than
// maxRanges ranges; call it before http.ServeContent.
func limitRanges(r *http.Request) {
	if strings.Count(r.Header.Get("Range"), ",") >= maxRanges {
		r.Header.Del("Range")
	}
}

// pdfSHA256 is the SHA-256 of a published issue's print PDF, as its
// manifest and the API name it: the PDF's ETag. Published PDFs never
// change, so each issue's is read once and kept.
func (s *Server) pdfSHA256(ctx context.Context, key gazette.IssueKey) (string, error) {
	if sum, ok := s.pdfSums.Load(key); ok {
		return sum.(string), nil
	}
	is, err := s.cfg.Archive.Issue(ctx, key)
	if err != nil {
		return "", err
	}
	s.pdfSums.Store(key, is.PDF.SHA256)
	return is.PDF.SHA256, nil
}
