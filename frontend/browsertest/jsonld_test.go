package browsertest

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gazette-archive/gazette/frontend/frontendtest"
)

// ldSeen is what a page's JSON-LD reads as in the browser.
type ldSeen struct {
	Blocks     int
	Error      string
	Type       string
	ID         string
	Identifier string
	Name       string
	Issue      string
	PassedBy   []string
}

// ldJS parses the page's JSON-LD data blocks with the browser's own
// JSON.parse, as a crawler does.
const ldJS = `(() => {
  const blocks = [...document.querySelectorAll('script[type="application/ld+json"]')];
  const out = {Blocks: blocks.length, Error: '', Type: '', ID: '', Identifier: '', Name: '', Issue: '', PassedBy: []};
  if (!blocks.length) return out;
  try {
    const ld = JSON.parse(blocks[0].textContent);
    out.Type = ld['@type']; out.ID = ld['@id']; out.Identifier = ld.legislationIdentifier || ''; out.Name = ld.name;
    out.Issue = (ld.isPartOf || {})['@type'] || '';
    out.PassedBy = (ld.legislationPassedBy || []).map(o => o.name);
  } catch (e) { out.Error = String(e); }
  return out;
})()`

// TestJSONLDInChromium loads document pages, an ordinary one and one whose
// fields carry markup, and reads their schema.org Legislation in the
// browser: one block, parseable, the right document, and no Content
// Security Policy violation or script run (a data block is not a script).
func TestJSONLDInChromium(t *testing.T) {
	ctx := newBrowser(t)
	site := newSite(t)
	probs := watch(t, ctx)
	ordinary := frontendtest.Sample(frontendtest.Issue2019, 24).Documents[1]
	hostile := frontendtest.Hostile().Documents[0] // <script>…</script> in its title
	for _, d := range []struct{ id, title, docNumber, authority string }{
		{ordinary.ID, ordinary.Title, ordinary.DocNumber, ordinary.Authorities[0]},
		{hostile.ID, hostile.Title, hostile.DocNumber, hostile.Authorities[0]},
	} {
		t.Run(d.id, func(t *testing.T) {
			err := chromedp.Do(ctx, chromedp.Navigate(site.URL+"/documents/"+d.id), chromedp.WaitReady(chromedp.CSS("main")))
			if err != nil {
				t.Fatal(err)
			}
			ld, err := chromedp.Run(ctx, chromedp.Evaluate[ldSeen](ldJS))
			if err != nil {
				t.Fatal(err)
			}
			if ld.Blocks != 1 || ld.Error != "" {
				t.Fatalf("%d JSON-LD blocks, parse error %q", ld.Blocks, ld.Error)
			}
			if ld.Type != "Legislation" || ld.ID != site.URL+"/documents/"+d.id || ld.Issue != "PublicationIssue" {
				t.Errorf("JSON-LD reads %+v", ld)
			}
			if ld.Identifier != d.docNumber || ld.Name != strings.TrimSpace(ld.Name) || ld.Name == "" {
				t.Errorf("legislationIdentifier %q (want %q), name %q", ld.Identifier, d.docNumber, ld.Name)
			}
			if !strings.ContainsRune(d.title, '\u202e') && ld.Name != d.title {
				t.Errorf("name %q, want %q", ld.Name, d.title)
			}
			if len(ld.PassedBy) == 0 || (ld.PassedBy[0] != d.authority && !strings.ContainsRune(d.authority, '\u202e')) {
				t.Errorf("legislationPassedBy %q, want %q", ld.PassedBy, d.authority)
			}
			time.Sleep(50 * time.Millisecond)
			for _, p := range probs.take() {
				t.Errorf("%s: %s", d.id, p)
			}
		})
	}
}
