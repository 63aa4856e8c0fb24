package redact

import (
	"encoding/base64"
	"fmt"
	"html"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
)

const token = "tok/1234567890/SeCrEt+xyzQ"

func mask(s string, secrets ...string) string { return For(Forms(secrets...)).Mask(s) }

// TestMasker_EveryEncoding: every form in which a client sends or a server
// may echo a secret is masked: as is, URL-encoded (a form body or query,
// upper- or lower-case hex), path-escaped, Java's URLEncoder form,
// JSON-escaped, Go-quoted, and base64 in both alphabets, padded or not, or
// inside longer base64 text.
func TestMasker_EveryEncoding(t *testing.T) {
	const sec = "pw <a b>/*~\t\x01é?"
	for name, f := range map[string]string{
		"as is":          sec,
		"query":          "pw+%3Ca+b%3E%2F%2A~%09%01%C3%A9%3F",
		"query, lower":   "pw+%3ca+b%3e%2f%2a~%09%01%c3%a9%3f",
		"path":           "pw%20%3Ca%20b%3E%2F%2A~%09%01%C3%A9%3F",
		"java":           "pw+%3Ca+b%3E%2F*%7E%09%01%C3%A9%3F",
		"java, lower":    "pw+%3ca+b%3e%2f*%7e%09%01%c3%a9%3f",
		"json":           `pw \u003ca b\u003e/*~\t\u0001é?`,
		"json \\/":       `pw <a b>\/*~\t\u0001\u00e9?`,
		"go-quoted":      `pw <a b>/*~\t\x01é?`,
		"base64":         base64.StdEncoding.EncodeToString([]byte(sec)),
		"base64 raw":     base64.RawStdEncoding.EncodeToString([]byte(sec)),
		"base64url":      base64.URLEncoding.EncodeToString([]byte(sec)),
		"base64url raw":  base64.RawURLEncoding.EncodeToString([]byte(sec)),
		"base64 shifted": base64.RawStdEncoding.EncodeToString([]byte("x:" + sec))[3:],
	} {
		got := mask("echo "+f+" end", sec)
		assert.True(t, strings.HasPrefix(got, "echo "+Redacted) && strings.HasSuffix(got, " end"), "%s: %s", name, got)
		assert.NotContains(t, got, f[3:11], name)
	}
}

// TestMasker_FragmentsOnly8Plus: runs of 8 or more bytes of a secret are
// masked, escaped too, shorter ones are not (ordinary words share 7-byte
// runs with secrets); a secret shorter than 8 is masked whole only, and one
// under MinSecretLen not at all.
func TestMasker_FragmentsOnly8Plus(t *testing.T) {
	for in, want := range map[string]string{
		"a " + token[3:11] + " b":    "a " + Redacted + " b",
		"a " + token[3:10] + " b":    "a " + token[3:10] + " b",
		`a tok\/1234567890\/SeCr b`:  "a " + Redacted + " b",
		`a \u0074\u006fk/1234 b`:     "a " + Redacted + " b",
		"a " + token[:9] + token[:9]: "a " + Redacted,
		token[3:11] + " b":           Redacted + " b", // the text's first window
	} {
		assert.Equal(t, want, mask(in, token), in)
	}
	assert.Equal(t, "a "+Redacted+" b", mask(`a pw\/1 b`, "pw/1"))
	assert.Equal(t, "a "+Redacted+" b", mask(`a \u0070w/1 b`, "pw/1"))
	assert.Equal(t, "a "+Redacted+" b", mask(`a pw%2F1 b`, "pw/1"))
	assert.Equal(t, "a pw/ b", mask("a pw/ b", "pw/1"))
	assert.Equal(t, "a "+Redacted, mask("a pw1%2F", "pw1/"), "an escape ending the text")
	assert.Equal(t, "a "+Redacted, mask(`a pw1\/`, "pw1/"), "an escape ending the text")
	assert.Equal(t, "a "+Redacted, For([]string{"one-form"}).Mask("a one-form"), "a single form")
	assert.Equal(t, "a "+Redacted+"9 b", mask("a pw/12349 b", "pw/1234"), "7 bytes: masked whole")
	shifted := base64.RawStdEncoding.EncodeToString([]byte("x" + "pw/1234")) // 8 characters encode only the secret
	assert.NotContains(t, mask("b64 "+shifted, "pw/1234"), shifted[2:10])
	assert.Equal(t, "a pw1 b", mask("a pw1 b", "pw1"), "shorter than MinSecretLen")
	assert.Equal(t, Redacted+" b "+Redacted+" c", mask("pw/1 b pw/1 c", "pw/1"), "a short form at the start, twice")
	assert.Equal(t, "a "+Redacted, mask("a "+token+token, token), "adjacent runs: one mask")
	assert.Equal(t, "a pw1 "+Redacted, mask("a pw1 secret-two", "pw1", "secret-two"), "a short secret skipped, the next kept")
	assert.Empty(t, Forms("pw1"))
	big := strings.Repeat(`x\u0074`+token[1:8]+"%2", 1<<16)
	assert.NotContains(t, mask(big, token), token[1:8])
}

// TestMasker_SecretInsideAnother: a secret inside a longer one leaves no
// rest of the longer, and spaces sent as '+' are masked too.
func TestMasker_SecretInsideAnother(t *testing.T) {
	assert.Equal(t, "t="+Redacted, mask("t=xyzabcd1234", "abcd", "xyzabcd1234"))
	assert.Equal(t, "p="+Redacted+"&x", mask("p=horse+battery+staple&x", "horse battery staple"))
}

// TestForms_Memo: the same secrets give the same (shared) forms, and
// different ones their own.
func TestForms_Memo(t *testing.T) {
	a := Forms(token)
	assert.Equal(t, &a[0], &Forms(token)[0])
	b := Forms("another-secret")
	assert.False(t, slices.Equal(a, b))
	assert.Contains(t, b, "another-secret")
	assert.Same(t, For(b), For(b))
}

// TestPolicy_RedactSecretsBeforeHeuristics: a secret with a digit run is
// masked whole, not cut by the digit heuristic with its ends left over.
func TestPolicy_RedactSecretsBeforeHeuristics(t *testing.T) {
	p := NewPolicy()
	assert.Equal(t, "bad password: "+Redacted, p.Redact("bad password: horse 98765432 staple", Forms("horse 98765432 staple")))
	assert.Equal(t, "bad token "+Redacted+" refused", p.Redact("bad token "+token+" refused", Forms(token)))
}

// TestMasker_JSONSurrogatePairs: a JSON encoder that escapes every
// non-ASCII character (Python's json.dumps, Jackson's ESCAPE_NON_ASCII)
// writes a character outside the Basic Multilingual Plane as a UTF-16
// surrogate pair, \ud83d\udd11: the pair is one character of the secret,
// and a secret made of such characters is masked like any other.
func TestMasker_JSONSurrogatePairs(t *testing.T) {
	for name, sec := range map[string]string{
		"only astral characters": "\U0001F511\U0001F512\U0001F513\U0001F510",
		"astral between ascii":   "ab\U0001F511cd\U0001F512ef\U0001F513gh",
		"astral and latin-1 mix": "\u00e4\U0001F511\u00f6\U0001F512",
	} {
		var esc strings.Builder
		for _, r := range sec {
			if r < 0x80 {
				esc.WriteRune(r)
				continue
			}
			for _, u := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&esc, `\u%04x`, u)
			}
		}
		got := mask(`{"error_description":"bad password `+esc.String()+`"}`, sec)
		assert.NotContains(t, got, esc.String(), name)
		assert.Contains(t, got, Redacted, name)
	}
}

// TestMasker_HTMLEntities: a proxy's or gateway's HTML error page echoes
// what it was sent with HTML's character references (&#64; &#x2F; &amp;
// &Uuml;): a secret behind them is masked like one behind URL or JSON
// escapes.
func TestMasker_HTMLEntities(t *testing.T) {
	const sec = "p@ss w0rd/Über-42&<x>"
	for name, f := range map[string]string{
		"decimal":           "p&#64;ss w0rd&#47;&#220;ber-42&#38;&#60;x&#62;",
		"hex":               "p&#x40;ss w0rd&#x2F;&#xDC;ber-42&#x26;&#x3C;x&#x3E;",
		"named":             "p@ss w0rd/&Uuml;ber-42&amp;&lt;x&gt;",
		"html.EscapeString": html.EscapeString(sec),
	} {
		got := mask("<pre>"+f+"</pre>", sec)
		assert.Equal(t, "<pre>"+Redacted+"</pre>", got, name)
	}
}

// TestMasker_MalformedEscapes: an escape that is cut short or broken (a
// stray '%', a backslash ending the text, a \u escape cut off, a surrogate
// pair ending the text) neither panics nor hides the escape after it: the
// secret behind the next escape is still masked, and a text with nothing
// to mask comes back as it was.
func TestMasker_MalformedEscapes(t *testing.T) {
	for _, tt := range []struct{ name, in, sec, want string }{
		{"a stray % before an escape", "a %4%70w/1 b", "pw/1", "a %4" + Redacted + " b"},
		{"a stray % before an escape, hex digit second", "a %%4%70w/1 b", "pw/1", "a %%4" + Redacted + " b"},
		{"a backslash ending the text", `tail \`, "pw/1", `tail \`},
		{"a backslash ending the text after a secret", `pw/1 \`, "pw/1", Redacted + ` \`},
		{"a \\u escape cut off", `x \u00`, "pw/1", `x \u00`},
		{"a \\u escape cut off after two", `x \u`, "pw/1", `x \u`},
		{"a surrogate pair ending the text", `x ab\ud83d\udd11`, "ab\U0001F511", "x " + Redacted},
		{"a broken \\u escape before one", `a \uZZZZ\u0070w/1 b`, "pw/1", `a \uZZZZ` + Redacted + " b"},
		{"two \\u escapes that are no surrogate pair", `a \u0070\u0077/1 b`, "pw/1", "a " + Redacted + " b"},
		{"an & that starts no reference", "a &pw/1; b", "pw/1", "a &" + Redacted + "; b"},
		{"a bare & before an escape and a reference", `a & \u0070w/1 &amp; b`, "pw/1", "a & " + Redacted + " &amp; b"},
		{"a query's & before an escape and a reference", "?a=1&t=%70w%2f1&amp;x", "pw/1", "?a=1&t=" + Redacted + "&amp;x"},
		{"a name with no ; before an escape", "x&para=1&t=%70w%2f1; y", "pw/1", "x&para=1&t=" + Redacted + "; y"},
		{"a bare & right before a reference", "pw/1&&amp;x", "pw/1&", Redacted + "&amp;x"},
	} {
		assert.Equal(t, tt.want, mask(tt.in, tt.sec), tt.name)
	}
}

// TestBase64Forms_MaskOnlyTheSecretsOwnCharacters: inside longer base64
// text, the characters that encode bits of the secret only are masked,
// whatever bytes precede or follow it; the characters that mix its bits
// with its neighbours' stay, as the neighbours are no secret.
func TestBase64Forms_MaskOnlyTheSecretsOwnCharacters(t *testing.T) {
	const sec = "pw/1234567890"
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		for k := 1; k <= 2; k++ {
			lo := enc.EncodeToString([]byte(strings.Repeat("\x00", k) + sec + "\x00\x00"))
			hi := enc.EncodeToString([]byte(strings.Repeat("\xff", k) + sec + "\xff\xff"))
			start, end := -1, -1 // the characters the neighbours do not change
			for i := range lo {
				if lo[i] == hi[i] {
					if start < 0 {
						start = i
					}
					end = i + 1
				}
			}
			for _, text := range []string{lo, hi} {
				assert.Equal(t, text[:start]+Redacted+text[end:], mask(text, sec), "offset %d: %s", k, text)
			}
		}
	}
}

// TestUnhex_AgreesWithStrconv: unhex reads every byte as strconv reads a
// one-digit hexadecimal number: its value, or 16 or more when it is none.
func TestUnhex_AgreesWithStrconv(t *testing.T) {
	for c := range 256 {
		want := uint64(255)
		if v, err := strconv.ParseUint(string(rune(c)), 16, 8); err == nil {
			want = v
		}
		got := unhex(byte(c))
		if want < 16 {
			assert.Equal(t, want, uint64(got), "%q", c)
		} else {
			assert.GreaterOrEqual(t, got, byte(16), "%q", c)
		}
	}
}

// TestMasker_AdjacentSecretsOneMask: secrets that follow one another with
// nothing between them are one masked run, whatever the order of the
// secrets and whether each is masked whole or by its windows.
func TestMasker_AdjacentSecretsOneMask(t *testing.T) {
	for _, tt := range []struct {
		in      string
		secrets []string
	}{
		{"abcdefghij", []string{"abcdef", "abcd", "ghij"}},
		{"abcdefghij", []string{"ghij", "abcd", "abcdef"}},
		{"ijklabcdefgh", []string{"ijkl", "abcdefgh"}},
		{"ijklabcdefgh", []string{"abcdefgh", "ijkl"}},
	} {
		assert.Equal(t, "x "+Redacted+" y", mask("x "+tt.in+" y", tt.secrets...), "%q %q", tt.in, tt.secrets)
	}
}
