package frontend

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/gazette"
)

// Accounts, for administrators: list, add, change role, disable or
// enable, reset a password. editorial decides who may (administrators
// only, never on their own account, never the last administrator) and
// audits every step; these handlers only translate HTTP.

func roleLabel(r editorial.Role) string {
	return map[editorial.Role]string{editorial.RoleEditor: "编辑", editorial.RoleChief: "主编", editorial.RoleAdmin: "管理员"}[r]
}

// roleOption is one choice of a role <select>.
type roleOption struct {
	Value    editorial.Role
	Label    string
	Selected bool
}

func roleOptions(current editorial.Role) []roleOption {
	out := make([]roleOption, len(editorial.Roles))
	for i, r := range editorial.Roles {
		out[i] = roleOption{Value: r, Label: roleLabel(r), Selected: r == current}
	}
	return out
}

// userRow is one account on the users page.
type userRow struct {
	Name, Role, LastSignIn string
	Roles                  []roleOption
	Disabled, Me           bool
}

type usersView struct {
	Users       []userRow
	NewRoles    []roleOption
	Done, Who   string
	MinPassword int
}

// doneMessages are the outcomes a redirect back to the users page reports.
var doneMessages = map[string]string{
	"added": "已添加用户", "role": "已更改角色：", "disabled": "已停用用户", "enabled": "已启用用户", "password": "已重设密码（该用户的登录均已失效）：",
}

func (s *Server) usersPage(c *gin.Context) {
	users, err := s.cfg.Editorial.Users(c.Request.Context(), actorOf(c))
	if err != nil {
		s.editorFail(c, err)
		return
	}
	v := usersView{NewRoles: roleOptions(editorial.RoleEditor), MinPassword: editorial.MinPasswordRunes}
	if msg, ok := doneMessages[c.Query("done")]; ok {
		v.Done = msg
		if who := c.Query("user"); editorial.CheckUserName(who) == nil {
			v.Who = who
		}
	}
	me := actorOf(c).User
	for _, u := range users {
		row := userRow{Name: u.Name, Role: roleLabel(u.Role), Roles: roleOptions(u.Role), Disabled: u.Disabled, Me: u.Name == me, LastSignIn: "从未登录"}
		if !u.LastSignIn.IsZero() {
			row.LastSignIn = releaseLabel(u.LastSignIn)
		}
		v.Users = append(v.Users, row)
	}
	s.editorPage(c, http.StatusOK, "editor_users", "用户管理", v)
}

// usersDone sends the browser back to the users page with the outcome.
func usersDone(c *gin.Context, done, name string) {
	c.Redirect(http.StatusSeeOther, "/editor/users?done="+done+"&user="+url.QueryEscape(name))
}

func (s *Server) addUserPage(c *gin.Context) {
	name := c.PostForm("name")
	role, err := editorial.ParseRole(c.PostForm("role"))
	if err == nil {
		err = s.cfg.Editorial.AddUser(c.Request.Context(), actorOf(c), name, role, c.PostForm("password"))
	}
	if err != nil {
		s.editorFail(c, err)
		return
	}
	usersDone(c, "added", name)
}

func (s *Server) setRolePage(c *gin.Context) {
	name := c.Param("name")
	role, err := editorial.ParseRole(c.PostForm("role"))
	if err == nil {
		err = s.cfg.Editorial.SetRole(c.Request.Context(), actorOf(c), name, role)
	}
	if err != nil {
		s.editorFail(c, err)
		return
	}
	usersDone(c, "role", name)
}

func (s *Server) setDisabledPage(c *gin.Context) {
	name := c.Param("name")
	var disabled bool
	switch c.PostForm("disabled") {
	case "1":
		disabled = true
	case "0":
	default:
		s.editorFail(c, gazette.ValidationError{{Field: "disabled", Problem: "want 1 or 0"}})
		return
	}
	if err := s.cfg.Editorial.SetDisabled(c.Request.Context(), actorOf(c), name, disabled); err != nil {
		s.editorFail(c, err)
		return
	}
	done := "enabled"
	if disabled {
		done = "disabled"
	}
	usersDone(c, done, name)
}

func (s *Server) resetPasswordPage(c *gin.Context) {
	name := c.Param("name")
	if err := s.cfg.Editorial.SetPassword(c.Request.Context(), actorOf(c), name, c.PostForm("password")); err != nil {
		s.editorFail(c, err)
		return
	}
	usersDone(c, "password", name)
}

// The API.

// apiUser is an account as the API answers it: never its password hash.
type apiUser struct {
	Name       string         `json:"name"`
	Role       editorial.Role `json:"role"`
	Disabled   bool           `json:"disabled"`
	Created    time.Time      `json:"created"`
	Updated    time.Time      `json:"updated"`
	LastSignIn *time.Time     `json:"last_sign_in,omitempty"`
}

func newAPIUser(u *editorial.User) apiUser {
	out := apiUser{Name: u.Name, Role: u.Role, Disabled: u.Disabled, Created: u.Created, Updated: u.Updated}
	if !u.LastSignIn.IsZero() {
		t := u.LastSignIn
		out.LastSignIn = &t
	}
	return out
}

// maxUserJSON bounds an account request: a name, a role, a password.
const maxUserJSON = 16 << 10

// decodeBody reads a small JSON request body, refusing unknown fields so a
// misspelt one is not silently ignored.
func decodeBody(c *gin.Context, v any) error {
	dec := json.NewDecoder(io.LimitReader(c.Request.Body, maxUserJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("body: %v: %w", err, gazette.ErrInvalid)
	}
	return nil
}

func (s *Server) apiUsers(c *gin.Context) {
	users, err := s.cfg.Editorial.Users(c.Request.Context(), actorOf(c))
	if err != nil {
		s.apiFail(c, err)
		return
	}
	out := make([]apiUser, len(users))
	for i := range users {
		out[i] = newAPIUser(&users[i])
	}
	c.JSON(http.StatusOK, gin.H{"users": out})
}

// writeUser answers with the stored account name.
func (s *Server) writeUser(c *gin.Context, status int, name string) {
	u, err := s.cfg.Editorial.User(c.Request.Context(), actorOf(c), name)
	if err != nil {
		s.apiFail(c, err)
		return
	}
	c.JSON(status, newAPIUser(u))
}

func (s *Server) apiUser(c *gin.Context) { s.writeUser(c, http.StatusOK, c.Param("name")) }

func (s *Server) apiAddUser(c *gin.Context) {
	var body struct {
		Name     string         `json:"name"`
		Role     editorial.Role `json:"role"`
		Password string         `json:"password"`
	}
	if err := decodeBody(c, &body); err != nil {
		s.apiFail(c, err)
		return
	}
	if err := s.cfg.Editorial.AddUser(c.Request.Context(), actorOf(c), body.Name, body.Role, body.Password); err != nil {
		s.apiFail(c, err)
		return
	}
	c.Header("Location", "/api/v1/editor/users/"+body.Name)
	s.writeUser(c, http.StatusCreated, body.Name)
}

// apiUpdateUser changes the role, the disabled flag or both; each change
// is its own audited step, the role first.
func (s *Server) apiUpdateUser(c *gin.Context) {
	var body struct {
		Role     *editorial.Role `json:"role"`
		Disabled *bool           `json:"disabled"`
	}
	if err := decodeBody(c, &body); err != nil {
		s.apiFail(c, err)
		return
	}
	if body.Role == nil && body.Disabled == nil {
		s.apiFail(c, fmt.Errorf("body: give role, disabled or both: %w", gazette.ErrInvalid))
		return
	}
	ctx, a, name := c.Request.Context(), actorOf(c), c.Param("name")
	if body.Role != nil {
		if err := s.cfg.Editorial.SetRole(ctx, a, name, *body.Role); err != nil {
			s.apiFail(c, err)
			return
		}
	}
	if body.Disabled != nil {
		if err := s.cfg.Editorial.SetDisabled(ctx, a, name, *body.Disabled); err != nil {
			s.apiFail(c, err)
			return
		}
	}
	s.writeUser(c, http.StatusOK, name)
}

func (s *Server) apiResetPassword(c *gin.Context) {
	var body struct {
		Password string `json:"password"`
	}
	if err := decodeBody(c, &body); err != nil {
		s.apiFail(c, err)
		return
	}
	if err := s.cfg.Editorial.SetPassword(c.Request.Context(), actorOf(c), c.Param("name"), body.Password); err != nil {
		s.apiFail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
