package enkash_test

import (
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
)

// TestREADME_SentinelTableFollowsSpec: the README's sentinel table gives
// each errorType the HTTP status openapi.yaml's x-error-statuses gives it
// (api.ErrorTypeForStatus), and lists every status of that table.
func TestREADME_SentinelTableFollowsSpec(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	rows := regexp.MustCompile("(?m)^\\| `Err\\w+` \\| `([A-Z_]+)` \\| HTTP ([0-9]{3}) \\|$").FindAllStringSubmatch(string(readme), -1)
	documented := map[int]api.ErrorType{}
	for _, r := range rows {
		status, _ := strconv.Atoi(r[2])
		documented[status] = api.ErrorType(r[1])
	}
	generated := map[int]api.ErrorType{}
	for status := 100; status <= 599; status++ {
		if typ, ok := api.ErrorTypeForStatus(status); ok {
			generated[status] = typ
		}
	}
	require.NotEmpty(t, generated)
	assert.Equal(t, generated, documented)
}
