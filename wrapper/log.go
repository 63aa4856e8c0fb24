package wrapper

import (
	"context"
	"log/slog"
	"time"
)

// logAttempt writes the one Debug record of an attempt: method, path, status
// (0 when no response arrived), attempt number, duration and requestId, plus
// a masked error text when there was no response. Never a header, a token or
// a body.
func (c *Client) logAttempt(ctx context.Context, path string, status, attempt int, d time.Duration, requestID string, err error) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", "PATCH"),
		slog.String("path", path),
		slog.Int("status", status),
		slog.Int("attempt", attempt),
		slog.Duration("duration", d),
		slog.String("requestId", requestID),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", scrub(err.Error())))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "enkash: updateCustomer attempt", attrs...)
}
