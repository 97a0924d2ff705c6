package worker

import (
	"encoding/json"
	"fmt"
)

// The pipe's messages are encoding/json lines. Page messages are the bulk
// of the traffic, but reading one costs tens of microseconds beside the
// milliseconds of decoding the page (BenchmarkCodec, pdftext's
// BenchmarkPages), and the reader must be strict, since the child is
// untrusted: goccy/go-json, faster, lets raw control characters and
// invalid UTF-8 through (TestMessagesAreStrictJSON).

// appendMessage appends m as one line of JSON, newline included.
func appendMessage(b []byte, m message) ([]byte, error) {
	j, err := json.Marshal(m)
	if err != nil {
		return b, fmt.Errorf("worker: encode message: %w", err)
	}
	return append(append(b, j...), '\n'), nil
}

// decodeMessage reads one line written by appendMessage.
func decodeMessage(line []byte) (message, error) {
	var m message
	err := json.Unmarshal(line, &m)
	return m, err
}
