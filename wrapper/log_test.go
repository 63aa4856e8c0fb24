package wrapper

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// WithLogger: "Tokens … are never logged" — also a password-grant token
// (not among the Client's static secrets) that the server echoes in
// X-Request-Id. Kills log/token-not-masked.
func TestWithLogger_MasksFetchedToken(t *testing.T) {
	a := newAuthServer(t, false, 3600)
	a.mux.HandleFunc("PATCH /api/v0/customer/"+validCustomerID, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "rid "+r.Header.Get("Authorization"))
		ok200(w, r)
	})
	var buf bytes.Buffer
	c := passwordClient(t, a, WithLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	require.NoError(t, err)
	assert.Contains(t, buf.String(), "requestId")
	assert.NotContains(t, buf.String(), "tok-1-abcdef")
}

func TestWithLogger_OneDebugRecordPerAttempt(t *testing.T) {
	ts := newTestServer(t)
	ts.mux.Handle("/", &sequence{steps: steps(status(503, "", ""), func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Request-Id", "rid-7")
		reply(w, 200, "application/json", okEnvelope)
	})})
	var buf textSink
	c, _ := newClient(t, ts, WithLogger(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 2)
	for i, want := range []struct {
		status float64
		rid    string
	}{{503, ""}, {200, "rid-7"}} {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(lines[i]), &rec))
		assert.Equal(t, "DEBUG", rec["level"])
		assert.Equal(t, "PATCH", rec["method"])
		assert.Equal(t, customerPath, rec["path"])
		assert.Equal(t, want.status, rec["status"])
		assert.Equal(t, float64(i+1), rec["attempt"])
		assert.Contains(t, rec, "duration")
		assert.Equal(t, want.rid, rec["requestId"])
	}
}

func TestWithLogger_NoneWithoutLogger(t *testing.T) {
	ts := newTestServer(t)
	ts.mux.HandleFunc("/", ok200)
	var buf textSink
	c, _ := newClient(t, ts, WithLogger(slog.New(slog.NewTextHandler(&buf, nil)))) // Info level
	_, err := c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	require.NoError(t, err)
	assert.Empty(t, buf.String())
}

// TestWithLogger_RedactsRecordsAndErrors runs failures that echo personal data and secrets, and scans
// every log line and error text for the fixture values.
func TestWithLogger_RedactsRecordsAndErrors(t *testing.T) {
	secrets := []string{fxToken, fxClientSecret, fxPassword, fxMobile, fxEmail, fxAccount, fxPAN, fxIFSC, fxContact, "29" + fxPAN + "1Z5"}
	echo := `{"payload":{"accountNumber":"` + fxAccount + `","panOrGstin":"29` + fxPAN + `1Z5","ifsc":"` + fxIFSC +
		`","contactNumber":"` + fxContact + `","customerKeyContacts":[{"email":"` + fxEmail + `","mobile":"` + fxMobile + `"`
	msg := "customer " + fxEmail + " with mobile +91 " + fxMobile + ", account " + fxAccount + ", PAN " + fxPAN + ", IFSC " + fxIFSC
	handlers := map[string]func(http.ResponseWriter, *http.Request){
		"truncated echo": status(200, "application/json", echo),
		"html with pii":  status(502, "text/html", "<p>"+msg+"</p>"),
		"envelope msg":   status(422, "application/json", errEnvelope("UNPROCESSABLE_REQUEST", msg)),
		"sub-error values": status(400, "application/json", `{"errorResponse":{"errorType":"VALIDATION_ERROR","apiSubErrors":[`+
			`{"field":"accountNumber","rejectedValue":"`+fxAccount+`","message":"bad"},`+
			`{"field":"customerKeyContacts[0]","rejectedValue":{"email":"`+fxEmail+`"},"message":"bad"},`+
			`{"field":"ifsc","rejectedValue":"`+fxIFSC+`","message":"`+fxIFSC+` is not valid"}]}}`),
		"401": status(401, "application/json", errEnvelope("UNAUTHORIZED", "token "+fxToken+" expired")),
	}
	var buf textSink
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var texts []string
	for name, h := range handlers {
		ts := newTestServer(t)
		ts.mux.HandleFunc("/", h)
		c, _ := newClient(t, ts, WithLogger(logger))
		var body api.UpdateCustomerRequest
		body.AccountNumber.Set(fxAccount)
		body.CustomerKeyContacts.Set([]api.CustomerKeyContactCreateDTO{{Name: "A", LegalName: "A", Mobile: fxMobile, Email: new(fxEmail)}})
		_, err := c.UpdateCustomer(context.Background(), validCustomerID, body)
		require.Error(t, err, name)
		texts = append(texts, err.Error())
		var ae *APIError
		if assertAs(err, &ae) {
			texts = append(texts, ae.Snippet, ae.GoString())
		}
	}
	// invalid request with PII values
	bad := api.UpdateCustomerRequest{}
	bad.CustomerKeyContacts.Set([]api.CustomerKeyContactCreateDTO{{Mobile: "x" + fxMobile, Email: new(fxEmail + " ")}})
	texts = append(texts, ValidateUpdateCustomer(validCustomerID, bad).Error())
	// password grant failure
	a := newAuthServer(t, false, 60)
	c, err := NewClient(a.URL+prefix, WithLogger(logger), WithPasswordCredentials(fxClientID, fxClientSecret, fxUser, "x"+fxPassword))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	_, err = c.UpdateCustomer(context.Background(), validCustomerID, api.UpdateCustomerRequest{})
	require.Error(t, err)
	texts = append(texts, err.Error())

	all := buf.String() + strings.Join(texts, "\n")
	require.NotEmpty(t, buf.String())
	for _, s := range secrets {
		assert.NotContains(t, all, s)
	}
}

func assertAs(err error, target **APIError) bool {
	ae, ok := err.(*APIError)
	if ok {
		*target = ae
	}
	return ok
}
