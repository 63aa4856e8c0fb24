package wrapper

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
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
		"token and source":    {opts: []Option{WithToken(fxToken), WithTokenSource(src)}, want: errAuthConflict},
		"token and password":  {opts: []Option{WithToken(fxToken), password}, want: errAuthConflict},
		"source and password": {opts: []Option{WithTokenSource(src), password}, want: errAuthConflict},
		"empty token":         {opts: []Option{WithToken("")}},
		"token with newline":  {opts: []Option{WithToken("abc\r\nX-Injected: 1")}},
		"nil token source":    {opts: []Option{WithTokenSource(nil)}},
		"nil http client":     {opts: []Option{WithHTTPClient(nil)}},
		"timeout and client":  {opts: []Option{WithHTTPClient(&http.Client{}), WithTimeout(time.Second)}},
		"zero attempts":       {opts: []Option{WithMaxAttempts(0)}},
		"zero body limit":     {opts: []Option{WithMaxResponseBytes(0)}},
		"negative retry":      {opts: []Option{WithRetry(RetryPolicy{BaseDelay: -1})}},
		"negative timeout":    {opts: []Option{WithTimeout(-time.Second)}},
		"zero timeout":        {opts: []Option{WithTimeout(0)}},
		"negative margin":     {opts: []Option{WithTokenExpiryMargin(-time.Second)}},
		"empty username":      {opts: []Option{WithPasswordCredentials(fxClientID, fxClientSecret, "", fxPassword)}},
		"empty client id":     {opts: []Option{WithPasswordCredentials("", fxClientSecret, fxUser, fxPassword)}},
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
