package bulk

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEchoName_HidesWhatLooksLikeAValue(t *testing.T) {
	tests := map[string]string{
		"nickname":          `"nickname"`,
		"mail_enabled":      `"mail_enabled"`,
		"address2":          `"address2"`,
		"AZaz_09":           `"AZaz_09"`, // the ends of each range of letters and digits
		"a12":               `"a12"`,     // two digits: still a name
		"a123":              notShown,    // three digits: a value
		"9876543210":        notShown,    // a phone number
		"ABCDE1234F":        notShown,    // a PAN
		"SBIN0001234":       notShown,    // an IFSC
		"asha@acme.example": notShown,
		"legal name":        notShown,
		"":                  notShown,
		"é":                 notShown,
		"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl":  `"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl"`, // 64 bytes
		"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklm": notShown,                                                             // 65 bytes
	}
	for in, want := range tests {
		assert.Equal(t, want, echoName(in), in)
	}
}
