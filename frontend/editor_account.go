package frontend

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/gazette"
)

// The signed-in user's own account: changing the password and managing
// API tokens. editorial checks, and audits, every step; a new token is
// shown in the answer to the form that created it and never again.

// tokenLifetimes are the lifetimes offered for a new API token, in days;
// 0 is until revoked.
var tokenLifetimes = []int{30, 90, 365, 0}

type accountView struct {
	Tokens    []editorial.APIToken
	Lifetimes []int
	// NewToken is the token just created, shown this once.
	NewToken string
	NewLabel string
	Done     string
	// MinPassword lets the browser check the length before posting.
	MinPassword int
}

func (s *Server) accountPage(c *gin.Context) {
	s.renderAccount(c, http.StatusOK, accountView{Done: c.Query("done")})
}

// renderAccount shows the account page with the actor's tokens.
func (s *Server) renderAccount(c *gin.Context, status int, v accountView) {
	tokens, err := s.cfg.Editorial.Tokens(c.Request.Context(), actorOf(c))
	if err != nil {
		s.editorFail(c, err)
		return
	}
	me := actorOf(c).User
	for _, t := range tokens {
		// An administrator's list holds everyone's; this page is one's own.
		if t.User == me {
			v.Tokens = append(v.Tokens, t)
		}
	}
	v.Lifetimes, v.MinPassword = tokenLifetimes, editorial.MinPasswordRunes
	s.editorPage(c, status, "editor_account", "我的账户", v)
}

// changePasswordPage changes the actor's password. editorial revokes every
// session of the user, this one too, so the browser signs in again.
func (s *Server) changePasswordPage(c *gin.Context) {
	password := c.PostForm("password")
	if password != c.PostForm("confirm") {
		s.editorFail(c, gazette.ValidationError{{Field: "confirm", Problem: "the two new passwords differ"}})
		return
	}
	if err := s.cfg.Editorial.ChangePassword(c.Request.Context(), actorOf(c), c.PostForm("current"), password); err != nil {
		s.editorFail(c, err)
		return
	}
	s.setSessionCookie(c, "", time.Time{})
	c.Redirect(http.StatusSeeOther, "/editor/signin?next=/editor/account")
}

// createTokenPage creates an API token and shows it once; the answer is
// never cached (editorHeaders), and no redirect carries the token in a URL.
func (s *Server) createTokenPage(c *gin.Context) {
	days, err := strconv.Atoi(c.PostForm("days"))
	if err != nil || !slices.Contains(tokenLifetimes, days) {
		s.editorFail(c, gazette.ValidationError{{Field: "days", Problem: "want one of the offered lifetimes"}})
		return
	}
	label := strings.TrimSpace(c.PostForm("label"))
	token, _, err := s.cfg.Editorial.CreateToken(c.Request.Context(), actorOf(c), label, time.Duration(days)*24*time.Hour)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	s.renderAccount(c, http.StatusCreated, accountView{NewToken: token, NewLabel: label})
}

func (s *Server) revokeTokenPage(c *gin.Context) {
	if err := s.cfg.Editorial.RevokeToken(c.Request.Context(), actorOf(c), c.Param("id")); err != nil {
		s.editorFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/editor/account?done=revoked")
}
