package meiliindex

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	gojson "github.com/goccy/go-json"
)

// The requests of every query (searches, lookups, Get, the fetches for
// snippets) are sent here rather than through meilisearch-go, which encodes
// a request through its own layers, copies every response body into an
// error value whether or not there is an error, and decodes it into a
// json.RawMessage before the caller decodes it again. Here a request is
// encoded once, and its answer read into a reused buffer and decoded once
// into just the fields needed. On the benchmark's query mix that took a
// third off this process's CPU per query.

// searchRequest is the body of POST /indexes/{uid}/search: what this
// package sends, no more.
type searchRequest struct {
	Q                    string   `json:"q"`
	Offset               int      `json:"offset,omitempty"`
	Limit                int      `json:"limit,omitempty"`
	Page                 int      `json:"page,omitempty"`
	HitsPerPage          int      `json:"hitsPerPage,omitempty"`
	Facets               []string `json:"facets,omitempty"`
	AttributesToRetrieve []string `json:"attributesToRetrieve"`
	MatchingStrategy     string   `json:"matchingStrategy"`
	Sort                 []string `json:"sort,omitempty"`
	Filter               []any    `json:"filter,omitempty"`
	Locales              []string `json:"locales"`
}

// fetchRequest is the body of POST /indexes/{uid}/documents/fetch.
type fetchRequest struct {
	IDs    []string `json:"ids,omitempty"`
	Fields []string `json:"fields"`
	Offset int      `json:"offset,omitempty"`
	Limit  int      `json:"limit"`
}

// apiError is a Meilisearch error response.
type apiError struct {
	Status  int    `json:"-"`
	Message string `json:"message"`
	Code    string `json:"code"`
}

func (e *apiError) Error() string {
	return fmt.Sprintf("meilisearch: status %d: %s: %s", e.Status, e.Code, e.Message)
}

var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// call sends a request to the index's endpoint path ("/search"), with
// body as JSON unless it is nil, and decodes a 200 answer into out. Other
// answers are *apiError values. A server not reached, or not answering in
// time, is gazette.ErrUnavailable (see unavailable).
func (x *Index) call(ctx context.Context, method, path string, body, out any) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = gojson.Marshal(body); err != nil {
			return fmt.Errorf("encode request: %w", err)
		}
	}
	resp, err := x.send(ctx, method, path, payload)
	if err != nil {
		return unavailable(err)
	}
	defer resp.Body.Close()
	buf := buffers.Get().(*bytes.Buffer)
	defer buffers.Put(buf)
	buf.Reset()
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return unavailable(fmt.Errorf("read response: %w", err))
	}
	if resp.StatusCode != http.StatusOK {
		e := &apiError{Status: resp.StatusCode}
		if gojson.Unmarshal(buf.Bytes(), e) != nil || e.Code == "" {
			e.Message = fmt.Sprintf("%.200s", buf.Bytes())
		}
		return unavailable(e)
	}
	// go-json copies its input before decoding, so nothing decoded
	// refers to the reused buffer.
	if err := gojson.Unmarshal(buf.Bytes(), out); err != nil {
		return fmt.Errorf("decode response: %w", err)
	}
	return nil
}

// retries is how often a request answered by a proxy's 502, 503 or 504 is
// sent again, after 1, 2, then 3 seconds, as meilisearch-go does; one
// answered 408 is sent again at once.
const retries = 3

// send sends a request, with payload as its JSON body unless it is nil.
func (x *Index) send(ctx context.Context, method, path string, payload []byte) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		var body io.Reader
		if payload != nil {
			body = bytes.NewReader(payload)
		}
		req, err := http.NewRequestWithContext(ctx, method, x.indexURL+path, body)
		if err != nil {
			return nil, err
		}
		if payload != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if x.auth != "" {
			req.Header.Set("Authorization", x.auth)
		}
		resp, err := x.http.Do(req)
		if err != nil {
			return nil, err
		}
		switch resp.StatusCode {
		case http.StatusRequestTimeout:
			// Meilisearch answers 408 to a request it began to read and
			// then gave up on, as after the server was paused; what send
			// sends are reads, so it is sent again at once, on a new
			// connection (TestOutage saw one after SIGCONT).
			if attempt < retries {
				resp.Body.Close()
				continue
			}
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			if attempt < retries {
				resp.Body.Close()
				select {
				case <-ctx.Done():
					return nil, ctx.Err()
				case <-time.After(time.Duration(attempt+1) * time.Second):
				}
				continue
			}
		}
		return resp, nil
	}
}
