package s3blobs

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/gazette-archive/gazette/gazette"
)

func TestExactReader(t *testing.T) {
	for name, tc := range map[string]struct {
		r       io.Reader
		size    int64
		bufSize int   // the consumer reads with io.ReadFull into buffers of this size
		want    error // nil: the consumer gets all size bytes and no error
	}{
		"exact":                       {strings.NewReader("abcdef"), 6, 4, nil},
		"exact, one buffer":           {strings.NewReader("abcdef"), 6, 6, nil},
		"exact, byte by byte":         {iotest.OneByteReader(strings.NewReader("abcdef")), 6, 6, nil},
		"exact, data with EOF":        {iotest.DataErrReader(strings.NewReader("abcdef")), 6, 6, nil},
		"long, buffer of size":        {strings.NewReader("abcdefg"), 6, 6, gazette.ErrInvalid},
		"long, small buffers":         {strings.NewReader("abcdefg"), 6, 2, gazette.ErrInvalid},
		"short":                       {strings.NewReader("abc"), 6, 6, gazette.ErrInvalid},
		"short, data with EOF":        {iotest.DataErrReader(strings.NewReader("abc")), 6, 3, gazette.ErrInvalid},
		"failing reader":              {iotest.ErrReader(errors.New("unplugged")), 6, 6, errors.New("")},
		"failing reader after a part": {io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(errors.New("unplugged"))), 6, 3, errors.New("")},
	} {
		t.Run(name, func(t *testing.T) {
			er := &exactReader{r: tc.r, size: tc.size, left: tc.size}
			var got []byte
			var err error
			for int64(len(got)) < tc.size {
				buf := make([]byte, min(int64(tc.bufSize), tc.size-int64(len(got))))
				var n int
				n, err = io.ReadFull(er, buf)
				got = append(got, buf[:n]...)
				if err != nil {
					break
				}
			}
			if err == nil && int64(len(got)) == tc.size {
				// What the HTTP client does at the end of a body.
				_, err = er.Read(make([]byte, 1))
				if err == io.EOF {
					err = nil
				}
			}
			switch {
			case tc.want == nil && (err != nil || er.failure() != nil):
				t.Errorf("read %q: %v (failure %v), want all and no error", got, err, er.failure())
			case tc.want == nil && string(got) != "abcdef":
				t.Errorf("read %q", got)
			case tc.want != nil && err == nil:
				t.Errorf("read %q without an error, want one", got)
			case errors.Is(tc.want, gazette.ErrInvalid) && !errors.Is(er.failure(), gazette.ErrInvalid):
				t.Errorf("failure %v, want ErrInvalid", er.failure())
			}
		})
	}
}
