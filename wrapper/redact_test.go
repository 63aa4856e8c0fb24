package wrapper

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// printVerbs are the fmt verbs a caller may print a value we hand out with.
var printVerbs = []string{"%v", "%+v", "%#v", "%s", "%q"}

// printed returns v printed with every verb of printVerbs, and logged as a
// slog attribute by the text and the JSON handler.
func printed(v any) string {
	var b bytes.Buffer
	for _, verb := range printVerbs {
		fmt.Fprintf(&b, verb+"\n", v)
	}
	for _, h := range []slog.Handler{slog.NewTextHandler(&b, nil), slog.NewJSONHandler(&b, nil)} {
		slog.New(h).Info("x", "v", v)
	}
	return b.String()
}

// errTree returns err and every error reachable from it through Unwrap
// (both forms), which errors.As would offer a caller.
func errTree(err error) []error {
	if err == nil {
		return nil
	}
	out := []error{err}
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			out = append(out, errTree(e)...)
		}
	case interface{ Unwrap() error }:
		out = append(out, errTree(u.Unwrap())...)
	}
	return out
}

// printedTree is printed of every error in err's tree.
func printedTree(err error) string {
	var b strings.Builder
	for _, e := range errTree(err) {
		b.WriteString(printed(e))
	}
	return b.String()
}

// echoForms returns the forms in which a hostile server echoes sec, by name:
// as is, URL- and path-escaped, JSON with `\/`, every character as `\uXXXX`,
// Go-quoted, and base64 in both alphabets, padded and not. Written out here
// independently of secretForms.
func echoForms(sec string) map[string]string {
	var u strings.Builder
	for _, r := range sec {
		fmt.Fprintf(&u, `\u%04x`, r)
	}
	j, _ := json.Marshal(sec)
	q := fmt.Sprintf("%q", sec)
	return map[string]string{
		"raw":            sec,
		"query":          url.QueryEscape(sec),
		"path":           url.PathEscape(sec),
		"json \\/":       strings.ReplaceAll(string(j[1:len(j)-1]), "/", `\/`),
		"json \\u":       u.String(),
		"go-quoted":      q[1 : len(q)-1],
		"base64":         base64.StdEncoding.EncodeToString([]byte(sec)),
		"base64 raw":     base64.RawStdEncoding.EncodeToString([]byte(sec)),
		"base64url":      base64.URLEncoding.EncodeToString([]byte(sec)),
		"base64url raw":  base64.RawURLEncoding.EncodeToString([]byte(sec)),
		"base64 shifted": base64.StdEncoding.EncodeToString([]byte("x:" + sec))[4:],
	}
}

// secretLeaks returns what of secs appears in text, in any form of
// echoForms: the whole form when it is shorter than 8 bytes, else any 8-byte
// piece of it (a half of a token is a leak too).
func secretLeaks(text string, secs ...string) []string {
	var found []string
	for _, sec := range secs {
		for name, f := range echoForms(sec) {
			if name == "base64 shifted" {
				f = f[:len(f)-4] // its tail mixes in what follows
			}
			n := min(8, len(f))
			for i := 0; i+n <= len(f); i++ {
				if strings.Contains(text, f[i:i+n]) {
					found = append(found, fmt.Sprintf("%s %q of %q", name, f[i:i+n], sec))
					break
				}
			}
		}
	}
	return found
}

// TestSecretLeaks_CanFail: the scan finds each form and an 8-byte piece.
func TestSecretLeaks_CanFail(t *testing.T) {
	const sec = "tok/SECRET+4f9a1c=="
	for name, f := range echoForms(sec) {
		assert.NotEmpty(t, secretLeaks("x"+f+"y", sec), name)
	}
	assert.NotEmpty(t, secretLeaks("half: "+sec[4:12], sec))
	assert.Empty(t, secretLeaks("nothing here [REDACTED]", sec))
}

// Secrets for the echo tests: '/' and '+' (JSON's `\/`, base64's
// alphabets), digit runs (the heuristics would cut them), 17+ characters
// (two halves of 8+).
const (
	echoToken    = "tok/1234567890/SeCrEt+xyzQ"
	echoPassword = "pw/Very+Secret-9876543"
	echoSecret   = "cs/Client+Secret-42"
)

// echoServer is a password-grant server issuing echoToken whose API answers
// every PATCH with echo(request): what a hostile server sends back.
func echoServer(t *testing.T, echo func(w http.ResponseWriter, r *http.Request)) *Client {
	t.Helper()
	ts := newTestServer(t)
	ts.mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, _ *http.Request) {
		reply(w, 200, "application/json", `{"access_token":"`+echoToken+`","expires_in":3600}`)
	})
	ts.mux.HandleFunc("PATCH /api/v0/customer/{id}", echo)
	c, err := NewClient(ts.URL+prefix, WithPasswordCredentials(fxClientID, echoSecret, fxUser, echoPassword), WithRetry(RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// TestRedact_EchoedSecretForms: a server echoing a secret the client sent —
// the bearer token, the password, the client secret, the Basic credentials —
// base64-encoded in either alphabet, padded or not, with JSON's `\/` or `\u`
// escapes, or cut in two with one half in X-Request-Id and the other in
// errorMessage, or inside a sub-error where a digit run would be masked
// first, gets no form or 8-byte piece of it into any rendering of the error.
func TestRedact_EchoedSecretForms(t *testing.T) {
	basic := fxClientID + ":" + echoSecret
	envelope := func(msg, rid, subMsg string) string {
		b, _ := json.Marshal(map[string]any{"errorResponse": map[string]any{
			"errorType": "UNAUTHORIZED", "errorMessage": msg, "requestId": rid,
			"apiSubErrors": []any{map[string]any{"field": "note", "message": subMsg, "rejectedValue": subMsg}}}})
		return string(b)
	}
	type tc struct {
		msg, rid, sub string
		raw           bool // msg is sent in a body cut short, its escapes undecoded
	}
	cases := map[string]tc{
		"half in X-Request-Id, half in errorMessage": {rid: "rid-" + echoToken[:13], msg: "rest " + echoToken[13:]},
		"token in a sub-error, digit run inside":     {sub: "bad value " + echoToken},
		"password in a sub-error":                    {sub: "password " + echoPassword + " refused"},
	}
	for _, sec := range []string{echoToken, echoPassword, echoSecret, basic} {
		for name, f := range echoForms(sec) {
			if sec == basic && !strings.HasPrefix(name, "base64") {
				continue // the client id in it is no secret
			}
			cases[name+" of "+sec] = tc{msg: "echo " + f + " end", raw: strings.Contains(name, "json")}
		}
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			cl := echoServer(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("X-Request-Id", c.rid)
				body := envelope(c.msg, c.rid, c.sub)
				if c.raw {
					body = `{"errorResponse":{"errorType":"UNAUTHORIZED","errorMessage":"` + c.msg
				}
				reply(w, 401, "application/json", body)
			})
			var meta ResponseMetadata
			_, err := cl.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{}, WithResponseMetadata(&meta))
			require.ErrorIs(t, err, ErrUnauthorized)
			var ae *APIError
			require.True(t, errors.As(err, &ae))
			out := printedTree(err) + printed(ae.SubErrors) + printed(meta) + ae.ErrorMessage + ae.RequestID + ae.Snippet
			assert.Empty(t, secretLeaks(out, echoToken, echoPassword, echoSecret))
			for name, f := range echoForms(basic) {
				if strings.HasPrefix(name, "base64") {
					assert.NotContains(t, out, f[4:12], name+" of the Basic credentials")
				}
			}
		})
	}
}

// TestRedact_SecretsBeforeHeuristics: a sub-error echoing a token with a
// digit run keeps no part of the token (the digit mask must not cut it into
// pieces too short to recognise), while its other text stays readable.
func TestRedact_SecretsBeforeHeuristics(t *testing.T) {
	for name, echo := range map[string]string{
		"message":       `"message":"token ` + echoToken + ` refused"`,
		"rejectedValue": `"message":"token refused","rejectedValue":"` + echoToken + `"`,
		"field":         `"field":"` + echoToken + `","message":"token refused"`,
	} {
		t.Run(name, func(t *testing.T) {
			cl := echoServer(t, status(400, "application/json",
				`{"errorResponse":{"errorType":"VALIDATION_ERROR","apiSubErrors":[{`+echo+`}]}}`))
			_, err := cl.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
			var ae *APIError
			require.True(t, errors.As(err, &ae))
			require.Len(t, ae.SubErrors, 1)
			out := printed(ae.SubErrors[0]) + printed(err)
			assert.Empty(t, secretLeaks(out, echoToken))
			for _, part := range []string{"tok/", "/SeCrEt+xyzQ", "SeCrEt"} {
				assert.NotContains(t, out, part)
			}
			assert.Contains(t, out, "refused")
		})
	}
}

// TestExportedTypes_PrintNoSecret is the sweep: after calls that saw every
// secret echoed — the token, the password, the client secret and the Basic
// credentials, in every form of echoForms, the token also split across
// X-Request-Id and errorMessage — by the token endpoint, in an error
// envelope and in a malformed status line, every exported type of wrapper
// that can hold configuration or an error (each found by parsing the
// package, so a new one must be listed here) is printed with every verb
// and logged with slog, every error of each error's tree too, and no form
// or 8-byte piece of a secret appears; nor in the Client's own debug log.
func TestExportedTypes_PrintNoSecret(t *testing.T) {
	basic := fxClientID + ":" + echoSecret
	echoOf := func(secs ...string) string { // every form of secs, for a client that sent them
		var echo []string
		for _, sec := range secs {
			for name, f := range echoForms(sec) {
				if sec != basic || strings.HasPrefix(name, "base64") {
					echo = append(echo, f)
				}
			}
		}
		return strings.Join(echo, " ")
	}
	envelope := func(all string) string {
		b, _ := json.Marshal(map[string]any{"errorResponse": map[string]any{
			"errorType": "VALIDATION_ERROR", "errorMessage": all + " " + echoToken[13:], "requestId": all, "timestamp": all,
			"apiSubErrors": []any{map[string]any{"object": all, "field": all, "message": all, "rejectedValue": all}}},
			"response_message": all})
		return string(b)
	}
	grantEcho := echoOf(echoPassword, echoSecret, basic) // what the token endpoint was sent
	all := echoOf(echoToken, echoPassword, echoSecret, basic)
	grant := func(w http.ResponseWriter, _ *http.Request) {
		reply(w, 200, "application/json", `{"access_token":"`+echoToken+`","expires_in":3600}`)
	}
	var grants atomic.Int32
	pwSrv := newTestServer(t) // the password grant's client: the token endpoint refuses once, echoing
	pwSrv.mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		if grants.Add(1) == 1 {
			b, _ := json.Marshal(map[string]string{"error": "invalid_grant", "error_description": grantEcho})
			reply(w, 400, "application/json", string(b))
			return
		}
		grant(w, r)
	})
	pwSrv.mux.HandleFunc("PATCH /api/v0/customer/{id}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Request-Id", "rid-"+echoToken[:13])
		reply(w, 400, "application/json", envelope(all))
	})
	tokSrv := newTestServer(t) // a static token's client
	tokSrv.mux.HandleFunc("PATCH /api/v0/customer/{id}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Request-Id", "rid-"+echoToken[:13])
		reply(w, 400, "application/json", envelope(echoOf(echoToken)))
	})
	raw := rawServer(t, func(r *http.Request, _ []byte) string { // a malformed status line
		if r.URL.Path == "/oauth/token" {
			b := `{"access_token":"` + echoToken + `","expires_in":3600}`
			return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(b)) + "\r\n\r\n" + b
		}
		return "HTTP/1.1 2x0 " + all + "\r\n\r\n"
	})
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opts := []Option{WithLogger(logger), WithRetry(RetryPolicy{MaxAttempts: 1})}
	creds := WithPasswordCredentials(fxClientID, echoSecret, fxUser, echoPassword)
	pw, err := NewClient(pwSrv.URL+prefix, append(opts, creds)...)
	require.NoError(t, err)
	tok, err := NewClient(tokSrv.URL+prefix, append(opts, WithToken(echoToken))...)
	require.NoError(t, err)
	rawc, err := NewClient(raw, append(opts, creds)...)
	require.NoError(t, err)
	clients := []*Client{pw, pw, tok, rawc} // the first call meets the token endpoint's error
	values := map[string][]any{"Client": {pw, *pw, tok, rawc}, "RetryPolicy": {RetryPolicy{MaxAttempts: 1}}}
	for _, c := range clients {
		var meta ResponseMetadata
		call := WithResponseMetadata(&meta)
		_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{}, call)
		require.Error(t, err)
		values["error"] = append(values["error"], err)
		values["ResponseMetadata"] = append(values["ResponseMetadata"], meta)
		values["Option"] = append(values["Option"], opts[0])
		values["CallOption"] = append(values["CallOption"], call)
		var ae *APIError
		if errors.As(err, &ae) {
			values["APIError"] = append(values["APIError"], ae, *ae)
			for _, se := range ae.SubErrors {
				values["SubError"] = append(values["SubError"], se)
			}
		}
		c.CloseIdleConnections()
	}
	var bad api.UpdateCustomerRequest
	bad.CustomerKeyContacts.Set([]api.CustomerKeyContactCreateDTO{{Name: echoPassword, Mobile: echoToken, Email: new(Email(echoPassword))}})
	_, err = tok.UpdateCustomer(context.Background(), echoToken, bad)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	values["ValidationError"] = []any{ve, *ve}

	exempt := map[string]string{
		"Email":    "an alias of the generated e-mail type: a value the caller sets, not one we hand out",
		"SendGate": "an interface the caller (package bulk) implements: it holds nothing the client gives it",
	}
	for _, name := range exportedTypes(t) {
		if _, ok := exempt[name]; !ok {
			assert.NotEmpty(t, values[name], "exported type %s is not in the sweep", name)
		}
	}
	require.GreaterOrEqual(t, len(values["APIError"]), 4, "envelope and token endpoint errors")
	out := logs.String()
	require.Contains(t, out, "requestId")
	for name, vs := range values {
		for _, v := range vs {
			if err, ok := v.(error); ok && name == "error" {
				out += printedTree(err)
			} else {
				out += printed(v)
			}
		}
	}
	assert.Empty(t, secretLeaks(out, echoToken, echoPassword, echoSecret))
	for name, f := range echoForms(basic) {
		if strings.HasPrefix(name, "base64") {
			assert.NotContains(t, out, f[4:12], name+" of the Basic credentials")
		}
	}
}

// exportedTypes lists the exported type names declared in the package's
// non-test files.
func exportedTypes(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	var names []string
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, d := range af.Decls {
			if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
				for _, s := range gd.Specs {
					if n := s.(*ast.TypeSpec).Name.Name; ast.IsExported(n) {
						names = append(names, n)
					}
				}
			}
		}
	}
	require.Contains(t, names, "Client")
	return names
}

// TestSnippet_MaskedSpanBeforeCutShowsNoPrefix: a masked span before the
// snippet's cut shrinks the text; a token straddling the cut still shows no
// prefix.
func TestSnippet_MaskedSpanBeforeCutShowsNoPrefix(t *testing.T) {
	base := rawServer(t, func(r *http.Request, _ []byte) string {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		filler := strings.Repeat("a", 990) + "@b.c "
		filler += strings.Repeat("x", 1024-16-len(filler))
		return ztextResp(500, filler+tok+" tail")
	})
	c, _ := NewClient(base, WithToken("AbCdEfGhIjKlMnOpQrStUvWxYz"), WithRetry(RetryPolicy{MaxAttempts: 1}))
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, piiBody())
	t.Logf("err: %v", err)
	if strings.Contains(err.Error(), "AbCdEfGh") {
		t.Errorf("LEAK: token prefix")
	}
}

// TestSnippet_TokenEndpointMaskedSpanBeforeCutShowsNoPrefix: the same at
// the token endpoint (a non-JSON 400 body), the password straddling the cut.
func TestSnippet_TokenEndpointMaskedSpanBeforeCutShowsNoPrefix(t *testing.T) {
	base := rawServer(t, func(r *http.Request, body []byte) string {
		filler := strings.Repeat("a", 990) + "@b.c "
		filler += strings.Repeat("x", 1024-12-len(filler))
		return ztextResp(400, filler+hostilePassword+" tail")
	})
	c, _ := NewClient(base, WithPasswordCredentials("client-id", hostileSecret, "user", hostilePassword), WithRetry(RetryPolicy{MaxAttempts: 1}))
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, piiBody())
	t.Logf("err: %v", err)
	if l := leaks(err.Error()); len(l) > 0 {
		t.Errorf("LEAK: %v", l)
	}
}

// TestRedact_JavaURLEncodedPassword: a Java (Spring) URLEncoder echo of the
// password ('*' kept, '~' as %7E) is masked.
func TestRedact_JavaURLEncodedPassword(t *testing.T) {
	const pw = "Sup3r*Secret~Pw"
	base := rawServer(t, func(r *http.Request, body []byte) string {
		b := `{"error":"invalid_grant","error_description":"Bad credentials for password=Sup3r*Secret%7EPw and lower p%2a"}`
		return "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: " + fmt.Sprint(len(b)) + "\r\n\r\n" + b
	})
	c, _ := NewClient(base, WithPasswordCredentials("client-id", hostileSecret, "user", pw), WithRetry(RetryPolicy{MaxAttempts: 1}))
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, piiBody())
	t.Logf("err: %v", err)
	if strings.Contains(err.Error(), "Sup3r*Secret") {
		t.Errorf("LEAK: password in Java URL encoding")
	}
}

// zrot is a rotating TokenSource: a first token, then a second.
type zrot struct{ n atomic.Int32 }

func (z *zrot) Token() (*oauth2.Token, error) {
	if z.n.Add(1) == 1 {
		return &oauth2.Token{AccessToken: "firstTokenAlphaBravoCharlie"}, nil
	}
	return &oauth2.Token{AccessToken: "secondTokenDeltaEchoFoxtrot"}, nil
}

// TestRedact_EarlierAttemptTokenEchoMasked: attempt 1 (token A) gets a
// 503, attempt 2 (token B) an error echoing A: A is masked too.
func TestRedact_EarlierAttemptTokenEchoMasked(t *testing.T) {
	var prev atomic.Value
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if n.Add(1) == 1 {
			prev.Store(r.Header.Get("Authorization"))
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(503)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		fmt.Fprintf(w, `{"errorResponse":{"errorType":"CLIENT_REQUEST_ERROR","errorMessage":"stale %s"}}`, prev.Load())
	}))
	defer srv.Close()
	c, _ := NewClient(srv.URL, WithTokenSource(&zrot{}))
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, piiBody())
	t.Logf("err: %v", err)
	if strings.Contains(err.Error(), "firstTokenAlpha") {
		t.Errorf("LEAK: first attempt's token")
	}
}

// TestRedact_PIIKeysInErrorMessage: the values of the spec's personal-data
// properties quoted as JSON in errorMessage or a sub-error message are masked
// by APIError.Error, whatever their shape.
func TestRedact_PIIKeysInErrorMessage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		io.WriteString(w, `{"errorResponse":{"errorType":"VALIDATION_ERROR","errorMessage":"rejected {\"ifsc\":\"hdfc0000123\",\"accountNumber\":\"ACCT-55-1234\"}",`+
			`"apiSubErrors":[{"field":"x","message":"{\"panOrGstin\":\"abcde1234f\"}"}]}}`)
	}))
	defer srv.Close()
	c, _ := NewClient(srv.URL, WithToken(hostileToken))
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, piiBody())
	t.Logf("err: %v", err)
	for _, s := range []string{"hdfc0000123", "ACCT-55-1234", "abcde1234f"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("LEAK: %s", s)
		}
	}
}

// oauthSecretKeys: client_secret and clientSecret values are masked in body
// snippets.
func TestSnippet_MasksClientSecretBothSpellings(t *testing.T) {
	for _, k := range []string{"client_secret", "clientSecret"} {
		s := snippet([]byte(`{"`+k+`":"`+fxClientSecret+`","error":"invalid_client"}`), nil)
		assert.NotContains(t, s, fxClientSecret, k)
		assert.Contains(t, s, "invalid_client", k)
	}
}

// maskSecret replaces the token "in the server-supplied texts of e",
// RequestID included.
func TestRedact_EchoedTokenMaskedInRequestID(t *testing.T) {
	ts := newTestServer(t)
	ts.mux.HandleFunc("/", status(404, "application/json",
		`{"errorResponse":{"errorType":"RECORD_NOT_FOUND","errorMessage":"no","requestId":"req-`+fxToken+`"}}`))
	c, _ := newClient(t, ts)
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.NotContains(t, ae.RequestID, fxToken)
	assert.NotContains(t, err.Error(), fxToken)
}

// Every token a call sent is masked, the one sent after a 401 refresh
// included: a server echoing it gets it into no error text.
func TestRedact_RefreshedTokenEchoMasked(t *testing.T) {
	a := newAuthServer(t, false, 3600)
	seq := &sequence{steps: steps(
		status(401, "application/json", errEnvelope("UNAUTHORIZED", "expired")),
		func(w http.ResponseWriter, r *http.Request) {
			reply(w, 404, "application/json", errEnvelope("RECORD_NOT_FOUND", "no customer for "+r.Header.Get("Authorization")))
		})}
	a.mux.Handle("PATCH /api/v0/customer/"+validCustomerID, seq)
	c := passwordClient(t, a)
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	require.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, int32(2), a.issued.Load())
	assert.NotContains(t, err.Error(), "tok-2-abcdef")
}

// BenchmarkRedact_RequestID is the redaction a call with ResponseMetadata
// pays on success too, through the wrapper's policy (the spec's keys): the
// forms of the token it sent (per call) and of the Client's static secrets
// (made once), then its request id. 1 alloc: the append.
func BenchmarkRedact_RequestID(b *testing.B) {
	static := slices.Clone(secretForms(fxPassword, fxClientSecret))
	b.ReportAllocs()
	for b.Loop() {
		forms := append(secretForms("tok-1234567890-abcdefghijklmnop"), static...)
		_ = redact("6f1c2a9e-8d7b-4c3a-9e2f-1a2b3c4d5e6f", forms)
	}
}
