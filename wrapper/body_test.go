package wrapper

import (
	"bytes"
	"errors"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
)

// readAllIn reads r to its first error with a buffer of exactly size bytes
// (len == cap, as readInto hands out), failing the test after more reads than
// a body of n bytes can need.
func readAllIn(t *testing.T, r io.Reader, size, n int) ([]byte, error) {
	t.Helper()
	var got []byte
	for range 2*n + 4 {
		buf := make([]byte, size)
		k, err := r.Read(buf)
		got = append(got, buf[:k]...)
		if err != nil {
			return got, err
		}
	}
	t.Fatalf("no error after %d reads of a %d-byte body", 2*n+4, n)
	return nil, nil
}

func TestLimitedBody_AcceptsUpToTheLimitAndRejectsOneByteMore(t *testing.T) {
	const limit = 8
	tests := []struct {
		name    string
		size    int // body bytes
		buf     int // Read buffer size
		wantErr error
	}{
		{"shorter than the limit", limit - 3, 64, io.EOF},
		{"exactly the limit, buffer larger", limit, 64, io.EOF},
		{"exactly the limit, buffer of the limit", limit, limit, io.EOF},
		{"exactly the limit, one-byte buffer", limit, 1, io.EOF},
		{"one byte over, buffer larger", limit + 1, 64, ErrResponseTooLarge},
		{"one byte over, buffer of the limit", limit + 1, limit, ErrResponseTooLarge},
		{"one byte over, one-byte buffer", limit + 1, 1, ErrResponseTooLarge},
		{"far over", 10 * limit, 64, ErrResponseTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := []byte(strings.Repeat("x", tc.size))
			rc := io.NopCloser(bytes.NewReader(body))
			lb := &limitedBody{LimitedReader: io.LimitedReader{R: rc, N: limit + 1}, c: rc}
			got, err := readAllIn(t, lb, tc.buf, tc.size)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("read ended with %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr == io.EOF && !bytes.Equal(got, body) {
				t.Fatalf("read %d bytes, want the whole %d-byte body", len(got), tc.size)
			}
			if len(got) > limit+1 {
				t.Fatalf("read %d bytes past a limit of %d: want at most one byte more", len(got), limit)
			}
		})
	}
}

// countingBody is a response body with left bytes unread; it counts what is
// read from it and whether it was closed.
type countingBody struct {
	left, read int
	closed     bool
}

func (b *countingBody) Read(p []byte) (int, error) {
	if b.left == 0 {
		return 0, io.EOF
	}
	n := min(len(p), b.left)
	b.left -= n
	b.read += n
	return n, nil
}

func (b *countingBody) Close() error { b.closed = true; return nil }

func TestCloseBody_DrainsOnlyAfterAReadErrorOtherThanTooLarge(t *testing.T) {
	tests := []struct {
		name     string
		readErr  error
		wantRead int
	}{
		{"read to EOF: nothing is read", nil, 0},
		{"too large: closed without reading on", ErrResponseTooLarge, 0},
		{"too large, wrapped: closed without reading on", errors.Join(errBodyRead, ErrResponseTooLarge), 0},
		{"other read error: drained up to the limit", io.ErrUnexpectedEOF, drainLimit},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := &countingBody{left: 2 * drainLimit}
			closeBody(b, tc.readErr)
			if b.read != tc.wantRead {
				t.Errorf("read %d bytes on close, want %d", b.read, tc.wantRead)
			}
			if !b.closed {
				t.Error("body not closed")
			}
		})
	}
}

// stubDoer answers every request with resp.
type stubDoer struct{ resp *http.Response }

func (d stubDoer) Do(*http.Request) (*http.Response, error) { return d.resp, nil }

func TestLimitDoer_LargestLimitReadsTheWholeBody(t *testing.T) {
	for _, max := range []int64{5, math.MaxInt64} {
		d := &limitDoer{next: stubDoer{&http.Response{Body: io.NopCloser(strings.NewReader("hello"))}}, max: max}
		resp, err := d.Do(nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := readBody(resp)
		if err != nil || string(got) != "hello" {
			t.Errorf("max %d: read %q, %v; want the whole body", max, got, err)
		}
	}
}

func TestReadBody_ReturnsTheWholeBodyWhateverTheContentLength(t *testing.T) {
	const body = `{"payload":{"legalName":"Acme"}}`
	tests := []struct {
		name    string
		cl      int64 // Content-Length as the response states it
		max     int64 // the limit of the body
		wantErr error
	}{
		{"exact length", int64(len(body)), DefaultMaxResponseBytes, nil},
		{"length stated too short", 3, DefaultMaxResponseBytes, nil},
		{"length stated too long", 10 * int64(len(body)), DefaultMaxResponseBytes, nil},
		{"length unknown (chunked)", -1, DefaultMaxResponseBytes, nil},
		{"length zero", 0, DefaultMaxResponseBytes, nil},
		{"exactly at the limit", int64(len(body)), int64(len(body)), nil},
		{"past the limit, length stated", int64(len(body)), int64(len(body)) - 1, ErrResponseTooLarge},
		{"past the limit, length unknown", -1, int64(len(body)) - 1, ErrResponseTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rc := io.NopCloser(strings.NewReader(body))
			resp := &http.Response{ContentLength: tc.cl,
				Body: &limitedBody{LimitedReader: io.LimitedReader{R: rc, N: tc.max + 1}, c: rc}}
			got, err := readBody(resp)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr == nil && string(got) != body {
				t.Fatalf("read %q, want %q", got, body)
			}
		})
	}
}
