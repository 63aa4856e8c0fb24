package enkash_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The CLI is a production program: its embedded sandbox (internal/fake)
// checks requests with the generated validators, so the binary links
// neither package testing nor the schema validator (kin-openapi with
// gorilla/mux and jsonschema), whose init() costs milliseconds at every
// start, nor wrappertest, which brings them.
func TestCLICarriesNoTestingOrSchemaValidator(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "./cmd/enkash-customer").CombinedOutput()
	require.NoError(t, err, "%s", out)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "github.com/enkash-oss/enkash-go/internal/fake", "the CLI must still embed the sandbox")
	for _, d := range deps {
		assert.NotEqual(t, "testing", d, "the CLI links package testing")
		for _, banned := range []string{"kin-openapi", "gorilla", "jsonschema", "yaml", "github.com/enkash-oss/enkash-go/wrapper/wrappertest"} {
			assert.NotContains(t, d, banned, "the CLI depends on %s", d)
		}
		assert.NotEqual(t, "github.com/enkash-oss/enkash-go", d, "the CLI imports the root package (which embeds the spec)")
	}
}
