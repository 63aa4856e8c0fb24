package wrapper

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/internal/transport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// TestNewClient_RefusesInvalidOptions: NewClient returns no client and an
// error for every option combination the options document as invalid. The
// auth-conflict rows use credentials that are each valid on their own (a
// token past the 8-character minimum, a non-nil source), so they fail only on
// the conflict and must return errAuthConflict itself.
func TestNewClient_RefusesInvalidOptions(t *testing.T) {
	src := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: fxToken})
	password := WithPasswordCredentials(fxClientID, fxClientSecret, fxUser, fxPassword)
	for name, tc := range map[string]struct {
		opts []Option
		want error // nil: any error
	}{
		"token and source":     {opts: []Option{WithToken(fxToken), WithTokenSource(src)}, want: errAuthConflict},
		"token and password":   {opts: []Option{WithToken(fxToken), password}, want: errAuthConflict},
		"source and password":  {opts: []Option{WithTokenSource(src), password}, want: errAuthConflict},
		"empty token":          {opts: []Option{WithToken("")}},
		"token with newline":   {opts: []Option{WithToken("abc\r\nX-Injected: 1")}},
		"nil token source":     {opts: []Option{WithTokenSource(nil)}},
		"nil http client":      {opts: []Option{WithHTTPClient(nil)}},
		"timeout and client":   {opts: []Option{WithHTTPClient(&http.Client{}), WithTimeout(time.Second)}},
		"negative attempts":    {opts: []Option{WithRetry(RetryPolicy{MaxAttempts: -1})}},
		"zero body limit":      {opts: []Option{WithMaxResponseBytes(0)}},
		"user agent with 0x1f": {opts: []Option{WithUserAgent("acme\x1ferp")}},
		"user agent with DEL":  {opts: []Option{WithUserAgent("acme\x7ferp")}},
		"blank user agent":     {opts: []Option{WithUserAgent(" \t ")}},
		"negative retry":       {opts: []Option{WithRetry(RetryPolicy{BaseDelay: -1})}},
		"negative timeout":     {opts: []Option{WithTimeout(-time.Second)}},
		"zero timeout":         {opts: []Option{WithTimeout(0)}},
		"negative margin":      {opts: []Option{WithTokenExpiryMargin(-time.Second)}},
		"empty username":       {opts: []Option{WithPasswordCredentials(fxClientID, fxClientSecret, "", fxPassword)}},
		"empty client id":      {opts: []Option{WithPasswordCredentials("", fxClientSecret, fxUser, fxPassword)}},
	} {
		c, err := NewClient("https://api.enkash.example", tc.opts...)
		assert.Error(t, err, name)
		assert.Nil(t, c, name)
		if tc.want != nil {
			assert.ErrorIs(t, err, tc.want, name)
		} else {
			assert.NotErrorIs(t, err, errAuthConflict, name)
		}
	}
}

// TestNewClient_AcceptsEachAuthAlone: each credential the conflict rows of
// TestNewClient_RefusesInvalidOptions combine is accepted on its own, so those
// rows fail on the combination and nothing else.
func TestNewClient_AcceptsEachAuthAlone(t *testing.T) {
	src := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: fxToken})
	for name, opt := range map[string]Option{
		"token":    WithToken(fxToken),
		"source":   WithTokenSource(src),
		"password": WithPasswordCredentials(fxClientID, fxClientSecret, fxUser, fxPassword),
	} {
		c, err := NewClient("https://api.enkash.example", opt)
		assert.NoError(t, err, name)
		assert.NotNil(t, c, name)
	}
}

// TestNewClient_AcceptsOptionsAtTheirBounds: the smallest body limit, and
// a user agent with a space or a tilde inside (the printable ends of the
// control-character rule).
func TestNewClient_AcceptsOptionsAtTheirBounds(t *testing.T) {
	for name, opt := range map[string]Option{
		"one-byte body limit":     WithMaxResponseBytes(1),
		"user agent with a space": WithUserAgent("acme erp/1.0"),
		"user agent with a tilde": WithUserAgent("acme~erp"),
	} {
		c, err := NewClient("https://api.enkash.example", opt)
		assert.NoError(t, err, name)
		assert.NotNil(t, c, name)
	}
}

// TestOptions_ShortSecretsRefused (issue 10 item 6): a secret too short to be masked
// without masking ordinary words ("Custom[REDACTED]r not found" for the
// token "e") is refused before anything is sent, and a token long enough to
// mask leaves the server's words intact.
func TestOptions_ShortSecretsRefused(t *testing.T) {
	for name, opt := range map[string]Option{
		"one-character token":      WithToken("e"),
		"seven-character token":    WithToken("abcdefg"),
		"token with a space":       WithToken("abc defgh"),
		"three-character password": WithPasswordCredentials("id", "secret-1", "user", "pwd"),
		"three-character secret":   WithPasswordCredentials("id", "abc", "user", "password-1"),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := NewClient("https://api.enkash.example", opt)
			require.Error(t, err)
		})
	}
	ts := newTestServer(t)
	ts.mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		reply(w, 404, "application/json", `{"errorResponse":{"errorType":"RECORD_NOT_FOUND","errorMessage":"Customer eeeeeeee not found"}}`)
	})
	c, err := NewClient(ts.URL+prefix, WithToken("eeeeeeee"))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	_, err = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	require.ErrorIs(t, err, ErrNotFound)
	assert.Contains(t, err.Error(), "Customer [REDACTED] not found", "the echoed token is masked, the words around it are not")
}

// P11: a token with a byte that is not UTF-8 (or any character a bearer
// token cannot hold) is refused before anything is sent.
func TestWithToken_InvalidUTF8Refused(t *testing.T) {
	_, err := NewClient("https://api.enkash.example", WithToken("AbCdEfGhIj\xffKlMnOpQrSt"))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "AbCdEfGh")
}

func TestWithUserAgent_ReachesEveryRequest(t *testing.T) {
	a := newAuthServer(t, false, 3600)
	var agents []string
	c, err := NewClient(a.URL+prefix, WithPasswordCredentials(fxClientID, fxClientSecret, fxUser, fxPassword),
		WithUserAgent("acme-erp/1.0"), WithUserAgent("cron"),
		WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper {
			return roundTripFunc(func(r *http.Request) (*http.Response, error) {
				agents = append(agents, r.Header.Get("User-Agent"))
				return rt.RoundTrip(r)
			})
		}))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	_, err = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	require.NoError(t, err)
	assert.Equal(t, []string{"enkash-go/" + Version + " acme-erp/1.0 cron", "enkash-go/" + Version + " acme-erp/1.0 cron"}, agents,
		"the token request and the PATCH")
	_, err = NewClient("https://api.enkash.example", WithUserAgent("bad\napp"))
	assert.Error(t, err)
}

func TestWithTransportWrapper_Rules(t *testing.T) {
	_, err := NewClient("https://api.enkash.example", WithHTTPClient(http.DefaultClient),
		WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper { return rt }))
	assert.Error(t, err, "cannot wrap a client's transport the SDK does not own")
	_, err = NewClient("https://api.enkash.example", WithTransportWrapper(func(http.RoundTripper) http.RoundTripper { return nil }))
	assert.Error(t, err)
	var seen http.RoundTripper
	_, err = NewClient("https://api.enkash.example", WithTimeout(5e9), WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper { seen = rt; return rt }))
	require.NoError(t, err)
	tr, ok := seen.(*http.Transport)
	require.True(t, ok)
	assert.Equal(t, transport.MaxIdleConnsPerHost, tr.MaxIdleConnsPerHost)
	assert.Zero(t, tr.MaxIdleConns, "no limit over all hosts")
	assert.Equal(t, int64(transport.MaxResponseHeaderBytes), tr.MaxResponseHeaderBytes)
}
