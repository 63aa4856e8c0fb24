package wrapper

import (
	"errors"
	"io"
	"math"
	"net/http"
	"sync"

	"github.com/enkash-oss/enkash-go/api"
)

// DefaultMaxResponseBytes is the default limit on a response body (1 MiB).
const DefaultMaxResponseBytes = 1 << 20

// limitDoer is the layer that caps every response body: reading past max
// bytes fails with ErrResponseTooLarge, so nothing is decoded from a cut
// body.
type limitDoer struct {
	next api.HttpRequestDoer
	max  int64
}

func (d *limitDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.next.Do(req)
	if err == nil {
		n := d.max
		if n < math.MaxInt64 {
			n++ // the byte that tells the body is too large
		}
		resp.Body = &limitedBody{LimitedReader: io.LimitedReader{R: resp.Body, N: n}, c: resp.Body}
	}
	return resp, err
}

// limitedBody reads at most N-1 more bytes of a body: io.LimitedReader,
// except that the byte past the limit is ErrResponseTooLarge, not io.EOF (a
// cut body would read as a whole one).
type limitedBody struct {
	io.LimitedReader
	c io.Closer
}

func (l *limitedBody) Read(p []byte) (int, error) {
	n, err := l.LimitedReader.Read(p)
	if l.N <= 0 {
		return n, ErrResponseTooLarge
	}
	return n, err
}

func (l *limitedBody) Close() error { return l.c.Close() }

// maxSizeHint bounds the buffer readBody sizes from a Content-Length (the
// server's word); a longer body grows it.
const maxSizeHint = 64 << 10

// readBody reads a response body to EOF into a buffer of its own (the
// decoded strings share it, so it is never reused): one allocation of the
// body's size. With a Content-Length it reads into a buffer of that size
// (capped by maxSizeHint and the body's limit); without one (chunked), into
// a pooled buffer, then copies what it read.
func readBody(resp *http.Response) ([]byte, error) {
	if cl := resp.ContentLength; cl > 0 {
		hint := min(cl, maxSizeHint)
		if lb, ok := resp.Body.(*limitedBody); ok {
			hint = min(hint, lb.N-1)
		}
		return readInto(resp.Body, make([]byte, 0, hint+1)) // +1: room for the Read that finds EOF
	}
	bp := bufPool.Get().(*[]byte)
	b, err := readInto(resp.Body, (*bp)[:0])
	body := append(make([]byte, 0, len(b)), b...)
	if cap(b) <= maxPooled {
		*bp = b
		bufPool.Put(bp)
	}
	return body, err
}

// bufPool holds the buffers readBody reads bodies of unknown length into;
// one above maxPooled is dropped so a rare large body does not pin memory.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

const maxPooled = 256 << 10

// readInto appends r to b until EOF or an error. Not io.ReadAll, which
// takes no size hint: on the 2.8 KB benchmark body it made 8 allocations
// (7.3 KB) where readBody makes one (3 KB).
func readInto(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// replayBody gives back a body that a layer has already read: its bytes,
// then the error the read ended with (nil: EOF). One allocation, where
// io.NopCloser(io.MultiReader(bytes.NewReader(data), errReader)) makes 5.
type replayBody struct {
	data []byte
	err  error
}

func (r *replayBody) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		return 0, io.EOF
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func (r *replayBody) Close() error { return nil }

// drainLimit is how much of an unread body is discarded so the connection
// can be reused; anything longer closes the connection instead.
const drainLimit = 64 << 10

// closeBody closes a response body after a read that ended with readErr.
// A body read to EOF (readErr nil) has nothing left; otherwise up to
// drainLimit more is discarded so the connection can be reused.
func closeBody(rc io.ReadCloser, readErr error) {
	if readErr != nil && !errors.Is(readErr, ErrResponseTooLarge) {
		_, _ = io.CopyN(io.Discard, rc, drainLimit)
	}
	_ = rc.Close()
}

var errBodyRead = errors.New("reading response body")
