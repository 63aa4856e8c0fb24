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
