package frontend

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"text/template"

	"github.com/gin-gonic/gin"
)

//go:embed static templates openapi.json
var files embed.FS

// asset is one static file held in memory with its gzip form.
type asset struct {
	name, url, ctype, etag string
	body, gz               []byte
}

// assets are the static files by URL, and the hashed URL of each by name.
type assets struct {
	byURL  map[string]*asset
	byName map[string]*asset
	sw     *asset // the service worker, at the root so that its scope is the site
}

// loadAssets reads the embedded static files and gives each a URL carrying
// a hash of its content, so it can be cached for a year and replaced by a
// new URL when it changes.
func loadAssets() (*assets, error) {
	as := &assets{byURL: map[string]*asset{}, byName: map[string]*asset{}}
	err := fs.WalkDir(files, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		if name == "sw.js" {
			return nil // a template, rendered below once the hashed URLs are known
		}
		a := newAsset(name, body)
		ext := path.Ext(name)
		a.url = "/static/" + strings.TrimSuffix(name, ext) + "." + a.etag[1:11] + ext
		as.byURL[a.url], as.byName[name] = a, a
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("frontend: static files: %w", err)
	}
	src, err := files.ReadFile("static/sw.js")
	if err != nil {
		return nil, fmt.Errorf("frontend: sw.js: %w", err)
	}
	// text/template: the inputs are our own URLs and the output is not HTML.
	t, err := template.New("sw.js").Delims("[[", "]]").Funcs(template.FuncMap{"asset": as.url}).Parse(string(src))
	if err != nil {
		return nil, fmt.Errorf("frontend: sw.js: %w", err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, nil); err != nil {
		return nil, fmt.Errorf("frontend: sw.js: %w", err)
	}
	as.sw = newAsset("sw.js", buf.Bytes())
	as.sw.url = "/sw.js"
	return as, nil
}

func newAsset(name string, body []byte) *asset {
	sum := sha256.Sum256(body)
	ctype := mime.TypeByExtension(path.Ext(name))
	switch path.Ext(name) {
	case ".js":
		ctype = "text/javascript; charset=utf-8"
	case ".css":
		ctype = "text/css; charset=utf-8"
	case ".svg":
		ctype = "image/svg+xml"
	}
	return &asset{name: name, ctype: ctype, etag: `"` + hex.EncodeToString(sum[:16]) + `"`, body: body, gz: gzipBytes(body, gzip.BestCompression)}
}

// url returns the hashed URL of a static file; an unknown name is a
// programming error caught when templates are parsed at start-up.
func (as *assets) url(name string) (string, error) {
	a, ok := as.byName[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return a.url, nil
}

// gzipBytes compresses b at level: static files, compressed once at
// start-up, at gzip.BestCompression; rendered pages at pageGzipLevel.
func gzipBytes(b []byte, level int) []byte {
	var buf bytes.Buffer
	pool, _ := gzipWriters.LoadOrStore(level, new(sync.Pool))
	zw, ok := pool.(*sync.Pool).Get().(*gzip.Writer)
	if ok {
		zw.Reset(&buf)
	} else {
		zw, _ = gzip.NewWriterLevel(&buf, level)
	}
	zw.Write(b)
	zw.Close()
	pool.(*sync.Pool).Put(zw)
	return buf.Bytes()
}

// gzipWriters keeps gzip writers for reuse, a pool per level: a new one
// allocates and clears about a megabyte of state.
var gzipWriters sync.Map // level → *sync.Pool of *gzip.Writer

// serveAsset answers a hashed static URL; it never changes, so it is cached
// for a year.
func (s *Server) serveAsset(c *gin.Context) {
	a, ok := s.assets.byURL[c.Request.URL.Path]
	if !ok {
		s.notFound(c)
		return
	}
	c.Header("Cache-Control", "public, max-age=31536000, immutable")
	s.writeAsset(c, a)
}

// favicon answers the address browsers ask for an icon where a page names
// none (a feed, a plain-text citation): the site's icon, found again by a
// redirect, as a missing icon would be logged as an error on every such
// view.
func (s *Server) favicon(c *gin.Context) {
	icon, _ := s.assets.url("icon.svg")
	c.Header("Cache-Control", "public, max-age=86400")
	c.Redirect(http.StatusMovedPermanently, icon)
}

// serviceWorker and webManifest live at fixed URLs and are revalidated on
// every use, so a new version reaches readers at once.
func (s *Server) serviceWorker(c *gin.Context) {
	c.Header("Cache-Control", "no-cache")
	c.Header("Service-Worker-Allowed", "/")
	s.writeAsset(c, s.assets.sw)
}

// webManifest describes the site as an installable app, under the
// gazette's own name.
func (s *Server) webManifest(c *gin.Context) {
	icon, _ := s.assets.url("icon.svg")
	name := s.siteName()
	short := []rune(name)
	if len(short) > 12 {
		short = []rune("公报")
	}
	m := map[string]any{
		"name": name, "short_name": string(short), "lang": "zh-CN", "start_url": "/", "scope": "/",
		"display": "standalone", "background_color": "#fbfaf7", "theme_color": "#9e1b1b",
		"icons": []map[string]string{{"src": icon, "sizes": "any", "type": "image/svg+xml", "purpose": "any maskable"}},
	}
	body, err := json.Marshal(m)
	if err != nil {
		s.fail(c, fmt.Errorf("frontend: manifest: %w", err))
		return
	}
	c.Header("Cache-Control", "public, max-age=3600")
	p := newPage("application/manifest+json", body)
	writeBytes(c, http.StatusOK, p.ctype, p.etag, p.body, p.gzipped())
}

func (s *Server) writeAsset(c *gin.Context, a *asset) {
	writeBytes(c, http.StatusOK, a.ctype, a.etag, a.body, a.gzipped)
}

// gzipped is the asset's gzip form, made at start-up.
func (a *asset) gzipped() []byte { return a.gz }

// writeBytes writes a prepared response body, answering a conditional
// request with 304 and a client that accepts gzip with what gz makes (when
// given: a body too small to compress has none).
func writeBytes(c *gin.Context, status int, ctype, etag string, body []byte, gz func() []byte) {
	h := c.Writer.Header()
	h.Set("Content-Type", ctype)
	if etag != "" {
		h.Set("ETag", etag)
		if status == http.StatusOK && etagMatch(c.GetHeader("If-None-Match"), etag) {
			c.Status(http.StatusNotModified)
			c.Writer.WriteHeaderNow()
			return
		}
	}
	if gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(c.GetHeader("Accept-Encoding")) {
			h.Set("Content-Encoding", "gzip")
			body = gz()
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.Status(status)
	if c.Request.Method != http.MethodHead {
		c.Writer.Write(body)
	} else {
		c.Writer.WriteHeaderNow()
	}
}

// etagMatch reports whether an If-None-Match header names etag (weak
// comparison, as RFC 9110 asks for If-None-Match).
func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == strings.TrimPrefix(etag, "W/") {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether an Accept-Encoding header accepts gzip (a
// q-value of 0 refuses it).
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		for _, p := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(k, "q") {
				q, err := strconv.ParseFloat(v, 64)
				return err == nil && q > 0
			}
		}
		return true
	}
	return false
}
