package redact

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Redacted replaces a value that must not be printed.
const Redacted = "[REDACTED]"

// span is a half-open byte range to mask.
type span struct{ from, to int }

// Scrub masks personal data in free text by its shape: e-mail addresses,
// runs of 7 or more digits (phone, account and contact numbers, allowing
// spaces, dashes, dots and parentheses inside), and words holding a PAN
// (which a GSTIN holds too) or shaped like an IFSC. Digits inside an
// identifier (a word with a letter: KCDEMO0000000001, a UUID, an ISO time),
// a leading yyyy-MM-dd date and an IPv4 address stay readable. It returns s
// unchanged, without allocating, when nothing needs masking.
func Scrub(s string) string {
	if !strings.ContainsAny(s, "0123456789@") {
		return s
	}
	return apply(s, heuristics(s, nil))
}

func heuristics(s string, spans []span) []span {
	return idWordSpans(s, digitSpans(s, emailSpans(s, spans)))
}

// Policy masks, besides what Scrub masks, the values of named keys in text
// that may be (broken) JSON, JSON quoted in JSON, or a Java toString: a
// server's error body, a message quoting one.
type Policy struct {
	keys *regexp.Regexp // "key": (group 1) or key= / key: (group 2), the value after the match
}

// NewPolicy returns a Policy masking the values of keys (exact spelling).
func NewPolicy(keys ...string) *Policy {
	if len(keys) == 0 {
		return &Policy{}
	}
	quoted := make([]string, len(keys))
	for i, k := range keys {
		quoted[i] = regexp.QuoteMeta(k)
	}
	alt := strings.Join(quoted, "|")
	return &Policy{regexp.MustCompile(`"(?:` + alt + `)"(\s*:\s*)|\b(?:` + alt + `)(\s*[=:]\s*)`)}
}

// Text masks in s, and in s with its escapes decoded (JSON quoted inside
// JSON, a key spelled with escapes), the value after each of the policy's
// keys — "key": in JSON, key=value or key: value in other text — and what
// Scrub masks. A value is a string up to its closing quote (or the end),
// an array or object up to its matching bracket (or the end), or else a
// bare literal: up to the next , } ] or line end after "key":, up to the
// next space or , ; ) } ] & after key= or key:.
func (p *Policy) Text(s string) string {
	var spans []span
	if p.keys != nil {
		spans = p.keySpans(s, nil, nil, spans)
		if d, from, to := unescape(s); from != nil {
			spans = p.keySpans(d, from, to, spans)
		}
	}
	return apply(s, heuristics(s, spans))
}

// keySpans adds the spans of the values of the policy's keys in d, mapped
// back to the text d was decoded from by from and to (nil: d is that text).
// A key inside a value already masked is skipped: each byte is scanned once.
func (p *Policy) keySpans(d string, from, to []int32, spans []span) []span {
	end := 0
	for _, m := range p.keys.FindAllStringSubmatchIndex(d, -1) {
		if m[0] < end {
			continue
		}
		stops := ",}]\n"
		if m[2] == -1 { // key= or key:
			stops = ", \t\r\n;)}]&"
		}
		a, b := valueSpan(d, m[1], stops)
		if end = b; a < b {
			if from != nil {
				a, b = int(from[a]), int(to[b-1])
			}
			spans = append(spans, span{a, b})
		}
	}
	return spans
}

// valueSpan returns the span of the value that starts at s[i]: a quoted
// string's content, an array or object whole (brackets in strings ignored),
// else a bare literal up to a byte of stops; each ends at the end of s if
// it is not closed.
func valueSpan(s string, i int, stops string) (from, to int) {
	if i >= len(s) {
		return i, i
	}
	switch q := s[i]; q {
	case '"', '\'':
		for j := i + 1; j < len(s); j++ {
			if s[j] == '\\' {
				j++
			} else if s[j] == q {
				return i + 1, j
			}
		}
		return i + 1, len(s)
	case '[', '{':
		depth, inStr := 0, false
		for j := i; j < len(s); j++ {
			switch c := s[j]; {
			case inStr && c == '\\':
				j++
			case c == '"':
				inStr = !inStr
			case inStr:
			case c == '[' || c == '{':
				depth++
			case c == ']' || c == '}':
				if depth--; depth == 0 {
					return i, j + 1
				}
			}
		}
		return i, len(s)
	}
	j := i
	for j < len(s) && strings.IndexByte(stops, s[j]) < 0 {
		j++
	}
	return i, j
}

func isDigit(c byte) bool    { return '0' <= c && c <= '9' }
func isAlnum(c byte) bool    { return isDigit(c) || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' }
func isWordByte(c byte) bool { return isAlnum(c) || c == '-' || c == '_' }

// emailSpans masks each word with '@' inside it, up to the delimiters.
func emailSpans(s string, spans []span) []span {
	if strings.IndexByte(s, '@') < 0 {
		return spans
	}
	for _, m := range emailRe.FindAllStringIndex(s, -1) {
		spans = append(spans, span{m[0], m[1]})
	}
	return spans
}

// digitSpans masks runs like "9876543210", "+91 98765 43210",
// "(080) 4123-4567" with 7 or more digits, except identifiers and dates
// (see identifierOrDate).
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
		digits, lastDigit, j := 0, i, i
		for ; j < len(s) && (isDigit(s[j]) || strings.IndexByte(" -()+.", s[j]) >= 0); j++ {
			if isDigit(s[j]) {
				digits, lastDigit = digits+1, j
			}
		}
		if digits >= 7 {
			spans = append(spans, span{i, lastDigit + 1})
		}
		// Resume after the run: a start inside it would only find a subset
		// of its digits. Resuming at lastDigit made a long run without
		// digits, e.g. "++++…", quadratic.
		i = j - 1
	}
	return spans
}

var (
	emailRe    = regexp.MustCompile(`[^\s\v,;()<>\[\]{}"':=\\]+@[^\s\v,;()<>\[\]{}"':=\\]+`)
	datePrefix = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}`)
	ipv4Prefix = regexp.MustCompile(`^(?:[0-9]{1,3}\.){3}[0-9]{1,3}`)
	panRe      = regexp.MustCompile(`[A-Z]{5}[0-9]{4}[A-Z]`)
	ifscRe     = regexp.MustCompile(`^[A-Z]{4}0[A-Z0-9]{6}$`)
)

// identifierOrDate reports whether the digit at i belongs to an identifier
// (a word of isWordByte with a letter in it), or starts a yyyy-MM-dd date or
// a dotted quad such as 127.0.0.1, and where that ends.
func identifierOrDate(s string, i int) (end int, skip bool) {
	from, end := i, i
	for from > 0 && isWordByte(s[from-1]) {
		from--
	}
	for end < len(s) && isWordByte(s[end]) {
		end++
	}
	if strings.ContainsFunc(s[from:end], unicode.IsLetter) { // ASCII: word bytes only
		return end, true
	}
	if from != i {
		return 0, false
	}
	if m := ipv4Prefix.FindStringIndex(s[i:]); m != nil && (i+m[1] == len(s) || !isDigit(s[i+m[1]]) && s[i+m[1]] != '.') {
		return i + m[1], true
	}
	if datePrefix.MatchString(s[i:]) && (i+10 == len(s) || !isWordByte(s[i+10])) {
		return i + 10, true
	}
	return 0, false
}

// idWordSpans masks alphanumeric words holding a PAN ([A-Z]{5}[0-9]{4}[A-Z],
// which a GSTIN holds too) or shaped like an IFSC ([A-Z]{4}0[A-Z0-9]{6}).
func idWordSpans(s string, spans []span) []span {
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) {
			continue
		}
		j := i
		for j < len(s) && isAlnum(s[j]) {
			j++
		}
		if w := s[i:j]; len(w) >= 10 && (panRe.MatchString(w) || ifscRe.MatchString(w)) {
			spans = append(spans, span{i, j})
		}
		i = j
	}
	return spans
}

// apply returns s with the (possibly overlapping) spans replaced by
// Redacted.
func apply(s string, spans []span) string {
	if len(spans) == 0 {
		return s
	}
	slices.SortFunc(spans, func(a, b span) int { return a.from - b.from })
	var b strings.Builder
	b.Grow(len(s))
	pos := -1 // the end of the spans masked so far; -1: none yet
	for _, sp := range spans {
		if sp.from > pos { // else it overlaps or touches the last: one mask
			b.WriteString(s[max(pos, 0):sp.from])
			b.WriteString(Redacted)
		}
		pos = max(pos, sp.to)
	}
	b.WriteString(s[pos:])
	return b.String()
}
