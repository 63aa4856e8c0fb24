package wrapper

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/internal/call"
)

// logDoer is the layer that writes one Debug record per attempt: operation,
// method, path, status (0 when no response arrived), attempt number,
// duration and requestId, plus a masked error text when there was no
// response. Never a header, a token or a body.
type logDoer struct {
	next   api.HttpRequestDoer
	logger *slog.Logger
	forms  []string // secretForms of the Client's static secrets
}

func (d *logDoer) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if d.logger == nil || !d.logger.Enabled(ctx, slog.LevelDebug) {
		return d.next.Do(req)
	}
	start := time.Now()
	resp, err := d.next.Do(req)
	op, attempt, forms := "request", 0, d.forms
	if ci := call.From(ctx); ci != nil {
		op, attempt = ci.Op, ci.Attempt
		forms = append(sentForms(ci), forms...)
	}
	status, rid := 0, ""
	if resp != nil {
		status, rid = resp.StatusCode, requestIDHeader(resp)
	}
	attrs := []slog.Attr{slog.String("method", req.Method), slog.String("path", req.URL.Path),
		slog.Int("status", status), slog.Int("attempt", attempt), slog.Duration("duration", time.Since(start)),
		slog.String("requestId", redact(rid, forms))}
	if err != nil {
		attrs = append(attrs, slog.String("error", redact(err.Error(), forms)))
	}
	d.logger.LogAttrs(ctx, slog.LevelDebug, "enkash: "+op+" attempt", attrs...)
	return resp, err
}
