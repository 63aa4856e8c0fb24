// Package redact masks secrets and personal data in text a program prints:
// exact secrets in every form a server may echo them in (escaped, in
// base64, cut in pieces; see Forms and Masker), the values of named JSON keys
// (Policy), and personal data by its shape (Scrub). It knows no API: its
// caller names the secrets and the keys.
package redact

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Redact is the one pass for every text that leaves a program: first the
// secrets of forms, whole or in pieces (Masker.Mask), then the values of
// the policy's keys and the shapes of personal data (Text).
func (p *Policy) Redact(s string, forms []string) string { return p.Text(For(forms).Mask(s)) }

// Snippet returns the start of body for an error message: Redact of the
// whole body, invalid UTF-8 replaced, then cut to at most max bytes on a
// rune boundary ("…" added). Masking before the cut shows no part of a
// value that straddles it.
func (p *Policy) Snippet(body []byte, forms []string, max int) string {
	if len(body) == 0 {
		return ""
	}
	s := p.Redact(strings.ToValidUTF8(string(body), "\uFFFD"), forms)
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// Keep tells Err about an error type whose own text is safe by
// construction: given such an error and its sanitised cause (changed: it
// differs from the original), it returns the error to put in its place and
// true; false for other types.
type Keep func(err, cause error, changed bool) (error, bool)

// Err returns err with every error of its tree (Unwrap, both forms) that
// prints a secret of forms or what Text masks, under %v, %+v or %#v,
// replaced by a sanitised copy: a *url.Error or *net.OpError by a copy of its
// own type (the URL redacted), another by an error with the redacted text
// that unwraps to its sanitised causes, so errors.Is and errors.As still
// find the sentinels and types below. Errors that print nothing to mask are
// kept as they are.
func (p *Policy) Err(err error, forms []string, keep Keep) error {
	e, _ := p.sanitize(err, For(forms), keep)
	return e
}

// masked stands in an error tree for an error that printed a secret or
// personal data.
type masked struct {
	msg  string
	errs []error
}

func (e *masked) Error() string   { return e.msg }
func (e *masked) Unwrap() []error { return e.errs }

func (p *Policy) sanitize(err error, m *Masker, keep Keep) (error, bool) {
	if err == nil {
		return nil, false
	}
	var causes []error
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		causes = u.Unwrap()
	case interface{ Unwrap() error }:
		if c := u.Unwrap(); c != nil {
			causes = []error{c}
		}
	}
	clean, changed := make([]error, len(causes)), false
	for i, c := range causes {
		var ch bool
		clean[i], ch = p.sanitize(c, m, keep)
		changed = changed || ch
	}
	var cause error
	if len(clean) == 1 {
		cause = clean[0]
	}
	if e, ok := keep(err, cause, changed); ok {
		return e, changed
	}
	text := fmt.Sprintf("%v\x00%+v\x00%#v", err, err, err)
	if !changed && p.Text(m.Mask(text)) == text {
		return err, false
	}
	switch e := err.(type) {
	case *url.Error:
		return &url.Error{Op: e.Op, URL: p.Text(m.Mask(e.URL)), Err: cause}, true
	case *net.OpError:
		cp := *e
		cp.Err = cause
		return &cp, true
	}
	return &masked{p.Text(m.Mask(err.Error())), clean}, true
}
