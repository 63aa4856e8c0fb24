//go:build !unix

package wrapper

import "time"

// processCPU is unavailable here: the cpu-ns/op metric is not reported.
func processCPU() (time.Duration, bool) { return 0, false }
