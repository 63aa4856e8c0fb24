package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// CLI behaviour that mutations of main survived (issue 10 item 17).

// TestBinaryBodyOverOneMiBRefused: a --body larger than 1 MiB is a usage
// error; nothing is sent.
func TestBinaryBodyOverOneMiBRefused(t *testing.T) {
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers())
	env := []string{"ENKASH_BASE_URL=" + srv.URL, "ENKASH_TOKEN=" + srv.Token}
	big := `{"address":"` + strings.Repeat("a", maxBodyFileBytes) + `"}`
	res := runBinary(t, env, big, "update", "--body", "-", wrappertest.DemoCustomerID)
	assert.Equal(t, exitUsage, res.code, res.stderr)
	assert.Contains(t, res.stderr, "larger than")
	assert.Empty(t, srv.Requests())
	justFits := `{"address":"` + strings.Repeat("a", maxBodyFileBytes-len(`{"address":""}`)) + `"}`
	require.Len(t, justFits, maxBodyFileBytes)
	res = runBinary(t, env, justFits, "update", "--dry-run", "--body", "-", wrappertest.DemoCustomerID)
	assert.Equal(t, exitOK, res.code, res.stderr)
}

// TestBinaryTokenFlagWinsOverEnv: --token is used even when $ENKASH_TOKEN
// holds another token.
func TestBinaryTokenFlagWinsOverEnv(t *testing.T) {
	const good = "flag-token-9d2c"
	srv := wrappertest.NewTestServer(t, wrappertest.WithDemoCustomers(), wrappertest.WithToken(good))
	res := runBinary(t, []string{"ENKASH_BASE_URL=" + srv.URL, "ENKASH_TOKEN=env-token-wrong-1"}, "",
		"update", "--token", good, "--set", "state=Goa", wrappertest.DemoCustomerID)
	assert.Equal(t, exitOK, res.code, res.stderr)
	res = runBinary(t, []string{"ENKASH_BASE_URL=" + srv.URL, "ENKASH_TOKEN=" + good}, "",
		"update", "--token", "env-token-wrong-1", "--set", "state=Goa", wrappertest.DemoCustomerID)
	assert.Equal(t, exitAPI, res.code, "the flag's (wrong) token was used")
}

// TestBinaryDoesNotEchoValuesAsFieldNames: a value typed where a field name
// belongs (a phone number, an e-mail) is not printed back; a misspelt name
// is.
func TestBinaryDoesNotEchoValuesAsFieldNames(t *testing.T) {
	for _, args := range [][]string{
		{"update", "--clear", "9876543210", wrappertest.DemoCustomerID},
		{"update", "--set", "asha.rao@acme.example=x", wrappertest.DemoCustomerID},
	} {
		res := runBinary(t, nil, "", args...)
		assert.Equal(t, exitUsage, res.code)
		assert.NotContains(t, res.stderr, "9876543210")
		assert.NotContains(t, res.stderr, "asha.rao")
		assert.Contains(t, res.stderr, "unknown field (not shown")
	}
	res := runBinary(t, nil, "", "update", "--clear", "nickname", wrappertest.DemoCustomerID)
	assert.Contains(t, res.stderr, `unknown field "nickname"`)
}
