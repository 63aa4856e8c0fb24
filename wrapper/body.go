package wrapper

import (
	"errors"
	"io"
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
		resp.Body = &limitedBody{rc: resp.Body, left: d.max}
	}
	return resp, err
}

// limitedBody reads at most left bytes of rc; one byte more is
// ErrResponseTooLarge.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (l *limitedBody) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, ErrResponseTooLarge
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.rc.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n, ErrResponseTooLarge
	}
	return n, err
}

func (l *limitedBody) Close() error { return l.rc.Close() }

// bufPool recycles response buffers; buffers above maxPooled are dropped so a
// rare large body does not pin memory.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

const maxPooled = 256 << 10

func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

func putBuf(b *[]byte) {
	if cap(*b) > maxPooled {
		return
	}
	*b = (*b)[:0]
	bufPool.Put(b)
}

// readInto appends r to b until EOF or an error.
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
// then the error the read ended with (nil: EOF).
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
