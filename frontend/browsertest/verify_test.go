package browsertest

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
	"github.com/gazette-archive/gazette/transparency"
)

// newLoggedSite serves one issue published with the transparency log on,
// and returns the issue's PDF.
func newLoggedSite(t *testing.T) (*httptest.Server, []byte) {
	t.Helper()
	priv, pub, err := transparency.GenerateKey("gazette.test/log")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := transparency.NewSigner(priv)
	if err != nil {
		t.Fatal(err)
	}
	ring, err := transparency.KeyringOf(pub)
	if err != nil {
		t.Fatal(err)
	}
	blobs := archivetest.NewMemBlobs()
	l, err := transparency.New(blobs, signer, ring, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := archive.New(blobs, nil, nil, archive.WithLedger(l))
	s := frontendtest.Sample(frontendtest.Issue2019, 3)
	if err := frontendtest.Publish(context.Background(), a, s); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	h, err := frontend.New(frontend.Config{Archive: a, PublicURL: "http://" + srv.Listener.Addr().String(), APIRate: -1, Transparency: transparency.NewPublic(l, a)})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, s.PDF
}

// TestVerifyAPDFOnAPhone chooses a PDF on the /verify page at a phone's
// size: the browser hashes it and shows that it is the published issue;
// with one byte changed, that it is not.
func TestVerifyAPDFOnAPhone(t *testing.T) {
	ctx := newBrowser(t)
	site, pdf := newLoggedSite(t)
	probs := watch(t, ctx)
	out := artifacts(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "2019-12.pdf")
	changed := filepath.Join(dir, "changed.pdf")
	os.WriteFile(good, pdf, 0o644)
	bad := bytes.Clone(pdf)
	bad[len(bad)/2] ^= 1
	os.WriteFile(changed, bad, 0o644)

	phone := viewports[0]
	if err := chromedp.Do(ctx, setViewport(phone), chromedp.Navigate(site.URL+"/verify"), chromedp.WaitReady(chromedp.CSS("#verify-file"))); err != nil {
		t.Fatal(err)
	}
	m, err := chromedp.Run(ctx, chromedp.Evaluate[layoutCheck](measureJS))
	if err != nil {
		t.Fatal(err)
	}
	if m.ScrollWidth > m.InnerWidth || len(m.SmallText) > 0 || len(m.LowContrast) > 0 {
		t.Errorf("/verify at %d px: %+v", phone.width, m)
	}
	for _, tc := range []struct {
		name, file, box, want string
	}{
		{"published", good, ".verify-ok", "核验通过"},
		{"changed", changed, ".verify-bad", "没有发布过"},
	} {
		err := chromedp.Do(ctx, chromedp.SetUploadFiles("#verify-file", []string{tc.file}),
			chromedp.WaitVisible(chromedp.CSS("#verify-result "+tc.box)))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#verify-result")))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(text, "undefined") {
			t.Errorf("%s: the page shows a missing field: %q", tc.name, text)
		}
		if !strings.Contains(text, tc.want) || !strings.Contains(text, transparency.SumOf(map[bool][]byte{true: pdf, false: bad}[tc.name == "published"])) {
			t.Errorf("%s: the page says %q", tc.name, text)
		}
		shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, "phone-verify-"+tc.name+".png"), shot, 0o644); err != nil {
			t.Error(err)
		}
		if m, err := chromedp.Run(ctx, chromedp.Evaluate[layoutCheck](measureJS)); err != nil || m.ScrollWidth > m.InnerWidth {
			t.Errorf("%s: the result scrolls sideways: %+v %v", tc.name, m, err)
		}
	}
	time.Sleep(50 * time.Millisecond)
	for _, p := range probs.take() {
		t.Errorf("/verify: %s", p)
	}
}
