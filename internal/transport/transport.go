// Package transport builds the SDK's HTTP clients: a tuned default client,
// the redirect rule that keeps the Authorization header on its origin, and
// the proxy credentials a client sends (which the SDK masks). It knows
// nothing of Enkash, like aws-sdk-go-v2's aws/transport/http.
package transport

import (
	"errors"
	"math"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// MaxIdleConnsPerHost: the default transport keeps every connection that was
// in use, idle, until IdleConnTimeout (Go's default keeps 2 per host). A cap
// below the calls in flight closes connections that the next calls then dial
// again: with a cap of 100, a batch at concurrency 256 over HTTP/1.1 opened
// 3,531 connections for 10,000 calls. So the pool is as large as the
// concurrency of its users.
const MaxIdleConnsPerHost = math.MaxInt

// MaxResponseHeaderBytes bounds a response's header block (Go's default is
// 1 MiB; Enkash's headers are a few hundred bytes).
const MaxResponseHeaderBytes = 64 << 10

// NoRedirect keeps a client from following redirects: the response itself
// is returned.
func NoRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// NewClient returns the SDK's default HTTP client: a clone of
// http.DefaultTransport (or its settings, if it was replaced) with the pool
// and header limits above, following no redirects, its transport wrapped by
// wrap when given. conns > 0 caps the connections per host (and makes HTTP/2
// wait for a free stream instead of opening another connection).
func NewClient(timeout time.Duration, wrap func(http.RoundTripper) http.RoundTripper, conns int) (*http.Client, error) {
	tr, ok := http.DefaultTransport.(*http.Transport)
	if ok {
		tr = tr.Clone()
	} else {
		tr = &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true,
			TLSHandshakeTimeout: 10 * time.Second, IdleConnTimeout: 90 * time.Second}
	}
	tr.MaxIdleConns = 0 // no limit
	tr.MaxIdleConnsPerHost = MaxIdleConnsPerHost
	tr.MaxResponseHeaderBytes = MaxResponseHeaderBytes
	// Not HTTP2.StrictMaxConcurrentRequests (wait for a free stream instead
	// of dialling): combined with MaxConnsPerHost, 256 calls against a server
	// allowing 250 streams stalled until their timeouts (Go 1.26, measured).
	tr.MaxConnsPerHost = max(conns, 0)
	hc := &http.Client{Transport: tr, Timeout: timeout, CheckRedirect: NoRedirect}
	if wrap != nil {
		if hc.Transport = wrap(tr); hc.Transport == nil {
			return nil, errors.New("enkash: NewClient: WithTransportWrapper returned a nil transport")
		}
	}
	return hc, nil
}

// SameOriginAuth returns a shallow copy of hc whose redirects carry the
// Authorization header only to the origin (scheme, host and port) of the
// first request: Go keeps it for another port of the same host, a subdomain,
// and after an https → http redirect. hc's own CheckRedirect (or Go's limit
// of 10) still decides whether to follow.
func SameOriginAuth(hc *http.Client) *http.Client {
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

// ProxyUser returns the user and password in the URL of the proxy that rt
// (an *http.Transport, nil for http.DefaultTransport) sends requests to u
// through: a proxy may echo them in a status text or body.
func ProxyUser(rt http.RoundTripper, u *url.URL) (user, password string, ok bool) {
	if rt == nil {
		rt = http.DefaultTransport
	}
	tr, _ := rt.(*http.Transport)
	if tr == nil || tr.Proxy == nil {
		return "", "", false
	}
	p, err := tr.Proxy(&http.Request{Method: http.MethodPatch, URL: u, Header: http.Header{}})
	if err != nil || p == nil || p.User == nil {
		return "", "", false
	}
	password, ok = p.User.Password()
	return p.User.Username(), password, ok
}

// IsLoopback reports whether host is localhost or a loopback IP.
func IsLoopback(host string) bool {
	ip := net.ParseIP(host)
	return strings.EqualFold(host, "localhost") || ip != nil && ip.IsLoopback()
}

// Server checks the base URL of an API and returns it as the server URL of
// a generated client (with a trailing slash, so that a path prefix is
// kept) and parsed. It must be https, except for a loopback host (plain
// http, for tests), and carry no user info, query or fragment.
func Server(baseURL string) (string, *url.URL, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return "", nil, errors.New("enkash: NewClient: base URL does not parse")
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return "", nil, errors.New("enkash: NewClient: base URL must be https://")
	case u.Host == "" || u.Hostname() == "":
		return "", nil, errors.New("enkash: NewClient: base URL has no host")
	case u.User != nil:
		return "", nil, errors.New("enkash: NewClient: base URL must not carry user info (use an auth option)")
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return "", nil, errors.New("enkash: NewClient: base URL must not have a query or fragment")
	case u.Scheme == "http" && !IsLoopback(u.Hostname()):
		return "", nil, errors.New("enkash: NewClient: plain http is only allowed for a loopback host; use https://")
	}
	return u.Scheme + "://" + u.Host + strings.TrimRight(u.EscapedPath(), "/") + "/", u, nil
}
