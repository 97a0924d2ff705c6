package frontend

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/gazette"
)

// The editors' side: server-rendered pages under /editor, signed in with a
// session cookie and protected by CSRF tokens, and the same operations as
// JSON under /api/v1/editor, authenticated by API tokens (no cookies, hence
// no CSRF). Who may do what is decided by package editorial, which also
// audits every action; these handlers only translate HTTP.

// editorRoutes declares the editor pages and API.
func (s *Server) editorRoutes(get func(gin.IRoutes, string, gin.HandlerFunc), api *gin.RouterGroup) {
	ed := s.engine.Group("/editor", s.editorHeaders(), s.sameOrigin(), s.limitBodies(false))
	get(ed, "/signin", s.signInPage)
	ed.POST("/signin", s.signIn)

	in := ed.Group("", s.requireSession())
	in.POST("/signout", s.signOut)
	get(in, "", s.draftsPage)
	in.POST("/drafts", s.createDraftPage)
	get(in, "/drafts/:id", s.draftPage)
	in.POST("/drafts/:id", s.saveDraftPage)
	in.POST("/drafts/:id/upload", s.uploadPage)
	get(in, "/drafts/:id/print.pdf", s.draftPDF)
	get(in, "/drafts/:id/pages/:page", s.draftPageImage) // :page is N.png
	in.POST("/drafts/:id/pages/:page/ocr", s.rereadPage)
	in.POST("/drafts/:id/pages/:page/proofread", s.proofreadPage)
	in.POST("/drafts/:id/:action", s.draftActionPage)
	get(in, "/documents", s.pickDocument)
	get(in, "/documents/:id", s.editDocumentPage)
	in.POST("/documents/:id/correct", s.correctPage)
	in.POST("/documents/:id/validity", s.validityPage)
	in.POST("/documents/:id/relations", s.relationPage)
	get(in, "/citations", s.citationsQueuePage)
	get(in, "/coverage", s.editorCoveragePage)
	get(in, "/batches", s.batchesPage)
	get(in, "/quality", s.qualityPage)
	in.POST("/quality/proofs", s.recordProofPage)
	get(in, "/batches/:id", s.batchPage)
	in.POST("/coverage", s.markGapPage)
	get(in, "/audit", s.auditPage)
	get(in, "/audit.csv", s.auditExport)
	get(in, "/users", s.usersPage)
	in.POST("/users", s.addUserPage)
	in.POST("/users/:name/role", s.setRolePage)
	in.POST("/users/:name/disabled", s.setDisabledPage)
	in.POST("/users/:name/password", s.resetPasswordPage)
	get(in, "/account", s.accountPage)
	in.POST("/account/password", s.changePasswordPage)
	in.POST("/account/tokens", s.createTokenPage)
	in.POST("/account/tokens/:id/revoke", s.revokeTokenPage)

	ea := api.Group("/editor", s.editorHeaders(), s.limitBodies(true), s.requireToken())
	ea.GET("/drafts", s.apiDrafts)
	ea.GET("/batches", s.apiBatches)
	ea.GET("/batches/:id", s.apiBatch)
	ea.GET("/quality", s.apiQuality)
	ea.POST("/drafts", s.apiCreateDraft)
	ea.GET("/drafts/:id", s.apiDraft)
	ea.PUT("/drafts/:id", s.apiSaveDraft)
	ea.DELETE("/drafts/:id", s.apiDeleteDraft)
	ea.PUT("/drafts/:id/pdf", s.apiUploadPDF)
	ea.GET("/drafts/:id/pdf", s.draftPDF)
	ea.GET("/drafts/:id/pages/:page", s.draftPageImage)
	ea.POST("/drafts/:id/pages/:page/ocr", s.apiReread)
	ea.POST("/drafts/:id/pages/:page/proofread", s.apiProofread)
	ea.POST("/drafts/:id/:action", s.apiDraftAction)
	ea.POST("/documents/:id/corrections", s.apiCorrect)
	ea.POST("/documents/:id/validity", s.apiValidity)
	ea.POST("/documents/:id/relations", s.apiAddRelation)
	ea.POST("/documents/:id/relations/withdraw", s.apiWithdrawRelation)
	ea.GET("/citations", s.apiUnresolvedCitations)
	ea.GET("/audit", s.apiAudit)
	ea.GET("/users", s.apiUsers)
	ea.POST("/users", s.apiAddUser)
	ea.GET("/users/:name", s.apiUser)
	ea.PATCH("/users/:name", s.apiUpdateUser)
	ea.PUT("/users/:name/password", s.apiResetPassword)
}

// sessionCookie is the session cookie's name: with https, the __Host-
// prefix makes browsers refuse it unless it is Secure, host-only and for
// the whole site, so no sibling domain can plant one.
func (s *Server) sessionCookie() string {
	if s.base.Scheme == "https" {
		return "__Host-gazette-session"
	}
	return "gazette-session"
}

func (s *Server) setSessionCookie(c *gin.Context, token string, expires time.Time) {
	ck := &http.Cookie{
		Name: s.sessionCookie(), Value: token, Path: "/",
		HttpOnly: true, Secure: s.base.Scheme == "https", SameSite: http.SameSiteStrictMode,
	}
	if token == "" {
		ck.MaxAge = -1
	} else {
		ck.Expires = expires
	}
	http.SetCookie(c.Writer, ck)
}

// deviceCookie is the device cookie's name, __Host- prefixed with https
// like the session's. It holds the device token of the last sign-in from
// this browser, which lets the browser through the throttling of
// strangers' failed sign-ins (see editorial.LockedError).
func (s *Server) deviceCookie() string {
	if s.base.Scheme == "https" {
		return "__Host-gazette-device"
	}
	return "gazette-device"
}

func (s *Server) setDeviceCookie(c *gin.Context, token string, expires time.Time) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: s.deviceCookie(), Value: token, Path: "/", Expires: expires,
		HttpOnly: true, Secure: s.base.Scheme == "https", SameSite: http.SameSiteStrictMode,
	})
}

func (s *Server) sessionToken(c *gin.Context) string {
	ck, err := c.Request.Cookie(s.sessionCookie())
	if err != nil {
		return ""
	}
	return ck.Value
}

// editorHeaders keeps editor responses out of every cache and index.
func (s *Server) editorHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		c.Header("X-Robots-Tag", "noindex, nofollow")
		c.Next()
	}
}

// sameOrigin refuses a state-changing request another site's page sent:
// the SameSite=Strict cookie already keeps the session out of it, and this
// also covers the sign-in form (login CSRF). Origin: null, which sandboxed
// frames, data: URLs and some redirects send, is another site too.
func (s *Server) sameOrigin() gin.HandlerFunc {
	origin := s.base.Scheme + "://" + s.base.Host
	return func(c *gin.Context) {
		switch c.Request.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			c.Next()
			return
		}
		if c.GetHeader("Sec-Fetch-Site") == "cross-site" {
			s.editorFail(c, errCrossSite)
			return
		}
		if o := c.GetHeader("Origin"); o != "" && o != origin {
			s.editorFail(c, errCrossSite)
			return
		}
		c.Next()
	}
}

// Refusals of the editor pages that editorial does not make.
var (
	errCrossSite = errors.New("frontend: request from another site")
	errCSRF      = errors.New("frontend: missing or wrong CSRF token")
	errMultipart = errors.New("frontend: multipart body where none is taken")
	errBodySize  = errors.New("frontend: request body larger than the route takes")
)

// Body limits of the editor pages and API: sign-in and the small forms
// carry a few fields; the draft and correction forms a document's full
// text (net/http's own cap on forms); the API's drafts and corrections
// their JSON; the uploads a print PDF.
const (
	signInBodyBytes = 16 << 10
	smallBodyBytes  = 64 << 10
	textFormBytes   = 10 << 20
)

// bodyLimit is the largest body the route (its pattern) takes.
func (s *Server) bodyLimit(route string) int64 {
	switch route {
	case "/editor/signin":
		return signInBodyBytes
	case "/editor/drafts/:id", "/editor/documents/:id/correct":
		return textFormBytes
	case "/editor/drafts/:id/upload":
		return s.cfg.MaxUploadBytes + 1<<20 // the form's fields beside the file
	case "/api/v1/editor/drafts/:id", "/api/v1/editor/documents/:id/corrections":
		return maxDraftJSON
	case "/api/v1/editor/drafts/:id/pdf":
		return s.cfg.MaxUploadBytes
	}
	return smallBodyBytes
}

// multipartRoutes are the only editor routes that take a multipart body:
// the upload form, which checks its CSRF token as the body's first part.
// Everywhere else a multipart body is refused (415) before any of it is
// read, so no form can be sent past the token check in that encoding.
var multipartRoutes = map[string]bool{"/editor/drafts/:id/upload": true}

// isMultipart reports whether the request's body is multipart (any
// subtype: net/http reads multipart/mixed as a form too).
func isMultipart(c *gin.Context) bool {
	mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	return strings.HasPrefix(mt, "multipart/")
}

// limitBodies refuses, before authentication and before reading a byte, a
// body the route does not take: a multipart one where no multipart form
// is expected (415), or one that says it is larger than the route's limit
// (413); a body that does not say its length is cut at the limit as it is
// read (parseForm). No body is read, let alone spooled to disk, before the
// session or token is checked, except sign-in's few kilobytes.
func (s *Server) limitBodies(api bool) gin.HandlerFunc {
	fail := s.editorFail
	if api {
		fail = s.apiFail
	}
	return func(c *gin.Context) {
		switch c.Request.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			c.Next()
			return
		}
		if isMultipart(c) && !multipartRoutes[c.FullPath()] {
			fail(c, errMultipart)
			return
		}
		limit := s.bodyLimit(c.FullPath())
		if c.Request.ContentLength > limit {
			fail(c, fmt.Errorf("%w: %d bytes, at most %d", errBodySize, c.Request.ContentLength, limit))
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		c.Next()
	}
}

// ctxSession and ctxActor are where the auth middleware leaves who acts.
const (
	ctxSession = "gazette.session"
	ctxActor   = "gazette.actor"
)

// requireSession lets signed-in editors through and sends everyone else to
// the sign-in page; a state-changing request must also carry the
// session's CSRF token, whatever its encoding: a form field of a body that
// is not multipart (any other type has no fields, so no token), and the
// first part of a multipart one, which only the upload takes and checks
// as it streams (limitBodies refuses multipart bodies elsewhere).
func (s *Server) requireSession() gin.HandlerFunc {
	return func(c *gin.Context) {
		sess, err := s.cfg.Editorial.Authenticate(c.Request.Context(), s.sessionToken(c), c.ClientIP())
		if errors.Is(err, editorial.ErrUnauthenticated) {
			if s.sessionToken(c) != "" {
				s.setSessionCookie(c, "", time.Time{})
			}
			next := c.Request.URL.Path
			if c.Request.Method != http.MethodGet {
				next = "/editor"
			}
			c.Redirect(http.StatusSeeOther, "/editor/signin?next="+url.QueryEscape(next))
			c.Abort()
			return
		}
		if err != nil {
			s.editorFail(c, err)
			return
		}
		c.Set(ctxSession, sess)
		c.Set(ctxActor, sess.Actor)
		unsafe := c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead
		streamed := isMultipart(c) && multipartRoutes[c.FullPath()]
		if unsafe && !streamed {
			if err := parseForm(c); err != nil {
				s.editorFail(c, err)
				return
			}
			if !editorial.VerifyCSRF(sess.Token, c.PostForm("csrf")) {
				s.editorFail(c, errCSRF)
				return
			}
		}
		c.Next()
	}
}

// parseForm reads a form body that is not multipart, so that one over the
// route's limit is refused as such (gin's PostForm would drop the error and
// leave the fields empty).
func parseForm(c *gin.Context) error {
	err := c.Request.ParseForm()
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
		return fmt.Errorf("%w: more than %d bytes", errBodySize, mbe.Limit)
	}
	if err != nil {
		return fmt.Errorf("form: %v: %w", err, gazette.ErrInvalid)
	}
	return nil
}

// requireToken authenticates the API by an API token in the Authorization
// header, and by nothing else: a cookie is ignored, so no other site can
// make a browser act through the API.
func (s *Server) requireToken() gin.HandlerFunc {
	return func(c *gin.Context) {
		token, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
		if !ok {
			c.Header("WWW-Authenticate", `Bearer realm="gazette editor API"`)
			s.apiFail(c, editorial.ErrUnauthenticated)
			return
		}
		a, err := s.cfg.Editorial.AuthenticateToken(c.Request.Context(), strings.TrimSpace(token), c.ClientIP())
		if err != nil {
			if errors.Is(err, editorial.ErrUnauthenticated) {
				c.Header("WWW-Authenticate", `Bearer realm="gazette editor API", error="invalid_token"`)
			}
			s.apiFail(c, err)
			return
		}
		c.Set(ctxActor, a)
		c.Next()
	}
}

func actorOf(c *gin.Context) editorial.Actor {
	a, _ := c.Get(ctxActor)
	act, _ := a.(editorial.Actor)
	return act
}

func sessionOf(c *gin.Context) *editorial.Session {
	v, _ := c.Get(ctxSession)
	sess, _ := v.(*editorial.Session)
	return sess
}

// messageView is an editor page that reports an outcome.
type messageView struct {
	Status         int
	Title, Detail  string
	Link, LinkText string
}

// retryAfter says in Retry-After when a throttled sign-in, or a request
// that met an unavailable backend, may be tried again.
func retryAfter(c *gin.Context, err error) {
	var le *editorial.LockedError
	if errors.As(err, &le) {
		c.Header("Retry-After", strconv.FormatInt(int64(math.Ceil(max(le.RetryAfter.Seconds(), 1))), 10))
	}
	if errors.Is(err, gazette.ErrUnavailable) {
		setRetryAfter(c, http.StatusServiceUnavailable)
	}
}

// editorFail answers an editor page with a message page for err.
func (s *Server) editorFail(c *gin.Context, err error) {
	retryAfter(c, err)
	status, title := editorStatus(err)
	s.logFailure(c, status, err)
	mv := messageView{Status: status, Title: title, Detail: editorDetail(status, err), Link: "/editor", LinkText: "回到草稿列表"}
	if (status == http.StatusConflict || status == http.StatusPreconditionFailed || status == http.StatusPreconditionRequired) && strings.HasPrefix(c.Request.URL.Path, "/editor/") {
		// Reload what was being edited: the page it was posted from.
		mv.Link, mv.LinkText = editedPage(c.Request.URL.Path), "重新载入最新内容"
	}
	s.editorPage(c, status, "editor_message", title, mv)
	c.Abort()
}

// editedPage is the page whose form posted to path.
func editedPage(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) >= 3 && (parts[1] == "drafts" || parts[1] == "documents") {
		return "/" + strings.Join(parts[:3], "/")
	}
	return "/editor"
}

// apiFail answers the editor API with a problem+json for err.
func (s *Server) apiFail(c *gin.Context, err error) {
	retryAfter(c, err)
	status, title := editorStatus(err)
	s.logFailure(c, status, err)
	c.Header("Content-Type", "application/problem+json")
	detail := editorDetail(status, err)
	var ve gazette.ValidationError
	if errors.As(err, &ve) {
		detail = ve.Error() // the fields by their JSON paths, for programs
	}
	c.AbortWithStatusJSON(status, problem{Type: "about:blank", Title: title, Status: status, Detail: detail})
}

// editorView is what every editor page template receives as Data.
type editorView struct {
	Actor editorial.Actor
	CSRF  string
	Page  any
}

// editorPage renders an editor page; they are never cached.
func (s *Server) editorPage(c *gin.Context, status int, name, title string, data any) {
	v := s.view(c, title, "")
	v.NoIndex = true
	ev := editorView{Page: data}
	if sess := sessionOf(c); sess != nil {
		ev.Actor, ev.CSRF = sess.Actor, sess.CSRF
	}
	v.Data = ev
	var buf strings.Builder
	if err := s.execPage(&buf, name, v); err != nil {
		s.cfg.Log.ErrorContext(c.Request.Context(), "render editor page", "page", name, "err", err)
		c.AbortWithStatus(http.StatusInternalServerError)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", []byte(buf.String()))
}

// signInView is the sign-in form.
type signInView struct {
	Next, Name string
	Failed     string
}

// safeNext is where to go after signing in: an editor page, never another
// site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/editor") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/editor"
	}
	return next
}

func (s *Server) signInPage(c *gin.Context) {
	s.editorPage(c, http.StatusOK, "editor_signin", "编辑登录", signInView{Next: safeNext(c.Query("next"))})
}

// signIn opens a new session. The cookie the browser came with, if any, is
// revoked and replaced, never kept: a session planted before sign-in is
// worthless (no fixation). The device cookie is set, or renewed, at every
// successful sign-in.
func (s *Server) signIn(c *gin.Context) {
	if err := parseForm(c); err != nil {
		s.editorFail(c, err)
		return
	}
	name, next := strings.TrimSpace(c.PostForm("name")), safeNext(c.PostForm("next"))
	var device string
	if ck, err := c.Request.Cookie(s.deviceCookie()); err == nil {
		device = ck.Value
	}
	from := editorial.Client{Addr: c.ClientIP(), Session: s.sessionToken(c), Device: device}
	sess, err := s.cfg.Editorial.SignIn(c.Request.Context(), name, c.PostForm("password"), from)
	if err != nil {
		s.setSessionCookie(c, "", time.Time{})
		retryAfter(c, err)
		status, title := editorStatus(err)
		if status >= 500 {
			s.editorFail(c, err)
			return
		}
		s.logFailure(c, status, err)
		s.editorPage(c, status, "editor_signin", "编辑登录", signInView{Next: next, Name: name, Failed: title})
		return
	}
	s.setSessionCookie(c, sess.Token, sess.Expires)
	if sess.Device != "" {
		s.setDeviceCookie(c, sess.Device, sess.DeviceExpires)
	}
	c.Redirect(http.StatusSeeOther, next)
}

func (s *Server) signOut(c *gin.Context) {
	if err := s.cfg.Editorial.SignOut(c.Request.Context(), s.sessionToken(c), c.ClientIP()); err != nil {
		s.editorFail(c, err)
		return
	}
	s.setSessionCookie(c, "", time.Time{})
	c.Redirect(http.StatusSeeOther, "/editor/signin")
}

// etagHeader carries a stored version tag in an HTTP header, quoted and
// encoded so that any tag the storage uses survives the round trip.
func etagHeader(etag string) string {
	return `"` + base64.RawURLEncoding.EncodeToString([]byte(etag)) + `"`
}

// ifMatch decodes the If-Match header: "" when absent (editorial then
// refuses the change with ErrNoETag), and a value no stored version ever
// has when it is not one of ours, so that the change is refused as stale
// (editorial.ErrStale) after the actor's rights are checked.
func ifMatch(c *gin.Context) string {
	h := strings.TrimSpace(c.GetHeader("If-Match"))
	if h == "" {
		return ""
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.Trim(h, `"`))
	if err != nil || len(raw) == 0 {
		return "\x00not ours: " + h
	}
	return string(raw)
}
