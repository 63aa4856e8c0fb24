package wrapper

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain runs the tests, then fails the package if any fixture secret or
// personal-data value reached the suite's log/error sink (see sink_test.go),
// or if any goroutine outlives the tests (what goleak.VerifyTestMain does).
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if leaked := scanSink(); len(leaked) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: secrets or personal data in captured logs/errors: %q\n", leaked)
			code = 1
		}
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: Errors on successful test run: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}
