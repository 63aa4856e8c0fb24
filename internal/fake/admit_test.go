package fake_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	enkash "github.com/enkash-oss/enkash-go"
	"github.com/enkash-oss/enkash-go/internal/fake"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// answer is what a refusal is compared on: the status, Enkash's errorType
// or the OAuth error code, and the fields the sub-errors name.
type answer struct {
	Status int
	Type   string
	Fields []string
}

func readAnswer(t *testing.T, resp *http.Response, body []byte) answer {
	t.Helper()
	var env struct {
		ErrorResponse *struct {
			ErrorType    string `json:"errorType"`
			ApiSubErrors []struct {
				Field string `json:"field"`
			} `json:"apiSubErrors"`
		} `json:"errorResponse"`
		Error string `json:"error"`
	}
	require.NoError(t, json.Unmarshal(body, &env), "%s", body)
	a := answer{Status: resp.StatusCode, Type: env.Error}
	if env.ErrorResponse != nil {
		a.Type = env.ErrorResponse.ErrorType
		for _, se := range env.ErrorResponse.ApiSubErrors {
			a.Fields = append(a.Fields, se.Field)
		}
	}
	return a
}

// Without a SpecValidator (the CLI's sandbox) the generated validators and
// the bearer check refuse what wrappertest's kin-openapi validation refuses,
// with the same status, error type and fields, and the answers conform to
// openapi.yaml.
func TestNewServer_RefusesWithoutSchemaValidatorAsWithIt(t *testing.T) {
	doc, err := enkash.LoadSpec()
	require.NoError(t, err)
	doc.Servers = nil
	router, err := gorillamux.NewRouter(doc)
	require.NoError(t, err)

	const good = "/api/v0/customer/" + fake.DemoCustomerID
	tests := []struct {
		name, method, path, auth, contentType, body string
	}{
		{name: "valid update", method: "PATCH", path: good, auth: "Bearer " + fake.DefaultToken, body: `{"legalName":"Acme"}`},
		{name: "path customerId off pattern", method: "PATCH", path: "/api/v0/customer/KCbad", auth: "Bearer " + fake.DefaultToken, body: `{}`},
		{name: "query parentCompanyId off pattern", method: "DELETE", path: good + "?parentCompanyId=nope", auth: "Bearer " + fake.DefaultToken},
		{name: "activate customerId off pattern", method: "PUT", path: "/api/v0/customer/activate/KCbad", auth: "Bearer " + fake.DefaultToken},
		{name: "body mobile off pattern", method: "PATCH", path: good, auth: "Bearer " + fake.DefaultToken,
			body: `{"customerKeyContacts":[{"name":"A","legalName":"B","mobile":"12","email":"a@b.in","deleted":false}]}`},
		{name: "body unknown property", method: "PATCH", path: good, auth: "Bearer " + fake.DefaultToken, body: `{"legalName":"Acme","colour":"red"}`},
		{name: "body wrong type", method: "PATCH", path: good, auth: "Bearer " + fake.DefaultToken, body: `{"legalName":7}`},
		{name: "no token", method: "PATCH", path: good, body: `{}`},
		{name: "unknown token", method: "PATCH", path: good, auth: "Bearer nope-nope-nope", body: `{}`},
		{name: "body over the size limit", method: "PATCH", path: good, auth: "Bearer " + fake.DefaultToken, body: `{"legalName":"` + strings.Repeat("x", 300) + `"}`},
		{name: "token: wrong grant_type", method: "POST", path: "/oauth/token", auth: basic(), contentType: "application/x-www-form-urlencoded",
			body: "grant_type=client_credentials&username=" + fake.DefaultUsername + "&password=" + fake.DefaultPassword},
		{name: "token: no client credentials", method: "POST", path: "/oauth/token", contentType: "application/x-www-form-urlencoded",
			body: "grant_type=password&username=" + fake.DefaultUsername + "&password=" + fake.DefaultPassword},
		{name: "token: valid", method: "POST", path: "/oauth/token", auth: basic(), contentType: "application/x-www-form-urlencoded",
			body: "grant_type=password&username=" + fake.DefaultUsername + "&password=" + fake.DefaultPassword},
	}
	sandbox := fake.NewServer(fake.WithDemoCustomers(), fake.WithMaxBodyBytes(256))
	defer sandbox.Close()
	validated := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers(), wrappertest.WithMaxBodyBytes(256))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got [2]answer
			for i, base := range []string{sandbox.URL, validated.URL} {
				req, err := http.NewRequest(tt.method, base+tt.path, strings.NewReader(tt.body))
				require.NoError(t, err)
				if tt.auth != "" {
					req.Header.Set("Authorization", tt.auth)
				}
				req.Header.Set("Content-Type", "application/json")
				if tt.contentType != "" {
					req.Header.Set("Content-Type", tt.contentType)
				}
				resp, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				body, err := io.ReadAll(resp.Body)
				_ = resp.Body.Close()
				require.NoError(t, err)
				got[i] = readAnswer(t, resp, body)
				if i == 0 { // the sandbox's answer against the spec
					route, params, err := router.FindRoute(req)
					require.NoError(t, err)
					in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
						Options: &openapi3filter.Options{IncludeResponseStatus: true}}
					assert.NoError(t, openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
						RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
						Body: io.NopCloser(strings.NewReader(string(body))), Options: in.Options,
					}), "sandbox answer %d %s", resp.StatusCode, body)
				}
			}
			assert.Equal(t, got[1], got[0], "sandbox (first) and kin-openapi-validated server (second) differ")
		})
	}
}

func basic() string {
	req, _ := http.NewRequest("POST", "/", nil)
	req.SetBasicAuth(fake.DefaultClientID, fake.DefaultClientSecret)
	return req.Header.Get("Authorization")
}
