package retry

import (
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestParseAfter_SecondsOrDate: delay-seconds or an HTTP date; anything
// else is absent; a value too large is capped at a day, or is MaxInt64
// when it overflows an int64, never mistaken for absent.
func TestParseAfter_SecondsOrDate(t *testing.T) {
	now := time.Date(2025, 11, 20, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, v string
		want    time.Duration
		ok      bool
	}{
		{"seconds", "7", 7 * time.Second, true},
		{"spaces around", " 7 ", 7 * time.Second, true},
		{"zero", "0", 0, true},
		{"http date", now.Add(12 * time.Second).Format(http.TimeFormat), 12 * time.Second, true},
		{"date in the past", now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"more than a day: a day", "99999999999999999", 24 * time.Hour, true},
		{"a day", "86400", 24 * time.Hour, true},
		{"overflows int64", "99999999999999999999", math.MaxInt64, true},
		{"absent", "", 0, false},
		{"garbage", "soon", 0, false},
		{"negative", "-5", 0, false},
		{"fraction", "1.5", 0, false},
	} {
		d, ok := ParseAfter(tc.v, now)
		assert.Equal(t, tc.ok, ok, tc.name)
		assert.Equal(t, tc.want, d, tc.name)
	}
}
