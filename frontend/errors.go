package frontend

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/gazette"
)

// problem is an RFC 9457 problem detail, the body of every JSON error.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
}

// badRequest is a refusal of something in the URL, with a message that is
// safe to show: it names the parameter and what is wanted.
type badRequest string

func (e badRequest) Error() string { return string(e) }
func (e badRequest) Unwrap() error { return gazette.ErrInvalid }

// notFoundDetail is a 404 whose message is safe to show and says why.
type notFoundDetail string

func (e notFoundDetail) Error() string { return string(e) }
func (e notFoundDetail) Unwrap() error { return gazette.ErrNotFound }

// errTooMany reports a client over its rate limit.
var errTooMany = errors.New("too many requests")

// errMethod reports a method the path does not take.
var errMethod = errors.New("method not allowed")

// searchFailed is an error of a search as the index returned it: when the
// index is unavailable, the client is told that search alone is down and
// reading is not.
type searchFailed struct{ err error }

func (e searchFailed) Error() string { return e.err.Error() }
func (e searchFailed) Unwrap() error { return e.err }

// Messages for a search while the index is unavailable.
const (
	searchDownMessage   = "search is temporarily unavailable; please try again in a minute. Issues and documents can still be read."
	searchDownMessageZh = "检索服务暂时不可用，请稍后再试。公报和文件仍可照常阅读。"
)

// unavailable reports whether err is a backend that did not answer, or not
// within the server's deadline.
func unavailable(err error) bool {
	return errors.Is(err, gazette.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded)
}

// failure is one kind of error as every audience meets it: one status, and
// a title written for each audience. API is the public API's problem title
// (English, stable for programs); Reader the reader's error page title;
// Editor what editors read, on their pages and in their API, which says
// what to do. An empty title is a kind that audience never meets; it reads
// the generic one.
type failure struct {
	is                  func(error) bool
	status              int
	api, reader, editor string
}

func is(target error) func(error) bool { return func(err error) bool { return errors.Is(err, target) } }

// failures is the one mapping of errors to statuses and messages, first
// match wins; causes go only to the log. A malformed URL is 400, content
// that does not validate (a form, a draft) 422.
var failures = []failure{
	{is(gazette.ErrStorageUnavailable), http.StatusServiceUnavailable, "storage unavailable", "暂时无法访问", "存储暂时无法连接，请稍后再试"},
	{unavailable, http.StatusServiceUnavailable, "temporarily unavailable", "暂时无法访问", "服务暂时无法连接，请稍后再试"},
	{is(editorial.ErrUnauthenticated), http.StatusUnauthorized, "unauthenticated", "", "未登录或用户名、密码错误"},
	{is(errCSRF), http.StatusForbidden, "forbidden", "", "请求未通过防伪校验，请刷新页面后重试"},
	{is(errCrossSite), http.StatusForbidden, "forbidden", "", "请求未通过防伪校验，请刷新页面后重试"},
	{is(editorial.ErrForbidden), http.StatusForbidden, "forbidden", "", "您的角色无权进行此操作"},
	{is(errMultipart), http.StatusUnsupportedMediaType, "unsupported media type", "", "不接受此格式的请求"},
	{is(errBodySize), http.StatusRequestEntityTooLarge, "request body too large", "", "提交的内容过大"},
	{is(editorial.ErrLocked), http.StatusTooManyRequests, "too many requests", "", "登录失败次数过多，请稍后再试"},
	{is(errTooMany), http.StatusTooManyRequests, "too many requests", "请求过于频繁", "请求过于频繁"},
	{is(errMethod), http.StatusMethodNotAllowed, "method not allowed", "不支持此请求方法", "不支持此请求方法"},
	{is(editorial.ErrCorrectedText), http.StatusConflict, "page corrected by hand", "", "此页文字已有人工修改，未重新识别"},
	{is(editorial.ErrNoETag), http.StatusPreconditionRequired, "If-Match required", "", "缺少 If-Match：请带上读取时的 ETag"},
	{is(gazette.ErrConflict), http.StatusPreconditionFailed, "changed by someone else", "", "内容已被他人修改，请重新载入后再改"},
	{is(gazette.ErrCorrupt), http.StatusConflict, "", "", "草稿记录已损坏，需由主编修复或删除"},
	{is(gazette.ErrImmutable), http.StatusConflict, "published content cannot be changed", "", "已发布的内容不能修改，请以勘误更正"},
	{is(gazette.ErrExist), http.StatusConflict, "already exists", "", "已经存在"},
	{is(gazette.ErrNotFound), http.StatusNotFound, "not found", "找不到这个页面", "找不到"},
	{malformedURL, http.StatusBadRequest, "invalid request", "请求有误", "请求有误"},
	{is(gazette.ErrInvalid), http.StatusUnprocessableEntity, "invalid request", "请求有误", "内容不完整或有误"},
}

// internalFailure is every error the table does not name: a 500 whose
// cause only the log sees. ErrCorrupt is one for the public: a record that
// does not verify is the archive's fault, not the reader's.
var internalFailure = failure{status: http.StatusInternalServerError, api: "internal error", reader: "服务暂时出了问题", editor: "服务暂时出了问题"}

// malformedURL reports a refusal of something in the URL: a path parameter
// or a query string.
func malformedURL(err error) bool {
	var bq badQuery
	var br badRequest
	return errors.As(err, &bq) || errors.As(err, &br)
}

// failureOf is the row of failures that err matches, for the public
// (editors false) or for editors.
func failureOf(err error, editors bool) failure {
	for _, f := range failures {
		if !f.is(err) {
			continue
		}
		if !editors && f.api == "" {
			break
		}
		return f
	}
	return internalFailure
}

// statusOf is the status and title the public API gives err.
func statusOf(err error) (int, string) {
	f := failureOf(err, false)
	return f.status, f.api
}

// editorStatus is the status and title editors read for err.
func editorStatus(err error) (int, string) {
	f := failureOf(err, true)
	return f.status, f.editor
}

// retryAfterUnavailable is the Retry-After of every 503: a backend that
// does not answer is usually back within a minute (a restart, a failover).
const retryAfterUnavailable = "30"

// setRetryAfter tells a client of a 503 when to try again.
func setRetryAfter(c *gin.Context, status int) {
	if status == http.StatusServiceUnavailable {
		c.Header("Retry-After", retryAfterUnavailable)
	}
}

// detailOf is the part of err a client may read: messages written for
// clients (badRequest, validation errors), never internals.
func detailOf(err error) string {
	var sf searchFailed
	if errors.As(err, &sf) && unavailable(err) {
		return searchDownMessage
	}
	var bq badQuery
	if errors.As(err, &bq) {
		return bq.Error()
	}
	var br badRequest
	if errors.As(err, &br) {
		return string(br)
	}
	var nf notFoundDetail
	if errors.As(err, &nf) {
		return string(nf)
	}
	var ve gazette.ValidationError
	if errors.As(err, &ve) {
		return ve.Error() // names fields only
	}
	if errors.Is(err, gazette.ErrStorageUnavailable) {
		return "The archive's storage does not answer at the moment. Pages already served are still available; retry after the seconds in Retry-After."
	}
	return ""
}

// statusClientGone is the status logged for a request whose client went
// away before the answer was written (nginx's 499, "client closed request").
const statusClientGone = 499

// clientGone reports whether the client of c went away: net/http cancels a
// request's context when its connection closes.
func clientGone(c *gin.Context) bool {
	return errors.Is(c.Request.Context().Err(), context.Canceled)
}

// logFailure logs the cause once: errors at 500 and above, refusals at
// debug. A backend unavailable (503) is a warning: the outage is no fault
// of this server, and is reported where it is watched. A failure once the
// client went away is no error of the server: the access log reports it
// as "client gone", with this cause.
func (s *Server) logFailure(c *gin.Context, status int, err error) {
	ctx, path := c.Request.Context(), c.Request.URL.Path
	switch {
	case clientGone(c):
		c.Set(goneCauseKey, err)
	case status == http.StatusServiceUnavailable:
		s.cfg.Log.WarnContext(ctx, "request failed: unavailable", "path", path, "err", err)
	case status >= 500:
		s.cfg.Log.ErrorContext(ctx, "request failed", "path", path, "err", err)
	default:
		s.cfg.Log.DebugContext(ctx, "request refused", "path", path, "err", err)
	}
}

// fail answers with a problem+json for err, logging the cause once; or,
// when a backend is unavailable, with the answer kept from before.
func (s *Server) fail(c *gin.Context, err error) {
	if s.serveStale(c, err) {
		return
	}
	status, title := statusOf(err)
	p := problem{Type: "about:blank", Title: title, Status: status, Detail: detailOf(err)}
	s.logFailure(c, status, err)
	if clientGone(c) {
		c.AbortWithStatus(statusClientGone) // no one reads an answer
		return
	}
	c.Header("Cache-Control", "no-store")
	setRetryAfter(c, status)
	c.Header("Content-Type", "application/problem+json")
	c.AbortWithStatusJSON(status, p)
}

// failPage answers a reader with an HTML problem page for err; or, when a
// backend is unavailable, with the page kept from before.
func (s *Server) failPage(c *gin.Context, err error) {
	if s.serveStale(c, err) {
		return
	}
	f := failureOf(err, false)
	status, title := f.status, cmp.Or(f.reader, internalFailure.reader)
	s.logFailure(c, status, err)
	if clientGone(c) {
		c.AbortWithStatus(statusClientGone) // no one reads an answer
		return
	}
	var buf bytes.Buffer
	v := s.view(c, title, "")
	detail := detailOf(err)
	var bq badQuery
	var sf searchFailed
	switch {
	case errors.As(err, &bq):
		detail = bq.Chinese()
	case errors.As(err, &sf) && unavailable(err):
		title, detail = "检索暂时不可用", searchDownMessageZh
		v.Title = title
	case errors.Is(err, gazette.ErrStorageUnavailable):
		detail = "公报档案的存储暂时无法连接，请稍后再试。已经打开过的页面仍可阅读。"
	case status == http.StatusServiceUnavailable:
		detail = "服务暂时无法连接，请稍后再试。"
	}
	v.Data = errorView{Status: status, Title: title, Detail: detail}
	c.Header("Cache-Control", "no-store")
	setRetryAfter(c, status)
	if rerr := s.execPage(&buf, "error", v); rerr != nil {
		s.cfg.Log.ErrorContext(c.Request.Context(), "render error page", "err", rerr)
		c.AbortWithStatus(status)
		return
	}
	c.Abort()
	writeBytes(c, status, "text/html; charset=utf-8", "", buf.Bytes(), nil)
}

type errorView struct {
	Status        int
	Title, Detail string
}

// wantsHTML reports whether the client is a browser asking for a page.
func wantsHTML(c *gin.Context) bool {
	return strings.Contains(c.GetHeader("Accept"), "text/html")
}

// methodNotAllowed answers a known path asked with a method it does not
// take: 405, with the methods it takes in Allow (gin sets it). Every path
// under /api/v1 answers OPTIONS, for CORS preflights, so a path that takes
// nothing else is unknown: 404.
func (s *Server) methodNotAllowed(c *gin.Context) {
	if c.Writer.Header().Get("Allow") == http.MethodOptions {
		c.Writer.Header().Del("Allow")
		s.notFound(c)
		return
	}
	if wantsHTML(c) && !strings.HasPrefix(c.Request.URL.Path, "/api/") {
		s.failPage(c, errMethod)
		return
	}
	s.fail(c, errMethod)
}

// notFound answers an unknown route: a page for browsers, problem+json for
// everyone else.
func (s *Server) notFound(c *gin.Context) {
	if wantsHTML(c) && !strings.HasPrefix(c.Request.URL.Path, "/api/") {
		s.failPage(c, gazette.ErrNotFound)
		return
	}
	s.fail(c, gazette.ErrNotFound)
}
