package wrapper

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

func TestUpdateCustomer_SendsRequest(t *testing.T) {
	ts := newTestServer(t)
	var got *http.Request
	var gotBody []byte
	ts.mux.HandleFunc("PATCH /api/v0/customer/{id}", func(w http.ResponseWriter, r *http.Request) {
		got = r
		gotBody, _ = io.ReadAll(r.Body)
		reply(w, 200, "application/json", okEnvelope)
	})
	c, _ := newClient(t, ts)

	var body api.UpdateCustomerRequest
	body.LegalName.Set("Acme Traders Pvt Ltd") // set
	body.Address.SetNull()                     // clear
	// everything else: absent, unchanged
	cust, err := c.UpdateCustomer(context.Background(), validCustomerID, body, WithParentCompanyID(validParentID))
	require.NoError(t, err)
	require.NotNil(t, got)

	assert.Equal(t, http.MethodPatch, got.Method)
	assert.Equal(t, customerPath+"?parentCompanyId="+validParentID, got.RequestURI)
	assert.Equal(t, "Bearer "+fxToken, got.Header.Get("Authorization"))
	assert.Equal(t, "enkash-go/"+Version, got.Header.Get("User-Agent"))
	assert.Equal(t, "application/json", got.Header.Get("Content-Type"))
	assert.JSONEq(t, `{"legalName":"Acme Traders Pvt Ltd","address":null}`, string(gotBody))

	assert.Equal(t, validCustomerID, cust.CustomerId)
	assert.Equal(t, json.Number("12345678.91"), cust.NetAmount)
}

// TestUpdateCustomer_RequestMatchesGeneratedBuilder: the hand-built URL equals the one the
// generated api.NewUpdateCustomerRequest builds.
func TestUpdateCustomer_RequestMatchesGeneratedBuilder(t *testing.T) {
	ts := newTestServer(t)
	var gotURL string
	ts.mux.HandleFunc("PATCH /api/v0/customer/{id}", func(w http.ResponseWriter, r *http.Request) {
		gotURL = r.RequestURI
		reply(w, 200, "application/json", okEnvelope)
	})
	c, _ := newClient(t, ts)
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{}, WithParentCompanyID(validParentID))
	require.NoError(t, err)
	pid := validParentID
	// api.NewClient appends the "/" the builder needs to keep the prefix.
	want, err := api.NewUpdateCustomerRequest(ts.URL+prefix+"/", validCustomerID, &api.UpdateCustomerParams{ParentCompanyId: &pid}, api.UpdateCustomerRequest{})
	require.NoError(t, err)
	assert.Equal(t, want.URL.RequestURI(), gotURL)
}

func TestUpdateCustomer_ValidationBeforeIO(t *testing.T) {
	ts := newTestServer(t)
	seq := &sequence{steps: []func(http.ResponseWriter, *http.Request){status(200, "application/json", okEnvelope)}}
	ts.mux.Handle("/", seq)
	c, _ := newClient(t, ts)
	_, err := c.UpdateCustomer(context.Background(), "KCbad", api.UpdateCustomerRequest{})
	assert.ErrorIs(t, err, ErrValidation)
	assert.Zero(t, seq.n.Load(), "no request may be sent")
}

func TestNewClient_URLRules(t *testing.T) {
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"https://api.enkash.example", true},
		{"https://api.enkash.example/prefix/", true},
		{"http://localhost:8080", true},
		{"http://LOCALHOST", true},
		{"http://127.0.0.1:9", true},
		{"http://127.9.8.7", true},
		{"http://[::1]:8080", true},
		{"http://api.enkash.example", false},
		{"http://10.0.0.1", false},
		{"http://localhost.evil.example", false},
		{"http://[::2]", false},
		{"ftp://api.enkash.example", false},
		{"api.enkash.example", false},
		{"https://", false},
		{"https://user:pw@api.enkash.example", false},
		{"https://api.enkash.example/?x=1", false},
		{"https://api.enkash.example/#frag", false},
		{"https://api.enkash.example/%zz", false},
		{"://bad", false},
		{"", false},
	} {
		c, err := NewClient(tc.url)
		if tc.ok {
			assert.NoError(t, err, tc.url)
			assert.NotNil(t, c)
		} else {
			assert.Error(t, err, tc.url)
			if err != nil {
				assert.NotContains(t, err.Error(), "pw", "no credentials in the error")
			}
		}
	}
}

func TestNewClient_DefaultTransport(t *testing.T) {
	c, err := NewClient("https://api.enkash.example")
	require.NoError(t, err)
	assert.Equal(t, DefaultTimeout, c.hc.Timeout)
	tr, ok := c.hc.Transport.(*http.Transport)
	require.True(t, ok)
	assert.GreaterOrEqual(t, tr.MaxIdleConnsPerHost, 64)
	assert.NotSame(t, http.DefaultTransport, tr)

	c, err = NewClient("https://api.enkash.example", WithTimeout(5*time.Second))
	require.NoError(t, err)
	assert.Equal(t, 5*time.Second, c.hc.Timeout)
}

// countingTransport counts round trips: WithHTTPClient must be honoured.
type countingTransport struct {
	n    int
	next http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n++
	return c.next.RoundTrip(r)
}

func TestWithHTTPClient_Honoured(t *testing.T) {
	ts := newTestServer(t)
	ts.mux.HandleFunc("/", status(200, "application/json", okEnvelope))
	ct := &countingTransport{next: ts.Client().Transport}
	c, _ := newClient(t, ts, WithHTTPClient(&http.Client{Transport: ct}))
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	require.NoError(t, err)
	assert.Equal(t, 1, ct.n)
}

// TestClient_RedirectKeepsTokenHome: a redirect to another host never carries the
// bearer token. The default client does not follow redirects at all; an
// injected client following them gets Go's rule (Authorization dropped on a
// host change).
func TestClient_RedirectKeepsTokenHome(t *testing.T) {
	other := newTestServer(t)
	var otherAuth []string
	otherHits := 0
	other.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		otherHits++
		otherAuth = append(otherAuth, r.Header.Get("Authorization"))
		reply(w, 200, "application/json", okEnvelope)
	})
	otherBase, follower := otherHost(t, other.URL)
	otherURL := otherBase + prefix + "/elsewhere"

	ts := newTestServer(t)
	ts.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, otherURL, http.StatusTemporaryRedirect)
	})

	t.Run("default client", func(t *testing.T) {
		c, _ := newClient(t, ts)
		_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
		var ae *APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, http.StatusTemporaryRedirect, ae.StatusCode)
		assert.ErrorIs(t, err, ErrUnexpectedStatus)
		assert.Zero(t, otherHits)
	})
	t.Run("injected client follows", func(t *testing.T) {
		hc := &http.Client{Transport: follower}
		defer hc.CloseIdleConnections()
		c, _ := newClient(t, ts, WithHTTPClient(hc))
		_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
		require.NoError(t, err)
		require.Equal(t, 1, otherHits)
		assert.Empty(t, otherAuth[0], "token followed the redirect")
	})
}

// TestClient_NeverPanics feeds odd bodies and statuses through a whole call.
func TestClient_NeverPanics(t *testing.T) {
	bodies := []string{"", "{", "null", "[]", `{"payload":[]}`, `{"errorResponse":"x"}`, `{"errorResponse":{"apiSubErrors":"x"}}`,
		`{"errorResponse":{"apiSubErrors":[null,1,"x",{"rejectedValue":{"mobile":"9876543210"}}]}}`,
		`{"errorResponse":{"timestamp":"2025-13-45 99:99:99","errorType":"NEW_TYPE"}}`, "\x00\xff", `{"payload":{"createdOn":"yesterday"}}`}
	for _, b := range bodies {
		for _, code := range []int{100, 200, 299, 302, 400, 401, 404, 429, 500, 503, 999} {
			ft := &fuzzTransport{status: code, ctype: "application/json", body: []byte(b)}
			c, err := NewClient("https://api.enkash.example", WithHTTPClient(&http.Client{Transport: ft}), WithRetry(RetryPolicy{MaxAttempts: 1}))
			require.NoError(t, err)
			var cerr error
			require.NotPanics(t, func() { _, cerr = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{}) })
			if cerr != nil {
				var ae *APIError
				assert.ErrorAs(t, cerr, &ae, "body %q status %d", b, code)
				_ = cerr.Error()
			}
		}
	}
}

// TestClient_PrintsNoCredentials: a Client printed with any verb, as a
// pointer or a value, or logged with slog, shows no token, password, client
// secret or Basic credentials — also after the password grant fetched a
// token.
func TestClient_PrintsNoCredentials(t *testing.T) {
	ts := newTestServer(t)
	ts.mux.HandleFunc("POST /oauth/token", status(200, "application/json", `{"access_token":"`+echoToken+`","expires_in":3600}`))
	ts.mux.HandleFunc("/", status(200, "application/json", okEnvelope))
	for name, opt := range map[string]Option{
		"token":          WithToken(echoToken),
		"password grant": WithPasswordCredentials(fxClientID, echoSecret, fxUser, echoPassword),
		"token source":   WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: echoToken})),
	} {
		t.Run(name, func(t *testing.T) {
			c, err := NewClient(ts.URL+prefix, opt)
			require.NoError(t, err)
			defer c.CloseIdleConnections()
			_, err = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
			require.NoError(t, err)
			out := printed(c) + printed(*c) // a copy prints the same
			assert.Contains(t, out, "wrapper.Client")
			var js bytes.Buffer
			slog.New(slog.NewJSONHandler(&js, nil)).Info("x", "client", c)
			assert.Contains(t, js.String(), `"client":"&wrapper.Client{`, "LogValue")
			assert.Empty(t, secretLeaks(out, echoToken, echoPassword, echoSecret))
			assert.NotContains(t, out, base64.StdEncoding.EncodeToString([]byte(fxClientID + ":" + echoSecret))[:12])
		})
	}
}

// dualServer serves h over TLS and plain HTTP on one host and port (it
// sniffs the first byte), so that a redirect can change only the scheme.
// It returns the https URL and a client trusting its certificate.
func dualServer(t *testing.T, h http.Handler) (string, *http.Client) {
	t.Helper()
	cert := httptest.NewTLSServer(h) // for its certificate and client
	t.Cleanup(cert.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(sniffListener{ln, cert.TLS}) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "https://" + ln.Addr().String(), cert.Client()
}

type sniffListener struct {
	net.Listener
	cfg *tls.Config
}

func (l sniffListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	pc := &peekedConn{c, bufio.NewReader(c)}
	b, err := pc.r.Peek(1)
	_ = c.SetReadDeadline(time.Time{})
	if err == nil && b[0] == 0x16 { // a TLS handshake record
		return tls.Server(pc, l.cfg), nil
	}
	return pc, nil
}

type peekedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *peekedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// TestWithHTTPClient_RedirectAuthorizationStaysOnOrigin: with a client of
// the caller's that follows redirects, the Authorization header reaches no
// other origin — not another port of the same host, not the same host and
// port over plain http — while a redirect within the origin keeps it, and
// the caller's CheckRedirect still decides whether to follow (their client
// itself is not modified).
func TestWithHTTPClient_RedirectAuthorizationStaysOnOrigin(t *testing.T) {
	var mu sync.Mutex
	var got []string
	target := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Get("Authorization"))
		mu.Unlock()
		reply(w, 200, "application/json", okEnvelope)
	})
	other := httptest.NewServer(target)
	defer other.Close()
	redirectTo := func(to func(r *http.Request) string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/there") {
				target(w, r)
				return
			}
			http.Redirect(w, r, to(r), http.StatusTemporaryRedirect)
		}
	}
	for _, c := range []struct {
		name     string
		to       func(r *http.Request) string // where the server redirects
		tls      bool
		check    func(*http.Request, []*http.Request) error
		wantAuth string // "" none, "-" no request reached the target
	}{
		{"another port of the same host", func(*http.Request) string { return other.URL + "/there" }, false, nil, ""},
		{"same host and port over plain http", func(r *http.Request) string { return "http://" + r.Host + "/there" }, true, nil, ""},
		{"within the origin", func(r *http.Request) string { return r.URL.Path + "/there" }, false, nil, "Bearer " + echoToken},
		{"within the origin over https", func(r *http.Request) string { return r.URL.Path + "/there" }, true, nil, "Bearer " + echoToken},
		{"caller's CheckRedirect stops it", func(*http.Request) string { return other.URL + "/there" }, false,
			func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, "-"},
	} {
		t.Run(c.name, func(t *testing.T) {
			mu.Lock()
			got = nil
			mu.Unlock()
			h := redirectTo(c.to)
			base, hc := "", &http.Client{Transport: &http.Transport{}}
			if c.tls {
				base, hc = dualServer(t, h)
			} else {
				s := httptest.NewServer(h)
				defer s.Close()
				base = s.URL
			}
			hc.CheckRedirect = c.check
			defer hc.CloseIdleConnections()
			before := *hc
			cl, err := NewClient(base, WithToken(echoToken), WithHTTPClient(hc), WithRetry(RetryPolicy{MaxAttempts: 1}))
			require.NoError(t, err)
			_, err = cl.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
			assert.Equal(t, fmt.Sprintf("%p", before.CheckRedirect), fmt.Sprintf("%p", hc.CheckRedirect), "caller's client unchanged")
			mu.Lock()
			defer mu.Unlock()
			if c.wantAuth == "-" {
				assert.ErrorIs(t, err, ErrUnexpectedStatus)
				assert.Empty(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, []string{c.wantAuth}, got)
		})
	}
}

// TestClient_ProxyTextsMasked: an HTTP proxy (raw TCP) refusing with 407 and
// echoing its own password and Proxy-Authorization — in the body of a
// plain-http request's answer, or in the status text of a CONNECT that
// net/http turns into an error — gets neither into any error of the tree.
func TestClient_ProxyTextsMasked(t *testing.T) {
	const proxyPass = "px/Proxy+Pass-31415"
	proxyBasic := "proxyuser:" + proxyPass
	for name, base := range map[string]string{
		"plain http: 407 body":     "http://127.0.0.1:9",
		"CONNECT: 407 status text": "https://127.0.0.1:9",
	} {
		t.Run(name, func(t *testing.T) {
			proxy := rawServer(t, func(r *http.Request, _ []byte) string {
				body := "denied " + r.Header.Get("Proxy-Authorization") + " " + proxyPass + " refused"
				return "HTTP/1.1 407 Proxy password " + proxyPass + " refused\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
			})
			pu, err := url.Parse(proxy)
			require.NoError(t, err)
			pu.User = url.UserPassword("proxyuser", proxyPass)
			hc := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(pu)}}
			defer hc.CloseIdleConnections()
			c, err := NewClient(base, WithToken(echoToken), WithHTTPClient(hc), WithRetry(RetryPolicy{MaxAttempts: 1}))
			require.NoError(t, err)
			_, err = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
			require.Error(t, err)
			out := printedTree(err)
			var ae *APIError
			if errors.As(err, &ae) {
				out += ae.Snippet
			}
			assert.Empty(t, secretLeaks(out, proxyPass, echoToken))
			assert.NotContains(t, out, base64.StdEncoding.EncodeToString([]byte(proxyBasic))[:12])
			assert.Contains(t, out, "refused", "the rest of the text stays readable")
		})
	}
}

// TestClient_ForConcurrency: the sized Client shares the token cache (one
// password grant for both), has its own transport capped at n connections
// per host, and a Client built WithHTTPClient is returned as it is.
func TestClient_ForConcurrency(t *testing.T) {
	a := newAuthServer(t, false, 3600)
	c := passwordClient(t, a)
	sc := c.ForConcurrency(16)
	t.Cleanup(sc.CloseIdleConnections)
	require.NotSame(t, c, sc)
	for _, cl := range []*Client{c, sc, c} {
		_, err := cl.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
		require.NoError(t, err)
	}
	assert.Equal(t, int32(1), a.issued.Load(), "one token for both clients")
	tr, ok := sc.hc.Transport.(*http.Transport)
	require.True(t, ok)
	assert.Equal(t, 16, tr.MaxConnsPerHost)
	assert.NotSame(t, c.hc.Transport, tr)
	assert.Zero(t, c.hc.Transport.(*http.Transport).MaxConnsPerHost, "the caller's Client is unchanged")
	assert.Same(t, c, c.ForConcurrency(0), "n below 1: the Client itself")
	one := c.ForConcurrency(1)
	defer one.CloseIdleConnections()
	require.NotSame(t, c, one, "n = 1: a Client of its own")
	assert.Equal(t, 1, one.hc.Transport.(*http.Transport).MaxConnsPerHost)

	own, err := NewClient(a.URL+prefix, WithHTTPClient(&http.Client{}), WithToken(fxToken))
	require.NoError(t, err)
	assert.Same(t, own, own.ForConcurrency(16), "a caller's HTTP client is used as given")
}

// P8: redirect with token in Location; gzip body with token.
func TestClient_RedirectEchoingTokenLeaksNothing(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Location", "https://evil.example/?t="+r.Header.Get("Authorization"))
		w.Header().Set("X-Debug", r.Header.Get("Authorization"))
		w.WriteHeader(302)
		io.WriteString(w, "moved "+r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	c, _ := NewClient(srv.URL, WithToken(hostileToken))
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, piiBody())
	t.Logf("err: %v", err)
	if l := leaks(err.Error()); len(l) > 0 {
		t.Errorf("LEAK: %v", l)
	}
}

// TestNewClient_PlainHTTPRefused: NewClient refuses plain http to any host that is not
// loopback (the token would cross the network in clear), and accepts https
// anywhere and plain http to loopback (tests, local fakes).
func TestNewClient_PlainHTTPRefused(t *testing.T) {
	for _, u := range []string{
		"http://api.enkash.in", "http://api.enkash.in:443", "HTTP://api.enkash.in", "http://10.0.0.1",
		"http://192.168.1.20:8080", "http://[2001:db8::1]", "http://0.0.0.0", "http://localhost.evil.example",
		"http://127.0.0.1.nip.io", "http://[::ffff:10.0.0.1]",
	} {
		c, err := NewClient(u, WithToken(fxToken))
		assert.Error(t, err, u)
		assert.Nil(t, c, u)
		if err != nil {
			assert.NotContains(t, err.Error(), fxToken)
		}
	}
	for _, u := range []string{
		"https://api.enkash.in", "https://api.enkash.in/prefix", "https://10.0.0.1:8443",
		"http://127.0.0.1:8080", "http://127.1.2.3", "http://localhost", "http://LocalHost:9", "http://[::1]:9",
	} {
		c, err := NewClient(u, WithToken(fxToken))
		assert.NoError(t, err, u)
		assert.NotNil(t, c, u)
	}
}

// TestDefaultTransport_ResponseHeadersCapped (item 11): an 8 MiB response header is refused
// by the default transport, and the call allocates a bounded amount, not a
// multiple of the header.
func TestDefaultTransport_ResponseHeadersCapped(t *testing.T) {
	huge := []byte("HTTP/1.1 200 OK\r\nX-Junk: " + strings.Repeat("a", 8<<20) + "\r\nContent-Length: 2\r\n\r\n{}")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan struct{})
	go func() { // answers one request; writes the prebuilt bytes (no copy)
		defer close(done)
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		if r, err := http.ReadRequest(bufio.NewReader(conn)); err == nil {
			_, _ = io.Copy(io.Discard, r.Body)
			_, _ = conn.Write(huge)
		}
	}()
	defer func() { _ = ln.Close(); <-done }()
	base := "http://" + ln.Addr().String()
	c, err := NewClient(base, WithToken(fxToken), WithRetry(RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	runtime.ReadMemStats(&after)
	require.ErrorIs(t, err, ErrNetwork)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(4<<20), "bytes allocated by one call with an 8 MiB header")
}

// TestClient_ConcurrentUse: 64 goroutines share one Client (run with -race); the
// default transport keeps connections for reuse.
func TestClient_ConcurrentUse(t *testing.T) {
	var conns atomic.Int32
	ts := newTestServer(t, func(srv *http.Server) {
		srv.ConnState = func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				conns.Add(1)
			}
		}
	})
	ts.mux.HandleFunc("/", ok200)
	c, err := NewClient(ts.URL+prefix, WithToken(fxToken))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	const workers, calls = 64, 25
	var wg sync.WaitGroup
	var failures atomic.Int32
	for range workers {
		wg.Go(func() {
			for range calls {
				var b api.UpdateCustomerRequest
				b.State.Set("Karnataka")
				if _, err := c.UpdateCustomer(context.Background(), validCustomerID, b); err != nil {
					failures.Add(1)
				}
			}
		})
	}
	wg.Wait()
	assert.Zero(t, failures.Load())
	// Derived from the workload, not from scheduling: without reuse every
	// call would open one (workers*calls); the default transport keeps up
	// to 100 idle, and a busy machine may make it dial a few extra.
	assert.Less(t, conns.Load(), int32(workers*calls/4), "connections are reused")
}

// TestNewClient_Defaults: without options the HTTP client waits 30 s per
// attempt (DefaultTimeout, as documented); a nil Option is skipped and the
// options after it still apply.
func TestNewClient_Defaults(t *testing.T) {
	c, err := NewClient("https://api.enkash.example")
	require.NoError(t, err)
	assert.Equal(t, 30*time.Second, c.hc.Timeout)
	_, err = NewClient("https://api.enkash.example", nil, WithMaxResponseBytes(0))
	assert.Error(t, err, "the option after a nil one was not applied")
}
