package retry

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// Rewind returns a copy of req with a fresh body, for another attempt. A
// body without GetBody cannot be sent again: an error, never an empty body.
func Rewind(req *http.Request) (*http.Request, error) {
	r := req.Clone(req.Context())
	if req.Body != nil && req.Body != http.NoBody {
		if req.GetBody == nil {
			return nil, errors.New("request body cannot be sent again")
		}
		b, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		r.Body = b
	}
	return r, nil
}

// Outlives reports whether ctx's deadline comes before t: a wait ending at
// t would outlive the call.
func Outlives(ctx context.Context, t time.Time) bool {
	dl, ok := ctx.Deadline()
	return ok && t.After(dl)
}
