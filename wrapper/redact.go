package wrapper

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/oapi-codegen/nullable"

	"github.com/enkash-oss/enkash-go/api"
)

// redacted replaces a value that must not be printed.
const redacted = "[REDACTED]"

// oauthSecretKeys are the credentials of the OAuth2 protocol itself (RFC
// 6749), masked in body snippets next to the spec's secret properties: a
// token endpoint may echo them.
var oauthSecretKeys = []string{"client_secret", "clientSecret"}

// secretKeys are JSON keys whose values are masked in body snippets: the
// properties openapi.yaml marks as personal data (x-pii) or secrets
// (x-secret, format: password), and oauthSecretKeys.
var secretKeys = append(append(api.PersonalDataProperties(), api.SecretProperties()...), oauthSecretKeys...)

// isPIIField reports whether a field path such as "customerKeyContacts[1].mobile"
// ends in a property that openapi.yaml marks as personal data.
func isPIIField(path string) bool {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		path = path[i+1:]
	}
	if i := strings.IndexByte(path, '['); i >= 0 {
		path = path[:i]
	}
	return api.IsPersonalDataProperty(path)
}

// span is a half-open byte range to mask.
type span struct{ from, to int }

// scrub masks personal data in free text sent by the server (error messages,
// sub-error messages): e-mail addresses, runs of 7 or more digits (phone,
// account and contact numbers, allowing spaces, dashes and parentheses
// inside), and words shaped like a PAN, GSTIN or IFSC. It returns s unchanged,
// without allocating, when nothing needs masking.
func scrub(s string) string {
	if !strings.ContainsAny(s, "0123456789@") {
		return s
	}
	var spans []span
	spans = emailSpans(s, spans)
	spans = digitSpans(s, spans)
	spans = idWordSpans(s, spans)
	return applySpans(s, spans)
}

// scrubJSONish masks like scrub and also the values of secretKeys, for
// snippets of bodies that may be (broken) JSON.
func scrubJSONish(s string) string {
	var spans []span
	spans = keySpans(s, spans)
	spans = emailSpans(s, spans)
	spans = digitSpans(s, spans)
	spans = idWordSpans(s, spans)
	return applySpans(s, spans)
}

func isDelim(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '\f', '\v', ',', ';', '(', ')', '<', '>', '[', ']', '{', '}', '"', '\'', ':', '=', '\\':
		return true
	}
	return false
}

func emailSpans(s string, spans []span) []span {
	for i := 0; i < len(s); i++ {
		if s[i] != '@' {
			continue
		}
		l := i
		for l > 0 && !isDelim(s[l-1]) {
			l--
		}
		r := i + 1
		for r < len(s) && !isDelim(s[r]) {
			r++
		}
		if l < i && r > i+1 {
			spans = append(spans, span{l, r})
		}
		i = r - 1
	}
	return spans
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// digitSpans finds runs like "9876543210", "+91 98765 43210", "(080) 4123-4567".
// Digits inside an identifier — a word of letters, digits, '-' and '_' that
// has a letter, such as a customer id (KCDEMO0000000001), a request id (a
// UUID) or an ISO time (2019-08-24T14:15:22Z) — and a leading yyyy-MM-dd
// date are not personal data and stay readable.
func digitSpans(s string, spans []span) []span {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) && s[i] != '+' && s[i] != '(' {
			continue
		}
		if isDigit(s[i]) {
			if end, skip := identifierOrDate(s, i); skip {
				i = end - 1
				continue
			}
		}
		digits, lastDigit := 0, -1
		j := i
		for ; j < len(s); j++ {
			c := s[j]
			if isDigit(c) {
				digits++
				lastDigit = j
				continue
			}
			if c == ' ' || c == '-' || c == '(' || c == ')' || c == '+' || c == '.' {
				continue
			}
			break
		}
		if digits >= 7 {
			spans = append(spans, span{i, lastDigit + 1})
		}
		// Resume after the run: a start inside it would only find a subset
		// of its digits (already masked, or too few). Resuming at lastDigit
		// made a long run without digits, e.g. "++++…", quadratic.
		i = j - 1
	}
	return spans
}

func isWordByte(c byte) bool { return isAlnum(c) || c == '-' || c == '_' }

// identifierOrDate reports whether the digit at i belongs to an identifier
// (a word of isWordByte with a letter in it) or starts a yyyy-MM-dd date,
// and where that word or date ends.
func identifierOrDate(s string, i int) (end int, skip bool) {
	from := i
	for from > 0 && isWordByte(s[from-1]) {
		from--
	}
	end = i
	hasLetter := false
	for end < len(s) && isWordByte(s[end]) {
		if c := s[end]; (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') {
			hasLetter = true
		}
		end++
	}
	for k := from; k < i; k++ {
		if c := s[k]; (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') {
			hasLetter = true
		}
	}
	if hasLetter {
		return end, true
	}
	if e, ok := ipv4End(s, i); ok && from == i {
		return e, true // an address such as 127.0.0.1 is no phone number
	}
	if d := s[from:]; from == i && len(d) >= 10 && isDigit(d[0]) && isDigit(d[1]) && isDigit(d[2]) && isDigit(d[3]) &&
		d[4] == '-' && isDigit(d[5]) && isDigit(d[6]) && d[7] == '-' && isDigit(d[8]) && isDigit(d[9]) &&
		(len(d) == 10 || !isWordByte(d[10])) {
		return i + 10, true
	}
	return 0, false
}

// ipv4End reports whether a dotted quad (1–3 digits, four times) starts at
// i, and where it ends.
func ipv4End(s string, i int) (int, bool) {
	j := i
	for part := 0; part < 4; part++ {
		if part > 0 {
			if j >= len(s) || s[j] != '.' {
				return 0, false
			}
			j++
		}
		k := j
		for j < len(s) && j-k < 3 && isDigit(s[j]) {
			j++
		}
		if j == k {
			return 0, false
		}
	}
	if j < len(s) && (isDigit(s[j]) || s[j] == '.') {
		return 0, false
	}
	return j, true
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool { return isDigit(c) || isUpper(c) || (c >= 'a' && c <= 'z') }

// idWordSpans masks alphanumeric words containing a PAN ([A-Z]{5}[0-9]{4}[A-Z],
// which a GSTIN contains too) or shaped like an IFSC ([A-Z]{4}0[A-Z0-9]{6}).
func idWordSpans(s string, spans []span) []span {
	for i := 0; i < len(s); {
		if !isAlnum(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isAlnum(s[j]) {
			j++
		}
		w := s[i:j]
		if hasPAN(w) || isIFSC(w) {
			spans = append(spans, span{i, j})
		}
		i = j
	}
	return spans
}

func allUpperOrDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isUpper(s[i]) && !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func hasPAN(w string) bool {
	for k := 0; k+10 <= len(w); k++ {
		p := w[k : k+10]
		if isUpper(p[0]) && isUpper(p[1]) && isUpper(p[2]) && isUpper(p[3]) && isUpper(p[4]) &&
			isDigit(p[5]) && isDigit(p[6]) && isDigit(p[7]) && isDigit(p[8]) && isUpper(p[9]) {
			return true
		}
	}
	return false
}

func isIFSC(w string) bool {
	if len(w) != 11 || w[4] != '0' {
		return false
	}
	for k := 0; k < 4; k++ {
		if !isUpper(w[k]) {
			return false
		}
	}
	return allUpperOrDigit(w[5:])
}

// keySpans masks the value after each `"key"` of secretKeys: a string up to
// its closing quote (or the end), or a bare number/literal.
func keySpans(s string, spans []span) []span {
	for _, k := range secretKeys {
		q := `"` + k + `"`
		for off := 0; ; {
			i := strings.Index(s[off:], q)
			if i < 0 {
				break
			}
			j := off + i + len(q)
			off = j
			for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r') {
				j++
			}
			if j >= len(s) || s[j] != ':' {
				continue
			}
			j++
			for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r') {
				j++
			}
			if j >= len(s) {
				continue
			}
			start := j
			if s[j] == '"' {
				j++
				for j < len(s) && s[j] != '"' {
					if s[j] == '\\' {
						j++
					}
					j++
				}
				if j > len(s) {
					j = len(s)
				}
				spans = append(spans, span{start + 1, j})
				continue
			}
			for j < len(s) && s[j] != ',' && s[j] != '}' && s[j] != ']' && s[j] != '\n' {
				j++
			}
			if j > start {
				spans = append(spans, span{start, j})
			}
		}
	}
	return spans
}

// applySpans returns s with the (possibly overlapping) spans replaced by
// "[REDACTED]".
func applySpans(s string, spans []span) string {
	if len(spans) == 0 {
		return s
	}
	slices.SortFunc(spans, func(a, b span) int { return a.from - b.from })
	var b strings.Builder
	b.Grow(len(s))
	pos := 0
	for _, sp := range spans {
		if sp.to <= pos {
			continue
		}
		if sp.from >= pos {
			b.WriteString(s[pos:sp.from])
			b.WriteString(redacted)
		}
		pos = sp.to
	}
	b.WriteString(s[pos:])
	return b.String()
}

// snippetMax bounds APIError.Snippet.
const snippetMax = 256

// snippet returns the start of body: at most snippetMax bytes, cut on a rune
// boundary, invalid UTF-8 replaced, with the client's secrets (forms), then
// personal data and secret properties, then the heuristics masked — all on
// the whole body (already bounded by the response size limit) and before the
// cut, so no value straddling a cut is shown in part.
func snippet(body []byte, forms []string) string {
	if len(body) == 0 {
		return ""
	}
	s := redact(strings.ToValidUTF8(string(body), "\uFFFD"), forms)
	if len(s) > snippetMax {
		cut := snippetMax
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// minSecretLen is the shortest secret that can be masked in server text
// without masking ordinary words; options refuse shorter ones.
const minSecretLen = 4

// fragMin is the shortest piece of a secret masked wherever it appears: a
// token cut in two, one half per field, is masked in both.
const fragMin = 8

// secretForms returns the forms of each secret that masker.mask looks for,
// longest first: the secret, with its spaces as '+' (a form body or query),
// and in base64 — both alphabets, padded and not, and the part that encodes
// only the secret inside a longer base64 text, at each of the three offsets
// it may start at. Escaped forms (URL, JSON, Go quoting; any mix) need no
// entry: masker.mask decodes escapes before it looks.
func secretForms(secrets ...string) []string {
	if m := lastForms.Load(); m != nil && slices.Equal(m.in, secrets) {
		return m.out
	}
	var forms []string
	add := func(f string) {
		if len(f) >= minSecretLen && !slices.Contains(forms, f) {
			forms = append(forms, f)
		}
	}
	for _, sec := range secrets {
		if len(sec) < minSecretLen {
			continue
		}
		add(sec)
		add(strings.ReplaceAll(sec, " ", "+")) // a form body's spaces, for the escape decoder
		for _, f := range base64Forms(sec) {
			add(f)
		}
	}
	forms = slices.Clip(longestFirst(forms)) // an append copies: it is shared
	lastForms.Store(&formsMemo{slices.Clone(secrets), forms})
	return forms
}

// lastForms and lastMasker remember the last result of secretForms and
// maskerFor: a Client's calls share their secrets, and a call asking for
// ResponseMetadata has its request id redacted, success or not.
var (
	lastForms  atomic.Pointer[formsMemo]
	lastMasker atomic.Pointer[masker]
)

type formsMemo struct{ in, out []string }

// maskerFor returns a masker of forms (see masker.mask).
func maskerFor(forms []string) *masker {
	if m := lastMasker.Load(); m != nil && slices.Equal(m.forms, forms) {
		return m
	}
	m := newMasker(forms)
	lastMasker.Store(m)
	return m
}

// base64Forms returns sec in base64, both alphabets, padded and not, and
// the part that encodes only sec inside a longer base64 text starting 1 or
// 2 bytes off a 3-byte boundary (the characters that mix in other bits
// dropped).
func base64Forms(sec string) []string {
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

// longestFirst sorts forms longest first, so that a form inside a longer one
// leaves no rest of it unmasked.
func longestFirst(forms []string) []string {
	slices.SortFunc(forms, func(a, b string) int { return len(b) - len(a) })
	return forms
}

// maskSecrets replaces every form in forms found in s.
func maskSecrets(s string, forms []string) string {
	for _, f := range forms {
		if strings.Contains(s, f) {
			s = strings.ReplaceAll(s, f, redacted)
		}
	}
	return s
}

// masker masks secret forms (see maskAll); built once for many texts.
type masker struct {
	forms []string
	win   map[uint64]bool // every fragMin-byte window of a form
	short []string        // forms shorter than fragMin
}

func newMasker(forms []string) *masker {
	m := &masker{forms: forms, win: map[uint64]bool{}}
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
	return m
}

// mask masks in s each form, then — in s and in s with its JSON, Go and URL
// escapes decoded — every run of fragMin or more bytes of a form and each
// short form: one pass of a rolling window over the text, linear in its
// length.
func (m *masker) mask(s string) string {
	if len(m.forms) == 0 {
		return s
	}
	s = maskSecrets(s, m.forms)
	var spans []span
	for _, decode := range []bool{false, true} {
		d, from, to := s, []int32(nil), []int32(nil)
		if decode {
			if d, from, to = unescape(s); from == nil {
				break
			}
		}
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
	}
	return applySpans(s, spans)
}

// maskAll masks the secrets of forms in s: see masker.mask.
func maskAll(s string, forms []string) string { return maskerFor(forms).mask(s) }

// unescape decodes in s the escapes a server may wrap a secret in — JSON's
// \uXXXX and \/ (any \c), Go's \xXX, URL's %XX — and returns the result
// with, for each of its bytes, where in s the escape that gave it starts and
// ends. from is nil when s holds no escape.
func unescape(s string) (d string, from, to []int32) {
	if !strings.ContainsAny(s, `\%`) {
		return s, nil, nil
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		n, w := len(b), 1
		switch c := s[i]; {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b, w = append(b, byte(v)), 3
		case c == '\\' && i+5 < len(s) && s[i+1] == 'u' && isHex(s[i+2]) && isHex(s[i+3]) && isHex(s[i+4]) && isHex(s[i+5]):
			v, _ := strconv.ParseUint(s[i+2:i+6], 16, 16)
			b, w = utf8.AppendRune(b, rune(v)), 6
		case c == '\\' && i+3 < len(s) && s[i+1] == 'x' && isHex(s[i+2]) && isHex(s[i+3]):
			v, _ := strconv.ParseUint(s[i+2:i+4], 16, 8)
			b, w = append(b, byte(v)), 4
		case c == '\\' && i+1 < len(s):
			b, w = append(b, s[i+1]), 2
			if k := strings.IndexByte("ntrbf", s[i+1]); k >= 0 {
				b[n] = "\n\t\r\b\f"[k]
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

func isHex(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// redact is the one pass that every text leaving the client goes through
// (error strings, log attributes, and so the CLI's output): first the exact
// secrets the client sent, in every form, and their fragments (maskAll),
// then the values of the spec's personal-data and secret properties, then
// the heuristics of scrub.
func redact(s string, forms []string) string {
	return scrubJSONish(maskAll(s, forms))
}

// redactedError stands in an error tree for an error that printed a secret
// or personal data: its text redacted, what it wrapped sanitised, so that
// errors.Is and errors.As still see the sentinels and types below it.
type redactedError struct {
	msg  string
	errs []error
}

func (e *redactedError) Error() string   { return e.msg }
func (e *redactedError) Unwrap() []error { return e.errs }

// redactErr returns err with every error in its tree that prints (with %v,
// %+v or %#v) a secret of forms or personal data replaced by a sanitised
// copy: a *url.Error or *net.OpError by a copy of its own type with its URL
// redacted, an *APIError by a copy, others by a redactedError. Errors that
// print nothing to mask are kept as they are.
func redactErr(err error, forms []string) error {
	e, _ := sanitize(err, maskerFor(forms))
	return e
}

func sanitize(err error, m *masker) (error, bool) {
	if err == nil {
		return nil, false
	}
	var kids []error
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		kids = u.Unwrap()
	case interface{ Unwrap() error }:
		if k := u.Unwrap(); k != nil {
			kids = []error{k}
		}
	}
	clean, changed := make([]error, len(kids)), false
	for i, k := range kids {
		var c bool
		clean[i], c = sanitize(k, m)
		changed = changed || c
	}
	var inner error
	if len(clean) == 1 {
		inner = clean[0]
	}
	switch e := err.(type) {
	case *APIError: // its texts are masked when it is made
		if !changed {
			return err, false
		}
		cp := *e
		cp.Err = inner
		return &cp, true
	case *ValidationError: // names fields and rules, never values
		return err, false
	}
	text := fmt.Sprintf("%v\x00%+v\x00%#v", err, err, err)
	if !changed && scrubJSONish(m.mask(text)) == text {
		return err, false
	}
	switch e := err.(type) {
	case *url.Error:
		return &url.Error{Op: e.Op, URL: scrubJSONish(m.mask(e.URL)), Err: inner}, true
	case *net.OpError:
		cp := *e
		cp.Err = inner
		return &cp, true
	}
	return &redactedError{scrubJSONish(m.mask(err.Error())), clean}, true
}

// mask masks the secret forms in every server-supplied text of e, before
// any heuristic runs (Error applies those), and sanitises Err.
func (e *APIError) mask(forms []string) {
	mk := maskerFor(forms)
	m := mk.mask
	e.ErrorType = api.ErrorType(m(string(e.ErrorType)))
	e.ErrorMessage = m(e.ErrorMessage)
	e.ResponseMessage = m(e.ResponseMessage)
	e.Snippet = m(e.Snippet)
	e.RequestID = m(e.RequestID)
	e.RawTimestamp = m(e.RawTimestamp)
	for i := range e.SubErrors {
		se := &e.SubErrors[i]
		se.Object, se.Field, se.Message = m(se.Object), m(se.Field), m(se.Message)
		if v, ok := se.RejectedValue.(string); ok {
			se.RejectedValue = m(v)
		}
	}
	e.Err, _ = sanitize(e.Err, mk)
}

// maskSubErrors returns a copy of in with the secrets of forms masked in
// every text, for subErrors to run its heuristics on.
func maskSubErrors(in []api.ApiSubError, forms []string) []api.ApiSubError {
	m := maskerFor(forms)
	out := slices.Clone(in)
	for i := range out {
		s := &out[i]
		for _, p := range []**string{&s.Object, &s.Field, &s.Message} {
			if *p != nil {
				*p = new(m.mask(**p))
			}
		}
		if v, ok := s.RejectedValue[true].(string); ok {
			s.RejectedValue = nullable.NewNullableWithValue[any](m.mask(v))
		}
	}
	return out
}
