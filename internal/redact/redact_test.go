package redact

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
	urlErr := &url.Error{Op: "Get", URL: "https://x.example/?t=" + url.QueryEscape(token), Err: leaky}
	opErr := &net.OpError{Op: "read", Net: "tcp", Err: leaky}
	clean := fmt.Errorf("plain: %w", sentinel)
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
