package frontend

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/gazette"
)

// draftPageImage serves one page of a draft's print PDF as a PNG image,
// for reviewing the fields read from it beside it:
// /editor/drafts/:id/pages/N.png for the editor pages and
// /api/v1/editor/drafts/:id/pages/N for the API.
//
// It stays no-store, like every editor response: the same URL shows
// another image once a new PDF is uploaded, so a max-age would show the
// old page beside the new fields, and the page is embargoed material like
// the PDF itself. Rendering is paid once (editorial keeps the image), so a
// reload costs one read from storage. The ETag names the image's content,
// for clients that keep their own copy and ask with If-None-Match.
func (s *Server) draftPageImage(c *gin.Context) {
	api := strings.HasPrefix(c.Request.URL.Path, "/api/")
	fail := s.editorFail
	if api {
		fail = s.apiFail
	}
	id, err := draftID(c)
	if err != nil {
		fail(c, err)
		return
	}
	suffix := ".png"
	if api {
		suffix = ""
	}
	n, err := pageNumber(c.Param("page"), suffix)
	if err != nil {
		fail(c, err)
		return
	}
	r, info, err := s.cfg.Editorial.PageImage(c.Request.Context(), actorOf(c), id, n)
	if err != nil {
		fail(c, err)
		return
	}
	defer r.Close()
	c.Header("Content-Type", "image/png")
	c.Header("Content-Disposition", fmt.Sprintf(`inline; filename="page-%d.png"`, n))
	c.Header("ETag", etagHeader(info.Key))
	http.ServeContent(c.Writer, c.Request, "", info.Modified, r)
}

// pageNumber reads a page number written as the URL writes it: decimal
// digits without a leading zero, then suffix. Anything else names no page.
func pageNumber(raw, suffix string) (int, error) {
	digits, ok := strings.CutSuffix(raw, suffix)
	if ok && digits != "" && digits[0] != '0' && strings.Trim(digits, "0123456789") == "" {
		if n, err := strconv.Atoi(digits); err == nil {
			return n, nil
		}
	}
	return 0, fmt.Errorf("page %q: %w", raw, gazette.ErrNotFound)
}
