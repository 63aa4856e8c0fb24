package bulk

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// recorder writes a run's progress into the state. Every write goes
// through it, under its mutex: the batch takes plans on one goroutine while
// results arrive on another, and the state is one SQLite connection.
type recorder struct {
	st    *Store
	runID int64

	mu        sync.Mutex
	queue     []queued // outcomes not yet committed
	flushAt   int
	lastTaken atomic.Int64 // rowid in stage.plans of the last plan handed to the batch
}

type queued struct {
	p  *planRec
	cr CustomerResult
}

func newRecorder(st *Store, runID int64) *recorder {
	return &recorder{st: st, runID: runID, flushAt: 256}
}

// nextChunk reads up to n plans after rowid after and records their fields
// as pending, in one transaction, before any of them is sent: a kill from
// here on leaves them pending, so the next run sends them again. It
// returns the plans and the rowid of the last one.
func (r *recorder) nextChunk(ctx context.Context, after int64, n int) ([]*planRec, int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.flushLocked(ctx); err != nil {
		return nil, 0, err
	}
	st := r.st
	rows, err := st.conn.QueryContext(ctx, `SELECT rowid, customer_id, line, parent, patch, lines, was_pending, synced
FROM stage.plans WHERE rowid > ? ORDER BY rowid LIMIT ?`, after, n)
	if err != nil {
		return nil, 0, err
	}
	var plans []*planRec
	last := after
	for rows.Next() {
		p := &planRec{}
		var lines, pend string
		if err := rows.Scan(&p.rowid, &p.CustomerID, &p.Line, &p.ParentCompanyID, &p.Patch, &lines, &pend, &p.synced); err != nil {
			rows.Close()
			return nil, 0, err
		}
		if err := p.unpack(lines, pend); err != nil {
			rows.Close()
			return nil, 0, err
		}
		plans = append(plans, p)
		last = p.rowid
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if len(plans) == 0 {
		return nil, last, nil
	}
	ts := now()
	err = st.exec(ctx, func() error {
		for _, p := range plans {
			if _, err := st.conn.ExecContext(ctx, `INSERT INTO customers(customer_id, synced, run_id, line, status, updated_at)
VALUES(?, NULL, ?, ?, 'unknown', ?)
ON CONFLICT(customer_id) DO UPDATE SET synced = NULL, run_id = excluded.run_id, line = excluded.line,
  status = 'unknown', http_status = 0, error_type = '', error = '', request_id = '', updated_at = excluded.updated_at`,
				p.CustomerID, r.runID, p.Line, ts); err != nil {
				return err
			}
			for _, f := range p.fields {
				if _, err := st.conn.ExecContext(ctx, `INSERT INTO fields(customer_id, field, pending) VALUES(?, ?, 1)
ON CONFLICT(customer_id, field) DO UPDATE SET pending = 1`, p.CustomerID, string(f.name)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return plans, last, nil
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

// unmark puts back the pending flags of plans that were marked but never
// handed to the batch (it stopped first): they were not sent.
func (r *recorder) unmark(ctx context.Context, plans []*planRec) error {
	if len(plans) == 0 {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range plans {
		r.queue = append(r.queue, queued{p: p, cr: CustomerResult{CustomerID: p.CustomerID, Line: p.Line, Status: statusNotSent}})
	}
	return r.flushLocked(ctx)
}

// record queues a customer's outcome, committing the queue when it is
// long enough.
func (r *recorder) record(ctx context.Context, p *planRec, cr CustomerResult) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.queue = append(r.queue, queued{p: p, cr: cr})
	if len(r.queue) < r.flushAt {
		return nil
	}
	return r.flushLocked(ctx)
}

func (r *recorder) flush(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.flushLocked(ctx)
}

// flushLocked commits the queued outcomes in one transaction: after a 2xx
// each field sent becomes its applied value (no longer pending) and the
// customer's synced hash is set; after a refusal or a stop the fields get
// back the pending flag they had before; after an unknown outcome they stay
// pending.
func (r *recorder) flushLocked(ctx context.Context) error {
	if len(r.queue) == 0 {
		return nil
	}
	st := r.st
	ts := now()
	err := st.exec(ctx, func() error {
		for _, q := range r.queue {
			p, cr := q.p, q.cr
			errText := ""
			if cr.Err != nil {
				errText = cr.Err.Error()
			}
			var synced any
			if cr.Status == statusOK {
				synced = p.synced
			}
			if _, err := st.conn.ExecContext(ctx, `UPDATE customers SET synced = ?, status = ?, http_status = ?, error_type = ?,
  error = ?, request_id = ?, run_id = ?, line = ?, updated_at = ? WHERE customer_id = ?`,
				synced, cr.Status, cr.HTTPStatus, cr.ErrorType, errText, cr.RequestID, r.runID, p.Line, ts, p.CustomerID); err != nil {
				return err
			}
			sent := cr.HTTPStatus != 0 || cr.Status == statusOK || cr.Status == statusUnknown
			for _, f := range p.fields {
				var err error
				name, value := string(f.name), string(f.value)
				switch {
				case cr.Status == statusOK:
					_, err = st.conn.ExecContext(ctx, `UPDATE fields SET value = ?, applied_at = ?, request_id = ?, line = ?, run_id = ?,
  pending = 0, sent = ?, sent_at = ? WHERE customer_id = ? AND field = ?`,
						value, ts, cr.RequestID, f.line, r.runID, value, ts, p.CustomerID, name)
				case cr.Status == statusUnknown:
					_, err = st.conn.ExecContext(ctx, `UPDATE fields SET sent = ?, sent_at = ? WHERE customer_id = ? AND field = ?`,
						value, ts, p.CustomerID, name)
				case sent: // refused: nothing applied
					_, err = st.conn.ExecContext(ctx, `UPDATE fields SET pending = ?, sent = ?, sent_at = ? WHERE customer_id = ? AND field = ?`,
						b2i(f.wasPending), value, ts, p.CustomerID, name)
				default: // never sent
					_, err = st.conn.ExecContext(ctx, `UPDATE fields SET pending = ? WHERE customer_id = ? AND field = ?`,
						b2i(f.wasPending), p.CustomerID, name)
				}
				if err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("state %s: %w", st.path, err)
	}
	r.queue = r.queue[:0]
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
