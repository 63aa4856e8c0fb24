package wrapper

import (
	"errors"
	"io"
	"sync"
)

// DefaultMaxResponseBytes is the default limit on a response body (1 MiB).
const DefaultMaxResponseBytes = 1 << 20

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

// readLimited reads r to EOF into a new slice; more than limit bytes is
// ErrResponseTooLarge (nothing is decoded from a cut body).
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	return readInto(r, limit, nil)
}

// readInto appends r to b up to limit bytes.
func readInto(r io.Reader, limit int64, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if int64(len(b)) > limit {
			return b, ErrResponseTooLarge
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// drainLimit is how much of an unread body is discarded so the connection
// can be reused; anything longer closes the connection instead.
const drainLimit = 64 << 10

// closeBody closes a response body after a read that ended with readErr.
// A body read to EOF (readErr nil) has nothing left; otherwise up to
// drainLimit more is discarded so the connection can be reused.
func closeBody(rc io.ReadCloser, readErr error) {
	if readErr != nil {
		_, _ = io.CopyN(io.Discard, rc, drainLimit)
	}
	_ = rc.Close()
}

var errBodyRead = errors.New("reading response body")
