package wrapper

import "errors"

// DefaultMaxResponseBytes is the default limit on a response body (1 MiB).
const DefaultMaxResponseBytes = 1 << 20

var errBodyRead = errors.New("reading response body")
