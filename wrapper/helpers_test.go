package wrapper

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/stretchr/testify/require"
)

// Fixture secrets and personal data: no log line or error text may contain
// any of them (TestWithLogger_RedactsRecordsAndErrors scans for them).
const (
	fxToken        = "tok-SECRET-4f9a1c"
	fxClientSecret = "csecret-7d1e0b"
	fxPassword     = "pw-Very-Secret-99"
	fxMobile       = "9876543210"
	fxEmail        = "asha.rao@acme.example"
	fxAccount      = "50100234567890"
	fxPAN          = "ABCDE1234F"
	fxIFSC         = "HDFC0000123"
	fxContact      = "+91 80 41234567"
)

// Test hooks: options that only this package's tests can give (the retry,
// fault and fuzz tests inject them), setting the fields NewClient otherwise
// fills with the real sleeper, jitter and clock.

// withSleep replaces the context-aware wait between attempts.
func withSleep(f func(ctx context.Context, d time.Duration) error) Option {
	return func(s *settings) error { s.sleep = f; return nil }
}

// withJitter replaces the random draw of the backoff: f(n) must return a
// value in [0, n).
func withJitter(f func(n int64) int64) Option {
	return func(s *settings) error { s.jitter = f; return nil }
}

// withClock replaces time.Now (Retry-After dates, token expiry).
func withClock(f func() time.Time) Option {
	return func(s *settings) error { s.now = f; return nil }
}

// prefix mounts the API under a path, so a client that builds an absolute
// path (dropping the base URL's path) fails the tests.
const prefix = "/enkash"

const customerPath = prefix + "/api/v0/customer/" + validCustomerID

// okEnvelope is a small success envelope.
const okEnvelope = `{"payload":{"customerId":"KCABCDEFGH123456","legalName":"Acme Traders Pvt Ltd","netAmount":12345678.91,"mobile":"x"},"response_code":0,"response_message":"SUCCESS"}`

// testServer is an httptest server with a mux under prefix.
type testServer struct {
	*httptest.Server
	mux *http.ServeMux
}

func newTestServer(t *testing.T, configure ...func(*http.Server)) *testServer {
	t.Helper()
	mux := http.NewServeMux()
	outer := http.NewServeMux()
	outer.Handle(prefix+"/", http.StripPrefix(prefix, mux))
	outer.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside %s: %s %s", prefix, r.Method, r.URL.Path)
		http.NotFound(w, r)
	})
	srv := httptest.NewUnstartedServer(outer)
	for _, f := range configure {
		f(srv.Config)
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return &testServer{Server: srv, mux: mux}
}

// newClient builds a Client for ts with no real waiting between retries
// (waits are recorded instead) and a jitter that always draws the maximum.
func newClient(t *testing.T, ts *testServer, opts ...Option) (*Client, *sleepRecorder) {
	t.Helper()
	rec := &sleepRecorder{}
	all := append([]Option{WithToken(fxToken), withSleep(rec.sleep), withJitter(func(n int64) int64 { return n - 1 })}, opts...)
	c, err := NewClient(ts.URL+prefix, all...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c, rec
}

// sleepRecorder is the injected sleeper: it records each wait and returns at
// once (or ctx.Err()).
type sleepRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleepRecorder) get() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// reply writes status, content type and body.
func reply(w http.ResponseWriter, status int, ctype, body string) {
	if ctype != "" {
		w.Header().Set("Content-Type", ctype)
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// sequence answers the i-th request with steps[i] (the last one repeats) and
// counts requests.
type sequence struct {
	n     atomic.Int32
	steps []func(w http.ResponseWriter, r *http.Request)
}

func (s *sequence) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	i := int(s.n.Add(1)) - 1
	if i >= len(s.steps) {
		i = len(s.steps) - 1
	}
	s.steps[i](w, r)
}

func status(code int, ctype, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) { reply(w, code, ctype, body) }
}

func errEnvelope(errType, msg string) string {
	b, _ := json.Marshal(map[string]any{
		"errorResponse": map[string]any{
			"errorType": errType, "errorMessage": msg, "requestId": "req-42",
			"timestamp": "2025-11-20 16:15:30",
			"apiSubErrors": []any{
				map[string]any{"field": "customerKeyContacts[0].mobile", "message": "invalid mobile " + fxMobile, "rejectedValue": fxMobile, "object": "customer"},
				map[string]any{"field": "pinCode", "message": "bad pin", "rejectedValue": "56"},
			},
		},
		"response_code": 400, "response_message": "FAILURE",
	})
	return string(b)
}

// tokenEndpointClient is a password-grant client against a server whose
// /oauth/token answers with h.
func tokenEndpointClient(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	ts := newTestServer(t)
	ts.mux.HandleFunc("/oauth/token", h)
	c, err := NewClient(ts.URL+prefix, WithPasswordCredentials(fxClientID, fxClientSecret, fxUser, fxPassword))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func ztextResp(status int, body string) string {
	return fmt.Sprintf("HTTP/1.1 %d X\r\nContent-Length: %d\r\n\r\n%s", status, len(body), body)
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Secrets with characters that change under each encoding: '/', '+', '@',
// spaces, non-ASCII, and digit runs that the heuristics would cut into.
const (
	hostileToken    = "tok.1234567890.SeCrEt/xyz+q=="
	hostilePassword = "p@ss w0rd/Über-42"
	hostileSecret   = "cs/ecret+4711 x"
)

// rawServer answers every request on loopback with respond(request, body),
// written as raw bytes (so it can be malformed), then closes the connection.
func rawServer(t *testing.T, respond func(r *http.Request, body []byte) string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				r, err := http.ReadRequest(bufio.NewReader(conn))
				if err != nil {
					return
				}
				body, _ := io.ReadAll(r.Body)
				_, _ = io.WriteString(conn, respond(r, body))
			}()
		}
	}()
	t.Cleanup(func() { _ = ln.Close(); wg.Wait() })
	return "http://" + ln.Addr().String()
}

// leaks returns what of the secrets (whole, in any encoding, or any 8-byte
// window of them) and of the fixture personal data appears in text.
func leaks(text string) []string {
	var found []string
	for _, sec := range []string{hostileToken, hostilePassword, hostileSecret, fxAccount, fxPAN, fxIFSC, fxEmail, fxMobile} {
		forms := []string{sec, url.QueryEscape(sec), url.PathEscape(sec), fmt.Sprintf("%q", sec)[1 : len(fmt.Sprintf("%q", sec))-1]}
		for _, f := range forms {
			for i := 0; i+8 <= len(f); i++ {
				if strings.Contains(text, f[i:i+8]) {
					found = append(found, fmt.Sprintf("%q (from %q)", f[i:i+8], sec))
					break
				}
			}
		}
	}
	basic := base64.StdEncoding.EncodeToString([]byte("client-id:" + hostileSecret))
	if strings.Contains(text, basic) {
		found = append(found, "Basic credentials")
	}
	return found
}

// piiBody is a body full of personal data, for servers that echo it.
func piiBody() api.UpdateCustomerRequest {
	var u api.UpdateCustomerRequest
	u.AccountNumber.Set(fxAccount)
	u.PanOrGstin.Set("29" + fxPAN + "1Z5")
	u.Ifsc.Set(fxIFSC)
	u.CustomerKeyContacts.Set([]api.CustomerKeyContactCreateDTO{{Name: "A", LegalName: "A", Mobile: fxMobile}})
	return u
}

// otherHost is a second host for Go's redirect rule (Authorization is
// dropped when a redirect changes host) that needs no name lookup: it
// returns srvURL with its host replaced by a name under .example, and an
// *http.Transport whose dialer sends that name to srvURL's listener.
func otherHost(t *testing.T, srvURL string) (string, *http.Transport) {
	u, err := url.Parse(srvURL)
	require.NoError(t, err)
	addr := u.Host
	u.Host = "other.example:" + u.Port()
	var d net.Dialer
	return u.String(), &http.Transport{DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
		if a == u.Host {
			a = addr
		}
		return d.DialContext(ctx, network, a)
	}}
}
