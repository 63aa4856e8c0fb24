package bearer

import (
	"errors"
	"fmt"
	"strings"
)

// MinLen is the shortest token Check accepts: a shorter one could not be
// masked in server texts without masking ordinary words.
const MinLen = 8

// Check refuses a token that cannot go into an Authorization header as is
// (RFC 6750 token68: letters, digits and "-._~+/", then "=" padding only),
// or is shorter than MinLen. Its errors never quote the token.
func Check(token string) error {
	body := strings.TrimRight(token, "=")
	switch {
	case token == "":
		return errors.New("empty token")
	case body == "" || strings.ContainsFunc(body, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("-._~+/", r))
	}):
		return errors.New("token contains a space, a control character or another character a bearer token cannot hold (RFC 6750)")
	case len(token) < MinLen:
		return fmt.Errorf("token shorter than %d characters", MinLen)
	}
	return nil
}
