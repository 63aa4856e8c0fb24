package bulk

import "strconv"

// notShown replaces a name from the input that could be a value typed in
// the wrong place.
const notShown = "(not shown: it looks like a value)"

// echoName returns a key or column name from the input for an error
// message: quoted when it looks like a name, left out when it could be a
// value typed in the wrong place: anything but letters, underscores and at
// most two digits (a phone number, an e-mail address, a PAN).
func echoName(name string) string {
	if name == "" || len(name) > 64 {
		return notShown
	}
	digits := 0
	for _, r := range name {
		switch {
		case r >= '0' && r <= '9':
			if digits++; digits >= 3 { // a PAN, an IFSC, a phone number
				return notShown
			}
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '_':
		default:
			return notShown
		}
	}
	return strconv.Quote(name)
}
