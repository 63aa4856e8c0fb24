package bulk

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// recorder writes a run's progress into the state, on a goroutine of its
// own that owns the state's connection while the run sends: the batch
// (which takes plans and receives results on one goroutine) never waits for
// SQLite, except for the next chunk of plans when the recorder has not
// marked it yet.
//
// Writes are grouped: each transaction marks the next chunk of plans
// pending and commits every outcome queued since the last one, so a run
// commits about once per chunk (a few times the concurrency), not once per
// customer. Marking stays ahead of sending by one chunk: a chunk's fields
// are committed as pending before any of its plans is handed to the batch,
// so a kill at any instant leaves every field that may have been sent
// pending (sent again by the next run), and at most two chunks pending
// that were not.
type recorder struct {
	st    *Store
	runID int64
	ctx   context.Context // for marking; outcomes are written even after it ends
	chunk int             // plans per chunk

	stmts recorderStmts

	mu      sync.Mutex
	cond    *sync.Cond
	queue   []queued     // outcomes not yet committed
	ready   [][]*planRec // marked chunks not yet taken, in order (at most one)
	after   int64        // rowid in stage.plans of the last plan marked
	eof     bool         // every plan has been marked
	wantNo  bool         // take no further chunk (the feed stopped)
	closing bool         // the run ends: commit what is queued and return
	err     error        // the first error writing the state
	done    chan struct{}

	stopWake func() bool // stops the wake-up on ctx's end

	flushAt   int
	lastTaken atomic.Int64 // rowid in stage.plans of the last plan handed to the batch
	commits   atomic.Int64 // transactions committed (for tests)
}

type queued struct {
	p  *planRec
	cr CustomerResult
}

// recorderStmts are the recorder's statements, prepared once per run.
type recorderStmts struct {
	chunk, markCustomer, markField               *sql.Stmt
	outcome, fieldOK, fieldUnknown, fieldRefused *sql.Stmt
	fieldNotSent                                 *sql.Stmt
}

var recorderSQL = [...]string{
	`SELECT rowid, customer_id, line, parent, patch, lines, was_pending, synced
FROM stage.plans WHERE rowid > ? ORDER BY rowid LIMIT ?`,
	`INSERT INTO customers(customer_id, synced, run_id, line, status, updated_at)
VALUES(?, NULL, ?, ?, 'unknown', ?)
ON CONFLICT(customer_id) DO UPDATE SET synced = NULL, run_id = excluded.run_id, line = excluded.line,
  status = 'unknown', http_status = 0, error_type = '', error = '', request_id = '', updated_at = excluded.updated_at`,
	`INSERT INTO fields(customer_id, field, pending) VALUES(?, ?, 1)
ON CONFLICT(customer_id, field) DO UPDATE SET pending = 1`,
	`UPDATE customers SET synced = ?, status = ?, http_status = ?, error_type = ?,
  error = ?, request_id = ?, run_id = ?, line = ?, updated_at = ? WHERE customer_id = ?`,
	`UPDATE fields SET value = ?, applied_at = ?, request_id = ?, line = ?, run_id = ?,
  pending = 0, sent = ?, sent_at = ? WHERE customer_id = ? AND field = ?`,
	`UPDATE fields SET sent = ?, sent_at = ? WHERE customer_id = ? AND field = ?`,
	`UPDATE fields SET pending = ?, sent = ?, sent_at = ? WHERE customer_id = ? AND field = ?`,
	`UPDATE fields SET pending = ? WHERE customer_id = ? AND field = ?`,
}

// newRecorder prepares the recorder's statements and starts its
// goroutine; close ends it.
func newRecorder(ctx context.Context, st *Store, runID int64, chunk int) (*recorder, error) {
	r := &recorder{st: st, runID: runID, ctx: ctx, chunk: chunk, flushAt: 256, done: make(chan struct{})}
	r.cond = sync.NewCond(&r.mu)
	r.stopWake = context.AfterFunc(ctx, func() { // wake next() when ctx ends
		r.mu.Lock()
		r.cond.Broadcast()
		r.mu.Unlock()
	})
	ptrs := [...]**sql.Stmt{&r.stmts.chunk, &r.stmts.markCustomer, &r.stmts.markField, &r.stmts.outcome,
		&r.stmts.fieldOK, &r.stmts.fieldUnknown, &r.stmts.fieldRefused, &r.stmts.fieldNotSent}
	for i, q := range recorderSQL {
		stmt, err := st.conn.PrepareContext(ctx, q)
		if err != nil {
			r.stopWake()
			r.closeStmts()
			return nil, fmt.Errorf("state %s: %w", st.path, err)
		}
		*ptrs[i] = stmt
	}
	go r.loop()
	return r, nil
}

func (r *recorder) closeStmts() {
	for _, s := range [...]*sql.Stmt{r.stmts.chunk, r.stmts.markCustomer, r.stmts.markField, r.stmts.outcome,
		r.stmts.fieldOK, r.stmts.fieldUnknown, r.stmts.fieldRefused, r.stmts.fieldNotSent} {
		if s != nil {
			s.Close()
		}
	}
}

// loop is the recorder's goroutine: it marks the next chunk whenever none
// is ready, and commits the queued outcomes with it, or alone once enough
// are queued, or when the run ends.
func (r *recorder) loop() {
	defer close(r.done)
	bg := context.WithoutCancel(r.ctx)
	r.mu.Lock()
	for {
		mark := len(r.ready) == 0 && !r.eof && !r.wantNo && !r.closing && r.err == nil && r.ctx.Err() == nil
		flush := len(r.queue) > 0 && (mark || r.closing || len(r.queue) >= r.flushAt)
		if !mark && !flush {
			if r.closing || r.err != nil {
				r.mu.Unlock()
				return
			}
			r.cond.Wait()
			continue
		}
		q := r.queue
		r.queue = nil
		after := r.after
		r.mu.Unlock()

		plans, last, err := r.write(bg, q, mark, after)

		r.mu.Lock()
		switch {
		case err != nil:
			if r.err == nil {
				r.err = fmt.Errorf("state %s: %w", r.st.path, err)
			}
		case mark && len(plans) == 0:
			r.eof = true
		case mark:
			r.after = last
			if r.wantNo || r.closing { // stopped while marking: never sent
				for _, p := range plans {
					r.queue = append(r.queue, queued{p: p, cr: CustomerResult{CustomerID: p.CustomerID, Line: p.Line, Status: statusNotSent}})
				}
			} else {
				r.ready = append(r.ready, plans)
			}
		}
		r.cond.Broadcast()
	}
}

// write commits, in one transaction, the outcomes q and (with mark) the
// pending marks of the next chunk of plans after rowid after, which it
// returns with the rowid of the last one.
func (r *recorder) write(ctx context.Context, q []queued, mark bool, after int64) ([]*planRec, int64, error) {
	var plans []*planRec
	last := after
	if mark {
		var err error
		if plans, last, err = r.readChunk(ctx, after); err != nil {
			return nil, 0, err
		}
	}
	if len(q) == 0 && len(plans) == 0 {
		return nil, last, nil
	}
	err := r.st.exec(ctx, func() error {
		ts := now()
		if err := r.writeOutcomes(ctx, q, ts); err != nil {
			return err
		}
		return r.markPending(ctx, plans, ts)
	})
	if err != nil {
		return nil, 0, err
	}
	r.commits.Add(1)
	return plans, last, nil
}

// readChunk reads up to r.chunk staged plans after rowid after.
func (r *recorder) readChunk(ctx context.Context, after int64) ([]*planRec, int64, error) {
	rows, err := r.stmts.chunk.QueryContext(ctx, after, r.chunk)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var plans []*planRec
	last := after
	for rows.Next() {
		p := &planRec{}
		var lines, pend string
		if err := rows.Scan(&p.rowid, &p.CustomerID, &p.Line, &p.ParentCompanyID, &p.Patch, &lines, &pend, &p.synced); err != nil {
			return nil, 0, err
		}
		if err := p.unpack(lines, pend); err != nil {
			return nil, 0, err
		}
		plans = append(plans, p)
		last = p.rowid
	}
	return plans, last, rows.Err()
}

// markPending records the plans' fields as pending (and their customers
// as of unknown outcome) before any of them is sent.
func (r *recorder) markPending(ctx context.Context, plans []*planRec, ts string) error {
	for _, p := range plans {
		if _, err := r.stmts.markCustomer.ExecContext(ctx, p.CustomerID, r.runID, p.Line, ts); err != nil {
			return err
		}
		for _, f := range p.fields {
			if _, err := r.stmts.markField.ExecContext(ctx, p.CustomerID, string(f.name)); err != nil {
				return err
			}
		}
	}
	return nil
}

// next returns the next chunk of plans, marked pending and committed; nil
// when every plan has been taken.
func (r *recorder) next() ([]*planRec, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for len(r.ready) == 0 && !r.eof && r.err == nil {
		if err := r.ctx.Err(); err != nil {
			return nil, err
		}
		r.cond.Wait()
	}
	if r.err != nil {
		return nil, r.err
	}
	if len(r.ready) == 0 {
		return nil, nil
	}
	plans := r.ready[0]
	r.ready = r.ready[1:]
	r.cond.Broadcast() // the recorder marks the next chunk
	return plans, nil
}

// stop takes no further chunk, and queues as not sent the plans that were
// marked but never handed to the batch (rest, and the chunk marked ahead):
// their fields get back the pending flag they had before.
func (r *recorder) stop(rest []*planRec) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.wantNo = true
	for _, c := range r.ready {
		rest = append(rest, c...)
	}
	r.ready = nil
	for _, p := range rest {
		r.queue = append(r.queue, queued{p: p, cr: CustomerResult{CustomerID: p.CustomerID, Line: p.Line, Status: statusNotSent}})
	}
	r.cond.Broadcast()
}

// failed reports the first error writing the state, if any.
func (r *recorder) failed() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// record queues a customer's outcome; the recorder commits it with the
// next chunk's marks, or alone once flushAt outcomes are queued.
func (r *recorder) record(p *planRec, cr CustomerResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.queue = append(r.queue, queued{p: p, cr: cr})
	if len(r.queue) >= r.flushAt {
		r.cond.Broadcast()
	}
}

// close commits the outcomes still queued, ends the recorder's goroutine
// and returns the first error writing the state.
func (r *recorder) close() error {
	r.mu.Lock()
	r.closing = true
	r.cond.Broadcast()
	r.mu.Unlock()
	<-r.done
	r.stopWake()
	r.closeStmts()
	return r.err
}

// unpack rebuilds a staged plan's fields and body.
func (p *planRec) unpack(lines, pend string) error {
	fs, err := splitObject(nil, p.Patch, p.Line)
	if err != nil {
		return err
	}
	ls := strings.Split(lines, ",")
	if len(ls) != len(fs) || len(pend) != len(fs) {
		return fmt.Errorf("state: a staged plan of %s is inconsistent", p.CustomerID)
	}
	for i, f := range fs {
		line, err := strconv.Atoi(ls[i])
		if err != nil {
			return fmt.Errorf("state: a staged plan of %s is inconsistent", p.CustomerID)
		}
		p.fields = append(p.fields, planField{name: f.name, value: f.value, line: line, wasPending: pend[i] == '1'})
	}
	body, err := DecodeUpdate(p.Patch)
	if err != nil {
		return fmt.Errorf("line %d: decoding the body to send: %w", p.Line, err)
	}
	p.body = body
	return nil
}

// writeOutcomes records the outcomes q: after a 2xx each field sent
// becomes its applied value (no longer pending) and the customer's synced
// hash is set; after a refusal or a stop the fields get back the pending
// flag they had before; after an unknown outcome they stay pending.
func (r *recorder) writeOutcomes(ctx context.Context, q []queued, ts string) error {
	for _, e := range q {
		p, cr := e.p, e.cr
		errText := ""
		if cr.Err != nil {
			errText = cr.Err.Error()
		}
		var synced any
		if cr.Status == statusOK {
			synced = p.synced
		}
		if _, err := r.stmts.outcome.ExecContext(ctx, synced, cr.Status, cr.HTTPStatus, cr.ErrorType, errText, cr.RequestID,
			r.runID, p.Line, ts, p.CustomerID); err != nil {
			return err
		}
		sent := cr.HTTPStatus != 0 || cr.Status == statusOK || cr.Status == statusUnknown
		for _, f := range p.fields {
			var err error
			name, value := string(f.name), string(f.value)
			switch {
			case cr.Status == statusOK:
				_, err = r.stmts.fieldOK.ExecContext(ctx, value, ts, cr.RequestID, f.line, r.runID, value, ts, p.CustomerID, name)
			case cr.Status == statusUnknown:
				_, err = r.stmts.fieldUnknown.ExecContext(ctx, value, ts, p.CustomerID, name)
			case sent: // refused: nothing applied
				_, err = r.stmts.fieldRefused.ExecContext(ctx, b2i(f.wasPending), value, ts, p.CustomerID, name)
			default: // never sent
				_, err = r.stmts.fieldNotSent.ExecContext(ctx, b2i(f.wasPending), p.CustomerID, name)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// startRun records the start of a run and returns its id.
func (s *Store) startRun(ctx context.Context, input string, full bool) (int64, error) {
	res, err := s.conn.ExecContext(ctx, `INSERT INTO runs(started_at, input, full) VALUES(?, ?, ?)`, now(), input, b2i(full))
	if err != nil {
		return 0, fmt.Errorf("state %s: %w", s.path, err)
	}
	return res.LastInsertId()
}

// recordPlan records a run's counts once it is planned, so that a run
// killed while sending still shows what it meant to do.
func (s *Store) recordPlan(ctx context.Context, sum *Summary) error {
	_, err := s.conn.ExecContext(ctx, `UPDATE runs SET rows_read = ?, invalid_rows = ?, customers = ?, changed = ?,
  unchanged = ? WHERE run_id = ?`, sum.Rows, sum.Invalid, sum.Customers, sum.Changed, sum.Unchanged, sum.RunID)
	if err != nil {
		return fmt.Errorf("state %s: %w", s.path, err)
	}
	return nil
}

// finishRun records a run's counts.
func (s *Store) finishRun(ctx context.Context, sum *Summary) error {
	_, err := s.conn.ExecContext(ctx, `UPDATE runs SET finished_at = ?, rows_read = ?, invalid_rows = ?, customers = ?,
  changed = ?, unchanged = ?, sent = ?, ok = ?, failed = ?, maybe_applied = ?, not_sent = ? WHERE run_id = ?`,
		now(), sum.Rows, sum.Invalid, sum.Customers, sum.Changed, sum.Unchanged, sum.Sent, sum.OK, sum.Failed,
		sum.MaybeApplied, sum.NotSent, sum.RunID)
	if err != nil {
		return fmt.Errorf("state %s: %w", s.path, err)
	}
	return nil
}
