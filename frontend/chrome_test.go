package frontend_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/frontend"
)

// TestPagesFollowTheGazettesName: the parts of every page rendered once for
// the site's name (its head, header and footer) are rendered again when a
// newer issue prints another name, and every page shows that one.
func TestPagesFollowTheGazettesName(t *testing.T) {
	ctx := context.Background()
	a := archive.New(archivetest.NewMemBlobs(), nil, nil)
	srv, err := frontend.New(frontend.Config{Archive: a, PublicURL: publicURL, APIRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	publish := func(year int, name string) {
		t.Helper()
		s := archivetest.NewSample(year, 1, 2)
		s.Issue.Gazette = name
		if _, err := a.Publish(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
			t.Fatal(err)
		}
		srv.Invalidate()
	}
	shows := func(path, name, old string) {
		t.Helper()
		body := page(t, srv, path)
		for _, want := range []string{
			`title="` + name + `" href="/opensearch.xml"`,
			`title="` + name + `：最新各期"`,
			`<a class="brand" href="/">` + name + `</a>`,
			`<p>` + name + ` 电子版</p>`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s does not show %q", path, want)
			}
		}
		if old != "" && strings.Contains(body[strings.Index(body, "</head>"):], `class="brand" href="/">`+old) {
			t.Errorf("GET %s still shows the old name %q", path, old)
		}
	}
	publish(2018, "甲省人民政府公报")
	shows("/documents/2018-1-1", "甲省人民政府公报", "")
	publish(2019, "乙省人民政府公报 <&>")
	// The home page shows the new issue: from it on, the name it prints.
	shows("/", "乙省人民政府公报 &lt;&amp;&gt;", "甲省人民政府公报")
	shows("/documents/2018-1-1", "乙省人民政府公报 &lt;&amp;&gt;", "甲省人民政府公报")
}
