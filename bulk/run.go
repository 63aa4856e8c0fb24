package bulk

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/time/rate"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper"
)

// MaxFailures is how many failures a Summary lists (the others are
// counted).
const MaxFailures = 10

// ErrInvalidRows is returned by Sync.Run when some row is invalid and
// SkipInvalid is not set: nothing was sent.
var ErrInvalidRows = errors.New("invalid rows: nothing was sent")

// Sync makes Enkash hold the desired state a sequence of rows describes:
// rows of one customer merge in input order (the last value of a field
// wins, a list replaces the whole list), and each customer gets one PATCH
// with only the fields whose desired value differs from the value the
// Store last recorded as applied. A customer with nothing to send gets no
// request.
//
// Every row is read and validated before anything is sent. A field is
// recorded as applied only after a 2xx; before a request is sent its fields
// are recorded as pending, and a field still pending (the outcome never
// became known: a 5xx, a timeout, a kill) is sent again by the next run.
// PATCH values are absolute, so sending the same desired value again is
// safe, and a run sends only the merged desired values, never an earlier
// row's: rerunning the same input converges, whatever instant the last run
// stopped at.
type Sync struct {
	// Store is the state: what Enkash confirmed applied, per customer and
	// field.
	Store *Store
	// Client sends the updates; unused by a dry run.
	Client *wrapper.Client
	// Input names the input in the state's runs table.
	Input string
	// Full sends every desired field whatever the state says (after someone
	// edited customers in Enkash's UI).
	Full bool
	// SkipInvalid sends the valid rows even when some are invalid.
	SkipInvalid bool
	// DryRun plans and hands each plan to OnPlan; nothing is sent and the
	// state is not written.
	DryRun bool
	// Concurrency is how many calls are in flight at most (0: the batch's
	// default).
	Concurrency int
	// RateLimit bounds the requests per second (0: unlimited).
	RateLimit rate.Limit
	// Stop, when closed, stops taking customers: requests not yet sent are
	// not sent, the ones in flight finish and are recorded.
	Stop <-chan struct{}

	// OnInvalid is called for each invalid row, in input order.
	OnInvalid func(*RowError)
	// OnPlanned is called once planning is done, before anything is sent.
	OnPlanned func(Summary)
	// OnPlan is called for each plan of a dry run, in customer id order.
	OnPlan func(*Plan) error
	// OnUnchanged is called for each customer with nothing to send, in
	// customer id order, with the line of its last row.
	OnUnchanged func(customerID string, line int)
	// OnResult is called for each customer a request was made for, as the
	// requests complete.
	OnResult func(CustomerResult)

	commits int64 // state transactions committed while sending (for tests)
}

// CustomerResult is the outcome of one customer's request.
type CustomerResult struct {
	// CustomerID is the customer.
	CustomerID string
	// Line is the line of the customer's last row.
	Line int
	// Status is "ok", "failed" (refused: nothing applied), "unknown" (a 5xx
	// or an unknown outcome: the update may have been applied; the next run
	// sends it again) or "not-sent" (stopped before it was sent).
	Status string
	// HTTPStatus is the answer's HTTP status (0 without one).
	HTTPStatus int
	// ErrorType is the error envelope's errorType ("" without one).
	ErrorType string
	// RequestID is Enkash's request id ("" without one).
	RequestID string
	// Err is the error (redacted by the wrapper); nil when Status is "ok".
	Err error
}

// MaybeApplied reports whether the update may have been applied although
// it failed.
func (r CustomerResult) MaybeApplied() bool { return r.Status == statusUnknown }

// Summary counts what a run did.
type Summary struct {
	// RunID is the run's id in the state's runs table (0 for a dry run).
	RunID int64
	// Rows and Invalid count the rows read and the invalid ones.
	Rows, Invalid int
	// Customers counts the customers of the valid rows; Changed those with
	// a field to send, Unchanged those without.
	Customers, Changed, Unchanged int
	// Sent counts the requests sent; OK, Failed and MaybeApplied their
	// outcomes (MaybeApplied: failed with a 5xx or an unknown outcome).
	Sent, OK, Failed, MaybeApplied int
	// NotSent counts the changed customers not sent (stopped first, or
	// refused before sending).
	NotSent int
	// Failures are the first MaxFailures failed customers, in the order
	// they completed.
	Failures []CustomerResult
	// ByErrorType counts the failures by errorType ("" for failures
	// without one).
	ByErrorType map[string]int
}

func (s *Summary) add(r CustomerResult) {
	switch r.Status {
	case statusOK:
		s.Sent++
		s.OK++
		return
	case statusNotSent:
		s.NotSent++
		return
	case statusUnknown:
		s.Sent++
		s.MaybeApplied++
	case statusFailed:
		if r.HTTPStatus != 0 {
			s.Sent++
		} else {
			s.NotSent++ // refused before sending (the local validator)
		}
	}
	s.Failed++
	if len(s.Failures) < MaxFailures {
		s.Failures = append(s.Failures, r)
	}
	if s.ByErrorType == nil {
		s.ByErrorType = map[string]int{}
	}
	s.ByErrorType[r.ErrorType]++
}

// Run stages every row, plans, and (unless DryRun) sends the plans and
// records their outcomes. It returns ErrInvalidRows, with nothing sent,
// when a row is invalid and SkipInvalid is not set; any other error means
// the run could not go on (the rows read, the input, the state).
func (s *Sync) Run(ctx context.Context, rows iter.Seq2[Row, error]) (Summary, error) {
	var sum Summary
	st := s.Store
	counts, err := st.stage(ctx, rows, s.OnInvalid)
	sum.Rows, sum.Invalid = counts.Rows, counts.Invalid
	if err != nil {
		return sum, err
	}
	if sum.Invalid > 0 && !s.SkipInvalid {
		return sum, ErrInvalidRows
	}
	if s.DryRun {
		sum.Customers, sum.Unchanged, err = st.plan(ctx, s.Full, func(p *Plan) error {
			sum.Changed++
			if s.OnPlan != nil {
				return s.OnPlan(p)
			}
			return nil
		}, s.OnUnchanged)
		if s.OnPlanned != nil && err == nil {
			s.OnPlanned(sum)
		}
		return sum, err
	}
	if sum.RunID, err = st.startRun(ctx, s.Input, s.Full); err != nil {
		return sum, err
	}
	err = st.exec(ctx, func() error {
		ins, err := st.conn.PrepareContext(ctx, `INSERT INTO stage.plans(customer_id, line, parent, patch, lines, was_pending, synced) VALUES(?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		var lines, pend []byte
		sum.Customers, sum.Unchanged, err = st.plan(ctx, s.Full, func(p *Plan) error {
			sum.Changed++
			lines, pend = lines[:0], pend[:0]
			for i, f := range p.fields {
				if i > 0 {
					lines = append(lines, ',')
				}
				lines = strconv.AppendInt(lines, int64(f.line), 10)
				pend = append(pend, "01"[b2i(f.wasPending)])
			}
			_, err := ins.ExecContext(ctx, p.CustomerID, p.Line, p.ParentCompanyID, p.Patch, lines, pend, p.synced)
			return err
		}, s.OnUnchanged)
		return err
	})
	if err == nil {
		err = st.recordPlan(ctx, &sum)
	}
	if err != nil {
		return sum, err
	}
	if s.OnPlanned != nil {
		s.OnPlanned(sum)
	}
	err = s.send(ctx, &sum)
	if ferr := st.finishRun(context.WithoutCancel(ctx), &sum); err == nil {
		err = ferr
	}
	return sum, err
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// planRec is a plan read back from the stage for sending.
type planRec struct {
	Plan
	rowid int64
	body  api.UpdateCustomerRequest
}

// chunkSize is how many plans are marked pending in one transaction
// before they are handed to the batch: a few times the concurrency, so a
// kill leaves few customers recorded pending that were never sent.
func (s *Sync) chunkSize() int {
	n := s.Concurrency
	if n <= 0 {
		n = DefaultConcurrency
	}
	return min(max(4*n, 16), 512)
}

// send hands the staged plans to the batch and records each outcome.
func (s *Sync) send(ctx context.Context, sum *Summary) error {
	st := s.Store
	rec, err := newRecorder(ctx, st, sum.RunID, s.chunkSize())
	if err != nil {
		return err
	}
	var (
		pmu     sync.Mutex
		byIndex = map[int]*planRec{}
		feedErr error // set by the feed (the batch's goroutine)
	)
	updates := func(yield func(Update) bool) {
		idx := 0
		for {
			plans, err := rec.next()
			if err != nil {
				feedErr = err
				rec.stop(nil)
				return
			}
			if plans == nil {
				return
			}
			for k, p := range plans {
				pmu.Lock()
				byIndex[idx] = p
				pmu.Unlock()
				idx++
				ok := yield(Update{CustomerID: p.CustomerID, ParentCompanyID: p.ParentCompanyID, Body: p.body})
				rec.lastTaken.Store(p.rowid)
				if !ok || rec.failed() != nil {
					rec.stop(plans[k+1:])
					return
				}
			}
		}
	}
	for r := range sendBatch(context.WithoutCancel(ctx), s.Client, updates, s.Concurrency, s.RateLimit, s.Stop) {
		pmu.Lock()
		p := byIndex[r.index]
		delete(byIndex, r.index)
		pmu.Unlock()
		cr := classify(p, r)
		sum.add(cr)
		rec.record(p, cr)
		if s.OnResult != nil {
			s.OnResult(cr)
		}
	}
	rec.stop(nil) // the batch ended (stopped?): the chunk marked ahead was not sent
	recErr := rec.close()
	s.commits = rec.commits.Load()
	if feedErr == nil {
		feedErr = recErr
	}
	// Plans never taken (stopped, or the feed failed) stay as planned: the
	// next run plans them again.
	if feedErr == nil {
		var n int
		if err := st.conn.QueryRowContext(context.WithoutCancel(ctx), `SELECT count(*) FROM stage.plans WHERE rowid > ?`, rec.lastTaken.Load()).Scan(&n); err == nil {
			sum.NotSent += n
		}
	}
	return feedErr
}

// classify turns a call's result into the customer's outcome.
func classify(p *planRec, r sendResult) CustomerResult {
	cr := CustomerResult{CustomerID: p.CustomerID, Line: p.Line, Status: statusOK,
		HTTPStatus: r.meta.StatusCode, RequestID: r.meta.RequestID, Err: r.err}
	if r.err == nil {
		return cr
	}
	var ae *wrapper.APIError
	if errors.As(r.err, &ae) {
		cr.ErrorType = string(ae.ErrorType)
		if cr.RequestID == "" {
			cr.RequestID = ae.RequestID
		}
	}
	switch {
	case r.stopped:
		cr.Status = statusNotSent
	case errors.Is(r.err, wrapper.ErrOutcomeUnknown), errors.Is(r.err, wrapper.ErrServer):
		cr.Status = statusUnknown
	default:
		cr.Status = statusFailed
	}
	return cr
}

// FailureText is the one-line description of a failed customer the
// summary prints: line, customer, errorType (or "-") and the redacted
// message, with a note when the update may have been applied.
func FailureText(r CustomerResult) string {
	et := r.ErrorType
	if et == "" {
		et = "-"
	}
	msg := "failed"
	if r.Err != nil {
		msg = r.Err.Error()
	}
	s := fmt.Sprintf("line %d, %s, %s: %s", r.Line, r.CustomerID, et, msg)
	if r.MaybeApplied() {
		s += " (the update may have been applied; the next run sends it again)"
	}
	return strings.ReplaceAll(s, "\n", " ")
}
