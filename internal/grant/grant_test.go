package grant

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
)

var (
	errNetwork = errors.New("network")
	now        = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
)

// failed is the error Password.Failed returns: it carries the Failure.
type failed struct{ f Failure }

func (e *failed) Error() string { return "failed" }

// passwordAgainst returns a Password sending to a server answering with
// status, content type and body.
func passwordAgainst(t *testing.T, status int, body string) *Password {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set(api.HeaderRequestId, "rid-1")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(ts.Close)
	id := "client-1"
	p, err := New(ts.URL+"/", ts.Client(), Password{ClientSecret: "secret-1", Now: func() time.Time { return now },
		Form:    api.TokenRequest{GrantType: api.GrantTypePassword, Username: "user", Password: "pass-1", ClientId: &id},
		Network: errNetwork, Redact: func(s string) string { return strings.ReplaceAll(s, "pass-1", "***") },
		Failed: func(f Failure) error { return &failed{f} }})
	require.NoError(t, err)
	return p
}

func TestFailure_OAuthErrorsOfBadCredentialsAreRefused(t *testing.T) {
	tests := []struct {
		name, body  string
		wantOAuth   bool
		wantMessage string
		wantRefused bool
		wantBody    string
	}{
		{"invalid_grant", `{"error":"invalid_grant"}`, true, "invalid_grant", true, ""},
		{"invalid_client", `{"error":"invalid_client","error_description":"Bad client"}`, true, "invalid_client: Bad client", true, ""},
		{"unauthorized_client", `{"error":"unauthorized_client"}`, true, "unauthorized_client", true, ""},
		{"another OAuth error is not refused", `{"error":"invalid_request","error_description":"no scope"}`, true, "invalid_request: no scope", false, ""},
		{"a code that only contains one", `{"error":"invalid_grant_type"}`, true, "invalid_grant_type", false, ""},
		{"JSON without error: the body", `{"message":"down"}`, false, "", false, `{"message":"down"}`},
		{"not JSON: the body", `Service Unavailable`, false, "", false, `Service Unavailable`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := passwordAgainst(t, http.StatusBadRequest, tc.body).Token(context.Background())
			var fe *failed
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, Failure{Status: 400, RequestID: "rid-1", OAuth: tc.wantOAuth, Message: tc.wantMessage,
				Refused: tc.wantRefused, Body: []byte(tc.wantBody)}, normalise(fe.f))
		})
	}
}

// normalise makes an absent body and an empty one compare equal.
func normalise(f Failure) Failure {
	if len(f.Body) == 0 {
		f.Body = []byte("")
	}
	return f
}

func TestPassword_TokenReadsBothSpellingsAndCapsTheLifetime(t *testing.T) {
	tests := []struct {
		name, body string
		wantToken  string
		wantExpiry time.Time // zero: none
	}{
		{"snake_case", `{"access_token":"tok-1","expires_in":3600}`, "tok-1", now.Add(time.Hour)},
		{"camelCase", `{"accessToken":"tok-2","expiresIn":60}`, "tok-2", now.Add(time.Minute)},
		{"lifetime as a string", `{"access_token":"tok-1","expires_in":"120"}`, "tok-1", now.Add(2 * time.Minute)},
		{"fraction cut to seconds", `{"access_token":"tok-1","expires_in":90.7}`, "tok-1", now.Add(90 * time.Second)},
		{"no lifetime: no expiry", `{"access_token":"tok-1"}`, "tok-1", time.Time{}},
		{"a body of exactly MaxBody bytes", exactly(MaxBody), "tok-1", time.Time{}},
		{"a second", `{"access_token":"tok-1","expires_in":1}`, "tok-1", now.Add(time.Second)},
		{"zero lifetime: no expiry", `{"access_token":"tok-1","expires_in":0}`, "tok-1", time.Time{}},
		{"less than a second: no expiry", `{"access_token":"tok-1","expires_in":0.5}`, "tok-1", time.Time{}},
		{"negative: no expiry", `{"access_token":"tok-1","expires_in":-5}`, "tok-1", time.Time{}},
		{"longer than a day: a day", `{"access_token":"tok-1","expires_in":1e9}`, "tok-1", now.Add(24 * time.Hour)},
		{"out of float range: a day", `{"access_token":"tok-1","expires_in":1e999}`, "tok-1", now.Add(24 * time.Hour)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := passwordAgainst(t, http.StatusOK, tc.body).Token(context.Background())
			require.NoError(t, err)
			assert.Equal(t, tc.wantToken, tok.AccessToken)
			assert.Equal(t, "Bearer", tok.TokenType)
			assert.Equal(t, tc.wantExpiry, tok.Expiry)
		})
	}
}

func TestPassword_TokenFailsWithoutATokenOrOverTheLimit(t *testing.T) {
	tests := []struct {
		name, body string
		status     int
		want       Failure
	}{
		{"200 without a token", `{"token_type":"bearer"}`, 200, Failure{Status: 200, NoToken: true}},
		{"200 not JSON", `access_token=tok-1`, 200, Failure{Status: 200, NoToken: true}},
		{"200 with a lifetime that is no number", `{"access_token":"tok-1","expires_in":"soon"}`, 200, Failure{Status: 200, NoToken: true}},
		{"200 over the limit", `{"access_token":"tok-1","pad":"` + strings.Repeat("x", MaxBody) + `"}`, 200, Failure{Status: 200, TooLarge: true}},
		{"401 over the limit", strings.Repeat("x", MaxBody+1), 401, Failure{Status: 401, TooLarge: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := passwordAgainst(t, tc.status, tc.body).Token(context.Background())
			var fe *failed
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.want, fe.f)
		})
	}
}

func TestPassword_TokenSendsTheFormWithBasicCredentials(t *testing.T) {
	var got *http.Request
	var form string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		require.NoError(t, r.ParseForm())
		form = r.PostForm.Encode()
		_, _ = w.Write([]byte(`{"access_token":"tok-1"}`))
	}))
	defer ts.Close()
	id := "client 1"
	p, err := New(ts.URL+"/", ts.Client(), Password{ClientSecret: "s:cret", UserAgent: []string{"ua/1"}, Now: time.Now,
		Form: api.TokenRequest{GrantType: api.GrantTypePassword, Username: "user", Password: "pass-1", ClientId: &id}})
	require.NoError(t, err)
	_, err = p.Token(context.Background())
	require.NoError(t, err)
	user, pw, ok := got.BasicAuth()
	assert.True(t, ok)
	assert.Equal(t, []string{"client 1", "s:cret"}, []string{user, pw}, "not URL-escaped")
	assert.Equal(t, "ua/1", got.Header.Get("User-Agent"))
	assert.Equal(t, "application/json", got.Header.Get("Accept"))
	assert.Equal(t, "clientId=client+1&grant_type=password&password=pass-1&username=user", form)
}

func TestPassword_TokenMasksATransportFailure(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "https://elsewhere.example/pass-1")
		w.WriteHeader(http.StatusFound)
	}))
	ts.Close() // nothing listens: the dial fails
	id := "client-1"
	p, err := New(ts.URL+"/pass-1/", http.DefaultClient, Password{Now: time.Now,
		Form:    api.TokenRequest{GrantType: api.GrantTypePassword, Username: "user", Password: "pass-1", ClientId: &id},
		Network: errNetwork, Redact: func(s string) string { return strings.ReplaceAll(s, "pass-1", "***") }})
	require.NoError(t, err)
	_, err = p.Token(context.Background())
	require.ErrorIs(t, err, errNetwork)
	assert.Contains(t, err.Error(), "enkash: token endpoint: ")
	assert.Contains(t, err.Error(), "***")
	assert.NotContains(t, err.Error(), "pass-1")
}

func TestNew_FollowsNoRedirect(t *testing.T) {
	redirected := 0
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/elsewhere" {
			redirected++
			return
		}
		http.Redirect(w, r, "/elsewhere", http.StatusTemporaryRedirect)
	}))
	defer ts.Close()
	id := "client-1"
	hc := ts.Client()
	p, err := New(ts.URL+"/", hc, Password{Now: time.Now,
		Form:   api.TokenRequest{GrantType: api.GrantTypePassword, Username: "user", Password: "pass-1", ClientId: &id},
		Failed: func(f Failure) error { return &failed{f} }})
	require.NoError(t, err)
	_, err = p.Token(context.Background())
	var fe *failed
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, http.StatusTemporaryRedirect, fe.f.Status)
	assert.Zero(t, redirected)
	assert.Nil(t, hc.CheckRedirect, "the client given is not modified")
}

// roundTrip is an http.RoundTripper of a function.
type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// brokenBody yields a few bytes, then a read error quoting the password.
type brokenBody struct{ done bool }

func (b *brokenBody) Read(p []byte) (int, error) {
	if b.done {
		return 0, errors.New("connection reset reading pass-1")
	}
	b.done = true
	return copy(p, `{"access_`), nil
}

func (b *brokenBody) Close() error { return nil }

func TestPassword_TokenMasksABodyThatBreaksOff(t *testing.T) {
	hc := &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: &brokenBody{}, Request: r}, nil
	})}
	id := "client-1"
	p, err := New("https://api.example/", hc, Password{Now: time.Now,
		Form:    api.TokenRequest{GrantType: api.GrantTypePassword, Username: "user", Password: "pass-1", ClientId: &id},
		Network: errNetwork, Redact: func(s string) string { return strings.ReplaceAll(s, "pass-1", "***") },
		Failed: func(f Failure) error { return &failed{f} }})
	require.NoError(t, err)
	_, err = p.Token(context.Background())
	require.ErrorIs(t, err, errNetwork)
	assert.Equal(t, "network\nenkash: token endpoint: reading body: connection reset reading ***", err.Error())
}

// exactly is a token reply of n bytes.
func exactly(n int) string {
	const head, tail = `{"access_token":"tok-1","pad":"`, `"}`
	return head + strings.Repeat("x", n-len(head)-len(tail)) + tail
}
