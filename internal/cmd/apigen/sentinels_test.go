package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGenSentinels_FollowsTheSpec: a new errorType with its x-sentinels name
// gets a sentinel and a row of the table; a malformed x-sentinels stops
// generation with an error naming the place.
func TestGenSentinels_FollowsTheSpec(t *testing.T) {
	spec, err := os.ReadFile("../../../openapi.yaml")
	require.NoError(t, err)
	const enumTail, namesTail, sentTail = "        - VALIDATION_ERROR\n", "        - ErrorTypeValidationError\n", "        VALIDATION_ERROR: ErrValidation\n"
	added := func(sentinel string) string {
		return strings.NewReplacer(enumTail, enumTail+"        - SENTINEL_PROBE\n",
			namesTail, namesTail+"        - ErrorTypeSentinelProbe\n",
			sentTail, sentTail+sentinel).Replace(string(spec))
	}
	tests := []struct{ name, spec, want, err string }{
		{"new errorType", added("        SENTINEL_PROBE: ErrSentinelProbe\n"),
			"ErrSentinelProbe = errors.New(\"enkash: sentinel probe\")\n\tapi.ErrorTypeSentinelProbe: ErrSentinelProbe,", ""},
		{"errorType without a sentinel", added(""), "", `x-sentinels SENTINEL_PROBE: "" is not`},
		{"sentinel named twice", added("        SENTINEL_PROBE: ErrValidation\n"), "", `"ErrValidation" is not a new`},
		{"name not Err…", added("        SENTINEL_PROBE: Duplicate\n"), "", `"Duplicate" is not`},
		{"not an enum value", strings.Replace(string(spec), sentTail, sentTail+"        NOT_A_TYPE: ErrNot\n", 1), "", "x-sentinels NOT_A_TYPE: not an enum value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.NotEqual(t, string(spec), tc.spec, "the edit applies")
			dir := t.TempDir()
			p := filepath.Join(dir, "openapi.yaml")
			require.NoError(t, os.WriteFile(p, []byte(tc.spec), 0o644))
			out := filepath.Join(dir, "wrapper", "sentinels.gen.go")
			require.NoError(t, os.Mkdir(filepath.Dir(out), 0o755))
			err := runSentinels(p, out, "example.com/api")
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			got, err := os.ReadFile(out)
			require.NoError(t, err)
			flat := strings.Join(strings.Fields(string(got)), " ") // gofmt aligns the table
			assert.Contains(t, flat, "package wrapper ")
			for _, line := range strings.Split(tc.want, "\n") {
				assert.Contains(t, flat, strings.Join(strings.Fields(line), " "))
			}
		})
	}
}
