package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUnhandledKeywordsFailLoudly: a request-schema keyword or format that
// apigen does not turn into code stops generation with an error naming the
// schema and the keyword, instead of generating a validator that skips it.
func TestUnhandledKeywordsFailLoudly(t *testing.T) {
	spec, err := os.ReadFile("../../../openapi.yaml")
	require.NoError(t, err)
	const anchor = "        pinCode:\n          x-pii: true\n"
	const plainAnchor = "        pinCode:\n"
	tests := []struct {
		name, insert, want string
	}{
		{"format uuid", "          format: uuid\n", "UpdateCustomerRequest.pinCode: schema keyword(s) format uuid"},
		{"multipleOf", "          multipleOf: 2\n", "UpdateCustomerRequest.pinCode: schema keyword(s) multipleOf"},
		{"not", "          not: {type: integer}\n", "UpdateCustomerRequest.pinCode: schema keyword(s) not"},
		{"uniqueItems", "          uniqueItems: true\n", "UpdateCustomerRequest.pinCode: schema keyword(s) uniqueItems"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := string(spec)
			require.Contains(t, s, plainAnchor)
			require.NotContains(t, s, anchor, "the anchor below assumes pinCode carries no x-pii")
			i := strings.Index(s, "    UpdateCustomerRequest:")
			require.GreaterOrEqual(t, i, 0)
			j := i + strings.Index(s[i:], plainAnchor) + len(plainAnchor)
			edited := s[:j] + tc.insert + s[j:]
			dir := t.TempDir()
			p := filepath.Join(dir, "openapi.yaml")
			require.NoError(t, os.WriteFile(p, []byte(edited), 0o644))
			err := run(p, "../../../api/api.gen.go", dir, dir)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			entries, _ := os.ReadDir(dir)
			assert.Len(t, entries, 1, "nothing generated when generation fails")
		})
	}
}

// TestGeneratesFromTheRealSpec: the committed spec generates (the Makefile's
// check-generated compares the output with what is committed).
func TestGeneratesFromTheRealSpec(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, run("../../../openapi.yaml", "../../../api/api.gen.go", dir, dir))
	for _, f := range []string{"validate.gen.go", "encode.gen.go", "decode.gen.go", "sensitive.gen.go", "errors.gen.go"} {
		want, err := os.ReadFile(filepath.Join("../../../api", f))
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), "%s differs from a fresh generation: run go generate", f)
	}
	want, err := os.ReadFile("../../../wrapper/calloptions.gen.go")
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join(dir, "calloptions.gen.go"))
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "wrapper/calloptions.gen.go differs from a fresh generation: run go generate")
}

// TestGenCallOptions_FollowTheQueryParameters: each optional query parameter
// makes one call option, the operations that do not declare it refuse it,
// and a required query parameter (no call option can carry it) stops
// generation with an error naming it.
func TestGenCallOptions_FollowTheQueryParameters(t *testing.T) {
	spec, err := os.ReadFile("../../../openapi.yaml")
	require.NoError(t, err)
	src, err := os.ReadFile("../../../api/api.gen.go")
	require.NoError(t, err)
	const srcAnchor = "type UpdateCustomerParams struct {\n"
	require.Equal(t, 1, strings.Count(string(src), srcAnchor))
	op := strings.Index(string(spec), "      operationId: updateCustomer\n")
	require.GreaterOrEqual(t, op, 0)
	params := strings.Index(string(spec)[op:], "      parameters:\n")
	require.GreaterOrEqual(t, params, 0)
	at := op + params + len("      parameters:\n")
	gen := func(t *testing.T, required string) (string, error) {
		s := string(spec)[:at] + "        - {name: zoneCode, in: query, required: " + required +
			", schema: {type: string}}\n" + string(spec)[at:]
		g := strings.Replace(string(src), srcAnchor, srcAnchor+"\tZoneCode *string `json:\"zoneCode,omitempty\"`\n", 1)
		dir := t.TempDir()
		p, gp := filepath.Join(dir, "openapi.yaml"), filepath.Join(dir, "api.gen.go")
		require.NoError(t, os.WriteFile(p, []byte(s), 0o644))
		require.NoError(t, os.WriteFile(gp, []byte(g), 0o644))
		if err := run(p, gp, dir, dir); err != nil {
			return "", err
		}
		out, err := os.ReadFile(filepath.Join(dir, "calloptions.gen.go"))
		require.NoError(t, err)
		return string(out), nil
	}
	t.Run("optional: a call option, refused by the other operations", func(t *testing.T) {
		out, err := gen(t, "false")
		require.NoError(t, err)
		assert.Contains(t, out, "func WithZoneCode(v string) CallOption {")
		assert.Regexp(t, `return &api.UpdateCustomerParams\{ZoneCode: q.ZoneCode, .*ParentCompanyId: q.ParentCompanyId.*\}, vs`, out)
		assert.Equal(t, 2, strings.Count(out, "vs = append(vs, api.Violation{Field: `zoneCode`"),
			"activateCustomer and deleteCustomer refuse it")
	})
	t.Run("required: generation stops", func(t *testing.T) {
		_, err := gen(t, "true")
		require.Error(t, err)
		assert.Contains(t, err.Error(), `updateCustomer: query parameter "zoneCode" is required`)
	})
}

// TestUnhandledResponseShapesFailLoudly: a response type the decoder
// generator cannot decode exactly as encoding/json does stops generation
// with an error naming the schema, instead of a decoder that differs.
func TestUnhandledResponseShapesFailLoudly(t *testing.T) {
	spec, err := os.ReadFile("../../../openapi.yaml")
	require.NoError(t, err)
	src, err := os.ReadFile("../../../api/api.gen.go")
	require.NoError(t, err)
	const specAnchor = "    CustomerReminderConfigResponse:\n      type: object\n      properties:\n"
	const srcAnchor = "\tStage        string       `json:\"stage,omitempty\"`\n"
	tests := []struct {
		name, specInsert, srcOld, srcNew, want string
	}{
		{"Go type without a decoder", "", "\tActive              bool ", "\tActive              complex128 ",
			"CustomerResponse.active: Go type complex128 is not handled by apigen's decoder"},
		{"properties differing only in case", "        Stage:\n          type: string\n", srcAnchor,
			srcAnchor + "\tStageUpper string `json:\"Stage\"`\n",
			`response schema CustomerReminderConfigResponse: properties "stage" and "Stage" differ only in case`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := string(spec)
			require.Contains(t, s, specAnchor)
			s = strings.Replace(s, specAnchor, specAnchor+tc.specInsert, 1)
			g := string(src)
			require.Equal(t, 1, strings.Count(g, tc.srcOld), "anchor %q", tc.srcOld)
			g = strings.Replace(g, tc.srcOld, tc.srcNew, 1)
			dir := t.TempDir()
			p, gp := filepath.Join(dir, "openapi.yaml"), filepath.Join(dir, "api.gen.go")
			require.NoError(t, os.WriteFile(p, []byte(s), 0o644))
			require.NoError(t, os.WriteFile(gp, []byte(g), 0o644))
			out := filepath.Join(dir, "out")
			require.NoError(t, os.Mkdir(out, 0o755))
			err := run(p, gp, out, out)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			entries, _ := os.ReadDir(out)
			assert.Empty(t, entries, "nothing generated when generation fails")
		})
	}
}
