package enkash_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
)

func componentSchema(t testing.TB, doc *openapi3.T, name string) *openapi3.Schema {
	t.Helper()
	ref, ok := doc.Components.Schemas[name]
	require.True(t, ok, "schema %s in spec", name)
	return ref.Value
}

func readJSON(t testing.TB, path string) any {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var v any
	require.NoError(t, json.Unmarshal(raw, &v))
	return v
}

func TestSeedResponseExampleValidates(t *testing.T) {
	doc := loadSpec(t)
	envelope := componentSchema(t, doc, "CustomerResponseEnvelope")
	assert.NoError(t, envelope.VisitJSON(readJSON(t, "testdata/seed_response_200_example.json")))

	raw, err := os.ReadFile("testdata/seed_response_200_example.json")
	require.NoError(t, err)
	var env api.CustomerResponseEnvelope
	require.NoError(t, json.Unmarshal(raw, &env), "the generated types decode the seed example")
	require.NotNil(t, env.Payload)
	require.NotNil(t, env.ErrorResponse)
	assert.Equal(t, api.ErrorTypeClientRequestAbort, *env.ErrorResponse.ErrorType)
	assert.Len(t, env.Payload.CustomerKeyContacts, 1)
	assert.Equal(t, "string", env.Payload.CustomerKeyContacts[0].Deleted)
	assert.Equal(t, api.ReminderTypeOnce, env.Payload.CustomerReminders[0].ReminderType)
}

// The page's request example ({} for every JsonNullable field) is a
// doc-generator artefact: each of its 14 fields must be rejected.
func TestSeedRequestExampleRejectedFieldByField(t *testing.T) {
	doc := loadSpec(t)
	body := componentSchema(t, doc, "UpdateCustomerRequest")
	example := readJSON(t, "testdata/seed_request_example.json").(map[string]any)
	require.Len(t, example, 14)

	err := body.VisitJSON(example, openapi3.MultiErrors())
	require.Error(t, err)
	var multi openapi3.MultiError
	require.True(t, errors.As(err, &multi), "want a MultiError, got %T", err)
	rejected := map[string]bool{}
	for _, e := range multi {
		var se *openapi3.SchemaError
		if errors.As(e, &se) {
			if ptr := se.JSONPointer(); len(ptr) > 0 {
				rejected[ptr[0]] = true
			}
		}
	}
	for field := range example {
		assert.True(t, rejected[field], "field %q with value {} must be rejected", field)
	}
}

// Production programs import api and wrapper only: neither may link the
// spec, a spec parser, a JSON-Schema compiler or a YAML library (their
// init() costs milliseconds at every process start).
func TestProductionPackagesCarryNoSpecMachinery(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "./api", "./wrapper").CombinedOutput()
	require.NoError(t, err, "%s", out)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "github.com/enkash-oss/enkash-go/api", "go list must name the packages themselves")
	for _, d := range deps {
		for _, banned := range []string{"kin-openapi", "jsonschema", "yaml", "github.com/enkash-oss/enkash-go/wrapper/wrappertest"} {
			assert.NotContains(t, d, banned, "api or wrapper depends on %s", d)
		}
		assert.NotEqual(t, "github.com/enkash-oss/enkash-go", d, "api or wrapper imports the root package (which embeds the spec)")
	}
}

// Money must not pass through float: 12345678.91 round-trips exactly.
func TestNetAmountDecodesWithoutFloatRounding(t *testing.T) {
	for _, amount := range []string{"12345678.91", "0.1", "99999999999999.99", "-42.05", "1e3"} {
		t.Run(amount, func(t *testing.T) {
			var env api.CustomerResponseEnvelope
			require.NoError(t, json.Unmarshal([]byte(`{"payload":{"netAmount":`+amount+`}}`), &env))
			require.NotNil(t, env.Payload)
			assert.Equal(t, amount, env.Payload.NetAmount.String())
			out, err := json.Marshal(env.Payload)
			require.NoError(t, err)
			assert.True(t, strings.Contains(string(out), `"netAmount":`+amount), "re-encoded: %s", out)
		})
	}
	var env api.CustomerResponseEnvelope
	assert.Error(t, json.Unmarshal([]byte(`{"payload":{"netAmount":"twelve"}}`), &env), "not a number")
}

func TestSpecValidates(t *testing.T) {
	doc := loadSpec(t) // loadSpec requires doc.Validate to pass
	assert.Equal(t, "3.0.3", doc.OpenAPI)
	// The same validator refuses a spec with a broken pattern, so the check above can fail.
	doc.Paths.Value(customerPath).Patch.Parameters[0].Value.Schema.Value.Pattern = "^KC[A-Z"
	assert.Error(t, doc.Validate(context.Background()))
}

// rejectedValue is any JSON value or null: the spec spells that as an anyOf
// of nullable types (OpenAPI 3.0 has no untyped nullable), and the generated
// field decodes every one of them.
func TestApiSubErrorRejectedValueAcceptsAnyJSON(t *testing.T) {
	subErr := componentSchema(t, loadSpec(t), "ApiSubError")
	for _, raw := range []string{`null`, `"KC0"`, `56`, `1.5`, `true`, `{"a":1}`, `[1,"a"]`} {
		t.Run(raw, func(t *testing.T) {
			body := `{"field":"f","rejectedValue":` + raw + `}`
			var v any
			require.NoError(t, json.Unmarshal([]byte(body), &v))
			assert.NoError(t, subErr.VisitJSON(v), "spec accepts it")

			var want any
			require.NoError(t, json.Unmarshal([]byte(raw), &want))
			var se api.ApiSubError
			require.NoError(t, json.Unmarshal([]byte(body), &se))
			if want == nil {
				assert.True(t, se.RejectedValue.IsNull(), "null decodes as null")
				return
			}
			got, err := se.RejectedValue.Get()
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
}

// Both token reply spellings validate against TokenResponse and decode
// through the generated union; a reply without a token does not validate.
func TestTokenResponseSpellings(t *testing.T) {
	tokenResp := componentSchema(t, loadSpec(t), "TokenResponse")
	for _, tc := range []struct{ body, wantToken string }{
		{`{"access_token":"t1","token_type":"bearer","expires_in":3600,"scope":"all"}`, "t1"},
		{`{"accessToken":"t2","tokenType":"bearer","expiresIn":3600}`, "t2"},
	} {
		var v any
		require.NoError(t, json.Unmarshal([]byte(tc.body), &v))
		assert.NoError(t, tokenResp.VisitJSON(v), tc.body)

		var tr api.TokenResponse
		require.NoError(t, json.Unmarshal([]byte(tc.body), &tr))
		snake, serr := tr.AsTokenResponseSnake()
		camel, cerr := tr.AsTokenResponseCamel()
		require.NoError(t, serr)
		require.NoError(t, cerr)
		assert.Equal(t, tc.wantToken, snake.AccessToken+camel.AccessToken, tc.body)
	}
	var v any
	require.NoError(t, json.Unmarshal([]byte(`{"token_type":"bearer","expires_in":3600}`), &v))
	assert.Error(t, tokenResp.VisitJSON(v), "a reply without a token")
}
