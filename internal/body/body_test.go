package body

import (
	"bytes"
	"errors"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
)

// errTooLarge stands for the caller's sentinel (the wrapper's
// errTooLarge).
var errTooLarge = errors.New("too large")

// readAllIn reads r to its first error with a buffer of exactly size bytes
// (len == cap, as ReadInto hands out), failing the test after more reads than
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
		{"one byte over, buffer larger", limit + 1, 64, errTooLarge},
		{"one byte over, buffer of the limit", limit + 1, limit, errTooLarge},
		{"one byte over, one-byte buffer", limit + 1, 1, errTooLarge},
		{"far over", 10 * limit, 64, errTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := []byte(strings.Repeat("x", tc.size))
			lb := newLimited(bytes.NewReader(body), limit)
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

func TestClose_DrainsOnlyAfterAReadErrorOtherThanTooLarge(t *testing.T) {
	tests := []struct {
		name     string
		readErr  error
		wantRead int
	}{
		{"read to EOF: nothing is read", nil, 0},
		{"too large: closed without reading on", errTooLarge, 0},
		{"too large, wrapped: closed without reading on", errors.Join(errors.New("reading response body"), errTooLarge), 0},
		{"other read error: drained up to 64 KiB", io.ErrUnexpectedEOF, 64 << 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := &countingBody{left: 128 << 10}
			Close(b, tc.readErr, errTooLarge)
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

func TestLimit_LargestLimitReadsTheWholeBody(t *testing.T) {
	for _, max := range []int64{5, math.MaxInt64} {
		d := &Limit{Next: stubDoer{&http.Response{Body: io.NopCloser(strings.NewReader("hello"))}}, Max: max, TooLarge: errTooLarge}
		resp, err := d.Do(nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Read(resp)
		if err != nil || string(got) != "hello" {
			t.Errorf("max %d: read %q, %v; want the whole body", max, got, err)
		}
	}
}

func TestRead_ReturnsTheWholeBodyWhateverTheContentLength(t *testing.T) {
	const body = `{"payload":{"legalName":"Acme"}}`
	tests := []struct {
		name    string
		cl      int64 // Content-Length as the response states it
		max     int64 // the limit of the body
		wantErr error
	}{
		{"exact length", int64(len(body)), 1 << 20, nil},
		{"length stated too short", 3, 1 << 20, nil},
		{"length stated too long", 10 * int64(len(body)), 1 << 20, nil},
		{"length unknown (chunked)", -1, 1 << 20, nil},
		{"length zero", 0, 1 << 20, nil},
		{"exactly at the limit", int64(len(body)), int64(len(body)), nil},
		{"past the limit, length stated", int64(len(body)), int64(len(body)) - 1, errTooLarge},
		{"past the limit, length unknown", -1, int64(len(body)) - 1, errTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := &http.Response{ContentLength: tc.cl, Body: newLimited(strings.NewReader(body), tc.max)}
			got, err := Read(resp)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr == nil && string(got) != body {
				t.Fatalf("read %q, want %q", got, body)
			}
		})
	}
}

func TestReplay_GivesBackTheBytesThenTheReadError(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		err     error
		wantErr error
	}{
		{"whole body: EOF after the bytes", "hello", nil, io.EOF},
		{"empty body: EOF at once", "", nil, io.EOF},
		{"broken body: its error after the bytes", "hel", io.ErrUnexpectedEOF, io.ErrUnexpectedEOF},
		{"too large: the sentinel after the bytes", "hello", errTooLarge, errTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &Replay{Data: []byte(tc.data), Err: tc.err}
			got, err := readAllIn(t, r, 2, len(tc.data))
			if err != tc.wantErr || string(got) != tc.data {
				t.Fatalf("read %q, %v; want %q, %v", got, err, tc.data, tc.wantErr)
			}
			if k, err := r.Read(make([]byte, 4)); k != 0 || err != tc.wantErr {
				t.Fatalf("read again: %d, %v; want 0, %v", k, err, tc.wantErr)
			}
			if err := r.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
		})
	}
}

// errAfter is a reader that yields data, then err.
type errAfter struct {
	data []byte
	err  error
}

func (r *errAfter) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestReadInto_AppendsUntilEOFOrAnError(t *testing.T) {
	tests := []struct {
		name    string
		prefix  string
		cap     int
		data    string
		err     error
		want    string
		wantErr error
	}{
		{"EOF is no error", "", 0, "hello", io.EOF, "hello", nil},
		{"appends to what b holds", "ab", 2, "cd", io.EOF, "abcd", nil},
		{"grows a buffer too small", "", 1, strings.Repeat("x", 100), io.EOF, strings.Repeat("x", 100), nil},
		{"an error ends it, with what was read", "", 16, "hel", io.ErrUnexpectedEOF, "hel", io.ErrUnexpectedEOF},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := append(make([]byte, 0, max(tc.cap, len(tc.prefix))), tc.prefix...)
			got, err := ReadInto(&errAfter{[]byte(tc.data), tc.err}, b)
			if err != tc.wantErr || string(got) != tc.want {
				t.Fatalf("ReadInto = %q, %v; want %q, %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

// failDoer fails every request with err.
type failDoer struct{ err error }

func (d failDoer) Do(*http.Request) (*http.Response, error) { return nil, d.err }

func TestLimit_CapsEveryBodyAndPassesErrorsThrough(t *testing.T) {
	tests := []struct {
		name     string
		next     Doer
		max      int64
		want     string
		wantErr  error // of the read
		wantSend error // of Do
	}{
		{"shorter than the cap", stubDoer{&http.Response{Body: io.NopCloser(strings.NewReader("hello"))}}, 6, "hello", nil, nil},
		{"at the cap", stubDoer{&http.Response{Body: io.NopCloser(strings.NewReader("hello"))}}, 5, "hello", nil, nil},
		{"over the cap: the sentinel", stubDoer{&http.Response{Body: io.NopCloser(strings.NewReader("hello"))}}, 4, "", errTooLarge, nil},
		{"no response: the error as it is", failDoer{io.ErrUnexpectedEOF}, 4, "", nil, io.ErrUnexpectedEOF},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := (&Limit{Next: tc.next, Max: tc.max, TooLarge: errTooLarge}).Do(nil)
			if tc.wantSend != nil {
				if err != tc.wantSend || resp != nil {
					t.Fatalf("Do = %v, %v; want nil, %v", resp, err, tc.wantSend)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := Read(resp)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("read ended with %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr == nil && string(got) != tc.want {
				t.Fatalf("read %q, want %q", got, tc.want)
			}
		})
	}
}

// TestRead_OneBufferOfTheBodysSize: the doc's "one allocation of the
// body's size": a stated length sizes the buffer (room for the Read that
// finds EOF), capped by maxSizeHint and by the body's limit; without one the
// body is copied into a buffer of its exact size.
func TestRead_OneBufferOfTheBodysSize(t *testing.T) {
	body := strings.Repeat("x", 100)
	tests := []struct {
		name    string
		cl, max int64
		wantCap int
	}{
		{"stated length", 100, 1 << 20, 101},
		{"stated length past the limit: the limit", 1000, 100, 101},
		{"stated length past maxSizeHint: the hint", 1 << 20, 1 << 30, maxSizeHint + 1},
		{"no length: the exact size", -1, 1 << 20, 100},
		{"length stated zero (a server lying): as without one", 0, 1 << 20, 100},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := &http.Response{ContentLength: tc.cl, Body: newLimited(strings.NewReader(body), tc.max)}
			got, err := Read(resp)
			if err != nil || string(got) != body {
				t.Fatalf("Read = %d bytes, %v; want the body", len(got), err)
			}
			if cap(got) != tc.wantCap {
				t.Fatalf("buffer of %d bytes, want %d", cap(got), tc.wantCap)
			}
		})
	}
}

// newLimited is the body Limit gives a response: r read up to max bytes,
// the byte after them errTooLarge.
func newLimited(r io.Reader, max int64) *limited {
	rc := io.NopCloser(r)
	return &limited{LimitedReader: io.LimitedReader{R: rc, N: max + 1}, c: rc, tooLarge: errTooLarge}
}
