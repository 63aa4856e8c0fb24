package fake

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault describes an answer the server gives instead of the real one, for
// testing how a client copes with failures. Inject it with Server.Inject.
//
// Injected answers bypass authentication, validation and the store, and are
// not checked against the spec: they are meant to break it.
type Fault struct {
	// Status is the HTTP status to answer (500 when zero, unless CloseConnection
	// is set).
	Status int
	// Body is written verbatim. A Fault made by ErrorFault leaves it empty and
	// writes its error envelope instead; setting Body overrides that.
	Body string
	// ContentType is the Content-Type header; none is sent when empty.
	ContentType string
	// Header holds extra response headers.
	Header http.Header
	// RetryAfter, when set, is sent as the Retry-After header: seconds ("2") or
	// an HTTP date.
	RetryAfter string
	// Delay is waited before anything is written. The wait ends early, with no
	// answer, when the client cancels or the server is closed.
	Delay time.Duration
	// TrickleInterval, when positive, writes Body one byte at a time with this
	// pause before each byte (flushing each), for deadline tests. The trickle stops
	// when the client goes away or the server is closed.
	TrickleInterval time.Duration
	// CloseConnection hijacks the connection and closes it. With Status zero
	// nothing is written first and the close is a TCP reset (the client sees a
	// connection reset or EOF); otherwise the status line, headers and Body are
	// written first, with a Content-Length larger than Body, and the connection is
	// then closed, so the client sees the body cut short (unexpected EOF).
	CloseConnection bool
	// Times is how many matching requests the fault answers: 0 means 1, a negative
	// value means every matching request until ClearFaults.
	Times int
	// Path, when set, restricts the fault to requests whose URL path starts with
	// it, e.g. "/oauth/token" or "/api/v0/customer/". Other requests are served
	// normally.
	Path string

	// errEnv, set by ErrorFault, is the error envelope written when Body is
	// empty, completed with the request's requestId and the server's clock.
	errEnv *faultEnvelope
}

// Inject queues faults. Each incoming request is answered by the first queued
// fault that matches it (see Fault.Path), which is then used up once.
func (s *Server) Inject(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range faults {
		if f.Times == 0 {
			f.Times = 1
		}
		f.Header = f.Header.Clone()
		s.faults = append(s.faults, &f)
	}
}

// ClearFaults drops all pending faults.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// PendingFaults returns how many faults are still queued.
func (s *Server) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.faults)
}

// takeFault returns (a copy of) the fault that answers r, if any.
func (s *Server) takeFault(r *http.Request) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.Path != "" && !strings.HasPrefix(r.URL.Path, f.Path) {
			continue
		}
		out := *f
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return &out
	}
	return nil
}

// wait sleeps for d unless the request or the server ends first.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.done:
		return false
	}
}

func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, f *Fault) {
	if !s.wait(r, f.Delay) {
		return
	}
	status := f.Status
	if status == 0 && !f.CloseConnection {
		status = http.StatusInternalServerError
	}
	h := w.Header()
	for k, v := range f.Header {
		h[k] = v
	}
	if f.ContentType != "" {
		h.Set("Content-Type", f.ContentType)
	} else if _, ok := f.Header["Content-Type"]; !ok {
		h["Content-Type"] = nil // no sniffing
	}
	if f.RetryAfter != "" {
		h.Set("Retry-After", f.RetryAfter)
	}
	if f.errEnv != nil && f.Body == "" && status != 0 {
		f.Body = s.faultEnvelopeBody(w, r, status, f.errEnv)
	}

	if f.CloseConnection {
		if status != 0 {
			h.Set("Content-Length", strconv.Itoa(len(f.Body)+64))
			w.WriteHeader(status)
			_, _ = w.Write([]byte(f.Body))
			_ = http.NewResponseController(w).Flush()
			// A plain close: a reset could make the client's kernel drop the
			// bytes already sent.
			hijackAndClose(w, false)
			return
		}
		hijackAndClose(w, true)
		return
	}

	if f.TrickleInterval > 0 {
		h.Set("Content-Length", strconv.Itoa(len(f.Body)))
		w.WriteHeader(status)
		rc := http.NewResponseController(w)
		_ = rc.Flush()
		for i := 0; i < len(f.Body); i++ {
			if !s.wait(r, f.TrickleInterval) {
				return
			}
			if _, err := w.Write([]byte{f.Body[i]}); err != nil {
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
		}
		return
	}

	h.Set("Content-Length", strconv.Itoa(len(f.Body)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(f.Body))
}

// hijackAndClose takes the connection over and closes it, with a TCP RST when
// reset is set.
func hijackAndClose(w http.ResponseWriter, reset bool) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	if buf != nil {
		_ = buf.Flush()
	}
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
