// Package body reads HTTP response bodies for the SDK's client: a layer
// that caps every body (reading past the cap fails with the caller's
// sentinel, so nothing is decoded from a cut body), a read into one buffer
// of the body's size, a body given back after a layer has read it, and the
// close that drains what is left so the connection can be reused. It knows
// no API.
package body

import (
	"errors"
	"io"
	"math"
	"net/http"
	"sync"
)

// Doer sends an HTTP request (an *http.Client, or another layer).
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Limit is the layer that caps every response body at Max bytes: reading
// past them fails with TooLarge.
type Limit struct {
	Next     Doer  // the layer below
	Max      int64 // bytes a body may have
	TooLarge error // the caller's sentinel for a longer body
}

// Do sends req through Next and caps the response's body.
func (d *Limit) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.Next.Do(req)
	if err == nil {
		n := d.Max
		if n < math.MaxInt64 {
			n++ // the byte that tells the body is too large
		}
		resp.Body = &limited{LimitedReader: io.LimitedReader{R: resp.Body, N: n}, c: resp.Body, tooLarge: d.TooLarge}
	}
	return resp, err
}

// limited reads at most N-1 more bytes of a body: io.LimitedReader, except
// that the byte past the limit is tooLarge, not io.EOF (a cut body would
// read as a whole one).
type limited struct {
	io.LimitedReader
	c        io.Closer
	tooLarge error
}

func (l *limited) Read(p []byte) (int, error) {
	n, err := l.LimitedReader.Read(p)
	if l.N <= 0 {
		return n, l.tooLarge
	}
	return n, err
}

func (l *limited) Close() error { return l.c.Close() }

// maxSizeHint bounds the buffer Read sizes from a Content-Length (the
// server's word); a longer body grows it.
const maxSizeHint = 64 << 10

// Read reads a response body to EOF into a buffer of its own (the decoded
// strings share it, so it is never reused): one allocation of the body's
// size. With a Content-Length it reads into a buffer of that size (capped
// by maxSizeHint and the body's limit); without one (chunked), into a
// pooled buffer, then copies what it read.
func Read(resp *http.Response) ([]byte, error) {
	if cl := resp.ContentLength; cl > 0 {
		hint := min(cl, maxSizeHint)
		if lb, ok := resp.Body.(*limited); ok {
			hint = min(hint, lb.N-1)
		}
		return ReadInto(resp.Body, make([]byte, 0, hint+1)) // +1: room for the Read that finds EOF
	}
	bp := bufPool.Get().(*[]byte)
	b, err := ReadInto(resp.Body, (*bp)[:0])
	body := append(make([]byte, 0, len(b)), b...)
	if cap(b) <= maxPooled {
		*bp = b
		bufPool.Put(bp)
	}
	return body, err
}

// bufPool holds the buffers Read reads bodies of unknown length into; one
// above maxPooled is dropped so a rare large body does not pin memory.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

const maxPooled = 256 << 10

// ReadInto appends r to b until EOF or an error. Not io.ReadAll, which
// takes no size hint: on the 2.8 KB benchmark body it made 8 allocations
// (7.3 KB) where Read makes one (3 KB).
func ReadInto(r io.Reader, b []byte) ([]byte, error) {
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

// Replay gives back a body that a layer has already read: data, then the
// error the read ended with (nil: EOF). One allocation, where
// io.NopCloser(io.MultiReader(bytes.NewReader(data), errReader)) makes 5.
type Replay struct {
	Data []byte // what is left to give back
	Err  error  // the read's error, after Data; nil: io.EOF
}

// Read gives back Data, then Err.
func (r *Replay) Read(p []byte) (int, error) {
	if len(r.Data) == 0 {
		if r.Err != nil {
			return 0, r.Err
		}
		return 0, io.EOF
	}
	n := copy(p, r.Data)
	r.Data = r.Data[n:]
	return n, nil
}

// Close does nothing: the body it replays was closed already.
func (r *Replay) Close() error { return nil }

// drainLimit is how much of an unread body is discarded so the connection
// can be reused; anything longer closes the connection instead.
const drainLimit = 64 << 10

// Close closes a response body after a read that ended with readErr. A
// body read to EOF (readErr nil) or past its limit (readErr matching
// tooLarge) has nothing to drain; otherwise up to drainLimit more is
// discarded so the connection can be reused.
func Close(rc io.ReadCloser, readErr, tooLarge error) {
	if readErr != nil && !errors.Is(readErr, tooLarge) {
		Discard(rc)
		return
	}
	_ = rc.Close()
}

// Discard closes an unread response body, having discarded up to
// drainLimit of it so the connection can be reused.
func Discard(rc io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, rc, drainLimit)
	_ = rc.Close()
}
