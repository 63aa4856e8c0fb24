package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"sync"

	"github.com/enkash-oss/enkash-go/bulk"
	"github.com/enkash-oss/enkash-go/wrapper"
)

// Row statuses in the report.
const (
	statusOK      = "ok"
	statusFailed  = "failed"
	statusInvalid = "invalid"
	statusSkipped = "skipped" // --resume: the report already holds the row as ok
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
	// OutcomeUnknown: the row failed in a way that leaves it unknown
	// whether Enkash applied it (wrapper.ErrOutcomeUnknown).
	OutcomeUnknown bool `json:"outcomeUnknown,omitempty"`
}

// resultLine is the report line of a row that was sent.
func resultLine(line int, r bulk.Result, customerID string) reportLine {
	rl := reportLine{Line: line, CustomerID: customerID, Status: statusOK,
		HTTPStatus: r.Meta.StatusCode, RequestID: r.Meta.RequestID}
	if r.Err != nil {
		rl.Status = statusFailed
		rl.Error = r.Err.Error() // the wrapper's errors are redacted
		var ae *wrapper.APIError
		if errors.As(r.Err, &ae) {
			rl.ErrorType = string(ae.ErrorType)
		}
		rl.OutcomeUnknown = errors.Is(r.Err, wrapper.ErrOutcomeUnknown)
	}
	return rl
}

// reportWriter appends lines to the report, one write(2) per line, so a
// line is in the file as soon as the row has completed: a SIGKILL loses
// at most the rows in flight, never a written line.
type reportWriter struct {
	mu  sync.Mutex
	f   *os.File
	buf []byte
	err error
}

// openReport opens the report: with resume, for appending to what is there
// (after a line ending, should the last line have been cut short); without,
// a new file: an existing non-empty report is not overwritten.
func openReport(path string, resume bool) (*reportWriter, error) {
	if !resume {
		if st, err := os.Stat(path); err == nil && st.Size() > 0 {
			return nil, usagef("--report %s: the file exists: pass --resume to continue that run, or remove it", path)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, usagef("--report: %v", err)
	}
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		last := make([]byte, 1)
		if rf, err := os.Open(path); err == nil {
			if _, err := rf.ReadAt(last, st.Size()-1); err == nil && last[0] != '\n' {
				_, _ = f.Write([]byte("\n"))
			}
			rf.Close()
		}
	}
	return &reportWriter{f: f}, nil
}

func (w *reportWriter) write(rl reportLine) error {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	b, err := json.Marshal(rl)
	if err != nil {
		w.err = err
		return err
	}
	w.buf = append(append(w.buf[:0], b...), '\n')
	if _, err := w.f.Write(w.buf); err != nil {
		w.err = fmt.Errorf("--report: %w", err)
	}
	return w.err
}

func (w *reportWriter) close() error {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.f.Close(); err != nil && w.err == nil {
		w.err = fmt.Errorf("--report: %w", err)
	}
	return w.err
}

// doneRows records, per input line, the customer a report holds as ok on
// that line (a 32-bit hash of its id, 0 for none): 4 bytes a line, sized by
// the input's last line, so a corrupt or hostile report cannot make it grow.
// A row counts as done only when both its line and its customer match, so a
// re-generated export in another order is not skipped by mistake.
type doneRows []uint32

func rowKey(customerID string) uint32 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(customerID))
	return h.Sum32() | 1
}

func (d doneRows) has(line int, customerID string) bool {
	return line >= 0 && line < len(d) && d[line] == rowKey(customerID)
}

// readDoneLines returns the rows a report holds as ok, for an input whose
// last line is lastLine. A missing report is empty; a line that does not
// parse (cut short by a kill) or names a line past lastLine is ignored.
func readDoneLines(path string, lastLine int) (doneRows, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, usagef("--report: %v", err)
	}
	defer f.Close()
	done := make(doneRows, lastLine+1)
	br := bufio.NewReader(f)
	for {
		b, err := br.ReadBytes('\n')
		if len(b) > 0 {
			var rl reportLine
			if json.Unmarshal(b, &rl) == nil && rl.Status == statusOK && rl.Line >= 0 && rl.Line <= lastLine {
				done[rl.Line] = rowKey(rl.CustomerID)
			}
		}
		if errors.Is(err, io.EOF) {
			return done, nil
		}
		if err != nil {
			return nil, usagef("--report: %v", err)
		}
	}
}
