package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGoLayout_TranslatesJavaPatterns: the Java/ICU letters apigen knows
// become Go layout elements; anything else stops generation.
func TestGoLayout_TranslatesJavaPatterns(t *testing.T) {
	tests := []struct{ pattern, want, err string }{
		{"yyyy-MM-dd HH:mm:ss", "2006-01-02 15:04:05", ""},
		{"dd/MM/yyyy", "02/01/2006", ""},
		{"yyyy-MM-dd'T'HH:mm:ss.SSS", "", `"T" is not supported`}, // no quoted literals
		{"yyyy-MM-dd hh:mm a", "", `"hh" is not supported`},
		{"yy-MM-dd", "", `"yy" is not supported`},
		{"yyyy 1", "", "a digit"},
		{"", "", "needs a layout"},
	}
	for _, tc := range tests {
		t.Run(tc.pattern, func(t *testing.T) {
			got, err := goLayout(tc.pattern)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestGenFacts_RejectsBadExtensions: a malformed x-error-statuses or
// x-timestamp, or a component header referenced under two names, stops
// generation with an error naming the place.
func TestGenFacts_RejectsBadExtensions(t *testing.T) {
	spec, err := os.ReadFile("../../../openapi.yaml")
	require.NoError(t, err)
	tests := []struct{ name, old, new, want string }{
		{"status not an enum value", "        RECORD_NOT_FOUND: 404\n", "        NOT_A_TYPE: 404\n", "ErrorType: x-error-statuses NOT_A_TYPE"},
		{"status out of range", "        RECORD_NOT_FOUND: 404\n", "        RECORD_NOT_FOUND: 4040\n", "x-error-statuses RECORD_NOT_FOUND: 4040"},
		{"status given twice", "        RECORD_NOT_FOUND: 404\n", "        RECORD_NOT_FOUND: 400\n", "status 400 given to"},
		{"zone without offset", `            utcOffset: "+05:30"` + "\n", `            utcOffset: "IST"` + "\n", "ErrorResponse.timestamp: x-timestamp: needs zone and utcOffset"},
		{"unknown layout letter", "            layout: yyyy-MM-dd HH:mm:ss\n", "            layout: yyyy-MM-dd hh:mm:ss\n", `ErrorResponse.timestamp: x-timestamp: layout "yyyy-MM-dd hh:mm:ss": "hh"`},
		{"header under two names", "        X-Request-Id:\n          $ref: '#/components/headers/RequestId'\n", "        X-Trace-Id:\n          $ref: '#/components/headers/RequestId'\n", "components/headers/RequestId: responses must reference it under exactly one name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := string(spec)
			require.Contains(t, s, tc.old)
			dir := t.TempDir()
			p := filepath.Join(dir, "openapi.yaml")
			require.NoError(t, os.WriteFile(p, []byte(strings.Replace(s, tc.old, tc.new, 1)), 0o644))
			err := run(p, "../../../api/api.gen.go", dir, dir)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
