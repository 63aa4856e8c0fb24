package wrapper

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/enkash-oss/enkash-go/api"
)

// TestShortSecretsRefused (issue 10 item 6): a secret too short to be masked
// without masking ordinary words ("Custom[REDACTED]r not found" for the
// token "e") is refused before anything is sent, and a token long enough to
// mask leaves the server's words intact.
func TestShortSecretsRefused(t *testing.T) {
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

// TestUnusableTokenFromSourceRefusedLocally (issue 10 item 10): a token with
// a newline from a TokenSource is refused before sending, once, not reported
// as a network error and retried.
func TestUnusableTokenFromSourceRefusedLocally(t *testing.T) {
	var hits, asked atomic.Int32
	ts := newTestServer(t)
	ts.mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { hits.Add(1); ok200(w, nil) })
	src := tokenFunc(func() (*oauth2.Token, error) {
		asked.Add(1)
		return &oauth2.Token{AccessToken: "good-part\nEvil: header"}, nil
	})
	c, rec := newClient(t, ts, withoutAuth(), WithTokenSource(src))
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	require.Error(t, err)
	assert.False(t, errors.Is(err, ErrNetwork), "not a network error: %v", err)
	assert.Contains(t, err.Error(), "control character")
	assert.Zero(t, hits.Load(), "nothing sent")
	assert.Equal(t, int32(1), asked.Load(), "asked once: no retry")
	assert.Empty(t, rec.get())
	assert.NotContains(t, err.Error(), "Evil")
}
