package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPrintJSONFailureCode(t *testing.T) {
	// An output that cannot be encoded: the caller's code is returned
	// (exitAPI after a send, exitUsage on the dry-run path).
	for _, code := range []int{exitAPI, exitUsage} {
		var stdout, stderr bytes.Buffer
		assert.Equal(t, code, printJSON(&stdout, &stderr, make(chan int), code))
		assert.Empty(t, stdout.String())
		assert.Contains(t, stderr.String(), "encoding output")
	}
	var stdout, stderr bytes.Buffer
	assert.Equal(t, exitOK, printJSON(&stdout, &stderr, map[string]int{"a": 1}, exitAPI))
}

// The password grant needs all four of its variables: with one missing the
// CLI refuses (naming it) instead of sending an empty client secret. Kills
// the mutation cli/partial-credentials-accepted.
func TestRun_IncompletePasswordCredentialsRefused(t *testing.T) {
	env := map[string]string{"ENKASH_CLIENT_ID": "client-id", "ENKASH_USERNAME": "user", "ENKASH_PASSWORD": "pw-secret-1"}
	opt, err := credentials("", func(k string) string { return env[k] })
	assert.Nil(t, opt)
	assert.ErrorContains(t, err, "incomplete credentials: also set $ENKASH_CLIENT_SECRET")
}

// TestRun_BodyOverOneMiBRefused: a --body larger than 1 MiB is a usage
// error; nothing is sent.
func TestRun_BodyOverOneMiBRefused(t *testing.T) {
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
