package wrappertest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

func issueToken(t *testing.T, srv *wrappertest.Server) string {
	t.Helper()
	resp, b := tokenRequest(t, srv, wrappertest.DefaultClientID, wrappertest.DefaultClientSecret, goodTokenForm())
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", b)
	var tok api.TokenResponseSnake
	require.NoError(t, json.Unmarshal(b, &tok))
	require.NotEmpty(t, tok.AccessToken)
	return tok.AccessToken
}

func TestUnauthorized(t *testing.T) {
	clock := newFakeClock()
	srv, _ := newServer(t, wrappertest.WithDemoCustomers(), wrappertest.WithClock(clock.Now), wrappertest.WithTokenTTL(time.Minute))
	expired := issueToken(t, srv)
	clock.Advance(time.Minute)

	cases := []struct {
		name, header string
	}{
		{"missing", ""},
		{"wrong token", "Bearer nope"},
		{"expired issued token", "Bearer " + expired},
		{"empty bearer", "Bearer "},
		{"basic instead of bearer", "Basic dGVzdC1jbGllbnQ6dGVzdC1jbGllbnQtc2VjcmV0"},
		{"token without scheme", srv.Token},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPatch, srv.URL+"/api/v0/customer/"+wrappertest.DemoCustomerID,
				strings.NewReader(`{"legalName":"Hacked"}`))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			var env api.CustomerResponseEnvelope
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&env))
			require.NotNil(t, env.ErrorResponse)
			assert.Equal(t, api.ErrorTypeUnauthorized, *env.ErrorResponse.ErrorType)
			assert.NotEmpty(t, resp.Header.Get("WWW-Authenticate"))
			got, _ := srv.Customer(wrappertest.DemoCustomerID)
			assert.Equal(t, "Shree Ganesh Textiles Pvt Ltd", got.LegalName)
		})
	}

	t.Run("401 wins over a validation error", func(t *testing.T) {
		r := rawClient{t, srv}.patch("bad-id", "nope", `{"nickname":1}`)
		assert.Equal(t, http.StatusUnauthorized, r.status)
	})
	t.Run("scheme is case-insensitive", func(t *testing.T) {
		r := rawClient{t, srv}.do(http.MethodPatch, "/api/v0/customer/"+wrappertest.DemoCustomerID, "", "application/json", `{}`)
		assert.Equal(t, http.StatusUnauthorized, r.status)
		req, _ := http.NewRequest(http.MethodPatch, srv.URL+"/api/v0/customer/"+wrappertest.DemoCustomerID, strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "bearer "+srv.Token)
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	})
}

func TestTokenEndpoint(t *testing.T) {
	t.Run("snake_case by default, token accepted until it expires", func(t *testing.T) {
		clock := newFakeClock()
		srv, _ := newServer(t, wrappertest.WithDemoCustomers(), wrappertest.WithClock(clock.Now), wrappertest.WithTokenTTL(10*time.Minute))
		resp, b := tokenRequest(t, srv, wrappertest.DefaultClientID, wrappertest.DefaultClientSecret, goodTokenForm())
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s", b)
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m))
		assert.ElementsMatch(t, []string{"access_token", "token_type", "expires_in"}, keys(m))
		assert.EqualValues(t, 600, m["expires_in"])
		assert.Equal(t, "bearer", m["token_type"])
		tok := m["access_token"].(string)
		assert.NotEqual(t, srv.Token, tok)
		assert.GreaterOrEqual(t, len(tok), 32)

		rc := rawClient{t, srv}
		assert.Equal(t, http.StatusOK, rc.patch(wrappertest.DemoCustomerID, tok, `{}`).status)
		clock.Advance(10*time.Minute - time.Second)
		assert.Equal(t, http.StatusOK, rc.patch(wrappertest.DemoCustomerID, tok, `{}`).status)
		clock.Advance(time.Second)
		assert.Equal(t, http.StatusUnauthorized, rc.patch(wrappertest.DemoCustomerID, tok, `{}`).status)

		// A fresh token works again.
		tok2 := issueToken(t, srv)
		assert.NotEqual(t, tok, tok2)
		assert.Equal(t, http.StatusOK, rc.patch(wrappertest.DemoCustomerID, tok2, `{}`).status)
	})

	t.Run("camelCase option", func(t *testing.T) {
		srv, _ := newServer(t, wrappertest.WithCamelCaseTokens(), wrappertest.WithTokenTTL(90*time.Second), wrappertest.WithDemoCustomers())
		resp, b := tokenRequest(t, srv, wrappertest.DefaultClientID, wrappertest.DefaultClientSecret, goodTokenForm())
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s", b)
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m))
		assert.ElementsMatch(t, []string{"accessToken", "tokenType", "expiresIn"}, keys(m))
		assert.EqualValues(t, 90, m["expiresIn"])
		assert.Equal(t, http.StatusOK, rawClient{t, srv}.patch(wrappertest.DemoCustomerID, m["accessToken"].(string), `{}`).status)
	})

	t.Run("generated client", func(t *testing.T) {
		srv, c := newServer(t, wrappertest.WithCredentials("cid", "sec", "user@example.com", "pw"))
		resp, err := c.GetAuthTokenWithFormdataBodyWithResponse(t.Context(),
			api.TokenRequest{Username: "user@example.com", Password: "pw", GrantType: api.GrantTypePassword, ClientId: ptr("cid")},
			func(_ context.Context, req *http.Request) error { req.SetBasicAuth("cid", "sec"); return nil })
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode(), "%s", resp.Body)
		require.NotNil(t, resp.JSON200)
		snake, err := resp.JSON200.AsTokenResponseSnake()
		require.NoError(t, err)
		assert.NotEmpty(t, snake.AccessToken)
		assert.Equal(t, 1, srv.IssuedTokens())
	})

	bad := []struct {
		name           string
		clientID, sec  string
		form           func(url.Values)
		status         int
		wantOAuthError string
	}{
		{"wrong client secret", wrappertest.DefaultClientID, "nope", nil, http.StatusUnauthorized, "invalid_client"},
		{"unknown client", "other", wrappertest.DefaultClientSecret, nil, http.StatusUnauthorized, "invalid_client"},
		{"no basic auth", "", "", nil, http.StatusUnauthorized, "invalid_client"},
		{"form clientId differs from basic", wrappertest.DefaultClientID, wrappertest.DefaultClientSecret,
			func(f url.Values) { f.Set("clientId", "other") }, http.StatusUnauthorized, "invalid_client"},
		{"wrong password", wrappertest.DefaultClientID, wrappertest.DefaultClientSecret,
			func(f url.Values) { f.Set("password", "nope") }, http.StatusUnauthorized, "invalid_grant"},
		{"wrong username", wrappertest.DefaultClientID, wrappertest.DefaultClientSecret,
			func(f url.Values) { f.Set("username", "nope") }, http.StatusUnauthorized, "invalid_grant"},
		{"missing password", wrappertest.DefaultClientID, wrappertest.DefaultClientSecret,
			func(f url.Values) { f.Del("password") }, http.StatusBadRequest, "invalid_request"},
		{"wrong grant type", wrappertest.DefaultClientID, wrappertest.DefaultClientSecret,
			func(f url.Values) { f.Set("grant_type", "client_credentials") }, http.StatusBadRequest, "unsupported_grant_type"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := newServer(t)
			form := goodTokenForm()
			if tc.form != nil {
				tc.form(form)
			}
			resp, b := tokenRequest(t, srv, tc.clientID, tc.sec, form)
			require.Equal(t, tc.status, resp.StatusCode, "%s", b)
			var oe api.OAuthError
			require.NoError(t, json.Unmarshal(b, &oe))
			require.NotNil(t, oe.Error)
			assert.Equal(t, tc.wantOAuthError, *oe.Error)
			assert.Equal(t, 0, srv.IssuedTokens())
			assert.NotContains(t, string(b), wrappertest.DefaultPassword)
		})
	}
}

func TestExpireTokens(t *testing.T) {
	srv, _ := newServer(t, wrappertest.WithDemoCustomers())
	tok := issueToken(t, srv)
	rc := rawClient{t, srv}
	require.Equal(t, http.StatusOK, rc.patch(wrappertest.DemoCustomerID, tok, `{}`).status)
	srv.ExpireTokens()
	assert.Equal(t, 0, srv.IssuedTokens())
	assert.Equal(t, http.StatusUnauthorized, rc.patch(wrappertest.DemoCustomerID, tok, `{}`).status)
	assert.Equal(t, http.StatusOK, rc.patch(wrappertest.DemoCustomerID, srv.Token, `{}`).status, "the static token survives")
	assert.Equal(t, http.StatusOK, rc.patch(wrappertest.DemoCustomerID, issueToken(t, srv), `{}`).status)
}

func TestIssuingPrunesExpiredTokens(t *testing.T) {
	clock := newFakeClock()
	srv, _ := newServer(t, wrappertest.WithDemoCustomers(), wrappertest.WithClock(clock.Now), wrappertest.WithTokenTTL(time.Minute))
	rc := rawClient{t, srv}
	var old []string
	for range 3 {
		old = append(old, issueToken(t, srv))
	}
	assert.Equal(t, 3, srv.IssuedTokens())

	// Once they have expired, the next issue drops them: the count does not
	// keep growing, and the expired tokens stay refused.
	clock.Advance(time.Minute)
	fresh := issueToken(t, srv)
	assert.Equal(t, 1, srv.IssuedTokens())
	for _, tok := range old {
		assert.Equal(t, http.StatusUnauthorized, rc.patch(wrappertest.DemoCustomerID, tok, `{}`).status)
	}
	assert.Equal(t, http.StatusOK, rc.patch(wrappertest.DemoCustomerID, fresh, `{}`).status)

	// A token still valid is kept.
	clock.Advance(30 * time.Second)
	issueToken(t, srv)
	assert.Equal(t, 2, srv.IssuedTokens())
	assert.Equal(t, http.StatusOK, rc.patch(wrappertest.DemoCustomerID, fresh, `{}`).status)
	for range 5 {
		clock.Advance(time.Minute)
		issueToken(t, srv)
		assert.Equal(t, 1, srv.IssuedTokens())
	}
}

func TestWithToken(t *testing.T) {
	t.Run("custom", func(t *testing.T) {
		srv, _ := newServer(t, wrappertest.WithDemoCustomers(), wrappertest.WithToken("s3cr3t"))
		assert.Equal(t, "s3cr3t", srv.Token)
		rc := rawClient{t, srv}
		assert.Equal(t, http.StatusOK, rc.patch(wrappertest.DemoCustomerID, "s3cr3t", `{}`).status)
		assert.Equal(t, http.StatusUnauthorized, rc.patch(wrappertest.DemoCustomerID, wrappertest.DefaultToken, `{}`).status)
	})
	t.Run("disabled", func(t *testing.T) {
		srv, _ := newServer(t, wrappertest.WithDemoCustomers(), wrappertest.WithToken(""))
		assert.Empty(t, srv.Token)
		rc := rawClient{t, srv}
		assert.Equal(t, http.StatusUnauthorized, rc.patch(wrappertest.DemoCustomerID, "", `{}`).status)
		assert.Equal(t, http.StatusUnauthorized, rc.patch(wrappertest.DemoCustomerID, wrappertest.DefaultToken, `{}`).status)
		assert.Equal(t, http.StatusOK, rc.patch(wrappertest.DemoCustomerID, issueToken(t, srv), `{}`).status)
	})
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
