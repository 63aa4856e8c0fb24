package fake

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// RecordedRequest is a request as the server received it.
//
// Header is recorded as received, Authorization included, so tests can assert
// on it; String redacts it, and the server never logs it.
type RecordedRequest struct {
	// Method is the HTTP method, e.g. PATCH.
	Method string
	// Path is the URL path, e.g. /api/v0/customer/KCDEMO0000000001.
	Path string
	// RawQuery is the encoded query string without '?', e.g. parentCompanyId=CEKDEMO001.
	RawQuery string
	// Header holds the request headers (a copy).
	Header http.Header
	// Body holds the request body bytes as read (up to the size limit).
	Body []byte
	// Time is when the server received the request, by the server clock.
	Time time.Time
	// RequestID is the id of the server's answer (X-Request-Id and
	// errorResponse.requestId).
	RequestID string
}

// redactedHeaders are replaced with REDACTED by String.
var redactedHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie"}

// String renders the request for test failure messages: method, path, query,
// headers (sorted, with Authorization and cookies shown as REDACTED) and the
// body length. The body itself is left out, as it may hold personal data or
// credentials.
func (r RecordedRequest) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", r.Method, r.Path)
	if r.RawQuery != "" {
		b.WriteString("?" + r.RawQuery)
	}
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := strings.Join(r.Header[k], ", ")
		for _, red := range redactedHeaders {
			if http.CanonicalHeaderKey(k) == red {
				v = "REDACTED"
			}
		}
		fmt.Fprintf(&b, "\n%s: %s", k, v)
	}
	fmt.Fprintf(&b, "\n(body: %d bytes)", len(r.Body))
	return b.String()
}

func (s *Server) record(r *http.Request, body []byte) {
	rr := RecordedRequest{
		Method:    r.Method,
		Path:      r.URL.Path,
		RawQuery:  r.URL.RawQuery,
		Header:    r.Header.Clone(),
		Body:      body, // read-only here; Requests hands out copies
		Time:      s.now(),
		RequestID: requestID(r),
	}
	s.mu.Lock()
	s.requests.add(rr)
	s.mu.Unlock()
}

// Requests returns copies of the requests received so far, oldest first:
// the most recent WithRequestLogSize (DefaultRequestLogSize by default).
func (s *Server) Requests() []RecordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.requests.list()
	for i, r := range out {
		r.Header = r.Header.Clone()
		r.Body = append([]byte(nil), r.Body...)
		out[i] = r
	}
	return out
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests.reset()
}

// requestLog keeps the size most recent requests in a ring.
type requestLog struct {
	size int
	ring []RecordedRequest
	next int // where the next request goes once the ring is full
}

func (l *requestLog) add(r RecordedRequest) {
	switch {
	case l.size == 0:
	case len(l.ring) < l.size:
		l.ring = append(l.ring, r)
	default:
		l.ring[l.next] = r
		l.next = (l.next + 1) % l.size
	}
}

// list returns the requests oldest first (shallow copies).
func (l *requestLog) list() []RecordedRequest {
	out := make([]RecordedRequest, 0, len(l.ring))
	out = append(out, l.ring[l.next:]...)
	return append(out, l.ring[:l.next]...)
}

func (l *requestLog) reset() { l.ring, l.next = nil, 0 }
