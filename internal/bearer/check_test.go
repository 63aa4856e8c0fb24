package bearer

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestCheck_RefusesWhatCannotBeSentOrMasked: an RFC 6750 token68 of at least
// MinLen characters passes; a character a bearer token cannot hold, "=" other
// than trailing padding, or a shorter token is refused, and the error never
// quotes the token.
func TestCheck_RefusesWhatCannotBeSentOrMasked(t *testing.T) {
	for token, ok := range map[string]bool{
		"abcdefgh":              true,
		"abcdefgh==":            true,
		"aZ09-._~+/":            true,
		"":                      false,
		"abcdefg":               false, // MinLen - 1
		"abc=defgh":             false, // padding in the middle
		"========":              false, // padding only
		"abc defgh":             false,
		"abcdefgh\r\nX-Evil: 1": false,
		"abcd\xffefgh":          false, // not UTF-8
		"abcdéfgh":              false,
		"abcd:efgh":             false,
	} {
		err := Check(token)
		if ok {
			assert.NoError(t, err, "%q", token)
			continue
		}
		if assert.Error(t, err, "%q", token) && len(token) >= 4 {
			assert.NotContains(t, err.Error(), token[:4], "%q", token)
		}
	}
}
