package transport

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNewClient_Tuning: the default client clones Go's transport with the
// SDK's pool and header limits, follows no redirects, caps connections per
// host only when asked, and refuses a wrapper returning no transport.
func TestNewClient_Tuning(t *testing.T) {
	for _, conns := range []int{0, 16} {
		var seen http.RoundTripper
		hc, err := NewClient(5*time.Second, func(rt http.RoundTripper) http.RoundTripper { seen = rt; return rt }, conns)
		require.NoError(t, err)
		tr, ok := seen.(*http.Transport)
		require.True(t, ok)
		assert.NotSame(t, http.DefaultTransport, tr)
		assert.Equal(t, MaxIdleConnsPerHost, tr.MaxIdleConnsPerHost)
		assert.Zero(t, tr.MaxIdleConns, "no limit over all hosts")
		assert.Equal(t, int64(MaxResponseHeaderBytes), tr.MaxResponseHeaderBytes)
		assert.Equal(t, conns, tr.MaxConnsPerHost)
		assert.NotNil(t, tr.Proxy, "the environment's proxy, as Go's default")
		assert.Equal(t, 5*time.Second, hc.Timeout)
		assert.ErrorIs(t, hc.CheckRedirect(nil, nil), http.ErrUseLastResponse)
	}
	_, err := NewClient(time.Second, func(http.RoundTripper) http.RoundTripper { return nil }, 0)
	assert.Error(t, err)
}

// TestNewClient_DefaultTransportReplaced: when a program has replaced
// http.DefaultTransport by another RoundTripper, the client gets a transport
// with Go's default settings, not that RoundTripper.
func TestNewClient_DefaultTransportReplaced(t *testing.T) {
	saved := http.DefaultTransport
	http.DefaultTransport = roundTripFunc(nil)
	defer func() { http.DefaultTransport = saved }()
	hc, err := NewClient(time.Second, nil, 0)
	require.NoError(t, err)
	tr, ok := hc.Transport.(*http.Transport)
	require.True(t, ok)
	assert.NotNil(t, tr.Proxy)
	assert.True(t, tr.ForceAttemptHTTP2)
	assert.Equal(t, 10*time.Second, tr.TLSHandshakeTimeout)
	assert.Equal(t, 90*time.Second, tr.IdleConnTimeout)
	assert.Equal(t, MaxIdleConnsPerHost, tr.MaxIdleConnsPerHost)
}

// TestSameOriginAuth_DropsAuthorizationOffOrigin: a redirect keeps the
// Authorization header only for the first request's scheme, host and port
// (the host compared without case); the caller's CheckRedirect still
// decides, and without one Go's limit of 10 redirects holds. The caller's
// client is not modified.
func TestSameOriginAuth_DropsAuthorizationOffOrigin(t *testing.T) {
	first := &http.Request{URL: mustURL(t, "https://api.example:443/a")}
	for target, keep := range map[string]bool{
		"https://api.example:443/b":    true,
		"https://API.example:443/b":    true,
		"https://api.example:8443/b":   false,
		"http://api.example:443/b":     false,
		"https://sub.api.example:443/": false,
		"https://evil.example:443/":    false,
	} {
		hc := &http.Client{}
		cp := SameOriginAuth(hc)
		req := &http.Request{URL: mustURL(t, target), Header: http.Header{"Authorization": {"Bearer x"}}}
		require.NoError(t, cp.CheckRedirect(req, []*http.Request{first}), target)
		assert.Equal(t, keep, req.Header.Get("Authorization") != "", target)
		assert.Nil(t, hc.CheckRedirect, "the caller's client is unchanged")
	}
	req := &http.Request{URL: mustURL(t, "https://api.example:443/b"), Header: http.Header{}}
	assert.Error(t, SameOriginAuth(&http.Client{}).CheckRedirect(req, slices.Repeat([]*http.Request{first}, 10)), "Go's limit of 10")
	assert.NoError(t, SameOriginAuth(&http.Client{}).CheckRedirect(req, slices.Repeat([]*http.Request{first}, 9)))
	stop := errors.New("stop")
	own := SameOriginAuth(&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return stop }})
	req = &http.Request{URL: mustURL(t, "https://evil.example/"), Header: http.Header{"Authorization": {"Bearer x"}}}
	assert.ErrorIs(t, own.CheckRedirect(req, []*http.Request{first}), stop)
	assert.Empty(t, req.Header.Get("Authorization"), "dropped whatever the caller's rule says")
}

// TestProxyUser_FromTheTransportsProxy: the user and password come from the
// proxy URL an *http.Transport picks for the request; no proxy, no password
// or another RoundTripper give none.
func TestProxyUser_FromTheTransportsProxy(t *testing.T) {
	u := mustURL(t, "https://api.example/")
	proxy := func(pu *url.URL) func(*http.Request) (*url.URL, error) {
		return func(r *http.Request) (*url.URL, error) {
			assert.Equal(t, u, r.URL)
			return pu, nil
		}
	}
	for name, tc := range map[string]struct {
		rt             http.RoundTripper
		user, password string
		ok             bool
	}{
		"user and password": {&http.Transport{Proxy: proxy(mustURL(t, "http://bob:s3cret@proxy:3128"))}, "bob", "s3cret", true},
		"user only":         {rt: &http.Transport{Proxy: proxy(mustURL(t, "http://bob@proxy:3128"))}},
		"no credentials":    {rt: &http.Transport{Proxy: proxy(mustURL(t, "http://proxy:3128"))}},
		"no proxy for u":    {rt: &http.Transport{Proxy: proxy(nil)}},
		"proxy error":       {rt: &http.Transport{Proxy: func(*http.Request) (*url.URL, error) { return nil, errors.New("x") }}},
		"no Proxy func":     {rt: &http.Transport{}},
		"not a Transport":   {rt: roundTripFunc(nil)},
	} {
		user, password, ok := ProxyUser(tc.rt, u)
		assert.Equal(t, tc.ok, ok, name)
		if tc.ok {
			assert.Equal(t, tc.user, user, name)
			assert.Equal(t, tc.password, password, name)
		}
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestIsLoopback_Hosts: localhost (any case) and loopback IPs, v4 and v6.
func TestIsLoopback_Hosts(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LocalHost": true, "127.0.0.1": true, "127.1.2.3": true, "::1": true,
		"localhost.example": false, "10.0.0.1": false, "api.example": false, "": false, "::": false,
	} {
		assert.Equal(t, want, IsLoopback(host), host)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	require.NoError(t, err)
	return u
}

func TestServer_ChecksTheBaseURLAndKeepsItsPath(t *testing.T) {
	tests := []struct {
		name, base, want, wantErr string
	}{
		{"https host", "https://api.enkash.in", "https://api.enkash.in/", ""},
		{"path prefix kept, trailing slashes dropped", "https://gw.example/enkash//", "https://gw.example/enkash/", ""},
		{"escaped path kept escaped", "https://gw.example/a%2Fb", "https://gw.example/a%2Fb/", ""},
		{"port kept", "https://api.enkash.in:8443", "https://api.enkash.in:8443/", ""},
		{"plain http on localhost", "http://localhost:8080", "http://localhost:8080/", ""},
		{"plain http on a loopback IP", "http://[::1]:8080", "http://[::1]:8080/", ""},
		{"does not parse", "https://api.enkash.in/%zz", "", "does not parse"},
		{"another scheme", "ftp://api.enkash.in", "", "must be https://"},
		{"no scheme", "api.enkash.in", "", "must be https://"},
		{"no host", "https:///path", "", "has no host"},
		{"port without host", "https://:443", "", "has no host"},
		{"user info", "https://u:p@api.enkash.in", "", "user info"},
		{"query", "https://api.enkash.in/?a=1", "", "query or fragment"},
		{"empty query", "https://api.enkash.in/?", "", "query or fragment"},
		{"fragment", "https://api.enkash.in/#x", "", "query or fragment"},
		{"plain http elsewhere", "http://api.enkash.in", "", "only allowed for a loopback host"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, u, err := Server(tc.base)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				assert.NotContains(t, err.Error(), "u:p", "the base URL's user info is never echoed")
				assert.Nil(t, u)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.base, u.String())
		})
	}
}
