package retry

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxAfter bounds a Retry-After in seconds, so that it fits a Duration.
const maxAfter = 24 * time.Hour

// ParseAfter reads a Retry-After header value: delay-seconds or an HTTP
// date (a date in the past is 0). ok is false for an absent or unreadable
// value. Seconds are capped at a day; too many to count are MaxInt64, so
// that "too long" is not mistaken for "absent".
func ParseAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if strings.Trim(v, "0123456789") == "" {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil { // more seconds than an int64 holds
			return time.Duration(math.MaxInt64), true
		}
		return time.Duration(min(secs, int64(maxAfter/time.Second))) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}
