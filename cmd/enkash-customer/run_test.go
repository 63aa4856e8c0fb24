package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
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
func TestIncompletePasswordCredentialsRefused(t *testing.T) {
	env := map[string]string{"ENKASH_CLIENT_ID": "client-id", "ENKASH_USERNAME": "user", "ENKASH_PASSWORD": "pw-secret-1"}
	opt, err := credentials("", func(k string) string { return env[k] })
	assert.Nil(t, opt)
	assert.ErrorContains(t, err, "incomplete credentials: also set $ENKASH_CLIENT_SECRET")
}
