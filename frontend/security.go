package frontend

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"
)

// contentSecurityPolicy allows nothing inline and nothing from another
// host: every script and style is a file of this site.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the strict headers every response carries. The
// values are built once and shared: net/http only reads them.
func (s *Server) securityHeaders() gin.HandlerFunc {
	common := http.Header{
		"X-Content-Type-Options":     {"nosniff"},
		"X-Frame-Options":            {"DENY"},
		"Referrer-Policy":            {"strict-origin-when-cross-origin"},
		"Permissions-Policy":         {"camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"},
		"Cross-Origin-Opener-Policy": {"same-origin"},
	}
	if s.base.Scheme == "https" {
		common["Strict-Transport-Security"] = []string{"max-age=31536000"}
	}
	page := []string{contentSecurityPolicy}
	// The browser's own PDF viewer needs its scripts; a PDF is still never
	// framed by another site.
	pdf := []string{"frame-ancestors 'none'"}
	return func(c *gin.Context) {
		h := c.Writer.Header()
		for k, v := range common {
			h[k] = v
		}
		if strings.HasSuffix(c.Request.URL.Path, ".pdf") {
			h["Content-Security-Policy"] = pdf
		} else {
			h["Content-Security-Policy"] = page
		}
		c.Next()
	}
}

// cors lets any site read the API with GET (it is public, read-only data and
// no credentials are involved).
func cors() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Expose-Headers", "ETag, Retry-After, Content-Disposition, Link")
		if c.Request.Method == http.MethodOptions {
			h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "If-None-Match, If-Modified-Since, Range")
			h.Set("Access-Control-Max-Age", "86400")
			c.AbortWithStatus(http.StatusNoContent)
			return
		}
		c.Next()
	}
}

// rateLimit refuses a client address that exceeds its token bucket with 429
// and Retry-After. The address is gin's ClientIP, which believes
// X-Forwarded-For only from the trusted proxies.
func (s *Server) rateLimit() gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.limiter == nil {
			c.Next()
			return
		}
		if ok, wait := s.limiter.allow(c.ClientIP(), time.Now()); !ok {
			secs := int(math.Ceil(wait.Seconds()))
			c.Header("Retry-After", strconv.Itoa(max(secs, 1)))
			s.fail(c, errTooMany)
			return
		}
		c.Next()
	}
}

// limiter is a token bucket (golang.org/x/time/rate) per client address,
// in memory. Safe for concurrent use. It holds at most max buckets: when
// full, buckets that have refilled (clients gone quiet) are forgotten,
// which loses nothing.
type limiter struct {
	mu      sync.Mutex
	rate    rate.Limit
	burst   int
	max     int
	buckets map[string]*rate.Limiter
}

func newLimiter(perSecond float64, burst, max int) *limiter {
	return &limiter{rate: rate.Limit(perSecond), burst: burst, max: max, buckets: map[string]*rate.Limiter{}}
}

// allow takes a token for key at now, or reports how long until one is there.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.max {
			l.sweep(now)
		}
		b = rate.NewLimiter(l.rate, l.burst)
		l.buckets[key] = b
	}
	r := b.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now) // refused: the token stays for later
		return false, d
	}
	return true, 0
}

// sweep forgets full buckets; if every bucket is in use (a flood of
// addresses), it forgets half of them, which only makes the limit laxer.
func (l *limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if b.TokensAt(now) >= float64(l.burst) {
			delete(l.buckets, k)
		}
	}
	for k := range l.buckets {
		if len(l.buckets) < l.max/2 {
			break
		}
		delete(l.buckets, k)
	}
}
