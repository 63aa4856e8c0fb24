package bulk

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper"
)

// TestExportedValues_PrintNoSecret: after calls against a server that echoes
// the bearer token in every form (raw, base64 both alphabets, URL- and
// JSON-escaped, split across X-Request-Id and errorMessage, in sub-errors),
// every value package bulk hands out that holds an error or configuration —
// Result, CustomerResult, Summary, Sync (with its Client), the errors — prints
// no form of the token under %v, %+v, %#v, %s or %q.
func TestExportedValues_PrintNoSecret(t *testing.T) {
	const token = "tok.Zq81936450217xyz-Secret" // a digit run inside: the heuristics must not run first
	forms := []string{token, base64.StdEncoding.EncodeToString([]byte(token)),
		base64.RawURLEncoding.EncodeToString([]byte(token)), url.QueryEscape(token), token[:12], token[12:]}
	q, _ := json.Marshal(token)
	echo := strings.Join(append(forms[:4:4], strings.ReplaceAll(string(q[1:len(q)-1]), ".", `\u002e`)), " ")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "rid-"+token[:13])
		w.Header().Set("Content-Type", "application/json")
		b, _ := json.Marshal(map[string]any{"errorResponse": map[string]any{
			"errorType": "VALIDATION_ERROR", "errorMessage": echo + " " + token[13:], "requestId": echo,
			"apiSubErrors": []any{map[string]any{"field": "legalName", "message": echo, "rejectedValue": echo}}},
			"response_message": echo})
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write(b)
	}))
	defer srv.Close()
	c, err := wrapper.NewClient(srv.URL, wrapper.WithToken(token), wrapper.WithRetry(wrapper.RetryPolicy{MaxAttempts: 1}))
	require.NoError(t, err)
	defer c.CloseIdleConnections()

	var u api.UpdateCustomerRequest
	u.LegalName.Set("Acme")
	var values []any
	for r := range UpdateCustomers(context.Background(), c, func(yield func(Update) bool) {
		yield(Update{CustomerID: "KCABCDEFGH123456", Body: u})
	}) {
		require.Error(t, r.Err)
		values = append(values, r, &r, r.Err)
	}
	st, err := OpenStore(t.Context(), filepath.Join(t.TempDir(), "state.db"))
	require.NoError(t, err)
	defer st.Close()
	s := &Sync{Store: st, Client: c, Input: "test"}
	s.OnResult = func(r CustomerResult) { values = append(values, r, r.Err) }
	sum, err := s.Run(t.Context(), jsonlRows(t, `{"customerId":"KCABCDEFGH123456","update":{"legalName":"Acme"}}`+"\n"))
	require.NoError(t, err)
	require.Equal(t, 1, sum.Failed, "the hostile answer is a failure")
	require.Contains(t, sum.Failures[0].Err.Error(), "[REDACTED]", "the echo reached the error, masked")
	values = append(values, sum, &sum, s, *s, st)
	require.GreaterOrEqual(t, len(values), 10)
	for _, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			out := fmt.Sprintf(verb, v)
			for _, f := range forms {
				assert.NotContains(t, out, f, "%T printed with %s", v, verb)
			}
		}
	}
}
