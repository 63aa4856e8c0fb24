package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/enkash-oss/enkash-go/bulk"
)

// Statuses in the report: a customer's outcome, or an invalid row.
const (
	statusOK        = "ok"        // 2xx: recorded applied
	statusFailed    = "failed"    // refused: nothing applied
	statusUnknown   = "unknown"   // 5xx or unknown outcome: may have been applied, sent again next run
	statusNotSent   = "not-sent"  // stopped before it was sent
	statusUnchanged = "unchanged" // nothing differed: no request
	statusInvalid   = "invalid"   // an invalid row (--skip-invalid)
)

// reportLine is one line of the --report file.
type reportLine struct {
	Line       int    `json:"line"`
	CustomerID string `json:"customerId"`
	Status     string `json:"status"`
	HTTPStatus int    `json:"httpStatus"`
	ErrorType  string `json:"errorType"`
	RequestID  string `json:"requestId"`
	Error      string `json:"error"`
	// MaybeApplied: the customer failed in a way that leaves it unknown
	// whether Enkash applied the update (a 5xx, an unknown outcome).
	MaybeApplied bool `json:"maybeApplied,omitempty"`
}

// resultLine is the report line of a customer a request was made for.
func resultLine(r bulk.CustomerResult) reportLine {
	rl := reportLine{Line: r.Line, CustomerID: r.CustomerID, Status: r.Status, HTTPStatus: r.HTTPStatus,
		ErrorType: r.ErrorType, RequestID: r.RequestID, MaybeApplied: r.MaybeApplied()}
	if r.Err != nil {
		rl.Error = r.Err.Error() // the wrapper's errors are redacted
	}
	return rl
}

// invalidLine is the report line of an invalid row: its problems, never
// its values; the customer id only when it is itself valid.
func invalidLine(e *bulk.RowError) reportLine {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Rule
		if p.Field != "" {
			parts[i] = p.Field + ": " + p.Rule
		}
	}
	return reportLine{Line: e.Line, CustomerID: e.CustomerID, Status: statusInvalid, Error: strings.Join(parts, "; ")}
}

// reportWriter writes the report, buffered (the state, not the report, is
// what a rerun relies on). Its methods do nothing on a nil *reportWriter;
// the first error is kept in err and ends the writing.
type reportWriter struct {
	mu  sync.Mutex
	f   *os.File
	w   *bufio.Writer
	err error
}

// openReport creates (or truncates) the report, mode 0600: it names
// customers.
func openReport(path string) (*reportWriter, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("--report: %w", err)
	}
	return &reportWriter{f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

func (w *reportWriter) write(rl reportLine) {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return
	}
	b, err := json.Marshal(rl)
	if err == nil {
		b = append(b, '\n')
		_, err = w.w.Write(b)
	}
	if err != nil {
		w.err = fmt.Errorf("--report: %w", err)
	}
}

// close flushes and closes the report; closing again does nothing.
func (w *reportWriter) close() {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return
	}
	defer func() { w.f = nil }()
	if err := w.w.Flush(); err != nil && w.err == nil {
		w.err = fmt.Errorf("--report: %w", err)
	}
	if err := w.f.Close(); err != nil && w.err == nil {
		w.err = fmt.Errorf("--report: %w", err)
	}
}

// failed is the report's first error (nil for no report).
func (w *reportWriter) failed() error {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}
