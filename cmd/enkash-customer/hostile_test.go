package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRun_VerboseNeverPrintsTheToken (issue 10 item 1): a server that
// echoes the bearer token into a malformed status line, a header line or a
// Content-Length made `update --verbose` print the token (net/http quotes
// the bad line in its error, on every attempt). Neither stdout nor stderr
// may hold it, whole or in part.
func TestRun_VerboseNeverPrintsTheToken(t *testing.T) {
	const token = "cli-tok.1234567890.SeCrEt/xyz"
	for name, respond := range map[string]func(auth string) string{
		"status code": func(a string) string { return "HTTP/1.1 " + strings.TrimPrefix(a, "Bearer ") + " OK\r\n\r\n" },
		"header line": func(a string) string { return "HTTP/1.1 200 OK\r\n" + a + "\r\n\r\n" },
		"length":      func(a string) string { return "HTTP/1.1 200 OK\r\nContent-Length: " + a + "\r\n\r\n" },
	} {
		t.Run(name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					conn, err := ln.Accept()
					if err != nil {
						return
					}
					if r, err := http.ReadRequest(bufio.NewReader(conn)); err == nil {
						_, _ = io.Copy(io.Discard, r.Body)
						_, _ = io.WriteString(conn, respond(r.Header.Get("Authorization")))
					}
					_ = conn.Close()
				}
			}()
			defer func() { _ = ln.Close(); wg.Wait() }()
			res := runBinary(t, []string{"ENKASH_BASE_URL=http://" + ln.Addr().String(), "ENKASH_TOKEN=" + token},
				"", "update", "--verbose", "--set", "legalName=A", "KCDEMO0000000001")
			assert.Equal(t, exitAPI, res.code, res.stderr)
			out := res.stdout + res.stderr
			for i := 0; i+8 <= len(token); i++ {
				require.NotContains(t, out, token[i:i+8], "a part of the token was printed:\n%s", out)
			}
		})
	}
}
