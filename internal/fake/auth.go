package fake

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"strconv"
	"strings"

	"github.com/oapi-codegen/runtime"

	"github.com/enkash-oss/enkash-go/api"
)

var (
	errNoCredentials  = errors.New("no credentials")
	errBadCredentials = errors.New("invalid, unknown or expired credentials")
)

// checkBearer returns nil when r carries a bearer token the server accepts,
// else why not (errNoCredentials or errBadCredentials).
func (s *Server) checkBearer(r *http.Request) error {
	tok, ok := bearerToken(r)
	if !ok {
		return errNoCredentials
	}
	if _, ok := s.tokenUser(tok); !ok {
		return errBadCredentials
	}
	return nil
}

// bearerToken extracts the token of an "Authorization: Bearer …" header.
func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

// tokenUser reports whether tok is currently accepted, and the user it was
// issued to ("" for the static token).
func (s *Server) tokenUser(tok string) (string, bool) {
	if s.Token != "" && equal(tok, s.Token) {
		return "", true
	}
	s.mu.Lock()
	it, ok := s.tokens[tok]
	s.mu.Unlock()
	if !ok || !s.now().Before(it.expires) {
		return "", false
	}
	return it.username, true
}

// ExpireTokens revokes every token issued by the token endpoint so far: requests
// carrying them get 401 UNAUTHORIZED, and a client has to fetch a new one. The
// static Token stays valid.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tokens)
}

// IssuedTokens returns how many tokens issued by the token endpoint the server
// still holds: not revoked by ExpireTokens and not yet pruned. Expired tokens
// are pruned (per the server clock) each time a new one is issued, so the
// count can include tokens that expired since the last issue.
func (s *Server) IssuedTokens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.tokens)
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// getAuthToken implements POST /oauth/token (password grant). The request has
// already been validated: Basic credentials present, form fields well-formed.
func (s *Server) getAuthToken(w http.ResponseWriter, r *http.Request) {
	if err := bodyError(r); err != nil && s.validator == nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "the form could not be parsed")
		return
	}
	// The form binds to the generated TokenRequest: its field names come
	// from the spec.
	var form api.TokenRequest
	if err := runtime.BindForm(&form, r.PostForm, nil, nil); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "the form does not match the token request")
		return
	}
	if !s.admitValid(w, r, true, func() []api.Violation { return api.ValidateGetAuthToken(&form) }) {
		return
	}
	id, secret, _ := r.BasicAuth()
	creds := s.cfg.creds
	formID := ""
	if form.ClientId != nil {
		formID = *form.ClientId
	}
	if !equal(id, creds.ClientID) || !equal(secret, creds.ClientSecret) || (formID != "" && formID != id) {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	user := form.Username
	if !equal(user, creds.Username) || !equal(form.Password, creds.Password) {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_grant", "bad user credentials")
		return
	}

	tok := randomToken()
	ttl := s.cfg.ttl
	now := s.now()
	s.mu.Lock()
	// Drop the expired tokens so a long-running server's map stays bounded
	// by the tokens still valid.
	maps.DeleteFunc(s.tokens, func(_ string, it issuedToken) bool { return !now.Before(it.expires) })
	s.tokens[tok] = issuedToken{expires: now.Add(ttl), username: user}
	s.mu.Unlock()

	secs := json.Number(strconv.FormatInt(int64(ttl.Seconds()), 10))
	typ := "bearer"
	var resp any
	if s.cfg.camel {
		resp = api.TokenResponseCamel{AccessToken: tok, TokenType: &typ, ExpiresIn: secs}
	} else {
		resp = api.TokenResponseSnake{AccessToken: tok, TokenType: &typ, ExpiresIn: secs}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, resp)
}

func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="enkash"`)
	}
	writeJSON(w, status, api.OAuthError{Error: &code, ErrorDescription: &desc})
}

func randomToken() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
