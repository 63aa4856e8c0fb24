package wrapper

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/enkash-oss/enkash-go/api"
)

// DefaultTimeout is the default HTTP client's timeout per attempt.
const DefaultTimeout = 30 * time.Second

// maxIdleConns: the default transport keeps every connection that was in
// use, idle, until IdleConnTimeout (Go's default keeps 2 per host). A cap
// below the calls in flight closes connections that the next calls then
// dial again: with a cap of 100, a batch at concurrency 256 over HTTP/1.1
// opened 3,531 connections for 10,000 calls. So the pool is as large as the
// concurrency of its users, a bulk batch's included.
const maxIdleConns = math.MaxInt

// maxResponseHeaderBytes bounds a response's header block (Go's default is
// 1 MiB; Enkash's headers are a few hundred bytes).
const maxResponseHeaderBytes = 64 << 10

// Client calls Enkash's API through the client generated in package api.
// Create it with NewClient; it is safe for concurrent use and should be
// reused (it keeps connections and the cached token).
//
// Every request goes through the same generic layers, whatever the
// operation: retries, then authentication, then one log record per attempt,
// then the response size limit, then the HTTP client.
type Client struct {
	gen     *api.Client
	hc      *http.Client
	maxBody int64
	forms   []string                         // secretForms of the static secrets it sends
	desc    string                           // what fmt and slog print of it
	sized   func(conns int) (*Client, error) // ForConcurrency; nil with WithHTTPClient
}

// Format prints the Client's server and kind of auth, never its
// credentials, whatever the verb (a value receiver, so that a Client value
// prints the same).
func (c Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.desc) }

// LogValue is what log/slog records of the Client: as Format.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.desc) }

// sameOriginAuth returns a shallow copy of hc whose redirects carry the
// Authorization header only to the origin (scheme, host and port) of the
// first request: Go keeps it for another port of the same host and after an
// https → http redirect. hc's own CheckRedirect (or Go's limit of 10) still
// decides whether to follow.
func sameOriginAuth(hc *http.Client) *http.Client {
	cp, check := *hc, hc.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		var err error
		if check != nil {
			err = check(req, via)
		} else if len(via) >= 10 {
			err = errors.New("stopped after 10 redirects")
		}
		if o := via[0].URL; req.URL.Scheme != o.Scheme || !strings.EqualFold(req.URL.Host, o.Host) {
			req.Header.Del("Authorization")
		}
		return err
	}
	return &cp
}

// proxySecrets returns the password in the URL of the proxy that rt (an
// *http.Transport, nil for the default) sends requests to u through, and its
// user:password: a proxy may echo them in a status text or body.
func proxySecrets(rt http.RoundTripper, u *url.URL) (pw, basic []string) {
	if rt == nil {
		rt = http.DefaultTransport
	}
	tr, ok := rt.(*http.Transport)
	if !ok || tr.Proxy == nil {
		return nil, nil
	}
	p, err := tr.Proxy(&http.Request{Method: http.MethodPatch, URL: u, Header: http.Header{}})
	if err != nil || p == nil || p.User == nil {
		return nil, nil
	}
	if pass, ok := p.User.Password(); ok {
		return []string{pass}, []string{p.User.Username() + ":" + pass}
	}
	return nil, nil
}

// NewClient returns a Client for the Enkash server at baseURL, e.g.
// "https://api.enkash.in" (a path prefix is kept). baseURL must be https,
// except for a loopback host (localhost, 127.0.0.0/8, ::1), which may be
// plain http for tests; it may not carry user info, a query or a fragment.
//
// Without options the Client sends no Authorization header, waits at most
// DefaultTimeout per attempt, makes up to 3 attempts (see RetryPolicy) and
// reads at most DefaultMaxResponseBytes of a response.
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, errors.New("enkash: NewClient: base URL does not parse")
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, errors.New("enkash: NewClient: base URL must be https://")
	case u.Host == "" || u.Hostname() == "":
		return nil, errors.New("enkash: NewClient: base URL has no host")
	case u.User != nil:
		return nil, errors.New("enkash: NewClient: base URL must not carry user info (use an auth option)")
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return nil, errors.New("enkash: NewClient: base URL must not have a query or fragment")
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return nil, errors.New("enkash: NewClient: plain http is only allowed for a loopback host; use https://")
	}

	s := settings{margin: DefaultTokenExpiryMargin, maxBody: DefaultMaxResponseBytes, userAgent: userAgent}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&s); err != nil {
			return nil, err
		}
	}
	if s.hc != nil && s.timeoutSet {
		return nil, errors.New("enkash: NewClient: WithTimeout applies to the default HTTP client only; set Timeout on the client given to WithHTTPClient")
	}
	if s.hc != nil && s.wrapRT != nil {
		return nil, errors.New("enkash: NewClient: WithTransportWrapper wraps the default transport; wrap the transport of the client given to WithHTTPClient yourself")
	}
	if s.now == nil {
		s.now = time.Now
	}
	hc := s.hc
	if hc == nil {
		if hc, err = defaultHTTPClient(s.timeout, s.wrapRT, 0); err != nil {
			return nil, err
		}
		// The proxy is the default transport's, whatever wraps it.
		s.proxySecrets, s.proxyBasic = proxySecrets(nil, u)
	} else {
		s.proxySecrets, s.proxyBasic = proxySecrets(hc.Transport, u)
		hc = sameOriginAuth(hc)
	}
	// The generated client resolves operation paths against the server
	// URL: with a trailing slash a path prefix is kept.
	server := u.Scheme + "://" + u.Host + strings.TrimRight(u.EscapedPath(), "/") + "/"

	auth, err := newAuthenticator(&s, server, hc)
	if err != nil {
		return nil, err
	}
	forms := s.secretForms()
	desc := "&wrapper.Client{" + server + " auth:" + [...]string{"none", "token", "source", "password"}[s.auth] + " credentials:" + redacted + "}"
	// build layers a Client over an HTTP client; ForConcurrency builds
	// another over a transport of its own, sharing auth and the token cache.
	var build func(hc *http.Client) (*Client, error)
	build = func(hc *http.Client) (*Client, error) {
		var doer api.HttpRequestDoer = &limitDoer{next: hc, max: s.maxBody}
		doer = &logDoer{next: doer, logger: s.logger, forms: forms}
		if auth != nil {
			doer = &authDoer{next: doer, auth: auth}
		}
		doer = newRetryDoer(doer, &s)
		gen, err := api.NewClient(server, api.WithHTTPClient(doer))
		if err != nil {
			return nil, errors.New("enkash: NewClient: " + err.Error())
		}
		c := &Client{gen: gen, hc: hc, maxBody: s.maxBody, forms: forms, desc: desc}
		if s.hc == nil {
			c.sized = func(n int) (*Client, error) {
				hc, err := defaultHTTPClient(s.timeout, s.wrapRT, n)
				if err != nil {
					return nil, err
				}
				return build(hc)
			}
		}
		return c, nil
	}
	return build(hc)
}

// ForConcurrency returns a Client for up to n calls in flight at once, as
// package bulk runs a batch: it shares c's credentials and cached token,
// retry policy, logger and limits, and sends through a default transport
// of its own that opens at most n connections per host (Go's transport
// otherwise dials a new connection for a request that finds none idle even
// when one is about to come back, so a burst of calls opens more than n).
// A WithTransportWrapper function is called again for
// that transport. Close its idle connections (CloseIdleConnections) when
// done with it: each call makes a new pool, so make one per batch, not per
// call. A Client built WithHTTPClient returns itself: the HTTP client given
// is used as it is.
func (c *Client) ForConcurrency(n int) *Client {
	if c.sized == nil || n < 1 {
		return c
	}
	sc, err := c.sized(n)
	if err != nil { // the transport wrapper refused the second transport
		return c
	}
	return sc
}

// defaultHTTPClient is the SDK's HTTP client, its transport wrapped by
// wrapRT when given; conns > 0 caps the connections per host (and makes
// HTTP/2 wait for a free stream instead of opening another connection).
func defaultHTTPClient(timeout time.Duration, wrapRT func(http.RoundTripper) http.RoundTripper, conns int) (*http.Client, error) {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	var tr *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		tr = dt.Clone()
	} else {
		tr = &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true,
			TLSHandshakeTimeout: 10 * time.Second, IdleConnTimeout: 90 * time.Second}
	}
	tr.MaxIdleConns = 0 // no limit
	tr.MaxIdleConnsPerHost = maxIdleConns
	tr.MaxResponseHeaderBytes = maxResponseHeaderBytes
	if conns > 0 {
		// Not HTTP2.StrictMaxConcurrentRequests (wait for a free stream
		// instead of dialling): with it, 256 calls against a server allowing
		// 250 streams stalled until their timeouts (Go 1.26, measured).
		tr.MaxConnsPerHost = conns
	}
	hc := &http.Client{Transport: tr, Timeout: timeout, CheckRedirect: noRedirect}
	if wrapRT != nil {
		if hc.Transport = wrapRT(tr); hc.Transport == nil {
			return nil, errors.New("enkash: NewClient: WithTransportWrapper returned a nil transport")
		}
	}
	return hc, nil
}

// isLoopback reports whether host is localhost or a loopback IP.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CloseIdleConnections closes idle connections of the Client's transport.
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }

// UpdateCustomer sends PATCH /api/v0/customer/{customerID} with body and
// returns the updated customer.
//
// Each body field is absent (unchanged), null (cleared) or a value (set); see
// the package documentation. The request is validated first
// (ValidateUpdateCustomer): a *ValidationError returns before any I/O.
//
// The call succeeds only with a 2xx status, an envelope without errorResponse
// and with a payload; everything else is an *APIError (see its sentinels).
// Transport failures match ErrNetwork; a done ctx ends the call at once with
// an error matching ctx.Err().
func (c *Client) UpdateCustomer(ctx context.Context, customerID string, body api.UpdateCustomerRequest, opts ...CallOption) (*api.CustomerResponse, error) {
	cs := applyCallOptions(opts)
	params := cs.updateCustomerParams()
	if vs := api.ValidateUpdateCustomer(customerID, params, &body); vs != nil {
		return nil, &ValidationError{Violations: vs}
	}
	return invoke(ctx, c, "updateCustomer", body.AppendJSON,
		func(ctx context.Context, r *bodyReader) (*http.Response, error) {
			return c.gen.UpdateCustomerWithBody(ctx, customerID, params, "application/json", r)
		},
		func(e *api.CustomerResponseEnvelope) envelope[api.CustomerResponse] {
			return envelope[api.CustomerResponse]{e.Payload, e.ErrorResponse, e.ResponseCode, e.ResponseMessage}
		},
		func(c *api.CustomerResponse) error {
			if c.CustomerId != customerID {
				return errors.New("the payload is another customer than the one updated")
			}
			return nil
		},
		cs)
}
