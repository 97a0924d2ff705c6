package frontend_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/meiliindex"
	"github.com/gazette-archive/gazette/archive/s3blobs"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
)

// TestOnMinIOAndMeilisearch serves the sample gazette from real MinIO and
// real Meilisearch and checks the reader, the 文号 redirects and the XSS
// defences there too (the other tests run on memory and bleve).
func TestOnMinIOAndMeilisearch(t *testing.T) {
	if testing.Short() {
		t.Skip("starts MinIO and Meilisearch: not in -short")
	}
	ctx := context.Background()
	minio := archivetest.SharedMinIO(t)
	meili := archivetest.SharedMeili(t)
	name := fmt.Sprintf("frontend-%d", time.Now().UnixNano())
	blobs, err := s3blobs.New(ctx, s3blobs.Config{Endpoint: minio.Endpoint, Bucket: name, AccessKey: minio.AccessKey, SecretKey: minio.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	idx, err := meiliindex.New(ctx, meiliindex.Config{URL: meili.URL, Key: meili.Key, Index: name})
	if err != nil {
		t.Fatal(err)
	}
	a := archive.New(blobs, idx, nil)
	start := time.Now()
	if err := frontendtest.Publish(ctx, a, append(frontendtest.Gazette(), frontendtest.Hostile())...); err != nil {
		t.Fatal(err)
	}
	h, err := frontend.New(frontend.Config{Archive: a, PublicURL: publicURL, APIRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("reader", func(t *testing.T) { checkReaderPages(t, h) })
	t.Run("redirects", func(t *testing.T) { checkRedirects(t, h) })
	t.Run("no XSS", func(t *testing.T) { checkNoXSS(t, h) })
	t.Run("partial matches", func(t *testing.T) { checkPartialMatches(t, h) })
	t.Run("OAI-PMH", func(t *testing.T) { checkOAIHarvest(t, h, start) })
}
