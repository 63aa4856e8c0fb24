package redact

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// quiet is an error whose text says nothing of its causes.
type quiet struct{ errs []error }

func (e *quiet) Error() string   { return "quiet" }
func (e *quiet) Unwrap() []error { return e.errs }

// quiet1 is the same with one cause.
type quiet1 struct{ err error }

func (e *quiet1) Error() string { return "quiet" }
func (e *quiet1) Unwrap() error { return e.err }

// safeErr is a type whose text is safe by construction (a Keep says so).
type safeErr struct{ cause error }

func (e *safeErr) Error() string { return "safe" }
func (e *safeErr) Unwrap() error { return e.cause }

func keepSafe(err, cause error, changed bool) (error, bool) {
	if e, ok := err.(*safeErr); ok {
		if changed {
			return &safeErr{cause}, true
		}
		return e, true
	}
	return nil, false
}

// TestPolicy_ErrSanitisesTheTree: every error of a tree that prints a
// secret (or personal data) is replaced by a sanitised stand-in of the same
// kind where Go has one (*url.Error, *net.OpError), else by one that still
// unwraps to what it wrapped; errors that print nothing to mask, and those
// a Keep vouches for, stay as they are.
func TestPolicy_ErrSanitisesTheTree(t *testing.T) {
	p, forms := NewPolicy("mobile"), Forms(token)
	sentinel := errors.New("sentinel")
	leaky := fmt.Errorf("bad header %q: %w", token, sentinel)
	clean := fmt.Errorf("plain: %w", sentinel)
	urlErr := &url.Error{Op: "Get", URL: "https://x.example/" + token, Err: clean}
	opErr := &net.OpError{Op: "read", Net: "tcp", Err: leaky}
	for _, tc := range []struct {
		name string
		err  error
		same bool // returned as is
	}{
		{"nothing to mask", clean, true},
		{"secret in the text", leaky, false},
		{"secret in a cause", fmt.Errorf("outer: %w", leaky), false},
		{"personal data", fmt.Errorf("call 9876543210: %w", sentinel), false},
		{"url.Error", urlErr, false},
		{"net.OpError", opErr, false},
		{"joined", errors.Join(clean, leaky), false},
		{"quiet, first cause leaky", &quiet{[]error{leaky, clean}}, false},
		{"quiet, one leaky cause", &quiet1{leaky}, false},
		{"quiet, clean causes", &quiet{[]error{clean, clean}}, true},
		{"kept: safe, clean cause", &safeErr{clean}, true},
		{"kept inside a clean tree", fmt.Errorf("outer: %w", &safeErr{clean}), true},
		{"kept: safe, leaky cause", &safeErr{leaky}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := p.Err(tc.err, forms, keepSafe)
			if tc.same {
				assert.Same(t, tc.err, got)
				return
			}
			assert.NotSame(t, tc.err, got)
			assert.ErrorIs(t, got, sentinel)
			for e := range tree(got) {
				for _, verb := range []string{"%v", "%+v", "%#v"} {
					out := fmt.Sprintf(verb, e)
					assert.NotContains(t, out, token[:8], verb)
					assert.NotContains(t, out, "9876543210", verb)
				}
			}
			var ue *url.Error
			assert.Equal(t, tc.err == urlErr, errors.As(got, &ue), "a *url.Error stays one")
			var oe *net.OpError
			assert.Equal(t, tc.err == opErr, errors.As(got, &oe), "a *net.OpError stays one")
			var se *safeErr
			assert.Equal(t, strings.HasPrefix(tc.name, "kept"), errors.As(got, &se), "a kept type stays")
		})
	}
	require.NoError(t, p.Err(nil, forms, keepSafe))
}

// tree yields err and every error reachable from it through Unwrap.
func tree(err error) func(func(error) bool) {
	return func(yield func(error) bool) {
		var walk func(error) bool
		walk = func(e error) bool {
			if e == nil {
				return true
			}
			if !yield(e) {
				return false
			}
			switch u := e.(type) {
			case interface{ Unwrap() []error }:
				for _, c := range u.Unwrap() {
					if !walk(c) {
						return false
					}
				}
			case interface{ Unwrap() error }:
				return walk(u.Unwrap())
			}
			return true
		}
		walk(err)
	}
}

// FuzzPolicy_Snippet: on any body and secret, Snippet does not panic, gives
// valid UTF-8 of at most max bytes plus "…", and shows no 8-byte piece of a
// secret (of MinSecretLen or more) written into the body as is (unless the
// secret shares bytes with what Snippet writes itself).
func FuzzPolicy_Snippet(f *testing.F) {
	f.Add([]byte(`{"mobile":"9876543210","x":"a@b.c"}`), token, 5, uint8(64))
	f.Add([]byte(`tok\/12%34 \u0074ok/1234567890/SeCrEt`), token, 0, uint8(16))
	f.Add([]byte("\xff\xfe(080) 4123-4567 é"), "pw/1", 3, uint8(1))
	p := NewPolicy("mobile", "email")
	f.Fuzz(func(t *testing.T, body []byte, secret string, at int, limit uint8) {
		if len(secret) >= MinSecretLen {
			at = min(max(at, 0), len(body))
			body = append(body[:at:at], append([]byte(secret), body[at:]...)...)
		}
		s := p.Snippet(body, Forms(secret), int(limit)+1)
		if !utf8.ValidString(s) || len(s) > int(limit)+1+len("…") {
			t.Fatalf("snippet %q: invalid UTF-8 or longer than %d", s, int(limit)+1)
		}
		if strings.ContainsAny(secret, "[]") || strings.IndexByte(secret, 0xe2) >= 0 || strings.IndexByte(secret, 0xef) >= 0 {
			return // a piece of "[REDACTED]", "…" (e2 80 a6) or U+FFFD (ef bf bd) is no leak
		}
		for i := 0; len(secret) >= MinSecretLen && i+8 <= len(secret); i++ {
			if strings.Contains(s, secret[i:i+8]) {
				t.Fatalf("snippet %q shows %q of the secret", s, secret[i:i+8])
			}
		}
	})
}
