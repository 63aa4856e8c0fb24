package redact

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestValuesUnder_EveryShape: the values under a sensitive key are found at
// any depth, inside arrays and objects under it, decoded and as written;
// other keys, null and booleans give nothing, and invalid JSON gives no panic.
func TestValuesUnder_EveryShape(t *testing.T) {
	sensitive := func(k string) bool { return strings.EqualFold(k, "mobile") || k == "bank" }
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"top level", `{"mobile":"9876543210","name":"Ann"}`, []string{"9876543210"}},
		{"nested in an array of objects", `{"contacts":[{"Mobile":"98765 43210"},{"mobile":9876500000}]}`, []string{"98765 43210", "9876500000"}},
		{"every scalar of an object under the key", `{"bank":{"acct":"ACCT-1","n":[1,2],"ok":true,"x":null}}`, []string{"ACCT-1", "1", "2"}},
		{"decoded and as written", `{"mobile":"a\u003cb\/c"}`, []string{"a<b/c", `a\u003cb\/c`}},
		{"none", `{"name":"Ann","mobile":null}`, nil},
		{"invalid JSON", `{"mobile":"98765`, nil},
		{"not JSON", ``, nil},
	} {
		assert.ElementsMatch(t, tc.want, ValuesUnder([]byte(tc.body), sensitive), tc.name)
	}
}
