package redact

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestScrub_MasksPersonalData: e-mail addresses, runs of 7 or more digits,
// PAN, GSTIN and IFSC are masked; identifiers, dates, times, short numbers
// and IPv4 addresses stay readable.
func TestScrub_MasksPersonalData(t *testing.T) {
	for in, want := range map[string]string{
		"customer not found":                                  "customer not found",
		"mail asha.rao@acme.example now":                      "mail [REDACTED] now",
		"mobile +91 98765 43210.":                             "mobile [REDACTED].",
		"pin 560058":                                          "pin 560058",
		"call 4123456 now":                                    "call [REDACTED] now",
		"six 412345 digits":                                   "six 412345 digits",
		"pin 560001 ok":                                       "pin 560001 ok",
		"contact a.9876543210.b@x.example today":              "contact [REDACTED] today",
		"PAN ABCDE1234F, GSTIN 29ABCDE1234F1Z5":               "PAN [REDACTED], GSTIN [REDACTED]",
		"IFSC HDFC0000123":                                    "IFSC [REDACTED]",
		"not IFSC HDFC1000123 nor HDFC0000123X":               "not IFSC HDFC1000123 nor HDFC0000123X",
		"customer KCABCDEFGH123456":                           "customer KCABCDEFGH123456",
		"customer KCDEMO0000000001":                           "customer KCDEMO0000000001",
		"request 832eb75c-4cec-420c-a7fb-cb1234567890 failed": "request 832eb75c-4cec-420c-a7fb-cb1234567890 failed",
		"at 2025-11-20 16:45:00 IST":                          "at 2025-11-20 16:45:00 IST",
		"at 2019-08-24T14:15:22Z":                             "at 2019-08-24T14:15:22Z",
		"account 50100234567890":                              "account [REDACTED]",
		"call +91-98765-43210":                                "call [REDACTED]",
		"a/c 2025-11-20-50100234567890":                       "a/c [REDACTED]",
		"date 2025-11-20 then 9876543210":                     "date 2025-11-20 then [REDACTED]",
		"dial 127.0.0.1 or 10.1.2.3":                          "dial 127.0.0.1 or 10.1.2.3",
		"call (080) 4123-4567 now":                            "call [REDACTED] now",
		"call 9876543,9876543":                                "call [REDACTED],[REDACTED]",
		"dial 10.100.200.30 now":                              "dial 10.100.200.30 now",
		"v 1.2.3.4.5.6.7 is no address":                       "v [REDACTED] is no address",
		"due 2025-11-20":                                      "due 2025-11-20",
		"@team: mail a@x.example, b@y.example":                "@team: mail [REDACTED], [REDACTED]",
		"id KC1 9876543 after an identifier":                  "id KC1 [REDACTED] after an identifier",
		"ids a9876543 z9876543 A9876543 Z9876543 ok":          "ids a9876543 z9876543 A9876543 Z9876543 ok", // a letter makes an identifier
		"ids 9876543a 9876543z 9876543A 9876543Z ok":          "ids 9876543a 9876543z 9876543A 9876543Z ok",
		"_2025-11-20 9876543 is one run":                      "_[REDACTED] is one run", // a date only at a word's start
		"not an address 1.2.3.4567 ok":                        "not an address [REDACTED] ok",
		"call +91 98765-43210 or ++(":                         "call [REDACTED] or ++(",
	} {
		assert.Equal(t, want, Scrub(in), in)
	}
}

// TestPolicy_TextMasksKeyValues: the value after a policy key (a string up
// to its closing quote or the end, or a bare literal) is masked, with what
// Scrub masks; other keys' values stay.
func TestPolicy_TextMasksKeyValues(t *testing.T) {
	p := NewPolicy("mobile", "accountNumber", "email", "client_secret")
	for in, want := range map[string]string{
		`{"mobile":"98765","x":1}`:                        `{"mobile":"[REDACTED]","x":1}`,
		`{"accountNumber": 123}`:                          `{"accountNumber": [REDACTED]}`,
		`{"accountNumber" :	true]`:                        `{"accountNumber" :	[REDACTED]]`,
		`{"email":"a\"b@c`:                                `{"email":"[REDACTED]`,
		`{"client_secret":"s3","error":"invalid_client"}`: `{"client_secret":"[REDACTED]","error":"invalid_client"}`,
		`{"mobile" "x", "mobile":` + "\n":                 `{"mobile" "x", "mobile":` + "\n",
		`{"name":"Asha","mobile":"1","mobile":"2"}`:       `{"name":"Asha","mobile":"[REDACTED]","mobile":"[REDACTED]"}`,
	} {
		assert.Equal(t, want, p.Text(in), in)
	}
	assert.Equal(t, `{"":"x","a":1}`, NewPolicy().Text(`{"":"x","a":1}`), "no key, nothing masked")
}

// TestPolicy_SnippetMasksValueStraddlingTheCut: the body is masked whole
// before the cut, so a value across the cut shows no part of it.
func TestPolicy_SnippetMasksValueStraddlingTheCut(t *testing.T) {
	const mobile, max = "9876543210", 64
	head := `{"message":"call `
	body := head + strings.Repeat("x", max-6-len(head)) + " " + mobile + ` now"}`
	s := NewPolicy().Snippet([]byte(body), nil, max)
	assert.LessOrEqual(t, len(s), max+len("…"))
	assert.True(t, strings.HasSuffix(s, "…"))
	assert.NotContains(t, s, mobile[:5])
	assert.Equal(t, "abc…", NewPolicy().Snippet([]byte("abcd"), nil, 3), "at most max bytes")
	assert.Equal(t, "abcd", NewPolicy().Snippet([]byte("abcd"), nil, 4))
	assert.Equal(t, "x", NewPolicy().Snippet([]byte("x"), nil, 4))
	assert.Empty(t, NewPolicy().Snippet(nil, nil, 4))
	assert.Equal(t, "é…", NewPolicy().Snippet([]byte("éé"), nil, 3), "cut on a rune boundary")
	assert.Equal(t, "…", NewPolicy().Snippet([]byte("éé"), nil, 1), "cut on a rune boundary")
	assert.Equal(t, "\uFFFD"+Redacted, NewPolicy().Snippet([]byte("é-secret"), Forms("\xa9-secret"), 64), "a mask cutting a rune")
	assert.Equal(t, "a\uFFFDb", NewPolicy().Snippet([]byte("a\xffb"), nil, 10), "invalid UTF-8 replaced")
}

// TestPolicy_TextMasksKeyValuesInEveryShape: the value of a named key is
// masked in every shape a server writes it in, not only as the first
// string after "key": — every element of an array (the spec's
// contactNumber is an array of x-pii strings), JSON quoted inside a JSON
// string (an error message carrying the request it refused), a key
// spelled with JSON escapes, and Java's toString "key=value" (Lombok,
// Spring's messages).
func TestPolicy_TextMasksKeyValuesInEveryShape(t *testing.T) {
	const v1, v2 = "ACCT-QX-4471-ZZ", "PHONE-D-E-F"
	p := NewPolicy("accountNumber", "contactNumber")
	for name, in := range map[string]string{
		"every element of an array":   `{"contactNumber":["` + v1 + `","` + v2 + `"]}`,
		"JSON inside a JSON string":   `{"message":"cannot apply {\"accountNumber\":\"` + v1 + `\"}"}`,
		"key with a JSON escape":      `{"account\u004eumber":"` + v1 + `"}`,
		"Java toString key=value":     `CustomerDTO(accountNumber=` + v1 + `, legalName=Acme)`,
		"second element, then others": `{"contactNumber":["x","` + v2 + `"],"a":1}`,
	} {
		got := p.Text(in)
		assert.NotContains(t, got, v1, name)
		assert.NotContains(t, got, v2, name)
	}
}

// TestPolicy_TextMasksExactlyTheValue: the mask covers the value and
// nothing around it — a bare value after key= or key: ends at a space or
// punctuation, one after "key": at a comma or bracket (so it may hold
// spaces); a value found in the decoded text maps back to its escaped
// bytes; a key right after a value's closing quote is masked; a key inside
// a masked value is skipped, and a key after it still masked.
func TestPolicy_TextMasksExactlyTheValue(t *testing.T) {
	p := NewPolicy("mobile", "email")
	tests := []struct{ name, in, want string }{
		{"key= stops at a space", `mobile=Asha Rao; x`, `mobile=[REDACTED] Rao; x`},
		{"key: stops at a semicolon", `mobile: Asha;Rao`, `mobile: [REDACTED];Rao`},
		{`"key": bare value holds spaces`, `{"mobile": Asha Rao, "x":1}`, `{"mobile": [REDACTED], "x":1}`},
		{"escaped value maps back", `{"mob\u0069le":"As\u0068a","x":1}`, `{"mob\u0069le":"[REDACTED]","x":1}`},
		{"key right after a closing quote", `{"email":"a"mobile":"Asha"}`, `{"email":"[REDACTED]"mobile":"[REDACTED]"}`},
		{"key inside a value, then a key", `{"email":"mobile=Q","mobile":"Asha"}`, `{"email":"[REDACTED]","mobile":"[REDACTED]"}`},
		{"quoted value with an escaped quote", `{"mobile":"As\"ha","x":1}`, `{"mobile":"[REDACTED]","x":1}`},
		{"array whole, brackets in strings ignored", `{"mobile":["Asha",{"k":"]}"}],"x":1}`, `{"mobile":[REDACTED],"x":1}`},
		{"object with an escaped quote in a string", `{"email":{"a":"x\"]}","b":[1]},"x":1}`, `{"email":[REDACTED],"x":1}`},
		{"nested arrays", `{"mobile":[[1],[2,[3]]],"x":[4]}`, `{"mobile":[REDACTED],"x":[4]}`},
		{"unclosed array to the end", `{"mobile":["Asha"`, `{"mobile":[REDACTED]`},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, p.Text(tc.in), tc.name)
	}
}
