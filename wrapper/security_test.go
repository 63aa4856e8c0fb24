package wrapper

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	openapi_types "github.com/oapi-codegen/runtime/types"
)

// TestSecrets_NeverLeakOnErrorPaths drives the error paths that could carry a secret into
// a log line or an error text — server answers echoing the token, the
// credentials and personal data (envelopes of every error class, sub-errors,
// request ids, error types, undecodable values, HTML pages, token endpoint
// errors), local validation of bodies full of personal data, transport
// errors — with Debug logging on, records every log line and error rendering
// in a sink, and scans it for every fixture secret. The sink is copied into
// the suite sink too, which TestMain scans once more after all tests (with
// the fault matrix's output in it).
func TestSecrets_NeverLeakOnErrorPaths(t *testing.T) {
	sink := &textSink{}
	logger := sinkLogger(sink)
	defer func() { suiteSink.add(sink.String()) }()

	pii := fxEmail + " / " + fxMobile + " / +91 " + fxMobile + " / " + fxAccount + " / " + fxPAN + " / 29" + fxPAN + "1Z5 / " + fxIFSC + " / " + fxContact
	echo := "token " + fxToken + " for " + pii
	envelope := func(errType string) string {
		return `{"errorResponse":{"errorType":"` + errType + `","errorMessage":"` + echo + `","requestId":"` + fxToken + `",` +
			`"timestamp":"` + fxToken + `","apiSubErrors":[` +
			`{"object":"` + fxToken + `","field":"customerKeyContacts[0].mobile","message":"` + echo + `","rejectedValue":"` + fxMobile + `"},` +
			`{"field":"accountNumber","message":"bad","rejectedValue":"` + fxAccount + `"},` +
			`{"field":"customerKeyContacts[0]","message":"bad","rejectedValue":{"email":"` + fxEmail + `"}},` +
			`{"field":"note","message":"` + fxToken + `","rejectedValue":"` + fxToken + `"}]},` +
			`"response_code":1,"response_message":"` + echo + `"}`
	}
	answers := map[string]func(http.ResponseWriter, *http.Request){
		"400 VALIDATION_ERROR":      status(400, "application/json", envelope("VALIDATION_ERROR")),
		"401 UNAUTHORIZED":          status(401, "application/json", envelope("UNAUTHORIZED")),
		"403 INVALID_ACCESS":        status(403, "application/json", envelope("INVALID_ACCESS")),
		"404 RECORD_NOT_FOUND":      status(404, "application/json", envelope("RECORD_NOT_FOUND")),
		"422 UNPROCESSABLE_REQUEST": status(422, "application/json", envelope("UNPROCESSABLE_REQUEST")),
		"429 no errorType":          status(429, "application/json", envelope("")),
		"500 SYSTEM_ERROR":          status(500, "application/json", envelope("SYSTEM_ERROR")),
		"200 errorResponse":         status(200, "application/json", envelope("UNKNOWN_ERROR")),
		"errorType is the token":    status(418, "application/json", envelope(fxToken)),
		"502 HTML echo":             status(502, "text/html", "<html><body>"+echo+"</body></html>"),
		"200 truncated echo": status(200, "application/json", `{"payload":{"accountNumber":"`+fxAccount+`","ifsc":"`+fxIFSC+
			`","customerKeyContacts":[{"email":"`+fxEmail+`","mobile":"`+fxMobile+`","x":"`+fxToken),
		"200 undecodable time":   status(200, "application/json", `{"payload":{"customerId":"x","createdOn":"`+fxToken+` `+fxMobile+`"}}`),
		"200 undecodable number": status(200, "application/json", `{"payload":{"netAmount":"acct `+fxAccount+` PAN `+fxPAN+`"}}`),
		"200 wrong type":         status(200, "application/json", `{"payload":{"mobile":`+fxMobile+`,"customerKeyContacts":"`+fxEmail+`"}}`),
		"hang up":                hangUp,
	}
	for name, h := range answers {
		ts := newTestServer(t)
		ts.mux.HandleFunc("/", h)
		c, _ := newClient(t, ts, WithLogger(logger), WithRetry(RetryPolicy{MaxAttempts: 1}))
		body := validBody() // full of the fixture PII
		_, err := c.UpdateCustomer(context.Background(), validCustomerID, body, WithParentCompanyID(validParentID))
		require.Error(t, err, name)
		sink.recordErr(err)
	}

	// local validation of bodies carrying personal data in bad values
	bad := validBody()
	bad.CustomerKeyContacts.Set([]api.CustomerKeyContactCreateDTO{
		{Name: "", LegalName: "", Mobile: fxMobile + "x", Email: ptr(openapi_types.Email(fxEmail + "@" + fxPAN))},
		{Name: fxEmail, LegalName: fxAccount, Mobile: "+91 " + fxContact},
	})
	bad.CustomerReminders.Set([]api.CustomerReminderCreateDTO{{ReminderType: ptr(api.ReminderType(fxIFSC)), ReminderTime: ptr(fxMobile)}})
	err := ValidateUpdateCustomer(fxAccount, bad, WithParentCompanyID(fxPAN))
	require.ErrorIs(t, err, ErrValidation)
	sink.recordErr(err)

	// the token endpoint: errors echoing the credentials, and a body that is not JSON
	for name, h := range map[string]func(http.ResponseWriter, *http.Request){
		"invalid_grant echo": status(400, "application/json", `{"error":"invalid_grant","error_description":"bad password `+fxPassword+
			` or secret `+fxClientSecret+` for `+fxEmail+`"}`),
		"html echo":    status(401, "text/html", "<p>"+fxClientSecret+" "+fxPassword+"</p>"),
		"200 not JSON": status(200, "text/plain", "access_token="+fxToken),
	} {
		ts := newTestServer(t)
		ts.mux.HandleFunc("/", h)
		c, err := NewClient(ts.URL+prefix, WithLogger(logger), WithRetry(RetryPolicy{MaxAttempts: 1}),
			WithPasswordCredentials(fxClientID, fxClientSecret, fxUser, fxPassword))
		require.NoError(t, err)
		_, err = c.UpdateCustomer(context.Background(), validCustomerID, validBody())
		require.Error(t, err, name)
		sink.recordErr(err)
		c.CloseIdleConnections()
	}

	require.NotEmpty(t, sink.String())
	require.Contains(t, sink.String(), `"level":"DEBUG"`, "verbose logging was on")
	assert.Empty(t, sink.leaks(fixtureSecrets), "secrets or personal data in logs/errors")
	if t.Failed() {
		for _, l := range strings.Split(sink.String(), "\n") {
			for _, s := range sink.leaks(fixtureSecrets) {
				if strings.Contains(l, s) {
					t.Logf("leak %q in: %s", s, l)
				}
			}
		}
	}
}

// TestSecrets_HostileServersLeakNothing (issue 10 items 1–6): hostile
// servers echo what the client sent — the Authorization header, the token
// endpoint's form and Basic header, the body with its personal data — into
// places whose text reaches the caller: malformed status and header lines
// (net/http quotes them in its errors), a bad Content-Length, X-Request-Id, a
// body cut where a snippet ends. Nothing the client sent as a secret, whole or
// in part, and no personal data may come back out in an error's text or a
// log record.
func TestSecrets_HostileServersLeakNothing(t *testing.T) {
	oneLine := func(s string) string { return strings.NewReplacer("\r", " ", "\n", " ").Replace(s) }
	tests := []struct {
		name     string
		password bool // use the password grant (the token endpoint is hostile too)
		respond  func(r *http.Request, body []byte) string
	}{
		{name: "token echoed as the status code", respond: func(r *http.Request, _ []byte) string {
			return "HTTP/1.1 " + strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ") + " OK\r\n\r\n"
		}},
		{name: "Authorization echoed as a header line without a colon", respond: func(r *http.Request, _ []byte) string {
			return "HTTP/1.1 200 OK\r\n" + r.Header.Get("Authorization") + "\r\n\r\n"
		}},
		{name: "Authorization echoed as Content-Length", respond: func(r *http.Request, _ []byte) string {
			return "HTTP/1.1 200 OK\r\nContent-Length: " + r.Header.Get("Authorization") + "\r\n\r\n"
		}},
		{name: "body echoed as the status line", respond: func(_ *http.Request, body []byte) string {
			return "HTTP/1.1 " + oneLine(string(body)) + "\r\n\r\n"
		}},
		{name: "body echoed as Content-Length", respond: func(_ *http.Request, body []byte) string {
			return "HTTP/1.1 200 OK\r\nContent-Length: " + oneLine(string(body)) + "\r\n\r\n"
		}},
		{name: "token and personal data in X-Request-Id", respond: func(r *http.Request, _ []byte) string {
			b := `{"errorResponse":{"errorType":"RECORD_NOT_FOUND","errorMessage":"no"}}`
			return "HTTP/1.1 404 Not Found\r\nX-Request-Id: " + r.Header.Get("Authorization") + " " + fxAccount +
				"\r\nContent-Type: application/json\r\nContent-Length: " + fmt.Sprint(len(b)) + "\r\n\r\n" + b
		}},
		{name: "token straddling the snippet's cut", respond: func(r *http.Request, _ []byte) string {
			// The 256-byte cut falls 25 bytes into the token, after its digits.
			b := strings.Repeat("x", 256-len("Bearer ")-25) + r.Header.Get("Authorization")
			return "HTTP/1.1 502 Bad Gateway\r\nContent-Length: " + fmt.Sprint(len(b)) + "\r\n\r\n" + b
		}},
		{name: "token after a tab, quoted in the snippet", respond: func(r *http.Request, _ []byte) string {
			b := "0000000\t" + strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			return "HTTP/1.1 200 OK\r\nContent-Length: " + fmt.Sprint(len(b)) + "\r\n\r\n" + b
		}},
		{name: "sub-errors echo personal data under other names", respond: func(_ *http.Request, _ []byte) string {
			b := `{"errorResponse":{"errorType":"VALIDATION_ERROR","apiSubErrors":[` +
				`{"field":"gstin","rejectedValue":"29` + fxPAN + `1Z5"},{"field":"phone","rejectedValue":` + fxMobile + `},` +
				`{"field":"panNumber","rejectedValue":"` + fxPAN + `"},{"field":"contact","rejectedValue":"` + fxEmail + `"}]}}`
			return "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: " + fmt.Sprint(len(b)) + "\r\n\r\n" + b
		}},
		{name: "token endpoint echoes its form and Basic header as the status line", password: true, respond: func(r *http.Request, body []byte) string {
			return "HTTP/1.1 " + string(body) + " " + r.Header.Get("Authorization") + "\r\n\r\n"
		}},
		{name: "token endpoint echoes its form in a 400 body", password: true, respond: func(r *http.Request, body []byte) string {
			b := `{"error":"invalid_request","error_description":"bad form ` + string(body) + " " + r.Header.Get("Authorization") + `"}`
			return "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: " + fmt.Sprint(len(b)) + "\r\n\r\n" + b
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := rawServer(t, tc.respond)
			var logs textSink
			auth := WithToken(hostileToken)
			if tc.password {
				auth = WithPasswordCredentials("client-id", hostileSecret, "user", hostilePassword)
			}
			c, err := NewClient(base, auth, WithRetry(RetryPolicy{MaxAttempts: 1}),
				WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			require.NoError(t, err)
			defer c.CloseIdleConnections()
			_, err = c.UpdateCustomer(context.Background(), validCustomerID, piiBody())
			require.Error(t, err)
			var out textSink
			out.recordErr(err)
			out.add(logs.String())
			assert.Empty(t, leaks(out.String()), "leaked in:\n%s", out.String())
			suiteSink.recordErr(err) // the suite-wide scan sees these too
		})
	}
}
