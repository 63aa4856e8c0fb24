package wrappertest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func ptr[T any](v T) *T { return &v }

// bearer is a request editor that sends tok as a bearer token.
func bearer(tok string) api.RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+tok)
		return nil
	}
}

// newServer starts a test server (closed, and checked for spec violations, at
// the end of the test) and a generated client authenticated with its token.
func newServer(t *testing.T, opts ...wrappertest.Option) (*wrappertest.Server, *api.ClientWithResponses) {
	t.Helper()
	srv := wrappertest.NewTestServer(t, opts...)
	c, err := api.NewClientWithResponses(srv.URL,
		api.WithHTTPClient(srv.Client()),
		api.WithRequestEditorFn(bearer(srv.Token)))
	require.NoError(t, err)
	return srv, c
}

// rawClient sends arbitrary requests.
type rawClient struct {
	t   *testing.T
	srv *wrappertest.Server
}

type rawResponse struct {
	status int
	header http.Header
	body   []byte
	env    api.CustomerResponseEnvelope
}

func (rc rawClient) do(method, path, token, contentType, body string) rawResponse {
	rc.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, rc.srv.URL+path, strings.NewReader(body))
	require.NoError(rc.t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := rc.srv.Client().Do(req)
	require.NoError(rc.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(rc.t, err)
	out := rawResponse{status: resp.StatusCode, header: resp.Header, body: b}
	if strings.Contains(resp.Header.Get("Content-Type"), "json") {
		_ = json.Unmarshal(b, &out.env)
	}
	return out
}

func (rc rawClient) patch(id, token, body string) rawResponse {
	rc.t.Helper()
	return rc.do(http.MethodPatch, "/api/v0/customer/"+id, token, "application/json", body)
}

// tokenRequest posts to the token endpoint with Basic clientID:secret (none when
// clientID is empty) and the given form.
func tokenRequest(t *testing.T, srv *wrappertest.Server, clientID, secret string, form url.Values) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/oauth/token", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if clientID != "" {
		req.SetBasicAuth(clientID, secret)
	}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, b
}

func goodTokenForm() url.Values {
	return url.Values{
		"username":   {wrappertest.DefaultUsername},
		"password":   {wrappertest.DefaultPassword},
		"grant_type": {"password"},
		"clientId":   {wrappertest.DefaultClientID},
	}
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
