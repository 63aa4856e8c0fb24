package redact

import (
	"encoding/base64"
	"html"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf16"
	"unicode/utf8"
)

// MinSecretLen is the shortest secret that can be masked in server text
// without masking ordinary words; Forms skips shorter ones.
const MinSecretLen = 4

// fragMin is the shortest piece of a secret masked wherever it appears: a
// token cut in two, one half per field, is masked in both.
const fragMin = 8

// Forms returns the forms of each secret that a Masker looks for: the
// secret, with its spaces as '+', URL-escaped as a form body or query
// (url.QueryEscape) and as a path (url.PathEscape) sends it, and the
// Base64Forms of each of these (a server may echo the body it received in
// base64). Escaped forms (URL, JSON, Go quoting; any mix) in plain text are
// found anyway, since the Masker decodes escapes before it looks; inside
// base64 they are not. Secrets shorter than MinSecretLen are skipped. The
// result is shared: append to a copy.
func Forms(secrets ...string) []string {
	if m := lastForms.Load(); m != nil && slices.Equal(m.in, secrets) {
		return m.out
	}
	var forms []string
	for _, sec := range secrets {
		if len(sec) < MinSecretLen {
			continue
		}
		var plain []string // every form is as long as the secret or longer
		for _, p := range []string{sec, strings.ReplaceAll(sec, " ", "+"), url.QueryEscape(sec), url.PathEscape(sec)} {
			if !slices.Contains(plain, p) {
				plain = append(plain, p)
			}
		}
		for _, p := range plain {
			for _, f := range append([]string{p}, Base64Forms(p)...) {
				if !slices.Contains(forms, f) {
					forms = append(forms, f)
				}
			}
		}
	}
	forms = slices.Clip(forms)
	lastForms.Store(&formsMemo{slices.Clone(secrets), forms})
	return forms
}

// lastForms and lastMasker remember the last result of Forms and For: the
// calls of one client share their secrets, and a successful call may have
// its request id redacted too.
var (
	lastForms  atomic.Pointer[formsMemo]
	lastMasker atomic.Pointer[Masker]
)

type formsMemo struct{ in, out []string }

// Base64Forms returns sec in base64, both alphabets, padded and not, and
// the part that encodes only sec inside a longer base64 text starting 1 or
// 2 bytes off a 3-byte boundary (the characters that mix in other bits
// dropped).
func Base64Forms(sec string) []string {
	var forms []string
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		raw := enc.WithPadding(base64.NoPadding)
		forms = append(forms, enc.EncodeToString([]byte(sec)), raw.EncodeToString([]byte(sec)))
		for k := 1; k <= 2; k++ {
			e := raw.EncodeToString(append(make([]byte, k), sec...))
			if mid := e[(8*k+5)/6 : 8*(k+len(sec))/6]; len(mid) >= fragMin {
				forms = append(forms, mid)
			}
		}
	}
	return forms
}

// Masker masks secret forms in text (see Mask); For builds one.
type Masker struct {
	forms []string
	win   map[uint64]bool // every fragMin-byte window of a form
	short []string        // forms shorter than fragMin
}

// For returns a Masker of forms, the last one made if forms are the same.
func For(forms []string) *Masker {
	if m := lastMasker.Load(); m != nil && slices.Equal(m.forms, forms) {
		return m
	}
	m := &Masker{forms: forms, win: map[uint64]bool{}}
	for _, f := range forms {
		if len(f) < fragMin {
			m.short = append(m.short, f)
		}
		var w uint64
		for i := 0; i < len(f); i++ {
			if w = w<<8 | uint64(f[i]); i >= fragMin-1 {
				m.win[w] = true
			}
		}
	}
	lastMasker.Store(m)
	return m
}

// Mask masks in s, and in s with its JSON, Go and URL escapes decoded, every
// run of fragMin or more bytes of a form (a whole form, or a piece of one)
// and each form shorter than that: one pass of a rolling window over the
// text, linear in its length.
func (m *Masker) Mask(s string) string {
	if len(m.forms) == 0 {
		return s
	}
	spans := m.find(s, nil, nil, nil)
	if d, from, to := unescape(s); from != nil {
		spans = m.find(d, from, to, spans)
	}
	return apply(s, spans)
}

// find adds the spans of d to mask, mapped back to the text d was decoded
// from by from and to (nil: d is that text).
func (m *Masker) find(d string, from, to []int32, spans []span) []span {
	mark := func(a, b int) {
		if from != nil {
			a, b = int(from[a]), int(to[b-1])
		}
		if n := len(spans); n > 0 && a >= spans[n-1].from && a <= spans[n-1].to {
			spans[n-1].to = max(spans[n-1].to, b) // the next window of one run
			return
		}
		spans = append(spans, span{a, b})
	}
	var w uint64
	for i := 0; i < len(d); i++ {
		if w = w<<8 | uint64(d[i]); i >= fragMin-1 && m.win[w] {
			mark(i-fragMin+1, i+1)
		}
	}
	for _, f := range m.short {
		for off := 0; ; {
			i := strings.Index(d[off:], f)
			if i < 0 {
				break
			}
			mark(off+i, off+i+len(f))
			off += i + len(f)
		}
	}
	return spans
}

// unescape decodes in s the escapes a server may wrap a secret in, with
// strconv.UnquoteChar (Go's and JSON's \uXXXX, \xXX, \n, …) and any other
// \c as c (JSON's \/), URL's %XX, and HTML's character references (&#64;
// &#x2F; &amp; &Uuml;, closed by ';') that an HTML error page holds. It returns the result with, for each
// of its bytes, where in s the escape that gave it starts and ends; from is
// nil when s holds no escape.
func unescape(s string) (d string, from, to []int32) {
	if !strings.ContainsAny(s, `\%&`) {
		return s, nil, nil
	}
	b, from, to := make([]byte, 0, len(s)), make([]int32, 0, len(s)), make([]int32, 0, len(s))
	for i := 0; i < len(s); {
		n, w := len(b), 1
		switch c := s[i]; {
		case c == '%' && i+2 < len(s):
			if hi, lo := unhex(s[i+1]), unhex(s[i+2]); hi|lo < 16 { // no error allocated
				b, w = append(b, hi<<4|lo), 3
			} else {
				b = append(b, c)
			}
		case c == '&' && htmlRef(s[i:]) > 0:
			w = htmlRef(s[i:])
			b = append(b, html.UnescapeString(s[i:i+w])...)
		case c == '\\' && surrogatePair(s[i:]) >= 0: // JSON's \uD83D\uDD11
			b, w = utf8.AppendRune(b, surrogatePair(s[i:])), 12
		case c == '\\' && i+1 < len(s):
			r, multibyte, tail, err := strconv.UnquoteChar(s[i:], 0)
			switch {
			case err != nil:
				b, w = append(b, s[i+1]), 2
			case multibyte:
				b, w = utf8.AppendRune(b, r), len(s)-i-len(tail)
			default:
				b, w = append(b, byte(r)), len(s)-i-len(tail)
			}
		default:
			b = append(b, c)
		}
		for range len(b) - n {
			from, to = append(from, int32(i)), append(to, int32(i+w))
		}
		i += w
	}
	return string(b), from, to
}

// unhex returns the value of a hexadecimal digit, or 16 or more.
func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10
	}
	return 255
}

// htmlRef returns the length of the HTML character reference s starts
// with (up to its ';', at most 40 bytes: the longest named one is 33), or 0.
func htmlRef(s string) int {
	end := refEnd(s)
	if end < 2 || html.UnescapeString(s[:end+1]) == s[:end+1] {
		return 0
	}
	return end + 1
}

// surrogatePair returns the character that s starts with when it starts
// with a UTF-16 surrogate pair in JSON escapes (\uD83D\uDD11), else -1:
// an ASCII-only JSON encoder writes a character outside the Basic
// Multilingual Plane that way, and strconv.UnquoteChar refuses each half.
func surrogatePair(s string) rune {
	if len(s) < 12 || s[0] != '\\' || s[1] != 'u' || s[6] != '\\' || s[7] != 'u' {
		return -1
	}
	hi, err1 := strconv.ParseUint(s[2:6], 16, 16)
	lo, err2 := strconv.ParseUint(s[8:12], 16, 16)
	if err1 != nil || err2 != nil {
		return -1
	}
	if r := utf16.DecodeRune(rune(hi), rune(lo)); r != utf8.RuneError {
		return r
	}
	return -1
}

// refEnd returns the index of the ';' that closes the HTML character
// reference s starts with, "&" and a name or "&#" and a number, within 40
// bytes, or 0: an '&' that starts no reference takes in nothing after it.
func refEnd(s string) int {
	for i := 1; i < min(len(s), 40); i++ {
		switch c := s[i]; {
		case c == ';':
			return i
		case isAlnum(c) || c == '#' && i == 1:
		default:
			return 0
		}
	}
	return 0
}
