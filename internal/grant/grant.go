// Package grant fetches bearer tokens with Enkash's OAuth2 password grant,
// sent with the generated GetAuthToken call (package api): the form is the
// spec's TokenRequest, HTTP Basic clientId:clientSecret as Enkash's Spring
// server reads them. Not oauth2.Config.PasswordCredentialsToken: x/oauth2's
// parser rejects Enkash's camelCase replies ("missing access_token"), it
// cannot send the clientId field, and its AuthStyleInHeader URL-escapes the
// credentials (RFC 6749 §2.3.1). Caching and concurrency are those of
// bearer.Cache; the errors are the caller's (Password's callbacks).
package grant

import (
	"cmp"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/oauth2"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/internal/transport"
)

// MaxBody bounds the token endpoint's response.
const MaxBody = 64 << 10

// maxLifetime caps an expires_in (seconds): an absurd lifetime, or one that
// overflows a time.Duration, is read as a day.
const maxLifetime = 24 * 60 * 60

// Password is the password grant. Set its exported fields, then call New.
type Password struct {
	Form         api.TokenRequest // ClientId set
	ClientSecret string           // sent with Form.ClientId as HTTP Basic
	UserAgent    []string         // the User-Agent header
	Now          func() time.Time // the clock the expiry is read against
	// Network is the sentinel joined to a transport failure, whose text
	// Redact masks (the endpoint's URL or a proxy may echo a secret).
	Network error
	Redact  func(string) string // masks the secrets in a text
	// Failed is the error of an answer that carries no token.
	Failed func(Failure) error

	gen *api.Client
}

// Failure is an answer of the token endpoint that carries no token.
type Failure struct {
	Status    int    // the HTTP status
	RequestID string // the request-id header; "" when TooLarge or NoToken
	TooLarge  bool   // the body was longer than MaxBody
	NoToken   bool   // a 200 that is not a JSON object with an access token
	OAuth     bool   // a non-200 whose body is an OAuth error (Message)
	Message   string // the OAuth error, then ": " and its description
	// Refused: the OAuth error says the client or user credentials are bad
	// (invalid_grant, invalid_client, unauthorized_client).
	Refused bool
	Body    []byte // a non-200's body that is no OAuth error
}

// New returns p sending to server through a copy of hc that follows no
// redirects (the form carries the password).
func New(server string, hc *http.Client, p Password) (*Password, error) {
	tokenHC := *hc
	tokenHC.CheckRedirect = transport.NoRedirect
	gen, err := api.NewClient(server, api.WithHTTPClient(&tokenHC))
	if err != nil {
		return nil, errors.New("enkash: NewClient: " + err.Error())
	}
	p.gen = gen
	return &p, nil
}

// Token fetches a token (bearer.Cache's Fetch).
func (p *Password) Token(ctx context.Context) (*oauth2.Token, error) {
	resp, err := p.gen.GetAuthTokenWithFormdataBody(ctx, p.Form, func(_ context.Context, req *http.Request) error {
		req.SetBasicAuth(*p.Form.ClientId, p.ClientSecret)
		req.Header["Accept"] = []string{"application/json"}
		req.Header["User-Agent"] = p.UserAgent
		return nil
	})
	if err != nil {
		return nil, errors.Join(p.Network, errors.New("enkash: token endpoint: "+p.Redact(err.Error())))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	switch {
	case err != nil:
		return nil, errors.Join(p.Network, errors.New("enkash: token endpoint: reading body: "+p.Redact(err.Error())))
	case len(body) > MaxBody:
		return nil, p.Failed(Failure{Status: resp.StatusCode, TooLarge: true})
	case resp.StatusCode != http.StatusOK:
		return nil, p.Failed(failure(resp, body))
	}
	// The spec's TokenResponse is oneOf these two spellings.
	var snake api.TokenResponseSnake
	var camel api.TokenResponseCamel
	if snake.DecodeJSON(body) != nil {
		snake = api.TokenResponseSnake{}
	}
	if camel.DecodeJSON(body) != nil {
		camel = api.TokenResponseCamel{}
	}
	tok := &oauth2.Token{TokenType: "Bearer", AccessToken: cmp.Or(snake.AccessToken, camel.AccessToken)}
	if tok.AccessToken == "" {
		return nil, p.Failed(Failure{Status: resp.StatusCode, NoToken: true})
	}
	// A json.Number: "3600", 3600.5 and 1e3 too; out of range is capped.
	life, err := strconv.ParseFloat(string(cmp.Or(snake.ExpiresIn, camel.ExpiresIn)), 64)
	if (err == nil || errors.Is(err, strconv.ErrRange)) && life >= 1 {
		tok.Expiry = p.Now().Add(time.Duration(min(life, maxLifetime)) * time.Second)
	}
	return tok, nil
}

// failure reads a non-200 answer: an OAuth error, or a body to show.
func failure(resp *http.Response, body []byte) Failure {
	f := Failure{Status: resp.StatusCode, RequestID: resp.Header.Get(api.HeaderRequestId)}
	var oe api.OAuthError
	if oe.DecodeJSON(body) != nil || oe.Error == nil {
		f.Body = body
		return f
	}
	f.OAuth, f.Message = true, *oe.Error
	if oe.ErrorDescription != nil {
		f.Message += ": " + *oe.ErrorDescription
	}
	switch *oe.Error {
	case "invalid_grant", "invalid_client", "unauthorized_client":
		f.Refused = true
	}
	return f
}
