package wrapper

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

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
	// insertion sort by start: the list is short
	for i := 1; i < len(spans); i++ {
		for j := i; j > 0 && spans[j].from < spans[j-1].from; j-- {
			spans[j], spans[j-1] = spans[j-1], spans[j]
		}
	}
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

// secretForms returns every form in which the client sends or a server may
// echo each secret: as is, URL-encoded (a form body or query), path-escaped,
// JSON-escaped and Go-quoted (net/http quotes a malformed line with %q),
// longest first.
func secretForms(secrets ...string) []string {
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
		for _, esc := range []string{url.QueryEscape(sec), url.PathEscape(sec), javaURLEncode(sec)} {
			add(esc)
			add(lowerHex(esc)) // %2f as well as %2F
		}
		if j, err := json.Marshal(sec); err == nil {
			add(string(j[1 : len(j)-1]))
		}
		q := strconv.Quote(sec)
		add(q[1 : len(q)-1])
	}
	slices.SortFunc(forms, func(a, b string) int { return len(b) - len(a) })
	return forms
}

// javaURLEncode is Java's URLEncoder.encode (what a Spring server echoing a
// form value may write): like url.QueryEscape but '*' stays and '~' is %7E.
func javaURLEncode(s string) string {
	return strings.NewReplacer("%2A", "*", "~", "%7E").Replace(url.QueryEscape(s))
}

// lowerHex lower-cases the hex digits of %XX escapes.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			for j := i + 1; j <= i+2; j++ {
				if b[j] >= 'A' && b[j] <= 'F' {
					b[j] += 'a' - 'A'
				}
			}
		}
	}
	return string(b)
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

// redact is the one pass that every text leaving the client goes through
// (error strings, log attributes, and so the CLI's output): first the exact
// secrets the client sent, in every form (secretForms), then the values of
// the spec's personal-data and secret properties, then the heuristics of
// scrub.
func redact(s string, forms []string) string {
	return scrubJSONish(maskSecrets(s, forms))
}

// redactedError is an error whose text passes through redact; errors.Is and
// errors.As still see what it wraps.
type redactedError struct {
	err   error
	forms []string
}

func (e *redactedError) Error() string { return redact(e.err.Error(), e.forms) }
func (e *redactedError) Unwrap() error { return e.err }

// mask masks the secret forms in every server-supplied text of e, and keeps
// them so that Error masks its finished text too (quoting may form a secret
// anew).
func (e *APIError) mask(forms []string) {
	if len(forms) == 0 {
		return
	}
	e.secrets = append(e.secrets, forms...)
	m := func(s string) string { return maskSecrets(s, forms) }
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
}
