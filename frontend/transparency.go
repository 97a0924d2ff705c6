package frontend

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/transparency"
)

// TransparencyLog is what the server uses of the public transparency log
// (transparency.Public). Every method is safe for concurrent use; errors
// are gazette.ErrNotFound for what is not published or not logged, and
// storage errors.
type TransparencyLog interface {
	// Keyring is the log's origin and public keys.
	Keyring() transparency.Keyring
	// Object is a public object of the log by its path ("checkpoint",
	// "tile/..."), and whether it is immutable.
	Object(ctx context.Context, path string) (io.ReadSeekCloser, gazette.ObjectInfo, bool, error)
	// IssueProof proves an issue's publication.
	IssueProof(ctx context.Context, key gazette.IssueKey) (*transparency.Proof, error)
	// DocumentProof proves version v (0: current) of a document.
	DocumentProof(ctx context.Context, id string, v int) (*transparency.Proof, error)
	// Find proves the first entry naming a SHA-256.
	Find(ctx context.Context, sum string) (*transparency.Proof, error)
	// Check finds and verifies the proof of a SHA-256.
	Check(ctx context.Context, sum string) (*transparency.Verified, *transparency.Proof, error)
	// StoredManifest and StoredRecord open the exact bytes the log names.
	StoredManifest(ctx context.Context, key gazette.IssueKey) (io.ReadSeekCloser, gazette.ObjectInfo, error)
	StoredRecord(ctx context.Context, id string, v int) (io.ReadSeekCloser, gazette.ObjectInfo, error)
}

// errNoLog answers every log route of a server without a log.
const errNoLog = notFoundDetail("this archive keeps no transparency log (no signing key is configured)")

// ccCheckpoint keeps the mutable checkpoint for a few seconds only
// (C2SP tlog-tiles).
const ccCheckpoint = "public, max-age=5"

var sumPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// parseSum validates a hex SHA-256 from the URL.
func parseSum(raw string) (string, error) {
	sum := strings.ToLower(strings.TrimSpace(raw))
	if !sumPattern.MatchString(sum) {
		return "", badRequest(fmt.Sprintf("sha256 %.70q: want 64 hexadecimal digits", raw))
	}
	return sum, nil
}

// logKeys publishes the log's origin and public keys, old ones included.
func (s *Server) logKeys(c *gin.Context) {
	if s.cfg.Transparency == nil {
		s.fail(c, errNoLog)
		return
	}
	ring := s.cfg.Transparency.Keyring()
	s.writeJSON(c, struct {
		transparency.Keyring
		Log   string `json:"log"`
		Proof string `json:"proof"`
	}{ring, s.abs("/log/"), s.abs("/log/proof?sha256={sha256}")}, ccRecent, nil, "")
}

// logObject serves the log in the C2SP tlog-tiles layout: /log/checkpoint
// (short cache), /log/tile/... (immutable), and /log/proof?sha256=.
func (s *Server) logObject(c *gin.Context) {
	if s.cfg.Transparency == nil {
		s.fail(c, errNoLog)
		return
	}
	path := strings.TrimPrefix(c.Param("path"), "/")
	if path == "proof" {
		s.logProof(c)
		return
	}
	r, info, immutable, err := s.cfg.Transparency.Object(c.Request.Context(), path)
	if err != nil {
		s.fail(c, err)
		return
	}
	defer r.Close()
	if immutable {
		c.Header("Cache-Control", ccImmutable)
		c.Header("Content-Type", "application/octet-stream")
	} else {
		c.Header("Cache-Control", ccCheckpoint)
		c.Header("Content-Type", "text/plain; charset=utf-8")
	}
	if info.ETag != "" {
		c.Header("ETag", `"`+strings.Trim(info.ETag, `"`)+`"`)
	}
	http.ServeContent(c.Writer, c.Request, "", info.Modified, r)
}

// logProof finds the proof of a SHA-256: what `gazette verify --server`
// fetches for a file it holds.
func (s *Server) logProof(c *gin.Context) {
	sum, err := parseSum(c.Query("sha256"))
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := s.cfg.Transparency.Find(c.Request.Context(), sum)
	if errors.Is(err, gazette.ErrNotFound) {
		err = notFoundDetail("nothing this gazette published has SHA-256 " + sum)
	}
	s.writeProof(c, p, err, sum)
}

// writeProof answers a C2SP tlog-proof, as a file to keep.
func (s *Server) writeProof(c *gin.Context, p *transparency.Proof, err error, name string) {
	if err != nil {
		s.fail(c, err)
		return
	}
	text, err := p.MarshalText()
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + ".tlog-proof"}))
	// A proof leads to the checkpoint of the moment: a later one is as good.
	c.Header("Cache-Control", "public, max-age=60")
	c.Data(http.StatusOK, "text/plain; charset=utf-8", text)
}

func (s *Server) apiIssueProof(c *gin.Context) {
	if s.cfg.Transparency == nil {
		s.fail(c, errNoLog)
		return
	}
	key, err := parseIssueKey(c.Param("year"), c.Param("number"))
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := s.cfg.Transparency.IssueProof(c.Request.Context(), key)
	s.writeProof(c, p, err, "issue-"+key.String())
}

// logDocumentVersion reads the document ID and ?v= of a request about a
// document version in the log; it answers the failure itself (no log, a
// malformed ID or version) and then reports false.
func (s *Server) logDocumentVersion(c *gin.Context) (string, int, bool) {
	if s.cfg.Transparency == nil {
		s.fail(c, errNoLog)
		return "", 0, false
	}
	id, err := canonicalID(c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return "", 0, false
	}
	v, err := versionParam(c.Query("v"))
	if err != nil {
		s.fail(c, err)
		return "", 0, false
	}
	return id, v, true
}

func (s *Server) apiDocumentProof(c *gin.Context) {
	id, v, ok := s.logDocumentVersion(c)
	if !ok {
		return
	}
	p, err := s.cfg.Transparency.DocumentProof(c.Request.Context(), id, v)
	name := "document-" + id
	if v > 0 {
		name += "-v" + strconv.Itoa(v)
	}
	s.writeProof(c, p, err, name)
}

// apiIssueManifest serves the committed manifest, byte for byte, so that
// it can be verified against the issue's proof.
func (s *Server) apiIssueManifest(c *gin.Context) {
	if s.cfg.Transparency == nil {
		s.fail(c, errNoLog)
		return
	}
	key, err := parseIssueKey(c.Param("year"), c.Param("number"))
	if err != nil {
		s.fail(c, err)
		return
	}
	r, info, err := s.cfg.Transparency.StoredManifest(c.Request.Context(), key)
	s.serveStored(c, r, info, err, "manifest-"+key.String()+".json")
}

// apiDocumentRecord serves the stored record of a document version, byte
// for byte, so that it can be verified against the version's proof.
func (s *Server) apiDocumentRecord(c *gin.Context) {
	id, v, ok := s.logDocumentVersion(c)
	if !ok {
		return
	}
	r, info, err := s.cfg.Transparency.StoredRecord(c.Request.Context(), id, v)
	s.serveStored(c, r, info, err, "record-"+id+".json")
}

func (s *Server) serveStored(c *gin.Context, r io.ReadSeekCloser, info gazette.ObjectInfo, err error, name string) {
	if err != nil {
		s.fail(c, err)
		return
	}
	defer r.Close()
	c.Header("Content-Type", "application/json")
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	c.Header("Cache-Control", ccImmutable) // content-addressed or create-only
	http.ServeContent(c.Writer, c.Request, "", info.Modified, r)
}

// verification is what the /verify page and /api/v1/verify say of a file.
type verification struct {
	SHA256     string    `json:"sha256"`
	Verified   bool      `json:"verified"`
	Message    string    `json:"message"`
	Event      string    `json:"event,omitempty"`
	Subject    string    `json:"subject,omitempty"`
	Number     int       `json:"number,omitempty"`
	Time       time.Time `json:"time,omitzero"`
	Objects    []string  `json:"objects,omitempty"`
	Index      int64     `json:"index"`
	TreeSize   int64     `json:"tree_size"`
	Origin     string    `json:"origin,omitempty"`
	KeyID      string    `json:"key_id,omitempty"`
	ProofURL   string    `json:"proof_url,omitempty"`
	SubjectURL string    `json:"subject_url,omitempty"`
}

// check verifies sum against the log, as the reader's page shows it.
func (s *Server) check(ctx context.Context, sum string) (verification, error) {
	out := verification{SHA256: sum}
	v, _, err := s.cfg.Transparency.Check(ctx, sum)
	switch {
	case errors.Is(err, gazette.ErrNotFound):
		out.Message = "本公报没有发布过这个文件：它的 SHA-256 不在公开日志中。文件可能被改动过，或不是本公报的文件。"
		return out, nil
	case errors.Is(err, gazette.ErrCorrupt):
		// The log itself is damaged: the reader is told so, the log
		// says what.
		s.cfg.Log.ErrorContext(ctx, "transparency log: a proof does not verify", "sha256", sum, "err", err)
		out.Message = "本站透明日志中的证明未通过核验，无法确认这个文件。问题已记录。"
		return out, nil
	case err != nil:
		return out, err
	}
	out.Verified = true
	e := v.Entry
	out.Event, out.Subject, out.Number, out.Time = e.Event, e.Subject, e.Number, e.Time
	out.Index, out.TreeSize, out.Origin, out.KeyID = v.Index, v.Tree, v.Origin, v.KeyID
	for _, o := range v.Named {
		name := map[string]string{"pdf": "印刷版 PDF", "manifest": "清单", "record": "文件记录", "file": "每日数据"}[o.Role]
		if o.ID != "" {
			name += " " + o.ID
		}
		out.Objects = append(out.Objects, name)
	}
	out.ProofURL = "/log/proof?sha256=" + sum
	switch e.Event {
	case "published", "withdrawn":
		if k, err := gazette.ParseIssueKey(e.Subject); err == nil {
			out.SubjectURL = fmt.Sprintf("/issues/%d/%s", k.Year, strings.TrimPrefix(k.String(), strconv.Itoa(k.Year)+"-"))
		}
	case archive.EventDump:
		out.SubjectURL = "/bulk/dumps/" + e.Subject + ".jsonl.gz"
	default:
		out.SubjectURL = "/documents/" + e.Subject
	}
	what := map[string]string{"published": "发布", "corrected": "更正", "validity": "时效变更", "withdrawn": "撤回", archive.EventDump: "每日数据"}[e.Event]
	out.Message = fmt.Sprintf("核验通过：此文件与 %s（%s，%s）中登记的内容完全一致。", e.Subject, what, e.Time.In(gazette.ChinaTime).Format("2006年1月2日 15:04"))
	return out, nil
}

// apiVerify says whether a SHA-256 (computed by the reader's browser) is
// something the gazette published.
func (s *Server) apiVerify(c *gin.Context) {
	if s.cfg.Transparency == nil {
		s.fail(c, errNoLog)
		return
	}
	sum, err := parseSum(c.Query("sha256"))
	if err != nil {
		s.fail(c, err)
		return
	}
	out, err := s.check(c.Request.Context(), sum)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeJSON(c, out, ccPrivate, nil, "")
}

// maxVerifyBytes bounds a file posted to /verify: the largest print PDF
// and then some.
const maxVerifyBytes = 512 << 20

// verifyView is the data of the /verify page.
type verifyView struct {
	Enabled bool
	Result  *verification
	Error   string
}

// verifyPage is the reader's page to check a file: the browser hashes it
// (Web Crypto) and asks /api/v1/verify; without JavaScript the form posts
// the file, which is hashed as it streams in and never stored.
func (s *Server) verifyPage(c *gin.Context) {
	v := s.view(c, "核验文件", "/verify")
	v.Description = "核验一份公报 PDF 或文件记录是否与本公报发布的内容完全一致。"
	v.Data = verifyView{Enabled: s.cfg.Transparency != nil}
	s.render(c, "verify", v, nil, "", ccPrivate)
}

func (s *Server) verifyUpload(c *gin.Context) {
	v := s.view(c, "核验文件", "/verify")
	v.NoIndex = true
	data := verifyView{Enabled: s.cfg.Transparency != nil}
	if !data.Enabled {
		s.failPage(c, errNoLog)
		return
	}
	sum, err := hashUpload(c)
	if err != nil {
		data.Error = err.Error()
	} else if res, err := s.check(c.Request.Context(), sum); err != nil {
		s.failPage(c, err)
		return
	} else {
		data.Result = &res
	}
	v.Data = data
	s.render(c, "verify", v, nil, "", ccPrivate)
}

// hashUpload returns the SHA-256 of the file part of a multipart form, read
// as it streams in and kept nowhere.
func hashUpload(c *gin.Context) (string, error) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxVerifyBytes)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return "", errors.New("请选择要核验的文件")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return "", errors.New("请选择要核验的文件")
		}
		if err != nil {
			return "", errors.New("文件没有完整上传，请重试")
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		h := sha256.New()
		n, err := io.Copy(h, part)
		part.Close()
		if err != nil {
			return "", errors.New("文件没有完整上传（或超过 512 MB），请重试")
		}
		if n == 0 {
			return "", errors.New("请选择要核验的文件")
		}
		return hex.EncodeToString(h.Sum(nil)), nil
	}
}
